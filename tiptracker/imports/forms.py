from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst

from tiptracker.imports.checks import ImportRefused, check_upload, row_limit
from tiptracker.imports.models import ImportKind

# The columns of each kind, as formats.md lists them, so the person can check their file.
KIND_HINTS = {
    ImportKind.STAFF: (
        "Columns staff_id, organisation and team are required; first_name, last_name, email, "
        "job_title, is_manager, required_level, start_date and leaving_date are optional. "
        "A staff_id already imported is updated; new organisations and teams are created."
    ),
    ImportKind.NEEDS: (
        "Columns organisation, team and required_level, all required: the level everyone in "
        "that team needs. The teams must exist already (import the staff first)."
    ),
    ImportKind.COURSES: (
        "Columns course_code, title and level are required; delivery (e-learning, webinar, "
        "face-to-face or blended), provider, description, learning_outcomes (one a line) and "
        "duration_minutes (whole minutes, 1 to 10080) are optional. Where the file has no "
        "description, learning_outcomes or duration_minutes column, courses keep what they have."
    ),
    ImportKind.COMPLETIONS: (
        "Columns staff_id, course_code and completed_on, all required: each must match an "
        "imported staff member and course, and the date must not be in the future."
    ),
}


def _size(limit: int) -> str:
    """50 MB rather than 50.0 MB."""
    return filesizeformat(limit).replace(".0\xa0", "\xa0").replace(".0 ", " ")


def sentence(text: object) -> str:
    """A service's message ('the file is empty') as a sentence for a page."""
    text = capfirst(str(text).strip())
    return text if text.endswith((".", "?", "!")) else f"{text}."


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What does the file hold?",
        choices=[Choice(kind.value, kind.label, hint=KIND_HINTS[kind]) for kind in ImportKind],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the file holds"},
    )
    file = forms.FileField(
        label="File",
        error_messages={"required": "Choose a file to import", "empty": "The file is empty"},
    )
    skip_invalid = forms.BooleanField(
        label="Skip invalid rows",
        help_text="Import the valid rows and leave out the invalid ones. Without this, one invalid row stops the whole file.",
        required=False,
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's own <form> carries the multipart encoding
        self.helper.label_size = "s"
        self.helper.legend_size = "s"
        # Read here, not at import time, so a changed setting (or a test's) applies.
        self.fields["file"].help_text = (
            "A CSV file (UTF-8) or an Excel workbook (.xlsx, the first worksheet), with a header "
            f"row naming the columns. At most {_size(settings.IMPORT_MAX_BYTES)}"
            f"{_rows_note()}. "
            "Dates as YYYY-MM-DD or DD/MM/YYYY. Nothing is imported until you have seen the check."
        )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        try:
            check_upload(filename=upload.name, size=upload.size)
        except ImportRefused as refused:
            raise forms.ValidationError(sentence(refused)) from None
        return upload


def _rows_note() -> str:
    limit = row_limit()
    return f" and {limit:,} rows" if limit else ""
