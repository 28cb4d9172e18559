"""Which courses, sessions, bookings, completions, claims and guests a member may see.

A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from django.db.models import Q, QuerySet

from tiptracker.partnerships.access import PEOPLE_ROLES, TRAINING_ADMIN_ROLES, get_or_404_in
from tiptracker.partnerships.models import Membership, Role
from tiptracker.training.models import (
    Booking,
    ClaimEvidence,
    Completion,
    Course,
    Guest,
    LearningClaim,
    TrainingSession,
)
from tiptracker.workforce.access import staff_for


def courses_for(membership: Membership) -> QuerySet:
    return Course.objects.filter(partnership_id=membership.partnership_id)


def get_course_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(courses_for(membership), pk)


def sessions_for(membership: Membership) -> QuerySet:
    return TrainingSession.objects.filter(partnership_id=membership.partnership_id).select_related(
        "course"
    )


def get_session_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(sessions_for(membership), pk)


def bookings_for(membership: Membership) -> QuerySet:
    """Bookings this member may see: all for training admins, their teams' for managers,
    their own for everyone else."""
    bookings = Booking.objects.filter(partnership_id=membership.partnership_id)
    if membership.role in TRAINING_ADMIN_ROLES:
        return bookings
    # Guests' invitations are for training admins only (invitations_for). Never compare
    # with a missing staff_id: `staff_id=None` would match every guest's booking.
    staff_bookings = bookings.filter(staff__isnull=False)
    own = Q(staff_id=membership.staff_id) if membership.staff_id else Q(pk__in=[])
    if membership.role == Role.MANAGER:
        return staff_bookings.filter(Q(staff__in=staff_for(membership)) | own)
    return staff_bookings.filter(own)


def get_booking_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(bookings_for(membership).select_related("session__course", "staff"), pk)


def completions_for(membership: Membership) -> QuerySet:
    completions = Completion.objects.filter(partnership_id=membership.partnership_id)
    if membership.role in PEOPLE_ROLES:
        return (
            completions.filter(staff__in=staff_for(membership))
            if membership.role == Role.MANAGER
            else completions
        )
    if membership.staff_id:
        return completions.filter(staff_id=membership.staff_id)
    return completions.none()


def claims_for(membership: Membership) -> QuerySet:
    """Claims of learning done elsewhere: every claim in the partnership for those who
    decide them (training admins), a member's own otherwise (managers included: a claim
    and its evidence are between the person and those who run training)."""
    claims = LearningClaim.objects.filter(partnership_id=membership.partnership_id)
    if membership.role in TRAINING_ADMIN_ROLES:
        return claims
    if membership.staff_id:
        return claims.filter(staff_id=membership.staff_id)
    return claims.none()


def get_claim_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(
        claims_for(membership)
        .select_related("staff__team", "course", "claimed_by", "decided_by", "evidence")
        .defer("evidence__data"),
        pk,
    )


def get_claim_evidence_for_user(membership: Membership, claim_pk: object) -> Any:
    """A claim's evidence file, bytes and all (its pk is the claim's): 404 if it has none."""
    return get_or_404_in(ClaimEvidence.objects.filter(claim__in=claims_for(membership)), claim_pk)


def guests_for(membership: Membership) -> QuerySet:
    if membership.role not in TRAINING_ADMIN_ROLES:
        return Guest.objects.none()
    return Guest.objects.filter(partnership_id=membership.partnership_id)


def get_guest_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(guests_for(membership), pk)


def invitations_for(membership: Membership) -> QuerySet:
    """Guests' invitations (bookings with a guest) this member may see: training admins only."""
    if membership.role not in TRAINING_ADMIN_ROLES:
        return Booking.objects.none()
    return Booking.objects.filter(partnership_id=membership.partnership_id, guest__isnull=False)


def get_invitation_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(invitations_for(membership).select_related("guest", "session__course"), pk)
