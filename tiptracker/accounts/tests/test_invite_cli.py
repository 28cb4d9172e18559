"""`tiptracker member add` and `tiptracker member invite`: no password on screen unless asked."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tiptracker.accounts.invitations import invitations_send_due
from tiptracker.accounts.models import AccountInvitation
from tiptracker.imports.tests.helpers import cli
from tiptracker.partnerships.models import Membership, Role
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


def test_member_add_e_mails_an_invitation_to_a_new_address_and_prints_no_password(
    capsys, partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        code, out, err = cli(
            capsys,
            "member",
            "add",
            "--partnership",
            partnership.slug,
            "--email",
            "Ann@Example.org",
            "--role",
            "admin",
        )
    assert code == 0 and err == ""
    assert "an invitation to join dundee-test as administrator has been e-mailed" in out
    assert "password " not in out
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    assert not get_user_model().objects.filter(username="ann@example.org").exists()
    assert AccountInvitation.objects.get().role == Role.ADMIN


def test_member_add_prints_a_password_only_when_asked(capsys, partnership):
    code, out, _ = cli(
        capsys,
        "member",
        "add",
        "--partnership",
        partnership.slug,
        "--email",
        "ann@example.org",
        "--role",
        "admin",
        "--print-password",
    )
    assert code == 0
    password = re.search(r"the password (\S+) \(change it after\)", out)[1]
    user = get_user_model().objects.get(username="ann@example.org")
    assert user.check_password(password)
    assert Membership.objects.get(user=user).role == Role.ADMIN
    assert not mail.outbox


def test_member_add_gives_an_existing_account_the_role_at_once(capsys, partnership, outsider):
    code, out, _ = cli(
        capsys,
        "member",
        "add",
        "--partnership",
        partnership.slug,
        "--email",
        outsider.user.email,
        "--role",
        "board",
    )
    assert code == 0 and "is now Board member in dundee-test" in out
    assert Membership.objects.get(partnership=partnership, user=outsider.user).role == Role.BOARD


@pytest.fixture
def teams(partnership):
    council = OrganisationFactory(partnership=partnership, name="Dundee City Council")
    nhs = OrganisationFactory(partnership=partnership, name="NHS Tayside")
    housing = TeamFactory(partnership=partnership, organisation=council, name="Housing")
    admin_council = TeamFactory(partnership=partnership, organisation=council, name="Admin")
    admin_nhs = TeamFactory(partnership=partnership, organisation=nhs, name="Admin")
    for n, team in enumerate([housing, housing, admin_council, admin_nhs]):
        StaffMemberFactory(team=team, organisation=team.organisation, email=f"s{n}@example.org")
    return {"housing": housing}


def test_member_invite_queues_a_teams_or_everyones_invitations_for_the_worker(
    capsys, partnership, teams
):
    code, out, _ = cli(
        capsys, "member", "invite", "--partnership", partnership.slug, "--team", "housing"
    )
    assert code == 0 and out.startswith("Queued 2 invitations for the Housing team")
    assert not mail.outbox  # the worker sends them
    code, out, _ = cli(capsys, "member", "invite", "--partnership", partnership.slug, "--all-staff")
    assert code == 0 and out.startswith("Queued 2 invitations for all staff")
    assert invitations_send_due() == 4
    assert sorted(m.to[0] for m in mail.outbox) == [f"s{n}@example.org" for n in range(4)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--team", "Admin"], "there are teams called 'Admin' in several organisations"),
        (["--team", "Nowhere"], "no team 'Nowhere'"),
        (["--organisation", "Fife Council"], "no organisation 'Fife Council'"),
        ([], "say whom to invite"),
        (["--all-staff", "--email", "a@example.org"], "say whom to invite"),
        (["--email", "not-an-address"], "Enter an e-mail address in the right format"),
    ],
)
def test_member_invite_refuses_what_it_cannot_do_plainly(capsys, partnership, teams, argv, message):
    code, out, err = cli(capsys, "member", "invite", "--partnership", partnership.slug, *argv)
    assert code == 1 and message in err and "Traceback" not in err
    assert not AccountInvitation.objects.exists()


def test_member_invite_with_a_team_and_its_organisation(capsys, partnership, teams):
    code, out, _ = cli(
        capsys,
        "member",
        "invite",
        "--partnership",
        partnership.slug,
        "--team",
        "Admin",
        "--organisation",
        "NHS Tayside",
    )
    assert code == 0 and out.startswith("Queued 1 invitation for the Admin team")
