"""The demo's board report: a draft for the reference report's period, 1 December 2021 to
30 June 2022, drafted by the L&D officer from the demo's figures, with those the reference
report says were consulted. The administrator takes it through review to approval."""

import datetime as dt

from tiptracker.demo.workspace import DemoContext
from tiptracker.partnerships.models import Role
from tiptracker.reporting.consultations import consultation_add
from tiptracker.reporting.lifecycle import report_create

PERIOD = (dt.date(2021, 12, 1), dt.date(2022, 6, 30))
TITLE = "Trauma-informed practice: progress from December 2021 to June 2022"
# The reference report's section on consultation, on a paper draft after the period ended.
CONSULTED = ("The Chief Officer", "The Chief Finance Officer", "The Clerk")
CONSULTED_ON = dt.date(2022, 8, 1)


def load(ctx: DemoContext) -> None:
    officer = ctx.memberships[Role.LD_OFFICER]
    report = report_create(actor=officer, start=PERIOD[0], end=PERIOD[1], title=TITLE)
    for consultee in CONSULTED:
        consultation_add(
            actor=officer, report=report, consultee=consultee, consulted_on=CONSULTED_ON
        )
    ctx.say(
        f"Board report: a draft for {PERIOD[0]:%-d %B %Y} to {PERIOD[1]:%-d %B %Y}, "
        f"{len(CONSULTED)} consulted"
    )
