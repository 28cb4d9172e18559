"""The demo's surveys: the starter set, run by the launch webinar and the manager briefings
(reaction straight after, changes to practice twelve weeks later), and the answers people
gave, so that the impact page tells the story of those sessions.

Everyone who attended was invited at each timepoint, as send-due would have done. About
six in ten answered the reaction survey within days, and about a third the follow-up;
most liked the sessions, and most who answered the follow-up had changed something in how
they work. The managers, briefed with the toolkit in hand, answered more often and more of
them had changed something than at the launch webinar. Answers go through the real service
(invitations.survey_answer), so anonymous ones are kept exactly as live ones are, and the
quarters whose surveys have closed are released as the worker would (release.release_due). The draw is seeded: every load tells the same
story. An invitation still open on the day of the load is left sent; an older unanswered
one has expired.
"""

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from tiptracker.demo import data
from tiptracker.demo.workspace import DemoContext
from tiptracker.feedback.invitations import (
    OPEN_DAYS,
    check_answer,
    reminder_days,
    survey_answer,
)
from tiptracker.feedback.models import CourseSurvey, Invitation, Question, Timepoint
from tiptracker.feedback.release import release_due
from tiptracker.feedback.services import course_survey_set, current_version
from tiptracker.feedback.starter import PRACTICE, REACTION, surveys_starter_set
from tiptracker.partnerships.models import Role
from tiptracker.training.models import Completion

LONDON = ZoneInfo("Europe/London")
SEED = data.SEED + 3  # a draw of its own: changing it leaves the rest of the demo alone


@dataclass(frozen=True)
class Story:
    reaction: float  # the share who answer the reaction survey
    follow_up: float  # the share who answer the follow-up
    changed: float  # the share of those answering the follow-up who changed something


STORIES = {
    data.WEBINAR: Story(reaction=0.56, follow_up=0.30, changed=0.62),
    data.BRIEFING: Story(reaction=0.66, follow_up=0.40, changed=0.76),
}
# How many days after the survey opens people answer (the reminders at 7 and 14 days
# bringing a few more).
ANSWER_AFTER_DAYS: dict[str, tuple[int, ...]] = {
    Timepoint.REACTION: (0, 0, 0, 0, 1, 1, 1, 2, 3, 7, 8, 14),
    Timepoint.FOLLOW_UP: (0, 1, 1, 2, 3, 4, 7, 8, 10, 14, 15, 20),
}
REACTION_COMMENTS = (
    "Really useful, thank you. I would like more time for the case examples.",
    "It made me think about how our reception area feels to someone coming in for the first time.",
    "Good to hear from someone with lived experience.",
    "The online format worked well, but the breakout rooms were short.",
    "I would like a follow-up session for my team.",
)
PRACTICE_COMMENTS = (
    "My manager made time in team meetings to talk about it, which helped.",
    "Caseloads are high, so it is hard to find the time to change how we do things.",
    "We have changed our appointment letters to offer people more choice.",
    "The manager toolkit was useful for the team discussion.",
)


def load(ctx: DemoContext) -> None:
    actor = ctx.memberships[Role.LD_OFFICER].user
    surveys = {
        s.name: s for s in surveys_starter_set(actor=actor, partnership_id=ctx.partnership.pk)
    }
    for code in (data.WEBINAR, data.BRIEFING):
        course = ctx.courses[code]
        course_survey_set(
            actor=actor, course=course, timepoint=Timepoint.REACTION, survey=surveys[REACTION]
        )
        course_survey_set(
            actor=actor, course=course, timepoint=Timepoint.FOLLOW_UP, survey=surveys[PRACTICE]
        )
    ctx.say(
        f"Surveys: the starter set ({len(surveys)}), run by the launch webinar and the manager "
        "briefings"
    )
    _answers(ctx, {ctx.courses[code].pk: story for code, story in STORIES.items()})


@dataclass
class _Plan:
    invitation: Invitation
    answer_on: dt.date | None  # None: not answered


def _answers(ctx: DemoContext, stories: dict[int, Story]) -> None:
    """Invite everyone who completed the courses, then answer for those who did."""
    rng = random.Random(SEED)
    runs = list(
        CourseSurvey.objects.filter(course_id__in=list(stories))
        .select_related("survey")
        .order_by("course_id", "timepoint")
    )
    completions = list(
        Completion.objects.filter(course_id__in=list(stories), completed_on__lte=ctx.today)
        .order_by("completed_on", "staff_id")
        .values_list("course_id", "staff_id", "completed_on", "booking__session_id")
    )
    reminders = reminder_days()
    plans: list[_Plan] = []
    for run in runs:
        for course_id, staff_id, completed_on, session_id in completions:
            if course_id != run.course_id:
                continue
            # Drawn for everyone, whatever today is, so the past comes out the same any day.
            story = stories[course_id]
            share = story.reaction if run.timepoint == Timepoint.REACTION else story.follow_up
            answers = rng.random() < share
            after = dt.timedelta(days=rng.choice(ANSWER_AFTER_DAYS[run.timepoint]))
            opens_on = completed_on + dt.timedelta(days=run.delay_days)
            if opens_on > ctx.today:
                continue  # not sent yet: send-due will, when it opens
            expires_on = opens_on + dt.timedelta(days=OPEN_DAYS)
            answer_on = opens_on + after if answers else None
            if answer_on is not None and answer_on > ctx.today:
                answer_on = None  # they have not got round to it yet
            # Reminders go until the answer comes, the link closes or today.
            last = min(answer_on or expires_on, ctx.today)
            sent = [d for d in reminders if opens_on + dt.timedelta(days=d) <= last]
            closed = answer_on is None and expires_on < ctx.today
            invitation = Invitation(
                partnership_id=ctx.partnership.pk,
                staff_id=staff_id,
                course_id=course_id,
                timepoint=run.timepoint,
                survey_id=run.survey_id,
                completed_on=completed_on,
                session_id=session_id,
                opens_on=opens_on,
                expires_on=expires_on,
                nonce=secrets.token_urlsafe(24),
                status=Invitation.Status.EXPIRED if closed else Invitation.Status.SENT,
                sent_on=opens_on,
                reminders_sent=len(sent),
                last_sent_on=opens_on + dt.timedelta(days=sent[-1]) if sent else opens_on,
            )
            plans.append(_Plan(invitation, answer_on))
    Invitation.objects.bulk_create([plan.invitation for plan in plans], batch_size=1000)
    # Read back with each person to hand: the answer needs their organisation.
    invitations = Invitation.objects.select_related("staff").in_bulk(
        [plan.invitation.pk for plan in plans]
    )

    surveys = {run.survey_id: run.survey for run in runs}
    versions = {pk: current_version(survey) for pk, survey in surveys.items()}
    questions = {pk: list(version.questions.all()) for pk, version in versions.items()}
    answered: dict[str, int] = {Timepoint.REACTION: 0, Timepoint.FOLLOW_UP: 0}
    asked: dict[str, int] = {Timepoint.REACTION: 0, Timepoint.FOLLOW_UP: 0}
    for plan in plans:
        invitation = invitations[plan.invitation.pk]
        asked[invitation.timepoint] += 1
        if plan.answer_on is None:
            continue
        story = stories[invitation.course_id]
        reaction = invitation.timepoint == Timepoint.REACTION
        survey_answer(
            invitation=invitation,
            version=versions[invitation.survey_id],
            answers=_answers_of(
                rng,
                questions[invitation.survey_id],
                changed=0.0 if reaction else story.changed,
                comments=REACTION_COMMENTS if reaction else PRACTICE_COMMENTS,
            ),
            started_at=dt.datetime.combine(plan.answer_on, dt.time(10, 30), tzinfo=LONDON),
            on=plan.answer_on,
        )
        answered[invitation.timepoint] += 1
    ctx.say(
        f"Survey answers: reaction {answered[Timepoint.REACTION]} of "
        f"{asked[Timepoint.REACTION]} invited, follow-up {answered[Timepoint.FOLLOW_UP]} of "
        f"{asked[Timepoint.FOLLOW_UP]}"
    )
    # What the worker would have published by today: every quarter whose surveys closed.
    released = release_due(on=ctx.today, partnership_id=ctx.partnership.pk)
    ctx.say(f"Survey results released: {released} quarters and rests of years")


def _answers_of(
    rng: random.Random, questions: list[Question], *, changed: float, comments: tuple[str, ...]
) -> dict[int, Any]:
    """One person's answers, by the kind of each question (so that a survey edited since
    still gets sensible answers), as the answer page sends them and checked as it checks
    them. One draw sets how the person feels: most agree, some are neutral, a few disagree;
    below `changed`, they changed something in their practice, and agree more. Every
    question may be left blank, and a few are."""
    mood = rng.random()
    warmth = 5 if mood < 0.42 else 4 if mood < 0.84 else 3 if mood < 0.96 else 2
    found: dict[int, Any] = {}
    for question in questions:
        kind, choices = question.kind, list(question.choices)
        value: Any = None
        if question.change_answer in choices:
            others = [c for c in choices if c != question.change_answer]
            # Of those who have not, most say "Not yet" (the first other answer).
            value = (
                question.change_answer
                if mood < changed
                else others[0]
                if rng.random() < 0.7
                else rng.choice(others)
            )
        elif kind == Question.Kind.AGREEMENT:
            value = min(5, max(1, warmth + rng.choice((0, 0, 0, -1, 1))))
        elif kind == Question.Kind.RATING:
            value = min(10, max(0, 2 * warmth - 1 + rng.choice((-1, 0, 0, 1))))
        elif kind == Question.Kind.SINGLE and choices:
            value = rng.choice(choices)
        elif kind == Question.Kind.MULTIPLE and len(choices) > 1 and rng.random() < 0.6:
            # Not the last choice ("Something else", "Nothing ..."), which stands alone.
            value = rng.sample(choices[:-1], rng.choice((1, 1, 2)))
        elif kind == Question.Kind.TEXT and rng.random() < 0.12:
            value = rng.choice(comments)
        if rng.random() < 0.04:
            value = None  # left blank
        found[question.pk] = check_answer(question, value)
    return found
