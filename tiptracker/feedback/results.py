"""Survey results: response rates and how each question was answered, by course and
timepoint; the change from before to after a course with its confidence interval; the share
reporting a change in practice at follow-up.

Two sources, one shape. A course's survey at a timepoint with anonymous answers is published
only from its released cells (release.py): whole quarters or years of the training, counts
rounded to the nearest five, totals, averages and shares computed from those published
counts; it cannot be narrowed by session or organisation. Attributable surveys are counted
live, narrowed by level, course, session, organisation and period, every figure through
the small-numbers rule (lib/suppression.py), in a few GROUP BY queries however many
responses there are (answers carry the course, timepoint, month of training, session and
organisation of their response, so counting them needs no join).
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from tiptracker.feedback.models import (
    Answer,
    Invitation,
    Question,
    ReleasedCell,
    Timepoint,
    answer_keys,
    answer_labels,
)
from tiptracker.feedback.periods import Period
from tiptracker.feedback.release import protected_pairs, released_cells
from tiptracker.lib.money import FinancialYear
from tiptracker.lib.suppression import Figure, Rate, Row, count, published, rate, row
from tiptracker.training.models import Course

SCALES = (Question.Kind.AGREEMENT, Question.Kind.RATING)
CHOICES = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
TEXT_LIMIT = 200  # free-text answers shown on the page; the export has them all


@dataclass(frozen=True)
class Filters:
    """What the results are narrowed to; None means all."""

    course_ids: tuple[int, ...] | None = None  # a course, or the courses of a level
    session_id: int | None = None
    organisation_id: int | None = None
    start: dt.date | None = None  # trained on or after
    end: dt.date | None = None  # trained before

    def invitations(self, partnership_id: int) -> QuerySet[Invitation]:
        found = Invitation.objects.filter(partnership_id=partnership_id).exclude(
            status=Invitation.Status.WAITING
        )
        if self.course_ids is not None:
            found = found.filter(course_id__in=self.course_ids)
        if self.session_id is not None:
            found = found.filter(session_id=self.session_id)
        if self.organisation_id is not None:
            found = found.filter(staff__organisation_id=self.organisation_id)
        if self.start is not None:
            found = found.filter(completed_on__gte=self.start)
        if self.end is not None:
            found = found.filter(completed_on__lt=self.end)
        return found

    def answers(self, partnership_id: int) -> QuerySet[Answer]:
        found = Answer.objects.filter(partnership_id=partnership_id)
        if self.course_ids is not None:
            found = found.filter(course_id__in=self.course_ids)
        if self.session_id is not None:
            found = found.filter(session_id=self.session_id)
        if self.organisation_id is not None:
            found = found.filter(organisation_id=self.organisation_id)
        if self.start is not None:
            found = found.filter(trained_in__gte=self.start)
        if self.end is not None:
            found = found.filter(trained_in__lt=self.end)
        return found


@dataclass
class Mean:
    """The average answer to a scale question, shown only from enough answers."""

    people: int
    total: float
    squares: float
    at: int

    @property
    def suppressed(self) -> bool:
        return self.people < self.at

    @property
    def value(self) -> float | None:
        return None if self.suppressed else self.total / self.people

    @property
    def variance(self) -> float:
        if self.people < 2:
            return 0.0
        mean = self.total / self.people
        return max(0.0, (self.squares - self.people * mean * mean) / (self.people - 1))

    def __str__(self) -> str:
        return f"fewer than {self.at}" if self.value is None else f"{self.value:.1f}"


def _mean(counts: dict[int, int], at: int) -> Mean:
    return Mean(
        people=sum(counts.values()),
        total=float(sum(k * n for k, n in counts.items())),
        squares=float(sum(k * k * n for k, n in counts.items())),
        at=at,
    )


@dataclass(frozen=True)
class QuestionShown:
    """A question as results show it: one version's, or the same question (wording, kind
    and answers) asked in several versions, merged."""

    text: str
    kind: str
    change_answer: str
    versions: tuple[int, ...]

    @classmethod
    def of(cls, question: Question) -> "QuestionShown":
        change = question.change_answer if question.change_answer in question.choices else ""
        return cls(question.text, question.kind, change, (question.version.number,))

    @property
    def versions_label(self) -> str:
        numbers = [str(n) for n in self.versions]
        return numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]


@dataclass
class QuestionResult:
    question: QuestionShown
    labels: list[str]
    counts: Row
    # How many gave each answer (by its number): the true counts of an attributable survey,
    # the published ones of a released survey. Averages and the change come from these.
    distribution: dict[int, int] = field(default_factory=dict)
    mean: Mean | None = None  # scales
    changed: Rate | None = None  # a question with a change answer: the share who gave it
    chart: str = ""  # the page's SVG of the counts (drawn by the view)

    @property
    def pairs(self) -> list[tuple[str, Figure]]:
        return list(zip(self.labels, self.counts.cells, strict=True))


@dataclass
class Change:
    """The average answer after a course minus the average before, with its 95% confidence
    interval (Welch's, for two groups: people who answered only once still count)."""

    question: str
    before: Mean
    after: Mean

    @property
    def suppressed(self) -> bool:
        return self.before.suppressed or self.after.suppressed

    @property
    def difference(self) -> float | None:
        if self.suppressed:
            return None
        return self.after.total / self.after.people - self.before.total / self.before.people

    @property
    def interval(self) -> tuple[float, float] | None:
        difference = self.difference
        if difference is None:
            return None
        a = self.before.variance / self.before.people
        b = self.after.variance / self.after.people
        error = math.sqrt(a + b)
        if error == 0:
            return (difference, difference)
        freedom = (a + b) ** 2 / (
            a * a / (self.before.people - 1) + b * b / (self.after.people - 1)
        )
        margin = t_quantile_975(freedom) * error
        return (difference - margin, difference + margin)

    def __str__(self) -> str:
        interval = self.interval
        if interval is None:
            return f"fewer than {self.before.at}"
        return f"{self.difference:+.1f} (95% confidence interval {interval[0]:+.1f} to {interval[1]:+.1f})"


def t_quantile_975(freedom: float) -> float:
    """The 97.5th percentile of Student's t with `freedom` degrees of freedom (a
    Cornish-Fisher expansion about the normal's 1.96: within 0.01 from 3 degrees up)."""
    z = 1.959963984540054
    v = max(freedom, 1.0)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
        + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
    )


@dataclass
class TextAnswer:
    text: str
    given_on: dt.date
    person: str


@dataclass
class TimepointResult:
    course_id: int
    course: str
    timepoint: str
    invited: Figure
    answered: Figure
    response_rate: Rate
    questions: list[QuestionResult] = field(default_factory=list)
    texts: dict[Question, list[TextAnswer]] = field(default_factory=dict)
    # From released cells (anonymous answers): rounded counts, whole quarters or years,
    # and which (so a reader knows exactly whose answers a figure covers).
    released: bool = False
    periods: list[Period] = field(default_factory=list)

    @property
    def periods_label(self) -> str:
        return "; ".join(period.label for period in self.periods)

    @property
    def timepoint_label(self) -> str:
        return str(Timepoint(self.timepoint).label)


@dataclass
class Results:
    timepoints: list[TimepointResult]
    changes: dict[str, list[Change]]  # course title -> before and after, question by question
    at: int
    # A session or organisation was chosen, so surveys with anonymous answers (which are
    # not published by either) were left out.
    anonymous_left_out: bool = False


def results_for(
    partnership_id: int, *, at: int, filters: Filters | None = None, with_text: bool = False
) -> Results:
    """Per course and timepoint: asked (sent), answered, the rate, and each question's
    answers counted (a row with its total, suppressed together); means of scales; the
    change from before to after; free text of attributable surveys if `with_text`. Surveys
    with anonymous answers from their released cells only (release.py)."""
    filters = filters or Filters()
    protected = protected_pairs(partnership_id)
    narrowed = filters.session_id is not None or filters.organisation_id is not None
    timepoints: list[TimepointResult] = []
    # Counted from the index invitation_counts alone, and the courses' titles read apart:
    # joining each of a hundred thousand invitations to its course, to group and order by
    # the title, costs more than the count itself.
    sent = [
        line
        for line in filters.invitations(partnership_id)
        .values_list("course_id", "timepoint")
        .annotate(
            invited=Count("id"), answered=Count("id", filter=Q(status=Invitation.Status.ANSWERED))
        )
        .order_by()
        if (line[0], line[1]) not in protected
    ]
    counted: dict[tuple[int, str], dict[int, dict[int, int]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    # Only the courses counted live: the others' answers are not read. (By course alone:
    # a list of course and timepoint pairs costs SQLite more than it saves.)
    live_courses = {course_id for course_id, *_counts in sent}
    for course_id, timepoint, question_id, number, people in (
        filters.answers(partnership_id)
        .filter(number__isnull=False, course_id__in=live_courses)
        .values_list("course_id", "timepoint", "question_id", "number")
        # COUNT(*), not of the id: the id is not in the index answer_counts, and counting it
        # would read every answer's row instead of the index alone.
        .annotate(people=Count("*"))
        .order_by()
    ):
        if (course_id, timepoint) not in protected:
            counted[(course_id, timepoint)][question_id][number] = people
    cells: dict[tuple[int, str], list[ReleasedCell]] = defaultdict(list)
    if not narrowed:
        for cell in released_cells(
            partnership_id, course_ids=filters.course_ids, start=filters.start, end=filters.end
        ):
            if (cell.course_id, cell.timepoint) in protected:
                cells[(cell.course_id, cell.timepoint)].append(cell)
    titles = dict(
        Course.objects.filter(pk__in={line[0] for line in sent} | {key[0] for key in cells})
        .order_by("title", "pk")
        .values_list("pk", "title")
    )
    question_ids = {q for per in counted.values() for q in per}
    texts: dict[tuple[int, str], dict[int, list[TextAnswer]]] = defaultdict(
        lambda: defaultdict(list)
    )
    if with_text:
        # The free-text questions of attributable surveys, found first, so that the search
        # for their answers reads only theirs (and, where there are none, as in the starter
        # set, no answer at all) rather than every answer joined to its question.
        attributable = list(
            Question.objects.filter(
                kind=Question.Kind.TEXT,
                version__anonymous=False,
                version__survey__partnership_id=partnership_id,
            ).values_list("pk", flat=True)
        )
        for course_id, timepoint, question_id, text, given_on, first, last in (
            filters.answers(partnership_id)
            .filter(question_id__in=attributable)
            .order_by("-response__given_on", "id")
            .values_list(
                "course_id",
                "timepoint",
                "question_id",
                "text",
                "response__given_on",
                "response__staff__first_name",
                "response__staff__last_name",
            )[:TEXT_LIMIT]
        ):
            person = f"{first or ''} {last or ''}".strip() or "Someone who has since left"
            texts[(course_id, timepoint)][question_id].append(TextAnswer(text, given_on, person))
            question_ids.add(question_id)
    questions = {
        q.pk: q
        for q in Question.objects.filter(pk__in=question_ids).select_related("version__survey")
    }
    for course_id, timepoint, invited, answered in sent:
        key = (course_id, timepoint)
        found = TimepointResult(
            course_id=course_id,
            course=titles[course_id],
            timepoint=timepoint,
            invited=count(invited, at=at),
            answered=row([answered], at=at).total,
            response_rate=rate(answered, invited, at=at),
        )
        for question_id, by_number in sorted(
            counted[key].items(),
            key=lambda item: (-questions[item[0]].version.number, questions[item[0]].position),
        ):
            question = questions[question_id]
            values = [by_number.get(k, 0) for k in answer_keys(question)]
            found.questions.append(
                _question(
                    QuestionShown.of(question),
                    answer_labels(question),
                    answer_keys(question),
                    values,
                    counts=row(values, at=at),
                    at=at,
                )
            )
        timepoints.append(found)
    for (course_id, timepoint), released in cells.items():
        timepoints.append(_released(course_id, titles[course_id], timepoint, released, at))
    place = {course_id: n for n, course_id in enumerate(titles)}
    timepoints.sort(key=lambda found: (place[found.course_id], found.timepoint))
    for found in timepoints:
        found.texts = {
            questions[question_id]: answers
            for question_id, answers in texts[(found.course_id, found.timepoint)].items()
        }
    return Results(
        timepoints=timepoints,
        changes=_changes(timepoints, at),
        at=at,
        anonymous_left_out=narrowed
        and any(
            filters.course_ids is None or course_id in filters.course_ids
            for course_id, _timepoint in protected
        ),
    )


def _question(
    question: QuestionShown,
    labels: list[str],
    keys: list[int],
    values: list[int],
    *,
    counts: Row,
    at: int,
) -> QuestionResult:
    result = QuestionResult(
        question=question,
        labels=labels,
        counts=counts,
        distribution=dict(zip(keys, values, strict=True)),
    )
    if question.kind in SCALES:
        result.mean = _mean(result.distribution, at)
    if question.change_answer:
        chosen = values[labels.index(question.change_answer)]
        result.changed = rate(chosen, sum(values), at=at)
    return result


def _released(
    course_id: int, course: str, timepoint: str, cells: list[ReleasedCell], at: int
) -> TimepointResult:
    """One course's survey at one timepoint from its released cells: every figure a sum of
    the cells' published (rounded) counts, or computed from those sums."""
    invited = sum(cell.invited for cell in cells)
    answered = sum(cell.answered for cell in cells)
    found = TimepointResult(
        course_id=course_id,
        course=course,
        timepoint=timepoint,
        invited=count(invited, at=at),
        answered=published(answered, at=at),
        # From the published count, which may be up to two more than were asked.
        response_rate=rate(min(answered, invited), invited, at=at),
        released=True,
        periods=sorted(
            (
                Period(FinancialYear.containing(cell.starts_on), cell.quarter or None)
                for cell in cells
            ),
            key=Period.sort_key,
        ),
    )
    merged: dict[tuple, dict] = {}
    for cell in cells:
        for entry in cell.questions:
            identity = (entry["kind"], entry["text"], tuple(entry["labels"]))
            into = merged.setdefault(
                identity,
                {**entry, "counts": [0] * len(entry["counts"]), "versions": set()},
            )
            into["counts"] = [a + b for a, b in zip(into["counts"], entry["counts"], strict=True)]
            into["versions"] |= set(entry["versions"])
            into["change_answer"] = into["change_answer"] or entry["change_answer"]
    for entry in merged.values():
        values = entry["counts"]
        found.questions.append(
            _question(
                QuestionShown(
                    entry["text"],
                    entry["kind"],
                    entry["change_answer"],
                    tuple(sorted(entry["versions"])),
                ),
                entry["labels"],
                entry["keys"],
                values,
                counts=Row([published(v, at=at) for v in values], published(sum(values), at=at)),
                at=at,
            )
        )
    return found


def _changes(timepoints: list[TimepointResult], at: int) -> dict[str, list[Change]]:
    """For each course asked before and after: each scale question asked at both (matched
    by its wording, across versions), the averages and their difference."""
    by_course: dict[int, dict[str, TimepointResult]] = defaultdict(dict)
    for result in timepoints:
        by_course[result.course_id][result.timepoint] = result
    changes: dict[str, list[Change]] = {}
    for found in by_course.values():
        if Timepoint.PRE not in found or Timepoint.POST not in found:
            continue
        before = _scales(found[Timepoint.PRE])
        after = _scales(found[Timepoint.POST])
        lines = [
            Change(question=text, before=_mean(before[text], at), after=_mean(after[text], at))
            for text in before
            if text in after
        ]
        if lines:
            changes[found[Timepoint.PRE].course] = lines
    return changes


def _scales(result: TimepointResult) -> dict[str, dict[int, int]]:
    """Counts of each answer to each scale question, by its wording (versions merged)."""
    merged: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for q in result.questions:
        if q.question.kind in SCALES:
            for number, people in q.distribution.items():
                merged[q.question.text][number] += people
    return merged
