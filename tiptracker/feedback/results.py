"""Survey results: response rates and how each question was answered, by course and
timepoint, narrowed by level, course, session, organisation and period; the change from
before to after a course with its confidence interval; the share reporting a change in
practice at follow-up. Every figure goes through the small-numbers rule
(lib/suppression.py), and everything is counted in the database (a few GROUP BY queries,
however many responses there are).

Answers carry the course, timepoint, month of training, session and organisation of their
response, so counting them needs no join. For an anonymous survey the session and the
organisation are left out where too few people share them (feedback/invitations.py), so
such answers count in the totals but not under one organisation or session.
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from tiptracker.feedback.models import AGREEMENT_SCALE, Answer, Invitation, Question, Timepoint
from tiptracker.lib.suppression import Figure, Rate, Row, count, rate, row
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


@dataclass
class QuestionResult:
    question: Question
    labels: list[str]
    counts: Row
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

    @property
    def timepoint_label(self) -> str:
        return str(Timepoint(self.timepoint).label)


@dataclass
class Results:
    timepoints: list[TimepointResult]
    changes: dict[str, list[Change]]  # course title -> before and after, question by question
    at: int


def answer_labels(question: Question) -> list[str]:
    if question.kind == Question.Kind.AGREEMENT:
        return [text for _value, text in AGREEMENT_SCALE]
    if question.kind == Question.Kind.RATING:
        return [str(n) for n in range(11)]
    return list(question.choices)


def answer_keys(question: Question) -> list[int]:
    if question.kind == Question.Kind.AGREEMENT:
        return [value for value, _text in AGREEMENT_SCALE]
    if question.kind == Question.Kind.RATING:
        return list(range(11))
    return list(range(len(question.choices)))


def results_for(
    partnership_id: int, *, at: int, filters: Filters | None = None, with_text: bool = False
) -> Results:
    """Per course and timepoint: asked (sent), answered, the rate, and each question's
    answers counted (a row with its total, suppressed together); means of scales; the
    change from before to after; free text of attributable surveys if `with_text`."""
    filters = filters or Filters()
    # Counted from the index invitation_counts alone, and the courses' titles read apart:
    # joining each of a hundred thousand invitations to its course, to group and order by
    # the title, costs more than the count itself.
    sent = list(
        filters.invitations(partnership_id)
        .values_list("course_id", "timepoint")
        .annotate(
            invited=Count("id"), answered=Count("id", filter=Q(status=Invitation.Status.ANSWERED))
        )
        .order_by()
    )
    titles = dict(
        Course.objects.filter(pk__in={course_id for course_id, *_counts in sent})
        .order_by("title", "pk")
        .values_list("pk", "title")
    )
    place = {course_id: n for n, course_id in enumerate(titles)}
    sent.sort(key=lambda line: (place[line[0]], line[1]))
    counted: dict[tuple[int, str], dict[int, dict[int, int]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for course_id, timepoint, question_id, number, people in (
        filters.answers(partnership_id)
        .filter(number__isnull=False)
        .values_list("course_id", "timepoint", "question_id", "number")
        # COUNT(*), not of the id: the id is not in the index answer_counts, and counting it
        # would read every answer's row instead of the index alone.
        .annotate(people=Count("*"))
        .order_by()
    ):
        counted[(course_id, timepoint)][question_id][number] = people
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
    timepoints = []
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
            result = QuestionResult(
                question=question, labels=answer_labels(question), counts=row(values, at=at)
            )
            if question.kind in SCALES:
                result.mean = _mean(by_number, at)
            if question.change_answer and question.change_answer in question.choices:
                chosen = by_number.get(question.choices.index(question.change_answer), 0)
                result.changed = rate(chosen, sum(values), at=at)
            found.questions.append(result)
        found.texts = {
            questions[question_id]: answers for question_id, answers in texts[key].items()
        }
        timepoints.append(found)
    return Results(timepoints=timepoints, changes=_changes(timepoints, counted, at), at=at)


def _changes(
    timepoints: list[TimepointResult],
    counted: dict[tuple[int, str], dict[int, dict[int, int]]],
    at: int,
) -> dict[str, list[Change]]:
    """For each course asked before and after: each scale question asked at both (matched
    by its wording, across versions), the averages and their difference."""
    by_course: dict[int, dict[str, TimepointResult]] = defaultdict(dict)
    for result in timepoints:
        by_course[result.course_id][result.timepoint] = result
    changes: dict[str, list[Change]] = {}
    for course_id, found in by_course.items():
        if Timepoint.PRE not in found or Timepoint.POST not in found:
            continue

        before = _scales(found[Timepoint.PRE], counted[(course_id, Timepoint.PRE)])
        after = _scales(found[Timepoint.POST], counted[(course_id, Timepoint.POST)])
        lines = [
            Change(question=text, before=_mean(before[text], at), after=_mean(after[text], at))
            for text in before
            if text in after
        ]
        if lines:
            changes[found[Timepoint.PRE].course] = lines
    return changes


def _scales(
    result: TimepointResult, counted: dict[int, dict[int, int]]
) -> dict[str, dict[int, int]]:
    """Counts of each answer to each scale question, by its wording (versions merged)."""
    merged: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for q in result.questions:
        if q.question.kind in SCALES:
            for number, people in counted[q.question.pk].items():
                merged[q.question.text][number] += people
    return merged
