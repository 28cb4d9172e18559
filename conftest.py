"""Fixtures shared by every test module (the personas), and a plain word when the browser
tests could not run.

The personas:

Every module tests with a partnership administrator (`admin`), an ordinary member
(`member`, a staff member with their own staff record) and an `outsider` (an administrator
of another partnership), and `login(membership)` gives a browser-like client signed in
as one of them.
"""

import os
from pathlib import Path

import pytest
from django.test import Client

from tiptracker.accounts.tests.helpers import signed_in
from tiptracker.partnerships.models import Membership, Role
from tiptracker.partnerships.tests.factories import MembershipFactory, PartnershipFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # E-mails are delivered as soon as they are queued (the worker's part is tested in
    # tiptracker/background/tests); imports and scheduled work still go through the queue.
    settings.TASKS = {
        **settings.TASKS,
        "mail": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "mail"],
        },
    }
    settings.AXES_ENABLED = True


@pytest.fixture
def partnership(db):
    return PartnershipFactory(slug="dundee-test", name="Dundee Test Partnership")


@pytest.fixture
def other_partnership(db):
    return PartnershipFactory(slug="angus-test", name="Angus Test Partnership")


@pytest.fixture
def team(partnership):
    return TeamFactory(partnership=partnership, name="Housing Options")


@pytest.fixture
def persona(partnership):
    """persona(role, partnership=None, staff=None): a member with that role."""

    def make(role: str, *, of=None, staff=None, teams=()) -> Membership:
        membership = MembershipFactory(partnership=of or partnership, role=role, staff=staff)
        for managed in teams:
            membership.managed_teams.create(partnership=membership.partnership, team=managed)
        return membership

    return make


@pytest.fixture
def admin(persona):
    return persona(Role.ADMIN)


@pytest.fixture
def ld(persona):
    """A learning and development officer: drafts and edits board reports."""
    return persona(Role.LD_OFFICER)


@pytest.fixture
def board(persona):
    """A board member: reads board reports."""
    return persona(Role.BOARD)


@pytest.fixture
def member(persona, team):
    return persona(Role.STAFF, staff=StaffMemberFactory(team=team))


@pytest.fixture
def outsider(persona, other_partnership):
    return persona(Role.ADMIN, of=other_partnership)


@pytest.fixture
def login():
    def sign_in(membership: Membership) -> Client:
        # With the second factor given, for the roles that must (accounts/second_factor.py).
        return signed_in(membership.user)

    return sign_in


# Single sign-on: a real OpenID Connect provider on 127.0.0.1, one per test process (each
# xdist worker has its own), and a registered provider for the domain below.
SSO_DOMAIN = "tayside.nhs.test"
SSO_CLIENT_SECRET = "the client secret"  # noqa: S105 - the test provider takes any


@pytest.fixture(scope="session")
def oidc_provider():
    from tiptracker.sso.tests.provider import MockProvider

    with MockProvider() as provider:
        yield provider


@pytest.fixture
def sso_provider(oidc_provider, db):
    """The mock registered as 'NHS Tayside' for SSO_DOMAIN, as `tiptracker sso add` does."""
    from tiptracker.sso.services import provider_add

    oidc_provider.tamper_with = None
    yield provider_add(
        name="NHS Tayside",
        issuer=oidc_provider.issuer,
        client_id="tiptracker",
        client_secret=SSO_CLIENT_SECRET,
        domains=[SSO_DOMAIN],
    )
    oidc_provider.tamper_with = None  # a test that tampered leaves the provider honest


# Debian's Chromium; TIPTRACKER_CHROMIUM points elsewhere (a missing path shows what a
# machine without it sees).
CHROMIUM = Path(os.environ.get("TIPTRACKER_CHROMIUM", "/usr/bin/chromium"))
# LibreOffice, which reads the Word reports back in reporting/tests/test_libreoffice.py.
SOFFICE = Path(os.environ.get("TIPTRACKER_SOFFICE", "/usr/bin/soffice"))


# CI sets REQUIRE_BROWSER=1 (.ci/run): there a test that cannot run for want of Chromium or
# LibreOffice fails the run instead of being skipped. TIPTRACKER_REQUIRE_TOOLS is its older name.
REQUIRE_TOOLS_VARIABLES = ("REQUIRE_BROWSER", "TIPTRACKER_REQUIRE_TOOLS")


def tools_required() -> str | None:
    """The variable that asks for the tools, if one does ("0", "false", "no" and "off" do not)."""
    for name in REQUIRE_TOOLS_VARIABLES:
        if os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off"):
            return name
    return None


def pytest_sessionstart(session):  # type: ignore[no-untyped-def]
    """Stop before any test runs when the tools are required and missing: a run that skipped
    the browser tests must not pass in CI."""
    required_by = tools_required()
    if required_by is None:
        return
    missing = [
        f"{what} at {path}"
        for what, path in (("Chromium", CHROMIUM), ("LibreOffice", SOFFICE))
        if not path.exists()
    ]
    if missing:
        raise pytest.UsageError(
            f"{required_by} is set, so the browser and LibreOffice tests must run, but "
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing. Install "
            "them (apt-get install chromium libreoffice-writer-nogui) or point "
            "TIPTRACKER_CHROMIUM and TIPTRACKER_SOFFICE at them."
        )


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        terminalreporter.write_sep(
            "!",
            f"BROWSER TESTS DID NOT RUN: Debian's Chromium is not installed at {CHROMIUM}",
            red=True,
        )
    if not SOFFICE.exists():
        terminalreporter.write_sep(
            "!",
            f"LIBREOFFICE CHECK DID NOT RUN: LibreOffice is not installed at {SOFFICE}, so "
            "nothing proved that it opens the Word reports",
            red=True,
        )
