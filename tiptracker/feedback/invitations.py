"""Survey invitations: made from completions, sent and reminded by `tiptracker send-due`,
answered through a personal link with no login.

Attending a session records a completion, so one rule covers attendance, completions
recorded by hand and imported ones: every completion of a course that runs surveys gets an
invitation per timepoint, unless it could no longer be answered today (an import of past
years e-mails nobody).
"""

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse

from tiptracker.feedback.models import (
    Answer,
    CourseSurvey,
    Invitation,
    Question,
    Response,
    SurveyVersion,
    Timepoint,
)
from tiptracker.feedback.tokens import invitation_token
from tiptracker.lib.dates import today

OPEN_DAYS = 28  # a link stays open this long after it is first sent
SEND_BATCH = 500


def reminder_days() -> list[int]:
    """Days after the first e-mail that a reminder goes, if there is still no answer."""
    return [int(d) for d in str(settings.SURVEY_REMINDER_DAYS).split(",") if d.strip()]


def invitations_create(
    *, partnership_id: int, course_id: int | None = None, staff_id: int | None = None
) -> int:
    """Make the invitations still missing for completions (of one course, or one person's,
    if given); returns how many completions were considered (the unique constraint skips
    those already invited)."""
    from tiptracker.training.models import Completion

    on = today()
    considered = 0
    runs = CourseSurvey.objects.filter(partnership_id=partnership_id).exclude(
        timepoint=Timepoint.PRE  # asked before the course: made when someone books (to come)
    )
    if course_id is not None:
        runs = runs.filter(course_id=course_id)
    for run in runs:
        earliest = on - dt.timedelta(days=run.delay_days + OPEN_DAYS)
        completions = Completion.objects.filter(
            course_id=run.course_id, completed_on__gte=earliest, completed_on__lte=on
        ).exclude(staff__leaving_date__lt=on)
        if staff_id is not None:
            completions = completions.filter(staff_id=staff_id)
        rows = []
        for person, completed_on, session in completions.values_list(
            "staff_id", "completed_on", "booking__session_id"
        ).iterator(chunk_size=2000):
            opens_on = completed_on + dt.timedelta(days=run.delay_days)
            rows.append(
                Invitation(
                    partnership_id=partnership_id,
                    staff_id=person,
                    course_id=run.course_id,
                    timepoint=run.timepoint,
                    survey_id=run.survey_id,
                    completed_on=completed_on,
                    session_id=session,
                    opens_on=opens_on,
                    expires_on=max(opens_on, on) + dt.timedelta(days=OPEN_DAYS),
                    nonce=secrets.token_urlsafe(24),
                )
            )
        Invitation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        considered += len(rows)
    return considered


def answer_url(invitation: Invitation) -> str:
    token = invitation_token(invitation.pk, invitation.nonce)
    return f"{settings.SITE_URL}{reverse('survey_answer', args=[token])}"


def invitations_send_due(*, on: dt.date | None = None) -> int:
    """Expire what has closed, send what has opened, remind those who have not answered.
    Each e-mail is claimed by a conditional update first, so two workers never both send."""
    on = on or today()
    Invitation.objects.filter(
        status__in=[Invitation.Status.WAITING, Invitation.Status.SENT], expires_on__lt=on
    ).update(status=Invitation.Status.EXPIRED)
    sent = 0
    opened = (
        Invitation.objects.filter(status=Invitation.Status.WAITING, opens_on__lte=on)
        .exclude(staff__email="")
        .select_related("staff", "course", "survey")
        .order_by("opens_on", "id")[:SEND_BATCH]
    )
    for invitation in opened:
        claimed = Invitation.objects.filter(
            pk=invitation.pk, status=Invitation.Status.WAITING
        ).update(status=Invitation.Status.SENT, sent_on=on, last_sent_on=on)
        if claimed:
            _email(invitation, reminder=False)
            sent += 1
    days = reminder_days()
    waiting = (
        Invitation.objects.filter(status=Invitation.Status.SENT, reminders_sent__lt=len(days))
        .exclude(last_sent_on=on)
        .select_related("staff", "course", "survey")
        .order_by("sent_on", "id")[:SEND_BATCH]
    )
    for invitation in waiting:
        assert invitation.sent_on is not None  # every sent invitation has its day
        due = invitation.sent_on + dt.timedelta(days=days[invitation.reminders_sent])
        if due > on:
            continue
        claimed = Invitation.objects.filter(
            pk=invitation.pk,
            status=Invitation.Status.SENT,
            reminders_sent=invitation.reminders_sent,
        ).update(reminders_sent=F("reminders_sent") + 1, last_sent_on=on)
        if claimed:
            _email(invitation, reminder=True)
            sent += 1
    return sent


def _email(invitation: Invitation, *, reminder: bool) -> None:
    from tiptracker.feedback.services import current_version
    from tiptracker.training.services import _one_line, _send

    version = current_version(invitation.survey)
    course = invitation.course.title
    anonymous = (
        "It is anonymous: nothing links your answers to you."
        if version.anonymous
        else "Your answers will carry your name; only the partnership's training "
        "administrators see them."
    )
    body = (
        f"Hello {invitation.staff.first_name or invitation.staff},\n\n"
        + ("A reminder: " if reminder else "")
        + f"we would value a few minutes of your time on {course}. {anonymous} "
        "You can leave any question blank.\n\n"
        f"{answer_url(invitation)}\n\n"
        f"The link is personal to you and works until {invitation.expires_on:%-d %B %Y}.\n"
    )
    subject = ("Reminder: " if reminder else "") + f"A few questions about {_one_line(course)}"
    _send(
        lambda: send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[invitation.staff.email]
        )
    )


# Answering ---------------------------------------------------------------------------------------


class AlreadyAnswered(Exception):
    """The link has been used: one response per invitation."""


@transaction.atomic
def survey_answer(
    *,
    invitation: Invitation,
    version: SurveyVersion,
    answers: dict[int, Any],
    on: dt.date | None = None,
) -> Response | None:
    """Record the answers (question id -> checked value; a blank question is left out) and
    mark the invitation answered, in one transaction. For an anonymous version the response
    names nobody and the invitation keeps no trace of which response it was."""
    if version.survey_id != invitation.survey_id:
        raise ValidationError("These answers are to another survey")
    # The claim is the guard against a double submission: only one can move it.
    claimed = Invitation.objects.filter(
        pk=invitation.pk, status__in=[Invitation.Status.WAITING, Invitation.Status.SENT]
    ).update(status=Invitation.Status.ANSWERED)
    if not claimed:
        raise AlreadyAnswered
    grouping = _grouping(invitation, anonymous=version.anonymous)
    response = Response.objects.create(
        partnership_id=invitation.partnership_id,
        version=version,
        course_id=invitation.course_id,
        timepoint=invitation.timepoint,
        given_on=on or today(),
        staff=None if version.anonymous else invitation.staff,
        **grouping,
    )
    questions = {q.pk: q for q in version.questions.all()}
    rows = []
    for question_id, value in answers.items():
        if question_id not in questions or value in (None, "", []):
            continue
        common = {
            "response": response,
            "question": questions[question_id],
            "partnership_id": invitation.partnership_id,
            "course_id": invitation.course_id,
            "timepoint": invitation.timepoint,
            **grouping,
        }
        if isinstance(value, str):
            rows.append(Answer(text=value, **common))
        else:
            rows.extend(
                Answer(number=n, **common) for n in (value if isinstance(value, list) else [value])
            )
    Answer.objects.bulk_create(rows)
    return response


def _grouping(invitation: Invitation, *, anonymous: bool) -> dict[str, Any]:
    """What results group a response by: the month of the training, the session and the
    respondent's organisation. For an anonymous survey each is kept only where at least the
    small-number threshold of people invited share it, otherwise those details would pick
    the respondent out: the month widens to its quarter, then to its financial year; the
    session and the organisation are left out."""
    from tiptracker.lib.suppression import threshold

    completed = invitation.completed_on
    trained_in = completed.replace(day=1)
    organisation_id = invitation.staff.organisation_id
    session_id = invitation.session_id
    if anonymous:
        at = threshold()
        invited = Invitation.objects.filter(
            course_id=invitation.course_id, timepoint=invitation.timepoint
        )
        year = completed.year if completed.month >= 4 else completed.year - 1
        periods = [
            (trained_in, _add_months(trained_in, 1)),
            (completed.replace(month=(completed.month - 1) // 3 * 3 + 1, day=1), None),
            (dt.date(year, 4, 1), dt.date(year + 1, 4, 1)),
        ]
        periods[1] = (periods[1][0], _add_months(periods[1][0], 3))
        for start, end in periods:
            cohort = invited.filter(completed_on__gte=start, completed_on__lt=end)
            trained_in = start
            if cohort.count() >= at:
                break
        if session_id is not None and cohort.filter(session_id=session_id).count() < at:
            session_id = None
        if session_id is not None:
            cohort = cohort.filter(session_id=session_id)
        if cohort.filter(staff__organisation_id=organisation_id).count() < at:
            organisation_id = None
    return {"trained_in": trained_in, "session_id": session_id, "organisation_id": organisation_id}


def _add_months(first: dt.date, months: int) -> dt.date:
    month = first.month - 1 + months
    return dt.date(first.year + month // 12, month % 12 + 1, 1)


def check_answer(question: Question, value: Any) -> Any:
    """The value as stored (a number; a choice's position, or a list of them, for choices;
    text), or ValueError saying what was wrong."""
    if value in (None, "", []):
        return None
    if question.kind == Question.Kind.AGREEMENT:
        number = int(value)
        if not 1 <= number <= 5:
            raise ValueError("Choose one of the five answers")
        return number
    if question.kind == Question.Kind.RATING:
        number = int(value)
        if not 0 <= number <= 10:
            raise ValueError("Choose a number from 0 to 10")
        return number
    if question.kind == Question.Kind.SINGLE:
        if value not in question.choices:
            raise ValueError("Choose one of the answers given")
        return question.choices.index(value)
    if question.kind == Question.Kind.MULTIPLE:
        if not set(value) <= set(question.choices):
            raise ValueError("Choose from the answers given")
        return [n for n, c in enumerate(question.choices) if c in value]
    text = str(value).strip()
    if len(text) > 5000:
        raise ValueError("Your answer must be 5,000 characters or fewer")
    return text or None
