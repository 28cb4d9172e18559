"""Board reports through the API: the board and the steering group read them; administrators
and L&D officers draft them, refresh a draft's figures and send it for review or back to
draft; administrators approve them. The same services as the pages do every write, so the
frozen figures, the locking and the history behave the same through either door."""

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.filters import ISO_DATE, Filter
from tiptracker.api.serializers import CheckedEnumField, EnumField
from tiptracker.api.views import SLUG, ScopedApi, ScopedListApi, _valid
from tiptracker.partnerships import access
from tiptracker.reporting import render as renderers
from tiptracker.reporting import services
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
    title = serializers.CharField()
    reference = serializers.CharField(help_text="The board's number for it; blank until given.")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    state = ReportStateField()
    state_label = serializers.CharField(source="get_state_display")
    figures_taken_at = serializers.DateTimeField(
        help_text="When the figures were frozen (created, or last refreshed)."
    )
    created_at = serializers.DateTimeField()


class ReportEventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    by_name = serializers.CharField(help_text="Who did it, as their name was then.")
    action = ReportActionField()
    action_label = serializers.CharField(source="get_action_display")
    changes = serializers.ListField(
        child=serializers.CharField(), help_text="For a refresh: what changed, line by line."
    )


class ReportDetailOutput(ReportOutput):
    history = ReportEventOutput(many=True, source="events", help_text="Newest first.")
    document = serializers.JSONField(
        help_text="The report's frozen document (sections, paragraphs, tables and charts), "
        "as stored: the downloads are rendered from it."
    )


class ReportInput(serializers.Serializer):
    start = serializers.DateField(input_formats=ISO_DATE, help_text="YYYY-MM-DD.")
    end = serializers.DateField(
        input_formats=ISO_DATE, help_text="YYYY-MM-DD; on or after start, and not in the future."
    )
    title = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Blank: a title is made from the period.",
    )


class RefreshOutput(serializers.Serializer):
    changes = serializers.ListField(
        child=serializers.CharField(), help_text="What changed; empty if nothing had."
    )
    report = ReportDetailOutput()


class TransitionInput(serializers.Serializer):
    transition = ReportTransitionField()


# format -> (file ending, content type, renderer)
FORMATS: dict[str, tuple[str, str, Any]] = {
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        renderers.report_docx,
    ),
    "pdf": ("pdf", "application/pdf", renderers.report_pdf),
    "html": (
        "html",
        "text/html; charset=utf-8",
        lambda document: renderers.report_html(document).encode("utf-8"),
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
        data = _valid(ReportInput, request)
        report = services.report_create(
            actor=self.membership,
            start=data["start"],
            end=data["end"],
            title=data.get("title", ""),
        )
        return Response(_shown(report), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=TAGS,
    summary="One report, with its history and its frozen document",
    parameters=[SLUG],
    responses={200: ReportDetailOutput},
)
class ReportDetailApi(ScopedApi):
    allowed_roles = access.REPORT_READ_ROLES

    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_shown(_report(self, pk)))


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
        changes = services.report_refresh(actor=self.membership, report=report)
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
    request=TransitionInput,
    responses={200: ReportDetailOutput},
)
class ReportTransitionApi(ScopedApi):
    allowed_roles = access.REPORT_EDIT_ROLES

    def post(self, request: Request, slug: str, pk: int) -> Response:
        report = _report(self, pk)
        transition = _valid(TransitionInput, request)["transition"]
        if transition == "approve":
            # The path is one operation for all three; approving needs more than the others.
            try:
                access.require_role(self.membership, access.REPORT_APPROVE_ROLES)
            except PermissionDenied as refused:
                raise PermissionDenied("Only an administrator may approve a report.") from refused
        report = services.report_transition(
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
        ending, content_type, render = FORMATS[DownloadQuery.read(request.query_params)["format"]]
        response = HttpResponse(render(services.report_document(report)), content_type=content_type)
        filename = services.report_filename(report, ending)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
