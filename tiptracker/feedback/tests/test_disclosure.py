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
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiptracker.accounts.tests.helpers import signed_in
from tiptracker.feedback.impact import CHANGED, impact_for
from tiptracker.feedback.invitations import survey_answer
from tiptracker.feedback.models import CourseSurvey, Question, Survey, SurveyVersion
from tiptracker.feedback.periods import Period
from tiptracker.feedback.release import release_due
from tiptracker.feedback.results import Filters, results_for
from tiptracker.feedback.tests.factories import invited
from tiptracker.lib.money import FinancialYear
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
)
from tiptracker.reporting.figures import report_figures
from tiptracker.training.models import Course, TrainingSession
from tiptracker.training.tests.factories import (
    CompletionFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

AT = 5
YEAR = FinancialYear(2022)
QUARTERS = [Period(YEAR, q) for q in (1, 2, 3, 4)]
CHANGE, AGREE, EXTRA = "Have you changed how you work?", "It helped me.", "I use it daily."
CHOICES = ["Yes", "No"]
LONE_SESSION = 9  # the target's own session, shared with nobody


@dataclass
class Person:
    key: int
    course: str  # "A" or "B", both at level 1
    quarter: int  # of the financial year 2022/23
    session: int
    org: int
    answers: bool
    change: str
    agree: int
    extra: int  # asked only in version 2 (quarters 3 and 4)

    @property
    def version(self) -> int:
        return 2 if self.quarter >= 3 else 1


people = st.builds(
    lambda course, quarter, session, org, answers, change, agree, extra: dict(
        course=course,
        quarter=quarter,
        session=session,
        org=org,
        answers=answers,
        change=change,
        agree=agree,
        extra=extra,
    ),
    st.sampled_from("AAB"),
    st.integers(1, 3),
    st.integers(0, 1),
    st.integers(0, 1),
    st.booleans(),
    st.sampled_from(CHOICES),
    st.integers(1, 5),
    st.integers(1, 5),
)
cohorts = st.tuples(
    st.lists(people, min_size=4, max_size=30),
    # The target: alone in a session of course A, or the one person asked in a quarter.
    st.fixed_dictionaries(
        {
            "alone": st.sampled_from(["session", "quarter"]),
            "quarter": st.integers(1, 3),
            "org": st.integers(0, 1),
            "answers": st.booleans(),
            "change": st.sampled_from(CHOICES),
            "agree": st.integers(1, 5),
            "extra": st.integers(1, 5),
        }
    ),
)


# Building the partnership --------------------------------------------------------------------


@dataclass
class World:
    partnership: object
    admin: object
    people: list[Person]
    staff: dict[int, int] = field(default_factory=dict)  # person -> staff id
    courses: dict[str, int] = field(default_factory=dict)
    sessions: dict[tuple[str, int, int], int] = field(default_factory=dict)
    organisations: list[int] = field(default_factory=list)
    survey: Survey | None = None


def _build(cohort: list[dict], target: dict) -> World:
    partnership = PartnershipFactory()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN)
    found = [Person(key=n + 1, **person) for n, person in enumerate(cohort)]
    quarter = 4 if target["alone"] == "quarter" else target["quarter"]
    session = 0 if target["alone"] == "quarter" else LONE_SESSION
    found.insert(
        0,
        Person(
            key=0,
            course="A",
            quarter=quarter,
            session=session,
            org=target["org"],
            answers=target["answers"],
            change=target["change"],
            agree=target["agree"],
            extra=target["extra"],
        ),
    )
    world = World(partnership, admin, found)
    teams = []
    for name in ("Tay Trust", "Angus Care"):
        organisation = OrganisationFactory(partnership=partnership, name=name)
        world.organisations.append(organisation.pk)
        teams.append(TeamFactory(partnership=partnership, organisation=organisation))
    survey = Survey.objects.create(partnership=partnership, name="Practice", purpose="behaviour")
    versions = {}
    for number in (1, 2):
        version = SurveyVersion.objects.create(
            survey=survey, number=number, introduction="Anonymous.", anonymous=True
        )
        Question.objects.create(
            version=version,
            position=1,
            kind="single",
            text=CHANGE,
            choices=CHOICES,
            change_answer="Yes",
        )
        Question.objects.create(version=version, position=2, kind="agreement", text=AGREE)
        if number == 2:
            Question.objects.create(version=version, position=3, kind="agreement", text=EXTRA)
        versions[number] = version
    world.survey = survey
    for code in ("A", "B"):
        course = CourseFactory(partnership=partnership, title=f"Course {code}", level=1)
        world.courses[code] = course.pk
        CourseSurvey.objects.create(
            partnership=partnership,
            course=course,
            timepoint="follow_up",
            survey=survey,
            delay_days=84,
        )
    for person in found:
        day = QUARTERS[person.quarter - 1].starts_on + dt.timedelta(days=20 + person.session)
        where = (person.course, person.quarter, person.session)
        if where not in world.sessions:
            world.sessions[where] = TrainingSessionFactory(
                course_id=world.courses[person.course],
                partnership=partnership,
                starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
            ).pk
        staff = StaffMemberFactory(team=teams[person.org])
        world.staff[person.key] = staff.pk
        CompletionFactory(staff=staff, course_id=world.courses[person.course], completed_on=day)
        invitation = invited(
            staff=staff,
            course=Course.objects.get(pk=world.courses[person.course]),
            timepoint="follow_up",
            survey=survey,
            completed_on=day,
            session=TrainingSession.objects.get(pk=world.sessions[where]),
        )
        if person.answers:
            _answer(invitation, versions[person.version], person)
    release_due(on=dt.date(2024, 1, 1), partnership_id=partnership.pk)
    return world


def _answer(invitation, version, person: Person) -> None:  # type: ignore[no-untyped-def]
    questions = {q.position: q for q in version.questions.all()}
    answers = {
        questions[1].pk: CHOICES.index(person.change),
        questions[2].pk: person.agree,
    }
    if 3 in questions:
        answers[questions[3].pk] = person.extra
    survey_answer(invitation=invitation, version=version, answers=answers)


# What the attacker reads ---------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """A figure as the attacker understands it: the people it is about, what it counts,
    and the true counts it allows."""

    source: str
    scope: frozenset[int]
    quantity: str  # "answered", "<question>=<answer>", or "<question> sum"
    low: int
    high: int


def _interval(figure: dict) -> tuple[int, int] | None:
    """From {value, suppressed, rounded}: the true counts it allows."""
    if figure.get("suppressed"):
        return (0, AT - 1)
    value = figure["value"]
    if value is None:
        return None
    if figure.get("rounded"):
        return (max(0, value - 2), value + 2)
    return (value, value)


class Reader:
    """Turns outputs into Seen figures, knowing the cohort's attendance."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.released: dict[str, set[str]] = defaultdict(set)  # course -> period keys seen

    def people(self, course: str | None = None, **where: object) -> set[int]:
        return {
            p.key
            for p in self.world.people
            if (course is None or p.course == course)
            and all(getattr(p, name) == value for name, value in where.items())
        }

    def period_scope(self, course: str, key: str) -> set[int]:
        if key.endswith(("q1", "q2", "q3", "q4")):
            return self.people(course, quarter=int(key[-1]))
        released = {int(k[-1]) for k in self.released[course] if "q" in k}
        return {p for p in self.people(course) if self._quarter(p) not in released}

    def _quarter(self, key: int) -> int:
        return next(p.quarter for p in self.world.people if p.key == key)

    def results(
        self, source: str, body: dict, *, course_filter: set[str], where: dict
    ) -> list[Seen]:
        """Figures from a results output (the API's JSON, or the service's, made the same)."""
        seen = []
        for result in body["results"]:
            course = result["course"].removeprefix("Course ")
            if course not in course_filter:
                continue
            if result.get("periods"):
                self.released[course] |= set(result["periods"])
                scope: set[int] = set()
                for key in result["periods"]:
                    scope |= self.period_scope(course, key)
                scope &= self.people(course, **where)
            else:
                scope = self.people(course, **where)
            if not scope:
                continue
            add = _adder(seen, source, frozenset(scope))
            add("answered", result["answered"])
            for question in result["questions"]:
                text = question["question"]
                ask = frozenset(scope)
                if text == EXTRA:  # asked only in version 2: quarters 3 and 4
                    ask = frozenset(p for p in scope if self._quarter(p) >= 3)
                add_q = _adder(seen, source, ask)
                cells = {a["answer"]: _interval(a["people"]) for a in question["answers"]}
                total = _interval(question["total"])
                exact_total = total is not None and total[0] == total[1]
                if exact_total:
                    cells = _narrow(cells, total[0])  # the total less every other cell
                    share = question.get("share_changed") or {}
                    if share.get("percent") is not None and question.get("change_answer"):
                        # A share of an exact total gives its part, to within the rounding.
                        p = share["percent"] / 100
                        part = (
                            math.ceil((p - 0.0005) * total[0]),
                            math.floor((p + 0.0005) * total[0]),
                        )
                        label = question["change_answer"]
                        low, high = cells[label]
                        cells[label] = (max(low, part[0]), min(high, part[1]))
                        cells = _narrow(cells, total[0])
                    average = question.get("average") or {}
                    if average.get("value") is not None:
                        # An average of an exact total gives the sum of the answers.
                        m = average["value"]
                        add_q(
                            f"{text} sum",
                            None,
                            interval=(
                                math.ceil((m - 0.005) * total[0]),
                                math.floor((m + 0.005) * total[0]),
                            ),
                        )
                for label, interval in cells.items():
                    if interval is not None:
                        add_q(f"{text}={label}", None, interval=interval)
        return seen


def _narrow(cells: dict, total: int) -> dict:
    """Each cell's interval narrowed by the exact total less the others' intervals."""
    known = {k: v for k, v in cells.items() if v is not None}
    for _ in range(3):
        for label, (low, high) in list(known.items()):
            others_low = sum(v[0] for k, v in known.items() if k != label)
            others_high = sum(v[1] for k, v in known.items() if k != label)
            known[label] = (max(low, total - others_high), min(high, total - others_low))
    return {**cells, **known}


def _adder(seen: list[Seen], source: str, scope: frozenset[int]):  # type: ignore[no-untyped-def]
    def add(quantity: str, figure: dict | None, interval: tuple[int, int] | None = None) -> None:
        found = interval if interval is not None else (_interval(figure) if figure else None)
        if found is not None and scope:
            seen.append(Seen(source, scope, quantity, found[0], found[1]))

    return add


def _service_json(found) -> dict:  # type: ignore[no-untyped-def]
    """The results service's figures in the API's shape."""
    return {
        "results": [
            {
                "course": r.course,
                "periods": [p.key for p in r.periods],
                "answered": r.answered.as_json(),
                "questions": [
                    {
                        "question": q.question.text,
                        "answers": [
                            {"answer": label, "people": figure.as_json()}
                            for label, figure in q.pairs
                        ],
                        "total": q.counts.total.as_json(),
                        "change_answer": q.question.change_answer,
                        "share_changed": q.changed.as_json() if q.changed else None,
                        "average": (
                            None
                            if q.mean is None
                            or q.mean.value is None
                            # An average of rounded counts says nothing of the true answers.
                            or q.counts.total.rounded
                            else {"value": round(q.mean.value, 2)}
                        ),
                    }
                    for q in r.questions
                ],
            }
            for r in found.timepoints
            if r.timepoint == "follow_up"
        ]
    }


def _read_everything(world: World, reader: Reader, *, api: bool) -> list[Seen]:
    p = world.partnership
    seen: list[Seen] = []
    courses = {"A": (world.courses["A"],), "B": (world.courses["B"],)}
    choices = [("A", {"A"}), ("B", {"B"}), ("level", {"A", "B"})]
    periods: list[tuple[str, dict, dict]] = [("any time", {}, {})]
    for period in [Period(YEAR), *QUARTERS]:
        key = period.key
        range_ = {"start": period.starts_on, "end": period.ends_before}
        where = {} if period.quarter is None else {"quarter": period.quarter}
        periods.append((key, range_, where))
    narrowings: list[tuple[dict, dict]] = [({}, {})]
    for (course, quarter, number), session in world.sessions.items():
        narrowings.append(
            ({"session_id": session}, {"quarter": quarter, "session": number, "course": course})
        )
    for n, organisation in enumerate(world.organisations):
        narrowings.append(({"organisation_id": organisation}, {"org": n}))
    for (name, course_filter), (key, range_, where), (narrow, narrow_where) in itertools.product(
        choices, periods, narrowings
    ):
        ids = courses[name] if name in courses else (world.courses["A"], world.courses["B"])
        found = results_for(p.pk, at=AT, filters=Filters(course_ids=ids, **range_, **narrow))
        whose = {**where, **{k: v for k, v in narrow_where.items() if k != "course"}}
        within = course_filter & (
            {narrow_where["course"]} if "course" in narrow_where else course_filter
        )
        seen += reader.results(
            f"results {name} {key} {narrow}",
            _service_json(found),
            course_filter=within,
            where=whose,
        )
    if api:
        client = signed_in(world.admin.user)
        url = f"/api/partnerships/{p.slug}/feedback/results/"
        for (key, _range, where), (narrow, narrow_where) in itertools.product(periods, narrowings):
            query = {"course": world.courses["A"]}
            if key != "any time":
                query["period"] = key
            if "session_id" in narrow:
                if narrow_where["course"] != "A":
                    continue
                query["session"] = narrow["session_id"]
            if "organisation_id" in narrow:
                query["organisation"] = narrow["organisation_id"]
            response = client.get(url, query)
            assert response.status_code == 200, response.content
            whose = {**where, **{k: v for k, v in narrow_where.items() if k != "course"}}
            seen += reader.results(
                f"api {query}", response.json(), course_filter={"A"}, where=whose
            )
    # The impact page: each course's "changed practice", and the level's by period.
    impact = impact_for(p.pk, at=AT)
    for level in impact.levels:
        for chain in level.courses:
            course = chain.title.removeprefix("Course ")
            step = next(s for s in chain.steps if s.step == CHANGED)
            if step.people is not None:
                scope = set()
                for key in reader.released[course]:
                    scope |= reader.period_scope(course, key)
                _adder(seen, "impact course", frozenset(scope))(
                    f"{CHANGE}=Yes", step.people.as_json()
                )
        for row in level.periods:
            cell = next(c for c in row.cells if c.step == CHANGED)
            if cell.people is None:
                continue
            scope = set()
            for course in ("A", "B"):
                if row.period.key in reader.released[course]:
                    scope |= reader.period_scope(course, row.period.key)
            _adder(seen, f"impact {row.period.key}", frozenset(scope))(
                f"{CHANGE}=Yes", cell.people.as_json()
            )
    # The board report for overlapping periods.
    for start, end in [
        (dt.date(2022, 4, 1), dt.date(2022, 6, 30)),
        (dt.date(2022, 4, 1), dt.date(2022, 9, 30)),
        (dt.date(2022, 7, 1), dt.date(2022, 12, 31)),
        (dt.date(2022, 4, 1), dt.date(2023, 3, 31)),
    ]:
        figures = report_figures(partnership_id=p.pk, start=start, end=end)
        inside = {
            q.key
            for q in QUARTERS
            if figures.impact_start <= q.starts_on
            and q.ends_before <= figures.impact_end + dt.timedelta(days=1)
        }
        if figures.impact_start <= YEAR.starts_on and figures.impact_end >= dt.date(2023, 3, 31):
            inside.add(Period(YEAR).key)
        for row in figures.impact:
            course = row.course.removeprefix("Course ")
            if row.changed is None:
                continue
            scope = set()
            for key in reader.released[course] & inside:
                scope |= reader.period_scope(course, key)
            _adder(seen, f"board {start}..{end}", frozenset(scope))(
                f"{CHANGE}=Yes", row.changed.as_json()
            )
    return seen


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
