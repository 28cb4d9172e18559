"""The form that starts a board report: its period, and optionally its title."""

from django import forms

from tiptracker.forms import DatePartsField
from tiptracker.reporting import cover, papers, sections
from tiptracker.reporting import layout as layouts


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


def _by_ident(data, paragraphs: list, hidden: set[str]):  # type: ignore[no-untyped-def]
    """The posted rows (pN, oN, hN, rN, each row naming its paragraph in iN) put back in
    the order of `paragraphs` as they are now: a row follows its paragraph, whatever moved
    since the page was read. A paragraph the page did not have keeps its words, place and
    choice; a row for a paragraph no longer there is dropped (the version check then shows
    the clerk what changed)."""
    if data is None or not any(key.startswith("i") and key[1:].isdigit() for key in data):
        return data
    rows = {
        data[key]: key[1:]
        for key in data
        if key.startswith("i") and key[1:].isdigit() and data[key]
    }
    mapped = {k: v for k, v in data.items() if k in ("version", "new", "csrfmiddlewaretoken")}
    for m, paragraph in enumerate(paragraphs):
        n = rows.get(paragraph.ident)
        mapped[f"i{m}"] = paragraph.ident
        if n is None:
            mapped[f"p{m}"] = paragraph.text  # its place: where it is (the field left empty)
            if paragraph.ident in hidden:
                mapped[f"h{m}"] = "on"
            continue
        for part in "phr":
            if f"{part}{n}" in data:
                mapped[f"{part}{m}"] = data[f"{part}{n}"]
        place = str(data.get(f"o{n}", ""))
        # A place beyond the section as it is now (paragraphs removed meanwhile): the last.
        mapped[f"o{m}"] = (
            str(min(int(place), len(paragraphs))) if place.isdigit() and int(place) else place
        )
    return mapped


class SectionForm(forms.Form):
    """One section's paragraphs, each with its words (pN), whether it is left out (hN; the
    clerk's own paragraphs are removed instead, rN) and its place (oN, 1 for the first); and
    a box for a new paragraph of the clerk's own. Tables, lists and charts come from the
    figures and are not edited here."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(  # type: ignore[no-untyped-def]
        self, data=None, *args, paragraphs: list, hidden: set[str], **kwargs
    ) -> None:
        super().__init__(_by_ident(data, paragraphs, hidden), *args, **kwargs)
        self.paragraphs, self.hidden = paragraphs, hidden
        count = len(paragraphs)
        for n, paragraph in enumerate(paragraphs):
            name = self.name_of(paragraph)
            own = paragraph.ident.startswith(layouts.OWN)
            self.fields[f"p{n}"] = forms.CharField(
                label=f"Paragraph {name}" + (" (your own)" if own else ""),
                widget=forms.Textarea,
                required=False,  # a paragraph left out may be empty; the service checks
                max_length=sections.PARAGRAPH_MAX,
                initial=paragraph.text,
                error_messages={
                    "max_length": f"A paragraph must be {sections.PARAGRAPH_MAX:,} characters "
                    "or fewer",
                },
            )
            # Which paragraph the row is: the rows are matched by it when saved, since
            # someone else may have added, removed or moved paragraphs meanwhile.
            self.fields[f"i{n}"] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=paragraph.ident
            )
            self.fields[f"o{n}"] = forms.TypedChoiceField(
                label=f"Place of paragraph {name}",
                choices=[(str(k), str(k)) for k in range(1, count + 1)],
                coerce=int,
                required=False,  # not sent: it keeps its place
                empty_value=None,
                initial=str(n + 1),
            )
            if own:
                self.fields[f"r{n}"] = forms.BooleanField(
                    label=f"Remove paragraph {name}", required=False
                )
            else:
                self.fields[f"h{n}"] = forms.BooleanField(
                    label=f"Leave paragraph {name} out of the report (it can be brought back)",
                    required=False,
                    initial=paragraph.ident in hidden,
                )
        self.fields["new"] = forms.CharField(
            label="Add a paragraph of your own (optional)",
            help_text="It goes at the end of the section; give it a place after saving.",
            widget=forms.Textarea,
            required=False,
            max_length=sections.PARAGRAPH_MAX,
            error_messages={
                "max_length": f"A paragraph must be {sections.PARAGRAPH_MAX:,} characters or fewer"
            },
        )

    def name_of(self, paragraph) -> str:  # type: ignore[no-untyped-def]
        """Its number; a paragraph left out has none ("left out"), nor has a lead-in."""
        if paragraph.number:
            return str(paragraph.number)
        return "(left out)" if paragraph.ident in self.hidden else "(lead-in)"

    def rows(self) -> list[dict]:
        """Each paragraph's fields together, for the template."""
        return [
            {
                "paragraph": p,
                "ident": self[f"i{n}"],
                "text": self[f"p{n}"],
                "place": self[f"o{n}"],
                "leave_out": self[f"h{n}"] if f"h{n}" in self.fields else None,
                "remove": self[f"r{n}"] if f"r{n}" in self.fields else None,
            }
            for n, p in enumerate(self.paragraphs)
        ]

    def texts(self) -> dict[str, str]:
        """Paragraph.ident -> the words typed."""
        return {p.ident: self.cleaned_data[f"p{n}"] for n, p in enumerate(self.paragraphs)}

    def layout(self) -> dict:
        """The structure chosen, as report_section_edit takes it: hidden, order (by place,
        ties in the present order), added, removed."""
        data = self.cleaned_data
        placed = sorted(range(len(self.paragraphs)), key=lambda n: (data.get(f"o{n}") or n + 1, n))
        return {
            "hidden": [p.ident for n, p in enumerate(self.paragraphs) if data.get(f"h{n}")],
            "order": [self.paragraphs[n].ident for n in placed],
            "added": [data["new"]] if data["new"].strip() else [],
            "removed": [p.ident for n, p in enumerate(self.paragraphs) if data.get(f"r{n}")],
        }

    def field_of(self) -> dict[str, str]:
        fields = {p.ident: f"p{n}" for n, p in enumerate(self.paragraphs)}
        return fields | {"new0": "new"}


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
    """A partnership's own Word template; word_template.report_template_upload checks it."""

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
    label, most = cover.COVER_TEXTS[name], cover.COVER_MAX[name]
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
        label=cover.COVER_DATES["meeting_date"],
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
        label=cover.COVER_DATES["report_date"],
        what="date of the report",
        required=False,
        help_text="For example, 1 8 2022",
    )


class ChoicesForm(forms.Form):
    """Sections 5, 8 and 9: the impact assessment, the direction and the background papers
    (the risks have their own form). The earlier reports offered are the partnership's
    approved reports for earlier periods; the other papers are one per line."""

    impact_assessed = forms.TypedChoiceField(
        label="Integrated impact assessment",
        choices=[
            ("no", "Screened: no major issues (the usual statement)"),
            ("yes", "An assessment was carried out"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether an impact assessment was carried out"},
    )
    impact_summary = forms.CharField(
        label="Outcome of the assessment (if one was carried out)",
        required=False,
        widget=forms.Textarea,
        help_text="For example, a positive impact on staff wellbeing; no negative impact found",
    )
    impact_link = forms.CharField(
        label="Link to the assessment (optional)",
        required=False,
        help_text="A full web address, starting https://",
    )
    direction = forms.ChoiceField(
        label="Direction required",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the direction the report requires"},
    )
    previous = forms.MultipleChoiceField(
        label="Earlier reports to the board",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Approved reports kept in TIP Tracker; tick those to list as background papers.",
    )
    other_papers = forms.CharField(
        label="Other background papers",
        required=False,
        widget=forms.Textarea,
        help_text="One per line: its title, then its web address if it is published.",
    )

    def __init__(  # type: ignore[no-untyped-def]
        self, *args, directions: list[tuple[str, str]], previous: list[str], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = directions  # type: ignore[attr-defined]
        self.fields["previous"].choices = [(t, t) for t in previous]  # type: ignore[attr-defined]

    def values(self) -> dict:
        """The cleaned form as report_choices_set takes it."""
        data = self.cleaned_data
        offered = [{"title": title, "link": ""} for title in data["previous"]]
        return {
            "impact_assessed": data["impact_assessed"],
            "impact_summary": data["impact_summary"],
            "impact_link": data["impact_link"].strip(),
            "direction": data["direction"],
            "background_papers": offered + papers.papers_from_lines(data["other_papers"]),
        }


_SCORES = [("", "Choose"), *((str(n), str(n)) for n in papers.SCALE)]


def _score(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=_SCORES,
        error_messages={"required": f"Choose the {label.lower()} from 1 to 5"},
    )


class RiskForm(forms.Form):
    """One risk of the table in section 6: rated likelihood x impact before and after."""

    description = forms.CharField(
        label="Risk",
        max_length=papers.TEXT_MAX["description"],
        widget=forms.Textarea,
        error_messages={"required": "Enter the risk"},
    )
    likelihood = _score("Likelihood before mitigation")
    impact = _score("Impact before mitigation")
    mitigations = forms.CharField(
        label="Mitigating actions",
        required=False,
        max_length=papers.TEXT_MAX["mitigations"],
        widget=forms.Textarea,
    )
    planned_likelihood = _score("Likelihood after mitigation")
    planned_impact = _score("Impact after mitigation")
