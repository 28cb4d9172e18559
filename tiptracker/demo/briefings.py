"""The demo's briefing for board and elected members (report, 2.2 and 4.2.7): a local
session by the end of the summer of 2022 for Integration Joint Board members and the newly
elected Dundee City Council members, with its invitations, replies and attendance.

The guests are fictional, at example.org. The briefing has its own course, so it never
counts among the manager briefings; and guests are not staff, so their attendance records
no completion and moves no coverage figure.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from tiptracker.demo.workspace import DemoContext
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.training.briefings import guest_create
from tiptracker.training.completions import attendance_mark
from tiptracker.training.models import AttendanceMark, Booking, Course, Guest
from tiptracker.training.schedule import course_create, session_create

COURSE_CODE = "IJB-BRIEFING"
COURSE_TITLE = "Trauma-informed practice and leadership: briefing for board and elected members"
DAY = dt.date(2022, 8, 23)  # a Tuesday at the end of the summer, after the council's induction
LONDON = ZoneInfo("Europe/London")

ELECTED, BOARD = Guest.Kind.ELECTED_MEMBER, Guest.Kind.BOARD_MEMBER
COUNCIL = "Dundee City Council, elected member"
IJB_VOTING = "Dundee Integration Joint Board, voting member"
IJB_ADVISORY = "Dundee Integration Joint Board, non-voting member"

# name, kind, organisation and role, reply (A accepted, D declined, N no reply), attendance.
ATTENDED, PARTLY, NO_SHOW = (
    Booking.Attendance.ATTENDED,
    Booking.Attendance.PARTLY,
    Booking.Attendance.NO_SHOW,
)
GUESTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Councillor Alison Baird", ELECTED, COUNCIL, "A", ATTENDED),
    ("Councillor Euan Cairns", ELECTED, COUNCIL, "A", ATTENDED),
    ("Councillor Fiona Dalgleish", ELECTED, COUNCIL, "A", ATTENDED),
    ("Councillor Graeme Ewart", ELECTED, COUNCIL, "A", ATTENDED),
    ("Councillor Heather Forsyth", ELECTED, COUNCIL, "A", ATTENDED),
    ("Councillor Iain Gourlay", ELECTED, COUNCIL, "A", PARTLY),
    ("Councillor Jean Haldane", ELECTED, COUNCIL, "A", ATTENDED),
    ("Councillor Kenneth Inglis", ELECTED, COUNCIL, "D", ""),
    ("Councillor Lorna Jardine", ELECTED, COUNCIL, "A", ATTENDED),
    ("Councillor Murray Kinnear", ELECTED, COUNCIL, "N", ""),
    ("Councillor Nicola Laing", ELECTED, COUNCIL, "A", NO_SHOW),
    ("Dr Owen Maxwell", BOARD, IJB_VOTING, "A", ATTENDED),
    ("Ms Patricia Nairn", BOARD, IJB_VOTING, "A", ATTENDED),
    ("Mr Quentin Ogilvie", BOARD, IJB_VOTING, "D", ""),
    ("Ms Rhona Pattullo", BOARD, IJB_ADVISORY, "A", ATTENDED),
    ("Mr Stuart Rattray", BOARD, IJB_ADVISORY, "A", ATTENDED),
    ("Ms Tessa Souter", BOARD, IJB_ADVISORY, "D", ""),
    ("Mr Victor Thom", BOARD, IJB_ADVISORY, "A", ATTENDED),
)
STATUS = {"A": Booking.Status.BOOKED, "D": Booking.Status.DECLINED, "N": Booking.Status.INVITED}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _email(name: str) -> str:
    first, last = name.split()[-2:]
    return f"{first.lower()}.{last.lower()}@example.org"


def load(ctx: DemoContext) -> None:
    actor = ctx.memberships[Role.LD_OFFICER].user
    partnership_id = ctx.partnership.pk
    course = course_create(
        actor=actor,
        partnership_id=partnership_id,
        code=COURSE_CODE,
        title=COURSE_TITLE,
        level=Level.INFORMED,
        delivery=Course.Delivery.FACE_TO_FACE,
        provider="Dundee Trauma Steering Group",
        description=(
            "A briefing for Integration Joint Board members and elected members: what "
            "trauma-informed services mean for the decisions they take, and how the "
            "partnership will report its progress to them."
        ),
        learning_outcomes=(
            "Know why trauma-informed practice matters to the people our services support\n"
            "Know what the partnership's plan asks of its services and leaders\n"
            "Ask the questions that hold services to account for being trauma-informed"
        ),
        duration_minutes=120,
    )
    session = session_create(
        actor=actor,
        course=course,
        starts_at=_at(DAY, 14),
        ends_at=_at(DAY, 16),
        capacity=30,
        venue="City Chambers, Dundee",
        facilitator="Trauma Learning and Development Officer",
        audience="Integration Joint Board members and Dundee City Council elected members",
    )
    guests = [
        guest_create(
            actor=actor,
            partnership_id=partnership_id,
            name=name,
            email=_email(name),
            kind=kind,
            organisation=organisation,
        )
        for name, kind, organisation, _reply, _attendance in GUESTS
    ]
    # The invitations went out three weeks before and the replies came in over a fortnight:
    # history, written as the rows it left (the services refuse invitations to a past date).
    invited_on = session.starts_at - dt.timedelta(days=21)
    bookings = Booking.objects.bulk_create(
        Booking(
            partnership_id=partnership_id,
            session=session,
            guest=guest,
            status=STATUS[reply],
            booked_by=actor,
            replied_at=None if reply == "N" else invited_on + dt.timedelta(days=2 + n % 12),
        )
        for n, (guest, (_name, _kind, _organisation, reply, _attendance)) in enumerate(
            zip(guests, GUESTS, strict=True)
        )
    )
    Booking.objects.filter(session=session).update(created_at=invited_on, updated_at=invited_on)
    for booking, spec in zip(bookings, GUESTS, strict=True):
        if spec[4]:
            attendance_mark(actor=actor, booking=booking, attendance=spec[4])
    AttendanceMark.objects.filter(booking__session=session).update(
        marked_at=session.ends_at + dt.timedelta(hours=2)
    )
    accepted = sum(spec[3] == "A" for spec in GUESTS)
    declined = sum(spec[3] == "D" for spec in GUESTS)
    attended = sum(spec[4] == ATTENDED for spec in GUESTS)
    ctx.say(
        f"Briefing for board and elected members, {DAY:%-d %B %Y}: {len(GUESTS)} guests invited, "
        f"{accepted} accepted, {declined} declined, {attended} attended"
    )
