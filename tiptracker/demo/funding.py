"""The demo's funding, from section 4.2.2 of the report: the Scottish Government's £50k for
2021/22 and £50k for 2022/23 (Dundee's share of £1.6 million a year for all 32 councils),
and the 1 FTE Trauma Learning and Development Officer employed with the Women's Rape and
Sexual Abuse Centre for an initial 12 months.

The report gives neither the post's cost nor its dates. The demo charges it to the whole
2021/22 allocation (£50,000.00: a year of an officer's salary with on-costs) and starts it
on 1 March 2022, within the year of the money that pays for it: by June 2022 the post was
new, and partners were still agreeing how to use the 2022/23 allocation (section 4.3),
which the demo therefore leaves uncommitted.
"""

import datetime as dt
from decimal import Decimal

from tiptracker.demo.workspace import DemoContext
from tiptracker.funding.services import allocation_create, commitment_create
from tiptracker.lib.money import format_pounds
from tiptracker.partnerships.models import Role

SOURCE = "Scottish Government"
PURPOSE = (
    "Part of the Scottish Government's £1.6 million investment in supporting local authorities "
    "to deliver services that can safely support people affected by psychological trauma and "
    "adversity. Allocated to Dundee City Council in October 2021, to be used with the other "
    "community planning partners."
)
ALLOCATIONS = (("2021/22", Decimal("50000.00")), ("2022/23", Decimal("50000.00")))
OFFICER = "1 FTE Trauma Learning and Development Officer for an initial 12 months"
PARTNER = "Women's Rape and Sexual Abuse Centre"
OFFICER_COST = Decimal("50000.00")
# Committed from the 2021/22 allocation, the post starting before that year ended.
OFFICER_FROM, OFFICER_TO = dt.date(2022, 3, 1), dt.date(2023, 2, 28)


def load(ctx: DemoContext) -> None:
    actor = ctx.memberships[Role.ADMIN].user
    allocations = {
        year: allocation_create(
            actor=actor,
            partnership_id=ctx.partnership.id,
            source=SOURCE,
            financial_year=year,
            amount=amount,
            purpose=PURPOSE,
        )
        for year, amount in ALLOCATIONS
    }
    commitment_create(
        actor=actor,
        partnership_id=ctx.partnership.id,
        allocation=allocations["2021/22"],
        financial_year="2021/22",
        what=OFFICER,
        partner=PARTNER,
        amount=OFFICER_COST,
        starts_on=OFFICER_FROM,
        ends_on=OFFICER_TO,
    )
    total = sum(amount for _year, amount in ALLOCATIONS)
    ctx.say(
        f"Funding: {len(ALLOCATIONS)} allocations ({format_pounds(total)}), "
        f"1 commitment ({format_pounds(OFFICER_COST)}: the Trauma Learning and Development Officer)"
    )
