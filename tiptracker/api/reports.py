"""Board reports through the API: the board and the steering group read them; administrators
and L&D officers draft them, refresh a draft's figures and send it for review or back to
draft; administrators approve them. The same services as the pages do every write, so the
frozen figures, the locking and the history behave the same through either door.

A report's consultations are in report_consultations.py, the words of its sections in
report_sections.py."""

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.filters import ISO_DATE, Filter, IsoDateField
from tiptracker.api.serializers import CheckedEnumField, EnumField, StrictCharField, WebLinkField
from tiptracker.api.views import SLUG, ScopedApi, ScopedListApi, valid_body
from tiptracker.lib.dates import validate_entered_date
from tiptracker.partnerships import access
from tiptracker.reporting import (
    choices,
    cover,
    lifecycle,
    paper,
    papers,
    render_html,
    render_pdf,
    word_template,
)
from tiptracker.reporting.access import get_report_for_user, reports_for
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
    link = WebLinkField(
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
    impact_link = WebLinkField(
        max_length=papers.TEXT_MAX["link"],
        allow_blank=True,
        required=False,
        help_text="Where it is published.",
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
        lambda report: render_pdf.report_pdf(paper.report_document(report)),
    ),
    "html": (
        "html",
        "text/html; charset=utf-8",
        lambda report: render_html.report_html(paper.report_document(report)).encode("utf-8"),
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


def report_for_view(view: ScopedApi, pk: int) -> Report:
    """The report `pk` if the view's member may see it, else a 404."""
    return get_report_for_user(view.membership, pk)  # type: ignore[no-any-return]


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
        return reports_for(self.membership).defer("figures", "document")

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
        return Response(_shown(report_for_view(self, pk)))

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
        report = report_for_view(self, pk)
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
        report = report_for_view(self, pk)
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
        report = report_for_view(self, pk)
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
        report = report_for_view(self, pk)
        chosen = DownloadQuery.read(request.query_params)["format"]
        ending, content_type, render = FORMATS[chosen]
        content = render(report)
        response = HttpResponse(content, content_type=content_type)
        filename = lifecycle.report_filename(report, ending)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
