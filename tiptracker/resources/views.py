from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods

from tiptracker.forms import form_page, posted
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership, Role
from tiptracker.resources import services
from tiptracker.resources.access import get_resource_file_for_user, get_resource_for_user
from tiptracker.resources.files import file_type
from tiptracker.resources.forms import LibraryFilterForm, ResourceForm
from tiptracker.resources.models import Resource
from tiptracker.resources.selectors import file_details, resources_list_for, toolkit_for
from tiptracker.workforce.access import teams_for

PAGE_SIZE = 50


def _files(request: HttpRequest) -> MultiValueDict | None:
    return request.FILES if request.method == "POST" else None


def _form_context(request: HttpRequest, form: ResourceForm, resource: Resource | None) -> dict:
    # A browser never keeps a chosen file when the page comes back with an error: say so.
    choose_again = bool(form.errors and request.FILES.get("file") and "file" not in form.errors)
    return {
        "resource": resource,
        "current_file": file_details(resource) if resource else None,
        "choose_again": choose_again,
    }


def _service_values(data: dict) -> dict:
    """The form's answers as the services take them: the chosen file is the `upload`, and
    `remove_file` (which only an edit has) is left for the edit to pass."""
    values = {name: value for name, value in data.items() if name not in ("file", "remove_file")}
    return {**values, "upload": data["file"]}


@access.partnership_view(access.WORKSPACE_READ_ROLES)
def resources(request: HttpRequest, membership: Membership) -> HttpResponse:
    filter_form = LibraryFilterForm(request.GET)
    chosen = filter_form.filters()
    found = resources_list_for(
        membership,
        kind=chosen.get("kind", ""),
        audience=chosen.get("audience", ""),
        level=chosen.get("level", ""),
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in chosen.items() if value})
    return render(
        request,
        "resources/resources.html",
        {
            "page": page,
            "filter_form": filter_form,
            "filtered": any(chosen.values()),
            "query": f"{query}&" if query else "",
            "can_edit": membership.role in access.WORKSPACE_EDIT_ROLES,
        },
    )


@access.partnership_view(access.WORKSPACE_READ_ROLES)
def toolkit(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The manager toolkit, reached by managers from the staff list of their teams."""
    page = Paginator(toolkit_for(membership), PAGE_SIZE).get_page(request.GET.get("page"))
    teams = (
        list(teams_for(membership).select_related("organisation")[:50])
        if membership.role == Role.MANAGER
        else []
    )
    return render(request, "resources/toolkit.html", {"page": page, "teams": teams})


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def resource_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ResourceForm(posted(request), _files(request))
    return form_page(
        request,
        form=form,
        save=lambda data: services.resource_create(
            actor=membership.user,
            partnership_id=membership.partnership_id,
            **_service_values(data),
        ),
        saved_message=lambda resource: f"Added the resource {resource.title}.",
        done=redirect("resources", membership.partnership.slug),
        template="resources/resource_form.html",
        # Called after the service has answered, so that its refusal counts as an error.
        context=lambda: _form_context(request, form, None),
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, membership: Membership, resource_pk: int) -> HttpResponse:
    resource = get_resource_for_user(membership, resource_pk)
    form = ResourceForm(
        posted(request), _files(request), initial=ResourceForm.initial_for(resource)
    )
    return form_page(
        request,
        form=form,
        save=lambda data: services.resource_update(
            actor=membership.user,
            resource=resource,
            remove_file=data["remove_file"],
            **_service_values(data),
        ),
        saved_message=lambda resource: f"Saved the resource {resource.title}.",
        done=redirect("resources", membership.partnership.slug),
        template="resources/resource_form.html",
        context=lambda: _form_context(request, form, resource),
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def resource_delete(request: HttpRequest, membership: Membership, resource_pk: int) -> HttpResponse:
    resource = get_resource_for_user(membership, resource_pk)
    if request.method == "POST":
        title = resource.title
        services.resource_delete(actor=membership.user, resource=resource)
        messages.success(request, f"Removed the resource {title}.")
        return redirect("resources", membership.partnership.slug)
    return render(request, "resources/resource_delete.html", {"resource": resource})


@access.partnership_view(access.WORKSPACE_READ_ROLES)
@require_http_methods(["GET", "HEAD"])
def resource_file(request: HttpRequest, membership: Membership, resource_pk: int) -> HttpResponse:
    """A resource's file, for every member: always a download, never shown in the page, typed
    from the allow-list (not from what the uploader's browser said)."""
    stored = get_resource_file_for_user(membership, resource_pk)
    kind = file_type(stored.name)
    response = HttpResponse(
        bytes(stored.data),
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["Content-Disposition"] = f'attachment; filename="{stored.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response
