"""Surveys that ask whether training changed practice (Kirkpatrick's levels, domain.md s.3).

A Survey is a named questionnaire; what it asks lives in its versions. A version that has
responses is never changed: editing the survey then makes the next version, so every
response says exactly which questions it answered. Whether a survey is anonymous belongs
to the version too (a respondent is told before they start, and that promise holds for
every answer given under it).

Which surveys run for a course, and when, is a CourseSurvey per timepoint.

Responses and answers use random ids (UUIDs), not counters: the order of an anonymous
response among others must not link it to the invitation answered at that moment.
"""

import uuid

from django.conf import settings
from django.db import models

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
    """One completed survey. Attributable responses name the staff member; anonymous ones
    name nobody. What results are grouped by (the session, the respondent's organisation,
    the month of the training) is kept for an anonymous response only where at least the
    small-number threshold of people invited share it (feedback/invitations.py), so that
    it cannot single anybody out."""

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

    class Meta:
        indexes = [models.Index(fields=["partnership", "course", "timepoint", "trained_in"])]

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
