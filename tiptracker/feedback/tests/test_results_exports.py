"""Survey results beyond the page: the same figures in CSV, XLSX and the API, small numbers
suppressed and anonymous counts rounded the same way; attributable answers one by one for
administrators, never anonymous ones; what an anonymous response keeps; counting that
takes the same queries however many answered; another partnership's answers never
counted."""

import csv
import datetime as dt
import io
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tiptracker.feedback.models import Response
from tiptracker.feedback.release import release_due
from tiptracker.feedback.results import results_for
from tiptracker.feedback.starter import CONFIDENCE, PRACTICE, REACTION
from tiptracker.feedback.tests.factories import answered, attributable, due_on, invited
from tiptracker.feedback.tests.results_helpers import TRAINED, _page, _people
from tiptracker.partnerships.models import Role
from tiptracker.training.tests.factories import CourseFactory, TrainingSessionFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


def test_exports_carry_the_page_figures_suppressed_the_same_way(
    login, admin, partnership, team, course, surveys
):
    attributable(surveys[REACTION])
    for person, value in zip(_people(team, 7), [4] * 5 + [2] * 2, strict=True):
        answered(
            staff=person,
            course=course,
            timepoint="reaction",
            survey=surveys[REACTION],
            answers={1: value},
        )
    client = login(admin)
    base = f"/p/{partnership.slug}/feedback/results/"
    response = client.get(base + "results.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Course", "When", "Question", "Survey version", "Answer", "Figure"]
    relevant = {r[4]: r[5] for r in rows if r[2] == "The session was relevant to my work."}
    assert relevant["Agree"] == "5" and relevant["Disagree"] == "fewer than 5"
    assert relevant["All who answered"] == "7"
    book = load_workbook(io.BytesIO(client.get(base + "results.xlsx").content))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    assert [
        "Opening Doors",
        "Reaction, after attending",
        "The session was relevant to my work.",
        "1",  # the versions asking it, as words ("1 and 2" where merged)
        "Agree",
        5,
    ] in cells
    assert not [r for r in rows if r[4].startswith("Anonymous")]
    assert client.get(base + "results.pdf").status_code == 404


def test_exports_carry_the_released_figures_rounded_the_same_way(
    login, admin, partnership, team, course, surveys
):
    for person, value in zip(_people(team, 7), [4] * 5 + [2] * 2, strict=True):
        answered(
            staff=person,
            course=course,
            timepoint="reaction",
            survey=surveys[REACTION],
            answers={1: value},
            completed_on=TRAINED,
        )
    client = login(admin)
    base = f"/p/{partnership.slug}/feedback/results/"

    def relevant():
        rows = list(
            csv.reader(io.StringIO(client.get(base + "results.csv").content.decode("utf-8-sig")))
        )
        return rows, {r[4]: r[5] for r in rows if r[2] == "The session was relevant to my work."}

    assert relevant()[1] == {}  # nothing before the quarter is released
    release_due(on=due_on(TRAINED) + dt.timedelta(days=1), partnership_id=partnership.pk)
    rows, found = relevant()
    assert found["Agree"] == "5" and found["Disagree"] == "0"
    assert found["All who answered"] == "5"  # the sum of the rounded counts, not 7
    everyone = {r[4]: r[5] for r in rows if r[2] == "(everyone asked)"}
    assert everyone["Asked"] == "7" and everyone["Answered"] == "5"
    assert everyone["Anonymous: counts rounded to the nearest 5, adding up"] == (
        "2026/27 quarter 1: April to June"
    )
    assert "fewer than 5" not in [r[5] for r in rows]
    book = load_workbook(io.BytesIO(client.get(base + "results.xlsx").content))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    reaction = [
        "Opening Doors",
        "Reaction, after attending",
        "The session was relevant to my work.",
    ]
    assert [*reaction, "1", "Agree", 5] in cells and [*reaction, "1", "Disagree", 0] in cells


def test_attributable_answers_one_by_one_for_admins_never_anonymous_ones(
    login, admin, persona, partnership, team, course, surveys
):
    named = StaffMemberFactory(team=team, first_name="Rory", last_name="Baird", staff_id="E123")
    answered(
        staff=named, course=course, timepoint="pre", survey=surveys[CONFIDENCE], answers={1: 6}
    )
    anonymous = StaffMemberFactory(team=team, first_name="Morag", last_name="Hidden")
    answered(
        staff=anonymous,
        course=course,
        timepoint="reaction",
        survey=surveys[REACTION],
        answers={1: 5},
    )
    client = login(admin)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/p/{partnership.slug}/feedback/results/answers.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[1][:3] == ["Rory Baird", "E123", "Opening Doors"]
    assert rows[1][-1] == "6" and len(rows) == 2  # the anonymous answer is not there
    api = client.get(f"/api/partnerships/{partnership.slug}/feedback/answers/")
    listed = api.json()["results"]
    assert [a["person"] for a in listed] == ["Rory Baird"]
    assert "Morag" not in json.dumps(api.json())
    board = login(persona(Role.BOARD))
    assert board.get(f"/api/partnerships/{partnership.slug}/feedback/answers/").status_code == 403


def test_the_api_gives_the_page_figures_narrowed_the_same_way(
    login, admin, partnership, team, course, surveys
):
    attributable(surveys[PRACTICE])
    session = TrainingSessionFactory(course=course)
    for person in _people(team, 6):
        answered(
            staff=person,
            course=course,
            timepoint="follow_up",
            survey=surveys[PRACTICE],
            answers={1: "Yes", 3: 4},
            session=session,
        )
    client = login(admin)
    url = f"/api/partnerships/{partnership.slug}/feedback/results/"
    found = client.get(url, {"course": course.pk, "period": "2026-27"}).json()
    practice = found["results"][0]["questions"][0]
    assert practice["share_changed"]["shown"] == "100%" and practice["change_answer"] == "Yes"
    assert found["results"][0]["answered"] == {
        "value": 6,
        "suppressed": False,
        "rounded": False,
        "shown": "6",
    }
    assert found["results"][0]["released"] is False and found["results"][0]["periods"] == []
    by_session = client.get(url, {"course": course.pk, "session": session.pk}).json()
    assert by_session["results"][0]["answered"]["value"] == 6
    assert client.get(url, {"period": "2026-27"}).json()["results"]
    assert client.get(url, {"period": "2019-20"}).json()["results"] == []
    bad = client.get(url, {"period": "last year", "course": "x"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) >= {"period", "course"}


def test_the_api_gives_the_released_figures_rounded_and_never_by_session(
    login, admin, partnership, team, course, surveys
):
    session = TrainingSessionFactory(course=course)
    people = _people(team, 8)
    for person, said in zip(people[:7], ["Yes"] * 6 + ["Not yet"], strict=True):
        answered(
            staff=person,
            course=course,
            timepoint="follow_up",
            survey=surveys[PRACTICE],
            answers={1: said, 3: 4},
            completed_on=TRAINED,
            session=session,
        )
    invited(
        staff=people[7],
        course=course,
        timepoint="follow_up",
        survey=surveys[PRACTICE],
        completed_on=TRAINED,
        session=session,
    )
    client = login(admin)
    url = f"/api/partnerships/{partnership.slug}/feedback/results/"
    assert client.get(url).json()["results"] == []  # nothing before the release
    release_due(
        on=due_on(TRAINED, delay_days=84) + dt.timedelta(days=1), partnership_id=partnership.pk
    )
    found = client.get(url, {"course": course.pk, "period": "2026-27"}).json()
    [result] = found["results"]
    assert result["released"] is True and result["periods"] == ["2026-27-q1"]
    assert result["asked"] == {"value": 8, "suppressed": False, "rounded": False, "shown": "8"}
    assert result["answered"] == {"value": 5, "suppressed": False, "rounded": True, "shown": "5"}
    assert result["response_rate"]["shown"] == "62%"  # 5 published of 8, not 7 of 8
    practice = result["questions"][0]
    assert practice["change_answer"] == "Yes"
    assert practice["survey_version"] == 1 and practice["survey_versions"] == [1]
    shown = {a["answer"]: a["people"] for a in practice["answers"]}
    assert shown["Yes"] == {"value": 5, "suppressed": False, "rounded": True, "shown": "5"}
    assert shown["Not yet"] == {"value": 0, "suppressed": False, "rounded": True, "shown": "0"}
    assert practice["share_changed"]["shown"] == "100%"  # 5 of the 5 published (6 of 7)
    assert client.get(url, {"period": "2026-27-q1"}).json()["results"]
    assert client.get(url, {"period": "2026-27-q2"}).json()["results"] == []
    by_session = client.get(url, {"course": course.pk, "session": session.pk}).json()
    assert by_session["results"] == [] and by_session["anonymous_left_out"] is True


def test_an_anonymous_response_keeps_only_the_quarters_and_an_attributable_one_everything(
    team, course, surveys, partnership
):
    """An anonymous response keeps no session, no organisation and no day: only the quarter
    of the training and the quarter it was given in. An attributable one keeps them all."""
    session = TrainingSessionFactory(course=course)
    person = StaffMemberFactory(team=team)
    response = answered(
        staff=person,
        course=course,
        timepoint="reaction",
        survey=surveys[REACTION],
        answers={1: 4},
        session=session,
        completed_on=dt.date(2026, 5, 12),
        on=dt.date(2026, 5, 20),
    )
    assert response.anonymous and response.staff_id is None
    assert response.session_id is None and response.organisation_id is None
    assert response.trained_in == dt.date(2026, 4, 1) and response.given_on == dt.date(2026, 4, 1)
    assert not response.answers.exclude(session_id=None).exists()
    assert not response.answers.exclude(organisation_id=None).exists()
    assert set(response.answers.values_list("trained_in", flat=True)) == {dt.date(2026, 4, 1)}
    later = answered(
        staff=StaffMemberFactory(team=team),
        course=course,
        timepoint="reaction",
        survey=surveys[REACTION],
        answers={1: 4},
        completed_on=dt.date(2026, 2, 10),
        on=dt.date(2026, 3, 2),
    )
    assert later.trained_in == dt.date(2026, 1, 1) and later.given_on == dt.date(2026, 1, 1)
    named = answered(
        staff=person,
        course=course,
        timepoint="pre",
        survey=surveys[CONFIDENCE],
        answers={1: 4},
        session=session,
        completed_on=dt.date(2026, 5, 12),
        on=dt.date(2026, 5, 20),
    )
    assert not named.anonymous and named.staff_id == person.pk
    assert named.session_id == session.pk and named.organisation_id == team.organisation_id
    assert named.trained_in == dt.date(2026, 5, 1) and named.given_on == dt.date(2026, 5, 20)


def test_counting_takes_the_same_queries_however_many_answered(
    login, admin, partnership, team, course, surveys
):
    """Live counts of attributable surveys, protected pairs and released cells each take a
    fixed number of queries: more answers, and more released cells, take none more."""
    client = login(admin)
    page = f"/p/{partnership.slug}/feedback/results/"

    def reacting(people, on):
        for person in people:
            answered(
                staff=person,
                course=course,
                timepoint="reaction",
                survey=surveys[REACTION],
                answers={1: 4, 4: 8},
                completed_on=on,
            )

    def confident(people):
        for person in people:
            answered(
                staff=person,
                course=course,
                timepoint="post",
                survey=surveys[CONFIDENCE],
                answers={1: 7},
            )
            answered(
                staff=person,
                course=course,
                timepoint="pre",
                survey=surveys[CONFIDENCE],
                answers={1: 3},
            )

    reacting(_people(team, 6), dt.date(2025, 5, 12))
    confident(_people(team, 3))
    release_due(
        on=due_on(dt.date(2025, 5, 12)) + dt.timedelta(days=1), partnership_id=partnership.pk
    )
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    assert [
        (r.timepoint, str(r.answered)) for r in results_for(partnership.pk, at=5).timepoints
    ] == [
        ("post", "fewer than 5"),
        ("pre", "fewer than 5"),
        ("reaction", "5"),
    ]
    reacting(_people(team, 30), dt.date(2025, 8, 12))
    reacting(_people(team, 20), dt.date(2025, 11, 12))
    confident(_people(team, 30))
    release_due(
        on=due_on(dt.date(2025, 11, 12)) + dt.timedelta(days=1), partnership_id=partnership.pk
    )
    with CaptureQueriesContext(connection) as many:
        client.get(page)
    assert [
        (r.timepoint, str(r.answered)) for r in results_for(partnership.pk, at=5).timepoints
    ] == [
        ("post", "33"),
        ("pre", "33"),
        ("reaction", "55"),  # three released quarters: 5 + 30 + 20
    ]
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Response.objects.count() == 122


def test_another_partnerships_answers_are_never_counted(
    login, admin, partnership, outsider, course, surveys
):
    other_team = TeamFactory(partnership=outsider.partnership)
    other_course = CourseFactory(partnership=outsider.partnership, title="Elsewhere")
    for person in _people(other_team, 6):
        answered(
            staff=person,
            course=other_course,
            timepoint="reaction",
            survey=surveys[REACTION],
            answers={1: 5},
        )
    page = _page(login(admin), partnership)
    assert "Elsewhere" not in page and "No figures to show" in page
