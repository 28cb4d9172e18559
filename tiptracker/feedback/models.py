"""Surveys that ask whether training changed practice (Kirkpatrick's levels, domain.md s.3).

A Survey is a named questionnaire; what it asks lives in its versions. A version that has
responses is never changed: editing the survey then makes the next version, so every
response says exactly which questions it answered. Whether a survey is anonymous belongs
to the version too (a respondent is told before they start, and that promise holds for
every answer given under it).

Which surveys run for a course, and when, is a CourseSurvey per timepoint.

Responses and answers use random ids (UUIDs), not counters, and an anonymous response keeps
only the quarter it was given in and the quarter of the training: nothing in it follows the
order or the day of answering (feedback/release.py says how the rows themselves are kept in
an order that says nothing). What is published from anonymous answers is read only from
released cells (ReleasedCell), never counted live.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q

from tiptracker.partnerships.models import Partnership


class Purpose(models.TextChoices):
    # Kirkpatrick's levels that a survey can measure directly (results come from indicators).
    REACTION = "reaction", "Reaction (straight after the session)"
    LEARNING = "learning", "Learning (before and after)"
    BEHAVIOUR = "behaviour", "Behaviour (changes to practice, some weeks later)"


class Survey(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # A closed survey sends nothing more and its open links stop working; answers from a
    # page opened before the close still count.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="survey_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class SurveyVersion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # What the respondent reads first: what the survey is for and how answers are used.
    introduction = models.TextField()
    anonymous = models.BooleanField(
        help_text="Anonymous: nothing links an answer to the person who gave it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["survey", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey}, version {self.number}"

    def in_use(self) -> bool:
        """Whether the version may no longer be changed in place (version_in_use)."""
        return SurveyVersion.objects.filter(version_in_use(), pk=self.pk).exists()


def version_in_use() -> Q:
    """For SurveyVersion rows: answered; or, for an anonymous version, asked (someone's link
    was open on or after the day it was made). For an anonymous version the first answer
    must not show: "version 2 has responses", when one person has been asked since, would
    say that they answered."""
    answered = Exists(Response.objects.filter(version=OuterRef("pk")))
    asked = Exists(
        Invitation.objects.filter(
            survey_id=OuterRef("survey_id"),
            sent_on__isnull=False,
            # On or after the day before it was made: the day itself, whatever the time zone.
            expires_on__gte=ExpressionWrapper(
                OuterRef("created_at") - dt.timedelta(days=1), output_field=models.DateTimeField()
            ),
        )
    )
    return Q(answered) | (Q(anonymous=True) & Q(asked))


class Question(models.Model):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "Agreement (five points, strongly disagree to strongly agree)"
        RATING = "rating", "Rating from 0 to 10"
        SINGLE = "single", "One choice"
        MULTIPLE = "multiple", "Any number of choices"
        TEXT = "text", "Free text"

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=500, blank=True)
    choices = models.JSONField(default=list, blank=True)  # for one and any-number choices
    # For a one-choice question at follow-up: the choice that means "I changed my practice"
    # (the starter survey's "Yes"). Results give the share who chose it.
    change_answer = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="question_position_once")
        ]

    def __str__(self) -> str:
        return self.text


AGREEMENT_SCALE = [
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
]


def answer_labels(question: Question) -> list[str]:
    if question.kind == Question.Kind.AGREEMENT:
        return [text for _value, text in AGREEMENT_SCALE]
    if question.kind == Question.Kind.RATING:
        return [str(n) for n in range(11)]
    return list(question.choices)


def answer_keys(question: Question) -> list[int]:
    if question.kind == Question.Kind.AGREEMENT:
        return [value for value, _text in AGREEMENT_SCALE]
    if question.kind == Question.Kind.RATING:
        return list(range(11))
    return list(range(len(question.choices)))


class Timepoint(models.TextChoices):
    REACTION = "reaction", "Reaction, after attending"
    PRE = "pre", "Before the course (learning)"
    POST = "post", "After the course (learning)"
    FOLLOW_UP = "follow_up", "Follow-up, some weeks later (behaviour)"


class CourseSurvey(models.Model):
    """A survey that runs for a course at a timepoint (follow-up after `delay_days`)."""

    DEFAULT_FOLLOW_UP_DAYS = 84  # twelve weeks

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("training.Course", on_delete=models.CASCADE, related_name="+")
    timepoint = models.CharField(max_length=20, choices=Timepoint.choices)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="courses")
    delay_days = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["course", "timepoint"]
        constraints = [
            models.UniqueConstraint(fields=["course", "timepoint"], name="one_survey_per_timepoint")
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.get_timepoint_display()}"


class Response(models.Model):
    """One completed survey. Attributable responses name the staff member and keep the day
    given, the month of the training, the session and the organisation. Anonymous ones name
    nobody and keep only the course, the timepoint, the quarter given in and the quarter of
    the training (the first day of each): no session, no organisation, no day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    course = models.ForeignKey("training.Course", on_delete=models.PROTECT, related_name="+")
    timepoint = models.CharField(max_length=20, choices=Timepoint.choices)
    given_on = models.DateField()
    # The first day of the month of the training the survey asks about.
    trained_in = models.DateField()
    session = models.ForeignKey(
        "training.TrainingSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff = models.ForeignKey(
        "workforce.StaffMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Copied from the version: anonymous answers are published only through released cells.
    anonymous = models.BooleanField(default=False)
    # False until the worker has written the response back among the others of its quarter in
    # a random order (release.settle): a flag, not an order.
    settled = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["partnership", "course", "timepoint", "trained_in"]),
            models.Index(fields=["anonymous", "settled"], name="response_settling"),
            # Which courses' surveys have anonymous answers (release.protected_pairs), read
            # from the index alone.
            models.Index(
                fields=["partnership", "anonymous", "course", "timepoint"],
                name="response_anonymous_pairs",
            ),
        ]

    def __str__(self) -> str:
        return f"Response to {self.version} on {self.given_on}"


class Answer(models.Model):
    """One answer: a number for scales (agreement 1 to 5, rating 0 to 10) and for choices
    (the choice's position, from 0; one row per choice made), or free text.

    What results group by is copied from the response (which never changes), so that the
    results page counts answers from one index without joining a hundred thousand
    responses."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("training.Course", on_delete=models.PROTECT, related_name="+")
    timepoint = models.CharField(max_length=20, choices=Timepoint.choices)
    trained_in = models.DateField()
    session = models.ForeignKey(
        "training.TrainingSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "number"], name="one_answer_per_choice"
            )
        ]
        indexes = [
            # The results page counts answers from this index alone (results.py): its
            # filters' columns come after the grouped ones, so that narrowing to an
            # organisation, a session or a period needs no answer's row either.
            models.Index(
                fields=[
                    "partnership",
                    "course",
                    "timepoint",
                    "question",
                    "number",
                    "organisation",
                    "trained_in",
                    "session",
                ],
                name="answer_counts",
            )
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question}"


class Invitation(models.Model):
    """One person asked to answer one course survey at one timepoint, after one completion.

    The link in the e-mail is the invitation's id and a random nonce, signed with the secret
    key (feedback/tokens.py): unguessable, and no login needed. It works once, until
    `expires_on`. For an anonymous survey the invitation records only that the person
    answered (to stop the reminders), never which response is theirs.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to be sent"  # sent once opens_on comes
        SENT = "sent", "Sent"  # reminders follow until answered or expired
        ANSWERED = "answered", "Answered"  # the link is used; no more reminders
        EXPIRED = "expired", "Expired"  # closed unanswered

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        "workforce.StaffMember", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    course = models.ForeignKey("training.Course", on_delete=models.CASCADE, related_name="+")
    timepoint = models.CharField(max_length=20, choices=Timepoint.choices)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    completed_on = models.DateField(help_text="The completion the survey asks about")
    session = models.ForeignKey(
        "training.TrainingSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opens_on = models.DateField()
    expires_on = models.DateField()
    nonce = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    sent_on = models.DateField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "opens_on"]),
            # The results page counts invitations from this index alone (results.py), narrowed
            # by period, session or (through the staff member) organisation.
            models.Index(
                fields=[
                    "partnership",
                    "course",
                    "timepoint",
                    "status",
                    "completed_on",
                    "session",
                    "staff",
                ],
                name="invitation_counts",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "course", "timepoint", "completed_on"],
                name="one_invitation_per_completion_and_timepoint",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_timepoint_display()} survey for {self.staff}"


class ReleasedCell(models.Model):
    """The published figures of one course's survey at one timepoint for one financial-year
    quarter of the training, or for the rest of a financial year (the quarters too small to
    show alone, pooled): written once, when the period's surveys have closed, and never
    changed (feedback/release.py). Every output of a survey that has anonymous answers reads
    these and nothing else: the results page, the API, the exports, the impact page and the
    board report. Only the protected figures are kept: counts rounded to the nearest five,
    and the exact number asked (who was asked is not anonymous: it is who attended)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("training.Course", on_delete=models.CASCADE, related_name="+")
    timepoint = models.CharField(max_length=20, choices=Timepoint.choices)
    # The first day of the quarter, or of the financial year for the rest of the year.
    starts_on = models.DateField()
    quarter = models.PositiveSmallIntegerField(help_text="1 to 4; 0 for the rest of the year")
    released_on = models.DateField()
    # Withheld: too few answered (or everyone asked did, among few): nothing is published,
    # and at the year's end its answers join the rest of the year.
    withheld = models.BooleanField(default=False)
    invited = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)  # rounded
    changed = models.PositiveIntegerField(null=True, blank=True)  # rounded; None: not asked
    # [{"text", "kind", "labels", "keys", "versions", "change_answer", "counts"}], counts
    # rounded, in the order the survey asks them.
    questions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["course", "timepoint", "starts_on", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "timepoint", "starts_on", "quarter"], name="released_once"
            )
        ]
        indexes = [models.Index(fields=["partnership", "timepoint", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.course} {self.timepoint} from {self.starts_on} (quarter {self.quarter})"
