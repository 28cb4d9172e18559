"""Board reports through the API: the board and the steering group read them; administrators
and L&D officers draft them, refresh a draft's figures and send it for review or back to
draft; administrators approve them. The same services as the pages do every write, so the
frozen figures, the locking and the history behave the same through either door."""

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.errors import Refused
from tiptracker.api.filters import ISO_DATE, Filter, IsoDateField
from tiptracker.api.serializers import CheckedEnumField, EnumField, StrictCharField
from tiptracker.api.views import SLUG, ScopedApi, ScopedListApi, valid_body
from tiptracker.lib.dates import validate_entered_date
from tiptracker.partnerships import access
from tiptracker.reporting import (
    choices,
    consultations,
    cover,
    lifecycle,
    paper,
    papers,
    sections,
    word_template,
)
from tiptracker.reporting import layout as layouts
from tiptracker.reporting import render as renderers
from tiptracker.reporting.models import Report, ReportEvent

TAGS = ["Reports"]


class ReportStateField(EnumField):
    enum_name = "ReportState"
    enum_values = Report.State.values
    enum_description = (
        "draft: being written, its figures may be refreshed; in_review: with the steering "
        "group, unchanged until returned to draft or approved; approved: locked."
    )


class ReportActionField(EnumField):
    enum_name = "ReportAction"
    enum_values = ReportEvent.Action.values
    enum_description = "What was done to the report."


class ReportTransitionField(CheckedEnumField):
    enum_name = "ReportTransition"
    enum_values = ["submit", "return", "approve"]
    enum_description = (
        "submit: a draft goes for review; return: a report in review goes back to draft; "
        "approve: a report in review is approved and locked (administrators only)."
    )


class ReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()
    reference = StrictCharField(help_text="The board's number for it; blank until given.")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    report_to = StrictCharField(help_text="The cover: who the report goes to.")
    meeting_date = serializers.DateField(
        allow_null=True, help_text="The cover: the date of the board's meeting."
    )
    report_by = StrictCharField(help_text="The cover: who presents it (a designation).")
    author_name = StrictCharField(help_text="The close: the author's name.")
    author_designation = StrictCharField(help_text="The close: the author's designation.")
    report_date = serializers.DateField(allow_null=True, help_text="The close: the report's date.")
    state = ReportStateField()
    state_label = StrictCharField(source="get_state_display")
    figures_taken_at = serializers.DateTimeField(
        help_text="When the figures were frozen (created, or last refreshed)."
    )
    created_at = serializers.DateTimeField()


class ReportEventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    by_name = StrictCharField(help_text="Who did it, as their name was then.")
    action = ReportActionField()
    action_label = StrictCharField(source="get_action_display")
    changes = serializers.ListField(
        child=StrictCharField(),
        help_text="For a refresh: what changed, line by line; for a consultation or the "
        "number: what was recorded.",
    )


class RiskSerializer(serializers.Serializer):
    description = StrictCharField(max_length=papers.TEXT_MAX["description"])
    likelihood = serializers.IntegerField(min_value=1, max_value=5, help_text="Before mitigation.")
    impact = serializers.IntegerField(min_value=1, max_value=5, help_text="Before mitigation.")
    mitigations = StrictCharField(
        max_length=papers.TEXT_MAX["mitigations"], allow_blank=True, required=False, default=""
    )
    planned_likelihood = serializers.IntegerField(
        min_value=1, max_value=5, help_text="After mitigation."
    )
    planned_impact = serializers.IntegerField(
        min_value=1,
        max_value=5,
        help_text="After mitigation; the rating (likelihood × impact) no higher than before.",
    )


class PaperSerializer(serializers.Serializer):
    title = StrictCharField(max_length=papers.TEXT_MAX["title"])
    link = serializers.URLField(
        max_length=papers.TEXT_MAX["link"], allow_blank=True, required=False, default=""
    )


class ReportDetailOutput(ReportOutput):
    direction = serializers.ChoiceField(
        choices=list(papers.DIRECTIONS), help_text="Section 8: the direction required."
    )
    risks = RiskSerializer(many=True, help_text="Section 6's table; empty: not risk assessed.")
    impact_assessed = serializers.BooleanField(
        help_text="Section 5: an integrated impact assessment was carried out (false: screened)."
    )
    impact_summary = serializers.CharField(help_text="Its outcome.")
    impact_link = serializers.CharField(help_text="Where it is published.")
    background_papers = PaperSerializer(many=True, help_text="Section 9.")
    history = ReportEventOutput(many=True, source="events", help_text="Newest first.")
    document = serializers.JSONField(
        help_text="The report's frozen document (sections, paragraphs, tables and charts), "
        "as stored: the downloads are rendered from it."
    )
    version = serializers.IntegerField(
        help_text="Moves on with every change to the report; send it back to save words."
    )


class ReportInput(serializers.Serializer):
    start = IsoDateField(help_text="YYYY-MM-DD.")
    end = IsoDateField(help_text="YYYY-MM-DD; on or after start, and not in the future.")
    title = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Blank: a title is made from the period.",
    )


def _cover_text(name: str, help_text: str) -> serializers.CharField:
    label, most = cover.COVER_TEXTS[name], cover.COVER_MAX[name]
    return StrictCharField(
        required=False,
        allow_blank=True,
        max_length=most,
        error_messages={"max_length": f"{label} must be {most} characters or fewer"},
        help_text=f"{help_text} Blank clears it.",
    )


def _cover_date(name: str, help_text: str) -> serializers.DateField:
    label = cover.COVER_DATES[name]
    return serializers.DateField(
        required=False,
        allow_null=True,
        input_formats=ISO_DATE,
        validators=[validate_entered_date],
        error_messages={"invalid": f"Enter the {label.lower()} as YYYY-MM-DD"},
        help_text=f"YYYY-MM-DD; {help_text} null clears it.",
    )


class CoverInput(serializers.Serializer):
    """The cover and close: only the fields sent change."""

    reference = _cover_text(
        "reference", "The board's number for the report (DIJBnn-YYYY), from the clerk."
    )
    report_to = _cover_text("report_to", "Who the report goes to.")
    meeting_date = _cover_date("meeting_date", "on or after the period ends and the report's date.")
    report_by = _cover_text("report_by", "Who presents it, a designation (Chief Officer).")
    author_name = _cover_text("author_name", "The author's name, printed at the end.")
    author_designation = _cover_text("author_designation", "The author's designation.")
    report_date = _cover_date("report_date", "on or after the period ends.")


class ReportChangeInput(CoverInput):
    """The cover and close, and sections 5, 6, 8 and 9: only the fields sent change."""

    direction = serializers.ChoiceField(
        choices=list(papers.DIRECTIONS), required=False, help_text="Section 8."
    )
    impact_assessed = serializers.BooleanField(
        required=False, help_text="Section 5: true if an integrated impact assessment was made."
    )
    impact_summary = StrictCharField(
        max_length=papers.SUMMARY_MAX, allow_blank=True, required=False, help_text="Its outcome."
    )
    impact_link = serializers.URLField(
        max_length=500, allow_blank=True, required=False, help_text="Where it is published."
    )
    risks = RiskSerializer(  # type: ignore[call-arg]  # DRF takes max_length; its stubs do not
        many=True,
        required=False,
        max_length=papers.RISKS_MAX,
        help_text="Section 6's table, the whole list; empty: not risk assessed.",
    )
    background_papers = PaperSerializer(  # type: ignore[call-arg]
        many=True,
        required=False,
        max_length=papers.PAPERS_MAX,
        help_text="Section 9, the whole list.",
    )


class RefreshOutput(serializers.Serializer):
    changes = serializers.ListField(
        child=StrictCharField(), help_text="What changed; empty if nothing had."
    )
    report = ReportDetailOutput()


class ReportTransitionInput(serializers.Serializer):
    transition = ReportTransitionField()


# format -> (file ending, content type, renderer of the report)
FORMATS: dict[str, tuple[str, str, Any]] = {
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        # Word is written into the partnership's own template, if it has one.
        word_template.report_word,
    ),
    "pdf": (
        "pdf",
        "application/pdf",
        lambda report: renderers.report_pdf(paper.report_document(report)),
    ),
    "html": (
        "html",
        "text/html; charset=utf-8",
        lambda report: renderers.report_html(paper.report_document(report)).encode("utf-8"),
    ),
}


class DownloadQuery(Filter):
    format = serializers.ChoiceField(
        choices=list(FORMATS),
        help_text="docx (Word), pdf (tagged PDF/UA) or html (a page on its own).",
        error_messages={"invalid_choice": "Choose docx, pdf or html."},
    )


class FileFormatNegotiation(DefaultContentNegotiation):
    """DRF reads `?format=` as the answer's renderer and would 404 on `docx`; here it names
    the file, so the answer's format is left to the Accept header (JSON for any error)."""

    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        renderer = renderers[0]
        return renderer, renderer.media_type


def _report(view: ScopedApi, pk: int) -> Report:
    return access.get_report_for_user(view.membership, pk)  # type: ignore[no-any-return]


def _shown(report: Report) -> dict:
    return ReportDetailOutput(Report.objects.prefetch_related("events").get(pk=report.pk)).data


class ReportListCreateApi(ScopedListApi):
    # GET lists the reports, latest period first; POST drafts one.

    allowed_roles = access.REPORT_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "POST": access.REPORT_EDIT_ROLES
    }
    serializer_class = ReportOutput

    @extend_schema(tags=TAGS, summary="Board reports, latest period first", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return access.reports_for(self.membership).defer("figures", "document")

    @extend_schema(
        tags=TAGS,
        summary="Draft a report for a period, its figures frozen now",
        parameters=[SLUG],
        request=ReportInput,
        responses={201: ReportDetailOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid_body(ReportInput, request)
        report = lifecycle.report_create(
            actor=self.membership,
            start=data["start"],
            end=data["end"],
            title=data.get("title", ""),
        )
        return Response(_shown(report), status=status.HTTP_201_CREATED)


class ReportDetailApi(ScopedApi):
    # GET one report; PATCH sets its cover and close (administrators, L&D officers).

    allowed_roles = access.REPORT_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "PATCH": access.REPORT_EDIT_ROLES
    }

    @extend_schema(
        tags=TAGS,
        summary="One report, with its history and its frozen document",
        parameters=[SLUG],
        responses={200: ReportDetailOutput},
    )
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_shown(_report(self, pk)))

    @extend_schema(
        tags=TAGS,
        summary="Set the report's cover and close, impact assessment, risks, direction and papers",
        description="Only the fields sent change (none sent: nothing changes). Until it is approved: an approved report is "
        "a 409 saying it is locked. Dates out of order (a report dated before its period ends, "
        "a meeting before the report's date) are a 409 naming the field.",
        parameters=[SLUG],
        request=ReportChangeInput,
        responses={200: ReportDetailOutput},
    )
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        report = _report(self, pk)
        values = valid_body(ReportChangeInput, request)
        with transaction.atomic():
            report = cover.report_cover_set(
                actor=self.membership,
                report=report,
                **{k: v for k, v in values.items() if k in cover.COVER_FIELDS},
            )
            report = choices.report_choices_set(
                actor=self.membership,
                report=report,
                **{k: v for k, v in values.items() if k in choices.CHOICE_FIELDS},
            )
        return Response(_shown(report))


@extend_schema(
    tags=TAGS,
    summary="Take a draft's figures again and redraft it, saying what changed",
    description="Only a draft: a report in review or approved is a 400 saying why.",
    parameters=[SLUG],
    request=None,
    responses={200: RefreshOutput},
)
class ReportRefreshApi(ScopedApi):
    allowed_roles = access.REPORT_EDIT_ROLES

    def post(self, request: Request, slug: str, pk: int) -> Response:
        report = _report(self, pk)
        changes = lifecycle.report_refresh(actor=self.membership, report=report)
        return Response({"changes": changes, "report": _shown(report)})


@extend_schema(
    tags=TAGS,
    summary="Send a draft for review, return it to draft, or approve it",
    description=(
        "submit and return: administrators and L&D officers. approve: administrators only "
        "(anyone else gets 403). A transition the report's state does not allow now is a 400 "
        "saying what it can be instead."
    ),
    parameters=[SLUG],
    request=ReportTransitionInput,
    responses={200: ReportDetailOutput},
)
class ReportTransitionApi(ScopedApi):
    allowed_roles = access.REPORT_EDIT_ROLES

    def post(self, request: Request, slug: str, pk: int) -> Response:
        report = _report(self, pk)
        transition = valid_body(ReportTransitionInput, request)["transition"]
        if transition == "approve":
            # The path is one operation for all three; approving needs more than the others.
            try:
                access.require_role(self.membership, access.REPORT_APPROVE_ROLES)
            except PermissionDenied as refused:
                raise PermissionDenied("Only an administrator may approve a report.") from refused
        report = lifecycle.report_transition(
            actor=self.membership, report=report, transition=transition
        )
        return Response(_shown(report))


FILE = OpenApiTypes.BINARY


@extend_schema(
    tags=TAGS,
    summary="Download the report as Word, PDF or HTML",
    description="The frozen document rendered, sent as an attachment.",
    parameters=[SLUG, DownloadQuery],
    responses={
        (200, FORMATS["docx"][1]): OpenApiResponse(FILE, description="A Word document."),
        (200, "application/pdf"): OpenApiResponse(FILE, description="A tagged PDF."),
        (200, "text/html"): OpenApiResponse(FILE, description="An HTML page on its own."),
    },
)
class ReportDownloadApi(ScopedApi):
    allowed_roles = access.REPORT_READ_ROLES
    content_negotiation_class = FileFormatNegotiation

    def get(self, request: Request, slug: str, pk: int) -> HttpResponse:
        report = _report(self, pk)
        chosen = DownloadQuery.read(request.query_params)["format"]
        ending, content_type, render = FORMATS[chosen]
        content = render(report)
        response = HttpResponse(content, content_type=content_type)
        filename = lifecycle.report_filename(report, ending)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# Consultations, the words and the number ------------------------------------------------------

NUMBER = OpenApiParameter(
    "number",
    str,
    OpenApiParameter.PATH,
    pattern=r"^[0-9]+(\.[0-9]+)*$",
    description='The section or subsection, as the report numbers it: "1", "4.2", "7".',
)
VERSION_MAX = 2**31 - 1


class ConsultationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    consultee = StrictCharField(help_text="Who was consulted: a group or a post.")
    consulted_on = serializers.DateField()
    recorded_at = serializers.DateTimeField()


class ConsultationInput(serializers.Serializer):
    # The same messages as the page's form for the same mistakes.
    consultee = StrictCharField(
        max_length=300,
        help_text="A group or a post, as paragraph 7.1 should name them, e.g. "
        '"members of the Trauma Steering Group".',
        error_messages={
            "required": "Enter who was consulted",
            "blank": "Enter who was consulted",
            "max_length": "Who was consulted must be 300 characters or fewer",
        },
    )
    consulted_on = serializers.DateField(
        input_formats=ISO_DATE,
        validators=[validate_entered_date],
        help_text="YYYY-MM-DD; not in the future, nor before the report's period starts.",
        error_messages={
            "required": "Enter the date they were consulted",
            "invalid": "Enter the date they were consulted as YYYY-MM-DD",
        },
    )


class SectionParagraphOutput(serializers.Serializer):
    ident = StrictCharField(
        help_text="The key to send the paragraph's words under: what it is about, or its number."
    )
    number = StrictCharField(help_text='As the report numbers it, e.g. "4.2.1".')
    text = StrictCharField()
    bullets = serializers.ListField(
        child=StrictCharField(),
        help_text="A list that follows the words (from the figures, or 7.1's consultees); "
        "not edited here.",
    )
    hidden = serializers.BooleanField(help_text="Left out of the report (number blank).")
    own = serializers.BooleanField(help_text="A paragraph of your own, not drafted.")


class SectionOutput(serializers.Serializer):
    number = StrictCharField()
    title = StrictCharField()
    version = serializers.IntegerField(help_text="The report's version: send it back to save.")
    paragraphs = SectionParagraphOutput(many=True)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "type": "string",
            "minLength": 1,
            "maxLength": sections.PARAGRAPH_MAX,
        },
    }
)
class ParagraphsField(serializers.DictField):
    """Paragraph ident -> words. Every mistake is one line naming its paragraph, under
    `paragraphs` in the error's `errors`."""

    child = StrictCharField(max_length=sections.PARAGRAPH_MAX)  # what the schema shows

    def to_internal_value(self, data: Any) -> dict[str, str]:
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        errors = [
            f"Paragraph {ident}: {problem}"
            for ident, text in data.items()
            if (problem := _paragraph_problem(text))
        ]
        if errors:
            raise serializers.ValidationError(errors)
        return {str(ident): text for ident, text in data.items()}


def _paragraph_problem(text: Any) -> str:
    if not isinstance(text, str):
        return "send its words as text."
    if not text.strip():
        return "enter the paragraph's words."
    if "\x00" in text:
        return "the words may not contain a NUL character."
    if len(text) > sections.PARAGRAPH_MAX:
        return f"a paragraph must be {sections.PARAGRAPH_MAX:,} characters or fewer."
    return ""


class SectionInput(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=VERSION_MAX,
        help_text="The report's version you read: a newer one is a 409 and nothing is written.",
    )
    paragraphs = ParagraphsField(
        required=False,
        default=dict,
        help_text="Paragraph ident -> its new words; paragraphs not sent keep theirs.",
    )
    hidden = serializers.ListField(
        child=StrictCharField(max_length=100),
        required=False,
        max_length=200,
        help_text="The idents of every paragraph of the section to leave out (replacing the "
        "last choice; [] brings them all back). Left out, a paragraph is kept, not shown.",
    )
    order = serializers.ListField(
        child=StrictCharField(max_length=100),
        required=False,
        max_length=200,
        help_text="Every paragraph's ident once, in the order to print them; they are "
        "numbered again in that order.",
    )
    added = serializers.ListField(
        child=StrictCharField(max_length=sections.PARAGRAPH_MAX),
        required=False,
        max_length=sections.OWN_MAX,
        help_text="Words of new paragraphs of your own, added at the end of the section.",
    )
    removed = serializers.ListField(
        child=StrictCharField(max_length=100),
        required=False,
        max_length=sections.OWN_MAX,
        help_text="Idents of your own paragraphs to remove (drafted ones are left out instead).",
    )


class SectionConflictOutput(serializers.Serializer):
    detail = StrictCharField()
    saved = SectionOutput(
        required=False,
        help_text="The section as it is now, with the current version (only for an edit "
        "from a stale version; a refusal by a rule has `errors` instead).",
    )
    saved_by = StrictCharField(allow_null=True, required=False)
    saved_at = serializers.DateTimeField(allow_null=True, required=False)


class ConsultationListCreateApi(ScopedListApi):
    # GET lists a report's consultations in the order recorded (paragraph 7.1's order);
    # POST records one, on a draft or a report in review.

    allowed_roles = access.REPORT_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "POST": access.REPORT_EDIT_ROLES
    }
    serializer_class = ConsultationOutput

    @extend_schema(
        tags=TAGS,
        summary="Who was consulted in preparing a report, in the order recorded",
        parameters=[SLUG],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return _report(self, self.kwargs["pk"]).consultations.order_by("id")

    @extend_schema(
        tags=TAGS,
        summary="Record who was consulted and when (paragraph 7.1 names them)",
        description="On a draft or a report in review; an approved report is a 400 saying "
        "it is locked.",
        parameters=[SLUG],
        request=ConsultationInput,
        responses={201: ConsultationOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = _report(self, self.kwargs["pk"])
        data = valid_body(ConsultationInput, request)
        consultation = consultations.consultation_add(actor=self.membership, report=report, **data)
        return Response(ConsultationOutput(consultation).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=TAGS,
    summary="Remove a consultation from a report",
    description="On a draft or a report in review (an approved report is a 400). One no "
    "longer recorded on the report (removed already) is a 204 as well: what was asked for "
    "holds.",
    parameters=[SLUG],
    responses={204: None},
)
class ConsultationDetailApi(ScopedApi):
    allowed_roles = access.REPORT_EDIT_ROLES

    def delete(self, request: Request, slug: str, pk: int, consultation_pk: int) -> Response:
        report = _report(self, pk)
        consultation = report.consultations.filter(pk=consultation_pk).first()
        if consultation is not None:
            consultations.consultation_remove(
                actor=self.membership, report=report, consultation=consultation
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _section(report: Report, number: str) -> dict:
    section = paper.report_section(report, number, keep_hidden=True)
    if section is None or not section.paragraphs:
        raise NotFound(f"The report has no section {number} with words to edit.")
    hidden = set(layouts.read(report.layout)["hidden"])
    return {
        "number": section.number,
        "title": section.title,
        "version": report.version,
        "paragraphs": [
            {
                "ident": p.ident,
                "number": p.number,
                "text": p.text,
                "bullets": p.bullets,
                "hidden": p.ident in hidden,
                "own": p.ident.startswith(layouts.OWN),
            }
            for p in section.paragraphs
        ],
    }


class SectionApi(ScopedApi):
    # GET one section's words with the report's version; PUT saves them from that version.

    allowed_roles = access.REPORT_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {"PUT": access.REPORT_EDIT_ROLES}

    @extend_schema(
        tags=TAGS,
        summary="The words of one section of a report, with the report's version",
        description="Sections that are headings only (4) and unknown numbers are a 404.",
        parameters=[SLUG, NUMBER],
        responses={200: SectionOutput},
    )
    def get(self, request: Request, slug: str, pk: int, number: str) -> Response:
        return Response(SectionOutput(_section(_report(self, pk), number)).data)

    @extend_schema(
        tags=TAGS,
        summary="Save the words of a section's paragraphs, from the version you read",
        description=(
            "A draft only: a report in review or approved is a 400 saying why. An empty "
            "paragraph, or one the section does not have, is a 400 naming it. Paragraph "
            "7.1, once given words here, keeps them; the consultations then follow it as "
            "bullets (saving 7.1 exactly as drafted from the consultations hands it back)."
        ),
        parameters=[SLUG, NUMBER],
        request=SectionInput,
        responses={
            200: SectionOutput,
            409: OpenApiResponse(
                SectionConflictOutput,
                description="Saved by someone else since your version: nothing written.",
            ),
        },
    )
    def put(self, request: Request, slug: str, pk: int, number: str) -> Response:
        report = _report(self, pk)
        shown = _section(report, number)  # an unknown section is a 404 before the body is read
        data = valid_body(SectionInput, request)
        idents = [p["ident"] for p in shown["paragraphs"]]
        unknown = [ident for ident in data["paragraphs"] if ident not in idents]
        if unknown:
            raise Refused(
                {
                    "paragraphs": [
                        f"Section {number} has no paragraph {', '.join(unknown)}: its "
                        f"paragraphs are {', '.join(idents)}."
                    ]
                }
            )
        try:
            report = sections.report_section_edit(
                actor=self.membership,
                report=report,
                number=number,
                texts=data["paragraphs"],
                version=data["version"],
                hidden=data.get("hidden"),
                order=data.get("order"),
                added=data.get("added"),
                removed=data.get("removed"),
            )
        except sections.EditConflict as clash:
            return Response(
                {
                    "detail": "Someone else saved this report after the version you read: "
                    "nothing was written.",
                    "saved": SectionOutput(_section(clash.current, number)).data,
                    "saved_by": clash.event.by_name if clash.event else None,
                    "saved_at": clash.event.at if clash.event else None,
                },
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):  # paragraph ident -> what is wrong with it
                found: dict[str, list[str]] = {}
                for ident, messages in error.message_dict.items():
                    if ident in ("order", "hidden", "removed", "paragraphs"):
                        found.setdefault(ident, []).extend(messages)
                    elif ident.startswith("new"):
                        found.setdefault("added", []).extend(messages)
                    else:
                        found.setdefault("paragraphs", []).extend(
                            f"Paragraph {ident}: {message}" for message in messages
                        )
                raise Refused(found) from None
            raise
        return Response(SectionOutput(_section(report, number)).data)
