"""Survey invitations: made from completions, sent and reminded by `tiptracker send-due`,
answered through a personal link with no login.

Attending a session records a completion, so one rule covers attendance, completions
recorded by hand and imported ones: every completion of a course that runs surveys gets an
invitation per timepoint, unless it could no longer be answered today (an import of past
years e-mails nobody). The survey before the course is the exception: it is made when a
member of staff gets a place on a session (pre_invitation_for_booking), and withdrawn if
the place is given up.

A link stops taking answers at the first of: the end of its last day (`expires_on`), the
survey's close, and, before the course, the session's start (invitation_closes_at). A
closed survey makes and sends nothing more.
"""

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from tiptracker import notifications
from tiptracker.feedback.models import (
    Answer,
    CourseSurvey,
    Invitation,
    Question,
    Response,
    SurveyVersion,
    Timepoint,
)
from tiptracker.feedback.periods import Period
from tiptracker.feedback.release import LINK_DAYS, scatter
from tiptracker.feedback.tokens import invitation_token
from tiptracker.lib.dates import today
from tiptracker.training.models import Booking, Completion, TrainingSession

OPEN_DAYS = LINK_DAYS  # a link stays open this long after it is first sent
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
    on = today()
    considered = 0
    runs = (
        CourseSurvey.objects.filter(partnership_id=partnership_id, survey__closed_at__isnull=True)
        # Asked before the course: made when someone gets a place (pre_invitation_for_booking).
        .exclude(timepoint=Timepoint.PRE)
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


# Before the course ------------------------------------------------------------------------

_OPEN = [Invitation.Status.WAITING, Invitation.Status.SENT]


def pre_invitation_for_booking(booking: Booking) -> None:
    """Invite a member of staff who has a place on a session to the course's survey before
    the course, if it runs one: sent at once, answerable until the session starts. Guests,
    the waiting list and a session starting today or earlier get none. Call it in the
    transaction that gives the place."""
    if booking.staff_id is None or booking.status != Booking.Status.BOOKED:
        return
    _pre_invite(booking.session, [booking.staff_id])


def pre_invitations_for_session(session: TrainingSession) -> None:
    """A session moved to another day or changed course: the unanswered invitations for
    what it was are withdrawn, and everyone with a place is invited for what it is now."""
    day = timezone.localtime(session.starts_at).date()
    Invitation.objects.filter(
        session_id=session.pk, timepoint=Timepoint.PRE, status__in=_OPEN
    ).exclude(course_id=session.course_id, completed_on=day).update(
        status=Invitation.Status.EXPIRED
    )
    booked = Booking.objects.filter(
        session_id=session.pk, status=Booking.Status.BOOKED, staff__isnull=False
    ).values_list("staff_id", flat=True)
    _pre_invite(session, [staff_id for staff_id in booked if staff_id is not None])


def pre_invitations_withdraw(*, session_id: int, staff_id: int | None = None) -> int:
    """Expire the unanswered invitations before a session (one person's, if given): their
    place was given up, or the session cancelled. Answers already given stand."""
    withdrawn = Invitation.objects.filter(
        session_id=session_id, timepoint=Timepoint.PRE, status__in=_OPEN
    )
    if staff_id is not None:
        withdrawn = withdrawn.filter(staff_id=staff_id)
    return withdrawn.update(status=Invitation.Status.EXPIRED)


def _pre_invite(session: TrainingSession, staff_ids: list[int]) -> None:
    run = (
        CourseSurvey.objects.filter(
            course_id=session.course_id, timepoint=Timepoint.PRE, survey__closed_at__isnull=True
        )
        .only("survey_id")
        .first()
    )
    on = today()
    day = timezone.localtime(session.starts_at).date()
    if run is None or not staff_ids or day <= on:
        return  # too late to ask before the course: a session today has as good as begun
    mine = Invitation.objects.filter(course_id=session.course_id, timepoint=Timepoint.PRE)
    # Someone who answered for a session still to come and then moved to another date has
    # told us already where they start from: they are not asked again.
    answered = set(
        mine.filter(
            staff_id__in=staff_ids, status=Invitation.Status.ANSWERED, completed_on__gte=on
        ).values_list("staff_id", flat=True)
    )
    wanted = [staff_id for staff_id in dict.fromkeys(staff_ids) if staff_id not in answered]
    # Booked again after giving the place up: the withdrawn invitation (the same person,
    # course and day) opens again and is sent afresh; its link works again.
    mine.filter(staff_id__in=wanted, completed_on=day, status=Invitation.Status.EXPIRED).update(
        status=Invitation.Status.WAITING,
        survey_id=run.survey_id,
        session_id=session.pk,
        opens_on=on,
        expires_on=day,
        sent_on=None,
        reminders_sent=0,
        last_sent_on=None,
    )
    Invitation.objects.bulk_create(
        [
            Invitation(
                partnership_id=session.partnership_id,
                staff_id=staff_id,
                course_id=session.course_id,
                timepoint=Timepoint.PRE,
                survey_id=run.survey_id,
                # What the survey is about is the training on that day.
                completed_on=day,
                session_id=session.pk,
                opens_on=on,
                expires_on=day,
                nonce=secrets.token_urlsafe(24),
            )
            for staff_id in wanted
        ],
        ignore_conflicts=True,  # invited already for this course on this day
    )


def invitation_closes_at(invitation: Invitation) -> dt.datetime:
    """The moment the link stops taking answers: the end of its last day, the survey's
    close, or (before the course) the session's start, whichever comes first. Needs the
    invitation's survey and session to hand."""
    moments = [
        timezone.make_aware(
            dt.datetime.combine(invitation.expires_on + dt.timedelta(days=1), dt.time())
        )
    ]
    if invitation.survey.closed_at is not None:
        moments.append(invitation.survey.closed_at)
    if invitation.timepoint == Timepoint.PRE and invitation.session is not None:
        moments.append(invitation.session.starts_at)
    return min(moments)


# Sending -----------------------------------------------------------------------------------


def answer_url(invitation: Invitation) -> str:
    token = invitation_token(invitation.pk, invitation.nonce)
    return f"{settings.SITE_URL}{reverse('survey_answer', args=[token])}"


def invitations_send_due(*, on: dt.date | None = None) -> int:
    """Expire what has closed, send what has opened, remind those who have not answered.
    Each e-mail is claimed by a conditional update first, so two workers never both send."""
    on = on or today()
    # Closed: the last day has passed, the survey was closed (closing expires its open
    # invitations itself; this catches any made meanwhile), or the course a survey before
    # the course asks about has started or was cancelled.
    Invitation.objects.filter(status__in=_OPEN).filter(
        Q(expires_on__lt=on)
        | Q(survey__closed_at__isnull=False)
        | Q(timepoint=Timepoint.PRE, session__starts_at__lte=timezone.now())
        | Q(timepoint=Timepoint.PRE, session__status=TrainingSession.Status.CANCELLED)
    ).update(status=Invitation.Status.EXPIRED)
    sent = 0
    opened = (
        Invitation.objects.filter(
            status=Invitation.Status.WAITING, opens_on__lte=on, survey__closed_at__isnull=True
        )
        .exclude(staff__email="")
        .select_related("staff", "course", "survey", "session")
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
        Invitation.objects.filter(
            status=Invitation.Status.SENT,
            reminders_sent__lt=len(days),
            survey__closed_at__isnull=True,
        )
        .exclude(last_sent_on=on)
        .select_related("staff", "course", "survey", "session")
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

    session = invitation.session
    before_course = invitation.timepoint == Timepoint.PRE and session is not None
    notifications.send_now(
        "survey_invitation",
        to=invitation.staff.email,
        context={
            "name": invitation.staff.first_name or str(invitation.staff),
            "course": invitation.course.title,
            "reminder": reminder,
            "anonymous": current_version(invitation.survey).anonymous,
            "before_course": before_course,
            "starts": session.starts_at if session is not None and before_course else None,
            "until": invitation.expires_on,
        },
        link=answer_url(invitation),
    )


# Answering ---------------------------------------------------------------------------------------


class AlreadyAnswered(Exception):
    """The link has been used: one response per invitation."""


class SurveyClosed(Exception):
    """The link no longer takes answers, and the page was not opened before it closed."""


def invitation_takes_answers(
    invitation: Invitation, *, started_at: dt.datetime | None = None, at: dt.datetime | None = None
) -> bool:
    """Whether answers sent now count. While the link is open, yes. After it closed by the
    clock (the survey closed by an administrator, the end of the link's last day, the start
    of the course a survey before the course asks about), only if the page was opened
    before it closed (`started_at`): the person gave their time in good faith while the
    survey was open, so the answers are kept. An invitation withdrawn for another reason
    (the place on the course given up) takes no answers at all."""
    if invitation.status == Invitation.Status.ANSWERED:
        return False
    closes_at = invitation_closes_at(invitation)
    if (at or timezone.now()) < closes_at:
        return invitation.status in _OPEN  # an expired one here was withdrawn
    return started_at is not None and started_at < closes_at


@transaction.atomic
def survey_answer(
    *,
    invitation: Invitation,
    version: SurveyVersion,
    answers: dict[int, Any],
    started_at: dt.datetime | None = None,
    on: dt.date | None = None,
) -> Response | None:
    """Record the answers (question id -> checked value; a blank question is left out) and
    mark the invitation answered, in one transaction. For an anonymous version the response
    names nobody and the invitation keeps no trace of which response it was.

    `started_at` is when the person opened the page (signed into it: tokens.py); answers
    sent after the link closed count if it is earlier (invitation_takes_answers). Raises
    SurveyClosed otherwise, and AlreadyAnswered for a second press of the button."""
    if version.survey_id != invitation.survey_id:
        raise ValidationError("These answers are to another survey")
    # Lock the invitation, then read it and its survey again: the survey may have closed
    # (or the same answers arrived from a second press) since the page was read. A read
    # after the lock sees whatever the one holding it before us committed.
    Invitation.objects.select_for_update().filter(pk=invitation.pk).values_list("pk").first()
    current = Invitation.objects.select_related("survey", "session").get(pk=invitation.pk)
    if current.status == Invitation.Status.ANSWERED:
        raise AlreadyAnswered
    now = timezone.now()
    if not invitation_takes_answers(current, started_at=started_at, at=now):
        raise SurveyClosed
    allowed = _OPEN
    if now >= invitation_closes_at(current):
        # Closing expires the invitation (services.survey_close, send-due): answers from a
        # page opened before the close are the one case in which an expired one is answered.
        allowed = [*_OPEN, Invitation.Status.EXPIRED]
    # The claim is the guard against a double submission: only one can move it.
    claimed = Invitation.objects.filter(pk=invitation.pk, status__in=allowed).update(
        status=Invitation.Status.ANSWERED
    )
    if not claimed:
        raise AlreadyAnswered
    grouping = _grouping(invitation, anonymous=version.anonymous)
    given_on = on or today()
    response = Response.objects.create(
        partnership_id=invitation.partnership_id,
        version=version,
        course_id=invitation.course_id,
        timepoint=invitation.timepoint,
        # Anonymous: the quarter it was given in, not the day.
        given_on=Period.of(given_on).starts_on if version.anonymous else given_on,
        staff=None if version.anonymous else invitation.staff,
        anonymous=version.anonymous,
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
    if version.anonymous:
        scatter(Response, [response.pk])
        scatter(Answer, [row.pk for row in rows])
    return response


def _grouping(invitation: Invitation, *, anonymous: bool) -> dict[str, Any]:
    """What results group a response by. Attributable: the month of the training, the
    session and the respondent's organisation. Anonymous: only the quarter of the training
    (what anonymous results are published by, release.py); nothing that could pick the
    respondent out of those trained with them."""
    if anonymous:
        return {
            "trained_in": Period.of(invitation.completed_on).starts_on,
            "session_id": None,
            "organisation_id": None,
        }
    return {
        "trained_in": invitation.completed_on.replace(day=1),
        "session_id": invitation.session_id,
        "organisation_id": invitation.staff.organisation_id,
    }


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
