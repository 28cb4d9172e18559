"""The professionals with lived experience route (issue 5, domain.md section 5).

What is stored here is special category data about employees, kept by their employer. So:
- names, contact details and every free-text note are EncryptedTextFields (tiptracker.lib.crypto);
- a record is not linked to the person's StaffMember (HR) record: that link would tie the
  route to the HR file, which the route promises not to do, and the route does not need it.
  Repeated interest is recognised instead by keyed hashes of the contact details;
- withdrawal erases the identifying data at once; `lived_purge` erases records ended longer
  than LIVED_RETENTION_DAYS ago; what stays is an anonymous record of the stages, for counts;
- every open, change and export writes an AuditEvent, which cannot be changed or deleted
  through the ORM and is never shown in the admin site.
Writes go through the route's service modules only (route.py and the modules beside it:
contacts, tokens, consent, erasure, reads, export, audit).
"""

from typing import Any, NoReturn

from django.db import models

from tiptracker.lib.crypto import EncryptedTextField
from tiptracker.partnerships.models import Membership, Partnership


class Stage(models.TextChoices):
    # The person said they are interested (through the page, or a coordinator for them).
    INTEREST_RECEIVED = "interest_received", "Interest received"
    # The detailed information about the group has been sent to them.
    INFORMATION_SENT = "information_sent", "Information sent"
    # A screening and consent discussion is arranged.
    DISCUSSION_ARRANGED = "discussion_arranged", "Screening and consent discussion arranged"
    # The discussion took place; consent is recorded next, or they decline.
    DISCUSSION_HELD = "discussion_held", "Screening and consent discussion held"
    # Consent is recorded (a ConsentRecord exists); involvement may start.
    CONSENT_RECORDED = "consent_recorded", "Consent recorded"
    # They chose not to go ahead after the discussion. Ended.
    DECLINED = "declined", "Declined"
    # They are taking part (Involvement rows say in what).
    INVOLVED = "involved", "Involved"
    # Taking a break, for any reason or none; they may resume.
    PAUSED = "paused", "Paused"
    # They withdrew: identifying data erased at once. Ended, and final.
    WITHDRAWN = "withdrawn", "Withdrawn"
    # Their involvement came to an end. Ended.
    CLOSED = "closed", "Closed"


# The stages after which a record waits only for erasure at the end of its retention period.
ENDED = (Stage.DECLINED, Stage.WITHDRAWN, Stage.CLOSED)


class RouteRecord(models.Model):
    """One person's way through the route in one partnership."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="lived_records"
    )
    stage = models.CharField(max_length=24, choices=Stage.choices)
    # What the person gave: only what is needed to contact them. Never details of trauma.
    preferred_name = EncryptedTextField(blank=True)
    email = EncryptedTextField(blank=True)
    phone = EncryptedTextField(blank=True)
    note = EncryptedTextField(blank=True)
    # Keyed hashes (HMAC from SECRET_KEY) of the normalised e-mail and phone: encrypted values
    # cannot be compared, these can, so a second expression of interest is merged. Cleared on
    # erasure.
    email_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # SHA-256 of the private status/withdraw link's token (the token itself is never stored).
    # Kept after withdrawal so the link still says "you have withdrawn"; cleared by the purge.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField()
    # When the person last expressed interest (a second expression merges into this record).
    last_interest_at = models.DateTimeField()
    # When the record last reached an ended stage: the retention period runs from here.
    ended_at = models.DateTimeField(null=True, blank=True)
    # When the identifying data was erased (withdrawal or purge).
    erased_at = models.DateTimeField(null=True, blank=True)
    # When the purge erased what withdrawal keeps (the link token), at the end of retention.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Route record {self.pk} ({self.get_stage_display()})"


class StageChange(models.Model):
    """One move along the route: from, to, on which date, by whom."""

    record = models.ForeignKey(RouteRecord, on_delete=models.CASCADE, related_name="changes")
    from_stage = models.CharField(max_length=24, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=24, choices=Stage.choices)
    # The day it happened (a discussion held last week is recorded with its own date) ...
    on = models.DateField()
    # ... and when it was recorded.
    at = models.DateTimeField()
    # A coordinator, or nobody when the person did it themself (by_person).
    by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_person = models.BooleanField(default=False)
    # The coordinator's name as it was, so the history survives their membership ending.
    by_name = models.CharField(max_length=300, blank=True)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or 'start'} -> {self.to_stage} on {self.on}"


class ConsentText(models.Model):
    """A version of the consent text the partnership asks people to agree to. A version is
    never edited once published: a new wording is a new version."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="lived_consent_texts"
    )
    version = models.PositiveIntegerField()
    text = models.TextField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["partnership", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "version"], name="lived_one_consent_text_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"Consent text version {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A published consent text is not changed: publish a new version")
        super().save(*args, **kwargs)


class Purpose(models.TextChoices):
    CO_PRODUCTION = "co_production", "Co-production of services"
    STRATEGY = "strategy", "Strategy"
    TRAINING_DELIVERY = "training_delivery", "Training delivery"
    RECRUITMENT = "recruitment", "Recruitment panels"
    COMMUNICATIONS = "communications", "Communications and campaigns"


class Article6Basis(models.TextChoices):
    """UK GDPR Art 6(1): the lawful basis the partnership (the controller) has chosen."""

    CONSENT = "6_1_a", "Art 6(1)(a) consent"
    CONTRACT = "6_1_b", "Art 6(1)(b) contract"
    LEGAL_OBLIGATION = "6_1_c", "Art 6(1)(c) legal obligation"
    VITAL_INTERESTS = "6_1_d", "Art 6(1)(d) vital interests"
    PUBLIC_TASK = "6_1_e", "Art 6(1)(e) public task"
    LEGITIMATE_INTERESTS = "6_1_f", "Art 6(1)(f) legitimate interests"


class Article9Condition(models.TextChoices):
    """UK GDPR Art 9(2): the condition for processing special category data it has chosen.
    Conditions (b), (g), (h), (i) and (j) also need a basis in law (DPA 2018 s10, Sch 1)."""

    EXPLICIT_CONSENT = "9_2_a", "Art 9(2)(a) explicit consent"
    EMPLOYMENT = "9_2_b", "Art 9(2)(b) employment, social security and social protection"
    VITAL_INTERESTS = "9_2_c", "Art 9(2)(c) vital interests"
    NOT_FOR_PROFIT = "9_2_d", "Art 9(2)(d) not-for-profit bodies"
    MADE_PUBLIC = "9_2_e", "Art 9(2)(e) made public by the data subject"
    LEGAL_CLAIMS = "9_2_f", "Art 9(2)(f) legal claims and judicial acts"
    SUBSTANTIAL_PUBLIC_INTEREST = "9_2_g", "Art 9(2)(g) substantial public interest"
    HEALTH_SOCIAL_CARE = "9_2_h", "Art 9(2)(h) health or social care"
    PUBLIC_HEALTH = "9_2_i", "Art 9(2)(i) public health"
    ARCHIVING_RESEARCH = "9_2_j", "Art 9(2)(j) archiving, research and statistics"


class ConsentRecord(models.Model):
    """What the person agreed to: the exact text version, the purposes, and the bases the
    partnership chose (never defaulted: the fields have no default and the service requires
    them)."""

    record = models.ForeignKey(RouteRecord, on_delete=models.CASCADE, related_name="consents")
    consent_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    purposes = models.JSONField()  # a list of Purpose values
    article_6_basis = models.CharField(max_length=8, choices=Article6Basis.choices)
    article_9_condition = models.CharField(max_length=8, choices=Article9Condition.choices)
    given_on = models.DateField()
    review_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["given_on", "id"]

    def __str__(self) -> str:
        return f"Consent to version {self.consent_text.version} on {self.given_on}"

    @property
    def purpose_labels(self) -> list[str]:
        labels = dict(Purpose.choices)
        return [str(labels.get(purpose, purpose)) for purpose in self.purposes]


class Involvement(models.Model):
    """Something the person contributed to, and the support offered to them for it."""

    class Kind(models.TextChoices):
        CO_PRODUCTION = "co_production", "Co-production"
        STRATEGY = "strategy", "Strategy"
        TRAINING_DELIVERY = "training_delivery", "Training delivery"
        OTHER = "other", "Other"

    record = models.ForeignKey(RouteRecord, on_delete=models.CASCADE, related_name="involvements")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # What, in a few words (a project's name can identify a person: encrypted).
    description = EncryptedTextField(blank=True)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    # Support, debrief, payment or expenses offered (domain.md 5: safe involvement).
    support_offered = EncryptedTextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.start_on}"


class AppendOnly(Exception):
    """An audit event was about to be changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("Audit events cannot be changed")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnly("Audit events cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("Audit events cannot be changed")


class AuditEvent(models.Model):
    """Who did what to which route record, and when; never the values of any field.
    Append-only through the ORM: rows are created, never saved again, updated or deleted."""

    class Action(models.TextChoices):
        INTEREST_EXPRESSED = "interest_expressed", "Expressed interest"
        INTEREST_REPEATED = "interest_repeated", "Expressed interest again (merged)"
        LISTED = "listed", "Saw in the list of records"
        OPENED = "opened", "Opened"
        CHANGED = "changed", "Changed"
        CONSENT_RECORDED = "consent_recorded", "Recorded consent"
        INVOLVEMENT_ADDED = "involvement_added", "Added an involvement"
        LINK_REISSUED = "link_reissued", "Issued a new private link"
        EXPORTED = "exported", "Exported (subject access)"
        WITHDREW = "withdrew", "Withdrew"
        ERASED = "erased", "Erased identifying data"
        PURGED = "purged", "Purged at the end of retention"
        CONSENT_TEXT_PUBLISHED = "consent_text_published", "Published a consent text"
        UNLOCKED = "unlocked", "Opened the workspace (password and code confirmed)"
        UNLOCK_REFUSED = "unlock_refused", "Was refused the workspace (wrong password or code)"
        AUDIT_READ = "audit_read", "Read the audit trail"
        COORDINATOR_GRANTED = "coordinator_granted", "Made a lived-experience coordinator"
        COORDINATOR_REMOVED = "coordinator_removed", "Stopped being a lived-experience coordinator"
        SECOND_FACTOR_REMOVED = "second_factor_removed", "Had their authenticator app removed"

    # PROTECT: a partnership with an audit trail is not deleted by accident.
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    # Who: a coordinator's membership (kept as a bare id, so no cascade ever touches the
    # trail), the person themself, or neither (the system, e.g. the purge).
    actor = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(max_length=300, blank=True)
    by_person = models.BooleanField(default=False)
    # Which record: its id only (no foreign key: the trail outlives any record).
    record_id = models.PositiveIntegerField(null=True, blank=True)
    action = models.CharField(max_length=24, choices=Action.choices)
    # For a change of who is a coordinator: whose role it was (a member, never a person on
    # the route).
    subject_name = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'the person'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("Audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("Audit events cannot be deleted")
