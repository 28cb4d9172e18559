"""A project's driver diagram and its change ideas: the diagram drawn beside the same tree as a
nested list; the project's team adds, edits and removes drivers and change ideas (no
JavaScript needed: each change is a form)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tiptracker.forms import ConfirmForm, add_service_error, form_page, posted
from tiptracker.improvement import drivers as services
from tiptracker.improvement.access import (
    READ_ROLES,
    can_edit_project,
    get_driver_for_user,
    get_idea_for_user,
    get_project_for_user,
    require_project_editor,
)
from tiptracker.improvement.drivers import diagram_of
from tiptracker.improvement.forms import ChangeIdeaForm, DriverForm
from tiptracker.improvement.models import Driver, Project
from tiptracker.lib.driver_diagram import diagram_png, diagram_svg
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership


def _back(membership: Membership, project: Project) -> HttpResponse:
    return redirect("improvement_drivers", membership.partnership.slug, project.pk)


def _drivers_page(
    request: HttpRequest,
    membership: Membership,
    project: Project,
    *,
    primary_form: DriverForm | None = None,
    secondary_form: DriverForm | None = None,
    status: int = 200,
) -> HttpResponse:
    diagram = diagram_of(project)
    return render(
        request,
        "improvement/drivers.html",
        {
            "project": project,
            "diagram": diagram,
            "svg": diagram_svg(diagram.tree, title=f"Driver diagram of {project.title}")
            if diagram.primaries
            else "",
            "can_edit": can_edit_project(membership, project),
            "primary_form": primary_form
            or DriverForm(initial={"kind": Driver.Kind.PRIMARY}, project=project, prefix="primary"),
            "secondary_form": secondary_form
            or DriverForm(
                initial={"kind": Driver.Kind.SECONDARY}, project=project, prefix="secondary"
            ),
        },
        status=status,
    )


@access.partnership_view(READ_ROLES)
def improvement_drivers(
    request: HttpRequest, membership: Membership, project_pk: int
) -> HttpResponse:
    return _drivers_page(request, membership, get_project_for_user(membership, project_pk))


@access.partnership_view(READ_ROLES)
def improvement_drivers_png(
    request: HttpRequest, membership: Membership, project_pk: int
) -> HttpResponse:
    project = get_project_for_user(membership, project_pk)
    response = HttpResponse(diagram_png(diagram_of(project).tree), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="driver-diagram-{project.pk}.png"'
    return response


@access.partnership_view(READ_ROLES)
@require_http_methods(["POST"])
def improvement_driver_add(
    request: HttpRequest, membership: Membership, project_pk: int
) -> HttpResponse:
    """Adds a primary driver, or a secondary one (the form's prefix says which)."""
    project = get_project_for_user(membership, project_pk)
    require_project_editor(membership, project)
    prefix = "secondary" if request.POST.get("secondary-kind") else "primary"
    form = DriverForm(request.POST, project=project, prefix=prefix)
    if form.is_valid():
        try:
            driver = services.driver_add(
                actor=membership.user,
                project=project,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                parent=form.cleaned_data["parent"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Added the {driver.get_kind_display().lower()}: {driver}.")
            return _back(membership, project)
    forms = {f"{prefix}_form": form}
    return _drivers_page(request, membership, project, status=400, **forms)  # type: ignore[arg-type]


@access.partnership_view(READ_ROLES)
@require_http_methods(["POST"])
def improvement_drivers_starter(
    request: HttpRequest, membership: Membership, project_pk: int
) -> HttpResponse:
    project = get_project_for_user(membership, project_pk)
    require_project_editor(membership, project)
    try:
        made = services.drivers_start_from_framework(actor=membership.user, project=project)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + ".")
    else:
        messages.success(
            request,
            f"Added the national framework's change drivers ({made} drivers): change them to "
            "fit the project.",
        )
    return _back(membership, project)


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_driver_edit(
    request: HttpRequest, membership: Membership, driver_pk: int
) -> HttpResponse:
    driver = get_driver_for_user(membership, driver_pk)
    require_project_editor(membership, driver.project)
    form = DriverForm(
        posted(request),
        initial={"kind": driver.kind, "title": driver.title, "parent": driver.parent_id},
        project=driver.project,
    )
    return form_page(
        request,
        form=form,
        save=lambda data: services.driver_update(
            actor=membership.user, driver=driver, title=data["title"], parent=data["parent"]
        ),
        saved_message=lambda d: f"Saved the {d.get_kind_display().lower()}: {d}.",
        done=_back(membership, driver.project),
        template="improvement/driver_form.html",
        context={"driver": driver, "project": driver.project},
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_driver_delete(
    request: HttpRequest, membership: Membership, driver_pk: int
) -> HttpResponse:
    driver = get_driver_for_user(membership, driver_pk)
    require_project_editor(membership, driver.project)
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda _: services.driver_delete(actor=membership.user, driver=driver),
        saved_message=lambda _: f"Removed the {driver.get_kind_display().lower()}: {driver}.",
        done=_back(membership, driver.project),
        template="improvement/driver_delete.html",
        context={
            "driver": driver,
            "project": driver.project,
            "children": list(driver.children.all()),
        },
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_idea_new(
    request: HttpRequest, membership: Membership, project_pk: int
) -> HttpResponse:
    project = get_project_for_user(membership, project_pk)
    require_project_editor(membership, project)
    return form_page(
        request,
        form=ChangeIdeaForm(posted(request), project=project),
        save=lambda data: services.change_idea_add(actor=membership.user, project=project, **data),
        saved_message=lambda idea: f"Added the change idea: {idea}.",
        done=lambda idea: redirect("improvement_idea", membership.partnership.slug, idea.pk),
        template="improvement/idea_form.html",
        context={"project": project, "idea": None},
    )


@access.partnership_view(READ_ROLES)
def improvement_idea(request: HttpRequest, membership: Membership, idea_pk: int) -> HttpResponse:
    """A change idea with its ramp of PDSA cycles, in order."""
    idea = get_idea_for_user(membership, idea_pk)
    return render(
        request,
        "improvement/idea.html",
        {
            "idea": idea,
            "project": idea.project,
            "serves": idea.serves.select_related("driver__parent").order_by("driver__position"),
            "cycles": idea.cycles.order_by("number"),
            "can_edit": can_edit_project(membership, idea.project),
        },
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_idea_edit(
    request: HttpRequest, membership: Membership, idea_pk: int
) -> HttpResponse:
    idea = get_idea_for_user(membership, idea_pk)
    require_project_editor(membership, idea.project)
    initial = {
        "title": idea.title,
        "description": idea.description,
        "drivers": [link.driver_id for link in idea.serves.all()],
    }
    return form_page(
        request,
        form=ChangeIdeaForm(posted(request), initial=initial, project=idea.project),
        save=lambda data: services.change_idea_update(actor=membership.user, idea=idea, **data),
        saved_message=lambda idea: f"Saved the change idea: {idea}.",
        done=redirect("improvement_idea", membership.partnership.slug, idea.pk),
        template="improvement/idea_form.html",
        context={"project": idea.project, "idea": idea},
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_idea_delete(
    request: HttpRequest, membership: Membership, idea_pk: int
) -> HttpResponse:
    idea = get_idea_for_user(membership, idea_pk)
    require_project_editor(membership, idea.project)
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda _: services.change_idea_delete(actor=membership.user, idea=idea),
        saved_message=lambda _: f"Removed the change idea: {idea}.",
        done=_back(membership, idea.project),
        template="improvement/idea_delete.html",
        context={"idea": idea, "project": idea.project},
    )
