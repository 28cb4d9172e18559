"""The survey a person answers from their personal link: public (no login), one page, no
JavaScript needed. Every question may be left blank."""

import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tiptracker.feedback.invitations import AlreadyAnswered, check_answer, survey_answer
from tiptracker.feedback.models import AGREEMENT_SCALE, Invitation, Question, SurveyVersion
from tiptracker.feedback.services import current_version
from tiptracker.feedback.tokens import read_token
from tiptracker.forms import posted
from tiptracker.lib.dates import today


class AnswerForm(forms.Form):
    """One field per question, named by its position; every one optional."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, version: SurveyVersion, **kwargs: Any) -> None:
        super().__init__(data, initial={"version": version.pk}, **kwargs)
        self.survey_version = version
        self.questions = list(version.questions.all())
        for question in self.questions:
            self.fields[f"q{question.position}"] = _field(question)

    def answers(self) -> dict[int, Any]:
        found = {}
        for question in self.questions:
            name = f"q{question.position}"
            try:
                found[question.pk] = check_answer(question, self.cleaned_data.get(name))
            except (TypeError, ValueError) as problem:
                self.add_error(name, str(problem))
        return found


def _field(question: Question) -> forms.Field:
    label, hint = question.text, question.hint
    if question.kind == Question.Kind.AGREEMENT:
        return forms.TypedChoiceField(
            label=label,
            help_text=hint,
            required=False,
            coerce=int,
            widget=forms.RadioSelect,
            choices=[(str(v), text) for v, text in AGREEMENT_SCALE],
            error_messages={"invalid_choice": "Choose one of the five answers"},
        )
    if question.kind == Question.Kind.RATING:
        return forms.TypedChoiceField(
            label=label,
            help_text=hint,
            required=False,
            coerce=int,
            widget=forms.RadioSelect,
            choices=[(str(v), str(v)) for v in range(11)],
            error_messages={"invalid_choice": "Choose a number from 0 to 10"},
        )
    if question.kind == Question.Kind.SINGLE:
        return forms.ChoiceField(
            label=label,
            help_text=hint,
            required=False,
            widget=forms.RadioSelect,
            choices=[(c, c) for c in question.choices],
            error_messages={"invalid_choice": "Choose one of the answers given"},
        )
    if question.kind == Question.Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            label=label,
            help_text=hint,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(c, c) for c in question.choices],
            error_messages={"invalid_choice": "Choose from the answers given"},
        )
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"max_length": "Your answer must be 5,000 characters or fewer"},
    )


def _invitation(token: str) -> Invitation | None:
    found = read_token(token)
    if found is None:
        return None
    invitation = (
        Invitation.objects.filter(pk=found[0])
        .select_related("survey", "course", "staff", "partnership")
        .first()
    )
    if invitation is None or not secrets.compare_digest(invitation.nonce, found[1]):
        return None
    return invitation


@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer_page(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation(token)
    if invitation is None:
        return render(request, "feedback/answer_invalid.html", status=404)
    if invitation.status == Invitation.Status.ANSWERED:
        return render(
            request, "feedback/answer_done.html", {"invitation": invitation, "already": True}
        )
    if invitation.status == Invitation.Status.EXPIRED or invitation.expires_on < today():
        return render(request, "feedback/answer_closed.html", {"invitation": invitation})
    version = current_version(invitation.survey)
    data = posted(request)
    if data is not None:
        # Answer the version the page was shown with, even if the survey changed meanwhile.
        shown = SurveyVersion.objects.filter(
            survey=invitation.survey, pk=data.get("version") or 0
        ).first()
        version = shown or version
    form = AnswerForm(data, version=version)
    if data is not None and form.is_valid():
        answers = form.answers()  # adds an error to any answer outside its question's scale
        if not form.errors:
            try:
                survey_answer(invitation=invitation, version=version, answers=answers)
            except AlreadyAnswered:  # a second press of the button: the first one counted
                return render(
                    request,
                    "feedback/answer_done.html",
                    {"invitation": invitation, "already": True},
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return render(request, "feedback/answer_done.html", {"invitation": invitation})
    return render(
        request,
        "feedback/answer.html",
        {"invitation": invitation, "version": version, "form": form},
    )
