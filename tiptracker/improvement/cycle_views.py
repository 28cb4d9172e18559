"""PDSA cycles: plan, do, study and act of one test of a change idea, its files, and the new
centre line a measure starts when the change is adopted."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tiptracker.forms import ConfirmForm, add_service_error, form_page, posted
from tiptracker.improvement import cycles as services
from tiptracker.improvement.access import (
    READ_ROLES,
    can_edit_project,
    get_attachment_for_user,
    get_cycle_for_user,
    get_idea_for_user,
    require_project_editor,
)
from tiptracker.improvement.forms import AttachmentForm, CycleForm, RebaseForm
from tiptracker.improvement.models import MeasureValue, PdsaCycle
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.training.claims import ACCEPT


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_cycle_new(
    request: HttpRequest, membership: Membership, idea_pk: int
) -> HttpResponse:
    idea = get_idea_for_user(membership, idea_pk)
    require_project_editor(membership, idea.project)
    return form_page(
        request,
        form=CycleForm(posted(request)),
        save=lambda data: services.cycle_create(actor=membership.user, idea=idea, **data),
        saved_message=lambda cycle: f"Added {cycle}.",
        done=lambda cycle: redirect("improvement_cycle", membership.partnership.slug, cycle.pk),
        template="improvement/cycle_form.html",
        context={"idea": idea, "project": idea.project, "cycle": None},
    )


def _cycle_page(
    request: HttpRequest,
    membership: Membership,
    cycle: PdsaCycle,
    *,
    attachment_form: AttachmentForm | None = None,
    rebase_error: str = "",
    status: int = 200,
) -> HttpResponse:
    can_edit = can_edit_project(membership, cycle.project)
    return render(
        request,
        "improvement/cycle.html",
        {
            "cycle": cycle,
            "idea": cycle.change_idea,
            "project": cycle.project,
            "previous": PdsaCycle.objects.filter(next_cycle=cycle).first(),
            "attachments": cycle.attachments.only("pk", "name", "size", "cycle_id"),
            "offers": services.rebase_offers(cycle) if can_edit else [],
            "can_edit": can_edit,
            "attachment_form": attachment_form or AttachmentForm(),
            "accept": ACCEPT,
            "rebase_error": rebase_error,
        },
        status=status,
    )


@access.partnership_view(READ_ROLES)
def improvement_cycle(request: HttpRequest, membership: Membership, cycle_pk: int) -> HttpResponse:
    return _cycle_page(request, membership, get_cycle_for_user(membership, cycle_pk))


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_cycle_edit(
    request: HttpRequest, membership: Membership, cycle_pk: int
) -> HttpResponse:
    cycle = get_cycle_for_user(membership, cycle_pk)
    require_project_editor(membership, cycle.project)
    return form_page(
        request,
        form=CycleForm(posted(request), initial=CycleForm.initial_for(cycle)),
        save=lambda data: services.cycle_update(actor=membership.user, cycle=cycle, **data),
        saved_message=lambda cycle: f"Saved {cycle}.",
        done=redirect("improvement_cycle", membership.partnership.slug, cycle.pk),
        template="improvement/cycle_form.html",
        context={"idea": cycle.change_idea, "project": cycle.project, "cycle": cycle},
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_cycle_delete(
    request: HttpRequest, membership: Membership, cycle_pk: int
) -> HttpResponse:
    cycle = get_cycle_for_user(membership, cycle_pk)
    require_project_editor(membership, cycle.project)
    title = str(cycle)  # the cycle has no number left once it is gone
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda _: services.cycle_delete(actor=membership.user, cycle=cycle),
        saved_message=lambda _: f"Deleted {title}.",
        done=redirect("improvement_idea", membership.partnership.slug, cycle.change_idea_id),
        template="improvement/cycle_delete.html",
        context=lambda: {
            "cycle": cycle,
            "idea": cycle.change_idea,
            "project": cycle.project,
            "previous": PdsaCycle.objects.filter(next_cycle=cycle).first(),
            "attachments": list(cycle.attachments.only("pk", "name", "cycle_id")),
        },
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["POST"])
def improvement_cycle_attachment_add(
    request: HttpRequest, membership: Membership, cycle_pk: int
) -> HttpResponse:
    cycle = get_cycle_for_user(membership, cycle_pk)
    require_project_editor(membership, cycle.project)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            added = services.attachment_add(
                actor=membership.user, cycle=cycle, name=upload.name, data=upload.read()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Added the file {added.name}.")
            return redirect("improvement_cycle", membership.partnership.slug, cycle.pk)
    return _cycle_page(request, membership, cycle, attachment_form=form, status=400)


@access.partnership_view(READ_ROLES)
def improvement_attachment(
    request: HttpRequest, membership: Membership, attachment_pk: int
) -> HttpResponse:
    attachment = get_attachment_for_user(membership, attachment_pk)
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_attachment_delete(
    request: HttpRequest, membership: Membership, attachment_pk: int
) -> HttpResponse:
    attachment = get_attachment_for_user(membership, attachment_pk)
    cycle = attachment.cycle
    require_project_editor(membership, cycle.project)
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda _: services.attachment_delete(actor=membership.user, attachment=attachment),
        saved_message=lambda _: f"Deleted the file {attachment.name}.",
        done=redirect("improvement_cycle", membership.partnership.slug, cycle.pk),
        template="improvement/attachment_delete.html",
        context={"attachment": attachment, "cycle": cycle, "project": cycle.project},
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["POST"])
def improvement_cycle_rebase(
    request: HttpRequest, membership: Membership, cycle_pk: int
) -> HttpResponse:
    """Start a measure's new centre line at the value offered for this adopted change."""
    cycle = get_cycle_for_user(membership, cycle_pk)
    require_project_editor(membership, cycle.project)
    form = RebaseForm(request.POST)
    error = "Choose the value that starts the new centre line"
    if form.is_valid():
        value = MeasureValue.objects.filter(
            partnership_id=membership.partnership_id, pk=form.cleaned_data["value"]
        ).first()
        if value is not None:
            try:
                services.cycle_rebase(actor=membership.user, cycle=cycle, value=value)
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(
                    request,
                    f"{value.measure.title}: a new centre line starts on {value.on:%-d %B %Y}.",
                )
                return redirect(
                    "improvement_measure", membership.partnership.slug, value.measure_id
                )
    return _cycle_page(request, membership, cycle, rebase_error=error, status=400)
