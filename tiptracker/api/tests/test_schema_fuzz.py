"""schemathesis against the API's own OpenAPI schema, with every check it has.

The schema is loaded from the running app (GET /api/schema/, as a client would). Every
operation, whatever its method (GET, POST, PUT, PATCH, DELETE), gets generated requests:
valid ones on real rows, valid ones on generated paths (unknown slugs and ids), and ones that
break the schema. The callers are an administrator's token, and for the lived-experience
route a coordinator's browser session with the workspace open. Every check schemathesis
registers runs on every answer (the CLI's `--checks all`): no server error, every status and
body as documented, invalid requests refused, valid ones accepted (or refused as documented:
404, 409), authentication enforced. The requests go in-process through Django's WSGI
handler, inside the test's transaction, so the test runs the same on SQLite and PostgreSQL;
writes land in it and are rolled back with it.
"""

import datetime as dt

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.utils import timezone
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, is_check_class, load_all_checks

from tests.test_authorization_matrix import POLICY
from tiptracker.accounts.services import api_token_create
from tiptracker.engagement.tests.factories import EngagementFactory
from tiptracker.feedback.starter import surveys_starter_set
from tiptracker.funding.tests.factories import AllocationFactory, CommitmentFactory
from tiptracker.improvement.cycles import cycle_create
from tiptracker.improvement.drivers import change_idea_add, driver_add
from tiptracker.improvement.services import project_create
from tiptracker.improvement.tests.factories import MeasureFactory, MeasureValueFactory
from tiptracker.lib.dates import month_end, months_after
from tiptracker.lib.levels import Level
from tiptracker.lived.tests.factories import coordinator, interest
from tiptracker.lived.tests.unlock import unlocked_client
from tiptracker.network.tests.factories import NetworkActivityFactory, NetworkMemberFactory
from tiptracker.partnerships.models import Organisation
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.plan.models import ProgressUpdate
from tiptracker.plan.tests.factories import ActionFactory, PhaseFactory, PriorityFactory
from tiptracker.reporting.consultations import consultation_add
from tiptracker.reporting.lifecycle import report_create
from tiptracker.resources.tests.factories import ResourceFactory
from tiptracker.training.models import Booking, Guest, TrainingSession
from tiptracker.training.tests.factories import (
    BookingFactory,
    CompletionFactory,
    CourseFactory,
    InvitationFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

# 102 operations x 25 examples: about 2,500 requests (and the probes some checks send).
EXAMPLES_PER_OPERATION = 25
SEED = 14  # a fixed seed: the same requests on every run, on both databases


@pytest.fixture
def requests_share_the_test_transaction():
    """Django closes the connection around each request, which would end the test's
    transaction mid-test; its own test client switches that off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def demo(partnership, persona):
    """A small partnership shaped like the demo: a council, an NHS board, an HSCP and a
    third-sector partner; teams with needs; courses at every level; past, future, full and
    cancelled sessions; booked, waiting and cancelled bookings; completions in 2021-22."""
    kinds = [
        Organisation.Kind.COUNCIL,
        Organisation.Kind.NHS_BOARD,
        Organisation.Kind.HSCP,
        Organisation.Kind.THIRD_SECTOR,
    ]
    organisations = [OrganisationFactory(partnership=partnership, kind=kind) for kind in kinds]
    teams = [
        TeamFactory(partnership=partnership, organisation=org, required_level=level)
        for org in organisations
        for level in (None, Level.SKILLED)
    ]
    staff = [
        StaffMemberFactory(team=teams[i % len(teams)], job_title="Support worker")
        for i in range(24)
    ]
    staff[0].required_level = Level.SPECIALIST
    staff[0].leaving_date = dt.date(2022, 3, 31)
    staff[0].save()
    courses = [CourseFactory(partnership=partnership, level=level) for level in Level]
    now = timezone.now()
    sessions = [
        TrainingSessionFactory(
            course=courses[0], capacity=2, starts_at=now + dt.timedelta(days=10)
        ),
        TrainingSessionFactory(
            course=courses[1], capacity=20, starts_at=now - dt.timedelta(days=100)
        ),
        TrainingSessionFactory(
            course=courses[2], capacity=5, status=TrainingSession.Status.CANCELLED
        ),
    ]
    statuses = [
        Booking.Status.BOOKED,
        Booking.Status.BOOKED,
        Booking.Status.WAITLISTED,
        Booking.Status.CANCELLED,
    ]
    for person, status in zip(staff, statuses, strict=False):
        BookingFactory(session=sessions[0], staff=person, status=status)
    BookingFactory(session=sessions[1], staff=staff[5], attendance=Booking.Attendance.ATTENDED)
    # A briefing's guests: invited, accepted, declined.
    for status in (Booking.Status.INVITED, Booking.Status.BOOKED, Booking.Status.DECLINED):
        InvitationFactory(session=sessions[0], status=status)
    for i, person in enumerate(staff[:16]):
        CompletionFactory(
            staff=person,
            course=courses[i % 4],
            completed_on=dt.date(2021, 1, 1) + dt.timedelta(days=40 * i),
        )
    resource = ResourceFactory(partnership=partnership, kind="manager-toolkit", level=1)
    ambassador = NetworkMemberFactory(team=teams[0], person=staff[0])
    NetworkMemberFactory(team=teams[1], to_date=dt.date(2023, 1, 1))
    activity = NetworkActivityFactory(member=ambassador)
    allocation = AllocationFactory(partnership=partnership)
    commitment = CommitmentFactory(partnership=partnership, allocation=allocation)
    CommitmentFactory(partnership=partnership, allocation=None, financial_year="2030/31")
    engagement = EngagementFactory(partnership=partnership)
    action = ActionFactory(
        partnership=partnership,
        phase=PhaseFactory(partnership=partnership),
        priority=PriorityFactory(partnership=partnership),
    )
    action.courses.add(courses[0])
    ProgressUpdate.objects.create(
        partnership=partnership,
        action=action,
        written_on=dt.date(2022, 5, 1),
        text="Going well",
        author_name="Someone",
    )
    admin = persona("admin", staff=staff[1])
    surveys = surveys_starter_set(actor=admin.user, partnership_id=partnership.id)
    # The lived-experience route answers the administrator 404 on every path (coordinators
    # only); a real record makes sure that is so for a record that exists.
    lived_coordinator = coordinator(partnership)
    lived_record = interest(lived_coordinator)
    report = report_create(actor=admin, start=dt.date(2022, 1, 1), end=dt.date(2022, 6, 30))
    consultation = consultation_add(
        actor=admin, report=report, consultee="Staff forum", consulted_on=dt.date(2022, 5, 1)
    )
    improvement = _improvement_project(partnership, admin, teams[0], organisations[0])
    # Its indicators shared, so that the comparison answers with figures.
    partnership.shares_indicators = True
    partnership.save(update_fields=["shares_indicators"])
    return {
        "admin": admin,
        "coordinator": _unlocked_session(lived_coordinator),
        "ids": {
            "staff": staff[3].pk,
            "courses": courses[1].pk,
            "sessions": sessions[0].pk,
            "bookings": Booking.objects.filter(partnership=partnership).first().pk,
            "guests": Guest.objects.filter(partnership=partnership).first().pk,
            "resources": resource.pk,
            "members": ambassador.pk,
            "activities": activity.pk,
            "allocations": allocation.pk,
            "commitments": commitment.pk,
            "engagements": engagement.pk,
            "actions": action.pk,
            "phases": action.phase_id,
            "priorities": action.priority_id,
            "surveys": surveys[-1].pk,
            "records": lived_record.pk,
            "reports": report.pk,
            "invitations": Booking.objects.filter(
                partnership=partnership, status=Booking.Status.INVITED
            )
            .first()
            .pk,
            **improvement,
        },
        "consultation": consultation.pk,
    }


def _improvement_project(partnership, admin, team, organisation) -> dict:
    """A test of change with a driver diagram, a tested idea and a measure of 14 months."""
    project = project_create(
        actor=admin.user,
        partnership_id=partnership.id,
        title="First appointments",
        aim_what="More young people attend",
        aim_for_whom="Young people",
        aim_how_much="From 55% to 80%",
        aim_by=dt.date(2023, 3, 31),
        status="testing",
        starts_on=dt.date(2021, 1, 1),
        members=[admin],
        organisations=[organisation],
        teams=[team],
    )
    primary = driver_add(actor=admin.user, project=project, kind="primary", title="Welcome")
    secondary = driver_add(
        actor=admin.user, project=project, kind="secondary", title="Choice", parent=primary
    )
    idea = change_idea_add(
        actor=admin.user,
        project=project,
        title="Text reminder",
        description="",
        drivers=[secondary],
    )
    cycle = cycle_create(
        actor=admin.user,
        idea=idea,
        title="One week of texts",
        starts_on=dt.date(2021, 6, 1),
        question="Do more come?",
        prediction="Yes",
    )
    measure = MeasureFactory(project=project)
    values = [
        MeasureValueFactory(
            measure=measure, on=month_end(months_after(dt.date(2021, 1, 1), m)), value=v
        )
        for m, v in enumerate([50, 52, 49, 55, 51, 53, 60, 62, 61, 64, 63, 66, 65, 67])
    ]
    return {
        "projects": project.pk,
        "drivers": secondary.pk,
        "ideas": idea.pk,
        "cycles": cycle.pk,
        "measures": measure.pk,
        "values": values[-1].pk,
    }


def _unlocked_session(membership) -> dict:
    """Headers for a coordinator's browser session with the workspace open (the route refuses
    tokens), with the CSRF token a browser would send on writes."""
    names = django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME
    session = unlocked_client(membership).cookies[names[0]].value
    csrf = _get_new_csrf_string()
    return {
        "Cookie": f"{names[0]}={session}; {names[1]}={csrf}",
        "X-CSRFToken": csrf,
    }


def _fixed(operation, slug: str, demo: dict) -> dict:
    """Path values pointing at real rows, so that generated requests reach real data."""
    names = {p.name for p in operation.path_parameters}
    fixed = {"slug": slug} if "slug" in names else {}
    if "id" in names:
        fixed["id"] = next(
            value for kind, value in demo["ids"].items() if f"/{kind}/{{id}}/" in operation.path
        )
    if "consultation_pk" in names:
        fixed["consultation_pk"] = demo["consultation"]
    if "number" in names:
        fixed["number"] = "4.2"  # a section with words of its own
    return fixed


def _every_check() -> list:
    """Every response check schemathesis registers (the CLI's `--checks all`)."""
    load_all_checks()
    return [check for check in CHECKS.get_all() if not is_check_class(check)]


def _fuzz(strategy, *, headers: dict, checks: list) -> None:
    @seed(SEED)
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(headers=headers, checks=checks)

    check()


def test_every_operation_answers_as_its_schema_says(
    demo, partnership, requests_share_the_test_transaction
):
    app = WSGIHandler()
    _token, key = api_token_create(user=demo["admin"].user, name="schemathesis")
    token = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=token)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every operation the URLs serve (the authorization policy lists each one).
    assert len(operations) == sum(
        len(methods)
        for name, methods in POLICY.items()
        if name.startswith("api_") and name not in ("api_schema", "api_docs")
    )
    assert {op.method.upper() for op in operations} == {"GET", "POST", "PUT", "PATCH", "DELETE"}
    checks = _every_check()
    assert {check.__name__ for check in checks} == set(CHECKS.get_all_names())
    # Deletes last, so that the other operations find the rows they point at.
    operations.sort(key=lambda op: op.method.upper() == "DELETE")

    failures = []
    for operation in operations:
        fixed = _fixed(operation, partnership.slug, demo)
        headers = demo["coordinator"] if "/lived/" in operation.path else token
        strategy = st.one_of(
            # Mostly real rows with generated queries and bodies; some entirely generated
            # paths (unknown slugs and ids); and some requests that break the schema.
            operation.as_strategy(path_parameters=fixed),
            operation.as_strategy(path_parameters={k: v for k, v in fixed.items() if k == "slug"}),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, path_parameters=fixed),
        )

        try:
            _fuzz(strategy, headers=headers, checks=checks)
        except BaseExceptionGroup as failure:  # every operation's problems, reported together
            failures.append(f"{operation.label}:\n{failure}")
    assert not failures, "\n\n".join(failures)
