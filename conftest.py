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


@pytest.fixture(autouse=True, scope="session")
def _static_files_read_once():
    """Django's test client builds the middleware afresh for every client, and WhiteNoise
    (serving the static files from the finders, WHITENOISE_USE_FINDERS) lists and stats every
    static file each time it is built: tens of ms a client, minutes over the suite. The files
    do not change while the tests run, so each process reads them once for each set of
    settings that shapes what WhiteNoise serves, and every later middleware gets the same
    files (the same paths and headers it would have read itself)."""
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    read_files = WhiteNoiseMiddleware.add_files_from_finders
    found: dict[tuple[tuple[str, str], ...], dict] = {}

    def add_files_from_finders(self):  # type: ignore[no-untyped-def]
        shaping = sorted(
            name
            for name in dir(settings)
            if name.startswith(("WHITENOISE_", "STATIC")) or name in ("INSTALLED_APPS", "DEBUG")
        )
        key = tuple((name, repr(getattr(settings, name))) for name in shaping)
        key += (("static_prefix", self.static_prefix),)
        if key not in found:
            before = dict(self.files)
            read_files(self)
            found[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(found[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders)
        yield


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


# The tests that start the run: first the modules that load the full demo once for all their
# tests (a module split between two workers would load it twice), then the longest tests,
# longest first (about 10 s to 3 minutes each; measured with --durations). So the workers
# (`make test`: pytest-xdist, one per core, taking work from each other) end together on
# short tests, not one waiting while the other runs a long test picked up last. Only the
# order changes; within a module it is kept.
STARTED_FIRST = (
    "tiptracker/demo/tests/test_demo_rollout.py",
    "tiptracker/demo/tests/test_demo_workforce_and_training.py",
    "tiptracker/reporting/tests/test_frozen.py",
    "tiptracker/reporting/tests/test_figures.py",
    "tiptracker/api/tests/test_schema_fuzz.py",
    "tests/browser/test_every_page.py",
    "tests/test_query_counts.py",
    "tiptracker/tests/test_cli_schema_and_serve.py",
    "tests/browser/test_board_paper.py",
    "tests/browser/test_improvement.py",
    "tests/browser/",
    "tiptracker/tests/test_cli_keys.py",
    "tiptracker/background/tests/test_redis_backend.py",
    "tiptracker/feedback/tests/test_disclosure.py",
    "tiptracker/ops/tests/test_backup.py",
    "tiptracker/accounts/tests/test_busy_database.py",
    "tests/test_required_tools.py",
    "tiptracker/tests/test_layers.py",
    "tiptracker/demo/tests/test_demo_guard.py",
)


def _started_first(item) -> int:  # type: ignore[no-untyped-def]
    path = item.nodeid.split("::", 1)[0]
    return next(
        (rank for rank, prefix in enumerate(STARTED_FIRST) if path.startswith(prefix)),
        len(STARTED_FIRST),
    )


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    items.sort(key=_started_first)  # stable: the rest keep their order


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
