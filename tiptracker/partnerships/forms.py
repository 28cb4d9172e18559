from django import forms

from tiptracker.partnerships.models import Role


class MemberAddForm(forms.Form):
    email = forms.EmailField(label="Email address", help_text="They sign in with this address")
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
