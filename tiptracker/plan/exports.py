"""The whole plan as a spreadsheet (one sheet each for actions, priorities and progress
updates, dates as dates, a filter on every column) and as a Word document with real
headings: phases, then each action with its details, evidence and latest update."""

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.text import slugify
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tiptracker.lib.dates import today
from tiptracker.lib.exports import printable, xlsx_cell
from tiptracker.partnerships.models import Partnership
from tiptracker.plan.models import Action, Priority, ProgressUpdate
from tiptracker.plan.selectors import PlanView, plan_now

ACTION_COLUMNS = [
    ("Phase", 30),
    ("Priority", 40),
    ("Action", 45),
    ("Description", 50),
    ("Owner", 25),
    ("Lead organisation", 30),
    ("Start date", 12),
    ("Due date", 12),
    ("Status", 12),
    ("Flag", 10),
    ("Evidence", 50),
    ("Latest update", 60),
]


@dataclass
class PlanExport:
    """The plan gathered once for both files."""

    on: dt.date
    view: PlanView

    @property
    def actions(self) -> list[tuple[str, Action]]:
        return [
            (str(group.phase) if group.phase else "", action)
            for group in self.view.phases
            for action in group.actions
        ]


def gather(partnership: Partnership) -> PlanExport:
    on = today()
    return PlanExport(on=on, view=plan_now(partnership.pk, on=on, with_updates=True))


def evidence(action: Action) -> list[str]:
    return (
        [f"Course: {c.title}" for c in action.courses.all()]
        + [f"Session: {s}" for s in action.sessions.all()]
        + [f"Resource: {r.title}" for r in action.resources.all()]
    )


def latest_update(action: Action) -> ProgressUpdate | None:
    return next(iter(action.updates.all()), None)


def flag(action: Action) -> str:
    return "Overdue" if action.overdue else "Due soon" if action.due_soon else ""  # type: ignore[attr-defined]


# The spreadsheet ------------------------------------------------------------------------------


def plan_xlsx(partnership: Partnership) -> bytes:
    plan = gather(partnership)
    book = Workbook(write_only=True)
    rows: list[list[object]] = []
    updates: list[list[object]] = []
    for phase, action in plan.actions:
        latest = latest_update(action)
        rows.append(
            [
                phase,
                str(action.priority) if action.priority else "",
                action.title,
                action.description,
                action.owner_name,
                action.lead_organisation.name if action.lead_organisation else "",
                action.start_date,
                action.due_date,
                action.get_status_display(),
                flag(action),
                "; ".join(evidence(action)),
                f"{latest.written_on:%d/%m/%Y} {latest.author_name}: {latest.text}"
                if latest
                else "",
            ]
        )
        updates.extend(
            [action.title, u.written_on, u.author_name, u.text] for u in action.updates.all()
        )
    _sheet(book, "Actions", ACTION_COLUMNS, rows)
    _sheet(
        book,
        "Priorities",
        [("Financial year", 14), ("Number", 8), ("Priority", 80), ("Description", 60)],
        [[p.financial_year, p.number, p.title, p.description] for p in plan.view.priorities],
    )
    _sheet(
        book,
        "Progress updates",
        [("Action", 45), ("Date", 12), ("Author", 25), ("Update", 80)],
        updates,
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book: Workbook, title: str, columns: Sequence[tuple[str, int]], rows: list) -> None:
    """A sheet with a bold header row that stays in view, widths to read by, and a filter."""
    sheet = book.create_sheet(title=title)
    sheet.freeze_panes = "A2"
    for number, (_name, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    header = []
    for name, _width in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])


def _cell(sheet, value: object) -> object:  # type: ignore[no-untyped-def]
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return xlsx_cell(sheet, value)


# The Word document ----------------------------------------------------------------------------


def plan_docx(partnership: Partnership) -> bytes:
    plan = gather(partnership)
    document = Document()
    document.core_properties.title = printable(f"{partnership.name}: implementation plan")
    document.add_heading(
        printable(f"{partnership.name}: trauma-informed implementation plan"), level=0
    )
    document.add_paragraph(f"As it stood on {plan.on:%-d %B %Y}.")
    _priorities(document, plan.view.priorities, plan.view.years)
    for group in plan.view.phases:
        document.add_heading(
            printable(str(group.phase)) if group.phase else "Actions in no phase", level=1
        )
        if group.phase and group.phase.description:
            document.add_paragraph(printable(group.phase.description))
        if not group.actions:
            document.add_paragraph("No actions in this phase.")
        for action in group.actions:
            _action(document, action)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _priorities(document, priorities: list[Priority], years: list[str]) -> None:  # type: ignore[no-untyped-def]
    if not priorities:
        return
    document.add_heading("Priorities", level=1)
    for year in years:
        document.add_heading(f"Priorities for {year}", level=2)
        for priority in (p for p in priorities if p.financial_year == year):
            document.add_paragraph(printable(f"{priority.number}. {priority.title}"))


def _action(document, action: Action) -> None:  # type: ignore[no-untyped-def]
    document.add_heading(printable(action.title), level=2)
    if action.description:
        document.add_paragraph(printable(action.description))
    status = action.get_status_display() + (f" ({flag(action).lower()})" if flag(action) else "")
    details = [
        ("Priority", str(action.priority) if action.priority else "None"),
        ("Owner", action.owner_name),
        (
            "Lead organisation",
            action.lead_organisation.name if action.lead_organisation else "None",
        ),
        ("Start date", f"{action.start_date:%-d %B %Y}" if action.start_date else "Not set"),
        ("Due date", f"{action.due_date:%-d %B %Y}" if action.due_date else "Not set"),
        ("Status", status),
        ("Evidence", "; ".join(evidence(action)) or "None linked"),
    ]
    latest = latest_update(action)
    if latest:
        details.append(
            ("Latest update", f"{latest.written_on:%-d %B %Y}, {latest.author_name}: {latest.text}")
        )
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Detail", "Value"
    _repeat_header(table)
    for label, value in details:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, printable(value)


def _repeat_header(table) -> None:  # type: ignore[no-untyped-def]
    """Mark the first row as a header row: screen readers announce it, Word repeats it."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def download(partnership: Partnership, *, kind: str) -> HttpResponse:
    name = f"{slugify(partnership.name)}-plan-{today():%Y-%m-%d}.{kind}"
    if kind == "xlsx":
        content = plan_xlsx(partnership)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = plan_docx(partnership)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
