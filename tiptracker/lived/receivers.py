"""The lived-experience route's reactions to what partnerships and accounts announce
(partnerships.signals, accounts.announcements)."""

from typing import Any

from tiptracker.lived.audit import lived_coordinator_role_audit, lived_second_factor_removed_audit
from tiptracker.partnerships.models import Membership, Role


def role_changed(
    *,
    membership: Membership,
    before: str | None,
    after: str | None,
    by: Membership | None,
    by_name: str,
    **kwargs: Any,
) -> None:
    """Who is a lived-experience coordinator decides who sees the route: every change of it
    goes into the route's audit trail, for the coordinators to see."""
    was, now = before == Role.LE_COORDINATOR, after == Role.LE_COORDINATOR
    if was != now:
        lived_coordinator_role_audit(
            partnership_id=membership.partnership_id,
            by=by,
            by_name=by_name,
            subject=membership,
            granted=now,
        )


def second_factor_removed(*, user: Any, by_name: str, **kwargs: Any) -> None:
    """A coordinator's authenticator was removed: the coordinators see it in the audit trail."""
    lived_second_factor_removed_audit(user=user, by_name=by_name)
