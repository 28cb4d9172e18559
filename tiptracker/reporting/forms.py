"""The form that starts a board report: its period, and optionally its title."""

from django import forms

from tiptracker.forms import DatePartsField


class ReportForm(forms.Form):
    start = DatePartsField(
        label="From", what="date the period starts", help_text="For example, 1 12 2021"
    )
    end = DatePartsField(
        label="To", what="date the period ends", help_text="For example, 30 6 2022"
    )
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=300,
        help_text="Leave it empty for the usual title with the period.",
        error_messages={"max_length": "The title must be 300 characters or fewer"},
    )
