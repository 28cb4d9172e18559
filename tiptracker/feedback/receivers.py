"""The feedback app's reactions to what training announces (training.signals): invitations
to the surveys before and after a course."""

from typing import Any

from tiptracker.feedback import invitations
from tiptracker.training.models import Booking, TrainingSession


def completion_recorded(
    *, partnership_id: int, course_id: int, staff_id: int, **kwargs: Any
) -> None:
    invitations.invitations_create(
        partnership_id=partnership_id, course_id=course_id, staff_id=staff_id
    )


def place_given(*, booking: Booking, **kwargs: Any) -> None:
    invitations.pre_invitation_for_booking(booking)


def places_withdrawn(*, session_id: int, staff_id: int | None, **kwargs: Any) -> None:
    invitations.pre_invitations_withdraw(session_id=session_id, staff_id=staff_id)


def session_moved(*, session: TrainingSession, **kwargs: Any) -> None:
    invitations.pre_invitations_for_session(session)
