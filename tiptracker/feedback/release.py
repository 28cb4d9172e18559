"""Publishing anonymous survey answers: statistical disclosure control, designed once and
read by every output (docs/data-protection.md, "Anonymous survey answers", argues it).

Anonymous answers are published only as released cells (models.ReleasedCell), one per
course, timepoint and financial-year quarter of the training, written once when the
quarter's surveys have closed and never changed:

- Fixed groupings. A cell is a course's survey at a timepoint for a quarter; quarters with
  too few answers are pooled into the rest of their financial year, released after the
  last quarter. Cells never overlap, and every other figure (a year, a level, a board
  report's period, the impact page) is a sum of released cells' published figures, so no
  two outputs differ by fewer people than a whole cell.
- Release in batches. A quarter is released `due_on` its surveys have closed (the end of
  the quarter, the follow-up's delay, the life of a link and a week's grace), so figures
  never move answer by answer; answers arriving later are kept but join nothing.
- Rounding. Every count of anonymous answers is published rounded to the nearest five
  (0 means 0 to 2, 5 means 3 to 7); totals, averages and shares are computed from the
  published counts, never the true ones, so they tell nothing the counts do not.
- Threshold. A cell is released only if at least SMALL_NUMBER_THRESHOLD people answered
  and what it publishes leaves open that someone asked did not (`fewest_answering`):
  otherwise, among few asked, it would say that each of them answered.

The answers themselves are kept in an order that says nothing (`settle`): each quarter's
anonymous responses are written back together in a random order, with new random ids,
once a day; on SQLite each row's rowid is random from the start too.
"""

import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet

from tiptracker.feedback.models import (
    Answer,
    CourseSurvey,
    Invitation,
    Question,
    ReleasedCell,
    Response,
    Timepoint,
    answer_keys,
    answer_labels,
)
from tiptracker.feedback.periods import Period
from tiptracker.lib.dates import today
from tiptracker.lib.money import FinancialYear
from tiptracker.lib.suppression import threshold

BASE = 5  # counts are published rounded to a multiple of this
HALF = BASE // 2  # so a published count is at most this far from the true one
LINK_DAYS = 28  # invitations.OPEN_DAYS: a link's life after it is sent
GRACE_DAYS = 7  # answers from a page opened before the link closed still arrive


def rounded(value: int) -> int:
    """To the nearest multiple of BASE (0-2 -> 0, 3-7 -> 5, 8-12 -> 10)."""
    return BASE * ((value + HALF) // BASE)


def possible(shown: int) -> tuple[int, int]:
    """The true counts a published (rounded) count may stand for."""
    return max(0, shown - HALF), shown + HALF


def fewest_answering(answered: int, questions: list[dict[str, Any]], *, at: int) -> int:
    """The fewest people who can have answered, as a reader can work it out from a cell's
    published figures: the threshold (a released cell has at least that many), the rounded
    count of those who answered, and each question's rounded counts (one answer each, or,
    where people may choose several, at least as many as chose the most chosen)."""
    fewest = max(at, possible(answered)[0])
    for question in questions:
        least = [possible(n)[0] for n in question["counts"]]
        if question["kind"] == Question.Kind.MULTIPLE:
            fewest = max(fewest, max(least, default=0))
        else:
            fewest = max(fewest, sum(least))
    return fewest


def delay_days(course_id: int, timepoint: str) -> int:
    found = (
        CourseSurvey.objects.filter(course_id=course_id, timepoint=timepoint)
        .values_list("delay_days", flat=True)
        .first()
    )
    if found is not None:
        return int(found)
    return CourseSurvey.DEFAULT_FOLLOW_UP_DAYS if timepoint == Timepoint.FOLLOW_UP else 0


def due_on(period: Period, delay: int) -> dt.date:
    """The day a quarter's cell is released: every link about its training has closed."""
    return period.ends_before + dt.timedelta(days=delay + LINK_DAYS + GRACE_DAYS)


def protected_pairs(partnership_id: int) -> set[tuple[int, str]]:
    """The (course, timepoint) pairs whose figures are published only through released
    cells: those with anonymous answers, and those running a survey that has an anonymous
    version (before its first answer too: figures vanishing when it came would say so).
    Their attributable answers, if any, are counted the same way (their named free text
    and the named answers export still list them: those people agreed to be named)."""
    answered = set(
        Response.objects.filter(partnership_id=partnership_id, anonymous=True)
        .values_list("course_id", "timepoint")
        .distinct()
        .order_by()
    )
    running = set(
        CourseSurvey.objects.filter(partnership_id=partnership_id, survey__versions__anonymous=True)
        .values_list("course_id", "timepoint")
        .distinct()
        .order_by()
    )
    return answered | running


def released_cells(
    partnership_id: int,
    *,
    course_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[ReleasedCell]:
    """The released (not withheld) cells, of the given courses, for training from `start`
    (a quarter's or a year's first day) to before `end`. A rest-of-year cell counts only
    where its whole year is within (so never for a single quarter)."""
    found = ReleasedCell.objects.filter(partnership_id=partnership_id, withheld=False)
    if course_ids is not None:
        found = found.filter(course_id__in=list(course_ids))
    if start is not None:
        found = found.filter(starts_on__gte=start)
    if end is not None:
        found = found.filter(starts_on__lt=end)
        # The rest of a year covers the whole year: only where the year ends by `end`, so
        # where it is before the financial year `end` falls in.
        last_whole = FinancialYear(FinancialYear.containing(end).start_year - 1)
        found = found.exclude(quarter=0, starts_on__gt=last_whole.starts_on)
    return found


# Releasing ----------------------------------------------------------------------------------


def release_due(*, on: dt.date | None = None, partnership_id: int | None = None) -> int:
    """Release every cell that is due and not yet released or withheld, then settle what
    has been answered since the last pass; returns how many cells were written. Safe to
    run in several workers at once (a cell is written once: the loser's write fails)."""
    on = on or today()
    pairs = Response.objects.filter(anonymous=True)
    if partnership_id is not None:
        pairs = pairs.filter(partnership_id=partnership_id)
    written = 0
    for partnership, course_id, timepoint in (
        pairs.values_list("partnership_id", "course_id", "timepoint").distinct().order_by()
    ):
        written += _release_pair(partnership, course_id, timepoint, on)
    settle(partnership_id=partnership_id)
    return written


def _release_pair(partnership_id: int, course_id: int, timepoint: str, on: dt.date) -> int:
    delay = delay_days(course_id, timepoint)
    existing = {
        (starts_on, quarter): withheld
        for starts_on, quarter, withheld in ReleasedCell.objects.filter(
            course_id=course_id, timepoint=timepoint
        ).values_list("starts_on", "quarter", "withheld")
    }
    months = set(
        Invitation.objects.filter(course_id=course_id, timepoint=timepoint)
        .exclude(status=Invitation.Status.WAITING)
        .dates("completed_on", "month")
    ) | set(
        Response.objects.filter(course_id=course_id, timepoint=timepoint).dates(
            "trained_in", "month"
        )
    )
    quarters = sorted({Period.of(month) for month in months}, key=Period.sort_key)
    written = 0
    for period in quarters:
        if (period.starts_on, period.quarter or 0) in existing or due_on(period, delay) > on:
            continue
        cell = _release(partnership_id, course_id, timepoint, period, [period], on)
        if cell is not None:
            existing[(period.starts_on, period.quarter or 0)] = cell.withheld
            written += 1
    for year in sorted({q.year for q in quarters}, key=lambda y: y.start_year):
        rest = Period(year)
        if (rest.starts_on, 0) in existing or due_on(Period(year, 4), delay) > on:
            continue
        pooled = [
            Period(year, q) for q in range(1, 5) if existing.get((Period(year, q).starts_on, q))
        ]
        if _release(partnership_id, course_id, timepoint, rest, pooled, on) is not None:
            written += 1
    return written


def _within(field: str, periods: list[Period]) -> Q:
    found = Q(pk__in=[])
    for period in periods:
        found |= Q(**{f"{field}__gte": period.starts_on, f"{field}__lt": period.ends_before})
    return found


def _release(
    partnership_id: int,
    course_id: int,
    timepoint: str,
    period: Period,
    pooled: list[Period],
    on: dt.date,
) -> ReleasedCell | None:
    at = threshold()
    cell = ReleasedCell(
        partnership_id=partnership_id,
        course_id=course_id,
        timepoint=timepoint,
        starts_on=period.starts_on,
        quarter=period.quarter or 0,
        released_on=on,
        withheld=True,
    )
    try:
        with transaction.atomic():
            responses = Response.objects.filter(
                _within("trained_in", pooled), course_id=course_id, timepoint=timepoint
            )
            invited = (
                Invitation.objects.filter(
                    _within("completed_on", pooled), course_id=course_id, timepoint=timepoint
                )
                .exclude(status=Invitation.Status.WAITING)
                .count()
            )
            answered = responses.count()
            if answered >= at:
                questions, changed = _measure(
                    Answer.objects.filter(
                        _within("trained_in", pooled), course_id=course_id, timepoint=timepoint
                    )
                )
                # Released only where what is published leaves open that someone asked did
                # not answer: among few asked, it would say that each of them answered.
                if fewest_answering(rounded(answered), questions, at=at) < invited:
                    cell.withheld = False
                    cell.invited = invited
                    cell.answered = rounded(answered)
                    cell.questions, cell.changed = questions, changed
            cell.save()
            if period.quarter is None:
                # Each anonymous answer pooled into the rest of the year now says only the
                # year (the quarter's answers say their quarter already). Their order was
                # settled each day (settle): re-dating them in place keeps it.
                pooled_ids = responses.filter(anonymous=True).values("pk")
                Answer.objects.filter(response_id__in=pooled_ids).update(
                    trained_in=period.starts_on
                )
                responses.filter(anonymous=True).update(trained_in=period.starts_on)
    except IntegrityError:  # another worker released it first
        return None
    return cell


def _measure(answers: QuerySet[Answer]) -> tuple[list[dict[str, Any]], int | None]:
    """Each question's answers counted (versions with the same question merged) and the
    number reporting a change in practice, every count rounded."""
    counted: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, number, people in (
        # Answers carry their response's course, timepoint and quarter: counted from the
        # index answer_counts, with no join to the responses.
        answers.filter(number__isnull=False)
        .values_list("question_id", "number")
        .annotate(people=Count("*"))
        .order_by()
    ):
        counted[question_id][number] = people
    merged: dict[tuple, dict[str, Any]] = {}
    change = Q(pk__in=[])
    for question in (
        Question.objects.filter(pk__in=counted)
        .select_related("version")
        .order_by("-version__number", "position")
    ):
        labels = answer_labels(question)
        keys = answer_keys(question)
        identity = (question.kind, question.text, tuple(labels))
        entry = merged.setdefault(
            identity,
            {
                "text": question.text,
                "kind": question.kind,
                "labels": labels,
                "keys": keys,
                "versions": [],
                "change_answer": "",
                "true": [0] * len(keys),
            },
        )
        entry["versions"].append(question.version.number)
        for n, key in enumerate(keys):
            entry["true"][n] += counted[question.pk].get(key, 0)
        if (
            question.kind == Question.Kind.SINGLE
            and question.change_answer
            and question.change_answer in question.choices
        ):
            entry["change_answer"] = question.change_answer
            change |= Q(
                question_id=question.pk, number=question.choices.index(question.change_answer)
            )
    questions = []
    for entry in merged.values():
        true = entry.pop("true")
        entry["versions"] = sorted(entry["versions"])
        entry["counts"] = [rounded(n) for n in true]
        questions.append(entry)
    changed = None
    if any(entry["change_answer"] for entry in questions):
        changed = rounded(answers.filter(change).values("response_id").distinct().count())
    return questions, changed


# Keeping the rows in an order that says nothing ----------------------------------------------


def settle(*, partnership_id: int | None = None) -> int:
    """Write back each quarter's anonymous responses that has new ones, all together, in a
    random order; returns how many responses were written."""
    unsettled = Response.objects.filter(anonymous=True, settled=False)
    if partnership_id is not None:
        unsettled = unsettled.filter(partnership_id=partnership_id)
    written = 0
    for course_id, timepoint, trained_in in (
        unsettled.values_list("course_id", "timepoint", "trained_in").distinct().order_by()
    ):
        with transaction.atomic():
            written += _rewrite(
                Response.objects.filter(
                    anonymous=True, course_id=course_id, timepoint=timepoint, trained_in=trained_in
                )
            )
    return written


def _rewrite(responses: QuerySet[Response]) -> int:
    """Delete the responses and their answers and write them again, shuffled, with new
    random ids: in one transaction, so they share one transaction id on PostgreSQL and lie
    in the table in the shuffled order."""
    rows = list(responses.select_for_update().values())
    if not rows:
        return 0
    # The rows read, and only those (an answer arriving meanwhile is left alone), in
    # batches: a quarter may hold more than one statement may list.
    ids = [row["id"] for row in rows]
    answers = []
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        theirs = Answer.objects.filter(response_id__in=batch)
        answers += list(theirs.values())
        theirs.delete()
        Response.objects.filter(pk__in=batch).delete()
    shuffler = random.SystemRandom()
    shuffler.shuffle(rows)
    shuffler.shuffle(answers)
    new_ids = {}
    for row in rows:
        new_ids[row["id"]] = row["id"] = uuid.uuid4()
        row["settled"] = True
    for answer in answers:
        answer["id"] = uuid.uuid4()
        answer["response_id"] = new_ids[answer["response_id"]]
    # Written in the shuffled order: on SQLite their new rowids follow it, which is all a
    # rowid then says (no need to scatter them as an answer's own rows are).
    Response.objects.bulk_create([Response(**row) for row in rows], batch_size=1000)
    Answer.objects.bulk_create([Answer(**answer) for answer in answers], batch_size=1000)
    return len(rows)


def scatter(model: type[Response] | type[Answer], ids: list[uuid.UUID]) -> None:
    """On SQLite, give each row a random rowid: a table's rows are kept, and dumped, in
    rowid order, which would otherwise be the order of writing. (PostgreSQL keeps no such
    number: _rewrite's order is all there is.)"""
    if connection.vendor != "sqlite" or not ids:
        return
    table = model._meta.db_table
    shuffler = random.SystemRandom()
    with connection.cursor() as cursor:
        for row_id in ids:
            while True:
                try:
                    cursor.execute(
                        f"UPDATE {table} SET rowid = %s WHERE id = %s",  # noqa: S608 - our own table
                        [shuffler.randrange(1, 2**62), row_id.hex],
                    )
                    break
                except IntegrityError:  # that rowid is taken: draw again
                    continue
