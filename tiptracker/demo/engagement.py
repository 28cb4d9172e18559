"""The demo's engagement log: the contributions to national work that section 4.2.3 of the
report lists for the six months to June 2022.

The report gives "late 2021" for the meeting with the Minister and no dates for the rest;
the demo's dates are plausible days within the report's period: the meeting early in
December 2021, so that the report for 1 December 2021 to 30 June 2022 counts it as the
reference does, and the lived-experience workshop, still to come when the report was
written, at the end of June 2022. The report does not name the other local authority areas,
so neither does the demo.
"""

import datetime as dt

from tiptracker.demo.workspace import DemoContext
from tiptracker.engagement.models import Engagement
from tiptracker.engagement.services import engagement_create
from tiptracker.partnerships.models import Role

B, K = Engagement.BodyKind, Engagement.Kind

# date, body, body kind, kind, represented by, summary
ENGAGEMENTS = (
    (
        dt.date(2021, 12, 7),
        "Minister for Mental Wellbeing and Social Care",
        B.MINISTER, K.MEETING,
        "Representatives of the Trauma Steering Group and the Chief Social Work Officer (as a Trauma Champion)",
        "Invited to speak with the Minister about Dundee's approach to trauma implementation. This was met with positive feedback.",
    ),
    (
        dt.date(2022, 1, 25),
        "National short-life Advisory Group for Trauma-Informed Services, Systems and Workforces: Quality Indicator Framework",
        B.NATIONAL_ADVISORY_GROUP, K.ADVISORY_GROUP,
        "Trauma Steering Group",
        "Dundee is represented on the short-life advisory group developing the national quality indicator framework for trauma-informed services, systems and workforces.",
    ),
    (
        dt.date(2022, 3, 16),
        "Other local authority areas",
        B.LOCAL_AUTHORITY, K.VISIT,
        "Members of the Trauma Steering Group",
        "Invited to a range of other local authority areas to talk about the developments in Dundee and share learning.",
    ),
    (
        dt.date(2022, 6, 29),
        "Authentic Voice: Embedding Lived Experience (national project), deep dive workshop",
        B.NATIONAL_PROGRAMME, K.WORKSHOP,
        "Local representatives of the Trauma Steering Group",
        "Invited to speak at the deep dive workshop, presenting examples from the Gendered Services Project and the trauma implementation plan's professionals with lived experience work stream.",
    ),
)  # fmt: skip


def load(ctx: DemoContext) -> None:
    actor = ctx.memberships[Role.ADMIN].user
    for date, body, body_kind, kind, represented_by, summary in ENGAGEMENTS:
        engagement_create(
            actor=actor,
            partnership_id=ctx.partnership.id,
            date=date,
            body=body,
            body_kind=body_kind,
            kind=kind,
            represented_by=represented_by,
            summary=summary,
        )
    ctx.say(
        f"Engagement log: {len(ENGAGEMENTS)} records, from {ENGAGEMENTS[0][0]:%B %Y} "
        f"to {ENGAGEMENTS[-1][0]:%B %Y}"
    )
