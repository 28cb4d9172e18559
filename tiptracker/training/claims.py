"""Learning done elsewhere: a member of staff claims a course they completed outside the
partnership's sessions (another employer, a national e-learning module), with a note or a
file as evidence; an L&D officer or administrator approves or rejects it.

A claim counts for nothing until it is approved. Approving records a completion (source
`claim`) on the claimed date, through completion_record, so coverage counts it from that
date like any other completion; rejecting needs a reason, which the claimant is told.
Both are named transitions from `pending` only: a decided claim is never decided again.

The evidence file is judged by its extension AND its first bytes, kept in the database
(ClaimEvidence), and served only through the claim_evidence view.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tiptracker import notifications
from tiptracker.lib import uploads
from tiptracker.lib.dates import today
from tiptracker.lib.uploads import extension, human_size, zip_holds
from tiptracker.partnerships.actors import Actor
from tiptracker.training.completions import completion_record
from tiptracker.training.models import ClaimEvidence, Completion, Course, LearningClaim
from tiptracker.workforce.models import StaffMember

# The earliest date a claim may name: older learning is not evidence of practice today.
EARLIEST = dt.date(2000, 1, 1)
MAX_BYTES = 5 * 1024 * 1024


# Evidence files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceType:
    label: str
    content_type: str
    # The first bytes every genuine file of this type starts with (any of them).
    magic: tuple[bytes, ...]
    # For Word's .docx: the part every genuine file holds.
    office_part: str = ""


EVIDENCE_TYPES: dict[str, EvidenceType] = {
    ".pdf": EvidenceType("PDF", "application/pdf", (b"%PDF-",)),
    ".png": EvidenceType("PNG image", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": EvidenceType("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": EvidenceType("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": EvidenceType(
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
        "word/document.xml",
    ),
    ".doc": EvidenceType(
        "Word document", "application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
    ),
}
ACCEPT = ",".join(EVIDENCE_TYPES)  # the file input's accept attribute
ALLOWED_WORDS = "a PDF, a photo or scan (.jpg or .png), or a Word document (.docx or .doc)"


class EvidenceRefused(Exception):
    """The message says why, as a sentence for the person who chose the file."""


@dataclass(frozen=True)
class Upload:
    """A chosen file: the name the person's computer gave it, and its bytes."""

    name: str
    data: bytes


def evidence_type(name: str) -> EvidenceType | None:
    return EVIDENCE_TYPES.get(extension(name))


def safe_name(name: str) -> str:
    return uploads.safe_name(name, fallback="evidence")


def check_name_and_size(name: str, size: int) -> EvidenceType:
    """The checks that need no bytes, so a form can make them before reading the file."""
    kind = evidence_type(name)
    if kind is None:
        raise EvidenceRefused(
            f"The file must be {ALLOWED_WORDS}: '{safe_name(name)}' is not one of these"
        )
    if size > MAX_BYTES:
        limit, actual = human_size(MAX_BYTES), human_size(size)
        actual = f"it is {actual}" if actual != limit else "it is a little larger"
        raise EvidenceRefused(f"The file must be smaller than {limit}: {actual}")
    if size == 0:
        raise EvidenceRefused("The chosen file is empty")
    return kind


def check_evidence(name: str, data: bytes) -> EvidenceType:
    """Refuse a file whose contents are not what its extension says (a program renamed
    certificate.pdf, say)."""
    kind = check_name_and_size(name, len(data))
    ok = data.startswith(kind.magic)
    if ok and kind.office_part:
        ok = zip_holds(data, kind.office_part)
    if not ok:
        raise EvidenceRefused(
            f"The file is not a real {kind.label}: its contents do not match its name "
            f"'{safe_name(name)}'"
        )
    return kind


# Claiming -----------------------------------------------------------------------------------


def claim_create(
    *,
    actor: Actor,
    staff: StaffMember,
    course: Course,
    completed_on: dt.date,
    evidence_note: str = "",
    upload: Upload | None = None,
) -> LearningClaim:
    """Record a claim, waiting for approval, with its file if one was chosen: all of it, or
    (refused) nothing. Every problem is reported at once, on its field."""
    errors: dict[str, str] = {}
    if course.partnership_id != staff.partnership_id:
        errors["course"] = "Choose one of your partnership's courses"
    if completed_on > today():
        errors["completed_on"] = "The date you completed it must be today or in the past"
    elif completed_on < EARLIEST:
        errors["completed_on"] = (
            f"The date you completed it must be on or after {EARLIEST:%-d %B %Y}"
        )
    elif "course" not in errors:
        same = {"staff_id": staff.pk, "course_id": course.pk, "completed_on": completed_on}
        if Completion.objects.filter(**same).exists():
            errors["course"] = (
                f"{course.title} on {completed_on:%-d %B %Y} is already on your record: "
                "there is nothing to approve"
            )
        elif LearningClaim.objects.filter(**same, status=LearningClaim.Status.PENDING).exists():
            errors["course"] = (
                f"You have recorded {course.title} on {completed_on:%-d %B %Y} already: "
                "it is waiting for approval"
            )
    note = evidence_note.strip()
    kind = None
    if upload is not None:
        try:
            kind = check_evidence(upload.name, upload.data)
        except EvidenceRefused as refused:
            errors["evidence"] = str(refused)
    elif not note:
        errors["evidence_note"] = (
            "Say where and how you completed the course, or attach a file as evidence"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        claim = LearningClaim.objects.create(
            partnership_id=staff.partnership_id,
            staff=staff,
            course=course,
            completed_on=completed_on,
            evidence_note=note,
            claimed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if upload is not None and kind is not None:
            ClaimEvidence.objects.create(
                claim=claim,
                name=safe_name(upload.name),
                content_type=kind.content_type,
                size=len(upload.data),
                data=upload.data,
            )
    return claim


# Deciding ------------------------------------------------------------------------------------


def is_own(claim: LearningClaim, actor: Actor) -> bool:
    """Whether `actor` made the claim or is the person it is for: they may not decide it."""
    from tiptracker.partnerships.models import Membership

    if actor is None:
        return False
    return claim.claimed_by_id == actor.pk or (
        Membership.objects.filter(
            user=actor, partnership_id=claim.partnership_id, staff_id=claim.staff_id
        ).exists()
    )


def _pending(claim: LearningClaim, actor: Actor) -> LearningClaim:
    """The claim, locked, if it is still waiting and not the actor's own; otherwise a refusal
    saying why (who decided it, or that someone else must)."""
    locked = LearningClaim.objects.select_for_update().get(pk=claim.pk)
    if is_own(locked, actor):
        raise ValidationError(
            "This is your own claim: another learning and development officer or an "
            "administrator decides it."
        )
    if locked.status != LearningClaim.Status.PENDING:
        when = timezone.localtime(locked.decided_at) if locked.decided_at else None
        said = "approved" if locked.status == LearningClaim.Status.APPROVED else "rejected"
        on = f" on {when:%-d %B %Y at %H:%M}" if when else ""
        raise ValidationError(
            f"This claim was {said} already{on}: a decided claim cannot be decided again."
        )
    return locked


def claim_approve(*, actor: Actor, claim: LearningClaim) -> LearningClaim:
    """Approve: the course counts as completed on the claimed date from now on."""
    with transaction.atomic():
        locked = _pending(claim, actor)
        completion = completion_record(
            staff=locked.staff,
            course=locked.course,
            on=locked.completed_on,
            source=Completion.Source.CLAIM,
        )
        locked.status = LearningClaim.Status.APPROVED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.completion = completion
        locked.save(update_fields=["status", "decided_by", "decided_at", "completion"])
        _tell_claimant(locked)
    return locked


def claim_reject(*, actor: Actor, claim: LearningClaim, reason: str) -> LearningClaim:
    """Reject, with the reason the claimant is told (so that they know what would be accepted)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the claim is not approved: the person is told"})
    with transaction.atomic():
        locked = _pending(claim, actor)
        locked.status = LearningClaim.Status.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        _tell_claimant(locked)
    return locked


def _tell_claimant(claim: LearningClaim) -> None:
    """The decision, by e-mail, to whoever made the claim (their staff record's address if
    the account is gone); sent once the decision commits."""
    staff = claim.staff
    to = claim.claimed_by.email if claim.claimed_by is not None else ""
    notifications.send(
        "claim_decided",
        to=to or staff.email,
        context={
            "name": staff.first_name or str(staff),
            "course": claim.course.title,
            "completed_on": claim.completed_on,
            "approved": claim.status == LearningClaim.Status.APPROVED,
            "reason": claim.reason,
        },
        link=reverse("my_training", args=[claim.partnership.slug]),
    )
