"""Forms for the engagement log: a record, and the period the list is filtered to."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from tiptracker.engagement.models import Engagement
from tiptracker.forms import DatePartsField
from tiptracker.lib.dates import parse_date
from tiptracker.lib.fields import max_length_of

BODY_MAX = max_length_of(Engagement, "body")
REPRESENTED_BY_MAX = max_length_of(Engagement, "represented_by")


class EngagementForm(forms.Form):
    date = DatePartsField(label="Date", what="date", help_text="For example, 15 11 2021")
    body = forms.CharField(
        label="Body or group",
        max_length=BODY_MAX,
        help_text="For example, National short-life advisory group: quality indicator framework.",
        error_messages={
            "required": "Enter the body or group the partnership engaged with",
            "max_length": f"The body must be {BODY_MAX} characters or fewer",
        },
    )
    body_kind = forms.ChoiceField(
        label="Kind of body",
        choices=[("", "Choose a kind of body")] + list(Engagement.BodyKind.choices),
        error_messages={
            "required": "Choose what kind of body it is",
            "invalid_choice": "Choose one of the kinds of body in the list",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of engagement",
        choices=[("", "Choose a kind of engagement")] + list(Engagement.Kind.choices),
        error_messages={
            "required": "Choose what kind of engagement it was",
            "invalid_choice": "Choose one of the kinds of engagement in the list",
        },
    )
    represented_by = forms.CharField(
        label="Represented by",
        max_length=REPRESENTED_BY_MAX,
        help_text="Who represented the partnership, for example the Chief Social Work Officer.",
        error_messages={
            "required": "Enter who represented the partnership",
            "max_length": f"This must be {REPRESENTED_BY_MAX} characters or fewer",
        },
    )
    summary = forms.CharField(
        label="Summary",
        max_length=5000,
        widget=forms.Textarea,
        help_text="What the partnership contributed, and what came of it.",
        error_messages={
            "required": "Enter a summary of the engagement",
            "max_length": "The summary must be 5,000 characters or fewer",
        },
    )

    @staticmethod
    def initial_for(engagement: Engagement) -> dict:
        return {
            "date": engagement.date,
            "body": engagement.body,
            "body_kind": engagement.body_kind,
            "kind": engagement.kind,
            "represented_by": engagement.represented_by,
            "summary": engagement.summary,
        }


class PeriodForm(forms.Form):
    """The list's period, from the query string: ?from=2021-04-01&to=2022-03-31 (either may
    be left out)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=20,
                help_text="For example, 2022-04-01 or 01/04/2022",
                error_messages={"max_length": f"Enter the '{label.lower()}' date as 2022-04-01"},
            )

    def _date(self, name: str) -> dt.date | None:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as error:
            raise ValidationError(f"The '{name}' date: {error}") from None

    def clean_from(self) -> dt.date | None:
        return self._date("from")

    def clean_to(self) -> dt.date | None:
        return self._date("to")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", "The 'to' date must be the same as or after the 'from' date")
        return data

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The valid period, or (None, None): a bad period shows everything, with its error."""
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("from"), self.cleaned_data.get("to")
