"""Fixtures for the whole-site tests: a world with one of everything."""

import datetime as dt

import pytest
from django.utils import timezone

from tiptracker.accounts.invitations import token_hash
from tiptracker.accounts.models import AccountInvitation
from tiptracker.accounts.services import api_token_create
from tiptracker.engagement.tests.factories import EngagementFactory
from tiptracker.feedback.models import Invitation
from tiptracker.feedback.tests.factories import SurveyFactory
from tiptracker.feedback.tokens import invitation_token
from tiptracker.funding.tests.factories import CommitmentFactory
from tiptracker.imports.models import ImportRun
from tiptracker.improvement.cycles import attachment_add, cycle_create
from tiptracker.improvement.drivers import change_idea_add, driver_add
from tiptracker.improvement.models import ProjectMember
from tiptracker.improvement.services import engagement_activity_add
from tiptracker.improvement.tests.factories import (
    MeasureFactory,
    MeasureValueFactory,
    ProjectFactory,
)
from tiptracker.lived.contacts import lived_interest_express
from tiptracker.network.coaching import (
    coaching_group_create,
    coaching_meeting_record,
    coaching_person_add,
)
from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import MembershipFactory, PartnershipFactory
from tiptracker.plan.tests.factories import ActionFactory, PhaseFactory, PriorityFactory
from tiptracker.reporting.consultations import consultation_add
from tiptracker.reporting.lifecycle import report_create
from tiptracker.resources.models import Resource, ResourceFile
from tiptracker.sso.tests.factories import IdentityProviderFactory
from tiptracker.training.models import ClaimEvidence, LearningClaim
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    InvitationFactory,
    TrainingSessionFactory,
)
from tiptracker.training.tokens import reply_token
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


@pytest.fixture
def world(db):
    """One partnership with one of everything, a member of each role, and the same again
    for another partnership."""
    own = PartnershipFactory(slug="own", name="Own")
    other = PartnershipFactory(slug="other", name="Other")
    team = TeamFactory(partnership=own)
    staff = StaffMemberFactory(team=team)
    course = CourseFactory(partnership=own)
    past = TrainingSessionFactory(course=course, starts_at=timezone.now() - dt.timedelta(days=2))
    booking = BookingFactory(session=past, staff=staff)
    # A briefing to come, with a guest invited: its reply link is the public page's key.
    invitation = InvitationFactory(session=TrainingSessionFactory(course=course))
    # The same guest was invited to the past session: their record is kept (no removal).
    InvitationFactory(session=past, guest=invitation.guest, status="booked")
    run = ImportRun.objects.create(
        partnership=own, kind="staff", filename="staff.csv", status=ImportRun.Status.DONE
    )
    resource = Resource.objects.create(
        partnership=own, title="Manager toolkit", kind="manager-toolkit", audience="managers"
    )
    # With a small file, so that its download is checked too.
    ResourceFile.objects.create(
        resource=resource, name="toolkit.txt", content_type="text/plain", size=5, data=b"Hello"
    )
    network_member = NetworkMember.objects.create(
        partnership=own,
        kind="ambassador",
        name="Ambassador",
        organisation=team.organisation,
        team=team,
        from_date=dt.date(2022, 11, 1),
    )
    commitment = CommitmentFactory(allocation__partnership=own)
    engagement = EngagementFactory(partnership=own)
    network_activity = NetworkActivity.objects.create(
        partnership=own,
        member=network_member,
        date=dt.date(2023, 1, 5),
        kind="meeting",
        summary="Met",
    )
    # A coaching pair (the staff persona coaches someone of their team) that has met once.
    coaching_group = coaching_group_create(
        actor=None,
        partnership_id=own.pk,
        kind="coaching",
        name="Coaching pair",
        start_date=dt.date(2023, 1, 9),
    )
    coaching_person = coaching_person_add(
        actor=None, group=coaching_group, person=staff, role="coach"
    )
    coaching_person_add(
        actor=None, group=coaching_group, person=StaffMemberFactory(team=team), role="coachee"
    )
    coaching_meeting = coaching_meeting_record(
        actor=None,
        group=coaching_group,
        on=dt.date(2023, 2, 6),
        attendees=list(coaching_group.people.all()),
        themes=["safety", "reflective-practice"],
    )
    members = {}
    for partnership in (own, other):
        for role in Role:
            membership = MembershipFactory(partnership=partnership, role=role)
            if partnership == own and role == Role.MANAGER:
                membership.managed_teams.create(partnership=own, team=team)
            if partnership == own and role == Role.STAFF:
                membership.staff = staff
                membership.save()
            members[(partnership.slug, role)] = membership
    admin = members[("own", Role.ADMIN)]
    # A survey, and the staff persona's invitation to answer it (its link needs no login).
    survey = SurveyFactory(partnership=own)
    survey_invitation = Invitation.objects.create(
        partnership=own,
        staff=staff,
        course=course,
        timepoint="reaction",
        survey=survey,
        completed_on=dt.date.today(),
        opens_on=dt.date.today(),
        expires_on=dt.date.today() + dt.timedelta(days=28),
        nonce="world-nonce",
        status="sent",
    )
    # The staff persona owns the plan's action: owners update their own actions.
    phase = PhaseFactory(partnership=own)
    priority = PriorityFactory(partnership=own)
    action = ActionFactory(
        partnership=own,
        phase=phase,
        priority=priority,
        owner=members[("own", Role.STAFF)],
        owner_group="",
    )
    token, _key = api_token_create(user=admin.user, name="matrix")
    # Someone invited to join, with their link's token (its page needs no login).
    account_invitation = AccountInvitation.objects.create(
        partnership=own,
        email="invited@example.org",
        role=Role.STAFF,
        token_hash=token_hash("world-invitation"),
        sent_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    # A board report, drafted for the first half of 2022.
    report = report_create(actor=admin, start=dt.date(2022, 1, 1), end=dt.date(2022, 6, 30))
    consultation = consultation_add(
        actor=admin, report=report, consultee="the Clerk", consulted_on=dt.date(2022, 7, 1)
    )
    # Someone on the lived-experience route, at the start, with their private link.
    lived = lived_interest_express(
        actor=members[("own", Role.LE_COORDINATOR)],
        partnership_id=own.pk,
        preferred_name="Robin",
        email="robin@example.org",
    )
    # The staff persona's claim of learning done elsewhere, waiting, with a file as evidence.
    claim = LearningClaim.objects.create(
        partnership=own, staff=staff, course=course, completed_on=dt.date(2023, 5, 1)
    )
    ClaimEvidence.objects.create(
        claim=claim,
        name="certificate.pdf",
        content_type="application/pdf",
        size=9,
        data=b"%PDF-1.4\n",
    )
    # An improvement project whose team is the staff persona, with a measure and a value.
    project = ProjectFactory(partnership=own)
    ProjectMember.objects.create(
        partnership=own, project=project, membership=members[("own", Role.STAFF)]
    )
    measure = MeasureFactory(project=project)
    measure_value = MeasureValueFactory(measure=measure)
    primary = driver_add(actor=admin.user, project=project, kind="primary", title="Leadership")
    secondary = driver_add(
        actor=admin.user, project=project, kind="secondary", title="Champions", parent=primary
    )
    idea = change_idea_add(
        actor=admin.user,
        project=project,
        title="Monthly huddle",
        description="",
        drivers=[secondary],
    )
    cycle = cycle_create(
        actor=admin.user,
        idea=idea,
        title="First huddle",
        starts_on=dt.date(2022, 1, 3),
        question="Will people come?",
        prediction="Half will",
        act="adopt",
        results="Most came",
    )
    consultation_of_review = engagement_activity_add(
        actor=admin.user,
        project=project,
        held_on=dt.date(2022, 2, 1),
        audience="young-people",
        activity="Focus group",
        took_part=8,
        heard="They want to choose where to meet",
        changed="",
    )
    attachment = attachment_add(actor=admin.user, cycle=cycle, name="sheet.pdf", data=b"%PDF-1.4\n")
    # A sign-in provider, for the installation administrator's pages.
    provider = IdentityProviderFactory(domains=["own.example"])
    kwargs = {
        "slug": own.slug,
        "provider_id": provider.pk,
        "staff_pk": staff.pk,
        "course_pk": course.pk,
        "session_pk": past.pk,
        "booking_pk": booking.pk,
        "guest_pk": invitation.guest_id,
        "invitation_pk": invitation.pk,
        "reply_token": reply_token(invitation.pk),
        "import_pk": run.pk,
        "member_id": admin.pk,
        "token_id": token.pk,
        "action_pk": action.pk,
        "survey_pk": survey.pk,
        "token": invitation_token(survey_invitation.pk, survey_invitation.nonce),
        "phase_pk": phase.pk,
        "priority_pk": priority.pk,
        "resource_pk": resource.pk,
        "network_member_pk": network_member.pk,
        "network_activity_pk": network_activity.pk,
        "coaching_group_pk": coaching_group.pk,
        "coaching_person_pk": coaching_person.pk,
        "coaching_meeting_pk": coaching_meeting.pk,
        "allocation_pk": commitment.allocation_id,
        "commitment_pk": commitment.pk,
        "engagement_pk": engagement.pk,
        "record_pk": lived.record.pk,
        "report_pk": report.pk,
        "consultation_pk": consultation.pk,
        "claim_pk": claim.pk,
        "number": "4.2",
        "to": "information_sent",
        "link_token": lived.token,
        "pk": staff.pk,
        "account_invitation_pk": account_invitation.pk,
        "invitation_token": "world-invitation",
        "uidb64": "MQ",
        "project_pk": project.pk,
        "measure_pk": measure.pk,
        "value_pk": measure_value.pk,
        "driver_pk": secondary.pk,
        "idea_pk": idea.pk,
        "cycle_pk": cycle.pk,
        "attachment_pk": attachment.pk,
        "activity_pk": consultation_of_review.pk,
    }
    return {"members": members, "kwargs": kwargs}
