"""The impact of training, for the steering group: for each framework level and each course,
how many people went from attending, to giving their reaction, to learning, to changing
their practice (Kirkpatrick's levels 1 to 3, domain.md s.3), with the drop-off at each
step, and the same for each level by financial-year quarter of the training.

Everything is counted in the database, in a handful of GROUP BY queries whatever the number
of completions and responses. The figures then go through the small-numbers rule as one
system (suppression.linked), because the page shows sums a reader could subtract: each
course's chain (attended = reacted + the drop-off), and each level's quarters, which add
up to the level's courses.

A course's survey with anonymous answers is counted only from its released cells
(release.py): whole quarters of the training, and the rest of each financial year (its
quarters too few to publish alone), in a row of its own; those counts are rounded.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

from django.db.models import Case, Count, DateField, Exists, OuterRef, Q, Value, When
from django.db.models.functions import TruncQuarter

from tiptracker.feedback.models import Answer, CourseSurvey, Question, Response
from tiptracker.feedback.models import Timepoint as T
from tiptracker.feedback.periods import Period
from tiptracker.feedback.release import protected_pairs, released_cells
from tiptracker.lib.levels import Level
from tiptracker.lib.money import FinancialYear
from tiptracker.lib.suppression import Figure, Rate, linked, rate
from tiptracker.training.models import Completion, Course

ATTENDED, REACTED, LEARNED, CHANGED = "attended", "reacted", "learned", "changed"
STEPS = (ATTENDED, REACTED, LEARNED, CHANGED)
SURVEY_STEPS = (REACTED, LEARNED, CHANGED)
LABELS = {
    ATTENDED: "Attended",
    REACTED: "Reacted",
    LEARNED: "Learned",
    CHANGED: "Changed practice",
}
# The timepoint whose responses count for each step.
TIMEPOINTS = {REACTED: T.REACTION, LEARNED: T.POST, CHANGED: T.FOLLOW_UP}
STEP_OF: dict[str, str] = {str(timepoint): step for step, timepoint in TIMEPOINTS.items()}
DEFINITIONS = [
    (
        LABELS[ATTENDED],
        "People with a completion of the course (from attending a session, recorded by hand "
        "or imported), counted in the quarter of the completion.",
    ),
    (
        LABELS[REACTED],
        "Responses to the survey straight after the course (reaction).",
    ),
    (
        LABELS[LEARNED],
        "Responses to the survey after the course that asks what people learned (where a "
        "course also asks before it, only the count after is shown here).",
    ),
    (
        LABELS[CHANGED],
        "Responses to the follow-up survey, some weeks after the course, whose answer to the "
        "question about practice is the one that means a change (in the starter survey, "
        "“Yes”).",
    ),
    (
        "Drop-off",
        "How many fewer reached this step than the last step the course measures, and that as "
        "a share of the last step. A step the course has no survey for shows “not measured”.",
    ),
]


@dataclass(frozen=True)
class StepFigure:
    step: str
    measured: bool
    people: Figure | None  # None: not measured
    share: Rate | None  # of those who attended; None for attending itself and when not measured
    drop_off: Figure | None  # from the last measured step; None for the first, or when not measured
    drop_off_rate: Rate | None
    # More reached this step than the last measured one (anonymous surveys are answered by
    # whoever chooses to: the steps need not be the same people), so there is no drop-off.
    more_than_before: bool = False

    @property
    def label(self) -> str:
        return LABELS[self.step]


@dataclass(frozen=True)
class CourseChain:
    course_id: int
    code: str
    title: str
    level: Level
    steps: list[StepFigure]

    @property
    def measures_any(self) -> bool:
        return any(s.measured for s in self.steps if s.step != ATTENDED)


@dataclass(frozen=True)
class PeriodCell:
    """One step in one period, over the level's courses that measure that step."""

    step: str
    measured: bool  # some course at the level measures it
    trained: bool  # someone completed one of those courses, or answered about one, then
    people: Figure | None
    attended: Figure | None  # of the courses that measure the step; None for an undated year
    share: Rate | None

    @property
    def label(self) -> str:
        return LABELS[self.step]


@dataclass(frozen=True)
class PeriodRow:
    period: Period
    cells: list[PeriodCell]


@dataclass
class LevelImpact:
    level: Level
    courses: list[CourseChain]
    measured: list[str]  # the survey steps some course at this level measures
    periods: list[PeriodRow] = field(default_factory=list)

    @property
    def measured_labels(self) -> list[str]:
        return [LABELS[step] for step in self.measured]

    @property
    def quarters(self) -> list[PeriodRow]:
        return [row for row in self.periods if row.period.quarter is not None]


@dataclass
class Impact:
    threshold: int
    levels: list[LevelImpact]


# Counting -------------------------------------------------------------------------------------


@dataclass
class _Counts:
    courses: list[tuple[int, str, str, int]]
    attended: dict[tuple[int, Period], int]  # (course, quarter) -> people
    answered: dict[tuple[int, str, Period], int]  # (course, step, period) -> responses
    measured: dict[int, set[str]]  # course -> the survey steps it measures
    # (course, step) counted from released cells: published rounded figures.
    rounded: set[tuple[int, str]] = field(default_factory=set)

    def rounded_chain(self) -> set[Hashable]:
        """The terms of the courses' chains (a step, and the drop-off to it) that are or
        come from published rounded figures, as `linked` takes them."""
        return {(kind, c, step) for c, step in self.rounded for kind in ("course", "drop")}


def _quarter(field: str, years: tuple[dt.date, dt.date] | None) -> TruncQuarter | Case:
    """The first day of the quarter of the date `field`. Within known years, a CASE of plain
    date comparisons: SQLite's TruncQuarter calls into Python for every row, which made the
    board report's chain (every completion of the years it touches) its slowest part."""
    if years is None:
        return TruncQuarter(field)
    starts = [Period.of(years[0]).starts_on]
    while (following := Period.of(starts[-1]).ends_before) <= years[1]:
        starts.append(following)
    return Case(
        *[
            When(**{f"{field}__lt": following}, then=Value(begins))
            for begins, following in zip(starts, starts[1:], strict=False)
        ],
        default=Value(starts[-1]),  # the rows are within the years: the last quarter's
        output_field=DateField(),
    )


def chain_counts(
    partnership_id: int, *, at: int, years: tuple[dt.date, dt.date] | None = None
) -> _Counts:
    """Everything the chain counts, by course and period (public: the board report,
    reporting/gather_training.py, counts its chain with it too). `years` (the first day of a
    financial year, the last day of one) keeps only training within those whole years: the
    board report asks for its period's, not every quarter since the start. Whole years, so
    that answers dated only by their year are judged as they are for the impact page."""
    within: dict[str, Q] = {
        name: Q(**{f"{name}__gte": years[0], f"{name}__lte": years[1]}) if years else Q()
        for name in ("completed_on", "trained_in")
    }
    courses = list(
        Course.objects.filter(partnership_id=partnership_id)
        .order_by("level", "title", "id")
        .values_list("id", "code", "title", "level")
    )
    attended: dict[tuple[int, Period], int] = defaultdict(int)
    for course_id, quarter, people in (
        Completion.objects.filter(within["completed_on"], partnership_id=partnership_id)
        .annotate(quarter=_quarter("completed_on", years))
        .values("course_id", "quarter")
        .annotate(people=Count("staff_id", distinct=True))
        .order_by()
        .values_list("course_id", "quarter", "people")
    ):
        attended[(course_id, Period.of(quarter))] += people

    measured: dict[int, set[str]] = defaultdict(set)
    change_question = Question.objects.filter(
        version__survey_id=OuterRef("survey_id"), kind=Question.Kind.SINGLE
    ).exclude(change_answer="")
    for course_id, timepoint, asks_change in CourseSurvey.objects.filter(
        partnership_id=partnership_id
    ).values_list("course_id", "timepoint", Exists(change_question)):
        if timepoint == T.REACTION:
            measured[course_id].add(REACTED)
        elif timepoint == T.POST:
            measured[course_id].add(LEARNED)
        elif timepoint == T.FOLLOW_UP and asks_change:
            measured[course_id].add(CHANGED)

    # A course's survey with anonymous answers counts only through its released cells
    # (release.py): whole quarters, or the rest of a year, counts rounded.
    protected = protected_pairs(partnership_id)
    answered: dict[tuple[int, str, Period], int] = defaultdict(int)
    rounded: set[tuple[int, str]] = set()
    step_of: dict[str, str] = {T.REACTION: REACTED, T.POST: LEARNED}
    for course_id, timepoint, trained_in, responses in (
        Response.objects.filter(
            within["trained_in"],
            partnership_id=partnership_id,
            timepoint__in=list(step_of),
            anonymous=False,  # anonymous answers count only through released cells
        )
        .values("course_id", "timepoint", "trained_in")
        .annotate(responses=Count("id"))
        .order_by()
        .values_list("course_id", "timepoint", "trained_in", "responses")
    ):
        if (course_id, timepoint) in protected:
            continue
        step = step_of[timepoint]
        answered[(course_id, step, Period.of(trained_in))] += responses
        measured[course_id].add(step)

    # The change answer of each question that has one: its position among the choices.
    change = Q()
    questions = []
    for question_id, choices, change_answer in (
        Question.objects.filter(
            version__survey__partnership_id=partnership_id, kind=Question.Kind.SINGLE
        )
        .exclude(change_answer="")
        .values_list("id", "choices", "change_answer")
    ):
        if change_answer in choices:
            change |= Q(question_id=question_id, number=choices.index(change_answer))
            questions.append(question_id)
    if questions:
        for course_id, trained_in, changed in (
            Answer.objects.filter(
                within["trained_in"],
                partnership_id=partnership_id,
                timepoint=T.FOLLOW_UP,
                question_id__in=questions,
            )
            .values("course_id", "trained_in")
            .annotate(changed=Count("response_id", distinct=True, filter=change))
            .order_by()
            .values_list("course_id", "trained_in", "changed")
        ):
            if (course_id, T.FOLLOW_UP) in protected:
                continue
            answered[(course_id, CHANGED, Period.of(trained_in))] += changed
            measured[course_id].add(CHANGED)

    cells = released_cells(
        partnership_id,
        start=years[0] if years else None,
        end=years[1] + dt.timedelta(days=1) if years else None,
    ).filter(timepoint__in=list(TIMEPOINTS.values()))
    for course_id, timepoint, starts_on, quarter, people, changed in cells.values_list(
        "course_id", "timepoint", "starts_on", "quarter", "answered", "changed"
    ):
        if (course_id, timepoint) not in protected:
            continue
        step = STEP_OF[timepoint]
        if step == CHANGED:
            if changed is None:
                continue  # the follow-up asked nothing about a change
            people = changed
        year = FinancialYear.containing(starts_on)
        answered[(course_id, step, Period(year, quarter or None))] += people
        measured[course_id].add(step)
        rounded.add((course_id, step))
    return _Counts(courses, attended, answered, measured, rounded)


# Suppressing and shaping ------------------------------------------------------------------------


def impact_for(partnership_id: int, *, at: int) -> Impact:
    """The chain for every course that someone has completed or answered a survey about,
    grouped by level, and each level's trend by quarter; every figure suppressed."""
    counts = chain_counts(partnership_id, at=at)
    course_total: dict[tuple[int, str], int] = defaultdict(int)
    for (course_id, _period), people in counts.attended.items():
        course_total[(course_id, ATTENDED)] += people
    for (course_id, step, _period), responses in counts.answered.items():
        course_total[(course_id, step)] += responses

    values: dict[Hashable, int] = {}
    sums: set[frozenset[Hashable]] = set()

    # Each course's chain: a step, the drop-off to it, and the last measured step before it.
    shown_courses = [
        c for c in counts.courses if any(course_total.get((c[0], s), 0) for s in STEPS)
    ]
    for course_id, _code, _title, _level in shown_courses:
        steps = [ATTENDED, *[s for s in SURVEY_STEPS if s in counts.measured[course_id]]]
        for step in steps:
            values[("course", course_id, step)] = course_total.get((course_id, step), 0)
        for before, step in zip(steps, steps[1:], strict=False):
            reached = values[("course", course_id, step)]
            previous = values[("course", course_id, before)]
            if reached <= previous:
                values[("drop", course_id, step)] = previous - reached
                sums.add(
                    frozenset(
                        {
                            ("course", course_id, before),
                            ("course", course_id, step),
                            ("drop", course_id, step),
                        }
                    )
                )

    # Each level's periods: per step, over the courses at the level that measure it.
    by_level: dict[int, list[tuple[int, str, str, int]]] = defaultdict(list)
    for course in shown_courses:
        by_level[course[3]].append(course)
    level_periods: dict[int, list[Period]] = {}
    groups: dict[tuple[int, str], tuple[int, ...]] = {}
    for level, courses in by_level.items():
        periods: set[Period] = set()
        for step in SURVEY_STEPS:
            group = tuple(c[0] for c in courses if step in counts.measured[c[0]])
            if not group:
                continue
            groups[(level, step)] = group
            members = set(group)
            trained = {p for (c, p) in counts.attended if c in members}
            answered = {p for (c, s, p) in counts.answered if c in members and s == step}
            for when in trained | answered:
                people = sum(counts.answered.get((c, step, when), 0) for c in group)
                values[("people", level, step, when)] = people
                if when.quarter is not None:
                    values[("attended", level, group, when)] = sum(
                        counts.attended.get((c, when), 0) for c in group
                    )
            sums.add(
                frozenset(
                    [("people", level, step, p) for p in trained | answered]
                    + [("course", c, step) for c in group]
                )
            )
            sums.add(
                frozenset(
                    [("attended", level, group, p) for p in trained | answered if p.quarter]
                    + [("course", c, ATTENDED) for c in group]
                )
            )
            periods |= trained | answered
        level_periods[level] = sorted(periods, key=Period.sort_key)

    rounded = counts.rounded_chain()
    # A period's figure is a published one where some course's released cell is in it; a
    # quarter none published (too few answers: in the rest of the year) is a plain 0.
    rounded |= {
        ("people", level, step, when)
        for (level, step), group in groups.items()
        for when in level_periods.get(level, [])
        if any((c, step) in counts.rounded and (c, step, when) in counts.answered for c in group)
    }
    shown = linked(values, sums, at=at, rounded=rounded)
    return Impact(
        threshold=at,
        levels=[
            LevelImpact(
                level=Level(level),
                # The courses that run surveys first: theirs is the story.
                courses=sorted(
                    (
                        course_chain(course, counts.measured[course[0]], shown, at)
                        for course in courses
                    ),
                    key=lambda chain: (not chain.measures_any, chain.title),
                ),
                measured=[s for s in SURVEY_STEPS if (level, s) in groups],
                periods=[
                    PeriodRow(
                        when,
                        [
                            _cell(level, step, when, groups.get((level, step)), shown, at)
                            for step in SURVEY_STEPS
                        ],
                    )
                    for when in level_periods.get(level, [])
                ],
            )
            for level, courses in sorted(by_level.items())
        ],
    )


def _share(part: Figure | None, whole: Figure | None, at: int) -> Rate | None:
    """part / whole where both are shown (a share of a hidden figure would give it away);
    None where it means nothing (no whole, or more in the part than the whole)."""
    if part is None or whole is None:
        return None
    if part.value is None or whole.value is None:
        return Rate(None, at)
    if whole.value == 0 or part.value > whole.value:
        return None
    return rate(part.value, whole.value, at=at)


def course_chain(
    course: tuple[int, str, str, int], measured: set[str], shown: dict[Hashable, Figure], at: int
) -> CourseChain:
    course_id, code, title, level = course
    attended = shown[("course", course_id, ATTENDED)]
    steps = [StepFigure(ATTENDED, True, attended, None, None, None)]
    previous = attended
    for step in SURVEY_STEPS:
        if step not in measured:
            steps.append(StepFigure(step, False, None, None, None, None))
            continue
        people = shown[("course", course_id, step)]
        drop = shown.get(("drop", course_id, step))
        steps.append(
            StepFigure(
                step,
                True,
                people,
                _share(people, attended, at),
                drop,
                _share(drop, previous, at),
                more_than_before=drop is None,
            )
        )
        previous = people
    return CourseChain(course_id, code, title, Level(level), steps)


def _cell(
    level: int,
    step: str,
    when: Period,
    group: tuple[int, ...] | None,
    shown: dict[Hashable, Figure],
    at: int,
) -> PeriodCell:
    if group is None:
        return PeriodCell(step, False, False, None, None, None)
    people = shown.get(("people", level, step, when))
    attended = shown.get(("attended", level, group, when))
    return PeriodCell(
        step, True, people is not None, people, attended, _share(people, attended, at)
    )
