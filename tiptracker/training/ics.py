"""A booking as an iCalendar file (RFC 5545), written by hand: one event, no dependency.

The rules that calendar programs are strict about: lines end in CRLF; a line longer than
75 octets is folded onto continuation lines that begin with a space (never splitting a
UTF-8 character); in TEXT values backslash, semicolon, comma and newline are escaped;
times are in UTC with a trailing Z, so no VTIMEZONE block is needed.
"""

import datetime as dt
import re

from tiptracker.training.models import Booking, TrainingSession

PRODID = "-//TIP Tracker//Training sessions//EN"
MAX_OCTETS = 75
# Control characters are not allowed in TEXT (RFC 5545 3.3.11), apart from tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, joined by CRLF and a space."""
    if len(line.encode("utf-8")) <= MAX_OCTETS:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            # The leading space of a continuation line counts towards its 75 octets.
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _uri(value: str) -> str:
    # A URI value is not escaped like TEXT, but must not carry line breaks or controls.
    return _CONTROL.sub("", value.replace("\r", "").replace("\n", ""))


_STATUS = {
    Booking.Status.BOOKED: "CONFIRMED",
    Booking.Status.WAITLISTED: "TENTATIVE",
    Booking.Status.CANCELLED: "CANCELLED",
    # A guest's invitation: in their diary as tentative until they accept.
    Booking.Status.INVITED: "TENTATIVE",
    Booking.Status.DECLINED: "CANCELLED",
}


def booking_calendar(booking: Booking, *, now: dt.datetime) -> str:
    """The .ics text for one booking: a VCALENDAR holding one VEVENT."""
    session: TrainingSession = booking.session
    cancelled = (
        session.status == TrainingSession.Status.CANCELLED
        or booking.status == Booking.Status.CANCELLED
    )
    status = "CANCELLED" if cancelled else _STATUS[Booking.Status(booking.status)]
    summary = session.course.title
    if booking.status == Booking.Status.WAITLISTED:
        summary += " (waiting list)"
    elif booking.status == Booking.Status.INVITED:
        summary += " (invitation)"
    details = [f"Course: {session.course.title} ({session.course.get_level_display()})"]
    if booking.status == Booking.Status.WAITLISTED:
        details.append("You are on the waiting list: you will be e-mailed if a place comes free.")
    elif booking.status == Booking.Status.INVITED:
        details.append("You are invited: please reply using the link in your invitation.")
    if session.facilitator:
        details.append(f"Facilitator: {session.facilitator}")
    if session.audience:
        details.append(f"For: {session.audience}")
    if session.online_url:
        details.append(f"Join online: {session.online_url}")

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        # The same booking always has the same UID, so a second download updates the event.
        f"UID:booking-{booking.pk}-{booking.partnership_id}@tiptracker",
        f"DTSTAMP:{utc(now)}",
        f"DTSTART:{utc(session.starts_at)}",
        f"DTEND:{utc(session.ends_at)}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if session.venue:
        lines.append(f"LOCATION:{escape_text(session.venue)}")
    elif session.online_url:
        lines.append(f"LOCATION:{escape_text('Online: ' + session.online_url)}")
    if session.online_url:
        lines.append(f"URL:{_uri(session.online_url)}")
    lines += [
        f"DESCRIPTION:{escape_text(chr(10).join(details))}",
        f"STATUS:{status}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
