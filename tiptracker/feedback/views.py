"""Survey pages for those who run training: the surveys, one survey's questions and
versions, and which surveys each course runs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tiptracker.feedback import exports, services
from tiptracker.feedback.access import get_survey_for_user
from tiptracker.feedback.filters import ResultsFiltersForm
from tiptracker.feedback.forms import CourseSurveysForm
from tiptracker.feedback.models import AGREEMENT_SCALE, Timepoint
from tiptracker.feedback.results import results_for
from tiptracker.feedback.selectors import course_surveys, survey_versions, surveys_list_for
from tiptracker.feedback.starter import surveys_starter_set
from tiptracker.forms import add_service_error, posted
from tiptracker.lib.charts import distribution_chart_svg
from tiptracker.lib.suppression import threshold
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.training.access import courses_for, get_course_for_user

RUN = access.TRAINING_ADMIN_ROLES
PAGE_SIZE = 50


@access.partnership_view(RUN)
def surveys(request: HttpRequest, membership: Membership) -> HttpResponse:
    page = Paginator(surveys_list_for(membership.partnership_id), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    courses = Paginator(courses_for(membership).order_by("level", "title"), PAGE_SIZE).get_page(
        request.GET.get("courses")
    )
    return render(request, "feedback/surveys.html", {"page": page, "courses": courses})


@access.partnership_view(RUN)
@require_POST
def starter_set(request: HttpRequest, membership: Membership) -> HttpResponse:
    added = surveys_starter_set(actor=membership.user, partnership_id=membership.partnership_id)
    if added:
        messages.success(request, "Added the starter surveys: " + ", ".join(s.name for s in added))
    else:
        messages.info(request, "The starter surveys are already here.")
    return redirect("feedback_surveys", membership.partnership.slug)


@access.partnership_view(RUN)
def survey(request: HttpRequest, membership: Membership, survey_pk: int) -> HttpResponse:
    found = get_survey_for_user(membership, survey_pk)
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
    course = get_course_for_user(membership, course_pk)
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
                actor=membership.user,
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


# Survey results: aggregates, each figure through the small-numbers rule; free text of
# attributable surveys for those who may read answers one by one.
@access.partnership_view(access.FEEDBACK_RESULTS_ROLES)
def results(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ResultsFiltersForm(request.GET, membership=membership)
    context: dict = {"form": form, "at": threshold()}
    if form.is_valid():
        # All courses: an overview (rates, the share changing practice, before and after).
        # One course: every question's answers, with a chart each, and free text.
        detail = form.cleaned_data.get("course") is not None
        with_text = detail and membership.role in access.FEEDBACK_ANSWERS_ROLES
        found = results_for(
            membership.partnership_id, at=threshold(), filters=form.filters(), with_text=with_text
        )
        for result in found.timepoints if detail else []:
            for q in result.questions:
                q.chart = distribution_chart_svg(
                    title=f"{result.course}, {result.timepoint_label}: {q.question.text}",
                    labels=q.labels,
                    values=[figure.value for figure in q.counts.cells],
                    threshold=threshold(),
                )
        unfiltered = request.GET.copy()
        unfiltered.pop("course", None)
        unfiltered.pop("session", None)
        context.update(
            detail=detail,
            others=unfiltered.urlencode(),
            results=found,
            described=form.described(),
            with_text=with_text,
            may_read_answers=membership.role in access.FEEDBACK_ANSWERS_ROLES,
            query=request.GET.urlencode(),
        )
    return render(request, "feedback/results.html", context)


@access.partnership_view(access.FEEDBACK_RESULTS_ROLES)
def results_export(request: HttpRequest, membership: Membership, kind: str) -> HttpResponse:
    form = ResultsFiltersForm(request.GET, membership=membership)
    if not form.is_valid():  # the page shows what is wrong with the filters
        return redirect(
            f"{reverse('feedback_results', args=[membership.partnership.slug])}?{request.GET.urlencode()}"
        )
    found = results_for(membership.partnership_id, at=threshold(), filters=form.filters())
    return exports.download(
        membership.partnership,
        what="survey-results",
        kind=kind,
        header=exports.RESULTS_HEADER,
        rows=exports.results_rows(found),
    )


@access.partnership_view(access.FEEDBACK_ANSWERS_ROLES)
def answers_export(request: HttpRequest, membership: Membership, kind: str) -> HttpResponse:
    form = ResultsFiltersForm(request.GET, membership=membership)
    if not form.is_valid():
        return redirect(
            f"{reverse('feedback_results', args=[membership.partnership.slug])}?{request.GET.urlencode()}"
        )
    return exports.download(
        membership.partnership,
        what="attributable-answers",
        kind=kind,
        header=exports.ANSWERS_HEADER,
        rows=exports.attributable_rows(membership.partnership_id, form.filters()),
    )
