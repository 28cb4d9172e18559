"""Query parameters of the list endpoints, checked before any query runs.

A bad value is a 400 naming the parameter (`{"detail": "from: ...", "errors": {"from":
[...]}}`), never a 500 and never silently ignored; a value the schema allows but a rule
refuses (a `to` before the `from`) is a 409. The same serializers document the parameters in
the OpenAPI schema.
"""

from typing import Any

from django.http import QueryDict
from rest_framework import serializers

from tiptracker.api.errors import Refused
from tiptracker.api.serializers import MAX_ID
from tiptracker.lib.dates import today, validate_entered_date
from tiptracker.training.models import Booking

ISO_DATE = ["%Y-%m-%d"]


class IsoDateField(serializers.DateField):
    """A date as YYYY-MM-DD, in 1900 or later (the rule for every date entered: earlier is a
    typo, and the financial years reports count in have no year 0). The schema's pattern
    says so (schema.EnteredDateSchema)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=ISO_DATE, validators=[validate_entered_date], **kwargs)


def id_filter(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=help_text
    )


def _date(help_text: str) -> serializers.DateField:
    # The same spellings as the import files and the pages: ISO or UK day-first.
    return serializers.DateField(
        required=False,
        input_formats=[*ISO_DATE, "%d/%m/%Y"],
        help_text=f"{help_text} (YYYY-MM-DD or DD/MM/YYYY)",
        error_messages={"invalid": "Enter a real date as YYYY-MM-DD or DD/MM/YYYY."},
    )


class Filter(serializers.Serializer):
    """Base: validates a QueryDict, raising the 400 itself."""

    @classmethod
    def read(cls, query: QueryDict) -> dict:
        found = cls(data=query)
        found.is_valid(raise_exception=True)
        return found.validated_data


class DateRange(Filter):
    """Adds `from` and `to` (a Python keyword cannot be a declared field name)."""

    from_help = "On or after this day"
    to_help = "On or before this day"

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["from"] = _date(self.from_help)
        fields["to"] = _date(self.to_help)
        return fields

    def validate(self, attrs: dict) -> dict:
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise Refused({"to": "The 'to' date must be on or after the 'from' date."})
        return attrs


class StaffFilter(Filter):
    organisation = id_filter("Only staff employed by this organisation (its id).")
    team = id_filter("Only staff in this team (its id).")
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Search: the exact staff ID, or part of a name, e-mail or job title.",
    )


class TeamFilter(Filter):
    organisation = id_filter("Only teams of this organisation (its id).")


class SessionFilter(DateRange):
    from_help = "Sessions starting on or after this day"
    to_help = "Sessions starting on or before this day"
    course = id_filter("Only sessions of this course (its id).")


class BookingFilter(Filter):
    session = id_filter("Only bookings on this session (its id).")
    status = serializers.ChoiceField(
        required=False, choices=Booking.Status.choices, help_text="Only bookings in this state."
    )


class CompletionFilter(DateRange):
    from_help = "Completed on or after this day"
    to_help = "Completed on or before this day"
    staff_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Only this person's (the employer's identifier).",
    )
    course_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Only completions of this course.",
    )


class CoverageQuery(Filter):
    as_of = _date("The date (default: today)")
    by = serializers.ChoiceField(
        required=False,
        choices=["organisation", "team"],
        help_text="Rows per organisation (the default), or per organisation and team.",
    )

    def validate_as_of(self, value):  # type: ignore[no-untyped-def]
        if value > today():
            raise Refused({"as_of": "The date is in the future."})
        return value
