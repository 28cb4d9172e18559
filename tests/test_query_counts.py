"""Every list page and API list costs the same number of queries at 10 rows and at 1,000.

The rows are written in bulk so the test stays quick; the pages and API are then asked for
their first page as an administrator and as a manager (whose lists are scoped to teams).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tiptracker.accounts.tests.helpers import signed_in
from tiptracker.imports.models import ImportRun
from tiptracker.lib.sql import refresh_planner_statistics
from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.partnerships.models import Membership, Organisation, Role
from tiptracker.partnerships.tests.factories import MembershipFactory, UserFactory
from tiptracker.resources.models import Resource, ResourceFile
from tiptracker.training.models import Booking, Completion, Course, TrainingSession
from tiptracker.training.snapshots import coverage_snapshots_rebuild
from tiptracker.workforce.models import StaffMember, Team

SMALL, LARGE = 10, 1000


def grow(partnership, team, course, session, past, size: int) -> None:
    """Bring every listed kind of row up to `size`, in bulk."""
    start = StaffMember.objects.filter(partnership=partnership).count()
    staff = StaffMember.objects.bulk_create(
        StaffMember(
            partnership=partnership,
            organisation=team.organisation,
            team=team,
            staff_id=f"Q{n:05d}",
            first_name="Pat",
            last_name=f"Person{n}",
        )
        for n in range(start, size)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(partnership=partnership, name=f"Grown organisation {n}")
        for n in range(Organisation.objects.filter(partnership=partnership).count(), size)
    )
    Team.objects.bulk_create(
        Team(
            partnership=partnership,
            organisation=organisations[0] if organisations else team.organisation,
            name=f"Grown team {n}",
        )
        for n in range(Team.objects.filter(partnership=partnership).count(), size)
    )
    Course.objects.bulk_create(
        Course(partnership=partnership, code=f"QC{n}", title=f"Course {n}", level=1)
        for n in range(Course.objects.filter(partnership=partnership).count(), size)
    )
    soon = timezone.now() + dt.timedelta(days=3)
    TrainingSession.objects.bulk_create(
        TrainingSession(
            partnership=partnership,
            course=course,
            starts_at=soon,
            ends_at=soon + dt.timedelta(hours=1),
            capacity=5000,
            venue="Hall",
        )
        for _ in range(TrainingSession.objects.filter(partnership=partnership).count(), size)
    )
    Booking.objects.bulk_create(
        Booking(partnership=partnership, session=target, staff=person, status=Booking.Status.BOOKED)
        for person in staff
        for target in (session, past)
    )
    Completion.objects.bulk_create(
        Completion(
            partnership=partnership, staff=person, course=course, completed_on=dt.date(2022, 1, 1)
        )
        for person in staff
    )
    ImportRun.objects.bulk_create(
        ImportRun(
            partnership=partnership,
            kind="staff",
            filename=f"f{n}.csv",
            status=ImportRun.Status.DONE,
        )
        for n in range(ImportRun.objects.filter(partnership=partnership).count(), size)
    )
    Membership.objects.bulk_create(
        Membership(
            partnership=partnership, user=UserFactory(username=f"q{n}@example.org"), role=Role.STAFF
        )
        for n in range(Membership.objects.filter(partnership=partnership).count(), min(size, 60))
    )
    grow_invitations(partnership, size)
    grow_plan(partnership, course, session, size)
    grow_guests(partnership, session, past, size)
    grow_funding_and_engagement(partnership, size)
    grow_my_training(partnership, team, course, size)
    Resource.objects.bulk_create(
        Resource(
            partnership=partnership, title=f"Resource {n}", kind="guidance", audience="managers"
        )
        for n in range(Resource.objects.filter(partnership=partnership).count(), size)
    )
    # Every resource with a file: the lists show its type and size, never load its bytes.
    ResourceFile.objects.bulk_create(
        ResourceFile(resource=r, name="r.txt", content_type="text/plain", size=2, data=b"hi")
        for r in Resource.objects.filter(partnership=partnership, file__isnull=True)
    )
    grown_teams = list(Team.objects.filter(partnership=partnership).order_by("id")[:size])
    network_members = NetworkMember.objects.bulk_create(
        NetworkMember(
            partnership=partnership,
            kind="ambassador",
            name=f"Ambassador {n}",
            organisation=grown_teams[n % len(grown_teams)].organisation,
            team=grown_teams[n % len(grown_teams)],
            from_date=dt.date(2022, 11, 1),
            to_date=None if n % 2 else dt.date(2023, 1, 1),
        )
        for n in range(NetworkMember.objects.filter(partnership=partnership).count(), size)
    )
    NetworkActivity.objects.bulk_create(
        NetworkActivity(
            partnership=partnership,
            member=m,
            date=dt.date(2023, 1, 5),
            kind="meeting",
            summary="Met",
        )
        for m in network_members
    )
    # As an import does after a large write: PostgreSQL's planner must know the new sizes.
    refresh_planner_statistics(
        [
            m._meta.db_table
            for m in (StaffMember, Team, Course, TrainingSession, Booking, Completion)
        ]
    )
    coverage_snapshots_rebuild(partnership_id=partnership.id)


def grow_my_training(partnership, team, course, size: int) -> None:
    """For the administrator's own staff record: completions, bookings, claims (some with a
    file) and surveys waiting; and a claim waiting from every other member of staff."""
    from tiptracker.feedback.models import Invitation, Survey
    from tiptracker.training.models import ClaimEvidence, LearningClaim

    me = StaffMember.objects.get(partnership=partnership, staff_id="ME")
    courses = list(Course.objects.filter(partnership=partnership).order_by("id")[:size])
    Completion.objects.bulk_create(
        [
            Completion(
                partnership=partnership,
                staff=me,
                course=c,
                completed_on=dt.date(2021, 1, 1),
                source=Completion.Source.CLAIM if n % 2 else Completion.Source.IMPORT,
            )
            for n, c in enumerate(courses)
        ],
        ignore_conflicts=True,
    )
    soon = timezone.now() + dt.timedelta(days=5)
    start = Booking.objects.filter(staff=me).count()
    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(
            partnership=partnership,
            course=courses[n % len(courses)],
            starts_at=soon + dt.timedelta(hours=n) * (1 if n % 2 else -30),
            ends_at=soon + dt.timedelta(hours=n) * (1 if n % 2 else -30) + dt.timedelta(hours=1),
            capacity=1 if n % 3 else 5,
        )
        for n in range(start, size)
    )
    Booking.objects.bulk_create(
        Booking(
            partnership=partnership,
            session=target,
            staff=me,
            status=Booking.Status.WAITLISTED if n % 3 else Booking.Status.BOOKED,
        )
        for n, target in enumerate(sessions)
    )
    start = LearningClaim.objects.filter(partnership=partnership).count()
    others = list(StaffMember.objects.filter(partnership=partnership).order_by("id")[:size])
    claims = LearningClaim.objects.bulk_create(
        LearningClaim(
            partnership=partnership,
            staff=me if n % 2 else others[n % len(others)],
            course=courses[n % len(courses)],
            completed_on=dt.date(2022, 2, 2),
            evidence_note="Certificate",
            status=LearningClaim.Status.REJECTED if n % 5 == 1 else LearningClaim.Status.PENDING,
        )
        for n in range(start, size)
    )
    ClaimEvidence.objects.bulk_create(
        ClaimEvidence(claim=c, name="c.pdf", content_type="application/pdf", size=5, data=b"%PDF-")
        for c in claims[::2]
    )
    survey = Survey.objects.filter(partnership=partnership).first()
    if survey is None:
        from tiptracker.feedback.tests.factories import SurveyFactory

        survey = SurveyFactory(partnership=partnership)
    today = dt.date.today()
    Invitation.objects.bulk_create(
        [
            Invitation(
                partnership=partnership,
                staff=me,
                course=c,
                timepoint="reaction",
                survey=survey,
                completed_on=today,
                opens_on=today,
                expires_on=today + dt.timedelta(days=20),
                nonce=f"n{n}",
                status="sent",
            )
            for n, c in enumerate(courses)
        ],
        ignore_conflicts=True,
    )


def grow_invitations(partnership, size: int) -> None:
    """Invitations in every state, some sent by an administrator."""
    from tiptracker.accounts.models import AccountInvitation

    now = timezone.now()
    start = AccountInvitation.objects.filter(partnership=partnership).count()
    inviter = UserFactory(username="inviter@example.org")
    AccountInvitation.objects.bulk_create(
        AccountInvitation(
            partnership=partnership,
            email=f"i{n}@example.org",
            role=Role.STAFF,
            invited_by=inviter if n % 2 else None,
            sent_at=None if n % 4 == 0 else now - dt.timedelta(days=n % 10),
            expires_at=None if n % 4 == 0 else now + dt.timedelta(days=7 - n % 10),
            accepted_at=now if n % 4 == 1 else None,
        )
        for n in range(start, size)
    )


def grow_funding_and_engagement(partnership, size: int) -> None:
    """Allocations and commitments over the same three years at any size (some commitments
    against no allocation), and engagement records."""
    from decimal import Decimal

    from tiptracker.engagement.models import Engagement
    from tiptracker.funding.models import Allocation, Commitment

    years = ["2021/22", "2022/23", "2023/24"]
    allocations = Allocation.objects.bulk_create(
        Allocation(
            partnership=partnership,
            source=f"Source {n}",
            financial_year=years[n % 3],
            amount=Decimal("1000.00"),
        )
        for n in range(Allocation.objects.filter(partnership=partnership).count(), size)
    )
    Commitment.objects.bulk_create(
        Commitment(
            partnership=partnership,
            allocation=allocation if n % 2 else None,
            financial_year=allocation.financial_year,
            what=f"Work {n}",
            amount=Decimal("600.50"),
            starts_on=dt.date(2022, 1, 1),
            ends_on=dt.date(2022, 12, 31),
        )
        for n, allocation in enumerate(allocations)
    )
    Engagement.objects.bulk_create(
        Engagement(
            partnership=partnership,
            date=dt.date(2021, 1, 1) + dt.timedelta(days=n),
            body=f"Body {n}",
            body_kind=Engagement.BodyKind.OTHER,
            kind=Engagement.Kind.values[n % len(Engagement.Kind.values)],
            represented_by="Someone",
            summary="Went",
        )
        for n in range(Engagement.objects.filter(partnership=partnership).count(), size)
    )


def grow_guests(partnership, session, past, size: int) -> None:
    """Briefing guests, invited to the session (some accepted, some declined) and booked on
    the past one, so the invitation, session and attendance pages list guests too."""
    from tiptracker.training.models import Guest

    start = Guest.objects.filter(partnership=partnership).count()
    guests = Guest.objects.bulk_create(
        Guest(partnership=partnership, name=f"Guest {n}", email=f"g{n}@example.org", kind="other")
        for n in range(start, size)
    )
    replies = [Booking.Status.INVITED, Booking.Status.BOOKED, Booking.Status.DECLINED]
    Booking.objects.bulk_create(
        [
            Booking(partnership=partnership, session=session, guest=guest, status=replies[n % 3])
            for n, guest in enumerate(guests)
            if n % 4  # every fourth is not invited: the page offers them
        ]
        + [
            Booking(partnership=partnership, session=past, guest=guest, status="booked")
            for guest in guests
        ]
    )
    # As many briefings as rows, to come and past: every session gets a guest invited.
    now = timezone.now()
    TrainingSession.objects.bulk_create(
        TrainingSession(
            partnership=partnership,
            course=past.course,
            starts_at=now - dt.timedelta(days=3 + n),
            ends_at=now - dt.timedelta(days=3 + n) + dt.timedelta(hours=1),
            capacity=50,
        )
        for n in range(
            TrainingSession.objects.filter(partnership=partnership, starts_at__lt=now).count(),
            size,
        )
    )
    everyone = list(Guest.objects.filter(partnership=partnership).order_by("id"))
    uninvited = TrainingSession.objects.filter(partnership=partnership).exclude(
        bookings__guest__isnull=False
    )
    Booking.objects.bulk_create(
        Booking(
            partnership=partnership,
            session=briefing,
            guest=everyone[n % len(everyone)],
            status=replies[n % 3],
        )
        for n, briefing in enumerate(uninvited)
    )


def grow_plan(partnership, course, session, size: int) -> None:
    """Actions (each with evidence and an update), and as many changes in the history."""
    from tiptracker.plan.models import Action, Phase, PlanChange, Priority, ProgressUpdate

    phase, _ = Phase.objects.get_or_create(partnership=partnership, number=1, title="One")
    priority, _ = Priority.objects.get_or_create(
        partnership=partnership, financial_year="2022/23", number=1, title="First"
    )
    owner = Membership.objects.filter(partnership=partnership).first()
    actions = Action.objects.bulk_create(
        Action(
            partnership=partnership,
            phase=phase if n % 2 else None,
            priority=priority,
            owner=owner if n % 3 else None,
            owner_group="" if n % 3 else "Steering group",
            title=f"Action {n}",
            due_date=dt.date(2022, 1, 1) + dt.timedelta(days=n),
        )
        for n in range(Action.objects.filter(partnership=partnership).count(), size)
    )
    for action in actions:
        action.courses.add(course)
        action.sessions.add(session)
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            partnership=partnership,
            action=action,
            written_on=dt.date(2022, 5, 1),
            text="Going well",
            author_name="Someone",
        )
        for action in actions
    )
    PlanChange.objects.bulk_create(
        PlanChange(
            partnership=partnership,
            at=timezone.now() - dt.timedelta(days=1),
            actor_name="Someone",
            entity="action",
            entity_id=action.pk,
            verb="created",
            title=action.title,
            changes=[["Title", "", action.title]],
            state={"title": action.title, "phase_id": action.phase_id, "status": "on_track"},
        )
        for action in actions
    )


PAGES = [
    "",
    "workspace/",
    "feedback/surveys/",
    "feedback/results/",
    "feedback/impact/",
    "plan/",
    "plan/history/",
    "plan/as-of/?{today}",
    "plan/actions/{action}/",
    "staff/",
    "needs/",
    "coverage/outstanding/?level=informed",
    "courses/",
    "sessions/",
    "sessions/?when=past",
    "bookings/",
    "imports/",
    "members/",
    "members/invitations/",
    "members/invitations/?status=invited",
    "members/invite-staff/?who=all",
    "sessions/{session}/",
    # The search for people to book: the grown staff are all called Pat (50 are listed).
    "sessions/{session}/?q=pat",
    "sessions/{session}/?q=Pat+Person",
    "sessions/{past}/attendance/",
    "resources/",
    "resources/toolkit/",
    "network/",
    "network/?when=past",
    "network/coverage/?show=all",
    "network/coverage/",
    "guests/",
    "briefings/",
    "briefings/?when=past",
    "sessions/{session}/invitations/",
    "courses/{course}/",
    "my-training/",
    "claims/",
    "funding/",
    "engagement/",
    "engagement/?from=2021-01-01&to=2023-12-31",
]
API = [
    "",
    "feedback/impact/",
    "organisations/",
    "teams/",
    "staff/",
    "courses/",
    "sessions/",
    "bookings/",
    "completions/",
    "resources/",
    "network/members/",
    "network/activities/",
    "network/summary/",
    "guests/",
    "sessions/{session}/invitations/",
    "funding/allocations/",
    "funding/commitments/",
    "funding/summary/",
    "engagements/",
    "feedback/surveys/",
]


@pytest.fixture
def setting(partnership, team):
    course = Course.objects.create(
        partnership=partnership, code="Q", title="Opening Doors", level=1
    )
    now = timezone.now()
    session = TrainingSession.objects.create(
        partnership=partnership,
        course=course,
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=1),
        capacity=5000,
    )
    past = TrainingSession.objects.create(
        partnership=partnership,
        course=course,
        starts_at=now - dt.timedelta(days=2),
        ends_at=now - dt.timedelta(days=2) + dt.timedelta(hours=1),
        capacity=5000,
    )
    # The administrator has a staff record of their own: My training lists what it holds.
    me = StaffMember.objects.create(
        partnership=partnership,
        organisation=team.organisation,
        team=team,
        staff_id="ME",
        first_name="Alex",
        last_name="Admin",
    )
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN, staff=me)
    manager = MembershipFactory(partnership=partnership, role=Role.MANAGER)
    manager.managed_teams.create(partnership=partnership, team=team)
    return {"course": course, "session": session, "past": past, "admin": admin, "manager": manager}


def count(membership, url: str) -> int | None:
    """Queries for one request, or None where the role is refused the page."""
    client = signed_in(membership.user)
    client.get(url)  # first request: the session row and caches settle
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code == 403:
        return None
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _first_action() -> int:
    from tiptracker.plan.models import Action

    return Action.objects.order_by("pk").values_list("pk", flat=True).first() or 0


def urls(partnership, setting) -> list[str]:
    today = dt.date.today()
    pages = [
        f"/p/{partnership.slug}/"
        + p.format(
            session=setting["session"].pk,
            past=setting["past"].pk,
            action=_first_action(),
            course=setting["course"].pk,
            today=f"on_0={today.day}&on_1={today.month}&on_2={today.year}",
        )
        for p in PAGES
    ]
    api = ["/api/partnerships/"] + [
        f"/api/partnerships/{partnership.slug}/" + p.format(session=setting["session"].pk)
        for p in API
        if p
    ]
    return pages + api


def test_every_list_costs_the_same_queries_at_10_rows_and_at_1000(partnership, team, setting):
    grow(partnership, team, setting["course"], setting["session"], setting["past"], SMALL)
    small = {
        (role, url): count(setting[role], url)
        for role in ("admin", "manager")
        for url in urls(partnership, setting)
    }
    grow(partnership, team, setting["course"], setting["session"], setting["past"], LARGE)
    assert StaffMember.objects.filter(partnership=partnership).count() == LARGE
    large = {
        (role, url): count(setting[role], url)
        for role in ("admin", "manager")
        for url in urls(partnership, setting)
    }
    assert all(small[("admin", url)] is not None for url in urls(partnership, setting))
    grew = {key: (small[key], large[key]) for key in small if small[key] != large[key]}
    assert not grew, f"query counts that grew with the rows (10 rows, 1,000 rows): {grew}"
