import datetime as dt

from django import forms
from django.http import HttpRequest, QueryDict

from tiptracker.forms import DatePartsField
from tiptracker.lib.dates import parse_date, today
from tiptracker.partnerships.models import Role

# No partnership's records go back further; an earlier date is a typing mistake.
EARLIEST_COVERAGE_DATE = dt.date(2000, 1, 1)


class CoverageDateForm(forms.Form):
    """The date coverage is shown on: the GOV.UK date input, as in every other form."""

    as_of = DatePartsField(
        label="Coverage on", what="date", required=False, help_text="For example, 30 6 2022"
    )

    def clean_as_of(self) -> dt.date | None:
        day = self.cleaned_data.get("as_of")
        if day is not None and day < EARLIEST_COVERAGE_DATE:
            raise forms.ValidationError(
                f"The date must be {EARLIEST_COVERAGE_DATE:%-d %B %Y} or later"
            )
        if day is not None and day > today():
            raise forms.ValidationError("The date must be today or in the past")
        return day


class MemberInviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="They sign in with this address. We e-mail it a link to join, valid for 7 days.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the right format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role"},
    )


class InviteStaffForm(forms.Form):
    """Whose staff records to invite: everyone, an organisation, or one team."""

    def __init__(self, *args, organisations, teams, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.organisations = {f"organisation-{o.pk}": o for o in organisations}
        self.teams = {f"team-{t.pk}": t for t in teams}
        self.fields["who"] = forms.ChoiceField(
            label="Whom to invite",
            choices=[("all", "All staff")]
            + [("Organisations", [(k, o.name) for k, o in self.organisations.items()])]
            + [
                (
                    "Teams",
                    [(k, f"{t.name} ({t.organisation.name})") for k, t in self.teams.items()],
                )
            ],
            error_messages={"invalid_choice": "Choose all staff, an organisation or a team"},
        )

    def narrow(self, staff):  # type: ignore[no-untyped-def]
        """`staff` narrowed to the choice, and the choice in words."""
        who = self.cleaned_data["who"]
        if who in self.teams:
            team = self.teams[who]
            return staff.filter(team=team), f"the {team.name} team ({team.organisation.name})"
        if who in self.organisations:
            organisation = self.organisations[who]
            return staff.filter(organisation=organisation), organisation.name
        return staff, "all staff"


class StaffSignInForm(forms.Form):
    sso_staff_sign_in = forms.BooleanField(
        label="People with a staff record may sign in with their organisation's account and "
        "get the staff role",
        required=False,
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class OrganisationKindsForm(forms.Form):
    """One select per organisation: what kind of body it is (imports can only guess)."""

    def __init__(self, *args, organisations, **kwargs):  # type: ignore[no-untyped-def]
        from tiptracker.partnerships.models import Organisation

        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        for organisation in self.organisations:
            self.fields[f"organisation_{organisation.id}"] = forms.ChoiceField(
                label=f"Kind of organisation: {organisation.name}",
                choices=Organisation.Kind.choices,
                initial=organisation.kind,
            )

    def kinds(self) -> dict[int, str]:
        return {o.id: self.cleaned_data[f"organisation_{o.id}"] for o in self.organisations}

    def rows(self):  # type: ignore[no-untyped-def]
        return [(o, self[f"organisation_{o.id}"]) for o in self.organisations]


def as_of_from(request: HttpRequest) -> tuple[dt.date, CoverageDateForm]:
    """The coverage date asked for (today by default, and when the one asked for cannot be
    used), with the form that shows it: bound to what was typed, the error on the field.

    The form sends day, month and year (as_of_0, as_of_1, as_of_2); links from other pages
    and the organisation form send ?as_of=YYYY-MM-DD, which goes through the same checks."""
    data: QueryDict = request.GET
    text = data.get("as_of", "").strip()
    if not any(f"as_of_{part}" in data for part in range(3)):
        if not text:
            return today(), CoverageDateForm(initial={"as_of": today()})
        try:
            day = parse_date(text)
        except ValueError as error:
            form = CoverageDateForm({})
            form.is_valid()
            form.add_error("as_of", str(error))
            return today(), form
        data = QueryDict(mutable=True)
        data.update({"as_of_0": str(day.day), "as_of_1": str(day.month), "as_of_2": str(day.year)})
    form = CoverageDateForm(data)
    if not form.is_valid():
        return today(), form
    if form.cleaned_data["as_of"] is None:  # every box left empty: as when none was asked for
        return today(), CoverageDateForm(initial={"as_of": today()})
    return form.cleaned_data["as_of"], form
