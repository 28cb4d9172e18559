from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.training.selectors import sessions_with_places

PAGE_SIZE = 50


@access.partnership_view(access.ALL_ROLES)
def courses(request: HttpRequest, membership: Membership) -> HttpResponse:
    page = Paginator(access.courses_for(membership).order_by("level", "title"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/courses.html", {"page": page, "can_edit": membership.role in access.TRAINING_ADMIN_ROLES})


@access.partnership_view(access.ALL_ROLES)
def sessions(request: HttpRequest, membership: Membership) -> HttpResponse:
    show_past = request.GET.get("when") == "past"
    now = timezone.now()
    found = access.sessions_for(membership)
    found = found.filter(starts_at__lt=now).order_by("-starts_at") if show_past else found.filter(starts_at__gte=now).order_by("starts_at")
    page = Paginator(sessions_with_places(found), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/sessions.html", {"page": page, "show_past": show_past, "can_edit": membership.role in access.TRAINING_ADMIN_ROLES})


@access.partnership_view(access.ALL_ROLES)
def my_bookings(request: HttpRequest, membership: Membership) -> HttpResponse:
    bookings = access.bookings_for(membership).select_related("session__course", "staff").order_by("-session__starts_at")
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/my_bookings.html", {"page": page})
