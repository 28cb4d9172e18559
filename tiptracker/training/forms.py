"""Forms for courses, sessions, booking and attendance.

They check what a person typed and turn it into the values the services take; the rules
about the data itself (a unique course code, an end after the start) live in the services,
whose errors `add_service_error` puts back on the form.
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from tiptracker.forms import DatePartsField
from tiptracker.lib.fields import max_length_of
from tiptracker.lib.levels import Level
from tiptracker.training import claims
from tiptracker.training.briefings import Answer
from tiptracker.training.models import Booking, Course, Guest, TrainingSession
from tiptracker.training.schedule import MAX_DURATION_MINUTES

# Courses -----------------------------------------------------------------------------------

COURSE_CODE_MAX = max_length_of(Course, "code")
COURSE_TITLE_MAX = max_length_of(Course, "title")
COURSE_PROVIDER_MAX = max_length_of(Course, "provider")


class CourseForm(forms.Form):
    code = forms.CharField(
        label="Course code",
        max_length=COURSE_CODE_MAX,
        help_text="Your partnership's short code for the course, for example TI-OD. It must be different from every other course's code.",
        error_messages={
            "required": "Enter a course code",
            "max_length": f"The course code must be {COURSE_CODE_MAX} characters or fewer",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=COURSE_TITLE_MAX,
        error_messages={
            "required": "Enter the course title",
            "max_length": f"The title must be {COURSE_TITLE_MAX} characters or fewer",
        },
    )
    level = forms.TypedChoiceField(
        label="Level",
        help_text="The framework level that completing the course achieves.",
        choices=[("", "Choose a level")] + [(str(level.value), level.label) for level in Level],
        coerce=int,
        error_messages={
            "required": "Choose the level the course achieves",
            "invalid_choice": "Choose one of the four levels",
        },
    )
    delivery = forms.ChoiceField(
        label="Delivery",
        choices=[("", "Not recorded")] + list(Course.Delivery.choices),
        required=False,
        error_messages={"invalid_choice": "Choose e-learning, webinar, face to face or blended"},
    )
    provider = forms.CharField(
        label="Provider",
        max_length=COURSE_PROVIDER_MAX,
        required=False,
        help_text="Who runs the course, for example NHS Education for Scotland.",
        error_messages={
            "max_length": f"The provider must be {COURSE_PROVIDER_MAX} characters or fewer"
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="What the course is about and who it is for. The sessions list shows its first words.",
        error_messages={"max_length": "The description must be 5,000 characters or fewer"},
    )
    learning_outcomes = forms.CharField(
        label="Learning outcomes (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="One outcome a line: what people will know or be able to do afterwards.",
        error_messages={"max_length": "The learning outcomes must be 5,000 characters or fewer"},
    )
    duration_minutes = forms.IntegerField(
        label="Duration in minutes (optional)",
        required=False,
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        help_text="How long the course takes, in whole minutes: for example 210 for 3 hours 30 minutes.",
        error_messages={
            "invalid": "Enter the duration as a whole number of minutes, like 90",
            "min_value": "The duration must be at least 1 minute",
            "max_value": f"The duration must be {MAX_DURATION_MINUTES:,} minutes (a week) or fewer",
        },
    )

    @staticmethod
    def initial_for(course: Course) -> dict:
        return {
            "code": course.code,
            "title": course.title,
            "level": str(course.level),
            "delivery": course.delivery,
            "provider": course.provider,
            "description": course.description,
            "learning_outcomes": course.learning_outcomes,
            "duration_minutes": course.duration_minutes,
        }


# Learning done elsewhere --------------------------------------------------------------------


class ClaimForm(forms.Form):
    course = forms.ModelChoiceField(
        label="Course",
        queryset=Course.objects.none(),
        empty_label="Choose a course",
        help_text="The course in your partnership's list that the learning matches.",
        error_messages={
            "required": "Choose the course you completed",
            "invalid_choice": "Choose one of the courses in the list",
        },
    )
    completed_on = DatePartsField(
        label="Date you completed it",
        what="date you completed it",
        help_text="For example, 27 3 2024",
    )
    evidence_note = forms.CharField(
        label="Evidence",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="Where and how you completed it: the organisation, the course's name there, a certificate number. Needed if you do not attach a file.",
        error_messages={"max_length": "The evidence must be 5,000 characters or fewer"},
    )
    evidence = forms.FileField(
        label="Evidence file (optional)",
        required=False,
        error_messages={
            "empty": "The chosen file is empty",
            "invalid": "The file could not be read: choose it again",
            "missing": "The file could not be read: choose it again",
        },
    )

    accept = claims.ACCEPT  # the file input's accept attribute

    def __init__(self, *args, courses: QuerySet[Course], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses.order_by("title", "id")  # type: ignore[attr-defined]
        self.fields["evidence"].help_text = (
            "A certificate or record of completion: a PDF, a photo or scan (.jpg or .png), or "
            f"a Word document (.docx or .doc), smaller than {claims.human_size(claims.MAX_BYTES)}."
        )

    def clean_evidence(self) -> claims.Upload | None:
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        # Name and size first, so a file far too large is never read into memory.
        try:
            claims.check_name_and_size(upload.name, upload.size)
        except claims.EvidenceRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return claims.Upload(name=upload.name, data=upload.read())


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve"), ("reject", "Do not approve")],
        widget=forms.HiddenInput,  # the two buttons send it
        error_messages={
            "required": "Choose whether to approve the claim",
            "invalid_choice": "Choose approve or do not approve",
        },
    )
    reason = forms.CharField(
        label="Reason (if you reject it)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="The person is told it by e-mail: say what would be accepted.",
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )


# Sessions ----------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$")


def parse_time(text: str, *, what: str) -> dt.time:
    """A time of day from 14:30, 14.30, 9:30, 2:30pm, 2pm or midday."""
    value = "".join(text.lower().split())
    if value in ("midday", "noon"):
        return dt.time(12, 0)
    match = _TIME.match(value)
    if not match:
        raise ValidationError(
            f"Enter the {what} as hours and minutes on the 24-hour clock, for example 09:30 or 14:00"
        )
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            raise ValidationError(f"Enter the {what} as a real time, for example 09:30 or 2:30pm")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValidationError(f"Enter the {what} as a real time, for example 09:30 or 14:00")
    return dt.time(hour, minute)


def london_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A date and time as read on a clock in the UK, as an aware datetime."""
    zone = timezone.get_default_timezone()
    naive = dt.datetime.combine(day, time)
    moment = naive.replace(tzinfo=zone)
    # A time the clocks skip in March does not survive the round trip through UTC.
    if moment.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            f"{time:%H:%M} does not exist on {day:%-d %B %Y}: the clocks go forward at 01:00"
        )
    return moment


SESSION_VENUE_MAX = max_length_of(TrainingSession, "venue")
SESSION_FACILITATOR_MAX = max_length_of(TrainingSession, "facilitator")
SESSION_AUDIENCE_MAX = max_length_of(TrainingSession, "audience")


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(
        label="Course",
        queryset=Course.objects.none(),
        empty_label="Choose a course",
        error_messages={
            "required": "Choose the course",
            "invalid_choice": "Choose one of the courses in the list",
        },
    )
    start_date = DatePartsField(label="Date", what="date", help_text="For example, 27 3 2026")
    start_time = forms.CharField(
        label="Start time",
        max_length=10,
        help_text="UK time, on the 24-hour clock, for example 09:30",
        error_messages={"required": "Enter the start time"},
    )
    end_time = forms.CharField(
        label="End time",
        max_length=10,
        help_text="For example, 12:30",
        error_messages={"required": "Enter the end time"},
    )
    end_date = DatePartsField(
        label="End date (only if it ends on a later day)",
        what="end date",
        required=False,
        help_text="Leave this blank if the session ends on the day it starts.",
    )
    venue = forms.CharField(
        label="Venue",
        max_length=SESSION_VENUE_MAX,
        required=False,
        help_text="For a session in person: the building, room and address.",
        error_messages={"max_length": f"The venue must be {SESSION_VENUE_MAX} characters or fewer"},
    )
    online_url = forms.URLField(
        label="Online link",
        required=False,
        assume_scheme="https",
        help_text="For a session online: the link to join, starting https://",
        error_messages={
            "invalid": "Enter the online link as a full web address, like https://example.org/join"
        },
    )
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=100_000,
        help_text="How many people can attend. Anyone booking when it is full goes on the waiting list.",
        error_messages={
            "required": "Enter how many places there are",
            "invalid": "Enter the number of places as a whole number, like 20",
            "min_value": "There must be at least 1 place",
            "max_value": "There can be at most 100,000 places",
        },
    )
    facilitator = forms.CharField(
        label="Facilitator",
        max_length=SESSION_FACILITATOR_MAX,
        required=False,
        error_messages={
            "max_length": f"The facilitator must be {SESSION_FACILITATOR_MAX} characters or fewer"
        },
    )
    audience = forms.CharField(
        label="Audience",
        max_length=SESSION_AUDIENCE_MAX,
        required=False,
        help_text="Who the session is for, for example Managers in Children's Services.",
        error_messages={
            "max_length": f"The audience must be {SESSION_AUDIENCE_MAX} characters or fewer"
        },
    )

    # The service names these; the form asks for them in parts.
    SERVICE_FIELDS = {"starts_at": "start_time", "ends_at": "end_time"}

    def __init__(self, *args, courses: QuerySet[Course], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(session: TrainingSession) -> dict:
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {
            "course": session.course_id,
            "start_date": start.date(),
            "start_time": f"{start:%H:%M}",
            "end_date": end.date() if end.date() != start.date() else None,
            "end_time": f"{end:%H:%M}",
            "venue": session.venue,
            "online_url": session.online_url,
            "capacity": session.capacity,
            "facilitator": session.facilitator,
            "audience": session.audience,
        }

    def clean_start_time(self) -> dt.time:
        return parse_time(self.cleaned_data["start_time"], what="start time")

    def clean_end_time(self) -> dt.time:
        return parse_time(self.cleaned_data["end_time"], what="end time")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        start_date, start_time, end_time = (
            data.get("start_date"),
            data.get("start_time"),
            data.get("end_time"),
        )
        if start_date and start_time:
            try:
                data["starts_at"] = london_datetime(start_date, start_time)
            except ValidationError as error:
                self.add_error("start_time", error)
        end_date = data.get("end_date") or start_date
        if end_date and end_time:
            try:
                data["ends_at"] = london_datetime(end_date, end_time)
            except ValidationError as error:
                self.add_error("end_time", error)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error(
                "end_time",
                "The end must be after the start"
                + (
                    ""
                    if data.get("end_date")
                    else " (if it ends on a later day, enter the end date)"
                ),
            )
        if (
            "venue" in data
            and "online_url" in data
            and not data["venue"]
            and not data["online_url"]
        ):
            self.add_error(
                "venue", "Enter a venue or an online link (or both), so people know where to go"
            )
        return data

    def session_values(self) -> dict:
        """The cleaned values as the session services take them."""
        keys = (
            "course",
            "starts_at",
            "ends_at",
            "venue",
            "online_url",
            "capacity",
            "facilitator",
            "audience",
        )
        return {key: self.cleaned_data[key] for key in keys}


# Booking -----------------------------------------------------------------------------------


class BookSelfForm(forms.Form):
    """No fields: it carries the errors of booking oneself to the page."""


class PeopleSearchForm(forms.Form):
    """The search for people to book, on the session page (a GET: the results can be
    bookmarked, and the page works without JavaScript)."""

    q = forms.CharField(
        label="Name or staff ID",
        max_length=100,
        required=False,
        help_text="For example, a surname, a first name and a surname, or the start of a staff ID.",
        error_messages={"max_length": "Enter 100 characters or fewer"},
    )

    def query(self) -> str:
        return self.cleaned_data["q"].strip() if self.is_valid() else ""


class _IdsField(forms.Field):
    """The ids of the rows ticked in a list of checkboxes (each an `<input name=... value=id>`)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        ids = []
        for item in values:
            text = str(item).strip()
            if not text.isdigit() or len(text) > 12:
                raise ValidationError("Choose people from the list.")
            ids.append(int(text))
        return list(dict.fromkeys(ids))


class BookPeopleForm(forms.Form):
    """The people ticked in the search results, to book onto the session."""

    MAX = 100  # each is booked (and e-mailed) in its own transaction: a page's worth at a time

    people = _IdsField(
        label="People to book",
        error_messages={"required": "Choose at least one person to book"},
    )

    def clean_people(self) -> list[int]:
        ids = self.cleaned_data["people"]
        if len(ids) > self.MAX:
            raise ValidationError(f"Choose at most {self.MAX} people at a time")
        return ids


# Attendance --------------------------------------------------------------------------------

ATTENDANCE_PREFIX = "attendance-"


class AttendanceForm(forms.Form):
    """One set of radios per person with a place; unmarked people are left as they are."""

    def __init__(self, *args, bookings: list[Booking], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.bookings = bookings
        self.extra: dict[int, str] = {}
        for booking in bookings:
            self.fields[f"{ATTENDANCE_PREFIX}{booking.pk}"] = forms.ChoiceField(
                label=f"Attendance of {booking.person}",
                choices=Booking.Attendance.choices,
                required=False,
                initial=booking.attendance,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": f"Choose attended, partly attended or did not attend for {booking.person}"
                },
            )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        # Marks for bookings not on the sheet (posted by hand) go to the service, which
        # refuses them with a message naming the person.
        for key in self.data:
            if not key.startswith(ATTENDANCE_PREFIX) or key in self.fields:
                continue
            number, value = key[len(ATTENDANCE_PREFIX) :], self.data.get(key)
            if not number.isdigit() or value not in Booking.Attendance.values:
                raise ValidationError(
                    "The attendance sent does not match anyone on this session. Reload the page and try again."
                )
            self.extra[int(number)] = value
        return data

    def marks(self) -> dict[int, str]:
        chosen = {
            booking.pk: self.cleaned_data[f"{ATTENDANCE_PREFIX}{booking.pk}"]
            for booking in self.bookings
            if self.cleaned_data.get(f"{ATTENDANCE_PREFIX}{booking.pk}")
        }
        return {**chosen, **self.extra}

    def rows(self, sheet: list) -> list:
        """(row, bound field) for each person on the attendance sheet."""
        return [(row, self[f"{ATTENDANCE_PREFIX}{row.booking.pk}"]) for row in sheet]


# Guests and briefing invitations -------------------------------------------------------------

GUEST_NAME_MAX = max_length_of(Guest, "name")
GUEST_EMAIL_MAX = max_length_of(Guest, "email")
GUEST_ORGANISATION_MAX = max_length_of(Guest, "organisation")


class GuestForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=GUEST_NAME_MAX,
        help_text="As they like to be addressed, for example Councillor Jane Smith.",
        error_messages={
            "required": "Enter the guest's name",
            "max_length": f"The name must be {GUEST_NAME_MAX} characters or fewer",
        },
    )
    email = forms.CharField(
        label="E-mail address",
        max_length=GUEST_EMAIL_MAX,
        help_text="Invitations and their personal reply links are sent here.",
        error_messages={
            "required": "Enter the guest's e-mail address",
            "max_length": f"The e-mail address must be {GUEST_EMAIL_MAX} characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="Guest of the partnership as",
        choices=[("", "Choose one")] + list(Guest.Kind.choices),
        error_messages={
            "required": "Choose board member, elected member or other",
            "invalid_choice": "Choose board member, elected member or other",
        },
    )
    organisation = forms.CharField(
        label="Organisation and role",
        max_length=GUEST_ORGANISATION_MAX,
        required=False,
        help_text="For example, Dundee Integration Joint Board, voting member.",
        error_messages={
            "max_length": f"The organisation and role must be {GUEST_ORGANISATION_MAX} characters or fewer"
        },
    )

    @staticmethod
    def initial_for(guest: Guest) -> dict:
        return {
            "name": guest.name,
            "email": guest.email,
            "kind": guest.kind,
            "organisation": guest.organisation,
        }


class InviteForm(forms.Form):
    guests = forms.ModelMultipleChoiceField(
        label="Guests to invite",
        queryset=Guest.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one guest to invite",
            "invalid_choice": "Choose guests from the list",
            "invalid_pk_value": "Choose guests from the list",
        },
    )

    def __init__(self, *args, guests: QuerySet[Guest], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["guests"].queryset = guests  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(
        label="Will you attend?",
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you will attend",
            "invalid_choice": "Choose whether you will attend",
        },
    )


class RecordReplyForm(forms.Form):
    """A reply the clerk records for a guest (who answered by e-mail or telephone)."""

    answer = forms.ChoiceField(
        choices=Answer.choices,
        error_messages={
            "required": "Choose whether the guest will attend",
            "invalid_choice": "Choose whether the guest will attend",
        },
    )
