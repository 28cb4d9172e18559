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
