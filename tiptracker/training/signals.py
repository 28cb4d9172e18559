"""What training announces to the apps that build on it (feedback sends its surveys from
these), so that training imports none of them: see docs/architecture.md.

Receivers are connected in each app's AppConfig.ready() and run inside the sender's
transaction, so a reaction that fails undoes the change that caused it.
"""

from django.dispatch import Signal

# A completion was recorded for the first time. Arguments: partnership_id, course_id, staff_id.
completion_recorded = Signal()

# Someone was given a place on a session (booked, or promoted from the waiting list).
# Argument: booking.
place_given = Signal()

# Places were given up: one person's (staff_id) or, when a session is cancelled, everyone's
# (staff_id None). Arguments: session_id, staff_id.
places_withdrawn = Signal()

# A session moved to another day or changed course. Argument: session.
session_moved = Signal()

# Coverage may have moved (an import, attendance, a change of needs): the month-end figures
# from some date on are due again. Arguments: partnership_id.
coverage_changed = Signal()
