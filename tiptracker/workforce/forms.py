from django import forms

from tiptracker.lib.levels import Level

LEVEL_CHOICES = [("", "Not set (Trauma Informed, the baseline)")] + [
    (str(level.value), level.label) for level in Level
]


class RequiredLevelForm(forms.Form):
    required_level = forms.TypedChoiceField(
        label="Level this person needs",
        help_text="Overrides their team's level. Choose 'Follow the team's level' to stop overriding it.",
        choices=[("", "Follow the team's level")]
        + [(str(level.value), level.label) for level in Level],
        coerce=int,
        empty_value=None,
        required=False,
    )


class NeedsForm(forms.Form):
    """One select per team: the training needs analysis, edited in bulk."""

    def __init__(self, *args, teams, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.teams = list(teams)
        for team in self.teams:
            self.fields[f"team_{team.id}"] = forms.TypedChoiceField(
                label=f"{team.name} ({team.organisation.name})",
                choices=LEVEL_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial="" if team.required_level is None else str(team.required_level),
            )

    def levels(self) -> dict[int, int | None]:
        return {team.id: self.cleaned_data[f"team_{team.id}"] for team in self.teams}

    def rows(self):  # type: ignore[no-untyped-def]
        return [(team, self[f"team_{team.id}"]) for team in self.teams]


class StaffFilterForm(forms.Form):
    """Narrowing a list of people (the staff page, who still needs a level): by name or ID,
    organisation, team and, for those who see the whole partnership, the manager whose
    teams they are in. A choice that is not on offer is an error on its field; the list is
    then shown without that filter."""

    q = forms.CharField(label="Name, staff ID, email or job title", required=False)

    def __init__(self, *args, organisations, teams, managers=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        invalid = {"invalid_choice": "Choose one from the list"}
        self.fields["organisation"] = forms.ModelChoiceField(
            label="Organisation",
            queryset=organisations.order_by("name"),
            required=False,
            empty_label="All organisations",
            error_messages=invalid,
        )
        team_field = forms.ModelChoiceField(
            label="Team",
            queryset=teams.select_related("organisation").order_by("organisation__name", "name"),
            required=False,
            empty_label="All teams",
            error_messages=invalid,
        )
        team_field.label_from_instance = lambda t: f"{t.name} ({t.organisation.name})"
        self.fields["team"] = team_field
        if managers is not None:
            manager_field = forms.ModelChoiceField(
                label="Manager",
                queryset=managers,
                required=False,
                empty_label="All managers",
                error_messages=invalid,
            )
            manager_field.label_from_instance = manager_name
            self.fields["manager"] = manager_field

    def chosen(self) -> dict:
        """The filters that can be used: those given and valid."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleans it if need be: a field with an error is not in cleaned_data
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def query(self) -> str:
        """The valid filters as a query string (for pagination and downloads), ending in '&'
        when there are any."""
        from urllib.parse import urlencode

        pairs = [
            (name, value.pk if hasattr(value, "pk") else value)
            for name, value in self.chosen().items()
        ]
        return urlencode(pairs) + "&" if pairs else ""


def manager_name(membership) -> str:  # type: ignore[no-untyped-def]
    """How a manager is named in a list: their staff record's name, else their account's."""
    if membership.staff_id is not None and membership.staff.full_name:
        return str(membership.staff.full_name)
    # Not their e-mail address: the members page keeps those to administrators.
    return str(membership.user.get_full_name() or "A manager with no name on record")
