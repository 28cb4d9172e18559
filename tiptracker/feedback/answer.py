"""The survey a person answers from their personal link: public (no login), one page, no
JavaScript needed. Every question may be left blank.

The page carries when it was first shown, signed (tokens.started_stamp): answers sent after
the survey closed are kept if the page was opened before it closed, and otherwise the person
is told plainly that nothing was recorded."""

import datetime as dt
import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tiptracker.feedback.invitations import (
    AlreadyAnswered,
    SurveyClosed,
    check_answer,
    invitation_closes_at,
    invitation_takes_answers,
    survey_answer,
)
from tiptracker.feedback.models import AGREEMENT_SCALE, Invitation, Question, SurveyVersion
from tiptracker.feedback.services import current_version
from tiptracker.feedback.tokens import read_started, read_token, started_stamp
from tiptracker.forms import posted


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
        .select_related("survey", "course", "staff", "partnership", "session")
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
        return _done(request, invitation, already=True)
    now = timezone.now()
    data = posted(request)
    # When the page was first shown: kept through a re-display with errors, so that answers
    # begun before the survey closed still count when sent after (survey_answer).
    started_at = read_started(data.get("started"), invitation.pk) if data is not None else None
    if not invitation_takes_answers(invitation, started_at=started_at, at=now):
        return _closed(request, invitation, too_late=data is not None)
    version = current_version(invitation.survey)
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
                survey_answer(
                    invitation=invitation, version=version, answers=answers, started_at=started_at
                )
            except AlreadyAnswered:  # a second press of the button: the first one counted
                return _done(request, invitation, already=True)
            except SurveyClosed:  # closed, or withdrawn, while the answers were on their way
                return _closed(request, invitation, too_late=True)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _done(request, invitation)
    return render(
        request,
        "feedback/answer.html",
        {
            "invitation": invitation,
            "version": version,
            "form": form,
            "started": started_stamp(invitation.pk, started_at or now),
        },
    )


def _done(request: HttpRequest, invitation: Invitation, *, already: bool = False) -> HttpResponse:
    return render(
        request, "feedback/answer_done.html", {"invitation": invitation, "already": already}
    )


def _closed(
    request: HttpRequest, invitation: Invitation, *, too_late: bool = False
) -> HttpResponse:
    """The survey no longer takes answers. `too_late`: answers were sent, from a page opened
    after it closed (or with no sign of when it was opened), and nothing was recorded."""
    closes_at = invitation_closes_at(invitation)
    closed_on = None  # withdrawn before it closed by the clock (the place was given up)
    if closes_at <= timezone.now():
        # The day it closed: the link's last day when it closed at that day's end.
        closed_on = timezone.localtime(closes_at - dt.timedelta(microseconds=1)).date()
    return render(
        request,
        "feedback/answer_closed.html",
        {"invitation": invitation, "closed_on": closed_on, "too_late": too_late},
    )
