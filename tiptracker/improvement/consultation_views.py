"""A project's engagement: the consultation activities of a review (who took part, how many,
what was heard, what changed), listed on the project's page; its team adds and edits them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from tiptracker.forms import ConfirmForm, form_page, posted
from tiptracker.improvement import services
from tiptracker.improvement.access import (
    READ_ROLES,
    get_consultation_for_user,
    get_project_for_user,
    require_project_editor,
)
from tiptracker.improvement.forms import ConsultationForm
from tiptracker.improvement.models import Project
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership


def _back(membership: Membership, project: Project) -> HttpResponse:
    return redirect("improvement_project", membership.partnership.slug, project.pk)


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_consultation_new(
    request: HttpRequest, membership: Membership, project_pk: int
) -> HttpResponse:
    project = get_project_for_user(membership, project_pk)
    require_project_editor(membership, project)
    return form_page(
        request,
        form=ConsultationForm(posted(request)),
        save=lambda data: services.engagement_activity_add(
            actor=membership.user, project=project, **data
        ),
        saved_message=lambda c: f"Added the engagement activity: {c}.",
        done=_back(membership, project),
        template="improvement/consultation_form.html",
        context={"project": project, "consultation": None},
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_consultation_edit(
    request: HttpRequest, membership: Membership, activity_pk: int
) -> HttpResponse:
    consultation = get_consultation_for_user(membership, activity_pk)
    require_project_editor(membership, consultation.project)
    return form_page(
        request,
        form=ConsultationForm(posted(request), initial=ConsultationForm.initial_for(consultation)),
        save=lambda data: services.engagement_activity_update(
            actor=membership.user, consultation=consultation, **data
        ),
        saved_message=lambda c: f"Saved the engagement activity: {c}.",
        done=_back(membership, consultation.project),
        template="improvement/consultation_form.html",
        context={"project": consultation.project, "consultation": consultation},
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_consultation_delete(
    request: HttpRequest, membership: Membership, activity_pk: int
) -> HttpResponse:
    consultation = get_consultation_for_user(membership, activity_pk)
    require_project_editor(membership, consultation.project)
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda _: services.engagement_activity_delete(
            actor=membership.user, consultation=consultation
        ),
        saved_message=lambda _: f"Removed the engagement activity: {consultation}.",
        done=_back(membership, consultation.project),
        template="improvement/consultation_delete.html",
        context={"project": consultation.project, "consultation": consultation},
    )
