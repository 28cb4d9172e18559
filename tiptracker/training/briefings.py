"""Writes for briefings: guests who are not staff (board and elected members), their
invitations to ordinary sessions, and their replies.

A briefing for board and elected members is an ordinary session; its guests are invited
(a Booking with a guest and the status INVITED), reply through a personal link or through
the clerk, and their attendance is marked on the session's attendance sheet. The booking
machinery (places and the waiting list) is the one in bookings.py, and the e-mails about a
changed or cancelled session are those of schedule.py.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, TextChoices
from django.utils import timezone
from django.utils.formats import date_format

from tiptracker.lib.history import acting
from tiptracker.partnerships.actors import Actor
from tiptracker.training import messages
from tiptracker.training.bookings import promote_from_waiting_list, session_places_taken
from tiptracker.training.models import Booking, Guest, TrainingSession

log = logging.getLogger(__name__)


def _guest_check(
    *, partnership_id: int, name: str, email: str, kind: str, guest_id: int | None = None
) -> None:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the guest's name."
    if not email:
        errors["email"] = "Enter the guest's e-mail address, so they can be invited."
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter the e-mail address in the right format, like name@example.org."
    if kind not in Guest.Kind.values:
        errors["kind"] = "Choose board member, elected member or other."
    if "email" not in errors:
        taken = Guest.objects.filter(partnership_id=partnership_id, email__iexact=email)
        if guest_id is not None:
            taken = taken.exclude(pk=guest_id)
        if taken.exists():
            errors["email"] = _email_taken(email)
    if errors:
        raise ValidationError(errors)


def _email_taken(email: str) -> str:
    return f"{email} is already on the guest list: edit that guest instead."


def guest_create(
    *, actor: Actor, partnership_id: int, name: str, email: str, kind: str, organisation: str = ""
) -> Guest:
    with acting(actor):
        name, email, organisation = name.strip(), email.strip(), organisation.strip()
        _guest_check(partnership_id=partnership_id, name=name, email=email, kind=kind)
        try:
            with transaction.atomic():
                return Guest.objects.create(
                    partnership_id=partnership_id,
                    name=name,
                    email=email,
                    kind=kind,
                    organisation=organisation,
                )
        except IntegrityError:
            # Someone added the same address between the check and the insert.
            raise ValidationError({"email": _email_taken(email)}) from None


def guest_update(
    *, actor: Actor, guest: Guest, name: str, email: str, kind: str, organisation: str = ""
) -> Guest:
    with acting(actor):
        name, email, organisation = name.strip(), email.strip(), organisation.strip()
        _guest_check(
            partnership_id=guest.partnership_id,
            name=name,
            email=email,
            kind=kind,
            guest_id=guest.pk,
        )
        guest.name, guest.email, guest.kind, guest.organisation = name, email, kind, organisation
        try:
            with transaction.atomic():
                guest.save()
        except IntegrityError:
            raise ValidationError({"email": _email_taken(email)}) from None
        return guest


def guest_history(guest: Guest) -> QuerySet[Booking]:
    """The guest's invitations that are a record to keep: to briefings that have started
    (or taken place) and were not cancelled, the invitation not withdrawn. Latest first."""
    return (
        Booking.objects.filter(guest_id=guest.pk, session__starts_at__lte=timezone.now())
        .exclude(status=Booking.Status.CANCELLED)
        .exclude(session__status=TrainingSession.Status.CANCELLED)
        .select_related("session__course")
        .order_by("-session__starts_at", "-id")
    )


def guest_upcoming_invitations(guest: Guest) -> QuerySet[Booking]:
    """The guest's live invitations to briefings still to come: removing them withdraws these."""
    return (
        Booking.objects.filter(guest_id=guest.pk, session__starts_at__gt=timezone.now())
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("session__course")
        .order_by("session__starts_at", "id")
    )


def guest_remove(*, actor: Actor, guest: Guest) -> int:
    """Take a guest off the list, with their invitations to briefings still to come (a place
    they held goes to the longest-waiting person). Returns how many invitations were withdrawn.

    Refused for a guest invited to a briefing that has taken place: who was invited, who
    replied and who attended is the briefing's record, so the guest stays on the list (their
    details can still be edited). Invitations withdrawn this way are not e-mailed about.
    """
    with transaction.atomic():
        locked = Guest.objects.select_for_update().filter(pk=guest.pk).first()
        if locked is None:
            return 0  # removed already, by someone else
        kept = guest_history(locked).first()
        if kept is not None:
            day = date_format(timezone.localtime(kept.session.starts_at).date(), "j F Y")
            raise ValidationError(
                f"{locked.name} cannot be removed: they were invited to {kept.session.course.title} "
                f"on {day}, and the record of who was invited and who attended is kept. "
                "You can still edit their details."
            )
        upcoming = list(guest_upcoming_invitations(locked))
        held = sorted({b.session_id for b in upcoming if b.status == Booking.Status.BOOKED})
        sessions = list(TrainingSession.objects.select_for_update().filter(pk__in=held))
        locked.delete()  # its bookings go with it
        for session in sessions:
            promote_from_waiting_list(session)
    log.info("guest %s removed by %s", guest.pk, getattr(actor, "pk", None))
    return len(upcoming)


@dataclass(frozen=True)
class Invited:
    new: list[Booking]  # invitations sent now
    already: list[Guest]  # guests with a live invitation already: left as they were
    # Guests not invited, each with the reason: the same person (by e-mail address) is
    # booked on the session as a member of staff.
    refused: list[tuple[Guest, str]] = field(default_factory=list)


def _booked_as_staff(session: TrainingSession) -> dict[str, str]:
    """The e-mail addresses (case-folded) of staff booked or waiting on the session, each
    with the words that say so. Bounded by the session's places and its waiting list."""
    live = (
        Booking.objects.filter(session=session, staff__isnull=False)
        .exclude(status=Booking.Status.CANCELLED)
        .exclude(staff__email="")
        .select_related("staff")
    )
    return {
        booking.staff.email.strip().casefold(): (
            f"has a place on this session as a member of staff ({booking.staff}, staff ID "
            f"{booking.staff.staff_id})"
            if booking.status == Booking.Status.BOOKED
            else f"is on this session's waiting list as a member of staff ({booking.staff}, "
            f"staff ID {booking.staff.staff_id})"
        )
        for booking in live
        if booking.staff is not None
    }


def briefing_invite(
    *, actor: Actor, session: TrainingSession, guests: list[Guest], site_url: str
) -> Invited:
    """Invite guests to a session and e-mail each their personal reply link, with the
    session as a calendar file. Re-inviting a guest already invited changes nothing; a guest
    whose e-mail address is that of a member of staff booked on the session (or on its
    waiting list) is not invited, and `refused` says why.

    `site_url` is the address the links start with (https://host), as the guest will
    reach the site.
    """
    if not guests:
        raise ValidationError({"guests": "Choose at least one guest to invite."})
    if any(guest.partnership_id != session.partnership_id for guest in guests):
        raise ValidationError({"guests": "Choose guests of this partnership."})
    with transaction.atomic():
        locked = (
            TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
        )
        if locked.status == TrainingSession.Status.CANCELLED:
            raise ValidationError("This session has been cancelled, so no one can be invited.")
        if locked.starts_at <= timezone.now():
            raise ValidationError(
                "This session has already started, so it is too late to invite anyone."
            )
        live = set(
            Booking.objects.filter(session=locked, guest__in=guests)
            .exclude(status=Booking.Status.CANCELLED)
            .values_list("guest_id", flat=True)
        )
        already = [guest for guest in guests if guest.pk in live]
        as_staff = _booked_as_staff(locked)
        refused = [
            (
                guest,
                f"{guest.name} {as_staff[guest.email.strip().casefold()]}, with the same "
                "e-mail address, so they cannot also be invited as a guest.",
            )
            for guest in dict.fromkeys(g for g in guests if g.pk not in live)
            if guest.email.strip().casefold() in as_staff
        ]
        turned_away = {guest.pk for guest, _reason in refused}
        new = [
            Booking.objects.create(
                partnership_id=locked.partnership_id,
                session=locked,
                guest=guest,
                status=Booking.Status.INVITED,
                booked_by=actor,
            )
            for guest in dict.fromkeys(
                g for g in guests if g.pk not in live and g.pk not in turned_away
            )
        ]
        for booking in new:
            booking.session = locked
        messages.tell_guests_invited(new, site_url=site_url)
    return Invited(new=new, already=already, refused=refused)


class Answer(TextChoices):
    ACCEPT = "accept", "Yes, I will attend"
    DECLINE = "decline", "No, I cannot attend"


def briefing_reply(*, actor: Actor, booking: Booking, answer: str) -> Booking:
    """A guest's reply to an invitation: accepting takes a place (the waiting list if the
    session is full), declining gives up any place, which goes to the longest-waiting person.

    The guest may change their answer until the session starts. `actor` is None when the
    guest replies through their link, or the person who recorded the reply for them.
    """
    if answer not in Answer.values:
        raise ValidationError({"answer": "Choose whether the guest will attend."})
    with transaction.atomic():
        session = (
            TrainingSession.objects.select_for_update()
            .select_related("course")
            .get(pk=booking.session_id)
        )
        current = Booking.objects.select_related("guest").get(pk=booking.pk)
        if current.guest is None:
            raise ValidationError("This booking is not an invitation.")
        if current.status == Booking.Status.CANCELLED:
            raise ValidationError("This invitation has been withdrawn, so it cannot be answered.")
        if session.status == TrainingSession.Status.CANCELLED:
            raise ValidationError(
                "This briefing has been cancelled, so there is nothing to reply to."
            )
        if session.starts_at <= timezone.now():
            raise ValidationError(
                "This briefing has already started or taken place, so the reply cannot change."
            )
        held_place = current.status == Booking.Status.BOOKED
        if answer == Answer.ACCEPT:
            if current.status in (Booking.Status.BOOKED, Booking.Status.WAITLISTED):
                return current  # already accepted: nothing changes
            as_staff = _booked_as_staff(session).get(current.guest.email.strip().casefold())
            if as_staff is not None:
                # Declining left the staff booking free to be made: the same person must
                # not now hold a second place.
                raise ValidationError(
                    f"{current.guest.name} {as_staff}, with the same e-mail address, so the "
                    "invitation cannot also be accepted."
                )
            full = session_places_taken(session) >= session.capacity
            current.status = Booking.Status.WAITLISTED if full else Booking.Status.BOOKED
        else:
            if current.status == Booking.Status.DECLINED:
                return current
            current.status = Booking.Status.DECLINED
        current.replied_at = timezone.now()
        current.reply_recorded_by = actor
        if current.status in (Booking.Status.BOOKED, Booking.Status.WAITLISTED):
            # Accepting (or accepting again) joins the back of the queue, like a new booking.
            current.created_at = current.replied_at
        current.save()
        if held_place:
            promote_from_waiting_list(session)
    booking.status, booking.replied_at = current.status, current.replied_at
    return current
