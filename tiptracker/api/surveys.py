"""Survey templates through the API: those who run training list, create, change, close and
reopen them, through the same services as the pages.

A version that has responses is never changed: a change then makes the next version, and
the answer says which happened. A problem with a question comes back keyed by its number
(`question_2`), like every other field error.
"""

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.errors import Refused, refused
from tiptracker.api.serializers import CheckedEnumField, StrictCharField
from tiptracker.api.views import SLUG, ScopedApi, ScopedDetailApi, ScopedListApi
from tiptracker.feedback import services
from tiptracker.feedback.access import get_survey_for_user
from tiptracker.feedback.models import Purpose, Question, Survey
from tiptracker.feedback.selectors import surveys_with_versions
from tiptracker.feedback.services import QuestionSpec
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership

TAGS = ["Feedback"]
RUN = access.TRAINING_ADMIN_ROLES


class SurveyPurposeField(CheckedEnumField):
    enum_name = "SurveyPurpose"
    enum_values = Purpose.values
    enum_description = (
        "What the survey measures: reaction (straight after a session), learning (before and "
        "after a course) or behaviour (changes to practice, some weeks later)."
    )


class QuestionKindField(CheckedEnumField):
    enum_name = "QuestionKind"
    enum_values = Question.Kind.values
    enum_description = (
        "agreement (five points, strongly disagree to strongly agree), rating (0 to 10), "
        "single (one choice), multiple (any number of choices) or text (free text)."
    )


# Shapes ----------------------------------------------------------------------------------------


class QuestionOutput(serializers.Serializer):
    position = serializers.IntegerField(help_text="1 for the first question.")
    kind = QuestionKindField()
    text = StrictCharField()
    hint = StrictCharField()
    choices = serializers.ListField(
        child=StrictCharField(), help_text="For single and multiple; empty otherwise."
    )
    change_answer = StrictCharField(
        help_text="For a single question: the choice that means a change in practice (blank: none)."
    )


class VersionOutput(serializers.Serializer):
    number = serializers.IntegerField()
    introduction = StrictCharField(help_text="What people read before the questions.")
    anonymous = serializers.BooleanField(
        help_text="Anonymous: nothing links an answer to the person who gave it."
    )
    answered = serializers.BooleanField(
        source="has_responses",
        help_text="Whether anybody has answered this version, or, for an anonymous version, "
        "been asked it (whether an anonymous version has answers is not told): a change then "
        "makes the next one.",
    )
    created_at = serializers.DateTimeField()
    questions = QuestionOutput(many=True, source="questions.all")


class SurveyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()
    purpose = SurveyPurposeField()
    closed = serializers.SerializerMethodField(
        help_text="A closed survey sends nothing and its links do not work."
    )
    closed_at = serializers.DateTimeField(allow_null=True)
    current_version = serializers.SerializerMethodField(help_text="The version people answer now.")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_closed(self, survey: Survey) -> bool:
        return survey.closed_at is not None

    @extend_schema_field(VersionOutput)
    def get_current_version(self, survey: Survey) -> dict:
        return VersionOutput(survey.all_versions[0]).data  # type: ignore[attr-defined]


class SurveyDetailOutput(SurveyOutput):
    versions = VersionOutput(
        many=True, source="all_versions", help_text="Every version, newest first."
    )


class SurveyEditOutput(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version the survey now asks.")
    new_version = serializers.BooleanField(
        help_text="True: the version before has responses, so the change became this new "
        "version. False: changed in place (nobody had answered), or nothing changed."
    )
    changed = serializers.BooleanField(help_text="False: the same as before, nothing written.")
    detail = StrictCharField(help_text="What happened, in a sentence.")
    survey = SurveyDetailOutput()


class QuestionInput(serializers.Serializer):
    kind = QuestionKindField()
    text = StrictCharField(allow_blank=True, help_text="500 characters or fewer.")
    hint = StrictCharField(required=False, allow_blank=True, default="")
    choices = serializers.ListField(
        child=StrictCharField(allow_blank=True),
        required=False,
        default=list,
        help_text="For single and multiple: 2 to 20 different choices, in order.",
    )
    change_answer = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Single only, optional: the choice that means a change in practice.",
    )


def _introduction() -> serializers.CharField:
    return StrictCharField(
        allow_blank=True,
        help_text="What people read first: what the survey is for, how answers are used, and "
        "that any question may be left blank.",
    )


def _anonymous() -> serializers.BooleanField:
    return serializers.BooleanField(
        help_text="True: nothing links an answer to the person who gave it. People are told "
        "before they start."
    )


def _questions() -> QuestionInput:
    return QuestionInput(
        many=True, help_text="In the order they are asked; 1 to 40. Errors: question_1, ..."
    )


class SurveyInput(serializers.Serializer):
    name = StrictCharField(allow_blank=True, help_text="Unique in the partnership.")
    purpose = SurveyPurposeField()
    introduction = _introduction()
    anonymous = _anonymous()
    questions = _questions()


class SurveyChangeInput(serializers.Serializer):
    # A survey keeps its name and what it measures; a change is to what it asks.
    introduction = _introduction()
    anonymous = _anonymous()
    questions = _questions()


def valid_body(serializer: serializers.Serializer) -> dict:
    """The input's shape checked; a problem inside a question is keyed by its number, as the
    service keys its own (`question_2`), so that every answer is field: [messages]."""
    if serializer.is_valid():
        return dict(serializer.validated_data)
    errors = dict(serializer.errors)
    found = errors.pop("questions", None)
    if isinstance(found, list) and any(isinstance(e, dict) for e in found):
        found = dict(enumerate(found))  # one entry per question, {} where it was fine
    if isinstance(found, dict):
        for index, problems in found.items():
            if not isinstance(index, int):  # about the list itself: not a list, say
                errors.setdefault("questions", []).extend(problems)
                continue
            for field, messages in problems.items():
                where = "" if field == "non_field_errors" else f"{field}: "
                errors.setdefault(f"question_{index + 1}", []).extend(
                    f"Question {index + 1}: {where}{message}" for message in messages
                )
    elif found is not None:
        errors["questions"] = found
    raise serializers.ValidationError(errors)


def _specs(questions: list[dict]) -> list[QuestionSpec]:
    return [
        QuestionSpec(
            kind=q["kind"],
            text=q["text"],
            hint=q["hint"],
            choices=tuple(q["choices"]),
            change_answer=q["change_answer"],
        )
        for q in questions
    ]


def _as_input(survey: Survey) -> dict:
    """The survey's current version as a change would send it (what a PATCH starts from)."""
    current = survey.all_versions[0]  # type: ignore[attr-defined]
    return {
        "introduction": current.introduction,
        "anonymous": current.anonymous,
        "questions": [
            {
                "kind": q.kind,
                "text": q.text,
                "hint": q.hint,
                "choices": list(q.choices),
                "change_answer": q.change_answer,
            }
            for q in current.questions.all()
        ],
    }


def _named_for_the_api(error: ValidationError) -> Refused:
    return refused(error)


# Operations ------------------------------------------------------------------------------------


def _survey(membership: Membership, pk: object) -> Survey:
    """One survey with every version, or 404 (another partnership's too)."""
    found = get_survey_for_user(membership, pk)
    return surveys_with_versions(membership.partnership_id).get(pk=found.pk)


class SurveyListCreateApi(ScopedListApi):
    # GET lists the survey templates with their current version; POST creates one.

    allowed_roles = RUN
    serializer_class = SurveyOutput

    @extend_schema(
        tags=TAGS,
        summary="Survey templates, each with the version people answer now",
        parameters=[SLUG],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return surveys_with_versions(self.membership.partnership_id, current_only=True)

    @extend_schema(
        tags=TAGS,
        summary="Create a survey template (its version 1)",
        parameters=[SLUG],
        request=SurveyInput,
        responses={201: SurveyDetailOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid_body(SurveyInput(data=request.data))
        try:
            survey = services.survey_create(
                actor=self.membership.user,
                partnership_id=self.membership.partnership_id,
                name=data["name"],
                purpose=data["purpose"],
                introduction=data["introduction"],
                anonymous=data["anonymous"],
                questions=_specs(data["questions"]),
            )
        except ValidationError as error:
            raise _named_for_the_api(error) from None
        found = surveys_with_versions(self.membership.partnership_id).get(pk=survey.pk)
        return Response(SurveyDetailOutput(found).data, status=status.HTTP_201_CREATED)


class SurveyDetailApi(ScopedDetailApi):
    # GET one survey with all its versions; PUT or PATCH changes what it asks.

    allowed_roles = RUN
    serializer_class = SurveyDetailOutput

    def get_object(self) -> Any:
        return _survey(self.membership, self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One survey template, with every version", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change what a survey asks: in place if nobody has answered its current "
        "version, otherwise as the next version",
        parameters=[SLUG],
        request=SurveyChangeInput,
        responses={200: SurveyEditOutput},
    )
    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._change(SurveyChangeInput(data=request.data))

    @extend_schema(
        tags=TAGS,
        summary="Change part of what a survey asks (the fields sent; `questions` replaces "
        "them all): in place if nobody has answered, otherwise as the next version",
        parameters=[SLUG],
        request=SurveyChangeInput(partial=True),
        responses={200: SurveyEditOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        sent = request.data
        if isinstance(sent, dict):
            # What is not sent stays as it is, and is checked as a PUT would check it: a
            # partial check would let questions through without their optional fields.
            sent = {**_as_input(self.get_object()), **sent}
        return self._change(SurveyChangeInput(data=sent))

    def _change(self, found: SurveyChangeInput) -> Response:
        survey = self.get_object()
        data = {**_as_input(survey), **valid_body(found)}
        before = survey.all_versions[0]  # type: ignore[attr-defined]
        try:
            after = services.survey_edit(
                actor=self.membership.user,
                survey=survey,
                introduction=data["introduction"],
                anonymous=data["anonymous"],
                questions=_specs(data["questions"]),
            )
        except ValidationError as error:
            raise _named_for_the_api(error) from None
        return Response(
            {
                "version": after.number,
                "new_version": after.number > before.number,
                "changed": after.pk != before.pk,
                "detail": services.survey_edit_outcome(before, after),
                "survey": SurveyDetailOutput(_survey(self.membership, survey.pk)).data,
            }
        )


class _SurveyStateApi(ScopedApi):
    # Close or reopen: `change` is the service that does it.
    allowed_roles = RUN
    change: ClassVar[Any]

    def post(self, request: Request, slug: str, pk: int) -> Response:
        survey = get_survey_for_user(self.membership, pk)
        try:
            self.change(actor=self.membership.user, survey=survey)
        except ValidationError as error:
            raise _named_for_the_api(error) from None
        return Response(SurveyDetailOutput(_survey(self.membership, survey.pk)).data)


@extend_schema(
    tags=TAGS,
    summary="Close a survey: nothing more is sent and unused links stop working (answers "
    "already given are kept)",
    parameters=[SLUG],
    request=None,
    responses={200: SurveyDetailOutput},
)
class SurveyCloseApi(_SurveyStateApi):
    change = staticmethod(services.survey_close)


@extend_schema(
    tags=TAGS,
    summary="Reopen a closed survey (links that stopped working when it closed stay closed)",
    parameters=[SLUG],
    request=None,
    responses={200: SurveyDetailOutput},
)
class SurveyReopenApi(_SurveyStateApi):
    change = staticmethod(services.survey_reopen)
