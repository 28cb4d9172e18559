"""The partnership the differencing attacks of test_disclosure run against: random small
cohorts (two courses at one level, three quarters, sessions, two organisations, two survey
versions) and a target alone in a session or alone in a quarter, with the answers we know
they gave, released as the worker releases them."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from hypothesis import strategies as st

from tiptracker.feedback.invitations import survey_answer
from tiptracker.feedback.models import CourseSurvey, Question, Survey, SurveyVersion
from tiptracker.feedback.periods import Period
from tiptracker.feedback.release import release_due
from tiptracker.feedback.tests.factories import invited
from tiptracker.lib.money import FinancialYear
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
)
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
