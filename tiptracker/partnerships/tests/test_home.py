"""A person in several partnerships moves between them; each shows only its own data."""

from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import MembershipFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


def test_a_person_in_two_partnerships_sees_both_and_each_shows_its_own_staff(
    admin, login, partnership, other_partnership
):
    MembershipFactory(user=admin.user, partnership=other_partnership, role=Role.BOARD)
    ours = StaffMemberFactory(team=TeamFactory(partnership=partnership, name="Ours"))
    theirs = StaffMemberFactory(team=TeamFactory(partnership=other_partnership, name="Theirs"))
    client = login(admin)

    home = client.get("/").content.decode()
    assert partnership.name in home and other_partnership.name in home
    assert "Administrator" in home and "Board member" in home

    assert ours.staff_id in client.get(f"/p/{partnership.slug}/staff/").content.decode()
    # The same person is a board member in the other partnership: aggregates, no names.
    assert client.get(f"/p/{other_partnership.slug}/staff/").status_code == 403
    dashboard = client.get(f"/p/{other_partnership.slug}/").content.decode()
    assert "Theirs" in dashboard and "Ours" not in dashboard and theirs.staff_id not in dashboard


def test_a_person_in_one_partnership_goes_straight_to_it(admin, login, partnership):
    response = login(admin).get("/")
    assert response.status_code == 302 and response["Location"] == f"/p/{partnership.slug}/"


def test_a_staff_member_lands_on_the_sessions_page(member, login, partnership):
    assert login(member).get("/")["Location"] == f"/p/{partnership.slug}/sessions/"


def test_someone_with_no_partnership_is_told_how_to_get_one(db, login):
    from tiptracker.partnerships.tests.factories import UserFactory

    user = UserFactory()
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert "not a member of any partnership" in client.get("/").content.decode()


def test_an_administrator_invites_a_member_and_is_shown_no_password(admin, login, partnership):
    response = login(admin).post(
        f"/p/{partnership.slug}/members/",
        {"email": "New.Person@Example.org", "role": "manager"},
        follow=True,
    )
    html = response.content.decode()
    assert "has been e-mailed to new.person@example.org" in html
    assert "password is" not in html.lower()
    # They become a member when they use the link (test_invitations.py), not before.
    assert not partnership.memberships.filter(user__email="new.person@example.org").exists()


def test_an_administrator_cannot_demote_themselves(admin, login, partnership):
    response = login(admin).post(
        f"/p/{partnership.slug}/members/{admin.id}/role/", {"role": "staff"}, follow=True
    )
    assert "cannot take away your own administrator role" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_a_role_change_for_another_partnerships_member_is_not_found(
    admin, outsider, login, partnership
):
    response = login(admin).post(
        f"/p/{partnership.slug}/members/{outsider.id}/role/", {"role": "staff"}
    )
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.role == Role.ADMIN


def test_an_administrator_corrects_the_kind_of_an_organisation(admin, login, partnership, team):
    from tiptracker.partnerships.models import Organisation

    organisation = team.organisation
    response = login(admin).post(
        f"/p/{partnership.slug}/organisations/",
        {f"organisation_{organisation.id}": "third_sector"},
        follow=True,
    )
    assert "1 organisation changed" in response.content.decode()
    assert Organisation.objects.get(id=organisation.id).kind == Organisation.Kind.THIRD_SECTOR


def test_an_unknown_kind_is_refused_and_nothing_changes(admin, login, partnership, team):
    from tiptracker.partnerships.models import Organisation

    before = team.organisation.kind
    response = login(admin).post(
        f"/p/{partnership.slug}/organisations/", {f"organisation_{team.organisation.id}": "bank"}
    )
    assert "Select a valid choice" in response.content.decode()
    assert Organisation.objects.get(id=team.organisation.id).kind == before


def test_only_administrators_manage_organisations(persona, outsider, login, partnership):
    assert (
        login(persona(Role.LD_OFFICER)).get(f"/p/{partnership.slug}/organisations/").status_code
        == 403
    )
    assert login(outsider).get(f"/p/{partnership.slug}/organisations/").status_code == 404


def test_a_new_member_is_linked_to_the_staff_record_with_their_email_and_can_book(
    admin, login, partnership, team, django_capture_on_commit_callbacks
):
    import re

    from django.core import mail
    from django.test import Client

    person = StaffMemberFactory(team=team, email="Pat.Jones@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        login(admin).post(
            f"/p/{partnership.slug}/members/", {"email": "pat.jones@example.org", "role": "staff"}
        )
    link = re.search(r"http://\S+(/invitations/\S+/)", mail.outbox[0].body)[1]
    chosen = "plum orchard lantern 42"
    Client().post(link, {"password1": chosen, "password2": chosen})
    membership = partnership.memberships.get(user__email="pat.jones@example.org")
    assert membership.staff == person


def test_members_are_linked_when_a_later_staff_import_brings_their_record(
    admin, partnership, persona
):
    from tiptracker.workforce.services import memberships_link_staff

    waiting = persona(Role.STAFF)
    assert waiting.staff is None
    StaffMemberFactory(team=TeamFactory(partnership=partnership), email=waiting.user.email.upper())
    assert memberships_link_staff(partnership=partnership) == 1
    waiting.refresh_from_db()
    assert waiting.staff is not None


def test_an_administrator_removes_a_member_but_not_themselves(admin, persona, login, partnership):
    leaver = persona(Role.MANAGER)
    client = login(admin)
    response = client.post(f"/p/{partnership.slug}/members/{leaver.id}/remove/", follow=True)
    assert "no longer has access" in response.content.decode()
    assert not partnership.memberships.filter(id=leaver.id).exists()
    assert login(leaver).get(f"/p/{partnership.slug}/").status_code == 404
    response = client.post(f"/p/{partnership.slug}/members/{admin.id}/remove/", follow=True)
    assert "cannot remove yourself" in response.content.decode()
    assert partnership.memberships.filter(id=admin.id).exists()


def test_a_member_changes_their_password(member, login):
    client = login(member)
    response = client.post(
        "/account/password/",
        {
            "old_password": "correct horse battery staple",
            "new_password1": "a new and longer passphrase",
            "new_password2": "a new and longer passphrase",
        },
        follow=True,
    )
    assert "Your password has been changed" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.check_password("a new and longer passphrase")


def test_a_wrong_old_password_is_explained_and_nothing_changes(member, login):
    response = login(member).post(
        "/account/password/",
        {
            "old_password": "wrong",
            "new_password1": "a new and longer passphrase",
            "new_password2": "a new and longer passphrase",
        },
    )
    assert "There is a problem" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.check_password("correct horse battery staple")


def test_the_partnership_name_leads_a_staff_member_to_a_page_they_can_open(
    member, login, partnership
):
    html = login(member).get(f"/p/{partnership.slug}/sessions/").content.decode()
    assert (
        f'href="/p/{partnership.slug}/sessions/" class="govuk-service-navigation__link">{partnership.name}'
        in html
    )
