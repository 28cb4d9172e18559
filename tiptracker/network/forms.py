"""Forms for the network roster and activity log. The rules (dates in order, a team of the
member's organisation) live in the services, whose errors go back on the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from tiptracker.forms import DatePartsField
from tiptracker.lib.fields import max_length_of
from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.network.selectors import CURRENT, PAST
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
