"""Survey results at 100,000 responses: the page /p/bench-50k/feedback/results/ and its API.

    python bench/bench_feedback.py [--requests 30] [--force] [--profile]

The data: on bench-50k (generate.py big, made here if missing), the starter surveys; every
course runs the reaction survey and the follow-up, four run the confidence survey before and
after; the latest completions get their invitations (about 160,000) and exactly 100,000 of
them are answered, with about 4 answers each. Anonymous responses (the reaction and
follow-up surveys) are stored as the app stores them: the quarter of the training and the
quarter given in, no session, no organisation, nobody. Seeded, written in one transaction by
COPY (PostgreSQL) or executemany (SQLite); then released as the worker would, once every
quarter is due: release_due(), timed against the same counts by hand (three GROUP BYs), and
each released cell checked against those counts. Made once and reused (--force makes it
again, and times the release).

Checks first that results_for() gives the same figures as a hand-written SQL aggregate
(invitations by course and timepoint, answers by course, timepoint, question and number),
written apart from feedback/results.py, for all and for one organisation; for the surveys
with anonymous answers (release.protected_pairs), the sum of their released cells read by
hand instead (one organisation leaves them out): the run fails if not. Then signs in an administrator and, for the page, the API and the page narrowed to one
organisation, makes one warm-up request (it draws and caches the charts, as the first
visitor would) and times --requests more, each in turn with the SQL (the baseline), and
prints p50 and p95. Targets: page p95 <= 300 ms, and page p95 / SQL p95 <= 2.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import uuid
from collections import defaultdict

import common

RESPONSES = 100_000
INVITATIONS = 160_000  # about: the latest completions until there are this many
SEED = 100_000
END = dt.date(2024, 12, 31)  # the data set's "today": the last day generate.py trains on
OPEN_DAYS = 28
FOLLOW_UP_DAYS = 84
# Courses that also ask about confidence before and after (face-to-face and blended ones).
PRE_POST = ("TS-02", "TS-03", "TE-01", "TE-02")
# How willing people are to answer at each timepoint (relative weights, not rates): the
# 100,000 answered invitations are drawn with these weights.
WILLING = {"reaction": 0.75, "pre": 0.7, "post": 0.6, "follow_up": 0.45}
AGREEMENT_WEIGHTS = [3, 7, 15, 45, 30]  # strongly disagree .. strongly agree
RATING_WEIGHTS = [1, 1, 1, 2, 3, 6, 9, 16, 24, 21, 16]  # overall rating 0 .. 10
CONFIDENCE_BEFORE = [2, 3, 6, 9, 13, 17, 17, 14, 10, 6, 3]
CONFIDENCE_AFTER = [1, 1, 1, 2, 4, 8, 13, 20, 23, 16, 11]
TEXTS = [
    "More time for practice examples would help.",
    "The trainer was excellent and made it feel safe to ask questions.",
    "I would like a follow-up session in six months.",
    "Hard to find time to put it into practice with current caseloads.",
    "My manager has been supportive of trying things differently.",
    "The case studies were very relevant to my service.",
    "Some of the content was upsetting; the breaks helped.",
    "We have changed our appointment letters as a result.",
]
INVITATION_COLUMNS = [
    "partnership_id",
    "staff_id",
    "course_id",
    "timepoint",
    "survey_id",
    "completed_on",
    "session_id",
    "opens_on",
    "expires_on",
    "nonce",
    "status",
    "sent_on",
    "reminders_sent",
    "last_sent_on",
]
RESPONSE_COLUMNS = [
    "id",
    "partnership_id",
    "version_id",
    "course_id",
    "timepoint",
    "given_on",
    "trained_in",
    "session_id",
    "organisation_id",
    "staff_id",
    "anonymous",
    "settled",
]
ANSWER_COLUMNS = [
    "id",
    "response_id",
    "question_id",
    "number",
    "text",
    "partnership_id",
    "course_id",
    "timepoint",
    "trained_in",
    "session_id",
    "organisation_id",
]


# The data -----------------------------------------------------------------------------------


def feedback_drop(partnership_id: int) -> None:
    """Remove a partnership's surveys and everything answered: big tables by plain SQL."""
    from django.db import connection, transaction

    from tiptracker.feedback.models import CourseSurvey, Survey

    with transaction.atomic(), connection.cursor() as cursor:
        for table in (
            "feedback_releasedcell",
            "feedback_answer",
            "feedback_response",
            "feedback_invitation",
        ):
            cursor.execute(f"DELETE FROM {table} WHERE partnership_id = %s", [partnership_id])
        CourseSurvey.objects.filter(partnership_id=partnership_id).delete()
        Survey.objects.filter(partnership_id=partnership_id).delete()


def _first_of_quarter(day: dt.date) -> dt.date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def _first_of_year(day: dt.date) -> dt.date:
    """The start of the financial year (April) the day is in."""
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def feedback_generate(partnership) -> dict:
    """Surveys, course surveys, invitations, responses and answers for the partnership."""
    from django.db import connection, transaction

    from tiptracker.feedback.models import Question, Survey, SurveyVersion
    from tiptracker.feedback.services import course_survey_set
    from tiptracker.feedback.starter import CONFIDENCE, PRACTICE, REACTION, surveys_starter_set
    from tiptracker.training.models import Completion, Course

    rng = random.Random(SEED)
    postgres = connection.vendor == "postgresql"

    def key(value: uuid.UUID) -> object:
        return value if postgres else value.hex  # Django keeps UUIDs as 32 hex digits on SQLite

    with transaction.atomic():
        surveys_starter_set(actor=None, partnership_id=partnership.id)
        surveys = {s.name: s for s in Survey.objects.filter(partnership_id=partnership.id)}
        runs: dict[int, list[tuple[str, object]]] = defaultdict(list)  # course -> timepoints
        for course in Course.objects.filter(partnership_id=partnership.id).order_by("code"):
            timepoints = [("reaction", surveys[REACTION]), ("follow_up", surveys[PRACTICE])]
            if course.code in PRE_POST:
                timepoints += [("pre", surveys[CONFIDENCE]), ("post", surveys[CONFIDENCE])]
            for timepoint, survey in timepoints:
                course_survey_set(
                    actor=None,
                    course=course,
                    timepoint=timepoint,
                    survey=survey,
                    delay_days=FOLLOW_UP_DAYS if timepoint == "follow_up" else None,
                )
                runs[course.id].append((timepoint, survey))
        versions = {
            v.survey_id: v for v in SurveyVersion.objects.filter(survey__in=surveys.values())
        }
        questions = {
            survey_id: list(Question.objects.filter(version=v).order_by("position"))
            for survey_id, v in versions.items()
        }

        # The latest completions (a database-independent order, so both get the same rows).
        invitations = []  # (staff pk, organisation pk, course pk, timepoint, survey, completed_on)
        completions = (
            Completion.objects.filter(partnership_id=partnership.id)
            .order_by("-completed_on", "staff__staff_id", "course__code")
            .values_list("staff_id", "staff__organisation_id", "course_id", "completed_on")
        )
        for staff_pk, organisation_pk, course_pk, completed_on in completions.iterator(
            chunk_size=5000
        ):
            for timepoint, survey in runs[course_pk]:
                invitations.append(
                    (staff_pk, organisation_pk, course_pk, timepoint, survey, completed_on)
                )
            if len(invitations) >= INVITATIONS:
                break

        # When each link is open; a follow-up opening after END is still waiting to be sent.
        dated = []
        for *_who, timepoint, _survey, completed_on in invitations:
            if timepoint == "pre":  # asked when the place was booked, until the course starts
                opens_on = completed_on - dt.timedelta(days=rng.randint(7, 42))
                expires_on = completed_on
            else:
                delay = FOLLOW_UP_DAYS if timepoint == "follow_up" else 0
                opens_on = completed_on + dt.timedelta(days=delay)
                expires_on = opens_on + dt.timedelta(days=OPEN_DAYS)
            dated.append((opens_on, expires_on))
        # Exactly RESPONSES answered among those sent, drawn with the timepoint's weight
        # (weighted sampling without replacement: the largest random() ** (1 / weight)).
        sendable = [i for i, (opens_on, _e) in enumerate(dated) if opens_on <= END]
        drawn = sorted(
            sendable,
            key=lambda i: rng.random() ** (1 / WILLING[invitations[i][3]]),
            reverse=True,
        )
        answered = set(drawn[:RESPONSES])

        invitation_rows = []
        responses = []  # (response row, survey id)
        for index, (
            staff_pk,
            organisation_pk,
            course_pk,
            timepoint,
            survey,
            completed_on,
        ) in enumerate(invitations):
            opens_on, expires_on = dated[index]
            reminders = 0
            if opens_on > END:
                status, sent_on, last_sent_on = "waiting", None, None
            elif index in answered:
                status, sent_on = "answered", opens_on
                given_on = min(opens_on + dt.timedelta(days=int(rng.expovariate(1 / 4))), END)
                if timepoint == "pre":
                    given_on = min(given_on, expires_on - dt.timedelta(days=1))
                else:
                    given_on = min(given_on, expires_on)
                reminders = min(2, (given_on - opens_on).days // 7)
                last_sent_on = opens_on + dt.timedelta(days=7 * reminders)
            else:
                status = "sent" if expires_on >= END else "expired"
                sent_on = opens_on
                reminders = min(2, (min(END, expires_on) - opens_on).days // 7)
                last_sent_on = opens_on + dt.timedelta(days=7 * reminders)
            invitation_rows.append(
                (
                    partnership.id,
                    staff_pk,
                    course_pk,
                    timepoint,
                    survey.id,
                    completed_on.isoformat(),
                    None,
                    opens_on.isoformat(),
                    expires_on.isoformat(),
                    f"{rng.getrandbits(192):048x}",
                    status,
                    sent_on.isoformat() if sent_on else None,
                    reminders,
                    last_sent_on.isoformat() if last_sent_on else None,
                )
            )
            if status != "answered":
                continue
            version = versions[survey.id]
            # As feedback/invitations.py survey_answer stores them: an anonymous response
            # keeps only the quarter of the training and the quarter it was given in (their
            # first days), no session, no organisation, nobody; an attributable one the
            # month of the training, the day, the organisation and the person.
            if version.anonymous:
                trained_in = _first_of_quarter(completed_on)
                given_on = _first_of_quarter(given_on)
                organisation = None
            else:
                trained_in = completed_on.replace(day=1)
                organisation = organisation_pk
            responses.append(
                (
                    (
                        _uuid(rng),
                        partnership.id,
                        version.id,
                        course_pk,
                        timepoint,
                        given_on.isoformat(),
                        trained_in.isoformat(),
                        None,
                        organisation,
                        None if version.anonymous else staff_pk,
                        version.anonymous,
                        False,  # settled: release_due writes them back (release.settle)
                    ),
                    survey.id,
                )
            )
        # Written in the order they were given, as the app would have written them (an
        # anonymous one's quarter given in, then its random id: no order within a quarter).
        responses.sort(key=lambda found: (found[0][5], found[0][0]))

        def response_rows():
            for values, _survey in responses:
                yield (key(values[0]), *values[1:])

        def answer_rows():
            for values, survey_id in responses:
                response_id, timepoint = key(values[0]), values[4]
                grouping = (partnership.id, values[3], timepoint, values[6], None, values[8])
                for question in questions[survey_id]:
                    for number, text in _answers(rng, question, timepoint):
                        yield (key(_uuid(rng)), response_id, question.id, number, text, *grouping)

        return {
            "invitations": common.bulk_insert(
                "feedback_invitation", INVITATION_COLUMNS, invitation_rows
            ),
            "responses": common.bulk_insert("feedback_response", RESPONSE_COLUMNS, response_rows()),
            "answers": common.bulk_insert("feedback_answer", ANSWER_COLUMNS, answer_rows()),
        }


def _answers(rng: random.Random, question, timepoint: str) -> list[tuple[int | None, str]]:
    """One person's answer to one question, as (number, text) rows; [] if left blank.
    Whatever questions the starter set asks: by their kind."""
    kind = question.kind
    if kind == "text":
        return [(None, rng.choice(TEXTS))] if rng.random() < 0.25 else []
    # Every question may be skipped; "choose any that apply" often is.
    if rng.random() < (0.45 if kind == "multiple" else 0.08):
        return []
    if kind == "agreement":
        return [(rng.choices(range(1, 6), AGREEMENT_WEIGHTS)[0], "")]
    if kind == "rating":
        weights = {"pre": CONFIDENCE_BEFORE, "post": CONFIDENCE_AFTER}.get(
            timepoint, RATING_WEIGHTS
        )
        return [(rng.choices(range(11), weights)[0], "")]
    positions = range(len(question.choices))
    if kind == "single":  # the first choice most often, each next one half as often
        return [(rng.choices(positions, [2.0**-n for n in positions])[0], "")]
    # Any number of choices: one to three of them.
    chosen = rng.sample(positions, k=min(len(positions), rng.choices([1, 2, 3], [55, 33, 12])[0]))
    return [(n, "") for n in sorted(chosen)]


def ensure_data(force: bool):
    """bench-50k with its survey data, its anonymous answers released; returns the
    partnership."""
    import generate

    from tiptracker.feedback.models import ReleasedCell, Response
    from tiptracker.partnerships.models import Partnership

    partnership = Partnership.objects.filter(slug=common.BIG).first()
    if partnership is None:
        generate.big()
        partnership = Partnership.objects.get(slug=common.BIG)
    made = (
        Response.objects.filter(partnership_id=partnership.id, anonymous=True).exists()
        and ReleasedCell.objects.filter(partnership_id=partnership.id).exists()
    )
    if made and not force:
        common.say(
            f"{common.BIG}'s survey data and released cells are already there "
            "(use --force to make them again and time release_due)"
        )
        return partnership
    feedback_drop(partnership.id)
    seconds, counts = common.timed(lambda: feedback_generate(partnership))
    rows = sum(counts.values())
    common.say(
        f"{common.BIG}: {counts['invitations']:,} invitations, {counts['responses']:,} responses, "
        f"{counts['answers']:,} answers written in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)"
    )
    _vacuum()
    release(partnership.id)
    _vacuum()
    return partnership


def _vacuum() -> None:
    """After a bulk load, what autovacuum does to tables only inserted into (PostgreSQL 13
    on): statistics, and the visibility map that lets a count read an index alone."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (
                "feedback_answer",
                "feedback_response",
                "feedback_invitation",
                "feedback_releasedcell",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")


# Releasing ---------------------------------------------------------------------------------------

# The baseline of release_due: what it counts, by hand, in three GROUP BYs over the courses'
# surveys with anonymous answers (every response of those, as release_due counts them): the
# responses and their answers by course, timepoint and month of the training (an anonymous
# one's is its quarter's first day; months are folded into quarters after), the invitations
# sent by course, timepoint and quarter of the training.
ANONYMOUS_PAIRS = """(course_id, timepoint) IN (
    SELECT DISTINCT course_id, timepoint FROM feedback_response
    WHERE partnership_id = %s AND anonymous)"""
RELEASE_RESPONSES_SQL = f"""
SELECT course_id, timepoint, trained_in, COUNT(*)
FROM feedback_response
WHERE partnership_id = %s AND {ANONYMOUS_PAIRS}
GROUP BY course_id, timepoint, trained_in
"""
RELEASE_ANSWERS_SQL = f"""
SELECT course_id, timepoint, trained_in, question_id, number, COUNT(*)
FROM feedback_answer
WHERE partnership_id = %s AND number IS NOT NULL AND {ANONYMOUS_PAIRS}
GROUP BY course_id, timepoint, trained_in, question_id, number
"""
RELEASE_INVITED_SQL = f"""
SELECT course_id, timepoint, {{year}}, ({{month}} - 1) / 3, COUNT(*)
FROM feedback_invitation
WHERE partnership_id = %s AND status <> 'waiting' AND {ANONYMOUS_PAIRS}
GROUP BY course_id, timepoint, {{year}}, ({{month}} - 1) / 3
"""


def _day(value) -> dt.date:  # type: ignore[no-untyped-def]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def release_baseline(partnership_id: int) -> dict:
    """The true counts release_due publishes, by (course, timepoint, first day of the
    quarter): responses, answers by (question, number), invitations sent."""
    from django.db import connection

    if connection.vendor == "postgresql":
        year, month = (
            "EXTRACT(YEAR FROM completed_on)::int",
            "EXTRACT(MONTH FROM completed_on)::int",
        )
    else:
        year = "CAST(strftime('%Y', completed_on) AS INTEGER)"
        month = "CAST(strftime('%m', completed_on) AS INTEGER)"
    found: dict = {
        "responses": defaultdict(int),
        "answers": defaultdict(lambda: defaultdict(int)),
        "invited": {},
    }
    with connection.cursor() as cursor:
        cursor.execute(RELEASE_RESPONSES_SQL, [partnership_id] * 2)
        for c, t, trained_in, n in cursor.fetchall():
            found["responses"][(c, t, _first_of_quarter(_day(trained_in)))] += n
        cursor.execute(RELEASE_ANSWERS_SQL, [partnership_id] * 2)
        for c, t, trained_in, q, number, n in cursor.fetchall():
            found["answers"][(c, t, _first_of_quarter(_day(trained_in)))][(q, number)] += n
        cursor.execute(RELEASE_INVITED_SQL.format(year=year, month=month), [partnership_id] * 2)
        for c, t, y, q, n in cursor.fetchall():
            found["invited"][(c, t, dt.date(int(y), int(q) * 3 + 1, 1))] = n
    return found


def release_on() -> dt.date:
    """A day after every cell of the data is due: the follow-up's cells of the last
    financial year's fourth quarter (and so its rest of the year), plus a day."""
    from tiptracker.feedback.periods import Period
    from tiptracker.feedback.release import due_on

    return due_on(Period(Period.of(END).year, 4), FOLLOW_UP_DAYS) + dt.timedelta(days=1)


def release(partnership_id: int) -> None:
    """release_due(), timed against its baseline (the median of 3, just before: the release
    rewrites the rows it counts), then its cells checked against the baseline's counts."""
    from tiptracker.feedback import release as releasing

    base = [common.timed(lambda: release_baseline(partnership_id)) for _ in range(3)]
    baseline_seconds = statistics.median(seconds for seconds, _found in base)
    counts: dict = base[-1][1]  # type: ignore[assignment]
    # Where release_due's time goes: its rewriting of the rows (release._rewrite, which
    # includes release.scatter, SQLite's random rowids), looked up by name at each call.
    spent: dict[str, float] = {"_rewrite": 0.0, "scatter": 0.0}
    originals = {name: getattr(releasing, name) for name in spent}

    def timing(name: str):  # type: ignore[no-untyped-def]
        def work(*args, **kwargs):  # type: ignore[no-untyped-def]
            seconds, result = common.timed(lambda: originals[name](*args, **kwargs))
            spent[name] += seconds
            return result

        return work

    on = release_on()
    for name in spent:
        setattr(releasing, name, timing(name))
    try:
        seconds, written = common.timed(
            lambda: releasing.release_due(on=on, partnership_id=partnership_id)
        )
    finally:
        for name, original in originals.items():
            setattr(releasing, name, original)
    responses = sum(counts["responses"].values())
    common.say(
        f"release_due(on={on}) over {responses:,} anonymous responses: {written:,} cells "
        f"in {seconds:.1f} s (rewriting the rows {spent['_rewrite']:.1f} s, of which "
        f"random rowids {spent['scatter']:.1f} s); baseline: the same counts by hand "
        f"{baseline_seconds * 1000:.0f} ms; ratio {seconds / baseline_seconds:,.0f}"
    )
    checked = check_release(partnership_id, counts)
    common.say(f"every released cell's {checked:,} figures agree with the baseline's counts")


def _rounded(n: int) -> int:
    """To the nearest five (0-2 -> 0, 3-7 -> 5): written apart from release.rounded."""
    return 5 * ((n + 2) // 5)


def released_rows(partnership_id: int) -> list[tuple]:
    """Every cell, by hand: (course, timepoint, starts_on, quarter, withheld, invited,
    answered, questions)."""
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT course_id, timepoint, starts_on, quarter, withheld, invited, answered, "
            "questions FROM feedback_releasedcell WHERE partnership_id = %s",
            [partnership_id],
        )
        return [
            (c, t, _day(starts), quarter, bool(withheld), invited, answered,
             json.loads(questions) if isinstance(questions, str) else questions)
            for c, t, starts, quarter, withheld, invited, answered, questions in cursor.fetchall()
        ]  # fmt: skip


def check_release(partnership_id: int, counts: dict) -> int:
    """Each released cell's counts are the baseline's, rounded (a quarter's, or for the rest
    of a year the sum of its withheld quarters'), from at least the threshold of people; and
    every quarter answered has its cell. Fails the run if not."""
    from tiptracker.feedback.models import Question
    from tiptracker.lib.suppression import threshold

    at = threshold()
    cells = released_rows(partnership_id)
    texts = dict(
        Question.objects.filter(version__survey__partnership_id=partnership_id).values_list(
            "id", "text"
        )
    )
    withheld: dict[tuple, list[dt.date]] = defaultdict(list)
    for c, t, starts, quarter, held, *_figures in cells:
        if quarter and held:
            withheld[(c, t, _first_of_year(starts))].append(starts)
    problems = []
    compared = 0
    quarters = {(c, t, starts) for c, t, starts, quarter, *_rest in cells if quarter}
    for key in set(counts["responses"]) - quarters:
        problems.append(f"{key}: answered, but no cell")
    for c, t, starts, quarter, held, invited, answered, questions in cells:
        where = f"course {c}, {t}, from {starts}" + ("" if quarter else " (rest of the year)")
        if held:
            continue
        pooled = [starts] if quarter else withheld[(c, t, starts)]
        true_answered = sum(counts["responses"].get((c, t, q), 0) for q in pooled)
        true_invited = sum(counts["invited"].get((c, t, q), 0) for q in pooled)
        if true_answered < at:
            problems.append(f"{where}: released, but {true_answered} answered")
        if answered != _rounded(true_answered):
            problems.append(f"{where}: answered {answered}, but {true_answered} did")
        if invited != true_invited:
            problems.append(f"{where}: asked {invited}, but the SQL says {true_invited}")
        people: dict[tuple[str, int], int] = defaultdict(int)
        for q in pooled:
            for (question_id, number), n in counts["answers"][(c, t, q)].items():
                people[(texts[question_id], number)] += n
        for entry in questions:
            for number, shown in zip(entry["keys"], entry["counts"], strict=True):
                true = people.get((entry["text"], number), 0)
                if shown != _rounded(true):
                    problems.append(f"{where}, {entry['text']} {number}: {shown}, but {true}")
            compared += len(entry["counts"])
        compared += 2
    if not any(not held for *_key, held, _i, _a, _q in cells):
        problems.append("no cell released")
    if problems:
        common.fail("release_due's cells and the SQL disagree:\n  " + "\n  ".join(problems[:20]))
    return compared


# The baseline ----------------------------------------------------------------------------------

INVITED_SQL = """
SELECT i.course_id, i.timepoint, COUNT(*),
       SUM(CASE WHEN i.status = 'answered' THEN 1 ELSE 0 END)
FROM feedback_invitation i {join}
WHERE i.partnership_id = %s AND i.status <> 'waiting' {where}
GROUP BY i.course_id, i.timepoint
"""
ANSWERS_SQL = """
SELECT course_id, timepoint, question_id, number, COUNT(*)
FROM feedback_answer
WHERE partnership_id = %s AND number IS NOT NULL {where}
GROUP BY course_id, timepoint, question_id, number
"""


def raw_figures(partnership_id: int, organisation_id: int | None = None) -> tuple[dict, dict]:
    """Invited and answered by (course, timepoint); people by (course, timepoint, question,
    number). Narrowed to one organisation: invitations of its staff, answers that name it."""
    from django.db import connection

    join = where = answer_where = ""
    params: list = [partnership_id]
    if organisation_id is not None:
        join = "JOIN workforce_staffmember s ON s.id = i.staff_id"
        where = "AND s.organisation_id = %s"
        answer_where = "AND organisation_id = %s"
        params.append(organisation_id)
    with connection.cursor() as cursor:
        cursor.execute(INVITED_SQL.format(join=join, where=where), params)
        invited = {(c, t): (n, a) for c, t, n, a in cursor.fetchall()}
        cursor.execute(ANSWERS_SQL.format(where=answer_where), params)
        answers = {(c, t, q, number): n for c, t, q, number, n in cursor.fetchall()}
    return invited, answers


def released_figures(partnership_id: int) -> dict[tuple[int, str], dict]:
    """By (course, timepoint), the released (not withheld) cells summed, read by hand: asked,
    answered, and each question's published counts (the same question merged by its kind,
    wording and answers, as results show it), with its answers' keys."""
    found: dict[tuple[int, str], dict] = {}
    for c, t, _starts, _quarter, held, invited, answered, questions in released_rows(
        partnership_id
    ):
        if held:
            continue
        into = found.setdefault((c, t), {"invited": 0, "answered": 0, "questions": {}})
        into["invited"] += invited
        into["answered"] += answered
        for entry in questions:
            identity = (entry["kind"], entry["text"], tuple(entry["labels"]))
            question = into["questions"].setdefault(
                identity, {"keys": entry["keys"], "counts": [0] * len(entry["counts"])}
            )
            question["counts"] = [
                a + b for a, b in zip(question["counts"], entry["counts"], strict=True)
            ]
    return found


def check_figures(partnership_id: int, organisation_id: int | None = None) -> int:
    """results_for()'s figures against the raw SQL's (suppressed by the same rule) for the
    attributable surveys, and against the released cells summed (read by hand) for those
    with anonymous answers (release.protected_pairs), which one organisation leaves out;
    fails the run on any difference. Returns how many figures were compared."""
    from tiptracker.feedback.models import Question, answer_keys
    from tiptracker.feedback.release import protected_pairs
    from tiptracker.feedback.results import SCALES, Filters, results_for
    from tiptracker.lib.suppression import Row, count, published, rate, row, threshold

    at = threshold()
    found = results_for(
        partnership_id, at=at, filters=Filters(organisation_id=organisation_id), with_text=True
    )
    protected = protected_pairs(partnership_id)
    narrowed = organisation_id is not None
    invited, answers = raw_figures(partnership_id, organisation_id)
    released = {} if narrowed else released_figures(partnership_id)
    by_question: dict[tuple, dict[int, int]] = defaultdict(dict)
    for (c, t, q, number), n in answers.items():
        if (c, t) not in protected:
            by_question[(c, t, q)][number] = n
    questions = {
        q.pk: q
        for q in Question.objects.filter(pk__in={k[2] for k in by_question}).select_related(
            "version"
        )
    }
    problems = []
    compared = 0
    expected = {pair for pair in invited if pair not in protected} | set(released)
    if {(r.course_id, r.timepoint) for r in found.timepoints} != expected:
        problems.append("the courses and timepoints differ")
    if not protected or not released and not narrowed:
        problems.append("nothing anonymous to compare: no protected pair or no released cell")
    if found.anonymous_left_out != narrowed:
        problems.append(f"anonymous_left_out is {found.anonymous_left_out}")
    for result in found.timepoints:
        pair = (result.course_id, result.timepoint)
        where = f"{result.course}, {result.timepoint}"
        if pair in protected:
            cells = released.get(pair, {"invited": 0, "answered": 0, "questions": {}})
            n, a = cells["invited"], cells["answered"]
            want_answered = published(a, at=at)
            want_rate = rate(min(a, n), n, at=at)
            if not result.released:
                problems.append(f"{where}: not from its released cells")
        else:
            n, a = invited.get(pair, (0, 0))
            want_answered, want_rate = row([a], at=at).total, rate(a, n, at=at)
        if result.invited != count(n, at=at):
            problems.append(f"{where}: asked {result.invited} but the SQL says {n}")
        if result.answered != want_answered:
            problems.append(f"{where}: answered {result.answered} but the SQL says {a}")
        if result.response_rate != want_rate:
            problems.append(f"{where}: response rate {result.response_rate} differs")
        compared += 3
        # What each question should show: (kind, wording, answers) -> keys, counts, row.
        wanted: dict[tuple, tuple[list[int], list[int], Row]] = {}
        if pair in protected:
            for identity, question in cells["questions"].items():
                values = question["counts"]
                wanted[identity] = (
                    question["keys"],
                    values,
                    Row([published(v, at=at) for v in values], published(sum(values), at=at)),
                )
        else:
            for (c, t, q), numbers in by_question.items():
                if (c, t) == pair:
                    question = questions[q]
                    keys = answer_keys(question)
                    values = [numbers.get(k, 0) for k in keys]
                    identity = (question.kind, question.text, question.version.number)
                    wanted[identity] = (keys, values, row(values, at=at))
        shown = {
            (q.question.kind, q.question.text, tuple(q.labels))
            if pair in protected
            else (q.question.kind, q.question.text, *q.question.versions): q
            for q in result.questions
        }
        if set(shown) != set(wanted) or len(shown) != len(result.questions):
            problems.append(f"{where}: the questions answered differ")
        for identity, (keys, values, want) in wanted.items():
            q = shown.get(identity)
            if q is None:
                continue
            if q.counts != want:
                problems.append(f"{where}, {q.question.text}: counts differ")
            if q.question.kind in SCALES and (
                q.mean is None
                or q.mean.people != sum(values)
                or q.mean.total != sum(k * v for k, v in zip(keys, values, strict=True))
            ):
                problems.append(f"{where}, {q.question.text}: the average differs")
            compared += len(want.cells) + 1
    if problems:
        common.fail("results_for() and the SQL disagree:\n  " + "\n  ".join(problems[:20]))
    return compared


# Timing -----------------------------------------------------------------------------------------


def in_turn(count: int, **works) -> dict[str, list[float]]:
    """Time each work `count` times, taking them in turn, so that a change in the shared
    machine's load falls on all of them alike."""
    found: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(count):
        for name, work in works.items():
            found[name].append(common.timed(work)[0])
    return found


def p95(values: list[float]) -> float:
    return common.percentile(values, 95)


def line(label: str, values: list[float]) -> str:
    return (
        f"{label:<46} p50 {statistics.median(values) * 1000:7.1f} ms   "
        f"p95 {p95(values) * 1000:7.1f} ms"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--force", action="store_true", help="make the survey data again")
    parser.add_argument(
        "--profile", action="store_true", help="print where one request spends its time (cProfile)"
    )
    args = parser.parse_args(argv)
    common.setup()
    from bench_dashboard import admin_client

    from tiptracker.feedback.results import results_for
    from tiptracker.lib.suppression import threshold
    from tiptracker.partnerships.models import Organisation

    common.heading(f"Survey results of {common.BIG} (100,000 responses)")
    partnership = ensure_data(args.force)
    organisation = (
        Organisation.objects.filter(partnership_id=partnership.id).order_by("name").first()
    )
    assert organisation is not None
    compared = check_figures(partnership.id)
    compared += check_figures(partnership.id, organisation.pk)
    common.say(f"results_for() gave the same {compared:,} figures as the SQL")
    client = admin_client(partnership)
    page_url = f"/p/{partnership.slug}/feedback/results/"
    api_url = f"/api/partnerships/{partnership.slug}/feedback/results/"
    narrowed_url = f"{page_url}?organisation={organisation.pk}"
    # One course in detail: every question's table and chart (the overview has none).
    from django.db.models import Count

    from tiptracker.feedback.models import Response

    busiest = (
        Response.objects.filter(partnership_id=partnership.id)
        .values("course_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    course_url = f"{page_url}?course={busiest['course_id']}"

    def get(url: str):
        def work():
            response = client.get(url)
            if response.status_code != 200:
                common.fail(f"GET {url} answered {response.status_code}")
            return response

        return work

    # As a server's worker does once the app is loaded (tiptracker/server.py): what lives as
    # long as the process is kept out of the collector's sight, so that a full collection
    # during a request scans only what requests made, not this process's data generation.
    import gc

    gc.collect()
    gc.freeze()
    # Each page is warmed just before it is timed: the charts of one view can push another
    # view's out of a small cache (see README, "Where the time goes").
    first, response = common.timed(get(page_url))
    size = len(response.content)  # type: ignore[attr-defined]
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(get(page_url))
        pstats.Stats(profiler).sort_stats("cumtime").print_stats(30)
    page = in_turn(
        args.requests,
        page=get(page_url),
        results_for=lambda: results_for(partnership.id, at=threshold(), with_text=True),
        sql=lambda: raw_figures(partnership.id),
    )
    get(api_url)()
    api = in_turn(args.requests, api=get(api_url), sql=lambda: raw_figures(partnership.id))
    get(narrowed_url)()
    narrowed = in_turn(
        args.requests,
        page=get(narrowed_url),
        sql=lambda: raw_figures(partnership.id, organisation.pk),
    )
    get(course_url)()
    course = in_turn(args.requests, page=get(course_url), sql=lambda: raw_figures(partnership.id))
    common.say(
        f"{'first request (cold; draws any chart not cached)':<46} {first * 1000:7.1f} ms"
        f"   ({size / 1e6:.1f} MB of HTML)"
    )
    common.say(
        line(f"results page, {args.requests} requests", page["page"]) + "   (target p95 <= 300 ms)"
    )
    common.say(line("  of which results_for()", page["results_for"]))
    common.say(line("baseline: hand-written SQL aggregate", page["sql"]))
    common.say(line("API feedback/results", api["api"]))
    common.say(line("baseline: SQL, beside the API", api["sql"]))
    common.say(line("results page, one organisation", narrowed["page"]) + f"   ({organisation})")
    common.say(line("baseline: SQL, one organisation", narrowed["sql"]))
    common.say(
        line(f"one course in detail ({busiest['n']:,} responses)", course["page"])
        + "   (its charts and tables; target p95 <= 300 ms)"
    )
    common.say(
        f"ratio page p95 / SQL p95: {p95(page['page']) / p95(page['sql']):4.2f} (target <= 2); "
        f"results_for() {p95(page['results_for']) / p95(page['sql']):4.2f}; "
        f"API {p95(api['api']) / p95(api['sql']):4.2f}; "
        f"one organisation {p95(narrowed['page']) / p95(narrowed['sql']):4.2f}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
