"""The API: one small class per operation, another door to the same rooms as the pages.

Every view under /api/partnerships/<slug>/ finds the caller's membership of that
partnership through the access helpers (none: 404, so nothing about another partnership
leaks), checks the role against `allowed_roles` (not allowed: 403), fetches through the
same helpers and selectors as the pages, and writes only through the training services.
"""

import functools
import threading
from typing import Any, ClassVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tiptracker.api import filters
from tiptracker.api.errors import Refused
from tiptracker.api.serializers import (
    BookingCreateInput,
    BookingOutput,
    BookPeopleInput,
    BookPeopleOutput,
    CompletionOutput,
    CompletionRecordInput,
    CourseOutput,
    CoverageOutput,
    OrganisationOutput,
    PartnershipOutput,
    SessionOutput,
    StaffOutput,
    TeamOutput,
)
from tiptracker.lib.dates import today
from tiptracker.lib.history import history_actor_set
from tiptracker.middleware import CSP
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.training.access import (
    courses_for,
    get_booking_for_user,
    get_course_for_user,
    get_session_for_user,
    sessions_for,
)
from tiptracker.training.bookings import (
    BookingOutcome,
    Outcome,
    booking_cancel,
    booking_create,
    bookings_create,
)
from tiptracker.training.completions import completion_record
from tiptracker.training.selectors import (
    bookings_list_for,
    completions_list_for,
    coverage_for,
    sessions_list_for,
    sessions_with_places,
)
from tiptracker.workforce.access import bookable_staff_for, get_staff_for_user, staff_for, teams_for
from tiptracker.workforce.selectors import staff_list_for

SLUG = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    pattern=r"^[-a-zA-Z0-9_]+$",
    description="The partnership's slug (see /api/partnerships/).",
)


class ScopedApi(APIView):
    # The base for everything under /api/partnerships/<slug>/ (no docstring: the schema
    # would show it as every operation's description).

    # The roles that may call this operation; the authorization matrix test reads it.
    allowed_roles: ClassVar[frozenset[str]]
    # Where a second method on the same path needs other roles (e.g. recording completions).
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {}
    membership: Membership

    @classmethod
    def roles_for(cls, method: str) -> frozenset[str]:
        return cls.allowed_roles_by_method.get(method.upper(), cls.allowed_roles)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication first: anonymous is a 401
        self.membership = access.get_membership_for_user(request.user, kwargs["slug"])
        access.require_role(self.membership, self.roles_for(request.method or "GET"))
        # The history's actor: a token's user is known only now, after the middleware ran.
        history_actor_set(request.user)


class ScopedListApi(ScopedApi, generics.ListAPIView):
    # A paginated list; `filter_class` checks the query string before anything is read.

    filter_class: ClassVar[type[filters.Filter] | None] = None

    def filters(self) -> dict:
        return self.filter_class.read(self.request.query_params) if self.filter_class else {}


class ScopedDetailApi(ScopedApi, generics.RetrieveAPIView):
    # One object, found through an access helper: another partnership's id is a 404.
    # Each subclass defines get_object() with its helper (get_staff_for_user, ...).
    pass


# Partnerships ---------------------------------------------------------------------------


@extend_schema(
    tags=["Partnerships"], summary="The partnerships you belong to, with your role in each"
)
class PartnershipListApi(generics.ListAPIView):
    allowed_roles = access.ALL_ROLES
    serializer_class = PartnershipOutput

    def get_queryset(self) -> Any:
        return access.memberships_for_user(self.request.user).order_by("partnership__name", "id")


# Organisations, teams and staff -----------------------------------------------------------


@extend_schema(tags=["Workforce"], summary="Organisations in the partnership", parameters=[SLUG])
class OrganisationListApi(ScopedListApi):
    allowed_roles = access.COVERAGE_ROLES
    serializer_class = OrganisationOutput

    def get_queryset(self) -> Any:
        return access.organisations_for(self.membership).order_by("name", "id")


@extend_schema(
    tags=["Workforce"],
    summary="Teams (a manager's own teams only)",
    parameters=[SLUG, filters.TeamFilter],
)
class TeamListApi(ScopedListApi):
    allowed_roles = access.COVERAGE_ROLES
    serializer_class = TeamOutput
    filter_class = filters.TeamFilter

    def get_queryset(self) -> Any:
        teams = teams_for(self.membership).select_related("organisation")
        organisation = self.filters().get("organisation")
        if organisation is not None:
            teams = teams.filter(organisation_id=organisation)
        return teams.order_by("organisation__name", "name", "id")


@extend_schema(
    tags=["Workforce"],
    summary="Staff (a manager's teams only)",
    parameters=[SLUG, filters.StaffFilter],
)
class StaffListApi(ScopedListApi):
    allowed_roles = access.PEOPLE_ROLES
    serializer_class = StaffOutput
    filter_class = filters.StaffFilter

    def get_queryset(self) -> Any:
        found = self.filters()
        return staff_list_for(
            self.membership,
            search=found.get("q", "").strip(),
            organisation_id=str(found.get("organisation", "")),
            team_id=str(found.get("team", "")),
        ).order_by("last_name", "first_name", "staff_id", "id")


@extend_schema(tags=["Workforce"], summary="One member of staff", parameters=[SLUG])
class StaffDetailApi(ScopedDetailApi):
    allowed_roles = access.PEOPLE_ROLES
    serializer_class = StaffOutput

    def get_object(self) -> Any:
        return get_staff_for_user(self.membership, self.kwargs["pk"])


# Courses and sessions ---------------------------------------------------------------------


@extend_schema(tags=["Training"], summary="Courses", parameters=[SLUG])
class CourseListApi(ScopedListApi):
    allowed_roles = access.ALL_ROLES
    serializer_class = CourseOutput

    def get_queryset(self) -> Any:
        return courses_for(self.membership).order_by("level", "title", "id")


@extend_schema(tags=["Training"], summary="One course", parameters=[SLUG])
class CourseDetailApi(ScopedDetailApi):
    allowed_roles = access.ALL_ROLES
    serializer_class = CourseOutput

    def get_object(self) -> Any:
        return get_course_for_user(self.membership, self.kwargs["pk"])


@extend_schema(
    tags=["Training"],
    summary="Sessions, with places booked and the waiting list",
    parameters=[SLUG, filters.SessionFilter],
)
class SessionListApi(ScopedListApi):
    allowed_roles = access.ALL_ROLES
    serializer_class = SessionOutput
    filter_class = filters.SessionFilter

    def get_queryset(self) -> Any:
        found = self.filters()
        return sessions_list_for(
            self.membership,
            date_from=found.get("from"),
            date_to=found.get("to"),
            course_id=found.get("course"),
        )


@extend_schema(tags=["Training"], summary="One session", parameters=[SLUG])
class SessionDetailApi(ScopedDetailApi):
    allowed_roles = access.ALL_ROLES
    serializer_class = SessionOutput

    def get_object(self) -> Any:
        session = get_session_for_user(self.membership, self.kwargs["pk"])
        return sessions_with_places(sessions_for(self.membership)).get(pk=session.pk)


# Bookings ----------------------------------------------------------------------------------


class BookingListCreateApi(ScopedListApi):
    # GET lists the bookings you may see; POST books a person onto a session.

    # Everyone may book themselves; booking someone else is checked in `post`.
    allowed_roles = access.ALL_ROLES
    serializer_class = BookingOutput
    filter_class = filters.BookingFilter

    @extend_schema(
        tags=["Bookings"],
        summary="Bookings (yours; a manager's teams'; all for training admins)",
        parameters=[SLUG, filters.BookingFilter],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        found = self.filters()
        return bookings_list_for(
            self.membership, session_id=found.get("session"), status=found.get("status")
        )

    @extend_schema(
        tags=["Bookings"],
        summary="Book a person (yourself by default) onto a session: a place, or the waiting list if it is full",
        parameters=[SLUG],
        request=BookingCreateInput,
        responses={201: BookingOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid_body(BookingCreateInput, request)
        session = one_in_scope(sessions_for(self.membership), "session", pk=data["session"])
        staff = self._person(data.get("staff_id", "").strip())
        booking = booking_create(actor=self.membership.user, session=session, staff=staff)
        return Response(
            BookingOutput(get_booking_for_user(self.membership, booking.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def _person(self, staff_id: str) -> Any:
        own = self.membership.staff
        if not staff_id or (own is not None and own.staff_id == staff_id):
            if own is None:
                raise Refused({"staff_id": "You have no staff record here, so say whom to book."})
            return own
        if self.membership.role not in access.BOOK_OTHERS_ROLES:
            raise PermissionDenied("Your role allows you to book only yourself.")
        return one_in_scope(bookable_staff_for(self.membership), "staff_id", staff_id=staff_id)


@extend_schema(
    tags=["Bookings"],
    summary="Book several people onto a session, each on their own: per person, a place, the waiting list, already booked, or refused with the reason",
    description="A manager may book only the people in the teams they manage; administrators "
    "and L&D officers anyone in the partnership. A staff ID that names no one the caller may "
    "book is refused for that person as not found, whether or not it exists elsewhere. One "
    "person's refusal does not stop the others: each booking is its own transaction.",
    parameters=[SLUG],
    request=BookPeopleInput,
    responses={200: BookPeopleOutput},
)
class SessionBookingsApi(ScopedApi):
    allowed_roles = access.BOOK_OTHERS_ROLES

    def post(self, request: Request, slug: str, pk: int) -> Response:
        session = get_session_for_user(self.membership, pk)
        wanted = list(
            dict.fromkeys(s.strip() for s in valid_body(BookPeopleInput, request)["staff_ids"])
        )
        found = {
            person.staff_id: person
            for person in bookable_staff_for(self.membership).filter(staff_id__in=wanted)
        }
        booked = {
            outcome.staff_id: outcome
            for outcome in bookings_create(
                actor=self.membership.user,
                session=session,
                staff=[found[staff_id] for staff_id in wanted if staff_id in found],
                sees_guests=self.membership.role in access.TRAINING_ADMIN_ROLES,
            )
        }
        outcomes = [
            booked.get(staff_id)
            or BookingOutcome(
                staff_id=staff_id,
                outcome=Outcome.REFUSED,
                reason=f"Not found: there is no one with staff ID '{staff_id}' whom you can book.",
            )
            for staff_id in wanted
        ]
        body = {
            "outcomes": [
                {
                    "staff_id": o.staff_id,
                    "outcome": o.outcome.value,
                    "reason": o.reason,
                    "booking": o.booking.pk if o.booking is not None else None,
                }
                for o in outcomes
            ]
        }
        return Response(BookPeopleOutput(body).data)


@extend_schema(tags=["Bookings"], summary="One booking", parameters=[SLUG])
class BookingDetailApi(ScopedDetailApi):
    allowed_roles = access.ALL_ROLES
    serializer_class = BookingOutput

    def get_object(self) -> Any:
        return get_booking_for_user(self.membership, self.kwargs["pk"])


@extend_schema(
    tags=["Bookings"],
    summary="Cancel a booking; the place goes to the longest-waiting person",
    parameters=[SLUG],
    request=None,
    responses={200: BookingOutput},
)
class BookingCancelApi(ScopedApi):
    # The access helper limits whose bookings: your own, or your teams' as a manager.
    allowed_roles = access.ALL_ROLES

    def post(self, request: Request, slug: str, pk: int) -> Response:
        booking = get_booking_for_user(self.membership, pk)
        booking_cancel(actor=self.membership.user, booking=booking)
        return Response(BookingOutput(booking).data)


# Completions -------------------------------------------------------------------------------


class CompletionListRecordApi(ScopedListApi):
    # GET lists the completions you may see; POST records one (training admins only).

    allowed_roles = access.ALL_ROLES
    allowed_roles_by_method = {"POST": access.TRAINING_ADMIN_ROLES}
    serializer_class = CompletionOutput
    filter_class = filters.CompletionFilter

    @extend_schema(
        tags=["Completions"],
        summary="Completions (yours; a manager's teams'; all for training admins)",
        parameters=[SLUG, filters.CompletionFilter],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        found = self.filters()
        return completions_list_for(
            self.membership,
            staff_id=found.get("staff_id", ""),
            course_code=found.get("course_code", ""),
            date_from=found.get("from"),
            date_to=found.get("to"),
        )

    @extend_schema(
        tags=["Completions"],
        summary="Record that a person completed a course (once per person, course and day)",
        parameters=[SLUG],
        request=CompletionRecordInput,
        responses={201: CompletionOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid_body(CompletionRecordInput, request)
        staff = one_in_scope(staff_for(self.membership), "staff_id", staff_id=data["staff_id"])
        course = one_in_scope(courses_for(self.membership), "course_code", code=data["course_code"])
        completion = completion_record(staff=staff, course=course, on=data["completed_on"])
        return Response(CompletionOutput(completion).data, status=status.HTTP_201_CREATED)


# Coverage ----------------------------------------------------------------------------------


@extend_schema(
    tags=["Coverage"],
    summary="Training coverage against need on a date (the object `tiptracker coverage --format json` prints)",
    parameters=[SLUG, filters.CoverageQuery],
    responses={200: CoverageOutput},
)
class CoverageApi(ScopedApi):
    allowed_roles = access.COVERAGE_ROLES

    def get(self, request: Request, slug: str) -> Response:
        query = filters.CoverageQuery.read(request.query_params)
        # The same defaults as `tiptracker coverage`: today, by organisation.
        result = coverage_for(
            self.membership, as_of=query.get("as_of") or today(), by=query.get("by", "organisation")
        )
        return Response(result.as_json())


# Helpers -----------------------------------------------------------------------------------


def valid_body(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    found = serializer_class(data=request.data)
    found.is_valid(raise_exception=True)
    return found.validated_data


def one_in_scope(queryset: Any, field: str, **lookup: Any) -> Any:
    """The one object the caller may see matching `lookup`, or a 409 naming the field. Another
    partnership's object gets the same answer as one that does not exist."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Refused(
            {field: [f"There is no such {field.replace('_', ' ')} that you can use here."]}
        )
    return found


# The documentation page ---------------------------------------------------------------------


# The order a newcomer reads in: where they belong, who is there, what training there is.
DOCS_ORDER = ["Partnerships", "Workforce", "Training", "Bookings", "Completions", "Coverage"]


# drf-spectacular's generator keeps state while it runs, so two threads generating at once
# break each other; the schema depends only on the code, so it is made once per process.
_SCHEMA_LOCK = threading.Lock()


def api_schema_dict() -> dict:
    with _SCHEMA_LOCK:
        return _generated_schema()


@functools.cache
def _generated_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


class SchemaApi(SpectacularAPIView):
    """The OpenAPI schema, generated by one thread at a time."""

    permission_classes = [IsAuthenticated]

    @extend_schema(exclude=True)  # the schema is not an operation of the API it describes
    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        with _SCHEMA_LOCK:
            return super().get(request, *args, **kwargs)


@login_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """Every operation in the generated schema, as a page of our own (no CDN, strict CSP)."""
    schema = api_schema_dict()
    groups: dict[str, list[dict]] = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            groups.setdefault((operation.get("tags") or ["Other"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary") or operation.get("description", ""),
                    "id": operation["operationId"],
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _body_fields(schema, operation),
                }
            )
    order = {tag: n for n, tag in enumerate(DOCS_ORDER)}
    response = render(
        request,
        "api/docs.html",
        {
            "title": schema["info"]["title"],
            "description": schema["info"].get("description", ""),
            "groups": dict(sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))),
        },
    )
    response.headers["Content-Security-Policy"] = CSP
    return response


def _body_fields(schema: dict, operation: dict) -> list[dict]:
    body = (
        operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema")
    )
    if not body:
        return []
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    required = set(body.get("required", []))
    return [
        {"name": name, "required": name in required, "description": field.get("description", "")}
        for name, field in body.get("properties", {}).items()
    ]
