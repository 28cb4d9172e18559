"""Learning done elsewhere, in the demo: the demo's member of staff has recorded the
national Opening Doors course they did with a previous employer, and it waits in the L&D
officer's "Claims to review" (until approved it does not count, so the demo staff member
still has had no training that counts)."""

import datetime as dt

from tiptracker.demo import data
from tiptracker.demo.workspace import DemoContext
from tiptracker.partnerships.models import Role
from tiptracker.training.claims import claim_create

NOTE = "Completed with NHS Fife before I moved to Dundee; certificate number NF-20931."
DAYS_AGO = 400


def load(ctx: DemoContext) -> None:
    membership = ctx.memberships[Role.STAFF]
    staff = membership.staff
    if staff is None:  # the loader links the staff login to a staff record
        raise RuntimeError("the demo's staff login has no staff record")
    course = ctx.courses[data.OPENING_DOORS]
    claim_create(
        actor=membership.user,
        staff=staff,
        course=course,
        completed_on=ctx.today - dt.timedelta(days=DAYS_AGO),
        evidence_note=NOTE,
    )
    ctx.say(f"Learning done elsewhere: {staff}'s {course.title} waits for approval")
