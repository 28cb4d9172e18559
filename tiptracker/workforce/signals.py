"""What workforce announces to the apps built on it (training keeps the coverage trend),
so that workforce imports none of them: see docs/architecture.md."""

from django.dispatch import Signal

# The training a team or a person needs changed. Argument: partnership_id.
needs_changed = Signal()
