"""Board report pages: the list with a form to start one, a report (its state, history, what
the last refresh changed, and the report itself), the transitions, and the downloads."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from tiptracker.forms import add_service_error, posted
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.reporting import (
    choices,
    consultations,
    cover,
    lifecycle,
    paper,
    papers,
    render_html,
    render_pdf,
    sections,
    states,
    word_template,
)
from tiptracker.reporting import layout as layouts
from tiptracker.reporting.access import get_report_for_user, reports_for
from tiptracker.reporting.draft import consultations_sentence
from tiptracker.reporting.forms import (
    ChoicesForm,
    ConsultationForm,
    CoverForm,
    ReportForm,
    ReportTemplateForm,
    RiskForm,
    SectionForm,
)
from tiptracker.reporting.models import Report, ReportEvent, ReportTemplate
from tiptracker.reporting.render import outline
from tiptracker.reporting.render_word_template import (
    PLACEHOLDERS,
    REQUIRED_PLACEHOLDERS,
    default_template,
)

READ, EDIT, APPROVE = (
    access.REPORT_READ_ROLES,
    access.REPORT_EDIT_ROLES,
    access.REPORT_APPROVE_ROLES,
)


def _report(membership: Membership, pk: int) -> Report:
    return get_report_for_user(membership, pk)  # type: ignore[no-any-return]


@access.partnership_view(READ)
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest, membership: Membership) -> HttpResponse:
    can_edit = membership.role in EDIT
    form = ReportForm(posted(request))
    if request.method == "POST":
        access.require_role(membership, EDIT)
        if form.is_valid():
            try:
                made = lifecycle.report_create(actor=membership, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Drafted the report from the period's figures.")
                return redirect("report", membership.partnership.slug, made.pk)
    found = reports_for(membership).only(
        "id", "title", "period_start", "period_end", "state", "figures_taken_at"
    )
    return render(
        request, "reporting/reports.html", {"reports": found, "form": form, "can_edit": can_edit}
    )


@access.partnership_view(READ)
def report(
    request: HttpRequest,
    membership: Membership,
    report_pk: int,
    consultation_form: ConsultationForm | None = None,
) -> HttpResponse:
    found = _report(membership, report_pk)
    events = list(found.events.all())
    recorded = list(found.consultations.order_by("id"))
    refreshed = next((e for e in events if e.action == ReportEvent.Action.REFRESHED), None)
    allowed = states.TRANSITIONS[found.state]
    document = paper.report_document(found)
    before, moved = lifecycle.report_comparison(found)
    return render(
        request,
        "reporting/report.html",
        {
            "report": found,
            "body": render_html.report_html(document, standalone=False),
            # For reading: the contents, the approval, and what moved since the last report.
            "contents": [h for h in outline(document) if h.level == 1],
            "approved": next((e for e in events if e.action == ReportEvent.Action.APPROVED), None),
            "previous": before,
            "moved": moved,
            "events": events,
            "refreshed": refreshed,
            "can_refresh": membership.role in EDIT and found.state == Report.State.DRAFT,
            "can_cover": membership.role in EDIT and found.state != Report.State.APPROVED,
            "can_submit": membership.role in EDIT and "submit" in allowed,
            "can_return": membership.role in EDIT and "return" in allowed,
            "can_approve": membership.role in APPROVE and "approve" in allowed,
            "consultations": recorded,
            "consultation_form": consultation_form or ConsultationForm(),
            "can_consult": membership.role in EDIT and found.state != Report.State.APPROVED,
            # 7.1 in the group's own words: the consultees follow it as bullets.
            "consulted_by_hand": consultations.CONSULTED_PARAGRAPH in found.edits,
            "consulted_drafted": consultations_sentence([c.consultee for c in recorded]),
            "editable": [
                (h.section.number, h.text)
                # Left-out paragraphs too: a section can be reached to bring them back.
                for h in outline(paper.report_document(found, keep_hidden=True))
                if h.section.paragraphs
            ]
            if membership.role in EDIT and found.state == Report.State.DRAFT
            else [],
        },
    )


@access.partnership_view(EDIT)
@require_http_methods(["GET", "POST"])
def report_section_edit(
    request: HttpRequest, membership: Membership, report_pk: int, number: str
) -> HttpResponse:
    """The words of one section, saved from the version read (no lost updates: a save over
    someone else's shows both versions, and keeps what this person typed)."""
    found = _report(membership, report_pk)
    section = paper.report_section(found, number, keep_hidden=True)
    if section is None or not section.paragraphs:
        raise Http404("No such section")
    hidden = set(layouts.read(found.layout)["hidden"])
    if found.state != Report.State.DRAFT:
        messages.error(
            request,
            "Only a draft can be edited: this report is " + found.get_state_display().lower() + ".",
        )
        return _back(membership, found)
    data = posted(request)
    form = SectionForm(
        data, paragraphs=section.paragraphs, hidden=hidden, initial={"version": found.version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            sections.report_section_edit(
                actor=membership,
                report=found,
                number=number,
                texts=form.texts(),
                version=form.cleaned_data["version"],
                **form.layout(),
            )
        except sections.EditConflict as clash:
            saved = paper.report_section(clash.current, number, keep_hidden=True)
            saved_texts = {p.ident: p.text for p in saved.paragraphs} if saved else {}
            conflict = {
                "change": {"actor_name": clash.event.by_name, "at": clash.event.at}
                if clash.event
                else None,
                "rows": [
                    (
                        f"Paragraph {form.name_of(p)}",
                        form.texts()[p.ident],
                        saved_texts.get(p.ident, ""),
                        form.texts()[p.ident].strip() != saved_texts.get(p.ident, ""),
                    )
                    for p in section.paragraphs
                ],
            }
            # Saving again now saves this person's version, on purpose, over the one shown.
            again = request.POST.copy()
            again["version"] = str(clash.current.version)
            # Its rows follow their paragraphs as they are now (matched by ident).
            form = SectionForm(
                again,
                paragraphs=saved.paragraphs if saved else section.paragraphs,
                hidden=set(layouts.read(clash.current.layout)["hidden"]),
            )
        except ValidationError as error:
            add_service_error(form, error, fields=form.field_of())
        else:
            messages.success(request, f"Saved the words of section {number}.")
            return redirect(
                f"{reverse('report', args=[membership.partnership.slug, found.pk])}"
                f"#section-{number.replace('.', '-')}"
            )
    return render(
        request,
        "reporting/section_edit.html",
        {"report": found, "section": section, "form": form, "conflict": conflict},
    )


def _back(membership: Membership, found: Report) -> HttpResponse:
    return redirect("report", membership.partnership.slug, found.pk)


def _to_consultations(membership: Membership, found: Report) -> HttpResponse:
    return redirect(
        f"{reverse('report', args=[membership.partnership.slug, found.pk])}#consultations"
    )


@access.partnership_view(EDIT)
@require_POST
def report_consultations(
    request: HttpRequest, membership: Membership, report_pk: int
) -> HttpResponse:
    """Record a consultation; a mistake is shown on the report page, and nothing is saved."""
    found = _report(membership, report_pk)
    form = ConsultationForm(request.POST)
    if form.is_valid():
        try:
            made = consultations.consultation_add(
                actor=membership, report=found, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Recorded that {made.consultee} was consulted.")
            return _to_consultations(membership, found)
    return report(request, membership.partnership.slug, report_pk, consultation_form=form)


@access.partnership_view(EDIT)
@require_POST
def report_consultation_remove(
    request: HttpRequest, membership: Membership, report_pk: int, consultation_pk: int
) -> HttpResponse:
    found = _report(membership, report_pk)
    consultation = found.consultations.filter(pk=consultation_pk).first()
    if consultation is None:
        # Most likely the remove button pressed twice: say so rather than a 404.
        messages.error(
            request,
            "That consultation is not recorded on this report: it may have been removed already.",
        )
        return _to_consultations(membership, found)
    try:
        consultations.consultation_remove(actor=membership, report=found, consultation=consultation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed the consultation with {consultation.consultee}.")
    return _to_consultations(membership, found)


@access.partnership_view(EDIT)
@require_http_methods(["GET", "POST"])
def report_cover(request: HttpRequest, membership: Membership, report_pk: int) -> HttpResponse:
    """The paper's cover and close, until the report is approved."""
    found = _report(membership, report_pk)
    if found.state == Report.State.APPROVED:
        messages.error(request, "The report is approved, so its cover is locked.")
        return _back(membership, found)
    initial = {name: getattr(found, name) for name in cover.COVER_FIELDS}
    form = CoverForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cover.report_cover_set(actor=membership, report=found, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Saved the cover and close.")
            return _back(membership, found)
    return render(request, "reporting/cover.html", {"report": found, "form": form})


def _choices_page(
    request: HttpRequest,
    membership: Membership,
    found: Report,
    form: ChoicesForm | None = None,
    risk_form: RiskForm | None = None,
) -> HttpResponse:
    document = paper.report_document(found)
    offered = choices.previous_reports(found)
    chosen = [paper["title"] for paper in found.background_papers]
    form = form or ChoicesForm(
        initial={
            "impact_assessed": "yes" if found.impact_assessed else "no",
            "impact_summary": found.impact_summary,
            "impact_link": found.impact_link,
            "direction": found.direction,
            "previous": [title for title in offered if title in chosen],
            "other_papers": papers.papers_as_lines(
                [p for p in found.background_papers if p["title"] not in offered]
            ),
        },
        directions=papers.direction_choices(document),
        previous=offered,
    )
    risks = [
        {
            "description": risk["description"],
            "before": papers.rating_text(risk["likelihood"], risk["impact"]),
            "mitigations": risk["mitigations"],
            "after": papers.rating_text(risk["planned_likelihood"], risk["planned_impact"]),
        }
        for risk in found.risks
    ]
    return render(
        request,
        "reporting/choices.html",
        {
            "report": found,
            "form": form,
            "risk_form": risk_form or RiskForm(),
            "risks": risks,
            # The paragraphs these choices draft that the clerk has written words for.
            "own_words": [n for n in ("5.1", "6.1", "9.1") if n in found.edits],
        },
    )


def _choices_open(request: HttpRequest, membership: Membership, found: Report) -> bool:
    if found.state == Report.State.APPROVED:
        messages.error(request, "The report is approved, so its sections are locked.")
        return False
    return True


@access.partnership_view(EDIT)
@require_http_methods(["GET", "POST"])
def report_choices(request: HttpRequest, membership: Membership, report_pk: int) -> HttpResponse:
    """Sections 5, 6, 8 and 9: the impact assessment, the risks, the direction and the
    background papers, until the report is approved."""
    found = _report(membership, report_pk)
    if not _choices_open(request, membership, found):
        return _back(membership, found)
    if request.method == "GET":
        return _choices_page(request, membership, found)
    form = ChoicesForm(
        request.POST,
        directions=papers.direction_choices(paper.report_document(found)),
        previous=choices.previous_reports(found),
    )
    if form.is_valid():
        try:
            choices.report_choices_set(actor=membership, report=found, **form.values())
        except ValidationError as error:
            add_service_error(form, error, fields={"background_papers": "other_papers"})
        else:
            messages.success(request, "Saved the impact assessment, direction and papers.")
            return _back(membership, found)
    return _choices_page(request, membership, found, form=form)


def _risks_url(membership: Membership, found: Report) -> HttpResponse:
    return redirect(
        reverse("report_choices", args=[membership.partnership.slug, found.pk]) + "#risks"
    )


@access.partnership_view(EDIT)
@require_POST
def report_risks(request: HttpRequest, membership: Membership, report_pk: int) -> HttpResponse:
    """Add a risk to section 6's table, or (with `remove`, its place) take one off."""
    found = _report(membership, report_pk)
    if not _choices_open(request, membership, found):
        return _back(membership, found)
    if "remove" in request.POST:
        place = request.POST["remove"]
        try:
            removed = choices.risk_remove(
                actor=membership,
                report=found,
                place=int(place) if place.isdigit() else -1,
                description=request.POST.get("description", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Removed the risk: {removed}")
        return _risks_url(membership, found)
    form = RiskForm(request.POST)
    if form.is_valid():
        try:
            choices.risk_add(actor=membership, report=found, risk=form.cleaned_data)
        except ValidationError as error:
            # The list's place ("risks.3.planned_impact") is this form's field.
            for field, problems in getattr(error, "message_dict", {None: error.messages}).items():
                name = field.rsplit(".", 1)[-1] if field else None
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, "Added the risk.")
            return _risks_url(membership, found)
    return _choices_page(request, membership, found, risk_form=form)


@access.partnership_view(EDIT)
@require_POST
def report_refresh(request: HttpRequest, membership: Membership, report_pk: int) -> HttpResponse:
    found = _report(membership, report_pk)
    try:
        changes = lifecycle.report_refresh(actor=membership, report=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Refreshed the figures: {len(changes):,} changed (listed below)."
            if changes
            else "Refreshed the figures: nothing had changed.",
        )
    return _back(membership, found)


def _transition(request: HttpRequest, membership: Membership, pk: int, name: str) -> HttpResponse:
    found = _report(membership, pk)
    try:
        lifecycle.report_transition(actor=membership, report=found, transition=name)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The report is {states.DONE[name]}.")
    return _back(membership, found)


@access.partnership_view(EDIT)
@require_POST
def report_submit(request: HttpRequest, membership: Membership, report_pk: int) -> HttpResponse:
    return _transition(request, membership, report_pk, "submit")


@access.partnership_view(EDIT)
@require_POST
def report_return(request: HttpRequest, membership: Membership, report_pk: int) -> HttpResponse:
    return _transition(request, membership, report_pk, "return")


@access.partnership_view(APPROVE)
@require_POST
def report_approve(request: HttpRequest, membership: Membership, report_pk: int) -> HttpResponse:
    return _transition(request, membership, report_pk, "approve")


def _download(found: Report, content: bytes, ending: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    filename = lifecycle.report_filename(found, ending)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access.partnership_view(READ)
def report_docx(request: HttpRequest, membership: Membership, report_pk: int) -> HttpResponse:
    found = _report(membership, report_pk)
    try:
        content = word_template.report_word(found)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect("report", membership.partnership.slug, found.pk)
    return _download(
        found,
        content,
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@access.partnership_view(READ)
def report_pdf(request: HttpRequest, membership: Membership, report_pk: int) -> HttpResponse:
    found = _report(membership, report_pk)
    return _download(
        found, render_pdf.report_pdf(paper.report_document(found)), "pdf", "application/pdf"
    )


@access.partnership_view(READ)
def report_html(request: HttpRequest, membership: Membership, report_pk: int) -> HttpResponse:
    found = _report(membership, report_pk)
    return _download(
        found,
        render_html.report_html(paper.report_document(found)).encode("utf-8"),
        "html",
        "text/html; charset=utf-8",
    )


# The partnership's Word template ----------------------------------------------------------

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@access.partnership_view(EDIT)
@require_http_methods(["GET", "POST"])
def report_template(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Which Word template the board reports are written into, the default to download and
    restyle, and the form to upload the partnership's own."""
    form = ReportTemplateForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            word_template.report_template_upload(actor=membership, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(request, "Uploaded the template: reports are now written into it.")
            return redirect("report_template", membership.partnership.slug)
    own = (
        ReportTemplate.objects.filter(partnership_id=membership.partnership_id)
        .select_related("uploaded_by__user")
        .defer("content")
        .first()
    )
    return render(
        request,
        "reporting/report_template.html",
        {
            "form": form,
            "own": own,
            "placeholders": [
                (
                    typed,
                    word_template.PLACEHOLDER_MEANINGS[name],
                    name in REQUIRED_PLACEHOLDERS,
                )
                for name, typed in PLACEHOLDERS.items()
            ],
        },
    )


def _word_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=WORD)
    # A name the partnership gave it may hold any character (Word writes a curly apostrophe).
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@access.partnership_view(EDIT)
def report_template_default(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _word_download(default_template(), "board-report-template.docx")


@access.partnership_view(EDIT)
def report_template_download(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The template the partnership's reports are written into now: its own, or the default."""
    own = (
        ReportTemplate.objects.filter(partnership_id=membership.partnership_id)
        .values_list("content", "filename")
        .first()
    )
    if own is None:
        return _word_download(default_template(), "board-report-template.docx")
    return _word_download(bytes(own[0]), own[1])


@access.partnership_view(EDIT)
@require_POST
def report_template_remove(request: HttpRequest, membership: Membership) -> HttpResponse:
    if word_template.report_template_remove(actor=membership):
        messages.success(request, "Board reports are written into the default template again.")
    else:
        messages.info(request, "Board reports already use the default template.")
    return redirect("report_template", membership.partnership.slug)
