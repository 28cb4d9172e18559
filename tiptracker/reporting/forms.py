"""The form that starts a board report: its period, and optionally its title."""

from django import forms

from tiptracker.forms import DatePartsField
from tiptracker.reporting import services


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


class SectionForm(forms.Form):
    """The words of one section's paragraphs, one box each (field pN for the section's Nth
    paragraph); tables, lists and charts come from the figures and are not edited here."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, paragraphs: list, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.paragraphs = paragraphs
        for n, paragraph in enumerate(paragraphs):
            self.fields[f"p{n}"] = forms.CharField(
                label=f"Paragraph {paragraph.number}",
                widget=forms.Textarea,
                max_length=services.PARAGRAPH_MAX,
                initial=paragraph.text,
                error_messages={
                    "required": f"Enter the words of paragraph {paragraph.number}",
                    "max_length": f"A paragraph must be {services.PARAGRAPH_MAX:,} characters "
                    "or fewer",
                },
            )

    def texts(self) -> dict[str, str]:
        """Paragraph.ident -> the words typed."""
        return {p.ident: self.cleaned_data[f"p{n}"] for n, p in enumerate(self.paragraphs)}

    def field_of(self) -> dict[str, str]:
        return {p.ident: f"p{n}" for n, p in enumerate(self.paragraphs)}


class ConsultationForm(forms.Form):
    """Who was consulted in preparing the report, and when (section 7 names them)."""

    consultee = forms.CharField(
        label="Who was consulted",
        max_length=300,
        help_text="A group or a post, as the report should name them. For example, members of "
        "the Trauma Steering Group",
        error_messages={
            "required": "Enter who was consulted",
            "max_length": "Who was consulted must be 300 characters or fewer",
        },
    )
    consulted_on = DatePartsField(
        label="When they were consulted",
        what="date they were consulted",
        help_text="For example, 27 6 2022",
    )


class ReportTemplateForm(forms.Form):
    """A partnership's own Word template; services.report_template_upload checks it."""

    file = forms.FileField(
        label="Upload a Word template",
        allow_empty_file=True,  # the service says why an empty file is no template
        help_text="A Word document (.docx) smaller than 5 MB, with the placeholders below.",
        error_messages={
            "required": "Choose a Word document (.docx) to upload",
            "invalid": "The file could not be read: choose it again",
            "missing": "The file could not be read: choose it again",
        },
    )


def _cover_text(name: str, help_text: str) -> forms.CharField:
    label, most = services.COVER_TEXTS[name], services.COVER_MAX[name]
    return forms.CharField(
        label=label,
        required=False,
        max_length=most,
        help_text=help_text,
        error_messages={"max_length": f"{label} must be {most} characters or fewer"},
    )


class CoverForm(forms.Form):
    """The paper's cover (report to, the meeting, report by, its number) and close (the
    author and the report's date), as the board's papers carry them. All optional: a draft
    is often written before the meeting is set; the service checks the dates together."""

    report_to = _cover_text("report_to", "The board the report goes to.")
    meeting_date = DatePartsField(
        label=services.COVER_DATES["meeting_date"],
        what="date of the meeting",
        required=False,
        help_text="For example, 24 8 2022",
    )
    report_by = _cover_text(
        "report_by", "The designation the report is presented by. For example, Chief Officer"
    )
    reference = _cover_text(
        "reference", "The board's number for the report, from the clerk. For example, DIJB42-2022"
    )
    author_name = _cover_text("author_name", "Printed at the end of the report.")
    author_designation = _cover_text(
        "author_designation", "For example, Lead Officer, Protecting People"
    )
    report_date = DatePartsField(
        label=services.COVER_DATES["report_date"],
        what="date of the report",
        required=False,
        help_text="For example, 1 8 2022",
    )
