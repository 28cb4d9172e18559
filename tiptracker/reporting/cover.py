"""The paper's cover and close: report to and the meeting, report by, the number, the
author's name and designation and the report's date; checked alike on the page, through
the API and on the command line."""

import datetime as dt
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction

from tiptracker.lib.dates import long_date
from tiptracker.lib.exports import one_line
from tiptracker.partnerships.models import Membership
from tiptracker.reporting.document import BoardReport
from tiptracker.reporting.models import Report
from tiptracker.reporting.states import Action, State, locked_error, record_event


def report_reference_set(*, actor: Membership, report: Report, reference: str) -> Report:
    """The board's number for the report (DIJBnn-YYYY, from the clerk), until it is approved."""
    return report_cover_set(actor=actor, report=report, reference=reference)


# The cover and close -------------------------------------------------------------------------

# Report field -> what the cover calls it (messages and history); the texts, then the dates.
COVER_TEXTS = {
    "reference": "Report number",
    "report_to": "Report to",
    "report_by": "Report by",
    "author_name": "Author's name",
    "author_designation": "Author's designation",
}
COVER_DATES = {"meeting_date": "Date of the meeting", "report_date": "Date of the report"}
COVER_FIELDS = COVER_TEXTS | COVER_DATES
# Each text's longest: the report number is the clerk's short code.
COVER_MAX = {"reference": 60} | dict.fromkeys(
    ("report_to", "report_by", "author_name", "author_designation"), 300
)
# What a new draft's "Report to" reads: the board a partnership's progress report goes to.
REPORT_TO = "Integration Joint Board"


def cover_checked(
    period_end: dt.date, values: dict[str, object], current: dict[str, object] | None = None
) -> dict[str, object]:
    """The cover's fields (COVER_FIELDS) trimmed to one line each, or a ValidationError
    naming each field that is wrong. The report is dated on or after its period ends (it
    reports a period that has ended), and the board meets on or after both; `current` holds
    the dates already set, that the ones given are checked with."""
    errors: dict[str, str] = {}
    checked: dict[str, object] = {}
    for name, value in values.items():
        if name in COVER_TEXTS:
            text = one_line(str(value or ""))  # as printed
            if len(text) > COVER_MAX[name]:
                errors[name] = f"{COVER_TEXTS[name]} must be {COVER_MAX[name]} characters or fewer"
            checked[name] = text
        elif name in COVER_DATES:
            checked[name] = value
    dates = (current or {}) | checked
    report_date, meeting_date = dates.get("report_date"), dates.get("meeting_date")
    ended = long_date(period_end)
    if isinstance(report_date, dt.date) and report_date < period_end:
        errors["report_date"] = (
            f"The date of the report must be on or after the period it covers ends ({ended})"
        )
    if isinstance(meeting_date, dt.date):
        if meeting_date < period_end:
            errors["meeting_date"] = (
                "The date of the meeting must be on or after the period the report covers "
                f"ends ({ended})"
            )
        elif isinstance(report_date, dt.date) and meeting_date < report_date:
            if "meeting_date" in values or "report_date" not in values:
                errors["meeting_date"] = (
                    "The date of the meeting must be on or after the date of the report "
                    f"({long_date(report_date)})"
                )
            else:  # only the report's date was given: it is the one out of order
                errors["report_date"] = (
                    "The date of the report must be on or before the meeting's "
                    f"({long_date(meeting_date)})"
                )
    if errors:
        raise ValidationError(errors)
    return checked


def _cover_line(name: str, value: object) -> str:
    if isinstance(value, dt.date):
        value = f"{value:%-d %B %Y}"
    return f"{COVER_FIELDS[name]}: {value or '(none)'}"


@transaction.atomic
def report_cover_set(*, actor: Membership, report: Report, **values: object) -> Report:
    """Set the cover and close (any of COVER_FIELDS; those not given keep theirs), until
    the report is approved. Recorded with what changed; the number's change as "numbered"."""
    unknown = set(values) - set(COVER_FIELDS)
    if unknown:
        raise TypeError(f"not fields of the cover: {', '.join(sorted(unknown))}")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == State.APPROVED:
        raise locked_error(report, "have its cover changed")
    checked = cover_checked(
        report.period_end, values, {name: getattr(report, name) for name in COVER_DATES}
    )
    changed = [name for name, value in checked.items() if getattr(report, name) != value]
    if not changed:
        return report
    for name in changed:
        setattr(report, name, checked[name])
    report.version += 1
    report.save(update_fields=[*changed, "version"])
    action = Action.NUMBERED if changed == ["reference"] else Action.COVERED
    record_event(report, actor, action, [_cover_line(name, checked[name]) for name in changed])
    return report


def with_cover(document: BoardReport, cover: dict[str, object]) -> BoardReport:
    """The document with the cover and close (COVER_FIELDS -> values; blank ones leave the
    drafted reference as it is)."""
    return replace(
        document,
        reference=str(cover.get("reference") or document.reference),
        report_to=str(cover.get("report_to", document.report_to)),
        meeting_date=cover.get("meeting_date"),  # type: ignore[arg-type]
        report_by=str(cover.get("report_by", "")),
        author=str(cover.get("author_name", "")),
        author_designation=str(cover.get("author_designation", "")),
        date=cover.get("report_date"),  # type: ignore[arg-type]
    )
