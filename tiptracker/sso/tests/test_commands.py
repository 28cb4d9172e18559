"""`tiptracker sso add|list|remove`, `tiptracker installation-admin add|remove` and
`tiptracker partnership sso`, as formats.md and the README describe them. Each refusal is one
sentence on stderr, a non-zero status, and nothing written."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.auth import get_user_model

from conftest import SSO_DOMAIN
from tiptracker.cli import main
from tiptracker.imports.tests.helpers import cli
from tiptracker.partnerships.models import Partnership
from tiptracker.partnerships.tests.factories import UserFactory
from tiptracker.sso.models import IdentityProvider, ProviderDomain
from tiptracker.sso.tests.factories import IdentityProviderFactory
from tiptracker.sso.tests.helpers import closed_address

User = get_user_model()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("s3cret-from-a-file\n")
    return path


def add(capsys, oidc_provider, secret_file, *, name="NHS Tayside", issuer=None, domains=None):
    return cli(
        capsys,
        "sso",
        "add",
        name,
        "--issuer",
        issuer or oidc_provider.issuer,
        "--client-id",
        "tiptracker",
        "--client-secret-file",
        secret_file,
        "--domains",
        domains or f"{SSO_DOMAIN}, NHS.Scot",
    )


@pytest.mark.parametrize(
    "command",
    [["sso"], ["sso", "add"], ["sso", "list"], ["sso", "remove"], ["installation-admin", "add"]],
    ids=" ".join,
)
def test_every_sso_command_explains_itself_with_help(capsys, command):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: tiptracker {' '.join(command)}")


def test_sso_add_registers_a_provider_from_its_discovery_document(
    capsys, db, oidc_provider, secret_file
):
    code, out, err = add(capsys, oidc_provider, secret_file)
    assert (code, err) == (0, "")
    assert out.startswith(f"Registered NHS Tayside ({oidc_provider.issuer}) for nhs.scot, ")
    assert "/sso/callback/" in out
    provider = IdentityProvider.objects.get()
    assert provider.token_endpoint == f"{oidc_provider.issuer}/oauth2/token"
    assert provider.jwks_uri == f"{oidc_provider.issuer}/jwks"
    assert provider.client_secret == "s3cret-from-a-file"
    assert sorted(provider.domains.values_list("domain", flat=True)) == ["nhs.scot", SSO_DOMAIN]
    code, out, _ = cli(capsys, "sso", "list")
    assert out == f"NHS Tayside: {oidc_provider.issuer} for nhs.scot, {SSO_DOMAIN}\n"


def _refused(capsys, outcome, message: str) -> None:
    code, out, err = outcome
    assert code == 1 and out == ""
    assert err == f"tiptracker: error: {message}\n"
    assert IdentityProvider.objects.filter(name="NHS Tayside").count() == 0


def test_sso_add_fails_plainly_when_the_issuer_cannot_be_reached(capsys, db, secret_file):
    address = closed_address()
    _refused(
        capsys,
        add(capsys, None, secret_file, issuer=address),
        f"could not reach the issuer's discovery document at {address}/.well-known/"
        "openid-configuration (nothing answered there)",
    )


class _WrongDocument(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        body = json.dumps({"issuer": "https://someone.else.example"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_sso_add_fails_plainly_when_the_document_names_another_issuer(capsys, db, secret_file):
    server = HTTPServer(("127.0.0.1", 0), _WrongDocument)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    issuer = f"http://127.0.0.1:{server.server_port}"
    try:
        outcome = add(capsys, None, secret_file, issuer=issuer)
    finally:
        server.shutdown()
        server.server_close()
    _refused(
        capsys,
        outcome,
        f"the discovery document at {issuer}/.well-known/openid-configuration names the "
        f"issuer 'https://someone.else.example', not '{issuer}' as given: use the issuer URL "
        "the provider publishes",
    )


def test_sso_add_wants_https_except_on_this_machine(capsys, db, secret_file):
    _refused(
        capsys,
        add(capsys, None, secret_file, issuer="http://login.example.org"),
        "The issuer 'http://login.example.org' must be an https:// address (http:// only for "
        "a provider on this machine, such as a test provider)",
    )


def test_sso_add_fails_plainly_without_its_secret(capsys, db, oidc_provider, tmp_path):
    missing = tmp_path / "nope.txt"
    _refused(
        capsys,
        add(capsys, oidc_provider, missing),
        f"the client secret file {missing} does not exist",
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    _refused(capsys, add(capsys, oidc_provider, empty), f"the client secret file {empty} is empty")


@pytest.mark.parametrize(
    ("domains", "message"),
    [
        (
            "nhs.scot, tayside_nhs.scot",
            "'tayside_nhs.scot' is not an e-mail domain (write it like nhs.scot or "
            "dundeecity.gov.uk, without a name or '@' before it)",
        ),
        (
            "someone@nhs.scot",
            "'someone@nhs.scot' is not an e-mail domain (write it like nhs.scot or "
            "dundeecity.gov.uk, without a name or '@' before it)",
        ),
        (",", "give at least one e-mail domain, such as nhs.scot"),
    ],
    ids=["underscore", "an-address", "none"],
)
def test_sso_add_fails_plainly_on_a_malformed_domain(
    capsys, db, oidc_provider, secret_file, domains, message
):
    _refused(capsys, add(capsys, oidc_provider, secret_file, domains=domains), message)


def test_a_domain_belongs_to_one_provider_only(capsys, db, oidc_provider, secret_file):
    IdentityProviderFactory(name="Angus Council", domains=["angus.gov.uk"])
    _refused(
        capsys,
        add(capsys, oidc_provider, secret_file, domains="nhs.scot,Angus.gov.uk"),
        "the domain angus.gov.uk already signs in with the provider 'Angus Council' (a domain "
        "can have only one)",
    )
    assert ProviderDomain.objects.filter(domain="nhs.scot").count() == 0


def test_sso_add_refuses_without_a_field_encryption_key(
    capsys, db, oidc_provider, secret_file, settings
):
    settings.FIELD_ENCRYPTION_KEYS = ""
    code, _out, err = add(capsys, oidc_provider, secret_file)
    assert code == 1
    assert err.startswith(
        "tiptracker: error: the client secret cannot be stored encrypted: No field encryption "
        "key is set."
    )
    assert not IdentityProvider.objects.exists()


def test_sso_remove_leaves_the_domains_to_passwords(capsys, db):
    IdentityProviderFactory(name="NHS Tayside", domains=[SSO_DOMAIN])
    code, out, _ = cli(capsys, "sso", "remove", "nhs tayside")
    assert (code, out) == (
        0,
        "Removed NHS Tayside: its domains sign in with a password from now on\n",
    )
    assert not ProviderDomain.objects.exists()
    code, _, err = cli(capsys, "sso", "remove", "NHS Tayside")
    assert code == 1 and "there is no sign-in provider named 'NHS Tayside'" in err


# Installation administrators ------------------------------------------------------------


def test_installation_admin_add_makes_an_existing_account_one(capsys, db):
    user = UserFactory(username="lead@example.org")
    code, out, _ = cli(capsys, "installation-admin", "add", "Lead@Example.org")
    assert code == 0
    assert out == (
        "lead@example.org is an installation administrator (they manage the sign-in providers)\n"
    )
    user.refresh_from_db()
    assert user.is_superuser and not user.is_staff  # the admin site stays closed to them


def test_installation_admin_add_makes_the_account_without_showing_a_password(capsys, db):
    code, out, _ = cli(capsys, "installation-admin", "add", "new@example.org")
    assert code == 0 and "the password" not in out
    assert "'Forgot your password?'" in out
    user = User.objects.get(username="new@example.org")
    assert user.is_superuser and user.has_usable_password()  # so a reset link can be sent


def test_installation_admin_add_prints_a_first_password_when_asked(capsys, db):
    code, out, _ = cli(capsys, "installation-admin", "add", "new@example.org", "--print-password")
    assert code == 0
    password = out.split("the password ")[1].split(" ")[0]
    assert User.objects.get(username="new@example.org").check_password(password)


def test_installation_admin_remove(capsys, db):
    UserFactory(username="lead@example.org", is_superuser=True)
    assert cli(capsys, "installation-admin", "remove", "lead@example.org")[0] == 0
    assert not User.objects.get(username="lead@example.org").is_superuser
    code, _, err = cli(capsys, "installation-admin", "remove", "ghost@example.org")
    assert (code, err) == (1, "tiptracker: error: there is no account for ghost@example.org\n")


# The partnership's setting ----------------------------------------------------------------


def test_partnership_sso_turns_staff_sign_in_on_and_off(capsys, partnership):
    code, out, _ = cli(capsys, "partnership", "sso", partnership.slug, "--staff", "on")
    assert code == 0 and "may sign in with their organisation's account" in out
    assert Partnership.objects.get(pk=partnership.pk).sso_staff_sign_in
    cli(capsys, "partnership", "sso", partnership.slug, "--staff", "off")
    assert not Partnership.objects.get(pk=partnership.pk).sso_staff_sign_in
    code, _, err = cli(capsys, "partnership", "sso", "nowhere", "--staff", "on")
    assert code == 1 and "no partnership 'nowhere'" in err
