"""Building and reading the impact page for its tests (test_impact_chain,
test_impact_small_numbers_and_access, and the browser test): courses that run the starter
surveys, people who attend and what they answer, published as the worker publishes it;
the page's tables as rows of cell text, and the API's figures.

The starter reaction and follow-up surveys are anonymous: their answers count only once
released (release.release_due, after the quarter's surveys have closed), rounded to the
nearest five, a quarter with too few answers pooled into the rest of its year."""

import datetime as dt
import secrets
from html.parser import HTMLParser

from django.utils import timezone

from tiptracker.feedback.invitations import OPEN_DAYS, check_answer, survey_answer
from tiptracker.feedback.models import CourseSurvey, Invitation
from tiptracker.feedback.release import release_due
from tiptracker.feedback.services import course_survey_set, current_version
from tiptracker.lib.levels import Level
from tiptracker.training.models import Completion
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory

MAY_2022 = dt.date(2022, 5, 10)
# Training in 2022/23's first quarter (to 30 June): its reaction cells are due on 5 August
# (the quarter's end, a link's 28 days and a week's grace), its follow-up's (84 days later)
# on 28 October. The rest of 2022/23 follows its fourth quarter's: reaction on 6 May 2023,
# follow-up on 29 July 2023.
AFTER_Q1_2022 = dt.date(2022, 10, 29)
AFTER_2022_23 = dt.date(2023, 7, 30)


# Building the world: courses that run surveys, people who attend, and what they answer ------


def running(admin, surveys, *, title, level=Level.INFORMED, **timepoints):
    """A course running the starter surveys at the timepoints named (reaction=REACTION ...)."""
    course = CourseFactory(partnership=admin.partnership, title=title, level=level)
    for timepoint, name in timepoints.items():
        course_survey_set(
            actor=admin.user, course=course, timepoint=timepoint, survey=surveys[name]
        )
    return course


def attended(course, team, *, people, on=MAY_2022, **who):
    """`people` new staff of `team` who completed `course` on `on`, each invited at every
    timepoint the course runs, as send-due does. Returns {timepoint: [invitation, ...]}."""
    staff = [StaffMemberFactory(team=team, **who) for _ in range(people)]
    Completion.objects.bulk_create(
        Completion(partnership=course.partnership, staff=s, course=course, completed_on=on)
        for s in staff
    )
    invited = {}
    for run in CourseSurvey.objects.filter(course=course):
        opens_on = on + dt.timedelta(days=run.delay_days)
        invited[run.timepoint] = Invitation.objects.bulk_create(
            Invitation(
                partnership=course.partnership,
                staff=s,
                course=course,
                timepoint=run.timepoint,
                survey=run.survey,
                completed_on=on,
                opens_on=opens_on,
                expires_on=opens_on + dt.timedelta(days=OPEN_DAYS),
                nonce=secrets.token_urlsafe(8),
                status=Invitation.Status.SENT,
            )
            for s in staff
        )
    return invited


def answer(invitation, **by_position):
    """Answer an invitation through the service, the day it opened (answers by question
    position, as the page sends them: q1=4, q1="Yes")."""
    version = current_version(invitation.survey)
    questions = {f"q{q.position}": q for q in version.questions.all()}
    opened = timezone.make_aware(dt.datetime.combine(invitation.opens_on, dt.time(12)))
    return survey_answer(
        invitation=invitation,
        version=version,
        answers={questions[p].pk: check_answer(questions[p], v) for p, v in by_position.items()},
        started_at=opened,
        on=invitation.opens_on,
    )


def release(membership, on):
    """Publish what is due on `on`, as the worker does each day."""
    return release_due(on=on, partnership_id=membership.partnership_id)


def react(invitations, count):
    for invitation in invitations[:count]:
        answer(invitation, q1=4, q2=5)


def follow_up(invitations, *, yes=0, not_yet=0, skipped=0):
    """Follow-up answers: `yes` changed practice, `not_yet` did not, `skipped` left the
    question blank (answering only another)."""
    for invitation in invitations[:yes]:
        answer(invitation, q1="Yes", q3=4)
    for invitation in invitations[yes : yes + not_yet]:
        answer(invitation, q1="Not yet", q3=2)
    for invitation in invitations[yes + not_yet : yes + not_yet + skipped]:
        answer(invitation, q3=3)


# Reading it: the page's tables as rows of cell text -------------------------------------------


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: list[str] | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_table = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._in_table, self._rows = True, []
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._in_table:
            self._rows.append([])
        elif tag in ("td", "th") and self._in_table:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self._title = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self.tables[self._title] = self._rows
            self._in_table = False

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def row_of(table: list[list[str]], first: str) -> list[str]:
    return next(row for row in table if row and row[0].startswith(first))


def page(login, membership) -> str:
    response = login(membership).get(f"/p/{membership.partnership.slug}/feedback/impact/")
    assert response.status_code == 200
    return response.content.decode()


def api(login, membership) -> dict:
    response = login(membership).get(
        f"/api/partnerships/{membership.partnership.slug}/feedback/impact/"
    )
    assert response.status_code == 200
    return response.json()


def api_course(body, title):
    return next(
        course
        for level in body["levels"]
        for course in level["courses"]
        if course["title"] == title
    )


def figures(node):
    """Every {value, suppressed, rounded, shown} in an API answer."""
    if isinstance(node, dict):
        if set(node) == {"value", "suppressed", "rounded", "shown"}:
            yield node
        for value in node.values():
            yield from figures(value)
    elif isinstance(node, list):
        for value in node:
            yield from figures(value)


INFORMED = "Trauma Informed courses: from attending to changing practice"
INFORMED_OVER_TIME = (
    "Trauma Informed: share of those who attended reaching each step, by quarter of the training"
)
