"""The demo's funding, from section 4.2.2 of the report: the Scottish Government's £50k for
2021/22 and £50k for 2022/23 (Dundee's share of £1.6 million a year for all 32 councils),
and the 1 FTE Trauma Learning and Development Officer employed with the Women's Rape and
Sexual Abuse Centre for an initial 12 months.

The report gives neither the post's cost nor its dates. The demo charges it to the whole
2021/22 allocation (£50,000.00: a year of an officer's salary with on-costs) and starts it
on 1 March 2022, within the year of the money that pays for it: by June 2022 the post was
new, and partners were still agreeing how to use the 2022/23 allocation (section 4.3),
which the demo therefore leaves uncommitted.

The money goes on after the report, as the Scottish Government's funding did: the demo
gives the same £50k for every financial year since, up to the current one, and from
2023/24 each year's allocation keeps the officer in post for that year (1 April to
31 March), so the funding page runs up to today.
"""

import datetime as dt
from decimal import Decimal

from tiptracker.demo.workspace import DemoContext
from tiptracker.funding.services import allocation_create, commitment_create
from tiptracker.lib.dates import financial_year
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
# Every later year's allocation, and the officer's post it pays for that year.
LATER_AMOUNT = Decimal("50000.00")
LATER_FROM = 2023
OFFICER = "1 FTE Trauma Learning and Development Officer for an initial 12 months"
PARTNER = "Women's Rape and Sexual Abuse Centre"
OFFICER_COST = Decimal("50000.00")
OFFICER_CONTINUED = "1 FTE Trauma Learning and Development Officer, continued for the year"
# Committed from the 2021/22 allocation, the post starting before that year ended.
OFFICER_FROM, OFFICER_TO = dt.date(2022, 3, 1), dt.date(2023, 2, 28)


def later_years(today: dt.date) -> list[str]:
    """2023/24 up to the financial year of `today`."""
    last = int(financial_year(today)[:4])
    return [f"{year}/{(year + 1) % 100:02d}" for year in range(LATER_FROM, last + 1)]


def load(ctx: DemoContext) -> None:
    actor = ctx.memberships[Role.ADMIN].user
    amounts = dict(ALLOCATIONS) | dict.fromkeys(later_years(ctx.today), LATER_AMOUNT)
    allocations = {
        year: allocation_create(
            actor=actor,
            partnership_id=ctx.partnership.id,
            source=SOURCE,
            financial_year=year,
            amount=amount,
            purpose=PURPOSE,
        )
        for year, amount in amounts.items()
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
    for year in later_years(ctx.today):
        start = int(year[:4])
        commitment_create(
            actor=actor,
            partnership_id=ctx.partnership.id,
            allocation=allocations[year],
            financial_year=year,
            what=OFFICER_CONTINUED,
            partner=PARTNER,
            amount=LATER_AMOUNT,
            starts_on=dt.date(start, 4, 1),
            ends_on=dt.date(start + 1, 3, 31),
        )
    total = sum(amounts.values())
    commitments = 1 + len(later_years(ctx.today))
    ctx.say(
        f"Funding: {len(amounts)} allocations ({format_pounds(total)}, 2021/22 to "
        f"{financial_year(ctx.today)}), {commitments} commitments (the Trauma Learning and "
        "Development Officer)"
    )
