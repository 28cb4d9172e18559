"""The `tiptracker` command (formats.md: command line).

Every sub-command reads DATABASE_URL (default: a SQLite file in the current directory),
creates the schema on first use, exits 0 on success and non-zero on failure, and reports
a user's mistake as one plain sentence on stderr, never a traceback.
"""

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from tiptracker.lib.user_error import UserError


def _setup_django(schema: str = "check") -> None:
    """Django, and the database's schema as the command needs it: "apply" brings it up to
    date (demo, serve, restore); "check" (every other command) creates it on first use, as
    formats.md promises, but refuses to run on a schema an upgrade has left behind, naming
    the command that brings it up to date (an upgrade migrates once, on purpose, not as a
    side effect of whichever command runs first)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiptracker.settings")
    import django

    django.setup()
    pending, fresh = _pending()
    if not pending:
        return
    if schema == "apply" or fresh:
        _migrate()
        return
    raise UserError(
        f"the database ({_database_label()}) is not up to date with this version of "
        f"TIP Tracker ({len(pending)} change{'s' if len(pending) != 1 else ''} to its schema "
        "waiting): run `tiptracker migrate` first (after `tiptracker backup`, if it holds data)"
    )


def _pending() -> tuple[list, bool]:
    """The migrations not yet applied, and whether none has been (a new database)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        fresh = not executor.loader.applied_migrations
    except Exception as error:  # noqa: BLE001 - any failure to reach the database is the user's to fix
        raise UserError(f"cannot open the database ({_database_label()}): {error}") from None
    return pending, fresh


def _migrate() -> int:
    """Apply the migrations not yet applied; returns how many there were."""
    from django.core.management import call_command

    pending, _fresh = _pending()
    if pending:
        call_command("migrate", verbosity=0, interactive=False)
    return len(pending)


def _database_label() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return str(Path.cwd() / "tiptracker.sqlite3")
    return url.split("@")[-1]  # never print a password


def _partnership(slug: str) -> Any:
    from tiptracker.partnerships.models import Partnership

    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise UserError(
            f"no partnership '{slug}' (create it with: tiptracker partnership create {slug} --name NAME)"
        )
    return partnership


def _date(text: str) -> dt.date:
    from tiptracker.lib.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# Sub-commands --------------------------------------------------------------------------


def cmd_partnership_create(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from tiptracker.partnerships.services import PartnershipExists, partnership_create

    try:
        partnership = partnership_create(
            slug=args.slug, name=args.name, council=args.council, health_board=args.health_board
        )
    except PartnershipExists as error:
        raise UserError(str(error)) from None
    except ValidationError as error:
        raise UserError("; ".join(error.messages)) from None
    print(f"Created partnership {partnership.slug}: {partnership.name}")
    return 0


def cmd_member_add(args: argparse.Namespace) -> int:
    """An existing account gets the role at once. A new address gets an invitation to set
    its own password (the role comes with it), unless --print-password asks for an account
    with a password shown here (for a first administrator before e-mail is set up)."""
    from django.core.exceptions import ValidationError

    from tiptracker.accounts import invitations
    from tiptracker.partnerships.services import member_add

    partnership = _partnership(args.partnership)
    email = args.email.strip().lower()
    try:
        if not args.print_password and not invitations.account_exists(email):
            invitations.invitation_create(partnership=partnership, email=email, role=args.role)
            print(
                f"{email} has no account yet: an invitation to join {partnership.slug} as "
                f"{_role_label(args.role)} has been e-mailed to them (the link works for "
                "7 days; they choose their own password)."
            )
            return 0
        membership, password = member_add(
            partnership=partnership, email=email, role=args.role, by_name="the tiptracker command"
        )
    except ValidationError as error:
        raise UserError("; ".join(error.messages)) from None
    print(
        f"{membership.user.email} is now {membership.get_role_display()} in {membership.partnership.slug}"
    )
    if password:
        print(
            f"New account: log in with {membership.user.email} and the password {password} (change it after)"
        )
    return 0


def _role_label(role: str) -> str:
    from tiptracker.partnerships.models import Role

    return Role(role).label.lower()


def cmd_member_invite(args: argparse.Namespace) -> int:
    """Invite one address, or queue invitations for the staff of a team, an organisation or
    the whole partnership who have an e-mail address and no account (the worker sends them)."""
    from django.core.exceptions import ValidationError

    from tiptracker.accounts import invitations
    from tiptracker.workforce.models import StaffMember

    chosen = [bool(args.email), bool(args.team or args.organisation), args.all_staff]
    if sum(chosen) != 1:
        raise UserError(
            "say whom to invite: --email ADDRESS, --team NAME, --organisation NAME or --all-staff"
        )
    partnership = _partnership(args.partnership)
    if args.email:
        try:
            invited = invitations.invitation_create(
                partnership=partnership, email=args.email, role=args.role
            )
        except ValidationError as error:
            raise UserError("; ".join(error.messages)) from None
        again = "" if invited.new else " again, with a new link"
        print(f"Invitation e-mailed to {invited.invitation.email}{again} (valid for 7 days)")
        return 0
    staff = StaffMember.objects.filter(partnership=partnership)
    described = "all staff"
    if args.organisation:
        organisation = partnership.organisations.filter(name__iexact=args.organisation).first()
        if organisation is None:
            raise UserError(f"no organisation '{args.organisation}' in {partnership.slug}")
        staff, described = staff.filter(organisation=organisation), organisation.name
    if args.team:
        teams = partnership.teams.filter(name__iexact=args.team).select_related("organisation")
        if args.organisation:
            teams = teams.filter(organisation__name__iexact=args.organisation)
        found = list(teams[:10])
        if not found:
            raise UserError(f"no team '{args.team}' in {partnership.slug}")
        if len(found) > 1:
            names = ", ".join(sorted(t.organisation.name for t in found))
            raise UserError(
                f"there are teams called '{args.team}' in several organisations ({names}): "
                "say which with --organisation"
            )
        staff, described = staff.filter(team=found[0]), f"the {found[0].name} team"
    queued = invitations.invitations_create_for_staff(partnership=partnership, staff=staff, by=None)
    print(
        f"Queued {queued:,} invitation{'s' if queued != 1 else ''} for {described} "
        "(staff with an e-mail address and no account). The worker (tiptracker send-due) "
        "sends them."
    )
    return 0


def cmd_partnership_sso(args: argparse.Namespace) -> int:
    from tiptracker.partnerships.services import partnership_sso_staff_set

    partnership = _partnership(args.slug)
    allowed = args.staff == "on"
    partnership_sso_staff_set(partnership=partnership, allowed=allowed)
    if allowed:
        print(
            f"{partnership.slug}: people with a staff record may sign in with their "
            "organisation's account and get the staff role"
        )
    else:
        print(f"{partnership.slug}: only members may sign in (staff records give no account)")
    return 0


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


def cmd_import(args: argparse.Namespace) -> int:
    from tiptracker.imports.services import ImportRefused, import_path

    partnership = _partnership(args.partnership)
    try:
        _run, result = import_path(
            partnership=partnership,
            kind=args.kind,
            path=Path(args.file),
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
            rejects_path=Path(args.rejects) if args.rejects else None,
        )
    except ImportRefused as refused:
        raise UserError(f"{args.file}: {refused}; nothing was imported") from None
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}")
    for problem in result.problems:
        print(str(problem), file=sys.stderr)
    if result.rows_invalid > len(result.problems):
        print("(only the first problems are listed)", file=sys.stderr)
    summary = f"{args.kind}: {result.rows_total} rows, {result.rows_valid} valid, {result.rows_invalid} invalid"
    if result.written:
        print(
            f"{summary}; imported: {result.created} new, {result.updated} updated, {result.unchanged} unchanged"
        )
        return 0
    if args.dry_run:
        print(f"{summary}; dry run: nothing was written")
        return 1 if result.rows_invalid else 0
    print(
        f"{summary}; nothing was imported because of the invalid rows (use --skip-invalid to import the rest)",
        file=sys.stderr,
    )
    return 1


def cmd_coverage(args: argparse.Namespace) -> int:
    from tiptracker.lib.dates import today
    from tiptracker.lib.exports import to_csv
    from tiptracker.lib.numbers import thousands
    from tiptracker.training.coverage import coverage

    partnership = _partnership(args.partnership)
    as_of = args.as_of or today()
    result = coverage(
        partnership_id=partnership.id, partnership_slug=partnership.slug, as_of=as_of, by=args.by
    )
    if args.format == "json":
        print(json.dumps(result.as_json(), indent=2))
        return 0
    by_team = args.by == "team"
    header = ["organisation", *(["team"] if by_team else []), "level", "needed", "met", "percent"]

    def figures(r: Any) -> list:
        return [r.level.slug, r.needed, r.met, "" if r.percent is None else f"{r.percent:.1f}"]

    table = [[r.organisation, *([r.team] if by_team else []), *figures(r)] for r in result.rows]
    totals = [["All", *([""] if by_team else []), *figures(r)] for r in result.totals]
    if args.format == "csv":
        sys.stdout.write(to_csv(header, table + totals).decode("utf-8-sig"))
        return 0
    print(f"Coverage for {partnership.name} on {as_of:%-d %B %Y}")
    # The table is for people: counts with thousands separators (CSV and JSON stay plain).
    lines = [header, *table, *totals]
    widths = [max(len(thousands(line[i])) for line in lines) for i in range(len(header))]
    for n, line in enumerate(lines):
        print(
            "  ".join(
                thousands(v).rjust(w) if isinstance(v, int) else str(v).ljust(w)
                for v, w in zip(line, widths, strict=True)
            ).rstrip()
        )
        if n == 0 or (table and n == len(table)):
            print("  ".join("-" * w for w in widths))
    return 0


REPORT_FORMATS = (".docx", ".pdf", ".html")


def cmd_report(args: argparse.Namespace) -> int:
    """The board progress report for a period, drafted from the data, as Word, PDF or HTML
    (by the output file's ending)."""
    from django.core.exceptions import ValidationError

    from tiptracker.lib.dates import today
    from tiptracker.reporting.draft import report_draft
    from tiptracker.reporting.figures import report_figures
    from tiptracker.reporting.render import report_html, report_pdf
    from tiptracker.reporting.word_template import report_template_for, word_in_template

    out = Path(args.out)
    if out.suffix.lower() not in REPORT_FORMATS:
        raise UserError(
            f"--out {out.name}: the file must end in .docx, .pdf or .html (the format follows it)"
        )
    if args.to < args.start:
        raise UserError(
            f"the period ends ({args.to:%-d %B %Y}) before it starts ({args.start:%-d %B %Y})"
        )
    if args.to > today():
        raise UserError(
            f"the period ends in the future ({args.to:%-d %B %Y}): a report covers what has "
            "happened, up to today at the latest"
        )
    partnership = _partnership(args.partnership)
    figures = report_figures(partnership_id=partnership.pk, start=args.start, end=args.to)
    report = _with_cover(report_draft(figures), args)
    if out.suffix.lower() == ".docx":
        try:
            content = word_in_template(report, report_template_for(partnership.pk), partnership.pk)
        except ValidationError as problem:
            raise UserError(" ".join(problem.messages)) from None
    elif out.suffix.lower() == ".pdf":
        content = report_pdf(report)
    else:
        content = report_html(report).encode("utf-8")
    try:
        out.write_bytes(content)
    except OSError as problem:
        raise UserError(f"could not write {out}: {problem.strerror}") from None
    print(f"Wrote the board report for {partnership.name}, {args.start} to {args.to}: {out}")
    return 0


# The cover's options -> the report's fields (reporting.cover.COVER_FIELDS).
REPORT_COVER = {
    "number": "reference",
    "report_to": "report_to",
    "meeting_date": "meeting_date",
    "report_by": "report_by",
    "author": "author_name",
    "author_designation": "author_designation",
    "date": "report_date",
}


def _with_cover(report, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The drafted report with the cover and close given as options, checked by the same
    rules as on a report's page."""
    from dataclasses import replace

    from django.core.exceptions import ValidationError

    from tiptracker.reporting.cover import REPORT_TO, cover_checked, with_cover

    given = {
        field: getattr(args, option)
        for option, field in REPORT_COVER.items()
        if getattr(args, option) is not None
    }
    try:
        checked = cover_checked(args.to, given)
    except ValidationError as problem:
        option = {field: option for option, field in REPORT_COVER.items()}
        raise UserError(
            "; ".join(
                f"--{option[field].replace('_', '-')}: {message}"
                for field, messages in problem.message_dict.items()
                for message in messages
            )
        ) from None
    return with_cover(replace(report, report_to=REPORT_TO), checked)


def cmd_demo(args: argparse.Namespace) -> int:
    from tiptracker.demo.loader import demo_load

    _demo_keys(_demo_key_file())
    if not args.no_serve:
        _site_url_for_server(
            args.host, args.port
        )  # the demo's e-mails link to the server it starts
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
    return _serve(args.host, args.port)


def _demo_key_file() -> Path:
    """Beside the demo's SQLite database (git-ignored: *.field-keys), or in the current
    directory for another database."""
    from django.db import connection

    if connection.vendor == "sqlite":
        database = Path(str(connection.settings_dict["NAME"]))
        return (database.parent / f"{database.name}.field-keys").resolve()
    return Path.cwd() / "tiptracker-demo.field-keys"


def _demo_keys(path: Path) -> None:
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


def _site_url_for_server(host: str, port: int) -> None:
    """Links in e-mails (the worker's too) point at this server unless SITE_URL says otherwise."""
    from django.conf import settings

    if not os.environ.get("SITE_URL"):
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - a name to show
        os.environ["SITE_URL"] = settings.SITE_URL = f"http://{shown}:{port}"


def _serve(host: str, port: int, *, worker: bool = True) -> int:
    from tiptracker.lib.crypto import KeyProblem, check_stored
    from tiptracker.server import run_server, supervise

    # Without keys that work and read what is stored, the web app does not start: it would
    # fail on every route page, or write data a later key cannot read.
    try:
        check_stored()
    except KeyProblem as problem:
        raise UserError(f"the web app will not start: {problem}") from None
    _site_url_for_server(host, port)
    if not worker:
        run_server(host=host, port=port)
        return 0
    # The worker (queued imports, e-mails, the scheduled passes) runs beside the web server,
    # as in production, restarted whenever it stops and stopped with the server.
    me = [sys.executable, "-m", "tiptracker.cli"]
    print(f"TIP Tracker is running at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    return supervise(
        [*me, "serve", "--no-worker", "--host", host, "--port", str(port)],
        [*me, "worker"],
        log=lambda line: print(line, file=sys.stderr, flush=True),
    )


def cmd_serve(args: argparse.Namespace) -> int:
    return _serve(args.host, args.port, worker=not args.no_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    from tiptracker.worker import run_worker

    return run_worker(batch=args.batch)


def cmd_send_due(args: argparse.Namespace) -> int:
    from tiptracker.worker import run_due, run_worker

    if args.loop:
        return run_worker()  # the old way to run a worker: `tiptracker worker` now
    done = run_due()
    print(f"Done: {done} item{'s' if done != 1 else ''} (queued imports and e-mails due)")
    return 0


def cmd_rotate_keys(args: argparse.Namespace) -> int:
    from tiptracker.lib.crypto import KeyProblem, check_keys, encrypted_fields, rotate_model

    try:
        check_keys()
        found = encrypted_fields()
        total = 0
        for model, names in found.items():
            rewritten = rotate_model(model, names, batch_size=args.batch_size)
            total += rewritten
            print(
                f"{model._meta.label}: {rewritten} row{'s' if rewritten != 1 else ''} "
                f"re-encrypted ({', '.join(names)})"
            )
    except KeyProblem as problem:
        # Each model is one transaction: the ones printed above are done, this one is not.
        raise UserError(f"{problem} Nothing more was re-encrypted.") from None
    print(
        f"Done: {total} row{'s' if total != 1 else ''} in {len(found)} "
        f"model{'s' if len(found) != 1 else ''} now encrypted with the current (first) key; "
        "the other keys can be removed"
    )
    return 0


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


def cmd_purge(args: argparse.Namespace) -> int:
    from tiptracker.imports.services import imports_purge

    purged = imports_purge()
    print(
        f"Erased {purged} uploaded import file{'s' if purged != 1 else ''} past their retention period"
    )
    from tiptracker.lived.services import lived_purge

    lived = lived_purge()
    print(
        f"Erased {lived['total']} lived-experience route record(s) past retention; closed "
        f"{lived['closed_idle']} left without a step before consent for too long"
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    applied = _migrate()
    print(
        f"Applied {applied} migration{'s' if applied != 1 else ''}: the database "
        f"({_database_label()}) is up to date"
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """A copy of the database in one file (tiptracker/backup.py); the keys are not in it."""
    from tiptracker.backup import BackupProblem, database_backup

    try:
        made = database_backup(out=Path(args.out))
    except BackupProblem as problem:
        raise UserError(str(problem)) from None
    print(f"Backed up {made.database} to {made.path} ({made.size:,} bytes)")
    print(
        "Encrypted fields are in it encrypted; the field encryption keys are not. Keep the "
        "keys (FIELD_ENCRYPTION_KEYS or FIELD_ENCRYPTION_KEYS_FILE) safe apart from the "
        "backups: a restore needs them to read those fields."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replaces the configured database with a backup (tiptracker/backup.py)."""
    from django.contrib.auth import get_user_model

    from tiptracker.backup import BackupProblem, database_restore
    from tiptracker.lived.models import RouteRecord
    from tiptracker.partnerships.models import Partnership

    try:
        restored = database_restore(source=Path(args.file), force=args.force)
    except BackupProblem as problem:
        raise UserError(str(problem)) from None
    rows = restored.rows
    total = sum(rows.values())
    headline = ", ".join(
        f"{label}: {rows.get(model._meta.db_table, 0):,}"
        for model, label in (
            (Partnership, "partnerships"),
            (get_user_model(), "accounts"),
            (RouteRecord, "lived-experience route records"),
        )
    )
    print(
        f"Restored {args.file} into {restored.database}: {len(rows)} tables, {total:,} rows "
        f"({headline})"
    )
    print(
        "Encrypted fields were restored encrypted. The field encryption keys are never in a "
        "backup: reading those fields needs the keys in use when it was made "
        "(FIELD_ENCRYPTION_KEYS or FIELD_ENCRYPTION_KEYS_FILE)."
    )
    if restored.keys_problem:
        print(f"The keys set here cannot read them yet: {restored.keys_problem}")
    else:
        print("The keys set here read them.")
    if restored.schema_note:
        print(f"Note: {restored.schema_note}.")
    return 0


# Argument parsing ----------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"tiptracker: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tiptracker", description="TIP Tracker: trauma-informed practice, tracked."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

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
        dest="action", required=True, parser_class=_Parser
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

    sso = commands.add_parser(
        "sso",
        help="sign-in providers (OpenID Connect single sign-on)",
        description="sign-in providers (OpenID Connect single sign-on)",
    )
    sso_commands = sso.add_subparsers(dest="action", required=True, parser_class=_Parser)
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
        dest="action", required=True, parser_class=_Parser
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
    member_commands = member.add_subparsers(dest="action", required=True, parser_class=_Parser)
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
    report.add_argument("--from", dest="start", required=True, type=_date, metavar="YYYY-MM-DD")
    report.add_argument("--to", required=True, type=_date, metavar="YYYY-MM-DD")
    report.add_argument(
        "--out", required=True, metavar="FILE", help="FILE.docx, FILE.pdf or FILE.html"
    )
    # The cover and close, as set on a report's page.
    report.add_argument("--number", metavar="TEXT", help="the report number from the clerk")
    report.add_argument(
        "--report-to", metavar="TEXT", help="who it goes to (default: Integration Joint Board)"
    )
    report.add_argument("--meeting-date", type=_date, metavar="YYYY-MM-DD")
    report.add_argument("--report-by", metavar="TEXT", help="who presents it: Chief Officer")
    report.add_argument("--author", metavar="NAME", help="the author's name, at the end")
    report.add_argument("--author-designation", metavar="TEXT")
    report.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="the report's date")

    cov = command("coverage", cmd_coverage, "training coverage against need")
    cov.add_argument("--partnership", required=True, metavar="SLUG")
    cov.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="the date (default: today)")
    # formats.md: `rows` has one entry per organisation and level unless --by team.
    cov.add_argument(
        "--by",
        choices=["organisation", "team"],
        default="organisation",
        help="one row per organisation (the default) or per team",
    )
    cov.add_argument("--format", choices=["table", "csv", "json"], default="table")

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
            _setup_django(schema)
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


if __name__ == "__main__":
    entry()
