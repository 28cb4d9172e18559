"""Forms for the network roster and activity log, and for coaching, mentoring and peer
networks. The rules (dates in order, a team of the
member's organisation) live in the services, whose errors go back on the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from tiptracker.forms import DatePartsField
from tiptracker.lib.fields import max_length_of
from tiptracker.network.coaching import NAME_MAX as COACHING_NAME_MAX
from tiptracker.network.coaching import ROLES
from tiptracker.network.models import (
    CoachingGroup,
    CoachingMeeting,
    CoachingPerson,
    NetworkActivity,
    NetworkMember,
    Theme,
)
from tiptracker.network.selectors import ALL, CURRENT, ENDED, PAST
from tiptracker.partnerships.models import Organisation
from tiptracker.workforce.models import StaffMember, Team

STAFF_ID_MAX = max_length_of(StaffMember, "staff_id")
NAME_MAX = max_length_of(NetworkMember, "name")
JOB_ROLE_MAX = max_length_of(NetworkMember, "job_role")


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:  # type: ignore[no-untyped-def]
        return f"{obj.organisation.name}: {obj.name}"


class NetworkMemberForm(forms.Form):
    kind = forms.ChoiceField(
        label="Role in the network",
        choices=[("", "Choose champion or ambassador")] + list(NetworkMember.Kind.choices),
        help_text="A trauma champion is a senior leader in the national network; a trauma ambassador is part of the local network, usually for one team.",
        error_messages={
            "required": "Choose trauma champion or trauma ambassador",
            "invalid_choice": "Choose trauma champion or trauma ambassador",
        },
    )
    staff_id = forms.CharField(
        label="Staff ID (optional)",
        max_length=STAFF_ID_MAX,
        required=False,
        help_text="If they are in the staff records: their staff ID. Their name, job title, organisation and team are then filled in from there unless you enter them below.",
    )
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX,
        required=False,
        help_text="Leave blank to use the name in their staff record.",
        error_messages={"max_length": f"The name must be {NAME_MAX} characters or fewer"},
    )
    job_role = forms.CharField(
        label="Job role",
        max_length=JOB_ROLE_MAX,
        required=False,
        help_text="For example, Chief Social Work Officer.",
        error_messages={"max_length": f"The role must be {JOB_ROLE_MAX} characters or fewer"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Choose an organisation (or the one in their staff record)",
        error_messages={"invalid_choice": "Choose one of the organisations in the list"},
    )
    team = TeamChoiceField(
        label="Team (optional)",
        queryset=Team.objects.none(),
        required=False,
        empty_label="No team",
        help_text="The team an ambassador represents.",
        error_messages={"invalid_choice": "Choose one of the teams in the list"},
    )
    from_date = DatePartsField(label="From", what="start date", help_text="For example, 1 11 2022")
    to_date = DatePartsField(
        label="To (optional)",
        what="end date",
        required=False,
        help_text="Leave blank while they are still in the role.",
    )

    # The service calls the staff record `person`.
    SERVICE_FIELDS = {"person": "staff_id"}

    def __init__(
        self, *args, staff: QuerySet, organisations: QuerySet, teams: QuerySet, **kwargs
    ) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams.select_related("organisation")  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(member: NetworkMember) -> dict:
        return {
            "kind": member.kind,
            "staff_id": member.person.staff_id if member.person else "",
            "name": member.name,
            "job_role": member.job_role,
            "organisation": member.organisation_id,
            "team": member.team_id,
            "from_date": member.from_date,
            "to_date": member.to_date,
        }

    def clean_staff_id(self) -> str:
        value = self.cleaned_data["staff_id"].strip()
        self.person = None
        if value:
            self.person = self.staff.filter(staff_id=value).first() or (
                self.staff.filter(staff_id__iexact=value).first()
            )
            if self.person is None:
                raise ValidationError(
                    f"There is no one with staff ID '{value}' in the staff records: check it, or leave it blank and enter their name"
                )
        return value

    def member_values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "person": self.person,
            "name": data["name"],
            "job_role": data["job_role"],
            "organisation": data["organisation"],
            "team": data["team"],
            "from_date": data["from_date"],
            "to_date": data["to_date"],
        }


class ActivityForm(forms.Form):
    date = DatePartsField(
        label="Date", what="date of the activity", help_text="For example, 14 3 2023"
    )
    kind = forms.ChoiceField(
        label="Kind of activity",
        choices=[("", "Choose a kind")] + list(NetworkActivity.Kind.choices),
        error_messages={
            "required": "Choose what kind of activity it was",
            "invalid_choice": "Choose one of the kinds in the list",
        },
    )
    summary = forms.CharField(
        label="Summary",
        max_length=5000,
        widget=forms.Textarea,
        help_text="What happened, with whom, and anything to follow up.",
        error_messages={
            "required": "Enter a short summary of the activity",
            "max_length": "The summary must be 5,000 characters or fewer",
        },
    )

    SERVICE_FIELDS = {"on": "date"}


class RosterFilterForm(forms.Form):
    when = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[(CURRENT, "Current members"), (PAST, "Past members")],
        error_messages={"invalid_choice": "Choose current or past members"},
    )
    kind = forms.ChoiceField(
        label="Role in the network",
        required=False,
        choices=[("", "Champions and ambassadors")] + list(NetworkMember.Kind.choices),
        error_messages={"invalid_choice": "Choose champions or ambassadors"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="All organisations",
        error_messages={"invalid_choice": "Choose one of the organisations in the list"},
    )

    def __init__(self, *args, organisations: QuerySet, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"when": CURRENT}
        data = self.cleaned_data
        return {
            "when": data.get("when") or CURRENT,
            "kind": data.get("kind") or "",
            "organisation": data.get("organisation"),
        }


class CoverageFilterForm(forms.Form):
    show = forms.ChoiceField(
        label="Teams to show",
        required=False,
        choices=[
            ("without", "Teams without a current ambassador"),
            ("with", "Teams with a current ambassador"),
            ("all", "All teams"),
        ],
        error_messages={"invalid_choice": "Choose which teams to show"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="All organisations",
        error_messages={"invalid_choice": "Choose one of the organisations in the list"},
    )

    def __init__(self, *args, organisations: QuerySet, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"show": "without", "organisation": None}
        return {
            "show": self.cleaned_data.get("show") or "without",
            "organisation": self.cleaned_data.get("organisation"),
        }


# Coaching, mentoring and peer networks -----------------------------------------------------


class CoachingFilterForm(forms.Form):
    when = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[(CURRENT, "Current pairs and groups"), (ENDED, "Ended ones"), (ALL, "All")],
        error_messages={"invalid_choice": "Choose current, ended or all"},
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "Every kind")] + list(CoachingGroup.Kind.choices),
        error_messages={"invalid_choice": "Choose one of the kinds in the list"},
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {"when": CURRENT, "kind": ""}
        data = self.cleaned_data
        return {"when": data.get("when") or CURRENT, "kind": data.get("kind") or ""}


class CoachingGroupForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind",
        choices=CoachingGroup.Kind.choices,
        widget=forms.RadioSelect,
        help_text="A pair is two people: a coach and a coachee, or a mentor and a mentee. A peer network is two or more people who meet to reflect together, perhaps with a facilitator.",
        error_messages={
            "required": "Choose coaching pair, mentoring pair or peer network",
            "invalid_choice": "Choose coaching pair, mentoring pair or peer network",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=COACHING_NAME_MAX,
        help_text="For example, Housing Options managers' peer network, or the names of the pair.",
        error_messages={
            "required": "Enter a name for the pair or group",
            "max_length": f"The name must be {COACHING_NAME_MAX} characters or fewer",
        },
    )
    start_date = DatePartsField(
        label="Started", what="start date", help_text="For example, 6 3 2023"
    )
    end_date = DatePartsField(
        label="Ended (optional)",
        what="end date",
        required=False,
        help_text="Leave blank while the pair or group is still meeting.",
    )

    @staticmethod
    def initial_for(group: CoachingGroup) -> dict:
        return {
            "kind": group.kind,
            "name": group.name,
            "start_date": group.start_date,
            "end_date": group.end_date,
        }


class CoachingEndForm(forms.Form):
    end_date = DatePartsField(
        label="Ended on",
        what="end date",
        help_text="The day of the last meeting, or the day the pair or group agreed to stop.",
    )


class CoachingPersonForm(forms.Form):
    """The person chosen from the search results (radios), and their role in the group."""

    person = forms.ModelChoiceField(
        label="Person",
        queryset=StaffMember.objects.none(),
        widget=forms.RadioSelect,  # drawn by the page from the search results, never listed whole
        error_messages={
            "required": "Choose the person from the search results",
            "invalid_choice": "Choose a person from the search results: search again",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose their role",
            "invalid_choice": "Choose one of the roles in the list",
        },
    )

    def __init__(self, *args, staff: QuerySet, group: CoachingGroup, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = staff  # type: ignore[attr-defined]
        labels = dict(CoachingPerson.Role.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in ROLES[group.kind]]  # type: ignore[attr-defined]


class AttendeesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:  # type: ignore[no-untyped-def]
        return f"{obj.person} ({obj.get_role_display().lower()})"


class CoachingMeetingForm(forms.Form):
    date = DatePartsField(
        label="Date", what="date of the meeting", help_text="For example, 14 3 2023"
    )
    attendees = AttendeesField(
        label="Who came",
        queryset=CoachingPerson.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service says how many, and what else the group needs first
        error_messages={
            "invalid_choice": "Choose only people of this pair or group",
            "invalid_pk_value": "Choose only people of this pair or group",
        },
    )
    themes = forms.MultipleChoiceField(
        label="Themes",
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the meeting was about, in these words only. Never record what was said: the content of coaching, mentoring and peer conversations stays with the people in them.",
        required=False,  # the service asks for at least one
        error_messages={
            "invalid_choice": "Choose themes from the list",
        },
    )

    SERVICE_FIELDS = {"on": "date"}

    def __init__(self, *args, group: CoachingGroup, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = group.people.select_related("person").order_by(  # type: ignore[attr-defined]
            "role", "person__last_name", "person__first_name", "id"
        )

    @staticmethod
    def initial_for(meeting: CoachingMeeting) -> dict:
        return {
            "date": meeting.date,
            "attendees": [a.attendee_id for a in meeting.attendance.all()],
            "themes": list(meeting.themes),
        }
