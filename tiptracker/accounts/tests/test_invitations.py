"""Invitations instead of passwords on screen: an administrator invites one person or many,
each gets an e-mailed single-use link valid 7 days to choose a password; resend, revoke, and
the members pages show who is invited, has accepted or whose link expired. E-mails are read
back from Django's outbox and their links followed."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from tiptracker.accounts.invitations import (
    invitation_create,
    invitations_create_for_staff,
    invitations_send_due,
)
from tiptracker.accounts.models import AccountInvitation
from tiptracker.partnerships.models import Membership, Role
from tiptracker.partnerships.tests.factories import MembershipFactory
from tiptracker.workforce.models import StaffMember
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

NEW_PASSWORD = "plum orchard lantern 42"


def members_url(partnership, rest=""):
    return f"/p/{partnership.slug}/members/{rest}"


def link_in(message) -> str:
    return re.search(r"http://\S+(/invitations/\S+/)", message.body)[1]


def invite(client, partnership, email, role="staff", capture=None):
    with capture(execute=True):
        return client.post(members_url(partnership), {"email": email, "role": role}, follow=True)


def test_an_administrator_invites_someone_who_chooses_a_password_and_signs_in(
    admin, login, partnership, django_capture_on_commit_callbacks
):
    page = invite(
        login(admin),
        partnership,
        "Pat.Doe@Example.org",
        "manager",
        django_capture_on_commit_callbacks,
    )
    assert "An invitation to join as manager has been e-mailed to pat.doe@example.org" in (
        page.content.decode()
    )
    assert "password" not in page.content.decode().split("An invitation")[1].split(".")[0]
    (message,) = mail.outbox
    assert message.to == ["pat.doe@example.org"]
    assert f"for {partnership.name}" in message.subject
    assert "as manager" in message.body
    link = link_in(message)
    assert link in message.alternatives[0][0]  # the HTML version links to it too
    assert not get_user_model().objects.filter(username="pat.doe@example.org").exists()

    visitor = Client()
    form = visitor.get(link).content.decode()
    assert "Choose a password" in form and "pat.doe@example.org" in form
    done = visitor.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    assert "Your account is ready" in done.content.decode()
    membership = Membership.objects.get(user__username="pat.doe@example.org")
    assert (membership.partnership, membership.role) == (partnership, Role.MANAGER)
    assert membership.user.check_password(NEW_PASSWORD)
    # Single use: the same link again is refused kindly, and changes nothing.
    again = Client().get(link)
    assert again.status_code == 404 and "used already" in again.content.decode()


def test_a_weak_or_mismatched_password_is_refused_and_nothing_is_created(
    partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(partnership=partnership, email="sam@example.org", role=Role.STAFF)
    link = link_in(mail.outbox[0])
    short = Client().post(link, {"password1": "short", "password2": "short"})
    assert short.status_code == 200 and "This password is too short" in short.content.decode()
    mismatch = Client().post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert "The two passwords do not match" in mismatch.content.decode()
    assert not get_user_model().objects.filter(username="sam@example.org").exists()
    assert Client().get(link).status_code == 200  # the link still works


def test_someone_with_an_account_takes_up_the_role_without_a_new_password(
    partnership, other_partnership, persona, django_capture_on_commit_callbacks
):
    elsewhere = persona(Role.ADMIN, of=other_partnership)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(partnership=partnership, email=elsewhere.user.email, role=Role.BOARD)
    link = link_in(mail.outbox[0])
    page = Client().get(link).content.decode()
    assert "You already have a TIP Tracker account" in page and "Choose a password" not in page
    Client().post(link)
    assert Membership.objects.get(partnership=partnership, user=elsewhere.user).role == Role.BOARD
    assert elsewhere.user.check_password("correct horse battery staple")


def test_inviting_a_member_is_refused_on_the_field(admin, login, partnership, member):
    page = login(admin).post(
        members_url(partnership), {"email": member.user.email, "role": "staff"}
    )
    assert "is already a member" in page.content.decode()
    assert not AccountInvitation.objects.exists() and not mail.outbox


def test_inviting_again_resends_with_a_new_link_and_the_old_one_stops_working(
    admin, login, partnership, django_capture_on_commit_callbacks
):
    client = login(admin)
    invite(client, partnership, "sam@example.org", "staff", django_capture_on_commit_callbacks)
    page = invite(
        client, partnership, "sam@example.org", "staff", django_capture_on_commit_callbacks
    )
    assert "had been invited already" in page.content.decode()
    first, second = (link_in(m) for m in mail.outbox)
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    assert AccountInvitation.objects.count() == 1


def test_an_expired_link_is_refused_and_resending_gives_a_working_one(
    admin, login, partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invited = invitation_create(partnership=partnership, email="sam@example.org", role="staff")
    link = link_in(mail.outbox[0])
    AccountInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    refused = Client().get(link)
    assert refused.status_code == 404 and "expired 7 days after" in refused.content.decode()
    listing = login(admin).get(members_url(partnership, "invitations/?status=expired"))
    assert "sam@example.org" in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        login(admin).post(
            members_url(partnership, f"invitations/{invited.invitation.pk}/resend/"), follow=True
        )
    fresh = link_in(mail.outbox[-1])
    assert Client().get(fresh).status_code == 200
    expires = AccountInvitation.objects.get().expires_at
    assert dt.timedelta(days=6, hours=23) < expires - timezone.now() <= dt.timedelta(days=7)


def test_a_revoked_invitation_cannot_be_used(
    admin, login, partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invited = invitation_create(partnership=partnership, email="sam@example.org", role="staff")
    link = link_in(mail.outbox[0])
    page = login(admin).post(
        members_url(partnership, f"invitations/{invited.invitation.pk}/revoke/"), follow=True
    )
    assert "its link no longer works" in page.content.decode()
    assert Client().get(link).status_code == 404
    assert (
        Client().post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code
        == 404
    )
    assert not get_user_model().objects.filter(username="sam@example.org").exists()


def test_another_partnerships_invitation_is_not_found(
    outsider, login, partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invited = invitation_create(partnership=partnership, email="sam@example.org", role="staff")
    other = outsider.partnership
    for action in ("resend", "revoke"):
        response = login(outsider).post(
            f"/p/{other.slug}/members/invitations/{invited.invitation.pk}/{action}/"
        )
        assert response.status_code == 404
    assert AccountInvitation.objects.get().revoked_at is None


@pytest.fixture
def workforce(partnership):
    """Two teams: one person with an account already, one with no e-mail, two who share an
    address, and three to invite."""
    housing = TeamFactory(partnership=partnership, name="Housing Options")
    nursing = TeamFactory(partnership=partnership, name="District Nursing")
    people = [StaffMemberFactory(team=housing, email=f"h{n}@example.org") for n in range(2)]
    people.append(StaffMemberFactory(team=nursing, email="n0@example.org"))
    StaffMemberFactory(team=nursing, email="")
    StaffMemberFactory(team=nursing, email="shared@example.org")
    StaffMemberFactory(team=nursing, email="SHARED@example.org")
    has_account = StaffMemberFactory(team=nursing, email="has@example.org")
    MembershipFactory(partnership=partnership, user__username="has@example.org")
    return {"housing": housing, "nursing": nursing, "people": people, "has": has_account}


def test_inviting_all_staff_asks_first_then_queues_one_each_and_the_worker_sends_them(
    admin, login, partnership, workforce
):
    client = login(admin)
    preview = client.get(members_url(partnership, "invite-staff/"), {"who": "all"})
    assert "<strong>4</strong> people in all staff will be invited" in preview.content.decode()
    assert not AccountInvitation.objects.exists()
    done = client.post(
        members_url(partnership, "invite-staff/"), {"who": "all", "confirm": "1"}, follow=True
    )
    assert "4 invitations to all staff are being sent" in done.content.decode()
    assert sorted(AccountInvitation.objects.values_list("email", flat=True)) == [
        "h0@example.org",
        "h1@example.org",
        "n0@example.org",
        "shared@example.org",
    ]
    queued = client.get(members_url(partnership, "invitations/?status=queued")).content.decode()
    assert queued.count("Waiting to be sent") >= 4
    assert invitations_send_due() == 4
    assert sorted(m.to[0] for m in mail.outbox) == [
        "h0@example.org",
        "h1@example.org",
        "n0@example.org",
        "shared@example.org",
    ]
    assert invitations_send_due() == 0  # each is sent once
    # Nobody is invited twice: the same choice again finds no one.
    again = client.get(members_url(partnership, "invite-staff/"), {"who": "all"})
    assert "Nobody in all staff needs an invitation" in again.content.decode()


def test_a_teams_invitations_link_each_new_member_to_their_staff_record(
    admin, login, partnership, workforce
):
    team = workforce["housing"]
    login(admin).post(
        members_url(partnership, "invite-staff/"), {"who": f"team-{team.pk}", "confirm": "1"}
    )
    assert AccountInvitation.objects.count() == 2
    invitations_send_due()
    message = next(m for m in mail.outbox if m.to == ["h0@example.org"])
    Client().post(link_in(message), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    membership = Membership.objects.get(user__username="h0@example.org")
    assert membership.role == Role.STAFF
    assert membership.staff == StaffMember.objects.get(email="h0@example.org")
    accepted = login(admin).get(members_url(partnership, "invitations/?status=accepted"))
    assert "h0@example.org" in accepted.content.decode()


def test_bulk_invitations_are_all_or_nothing_and_skip_live_ones(partnership, workforce):
    invitation_create(partnership=partnership, email="h0@example.org", role=Role.MANAGER)
    queued = invitations_create_for_staff(
        partnership=partnership, staff=StaffMember.objects.all(), by=None
    )
    assert queued == 3
    assert AccountInvitation.objects.get(email="h0@example.org").role == Role.MANAGER


def test_the_invitations_page_filters_by_status(admin, login, partnership):
    now = timezone.now()
    for email, sent, expires, accepted in [
        ("queued@example.org", None, None, None),
        ("invited@example.org", now, now + dt.timedelta(days=3), None),
        ("expired@example.org", now - dt.timedelta(days=8), now - dt.timedelta(days=1), None),
        ("accepted@example.org", now, now + dt.timedelta(days=7), now),
    ]:
        AccountInvitation.objects.create(
            partnership=partnership,
            email=email,
            role="staff",
            sent_at=sent,
            expires_at=expires,
            accepted_at=accepted,
        )
    client = login(admin)
    for status in ("queued", "invited", "expired", "accepted"):
        page = client.get(members_url(partnership, f"invitations/?status={status}"))
        found = set(re.findall(r"(\w+)@example.org", page.content.decode()))
        assert found == {status}, status


def test_the_members_page_finds_people_a_page_at_a_time(admin, login, partnership):
    for n in range(60):
        MembershipFactory(partnership=partnership, user__username=f"p{n:02d}@example.org")
    client = login(admin)
    first = client.get(members_url(partnership)).content.decode()
    assert "61 members" in first and "Page 1 of 2" in first
    found = client.get(members_url(partnership), {"q": "p07"}).content.decode()
    assert "1 member matching" in found and "p07@example.org" in found
    assert "p08@example.org" not in found


def test_someone_whose_organisation_signs_them_in_needs_no_password(
    partnership, django_capture_on_commit_callbacks
):
    from tiptracker.sso.tests.factories import IdentityProviderFactory

    IdentityProviderFactory(name="NHS Tayside", domains=["nhs.example"])
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(partnership=partnership, email="ann@nhs.example", role=Role.STAFF)
    (message,) = mail.outbox
    assert "sign in with your organisation's account (NHS Tayside)" in message.body
    assert "choose your password" not in message.body
    link = link_in(message)
    page = Client().get(link).content.decode()
    assert "do not need a TIP Tracker password" in page and "Choose a password" not in page
    done = Client().post(link, follow=True).content.decode()
    assert "you will go to NHS Tayside" in done
    user = get_user_model().objects.get(username="ann@nhs.example")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == Role.STAFF
