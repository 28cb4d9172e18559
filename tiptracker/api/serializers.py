"""Input and output shapes of the API.

Output serializers only read attributes the view's queryset has already joined (see the
`select_related` in views.py), so a list costs the same number of queries at any length.
Input serializers check the shape of a request; the services check the rules.
"""

from typing import Any, ClassVar

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tiptracker.lib.dates import validate_entered_date
from tiptracker.lib.levels import LEVELS, Level
from tiptracker.partnerships.models import Organisation, Role
from tiptracker.training.bookings import Outcome
from tiptracker.training.models import Booking, Completion, Course, TrainingSession

# Database ids are 64-bit: a larger number in a filter is a bad value, not a server error.
MAX_ID = 2**63 - 1
LEVEL_SLUGS = [level.slug for level in LEVELS]


class StrictCharField(serializers.CharField):
    """Text, and only text: DRF's CharField turns a JSON number into a string, so a body
    breaking the schema's `type: string` would be accepted (and stored as "0.5")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)  # type: ignore[no-any-return]


# A web link as the schema documents it: the API refuses anything else with a 400; what the
# pattern lets through, the service checks as a web address (a 409 naming the field).
WEB_LINK_PATTERN = r"^https?://\S+$"


@extend_schema_field({"type": "string", "pattern": WEB_LINK_PATTERN})
class WebLinkField(StrictCharField):
    """A web address starting http:// or https:// (or blank, where allowed)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(
            RegexValidator(
                WEB_LINK_PATTERN, message="Enter a full web address starting http:// or https://."
            )
        )


class EnumField(serializers.CharField):
    """A string from a fixed set, documented once as the schema component `enum_name`
    (several fields are called `status`, each with its own states)."""

    enum_name: ClassVar[str]
    enum_values: ClassVar[list[str]]
    enum_description: ClassVar[str] = ""
    nullable: ClassVar[bool] = False


class CheckedEnumField(EnumField):
    """An EnumField that also refuses, on input, a value outside its set."""

    def to_internal_value(self, data: Any) -> Any:
        if data is None and self.allow_null:
            return None
        value = super().to_internal_value(data)
        if value not in self.enum_values:
            raise serializers.ValidationError(
                f"'{value}' is not one of: {', '.join(v for v in self.enum_values if v)}."
            )
        return value


class LevelSlugField(EnumField):
    enum_name = "Level"
    enum_values = LEVEL_SLUGS
    enum_description = (
        "A level of the national trauma framework, lowest first; each includes those below."
    )


class LevelField(LevelSlugField):
    """A framework level as its slug, from the number stored."""

    def to_representation(self, value: int | None) -> str | None:  # type: ignore[override]
        return None if value is None else Level(value).slug


class OptionalLevelField(LevelField):
    """A level that may not be set (null)."""

    nullable = True


class SessionStatusField(EnumField):
    enum_name = "SessionStatus"
    enum_values = TrainingSession.Status.values
    enum_description = "scheduled: open for booking until it starts; cancelled: no new bookings."


class BookingStatusField(EnumField):
    enum_name = "BookingStatus"
    enum_values = Booking.Status.values
    enum_description = (
        "booked: holds a place; waitlisted: on the waiting list; cancelled: gave it up "
        "(or, for a guest, the invitation was withdrawn); invited: a guest invited to a "
        "briefing, no reply yet; declined: a guest declined the invitation."
    )


class AttendanceField(EnumField):
    enum_name = "Attendance"
    enum_values = ["", *Booking.Attendance.values]
    enum_description = "Attendance once marked; blank before."


class DeliveryField(EnumField):
    enum_name = "Delivery"
    enum_values = ["", *Course.Delivery.values]
    enum_description = "How the course is delivered; blank if not known."


class SourceField(EnumField):
    enum_name = "CompletionSource"
    enum_values = Completion.Source.values
    enum_description = (
        "import: from a file; attendance: attended a session; manual: recorded by hand; "
        "claim: learning done elsewhere, claimed by the person and approved."
    )


class OrganisationKindField(EnumField):
    enum_name = "OrganisationKind"
    enum_values = Organisation.Kind.values


class RoleField(EnumField):
    enum_name = "Role"
    enum_values = Role.values
    enum_description = "Your role in the partnership: what you may see and do there."


class CoverageByField(EnumField):
    enum_name = "CoverageBy"
    enum_values = ["organisation", "team"]
    enum_description = "How the rows are grouped."


# Outputs ------------------------------------------------------------------------------


class PartnershipOutput(serializers.Serializer):
    slug = StrictCharField(source="partnership.slug")
    name = StrictCharField(source="partnership.name")
    role = RoleField()


class OrganisationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()
    kind = OrganisationKindField()


class PlaceOutput(serializers.Serializer):
    """An organisation or team named inside another object."""

    id = serializers.IntegerField()
    name = StrictCharField()


class TeamOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()
    organisation = PlaceOutput()
    required_level = OptionalLevelField(
        help_text="The level everyone in the team needs (null: the baseline, informed)."
    )


class StaffOutput(serializers.Serializer):
    id = serializers.IntegerField()
    staff_id = StrictCharField(help_text="The employer's identifier, unique in the partnership.")
    first_name = StrictCharField()
    last_name = StrictCharField()
    email = StrictCharField()
    job_title = StrictCharField()
    is_manager = serializers.BooleanField()
    organisation = PlaceOutput()
    team = PlaceOutput()
    required_level = OptionalLevelField(
        help_text="This person's own need, overriding the team's (null: the team's)."
    )
    start_date = serializers.DateField(allow_null=True)
    leaving_date = serializers.DateField(allow_null=True)


class PersonOutput(serializers.Serializer):
    """A staff member named inside a booking or completion."""

    id = serializers.IntegerField()
    staff_id = StrictCharField()
    name = StrictCharField(source="__str__")


class CourseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = StrictCharField()
    title = StrictCharField()
    level = LevelField(help_text="The level completing the course achieves.")
    delivery = DeliveryField()
    provider = StrictCharField()
    description = StrictCharField(help_text="What the course is about; blank if not given.")
    learning_outcomes = serializers.ListField(
        child=StrictCharField(),
        source="outcomes",
        help_text="What people learn, one outcome an item; empty if not given.",
    )
    duration_minutes = serializers.IntegerField(
        allow_null=True, help_text="How long the course takes, in minutes; null if not given."
    )


class CourseBriefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = StrictCharField()
    title = StrictCharField()
    level = LevelField()


class SessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    course = CourseBriefOutput()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue = StrictCharField()
    online_url = StrictCharField()
    capacity = serializers.IntegerField()
    facilitator = StrictCharField()
    audience = StrictCharField()
    status = SessionStatusField()
    places_booked = serializers.IntegerField(source="booked", help_text="Bookings holding a place.")
    waiting = serializers.IntegerField(help_text="Bookings on the waiting list.")


class SessionBriefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    course = CourseBriefOutput()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = SessionStatusField()


class GuestBriefOutput(serializers.Serializer):
    """A briefing guest (a board or elected member) named inside a booking."""

    id = serializers.IntegerField()
    name = StrictCharField()


class BookingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    session = SessionBriefOutput()
    staff = PersonOutput(allow_null=True, help_text="The member of staff (null for a guest).")
    guest = GuestBriefOutput(
        allow_null=True, help_text="The guest invited to a briefing (null for staff)."
    )
    status = BookingStatusField()
    attendance = AttendanceField()
    created_at = serializers.DateTimeField()


class CompletionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    staff = PersonOutput()
    course = CourseBriefOutput()
    completed_on = serializers.DateField()
    # The metaclass takes declared fields off the class, so this does not shadow Field.source.
    source = SourceField()  # type: ignore[assignment]


class CoverageFiguresOutput(serializers.Serializer):
    level = LevelSlugField()
    needed = serializers.IntegerField(
        help_text="People in the workforce on the date who need this level or higher."
    )
    met = serializers.IntegerField(
        help_text="Those of them with a completion at this level or higher."
    )
    percent = serializers.FloatField(
        allow_null=True,
        help_text="100 × met / needed to one decimal place; null where needed is 0.",
    )


class CoverageRowOutput(CoverageFiguresOutput):
    organisation = StrictCharField(allow_null=True)
    team = StrictCharField(allow_null=True, required=False, help_text="Only when `by` is `team`.")


class CoverageOutput(serializers.Serializer):
    """The object `tiptracker coverage --format json` prints (formats.md)."""

    partnership = StrictCharField(help_text="The partnership's slug.")
    as_of = serializers.DateField()
    by = CoverageByField()
    rows = CoverageRowOutput(many=True, help_text="One per organisation (and team) and level.")
    totals = CoverageFiguresOutput(
        many=True, help_text="One per level for everything the caller may see."
    )


# Inputs -------------------------------------------------------------------------------


class BookingCreateInput(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The session's id.")
    staff_id = StrictCharField(
        required=False,
        max_length=64,
        help_text="The employer's identifier of the person to book; leave out to book yourself.",
    )


class BookPeopleInput(serializers.Serializer):
    staff_ids = serializers.ListField(
        child=StrictCharField(max_length=64),
        min_length=1,
        max_length=100,
        help_text="The employer's identifiers of the people to book (up to 100); each is "
        "booked on their own.",
    )


class BookingOutcomeField(EnumField):
    enum_name = "BookingOutcome"
    enum_values = Outcome.values
    enum_description = (
        "booked: has a place; waitlisted: the session was full, so on the waiting list; "
        "already_booked: had a place or a waiting-list spot already (nothing changed); "
        "refused: not booked, and `reason` says why."
    )


class BookingOutcomeOutput(serializers.Serializer):
    staff_id = StrictCharField(help_text="As sent.")
    outcome = BookingOutcomeField()
    reason = StrictCharField(help_text="Why, in a sentence (empty for booked and waitlisted).")
    booking = serializers.IntegerField(
        allow_null=True,
        help_text="The booking's id, when one was made (booked or waitlisted); otherwise null.",
    )


class BookPeopleOutput(serializers.Serializer):
    outcomes = BookingOutcomeOutput(
        many=True, help_text="One per distinct staff ID sent, in the order sent."
    )


class CompletionRecordInput(serializers.Serializer):
    staff_id = StrictCharField(max_length=64, help_text="The employer's identifier of the person.")
    course_code = StrictCharField(max_length=64)
    completed_on = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        validators=[validate_entered_date],
        help_text="YYYY-MM-DD, in 1900 or later and not in the future.",
    )
