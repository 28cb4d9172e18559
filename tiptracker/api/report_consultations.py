"""Who was consulted in preparing a board report (paragraph 7.1 names them), through the
API: the board and the steering group read them; administrators and L&D officers record
and remove them while the report is a draft or in review."""

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.filters import ISO_DATE
from tiptracker.api.reports import TAGS, report_for_view
from tiptracker.api.serializers import StrictCharField
from tiptracker.api.views import SLUG, ScopedApi, ScopedListApi, valid_body
from tiptracker.lib.dates import validate_entered_date
from tiptracker.partnerships import access
from tiptracker.reporting import consultations


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
        return report_for_view(self, self.kwargs["pk"]).consultations.order_by("id")

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
        report = report_for_view(self, self.kwargs["pk"])
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
        report = report_for_view(self, pk)
        consultation = report.consultations.filter(pk=consultation_pk).first()
        if consultation is not None:
            consultations.consultation_remove(
                actor=self.membership, report=report, consultation=consultation
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
