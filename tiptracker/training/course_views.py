"""The course pages: the list of courses, one course with its sessions to come, and adding
and editing a course (training admins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tiptracker.forms import add_service_error, posted
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.training import schedule
from tiptracker.training.access import courses_for, get_course_for_user, sessions_for
from tiptracker.training.forms import CourseForm
from tiptracker.training.selectors import sessions_with_places

PAGE_SIZE = 50


@access.partnership_view(access.ALL_ROLES)
def courses(request: HttpRequest, membership: Membership) -> HttpResponse:
    page = Paginator(courses_for(membership).order_by("level", "title"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "training/courses.html",
        {"page": page, "can_edit": membership.role in access.TRAINING_ADMIN_ROLES},
    )


@access.partnership_view(access.ALL_ROLES)
def course_detail(request: HttpRequest, membership: Membership, course_pk: int) -> HttpResponse:
    """What a course is about, what people learn and how long it takes, with its sessions to
    come: for everyone who sees the sessions."""
    course = get_course_for_user(membership, course_pk)
    upcoming = sessions_with_places(
        sessions_for(membership)
        .filter(course=course, starts_at__gte=timezone.now())
        .order_by("starts_at")
    )[:COURSE_SESSIONS_SHOWN]
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "upcoming": upcoming,
            "can_edit": membership.role in access.TRAINING_ADMIN_ROLES,
            "sessions_shown": COURSE_SESSIONS_SHOWN,
        },
    )


# A course's page lists this many of its sessions to come; the sessions page has them all.
COURSE_SESSIONS_SHOWN = 10


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = CourseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            course = schedule.course_create(
                actor=membership.user, partnership_id=membership.partnership_id, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Added the course {course.title} ({course.code}).")
            return redirect("courses", membership.partnership.slug)
    return render(request, "training/course_form.html", {"form": form, "course": None})


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, membership: Membership, course_pk: int) -> HttpResponse:
    course = get_course_for_user(membership, course_pk)
    form = CourseForm(posted(request), initial=CourseForm.initial_for(course))
    if request.method == "POST" and form.is_valid():
        try:
            schedule.course_update(actor=membership.user, course=course, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Saved the course {course.title} ({course.code}).")
            return redirect("courses", membership.partnership.slug)
    return render(request, "training/course_form.html", {"form": form, "course": course})
