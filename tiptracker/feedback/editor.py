"""Making and changing survey templates in the browser: create, edit, close and reopen.

A version that has responses is never changed: saving an edit then makes the next version,
and the edit page says which will happen before anything is saved.

The question rows work without JavaScript. The form shows the existing questions and two
blank rows; "Add another question" sends everything back, saves nothing, and shows it all
again with more blank rows. Blank rows and rows marked for removal are left out, and the
questions keep the order of the rows. The rules about questions live in the services; their
errors come back keyed by the question's number and name the part at fault, so each is shown
against its own field of its own row.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tiptracker.feedback import services
from tiptracker.feedback.access import get_survey_for_user
from tiptracker.feedback.models import Purpose, Question, Survey, SurveyVersion
from tiptracker.feedback.services import QuestionSpec, current_version
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership

RUN = access.TRAINING_ADMIN_ROLES
BLANK_ROWS = 2
# Room for every question a survey may have, with blank rows and some marked for removal.
MAX_ROWS = services.MAX_QUESTIONS + 10
ROW_FIELDS = ("kind", "text", "hint", "choices", "change_answer")
ANONYMOUS, ATTRIBUTABLE = "anonymous", "attributable"


# Forms ---------------------------------------------------------------------------------------


class SurveyForm(forms.Form):
    """What the survey is and what people read first. Whether a name or an introduction is
    missing is the service's to say (with every other problem, at once)."""

    name = forms.CharField(
        label="Name",
        required=False,
        help_text="What administrators call it, for example After the session. People "
        "answering also see it.",
    )
    purpose = forms.ChoiceField(
        label="What does the survey measure?",
        required=False,
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose what the survey measures"},
    )
    introduction = forms.CharField(
        label="Introduction",
        required=False,
        widget=forms.Textarea,
        help_text="What people read before the questions: what the survey is for, how their "
        "answers are used, and that they can leave any question blank.",
    )
    anonymous = forms.ChoiceField(
        label="Are the answers anonymous?",
        choices=[
            (ANONYMOUS, "Anonymous: nothing links an answer to the person who gave it"),
            (ATTRIBUTABLE, "Attributable: each answer carries the name of the person who gave it"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the answers are anonymous or carry people's names",
            "invalid_choice": "Choose whether the answers are anonymous or carry people's names",
        },
    )

    # Shown under each choice of `anonymous`: what the promise means to the person answering.
    ANONYMOUS_HINTS = {
        ANONYMOUS: "People are told this before they start. Use it when people may say more "
        "without their name on it.",
        ATTRIBUTABLE: "People are told this before they start. Only training administrators "
        "and learning and development officers see names; reports show totals for groups of "
        "five or more. Needed to compare one person's answers before and after a course.",
    }

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # a survey keeps its name and what it measures
            del self.fields["name"]
            del self.fields["purpose"]

    def anonymous_choices(self) -> list[dict]:
        field = self["anonymous"]
        return [
            {"radio": radio, "hint": self.ANONYMOUS_HINTS[radio.data["value"]]} for radio in field
        ]


class QuestionRowForm(forms.Form):
    """One row of the questions table. Every field is optional here: a blank row is ignored,
    and the service says what a filled-in row lacks."""

    number: int  # as the page shows it (set by _numbered)

    kind = forms.CharField(
        label="Kind of answer",
        required=False,
        widget=forms.Select(choices=[("", "Choose the kind of answer"), *Question.Kind.choices]),
    )
    text = forms.CharField(label="Question", required=False)
    hint = forms.CharField(
        label="Hint (optional)",
        required=False,
        help_text="Shown under the question, for example 0 is very poor and 10 is excellent.",
    )
    choices = forms.CharField(
        label="Choices, one per line",
        required=False,
        widget=forms.Textarea,
        help_text="For one-choice and any-number questions only.",
    )
    change_answer = forms.CharField(
        label="Answer that means a change in practice (optional)",
        required=False,
        help_text="One-choice questions only: the choice that means the person has changed "
        "how they work, for example Yes. Results give the share who chose it.",
    )
    remove = forms.BooleanField(label="Remove this question", required=False)

    def is_blank(self) -> bool:
        return not any(str(self.cleaned_data.get(name) or "").strip() for name in ROW_FIELDS)

    def is_kept(self) -> bool:
        return not self.cleaned_data.get("remove") and not self.is_blank()

    def spec(self) -> QuestionSpec:
        data = self.cleaned_data
        return QuestionSpec(
            kind=data.get("kind") or "",
            text=data.get("text") or "",
            hint=data.get("hint") or "",
            choices=tuple(
                line.strip() for line in (data.get("choices") or "").splitlines() if line.strip()
            ),
            change_answer=data.get("change_answer") or "",
        )

    @staticmethod
    def initial_for(question: Question) -> dict:
        return {
            "kind": question.kind,
            "text": question.text,
            "hint": question.hint,
            "choices": "\n".join(question.choices),
            "change_answer": question.change_answer,
        }


QuestionRows = forms.formset_factory(
    QuestionRowForm, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)
PREFIX = "questions"


# Pages ---------------------------------------------------------------------------------------


@access.partnership_view(RUN)
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _editor(request, membership, None)


@access.partnership_view(RUN)
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, membership: Membership, survey_pk: int) -> HttpResponse:
    return _editor(request, membership, get_survey_for_user(membership, survey_pk))


def _editor(request: HttpRequest, membership: Membership, survey: Survey | None) -> HttpResponse:
    editing = survey is not None
    current = current_version(survey) if survey is not None else None
    answered = current is not None and current.in_use()
    if request.method != "POST":
        form = SurveyForm(initial=_survey_initial(current), editing=editing)
        existing = (
            [QuestionRowForm.initial_for(q) for q in current.questions.all()] if current else []
        )
        rows = _numbered(QuestionRows(initial=existing + [{}] * BLANK_ROWS, prefix=PREFIX))
    elif "add" in request.POST:
        form, rows = _with_more_rows(request, editing)
    else:
        form = SurveyForm(request.POST, editing=editing)
        rows = _numbered(QuestionRows(request.POST, prefix=PREFIX))
        saved = _save(request, membership, survey, current, form, rows)
        if saved is not None:
            return saved
    return render(
        request,
        "feedback/survey_form.html",
        {
            "survey": survey,
            "current": current,
            "answered": answered,
            "next_number": (current.number + 1) if current else 1,
            "form": form,
            "rows": rows,
            "has_errors": bool(form.errors) or any(row.errors for row in rows),
        },
    )


def _numbered(rows: Any) -> Any:
    """Each row knows its number as the page shows it (Question 1, Question 2, ...)."""
    for number, row in enumerate(rows, start=1):
        row.number = number
    return rows


def _survey_initial(current: SurveyVersion | None) -> dict:
    if current is None:
        return {}
    return {
        "introduction": current.introduction,
        "anonymous": ANONYMOUS if current.anonymous else ATTRIBUTABLE,
    }


def _with_more_rows(request: HttpRequest, editing: bool) -> tuple[SurveyForm, Any]:
    """Everything as typed (nothing checked, nothing saved), with more blank rows."""
    posted = SurveyForm(request.POST, editing=editing)
    typed_rows = QuestionRows(request.POST, prefix=PREFIX)
    typed = [{name: row[name].value() for name in row.fields} for row in typed_rows]
    more = max(0, min(BLANK_ROWS, MAX_ROWS - len(typed)))
    form = SurveyForm(
        initial={name: posted[name].value() for name in posted.fields}, editing=editing
    )
    return form, _numbered(QuestionRows(initial=typed + [{}] * more, prefix=PREFIX))


def _save(
    request: HttpRequest,
    membership: Membership,
    survey: Survey | None,
    current: SurveyVersion | None,
    form: SurveyForm,
    rows: Any,
) -> HttpResponse | None:
    """Save through the service and redirect; None (the errors on the forms) if refused."""
    form_ok = form.is_valid()
    rows.is_valid()  # every row field is optional: this only fills cleaned_data
    kept = [row for row in rows if row.is_kept()]
    questions = [row.spec() for row in kept]
    data = form.cleaned_data
    name = survey.name if survey else data.get("name", "")
    purpose = survey.purpose if survey else data.get("purpose", "")
    introduction = data.get("introduction", "")
    anonymous = data.get("anonymous") == ANONYMOUS
    slug = membership.partnership.slug
    try:
        if not form_ok:
            # Show the service's problems with the form's own, all at once.
            services.survey_check(
                partnership_id=membership.partnership_id,
                name=name,
                purpose=purpose,
                introduction=introduction,
                questions=questions,
                survey=survey,
                anonymous=anonymous,
            )
            return None
        if survey is None:
            created = services.survey_create(
                actor=membership.user,
                partnership_id=membership.partnership_id,
                name=name,
                purpose=purpose,
                introduction=introduction,
                anonymous=anonymous,
                questions=questions,
            )
            messages.success(request, f"Created the survey: {created.name}")
            return redirect("feedback_survey", slug, created.pk)
        assert current is not None  # every survey has a version
        version = services.survey_edit(
            actor=membership.user,
            survey=survey,
            introduction=introduction,
            anonymous=anonymous,
            questions=questions,
        )
    except ValidationError as error:
        _show(error, form, kept)
        return None
    messages.success(request, services.survey_edit_outcome(current, version))
    return redirect("feedback_survey", slug, survey.pk)


def _show(error: ValidationError, form: SurveyForm, kept: list[QuestionRowForm]) -> None:
    """The service's refusal on the forms: a question's problem on its row's field, with the
    row's own number (blank and removed rows make the two differ)."""
    for key, problems in error.error_dict.items():
        if key.startswith("question_"):
            row = kept[int(key.removeprefix("question_")) - 1]
            for problem in problems:
                field = problem.code if problem.code in ROW_FIELDS else "text"
                params = {**(problem.params or {}), "number": row.number}
                row.add_error(field, str(problem.message) % params)
        elif key in form.fields:
            form.add_error(key, problems)
        else:
            form.add_error(None, problems)  # about the questions as a whole


@access.partnership_view(RUN)
@require_http_methods(["GET", "POST"])
def survey_close(request: HttpRequest, membership: Membership, survey_pk: int) -> HttpResponse:
    survey = get_survey_for_user(membership, survey_pk)
    if request.method == "POST":
        try:
            services.survey_close(actor=membership.user, survey=survey)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Closed the survey: {survey.name}. Links already sent no longer work, and "
                "nothing more is sent.",
            )
        return redirect("feedback_survey", membership.partnership.slug, survey.pk)
    return render(request, "feedback/survey_close.html", {"survey": survey})


@access.partnership_view(RUN)
@require_POST
def survey_reopen(request: HttpRequest, membership: Membership, survey_pk: int) -> HttpResponse:
    survey = get_survey_for_user(membership, survey_pk)
    try:
        services.survey_reopen(actor=membership.user, survey=survey)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Reopened the survey: {survey.name}. Links that stopped working when it closed "
            "stay closed.",
        )
    return redirect("feedback_survey", membership.partnership.slug, survey.pk)
