"""Reads for training pages and the API."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.formats import date_format

from tiptracker.lib.dates import month_ends_before
from tiptracker.lib.levels import LEVELS, Level
from tiptracker.lib.users import user_name
from tiptracker.partnerships.access import managed_team_ids
from tiptracker.partnerships.models import Membership
from tiptracker.training.access import (
    bookings_for,
    claims_for,
    completions_for,
    guests_for,
    sessions_for,
)
from tiptracker.training.coverage import (
    Coverage,
    CoverageRow,
    coverage,
    coverage_by_month,
    outstanding_staff_ids_sql,
)
from tiptracker.training.models import (
    AttendanceMark,
    Booking,
    Completion,
    CoverageSnapshot,
    Guest,
    LearningClaim,
    TrainingSession,
)
from tiptracker.training.snapshots import TREND_MONTHS, coverage_snapshots_fill
from tiptracker.training.tokens import booking_id_from_token
from tiptracker.workforce.access import bookable_staff_for, staff_for
from tiptracker.workforce.models import StaffMember


def coverage_for(membership: Membership, *, as_of: dt.date, by: str | None = None) -> Coverage:
    """Coverage as this member may see it: a manager's is limited to their teams."""
    return coverage(
        partnership_id=membership.partnership_id,
        partnership_slug=membership.partnership.slug,
        as_of=as_of,
        by=by,
        team_ids=managed_team_ids(membership),
    )


@dataclass(frozen=True)
class TrendPoint:
    day: dt.date
    rows: list[CoverageRow]

    def row(self, level: Level) -> CoverageRow:
        return next(r for r in self.rows if r.level == level)


def coverage_trend_for(
    membership: Membership, *, as_of: dt.date, totals: list[CoverageRow] | None = None
) -> list[TrendPoint]:
    """Coverage at each of the last 24 month ends before `as_of`, then at `as_of` itself
    (`totals`, when the caller has them already, saves computing them again).

    The partnership's month ends come from the derived table (filled where missing); a
    manager's, over a few teams, are computed directly in one query.
    """
    month_ends = month_ends_before(as_of, TREND_MONTHS)
    team_ids = managed_team_ids(membership)
    if team_ids is None:
        coverage_snapshots_fill(partnership_id=membership.partnership_id, month_ends=month_ends)
        by_day: dict[dt.date, list[CoverageRow]] = {day: [] for day in month_ends}
        for snap in CoverageSnapshot.objects.filter(
            partnership_id=membership.partnership_id, month_end__in=month_ends
        ).order_by("month_end", "level"):
            by_day[snap.month_end].append(
                CoverageRow(level=Level(snap.level), needed=snap.needed, met=snap.met)
            )
    else:
        by_day = coverage_by_month(
            partnership_id=membership.partnership_id, month_ends=month_ends, team_ids=team_ids
        )
    points = [TrendPoint(day=day, rows=rows) for day, rows in by_day.items()]
    if totals is None:
        totals = coverage_for(membership, as_of=as_of).totals
    points.append(TrendPoint(day=as_of, rows=totals))
    return points


def outstanding_staff_for(membership: Membership, *, as_of: dt.date, level: Level) -> QuerySet:
    """The people who need `level` on `as_of` and have not met it, as this member may see them."""
    from django.db.models.expressions import RawSQL

    sql, params = outstanding_staff_ids_sql(
        partnership_id=membership.partnership_id,
        as_of=as_of,
        level=level,
        team_ids=managed_team_ids(membership),
    )
    return (
        staff_for(membership)
        .filter(id__in=RawSQL(sql, params))  # noqa: S611 - built from constants; values are parameters
        # The level this person needs (rule 2): their own, else their team's, else informed.
        .annotate(
            needs_level=Coalesce(
                "required_level", "team__required_level", Value(Level.INFORMED.value)
            )
        )
        .select_related("organisation", "team")
        .order_by("organisation__name", "team__name", "last_name", "first_name", "staff_id")
    )


def sessions_with_places(sessions: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    """Sessions with `booked`, `waiting` and `places_left` (capacity minus booked, never below 0)."""
    return sessions.annotate(
        booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)),
        waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
    ).annotate(
        places_left=Greatest(
            ExpressionWrapper(F("capacity") - F("booked"), output_field=IntegerField()),
            Value(0),
            output_field=IntegerField(),
        )
    )


# Sessions and bookings ---------------------------------------------------------------------


def session_counts(session: TrainingSession) -> dict[str, int]:
    """How many have places and how many wait, and the places left, in one query."""
    counts = Booking.objects.filter(session_id=session.pk).aggregate(
        booked=Count("id", filter=Q(status=Booking.Status.BOOKED)),
        waiting=Count("id", filter=Q(status=Booking.Status.WAITLISTED)),
        # Guests' invitations (a briefing): counts only, which every member may see.
        invited=Count("id", filter=Q(guest__isnull=False) & ~Q(status=Booking.Status.CANCELLED)),
        accepted=Count(
            "id",
            filter=Q(
                guest__isnull=False,
                status__in=[Booking.Status.BOOKED, Booking.Status.WAITLISTED],
            ),
        ),
        declined=Count("id", filter=Q(status=Booking.Status.DECLINED)),
        awaiting=Count("id", filter=Q(status=Booking.Status.INVITED)),
    )
    counts["places_left"] = max(session.capacity - counts["booked"], 0)
    return counts


def _ahead_in_queue() -> Subquery:
    """For an outer Booking: how many waiting for its session joined before it, itself included."""
    ahead = (
        Booking.objects.filter(session_id=OuterRef("session_id"), status=Booking.Status.WAITLISTED)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), id__lte=OuterRef("id"))
        )
        .order_by()
        .values("session_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Subquery(ahead, output_field=IntegerField())


def waiting_position(booking: Booking) -> int | None:
    """Where a waiting-list booking stands (1 is next to get a place); None if not waiting."""
    if booking.status != Booking.Status.WAITLISTED:
        return None
    return (
        Booking.objects.filter(session_id=booking.session_id, status=Booking.Status.WAITLISTED)
        .filter(
            Q(created_at__lt=booking.created_at)
            | Q(created_at=booking.created_at, id__lte=booking.id)
        )
        .count()
    )


def bookings_with_position(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Bookings with their session and course, and `position` on the waiting list (None
    unless waiting), without a query per row."""
    return bookings.select_related("session__course", "staff", "guest").annotate(
        position=Case(When(status=Booking.Status.WAITLISTED, then=_ahead_in_queue()), default=None)
    )


def session_bookings(session: TrainingSession) -> tuple[list[Booking], list[Booking]]:
    """The people with places, then the waiting list in the order it will be promoted."""
    live = (
        Booking.objects.filter(session_id=session.pk)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("staff__team", "guest")
        .order_by("created_at", "id")
    )
    booked = [b for b in live if b.status == Booking.Status.BOOKED]
    waiting = [b for b in live if b.status == Booking.Status.WAITLISTED]
    return booked, waiting


def own_booking(session: TrainingSession, staff_id: int | None) -> Booking | None:
    """This person's live booking on the session, if any."""
    if staff_id is None:
        return None
    return (
        Booking.objects.filter(session_id=session.pk, staff_id=staff_id)
        .exclude(status=Booking.Status.CANCELLED)
        .first()
    )


def next_on_waiting_list(session: TrainingSession) -> Booking | None:
    """Whoever is offered the next place that comes free: the longest waiting."""
    return (
        Booking.objects.filter(session_id=session.pk, status=Booking.Status.WAITLISTED)
        .select_related("staff", "guest")
        .order_by("created_at", "id")
        .first()
    )


# People to book: a search on the session page --------------------------------------------

# The longest search taken; anything longer is cut (no one's name is longer).
SEARCH_MAX = 100


def people_to_book(
    membership: Membership, session: TrainingSession, *, query: str
) -> QuerySet[StaffMember]:
    """The people this member may book whose name (every word of the search, in the first
    or last name) or staff ID (its start, in any case) matches, by surname, with their team
    and organisation, and `live_status`: their booking on the session (booked or
    waitlisted), or None. One query, however many match."""
    query = " ".join(query.split())[:SEARCH_MAX]
    if not query:
        return StaffMember.objects.none()
    name = Q()
    for word in query.split():
        name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    live = (
        Booking.objects.filter(session_id=session.pk, staff_id=OuterRef("pk"))
        .exclude(status=Booking.Status.CANCELLED)
        .values("status")[:1]
    )
    return (
        bookable_staff_for(membership)
        .filter(name | Q(staff_id__istartswith=query))
        .select_related("team", "organisation")
        .annotate(live_status=Subquery(live))
        .order_by("last_name", "first_name", "staff_id", "id")
    )


@dataclass(frozen=True)
class AttendanceRow:
    booking: Booking
    history: list[str]


def attendance_sheet(session: TrainingSession) -> list[AttendanceRow]:
    """The people with places on a session, staff then guests, each with their marking
    history in words ("changed from Attended to Did not attend by ... at ..."), in two queries."""
    booked = (
        Booking.objects.filter(session_id=session.pk, status=Booking.Status.BOOKED)
        .select_related("staff__team", "guest")
        .prefetch_related(
            Prefetch("marks", queryset=AttendanceMark.objects.select_related("marked_by"))
        )
        .order_by(
            F("staff__last_name").asc(nulls_last=True),
            "staff__first_name",
            "staff__staff_id",
            "guest__sort_name",
            "guest__name",
            "id",
        )
    )
    rows = []
    for booking in booked:
        history, previous = [], None
        for mark in booking.marks.all():
            label = Booking.Attendance(mark.attendance).label
            who = _person(mark.marked_by)
            when = date_format(timezone.localtime(mark.marked_at), "j F Y, H:i")
            if previous is None:
                history.append(f"Marked {label.lower()} by {who} at {when}")
            else:
                history.append(
                    f"Changed from {previous.lower()} to {label.lower()} by {who} at {when}"
                )
            previous = label
        rows.append(AttendanceRow(booking=booking, history=history))
    return rows


def _person(user: object) -> str:
    if user is None:
        return "someone no longer registered"
    return user_name(user)


__all__ = [
    "LEVELS",
    "coverage_for",
    "coverage_trend_for",
    "outstanding_staff_for",
    "sessions_with_places",
    "session_counts",
    "waiting_position",
    "bookings_with_position",
    "session_bookings",
    "own_booking",
    "next_on_waiting_list",
    "people_to_book",
    "attendance_sheet",
]


# Lists for the API (and any page that wants the same filters) ---------------------------


def sessions_list_for(
    membership: Membership,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    course_id: int | None = None,
) -> QuerySet[TrainingSession]:
    """Sessions with their course and places taken, by start time; the dates are days in
    Europe/London, compared in the database."""

    sessions = sessions_for(membership).select_related("course")
    if date_from is not None:
        sessions = sessions.filter(starts_at__date__gte=date_from)
    if date_to is not None:
        sessions = sessions.filter(starts_at__date__lte=date_to)
    if course_id is not None:
        sessions = sessions.filter(course_id=course_id)
    return sessions_with_places(sessions).order_by("starts_at", "id")


def bookings_list_for(
    membership: Membership, *, session_id: int | None = None, status: str | None = None
) -> QuerySet[Booking]:
    """Bookings this member may see, latest session first, with what a row shows joined."""

    bookings = bookings_for(membership).select_related("session__course", "staff", "guest")
    if session_id is not None:
        bookings = bookings.filter(session_id=session_id)
    if status:
        bookings = bookings.filter(status=status)
    return bookings.order_by("-session__starts_at", "id")


def completions_list_for(
    membership: Membership,
    *,
    staff_id: str = "",
    course_code: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet:
    """Completions this member may see, latest first, with the person and course joined."""

    completions = completions_for(membership).select_related("staff", "course")
    if staff_id:
        completions = completions.filter(staff__staff_id=staff_id)
    if course_code:
        completions = completions.filter(course__code=course_code)
    if date_from is not None:
        completions = completions.filter(completed_on__gte=date_from)
    if date_to is not None:
        completions = completions.filter(completed_on__lte=date_to)
    return completions.order_by("-completed_on", "id")


# Guests and briefing invitations -----------------------------------------------------------


def guests_list_for(membership: Membership, *, kind: str = "") -> QuerySet[Guest]:
    """The partnership's guests (training admins only), by surname (Guest.sort_name)."""

    guests = guests_for(membership)
    if kind:
        guests = guests.filter(kind=kind)
    return guests.order_by("sort_name", "name", "id")


def invitations_of_session(session: TrainingSession) -> QuerySet[Booking]:
    """A session's live invitations (withdrawn ones apart), by guest's surname, with the guest
    and whoever recorded the reply joined."""
    return (
        Booking.objects.filter(session_id=session.pk, guest__isnull=False)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("guest", "reply_recorded_by", "session__course")
        .order_by("guest__sort_name", "guest__name", "id")
    )


def guests_to_invite(guests: QuerySet[Guest], session: TrainingSession) -> QuerySet[Guest]:
    """Of `guests`, those without a live invitation to the session."""
    invited = Booking.objects.filter(session_id=session.pk, guest__isnull=False).exclude(
        status=Booking.Status.CANCELLED
    )
    return guests.exclude(pk__in=invited.values("guest_id"))


def invitation_for_token(token: str) -> Booking | None:
    """The invitation a reply link names, with its session and guest; None for a forged or
    damaged link (or an invitation that no longer exists)."""
    pk = booking_id_from_token(token)
    if pk is None:
        return None
    return (
        Booking.objects.filter(pk=pk, guest__isnull=False)
        .select_related("guest", "session__course", "session__partnership")
        .first()
    )


def briefings_for(membership: Membership, *, past: bool | None = None) -> QuerySet[TrainingSession]:
    """Briefings: the sessions to which guests have been invited (a withdrawn invitation
    counts: it is still a record), each with its course and, in the same query, how many
    guests are `invited` (live invitations), `accepted` (a place or the waiting list),
    `declined`, `awaiting` a reply, `attended` and `partly` attended. `past`: True for those that have started,
    latest first; False for those to come, soonest first; None for all, latest first."""

    now = timezone.now()
    found = sessions_for(membership).filter(
        Exists(Booking.objects.filter(session_id=OuterRef("pk"), guest__isnull=False))
    )
    if past is True:
        found = found.filter(starts_at__lt=now).order_by("-starts_at", "-id")
    elif past is False:
        found = found.filter(starts_at__gte=now).order_by("starts_at", "id")
    else:
        found = found.order_by("-starts_at", "-id")
    guest = Q(bookings__guest__isnull=False)
    return found.select_related("course").annotate(
        invited=Count("bookings", filter=guest & ~Q(bookings__status=Booking.Status.CANCELLED)),
        accepted=Count(
            "bookings",
            filter=guest
            & Q(bookings__status__in=[Booking.Status.BOOKED, Booking.Status.WAITLISTED]),
        ),
        declined=Count("bookings", filter=guest & Q(bookings__status=Booking.Status.DECLINED)),
        awaiting=Count("bookings", filter=guest & Q(bookings__status=Booking.Status.INVITED)),
        attended=Count(
            "bookings",
            filter=guest
            & Q(
                bookings__status=Booking.Status.BOOKED,
                bookings__attendance=Booking.Attendance.ATTENDED,
            ),
        ),
        partly=Count(
            "bookings",
            filter=guest
            & Q(
                bookings__status=Booking.Status.BOOKED,
                bookings__attendance=Booking.Attendance.PARTLY,
            ),
        ),
    )


# My training and claims of learning done elsewhere ----------------------------------------

# My training lists this many past bookings; the rest are on the bookings page.
PAST_BOOKINGS_SHOWN = 5


@dataclass(frozen=True)
class PersonalLevel:
    """The level a person needs (formats.md, coverage rule 2) and whether they meet it."""

    level: Level
    # Where the need comes from: "set for you", "your team's need" or "everyone's minimum".
    source: str
    # The earliest completion achieving it, on or before the day asked about; None: not met.
    met_on: dt.date | None


def personal_level(staff: StaffMember, *, as_of: dt.date) -> PersonalLevel:
    """The rule coverage.py applies to everyone, for one person on one day."""
    if staff.required_level:
        level, source = Level(staff.required_level), "set for you"
    elif staff.team.required_level:
        level, source = Level(staff.team.required_level), "your team's need"
    else:
        level, source = Level.INFORMED, "everyone's minimum"
    met_on = Completion.objects.filter(
        staff_id=staff.pk, course__level__gte=level.value, completed_on__lte=as_of
    ).aggregate(first=Min("completed_on"))["first"]
    return PersonalLevel(level=level, source=source, met_on=met_on)


def own_completions(staff: StaffMember) -> QuerySet[Completion]:
    """Every course the person has completed, from any source, newest first."""
    return staff.completions.select_related("course").order_by("-completed_on", "-id")


def own_open_claims(staff: StaffMember) -> QuerySet[LearningClaim]:
    """The person's claims that do not count (waiting for approval, or not approved),
    newest first, with their evidence's name and size but not its bytes."""
    return (
        LearningClaim.objects.filter(staff_id=staff.pk)
        .exclude(status=LearningClaim.Status.APPROVED)
        .select_related("course", "evidence")
        .defer("evidence__data")
        .order_by("-created_at", "-id")
    )


def own_bookings(bookings: QuerySet[Booking], *, now: dt.datetime) -> tuple[list, list]:
    """A person's live bookings to come (soonest first) and their latest past ones."""
    live = bookings_with_position(bookings.exclude(status=Booking.Status.CANCELLED))
    upcoming = list(live.filter(session__starts_at__gte=now).order_by("session__starts_at", "id"))
    past = list(
        live.filter(session__starts_at__lt=now).order_by("-session__starts_at", "-id")[
            :PAST_BOOKINGS_SHOWN
        ]
    )
    return upcoming, past


def claims_to_review(membership: Membership) -> QuerySet[LearningClaim]:
    """The partnership's claims waiting for a decision, oldest first (first come, first
    decided), with what the list shows and without the files' bytes."""
    return (
        claims_for(membership)
        .filter(status=LearningClaim.Status.PENDING)
        .select_related("staff__team", "course", "evidence")
        .defer("evidence__data")
        .order_by("created_at", "id")
    )
