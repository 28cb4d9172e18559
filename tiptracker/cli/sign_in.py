"""Signing in: the single sign-on providers (`sso add|list|remove`) and the installation
administrators who manage them (`installation-admin add|remove`)."""

import argparse
from pathlib import Path

from tiptracker.lib.user_error import UserError


def _secret_from_file(name: str) -> str:
    path = Path(name)
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise UserError(f"the client secret file {name} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not a text file"
        raise UserError(f"cannot read the client secret file {name}: {reason}") from None
    if not secret:
        raise UserError(f"the client secret file {name} is empty")
    return secret


def cmd_sso_add(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from tiptracker.lib.crypto import KeyProblem, check_keys
    from tiptracker.sso.services import provider_add

    secret = _secret_from_file(args.client_secret_file)
    try:
        # The secret is stored encrypted: without a key nothing could be written.
        check_keys()
        provider = provider_add(
            name=args.name,
            issuer=args.issuer,
            client_id=args.client_id,
            client_secret=secret,
            domains=args.domains,
        )
    except KeyProblem as problem:
        raise UserError(f"the client secret cannot be stored encrypted: {problem}") from None
    except ValidationError as error:
        raise UserError("; ".join(error.messages)) from None
    domains = ", ".join(d.domain for d in provider.domains.all())
    print(f"Registered {provider.name} ({provider.issuer}) for {domains}")
    print(f"Its redirect URI: {_site_url()}/sso/callback/")
    return 0


def _site_url() -> str:
    from django.conf import settings

    return str(settings.SITE_URL)


def cmd_sso_list(args: argparse.Namespace) -> int:
    from tiptracker.sso.selectors import providers_list

    found = list(providers_list())
    if not found:
        print("No sign-in providers: everyone signs in with a password")
    for provider in found:
        domains = ", ".join(d.domain for d in provider.domains.all())
        state = "" if provider.enabled else " (not in use)"
        print(f"{provider.name}: {provider.issuer} for {domains}{state}")
    return 0


def cmd_sso_remove(args: argparse.Namespace) -> int:
    from tiptracker.sso.models import IdentityProvider
    from tiptracker.sso.services import provider_remove

    provider = IdentityProvider.objects.filter(name__iexact=args.name.strip()).first()
    if provider is None:
        raise UserError(
            f"there is no sign-in provider named '{args.name}' (see: tiptracker sso list)"
        )
    provider_remove(provider=provider)
    print(f"Removed {provider.name}: its domains sign in with a password from now on")
    return 0


def cmd_installation_admin_add(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from tiptracker.partnerships.services import installation_admin_set

    try:
        user, password = installation_admin_set(email=args.email, admin=True)
    except ValidationError as error:
        raise UserError("; ".join(error.messages)) from None
    print(f"{user.email} is an installation administrator (they manage the sign-in providers)")
    if password and args.print_password:
        print(
            f"New account: log in with {user.email} and the password {password} (change it after)"
        )
    elif password:
        print(
            "New account: they choose a password with 'Forgot your password?' on the sign-in "
            "page (the worker e-mails the link), or sign in with their organisation's account "
            "where a provider is registered for it"
        )
    return 0


def cmd_installation_admin_remove(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from tiptracker.partnerships.services import installation_admin_set

    try:
        user, _password = installation_admin_set(email=args.email, admin=False)
    except ValidationError as error:
        raise UserError("; ".join(error.messages)) from None
    print(f"{user.email} is no longer an installation administrator")
    return 0
