"""Forms of the lived-experience route: they carry what a person typed to the services, which
hold the rules (route.py, contacts.py, consent.py), and carry the services' refusals back
to the right field."""

from django import forms

from tiptracker.forms import DatePartsField
from tiptracker.lived.models import (
    Article6Basis,
    Article9Condition,
    ConsentText,
    Involvement,
    Purpose,
)


class InterestForm(forms.Form):
    """Only what is needed to get in touch: never anything about anyone's trauma."""

    preferred_name = forms.CharField(
        label="The name you would like us to use",
        max_length=200,
        error_messages={
            "required": "Enter the name you would like us to use",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,
        help_text="A personal address is fine. Give an e-mail address, a phone number or both.",
        error_messages={
            "invalid": "Enter an e-mail address in the right format, like name@example.org",
            "max_length": "The e-mail address must be 254 characters or fewer",
        },
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        error_messages={"max_length": "The phone number must be 40 characters or fewer"},
    )
    note = forms.CharField(
        label="Anything you would like us to know about getting in touch (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        help_text=(
            "For example, the best times to call. Please do not tell us about your experiences "
            "here: there will be time for that, if you want, in a conversation."
        ),
        error_messages={"max_length": "The note must be 1,000 characters or fewer"},
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and sum(ch.isdigit() for ch in phone) < 7:
            raise forms.ValidationError("Enter a phone number with at least 7 digits")
        if phone and any(not (ch.isdigit() or ch in " +()-") for ch in phone):
            raise forms.ValidationError(
                "A phone number can only include numbers, spaces, brackets, + and -"
            )
        return phone

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("email") and not cleaned.get("phone"):
            self.add_error("email", "Enter an e-mail address or a phone number")
        return cleaned


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="The 6-digit code the app shows now.",
        error_messages={
            "required": "Enter the code from your authenticator app",
            "max_length": "The code is 6 digits",
        },
    )


class UnlockForm(PasswordForm, CodeForm):
    """Both factors, each time the workspace opens."""


class MoveForm(forms.Form):
    on = DatePartsField(
        label="Date",
        what="date",
        required=False,
        help_text="When it happened. Leave it empty for today. For example, 27 3 2026",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="Kept encrypted, and erased if the person withdraws.",
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )


class ConsentTextChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ConsentText) -> str:  # type: ignore[override]
        return f"Version {obj.version}"


class ConsentForm(forms.Form):
    consent_text = ConsentTextChoiceField(
        label="Consent text agreed to",
        queryset=ConsentText.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the version of the consent text the person agreed to",
            "invalid_choice": "Choose one of the versions in the list",
        },
    )
    purposes = forms.MultipleChoiceField(
        label="Purposes the person agreed to",
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one purpose the person agreed to",
            "invalid_choice": "Choose purposes from the list",
        },
    )
    article_6_basis = forms.ChoiceField(
        label="Lawful basis (UK GDPR Article 6)",
        choices=[("", "Choose the basis the partnership relies on")] + Article6Basis.choices,
        help_text="The partnership's choice, as its data protection officer advised. Nothing is assumed.",
        error_messages={
            "required": "Choose the Article 6 lawful basis the partnership relies on",
            "invalid_choice": "Choose one of the bases in the list",
        },
    )
    article_9_condition = forms.ChoiceField(
        label="Condition for special category data (UK GDPR Article 9(2))",
        choices=[("", "Choose the condition the partnership relies on")]
        + Article9Condition.choices,
        error_messages={
            "required": "Choose the Article 9(2) condition the partnership relies on",
            "invalid_choice": "Choose one of the conditions in the list",
        },
    )
    given_on = DatePartsField(label="Date consent was given", what="date consent was given")
    review_on = DatePartsField(
        label="Review date",
        what="review date",
        help_text="When to check with the person that they still agree. For example, a year on.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, partnership_id: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["consent_text"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = ConsentText.objects.filter(partnership_id=partnership_id).order_by(
            "-version"
        )


class InvolvementForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the person contributed to",
        choices=[("", "Choose")] + Involvement.Kind.choices,
        error_messages={
            "required": "Choose what the person contributed to",
            "invalid_choice": "Choose one of the kinds in the list",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "The description must be 2,000 characters or fewer"},
    )
    start_on = DatePartsField(label="Start date", what="start date")
    end_on = DatePartsField(label="End date (optional)", what="end date", required=False)
    support_offered = forms.CharField(
        label="Support offered",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="For example, a debrief after each meeting, expenses, time back.",
        error_messages={"max_length": "The support offered must be 2,000 characters or fewer"},
    )


class ConsentTextForm(forms.Form):
    text = forms.CharField(
        label="Consent text",
        max_length=20000,
        widget=forms.Textarea,
        help_text="Publishing makes a new version; earlier versions stay as people agreed to them.",
        error_messages={
            "required": "Enter the consent text",
            "max_length": "The consent text must be 20,000 characters or fewer",
        },
    )


class PeriodForm(forms.Form):
    """The period of the counts: both ends required, the end not before the start."""

    start = DatePartsField(label="From", what="start date")
    end = DatePartsField(label="To", what="end date")

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date must be on or after the start date")
        return cleaned
