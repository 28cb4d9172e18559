"""What partnerships announce to the apps above them, which react without partnerships
importing them (partnerships is the bottom layer: see docs/architecture.md).

Receivers are connected in each app's AppConfig.ready() and run inside the sender's
transaction, so a reaction that fails undoes the change that caused it.
"""

from django.dispatch import Signal

# A member's role changed, or a member was added (before=None) or removed (after=None).
# Arguments: membership, before, after, by (the Membership who did it, or None), by_name
# (who did it, in words, when not a member: "an invitation", a superuser in the admin site).
role_changed = Signal()

# A member was added without a staff record: the workforce app links them to the staff
# member with their e-mail address, so that they can book themselves. Argument: membership.
member_added_unlinked = Signal()
