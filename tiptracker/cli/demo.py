"""The demo from the command line: `demo` loads and serves it, `totp-code` prints a demo
login's authenticator code."""

import argparse
import os
import sys
from pathlib import Path

from tiptracker.cli.serving import serve, site_url_for_server
from tiptracker.lib.user_error import UserError


def cmd_demo(args: argparse.Namespace) -> int:
    from tiptracker.demo.loader import demo_load

    demo_keys(demo_key_file())
    if not args.no_serve:
        site_url_for_server(args.host, args.port)  # the demo's e-mails link to the server it starts
    logins = demo_load(out=sys.stdout)
    print("\nDemo logins (password for all: " + logins.password + "):")
    for role, email in logins.emails.items():
        print(f"  {role:<36} {email}")
    print(
        "The administrator, the learning and development officer and the lived-experience "
        "coordinator also give a 6-digit code: `tiptracker totp-code EMAIL` prints it."
    )
    if args.no_serve:
        return 0
    return serve(args.host, args.port)


def demo_key_file() -> Path:
    """Beside the demo's SQLite database (git-ignored: *.field-keys), or in the current
    directory for another database."""
    from django.db import connection

    if connection.vendor == "sqlite":
        database = Path(str(connection.settings_dict["NAME"]))
        return (database.parent / f"{database.name}.field-keys").resolve()
    return Path.cwd() / "tiptracker-demo.field-keys"


def demo_keys(path: Path) -> None:
    """The demo's own field encryption key, in a file made on the first run and kept after,
    unless FIELD_ENCRYPTION_KEYS (or _FILE) sets the keys."""
    from cryptography.fernet import Fernet
    from django.conf import settings

    from tiptracker.lib import crypto

    if settings.FIELD_ENCRYPTION_KEYS:
        print("Field encryption: with the keys FIELD_ENCRYPTION_KEYS sets")
        return
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(Fernet.generate_key().decode("ascii") + "\n")
    # The worker `serve` starts reads the file from here; this process from the setting.
    os.environ["FIELD_ENCRYPTION_KEYS_FILE"] = str(path)
    settings.FIELD_ENCRYPTION_KEYS = path.read_text()
    crypto.fernet.cache_clear()
    print(
        f"Field encryption key for the demo: {path} (to serve this database later: "
        f"FIELD_ENCRYPTION_KEYS_FILE={path} tiptracker serve)"
    )


def cmd_totp_code(args: argparse.Namespace) -> int:
    """The current authenticator code of a demo login, for a demo without a phone. Refused
    for every other account: for a real one it would undo its second factor."""
    from tiptracker.accounts.second_factor import confirmed_device, current_code
    from tiptracker.demo.loader import LOGIN_EMAILS, demo_is_loaded
    from tiptracker.partnerships.models import Membership

    email = args.email.strip().lower()
    membership = (
        Membership.objects.filter(user__username=email, partnership__slug="dundee")
        .select_related("partnership", "user")
        .first()
    )
    if (
        email not in LOGIN_EMAILS.values()
        or membership is None
        or not demo_is_loaded(membership.partnership)
    ):
        raise UserError(f"{email} is not a login of the demo: only the demo's codes are printed")
    device = confirmed_device(membership.user)
    if device is None:
        raise UserError(f"{email} has no authenticator set up (it is set up at sign-in)")
    print(current_code(device))
    return 0
