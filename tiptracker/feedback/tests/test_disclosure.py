"""The differencing attacks on anonymous survey answers (issue 19), run as an attacker would
run them, against random small cohorts whose answers we know.

The attacker knows who was trained on which course, in which quarter, session and
organisation (attendance is not secret), and how the figures are published (rounded to the
nearest five; "fewer than 5"; released quarters, listed with each result). They do not know
who answered or what. They read every output: the results service narrowed every way it
allows, the results API, the impact page's figures and the board report's for overlapping
periods. From each figure they take the interval of true counts it allows, then:

- compare every two figures whose people differ by one person (overlapping groupings: a
  course and its session, a quarter and its year, a course and its level, two report
  periods, the results page and the impact page, one version's question and another's);
- use a figure whose people are one person alone;
- narrow figures by their own totals and shares (derived figures undoing suppression);
- read a figure for "all of them" (everyone asked answered; nobody gave an answer);
- watch the figures as one more answer arrives (n, then n + 1).

The test fails if any of that tells them, for certain, whether someone answered or what
they answered."""

import datetime as dt
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings

from tiptracker.feedback.invitations import survey_answer
from tiptracker.feedback.release import release_due
from tiptracker.feedback.results import results_for
from tiptracker.feedback.tests.disclosure_reader import Reader, Seen, _read_everything
from tiptracker.feedback.tests.disclosure_world import (
    AGREE,
    AT,
    CHANGE,
    CHOICES,
    EXTRA,
    QUARTERS,
    World,
    _build,
    cohorts,
)
from tiptracker.feedback.tests.factories import invited
from tiptracker.training.models import Course
from tiptracker.workforce.tests.factories import StaffMemberFactory

# The attacks ---------------------------------------------------------------------------------


def _deductions(world: World, seen: list[Seen]) -> list[str]:
    """Everything the figures tell for certain about one person: that they answered or did
    not, or what they answered to a question."""
    found = []
    by_quantity: dict[str, list[Seen]] = defaultdict(list)
    for figure in seen:
        by_quantity[figure.quantity].append(figure)
    for person in world.people:
        took_part = {0, 1}
        answers: dict[str, set[str]] = {
            CHANGE: set(CHOICES),
            AGREE: {str(n) for n in range(1, 6)},
            EXTRA: {str(n) for n in range(1, 6)},
        }
        values: dict[str, set[int]] = {AGREE: set(range(1, 6)), EXTRA: set(range(1, 6))}
        for quantity, figures in by_quantity.items():
            mine = [f for f in figures if person.key in f.scope]
            for with_ in mine:
                # The figure less others that add up to all its people but this one (a
                # course less its other sessions, a year less its other quarters ...), or
                # the figure alone when it is about this person alone.
                for low_sum, high_sum in _covers(with_.scope - {person.key}, figures):
                    if quantity.endswith(" sum"):
                        question = quantity.removesuffix(" sum")
                        low, high = with_.low - high_sum, with_.high - low_sum
                        values[question] &= set(range(max(0, low), high + 1))
                        continue
                    low = max(0, with_.low - high_sum)
                    high = min(1, with_.high - low_sum)
                    if quantity == "answered":
                        took_part &= set(range(low, high + 1))
                    else:
                        question, answer = quantity.split("=", 1)
                        if low == 1:
                            answers[question] &= {answer}
                        elif high == 0:
                            answers[question].discard(answer)
                if quantity == "answered" and with_.low >= len(with_.scope):
                    took_part &= {1}  # everyone it is about answered
                if quantity != "answered" and not quantity.endswith(" sum") and with_.high == 0:
                    question, answer = quantity.split("=", 1)
                    answers[question].discard(answer)  # nobody it is about gave this answer
        who = f"person {person.key} (course {person.course}, quarter {person.quarter})"
        if len(took_part) == 1:
            found.append(f"{who}: answered={took_part.pop()} (truly {int(person.answers)})")
        if not person.answers:
            continue
        asked = [CHANGE, AGREE] + ([EXTRA] if person.version == 2 else [])
        for question in asked:
            given = {CHANGE: person.change, AGREE: str(person.agree), EXTRA: str(person.extra)}
            if len(answers[question]) == 1:
                found.append(f"{who}: {question} = {answers[question]} (truly {given[question]})")
            if question in values and len(values[question] - {0}) == 1:
                found.append(f"{who}: {question} = {values[question]} (truly {given[question]})")
    return found


def _covers(people: frozenset[int], figures: list[Seen], depth: int = 4) -> list[tuple[int, int]]:
    """The intervals of every sum of figures whose people, taken together and none twice,
    are exactly `people` (at most `depth` figures; none at all for nobody)."""
    if not people:
        return [(0, 0)]
    if depth == 0:
        return []
    first = min(people)
    found = []
    for figure in figures:
        if first in figure.scope and figure.scope <= people:
            for low, high in _covers(people - figure.scope, figures, depth - 1):
                found.append((figure.low + low, figure.high + high))
    return found


def _late_answer(world: World) -> None:
    """One more person of course A answers in the first quarter after its release."""
    course = Course.objects.get(pk=world.courses["A"])
    staff = StaffMemberFactory(team__partnership=world.partnership)
    invitation = invited(
        staff=staff,
        course=course,
        timepoint="follow_up",
        survey=world.survey,
        completed_on=QUARTERS[0].starts_on + dt.timedelta(days=20),
    )
    version = world.survey.versions.get(number=2)
    questions = {q.position: q for q in version.questions.all()}
    survey_answer(
        invitation=invitation,
        version=version,
        answers={questions[1].pk: 0, questions[2].pk: 5, questions[3].pk: 5},
    )
    release_due(on=dt.date(2024, 2, 1), partnership_id=world.partnership.pk)


def _figures(seen: list[Seen]) -> set[tuple]:
    return {(s.source, s.quantity, s.low, s.high) for s in seen}


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cohorts)
def test_no_attack_tells_anyones_answer_or_whether_they_answered(cohort):
    people_, target = cohort
    world = _build(people_, target)
    reader = Reader(world)
    # Which periods were published for each course, as the unnarrowed results list them (the
    # rest of a year is about the people of the quarters not published alone).
    for found in results_for(world.partnership.pk, at=AT).timepoints:
        reader.released[found.course.removeprefix("Course ")] |= {p.key for p in found.periods}
    seen = _read_everything(world, reader, api=True)
    deduced = _deductions(world, seen)
    assert not deduced, "\n".join(deduced)

    # n, then n + 1: a late answer moves no figure at all.
    _late_answer(world)
    after = _read_everything(world, reader, api=False)
    assert _figures(after) == _figures([s for s in seen if not s.source.startswith("api")])
