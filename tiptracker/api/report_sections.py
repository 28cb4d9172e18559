"""The words of a board report's sections through the API: reading a section with the
report's version, and saving its paragraphs (their words, which are left out, their order,
paragraphs of your own) from that version, so that two people editing at once do not
overwrite each other: the later save is a 409 showing what the other saved."""

from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.errors import Refused
from tiptracker.api.reports import TAGS, report_for_view
from tiptracker.api.serializers import StrictCharField
from tiptracker.api.views import SLUG, ScopedApi, valid_body
from tiptracker.partnerships import access
from tiptracker.reporting import layout as layouts
from tiptracker.reporting import paper, sections
from tiptracker.reporting.models import Report

NUMBER = OpenApiParameter(
    "number",
    str,
    OpenApiParameter.PATH,
    pattern=r"^[0-9]+(\.[0-9]+)*$",
    description='The section or subsection, as the report numbers it: "1", "4.2", "7".',
)
VERSION_MAX = 2**31 - 1


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
        return Response(SectionOutput(_section(report_for_view(self, pk), number)).data)

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
        report = report_for_view(self, pk)
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
