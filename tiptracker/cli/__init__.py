"""The `tiptracker` command (formats.md: command line).

Every sub-command reads DATABASE_URL (default: a SQLite file in the current directory),
creates the schema on first use, exits 0 on success and non-zero on failure, and reports
a user's mistake as one plain sentence on stderr, never a traceback.

This module builds the parser and runs a sub-command. The sub-commands live beside it by
family: partnerships.py (partnerships, members), sign_in.py (sign-in providers, installation
administrators), imports.py, reports.py (coverage, the board report), serving.py (serve,
worker, send-due), demo.py (demo, totp-code) and database.py (migrate, backup, restore,
rotate-keys, purge); schema.py brings the database's schema up to date before they run.
"""

import argparse
import os
import sys
from collections.abc import Callable
from typing import NoReturn

from tiptracker.cli.arguments import Parser, date_argument
from tiptracker.cli.charts import cmd_spc
from tiptracker.cli.database import cmd_backup, cmd_migrate, cmd_purge, cmd_restore, cmd_rotate_keys
from tiptracker.cli.demo import cmd_demo, cmd_totp_code
from tiptracker.cli.imports import cmd_import
from tiptracker.cli.indicators import cmd_indicators_compare, cmd_partnership_share
from tiptracker.cli.partnerships import (
    cmd_member_add,
    cmd_member_invite,
    cmd_partnership_create,
    cmd_partnership_sso,
)
from tiptracker.cli.reports import cmd_coverage, cmd_report
from tiptracker.cli.schema import setup_django
from tiptracker.cli.serving import cmd_send_due, cmd_serve, cmd_worker
from tiptracker.cli.sign_in import (
    cmd_installation_admin_add,
    cmd_installation_admin_remove,
    cmd_sso_add,
    cmd_sso_list,
    cmd_sso_remove,
)
from tiptracker.lib.user_error import UserError


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="tiptracker", description="TIP Tracker: trauma-informed practice, tracked."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    demo = command("demo", cmd_demo, "load the demo partnership 'dundee' and serve the web app")
    demo.add_argument("--no-serve", action="store_true", help="load the demo data only")
    demo.set_defaults(schema="apply")  # the demo and the servers bring the schema up to date
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)

    serve = command("serve", cmd_serve, "serve the web app")
    serve.set_defaults(schema="apply")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="serve only: run the worker separately (`tiptracker worker`), e.g. on another machine",
    )
    work = command(
        "worker",
        cmd_worker,
        "run the background tasks (imports, e-mails, the scheduled passes) until stopped",
    )
    work.add_argument(
        "--batch", action="store_true", help="run the tasks that are ready, then stop"
    )

    partnership = commands.add_parser(
        "partnership", help="manage partnerships", description="manage partnerships"
    )
    partnership_commands = partnership.add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    create = partnership_commands.add_parser(
        "create", help="create a partnership (tenant)", description="create a partnership (tenant)"
    )
    create.add_argument("slug", metavar="SLUG")
    create.add_argument("--name", required=True, metavar="NAME")
    # The two bodies a board report's directions name (organisations of those kinds).
    create.add_argument("--council", default="", metavar="NAME", help="its council")
    create.add_argument("--health-board", default="", metavar="NAME", help="its NHS board")
    create.set_defaults(handler=cmd_partnership_create)

    sso_partnership = partnership_commands.add_parser(
        "sso",
        help="whether staff records let people sign in with their organisation's account",
        description="whether people with a staff record in the partnership may sign in with "
        "their organisation's account (single sign-on) and get the staff role",
    )
    sso_partnership.add_argument("slug", metavar="SLUG")
    sso_partnership.add_argument("--staff", required=True, choices=["on", "off"])
    sso_partnership.set_defaults(handler=cmd_partnership_sso)

    share = partnership_commands.add_parser(
        "share",
        help="whether the partnership's indicators take part in comparisons between partnerships",
        description="whether the partnership's indicators take part in comparisons between "
        "partnerships (figures only, small numbers withheld; off for a new partnership)",
    )
    share.add_argument("slug", metavar="SLUG")
    share.add_argument("--national", required=True, choices=["on", "off"])
    share.set_defaults(handler=cmd_partnership_share)

    indicators = commands.add_parser(
        "indicators", help="quality indicators", description="quality indicators"
    )
    indicator_commands = indicators.add_subparsers(
        dest="indicators_command", required=True, parser_class=Parser
    )
    compare = indicator_commands.add_parser(
        "compare",
        help="one indicator across the partnerships that share their indicators, with "
        "funnel-plot limits",
        description="one indicator across the partnerships that share their indicators, with "
        "funnel-plot limits (formats.md: Comparing partnerships)",
    )
    compare.add_argument("--indicator", required=True, metavar="CODE")
    compare.add_argument("--as-of", required=True, type=date_argument, metavar="YYYY-MM-DD")
    compare.add_argument("--format", choices=["table", "csv", "json"], default="table")
    compare.set_defaults(handler=cmd_indicators_compare)

    sso = commands.add_parser(
        "sso",
        help="sign-in providers (OpenID Connect single sign-on)",
        description="sign-in providers (OpenID Connect single sign-on)",
    )
    sso_commands = sso.add_subparsers(dest="action", required=True, parser_class=Parser)
    sso_add = sso_commands.add_parser(
        "add",
        help="register an OpenID Connect identity provider for e-mail domains",
        description="register an OpenID Connect identity provider for e-mail domains: its "
        "endpoints come from the issuer's discovery document",
    )
    sso_add.add_argument("name", metavar="NAME", help="shown on the sign-in page")
    sso_add.add_argument("--issuer", required=True, metavar="URL")
    sso_add.add_argument("--client-id", required=True, metavar="ID")
    sso_add.add_argument(
        "--client-secret-file",
        required=True,
        metavar="FILE",
        help="a file holding the client secret (stored encrypted)",
    )
    sso_add.add_argument(
        "--domains", required=True, metavar="D1,D2", help="e-mail domains, comma-separated"
    )
    sso_add.set_defaults(handler=cmd_sso_add)
    sso_commands.add_parser(
        "list", help="list the sign-in providers", description="list the sign-in providers"
    ).set_defaults(handler=cmd_sso_list)
    sso_remove = sso_commands.add_parser(
        "remove",
        help="remove a sign-in provider (its domains get the password form)",
        description="remove a sign-in provider (its domains get the password form)",
    )
    sso_remove.add_argument("name", metavar="NAME")
    sso_remove.set_defaults(handler=cmd_sso_remove)

    installation = commands.add_parser(
        "installation-admin",
        help="manage installation administrators (they manage the sign-in providers)",
        description="manage installation administrators (they manage the sign-in providers)",
    )
    installation_commands = installation.add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    admin_add = installation_commands.add_parser(
        "add",
        help="make a user (created if new) an installation administrator",
        description="make a user (created if new) an installation administrator",
    )
    admin_add.add_argument("email", metavar="EMAIL")
    admin_add.add_argument(
        "--print-password",
        action="store_true",
        help="for a new account, print a first password (before e-mail is set up)",
    )
    admin_add.set_defaults(handler=cmd_installation_admin_add)
    admin_remove = installation_commands.add_parser(
        "remove",
        help="make a user no longer an installation administrator",
        description="make a user no longer an installation administrator",
    )
    admin_remove.add_argument("email", metavar="EMAIL")
    admin_remove.set_defaults(handler=cmd_installation_admin_remove)

    member = commands.add_parser(
        "member", help="manage who can log in to a partnership", description="manage members"
    )
    member_commands = member.add_subparsers(dest="action", required=True, parser_class=Parser)
    add = member_commands.add_parser(
        "add",
        help="give a user (created if new) a role in a partnership",
        description="give a user a role in a partnership",
    )
    add.add_argument("--partnership", required=True, metavar="SLUG")
    add.add_argument("--email", required=True)
    from tiptracker.partnerships.models import Role

    add.add_argument("--role", required=True, choices=Role.values)
    add.add_argument(
        "--print-password",
        action="store_true",
        help="make a new account with a password printed here, instead of e-mailing an invitation",
    )
    add.set_defaults(handler=cmd_member_add)

    invite = member_commands.add_parser(
        "invite",
        help="e-mail invitations: one address, or the staff of a team, an organisation or all",
        description="invite people to a partnership: each gets a link to choose a password",
    )
    invite.add_argument("--partnership", required=True, metavar="SLUG")
    invite.add_argument("--email", help="invite this one address (with --role)")
    invite.add_argument("--team", metavar="NAME", help="the staff of this team")
    invite.add_argument("--all-staff", action="store_true", help="every member of staff")
    invite.add_argument(
        "--organisation",
        metavar="NAME",
        help="the staff of this organisation (or, with --team, the team's organisation)",
    )
    invite.add_argument(
        "--role", default=Role.STAFF, choices=Role.values, help="for --email (default: staff)"
    )
    invite.set_defaults(handler=cmd_member_invite)

    imp = command(
        "import", cmd_import, "import staff, needs, courses or completions from a CSV or XLSX file"
    )
    imp.add_argument(
        "kind",
        metavar="KIND",
        choices=["staff", "needs", "courses", "completions"],
        help="staff, needs, courses or completions",
    )
    imp.add_argument("file", metavar="FILE", help="a .csv or .xlsx file")
    imp.add_argument("--partnership", required=True, metavar="SLUG")
    imp.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    imp.add_argument(
        "--skip-invalid", action="store_true", help="write the valid rows, report the invalid ones"
    )
    imp.add_argument(
        "--rejects", metavar="OUT.csv", help="write rejected rows with a reason column"
    )

    report = command("report", cmd_report, "the board progress report for a period")
    report.add_argument("--partnership", required=True, metavar="SLUG")
    report.add_argument(
        "--from", dest="start", required=True, type=date_argument, metavar="YYYY-MM-DD"
    )
    report.add_argument("--to", required=True, type=date_argument, metavar="YYYY-MM-DD")
    report.add_argument(
        "--out", required=True, metavar="FILE", help="FILE.docx, FILE.pdf or FILE.html"
    )
    # The cover and close, as set on a report's page.
    report.add_argument("--number", metavar="TEXT", help="the report number from the clerk")
    report.add_argument(
        "--report-to", metavar="TEXT", help="who it goes to (default: Integration Joint Board)"
    )
    report.add_argument("--meeting-date", type=date_argument, metavar="YYYY-MM-DD")
    report.add_argument("--report-by", metavar="TEXT", help="who presents it: Chief Officer")
    report.add_argument("--author", metavar="NAME", help="the author's name, at the end")
    report.add_argument("--author-designation", metavar="TEXT")
    report.add_argument(
        "--date", type=date_argument, metavar="YYYY-MM-DD", help="the report's date"
    )

    cov = command("coverage", cmd_coverage, "training coverage against need")
    cov.add_argument("--partnership", required=True, metavar="SLUG")
    cov.add_argument(
        "--as-of", type=date_argument, metavar="YYYY-MM-DD", help="the date (default: today)"
    )
    # formats.md: `rows` has one entry per organisation and level unless --by team.
    cov.add_argument(
        "--by",
        choices=["organisation", "team"],
        default="organisation",
        help="one row per organisation (the default) or per team",
    )
    cov.add_argument("--format", choices=["table", "csv", "json"], default="table")

    spc = command(
        "spc",
        cmd_spc,
        "a run chart's or an XmR chart's centre, limits and signals for a series in a file",
    )
    spc.set_defaults(schema="none")  # reads a file, not the database
    spc.add_argument("file", metavar="FILE", help="CSV or XLSX: date, value [, rebase, note]")
    spc.add_argument("--chart", required=True, choices=["xmr", "run"])
    spc.add_argument(
        "--baseline",
        type=_baseline,
        metavar="N",
        help="each segment's first N points set its centre and limits (default: all)",
    )
    spc.add_argument("--improvement", choices=["up", "down", "neutral"], default="neutral")
    spc.add_argument(
        "--rules", choices=["ihi", "anhoej"], default="ihi", help="a run chart's rules"
    )
    spc.add_argument("--format", choices=["table", "json"], default="table")

    due = command(
        "send-due",
        cmd_send_due,
        "run the scheduled passes once now: queued imports, e-mails due, digests, results",
    )
    due.add_argument(
        "--loop", action="store_true", help="keep running as a worker (as `tiptracker worker`)"
    )

    command("purge", cmd_purge, "apply the retention rules")

    command(
        "migrate",
        cmd_migrate,
        "bring the database up to this version (once, before the new servers start)",
    ).set_defaults(schema="none")

    backup = command(
        "backup",
        cmd_backup,
        "copy the database into one file (the field encryption keys are not in it)",
    )
    backup.add_argument("--out", required=True, metavar="FILE", help="the backup file to write")
    # A backup is of the database as it is: an upgraded program must not migrate it first.
    backup.set_defaults(schema="none")

    restore = command(
        "restore",
        cmd_restore,
        "replace the database with a backup made by tiptracker backup",
    )
    restore.add_argument("file", metavar="FILE", help="a file made by tiptracker backup")
    restore.add_argument(
        "--force", action="store_true", help="replace a database that already holds data"
    )
    restore.set_defaults(schema="apply")

    totp = command("totp-code", cmd_totp_code, "print a demo login's current authenticator code")
    totp.add_argument("email", help="a login of the demo, e.g. le-coordinator@dundee.demo")

    rotate = command(
        "rotate-keys",
        cmd_rotate_keys,
        "re-encrypt every encrypted field with the current (first) field encryption key",
    )
    rotate.add_argument(
        "--batch-size", type=int, default=500, metavar="N", help="rows per batch (default 500)"
    )
    return parser


def _baseline(text: str) -> int:
    try:
        points = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if points < 2:
        raise argparse.ArgumentTypeError("a baseline needs at least 2 points")
    return points


def main(argv: list[str] | None = None) -> int:
    # The help needs the role names, which are plain constants: no database is touched.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiptracker.settings")
    import django

    django.setup()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        schema = getattr(args, "schema", "check")
        if schema != "none":
            setup_django(schema)
        return int(args.handler(args))
    except UserError as error:
        print(f"tiptracker: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def entry() -> NoReturn:
    try:
        sys.exit(main())
    except BrokenPipeError:
        # Output piped into `head` and the reader went away: not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
