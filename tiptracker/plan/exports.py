"""The whole plan as a spreadsheet (one sheet each for actions, priorities and progress
updates) and as a Word document with real headings and tables."""

import io
from collections.abc import Sequence

from django.http import HttpResponse
from django.utils.text import slugify
from docx import Document
from openpyxl import Workbook

from tiptracker.lib.dates import today
from tiptracker.lib.exports import neutralise, printable
from tiptracker.partnerships.models import Partnership
from tiptracker.plan.selectors import plan_now

ACTION_HEADER = [
    "Phase",
    "Priority",
    "Action",
    "Description",
    "Owner",
    "Lead organisation",
    "Start date",
    "Due date",
    "Status",
    "Flag",
    "Evidence",
    "Latest update",
]


def _date(value: object) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def plan_rows(partnership: Partnership) -> tuple[list[list[object]], list, list[list[object]]]:
    """(action rows, priorities, update rows) for both exports."""
    on = today()
    view = plan_now(partnership.pk, on=on, with_updates=True)
    actions: list[list[object]] = []
    updates: list[list[object]] = []
    for group in view.phases:
        for action in group.actions:
            evidence = (
                [f"Course: {c.title}" for c in action.courses.all()]
                + [f"Session: {s}" for s in action.sessions.all()]
                + [f"Resource: {r.title}" for r in action.resources.all()]
            )
            latest = next(iter(action.updates.all()), None)
            flag = "Overdue" if action.overdue else "Due soon" if action.due_soon else ""  # type: ignore[attr-defined]
            actions.append(
                [
                    str(group.phase) if group.phase else "",
                    str(action.priority) if action.priority else "",
                    action.title,
                    action.description,
                    action.owner_name,
                    action.lead_organisation.name if action.lead_organisation else "",
                    _date(action.start_date),
                    _date(action.due_date),
                    action.get_status_display(),
                    flag,
                    "; ".join(evidence),
                    f"{latest.written_on:%d/%m/%Y} {latest.author_name}: {latest.text}"
                    if latest
                    else "",
                ]
            )
            updates.extend(
                [action.title, _date(u.written_on), u.author_name, u.text]
                for u in action.updates.all()
            )
    return actions, view.priorities, updates


def plan_xlsx(partnership: Partnership) -> bytes:
    actions, priorities, updates = plan_rows(partnership)
    book = Workbook(write_only=True)
    _sheet(book, "Actions", ACTION_HEADER, actions)
    _sheet(
        book,
        "Priorities",
        ["Financial year", "Number", "Priority", "Description"],
        [[p.financial_year, p.number, p.title, p.description] for p in priorities],
    )
    _sheet(book, "Progress updates", ["Action", "Date", "Author", "Update"], updates)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: list) -> None:
    sheet = book.create_sheet(title=title)
    sheet.append(list(header))
    for row in rows:
        sheet.append([neutralise(v) for v in row])


def plan_docx(partnership: Partnership) -> bytes:
    on = today()
    view = plan_now(partnership.pk, on=on)
    document = Document()
    document.core_properties.title = f"{partnership.name}: implementation plan"
    document.add_heading(
        printable(f"{partnership.name}: trauma-informed implementation plan"), level=0
    )
    document.add_paragraph(f"As it stood on {on:%-d %B %Y}.")
    if view.priorities:
        document.add_heading("Priorities", level=1)
        for year in view.years:
            document.add_heading(f"Priorities for {year}", level=2)
            for priority in (p for p in view.priorities if p.financial_year == year):
                document.add_paragraph(printable(f"{priority.number}. {priority.title}"))
    for group in view.phases:
        document.add_heading(
            printable(str(group.phase)) if group.phase else "Actions in no phase", level=1
        )
        if group.phase and group.phase.description:
            document.add_paragraph(printable(group.phase.description))
        if not group.actions:
            document.add_paragraph("No actions in this phase.")
            continue
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            ["Action", "Owner", "Lead organisation", "Due", "Status"],
            strict=True,
        ):
            cell.text = text
        _repeat_header(table)
        for action in group.actions:
            flag = " (overdue)" if action.overdue else " (due soon)" if action.due_soon else ""  # type: ignore[attr-defined]
            cells = table.add_row().cells
            cells[0].text = printable(action.title)
            cells[1].text = printable(action.owner_name)
            cells[2].text = printable(
                action.lead_organisation.name if action.lead_organisation else ""
            )
            cells[3].text = _date(action.due_date)
            cells[4].text = action.get_status_display() + flag
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _repeat_header(table) -> None:  # type: ignore[no-untyped-def]
    """Mark the first row as a header row: screen readers announce it, Word repeats it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

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
