"""Survey pages for those who run training: the surveys, one survey's questions and
versions, and which surveys each course runs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tiptracker.feedback import services
from tiptracker.feedback.forms import CourseSurveysForm
from tiptracker.feedback.models import AGREEMENT_SCALE, Timepoint
from tiptracker.feedback.results import results_for
from tiptracker.feedback.selectors import course_surveys, survey_versions, surveys_list_for
from tiptracker.feedback.starter import surveys_starter_set
from tiptracker.forms import add_service_error, posted
from tiptracker.lib.suppression import threshold
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership

RUN = access.TRAINING_ADMIN_ROLES
PAGE_SIZE = 50


@access.partnership_view(RUN)
def surveys(request: HttpRequest, membership: Membership) -> HttpResponse:
    page = Paginator(surveys_list_for(membership.partnership_id), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    courses = Paginator(
        access.courses_for(membership).order_by("level", "title"), PAGE_SIZE
    ).get_page(request.GET.get("courses"))
    return render(request, "feedback/surveys.html", {"page": page, "courses": courses})


@access.partnership_view(RUN)
@require_POST
def starter_set(request: HttpRequest, membership: Membership) -> HttpResponse:
    added = surveys_starter_set(actor=request.user, partnership_id=membership.partnership_id)
    if added:
        messages.success(request, "Added the starter surveys: " + ", ".join(s.name for s in added))
    else:
        messages.info(request, "The starter surveys are already here.")
    return redirect("feedback_surveys", membership.partnership.slug)


@access.partnership_view(RUN)
def survey(request: HttpRequest, membership: Membership, survey_pk: int) -> HttpResponse:
    found = access.get_survey_for_user(membership, survey_pk)
    versions = list(survey_versions(found))
    current = versions[0]
    return render(
        request,
        "feedback/survey.html",
        {
            "survey": found,
            "current": current,
            "questions": current.questions.all(),
            "versions": versions,
            "scale": AGREEMENT_SCALE,
        },
    )


@access.partnership_view(RUN)
@require_http_methods(["GET", "POST"])
def course_surveys_edit(
    request: HttpRequest, membership: Membership, course_pk: int
) -> HttpResponse:
    course = access.get_course_for_user(membership, course_pk)
    current = course_surveys(course.pk)
    initial: dict = {tp: found.survey_id for tp, found in current.items()}
    if Timepoint.FOLLOW_UP in current:
        initial["follow_up_weeks"] = current[Timepoint.FOLLOW_UP].delay_days // 7
    form = CourseSurveysForm(
        posted(request), partnership_id=membership.partnership_id, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.course_surveys_set(
                actor=request.user,
                course=course,
                surveys={tp: form.cleaned_data[tp] for tp in Timepoint.values},
                follow_up_days=form.cleaned_data["follow_up_weeks"] * 7,
            )
        except ValidationError as error:
            add_service_error(form, error, fields={"delay_days": "follow_up_weeks"})
        else:
            messages.success(request, f"Saved the surveys for {course.title}.")
            return redirect("feedback_surveys", membership.partnership.slug)
    return render(request, "feedback/course_surveys.html", {"form": form, "course": course})


# Survey results: aggregates only, each figure through the small-numbers rule.
@access.partnership_view(access.FEEDBACK_RESULTS_ROLES)
def results(request: HttpRequest, membership: Membership) -> HttpResponse:
    found = results_for(membership.partnership_id, at=threshold())
    return render(request, "feedback/results.html", {"results": found, "at": threshold()})
