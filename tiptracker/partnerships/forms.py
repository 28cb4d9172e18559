from django import forms

from tiptracker.partnerships.models import Role


class MemberAddForm(forms.Form):
    email = forms.EmailField(label="Email address", help_text="They sign in with this address")
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role"},
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
