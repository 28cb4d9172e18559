"""What accounts announce to the apps above them, which react without accounts importing
them (accounts is beneath every app that has people sign in: docs/architecture.md).

Receivers are connected in each app's AppConfig.ready() and run inside the sender's
transaction.
"""

from django.dispatch import Signal

# A user's authenticator was removed (in the admin site, to reset a lost phone).
# Arguments: user, by_name (who removed it, in words).
second_factor_removed = Signal()
