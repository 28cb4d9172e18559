"""The demo's champions and ambassadors. Trauma champions (senior leaders in the national
network, since 2021) are not taken from the synthetic staff records; the local ambassadors
network is the report's 2022/23 priority, so its members start from November 2022, each
one a synthetic member of the team they represent, and most teams are not covered yet."""

import datetime as dt

from tiptracker.demo.workspace import DemoContext
from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.network.services import network_activity_record, network_member_create
from tiptracker.partnerships.models import Organisation
from tiptracker.workforce.models import StaffMember, Team

CHAMPION, AMBASSADOR = NetworkMember.Kind.CHAMPION, NetworkMember.Kind.AMBASSADOR

# name, job role, organisation, from, to (invented names: no real person)
CHAMPIONS = (
    ("Fiona Ramsay", "Chief Social Work Officer", "Dundee City Council", dt.date(2021, 6, 1), None),
    ("Graeme Whyte", "Chief Officer", "Dundee Health and Social Care Partnership", dt.date(2021, 6, 1), None),
    ("Elaine Duncan", "Director of Psychology", "NHS Tayside", dt.date(2021, 6, 1), dt.date(2022, 9, 30)),
    ("Kirsty Baird", "Associate Director of Psychology", "NHS Tayside", dt.date(2022, 10, 1), None),
)  # fmt: skip

# team, from, to: the first ambassadors, at the network's launch in November 2022.
AMBASSADORS = (
    ("Housing Options", dt.date(2022, 11, 14), None),
    ("Children and Families: Duty and Assessment", dt.date(2022, 11, 14), None),
    ("Residential Children's Houses", dt.date(2022, 11, 14), None),
    ("Community Justice Service", dt.date(2022, 11, 14), dt.date(2023, 8, 31)),
    ("Carseview Centre: Adult Mental Health Inpatients", dt.date(2022, 11, 14), None),
    ("Tayside Substance Use Service", dt.date(2022, 12, 5), None),
    ("Health Visiting", dt.date(2023, 1, 16), None),
    ("Drug and Alcohol Recovery Service", dt.date(2022, 11, 14), None),
    ("Older People Services: Care at Home", dt.date(2023, 2, 6), None),
)  # fmt: skip

# (who: a champion's name or an ambassador's team, date, kind, summary)
A = NetworkActivity.Kind
ACTIVITIES = (
    ("Fiona Ramsay", dt.date(2021, 12, 7), A.NATIONAL_EVENT, "Spoke with the Minister for Mental Wellbeing and Social Care about Dundee's approach to trauma implementation, with members of the Trauma Steering Group."),
    ("Graeme Whyte", dt.date(2022, 3, 9), A.NATIONAL_EVENT, "National trauma champions network meeting: shared Dundee's implementation plan and the manager briefings."),
    ("Graeme Whyte", dt.date(2022, 11, 14), A.MEETING, "Opened the first meeting of the local trauma ambassadors network."),
    ("Housing Options", dt.date(2023, 1, 25), A.AWARENESS, "Opening Doors awareness session at the team meeting; eleven staff then booked Trauma Skilled learning."),
    ("Residential Children's Houses", dt.date(2023, 2, 22), A.TRAINING, "Co-delivered a Trauma Skilled session for residential staff with the Trauma Learning and Development Officer."),
    ("Carseview Centre: Adult Mental Health Inpatients", dt.date(2023, 3, 8), A.AWARENESS, "Awareness session for bank staff on the wards."),
    ("Health Visiting", dt.date(2023, 3, 15), A.MEETING, "Ambassadors network meeting: agreed a shared set of team resources from the manager toolkit."),
)  # fmt: skip


def load(ctx: DemoContext) -> None:
    partnership = ctx.partnership
    organisations = {o.name: o for o in Organisation.objects.filter(partnership=partnership)}
    members: dict[str, NetworkMember] = {}
    for name, role, organisation, start, end in CHAMPIONS:
        members[name] = network_member_create(
            actor=None,
            partnership_id=partnership.pk,
            kind=CHAMPION,
            name=name,
            job_role=role,
            organisation=organisations[organisation],
            from_date=start,
            to_date=end,
        )
    teams = {t.name: t for t in Team.objects.filter(partnership=partnership)}
    for team_name, start, end in AMBASSADORS:
        team = teams[team_name]
        # A long-serving member of the team, the same one on every load.
        person = (
            StaffMember.objects.filter(partnership=partnership, team=team, is_manager=False)
            .filter(leaving_date__isnull=True)
            .order_by("staff_id")
            .first()
            or StaffMember.objects.filter(team=team, leaving_date__isnull=True)
            .order_by("staff_id")
            .first()
        )
        members[team_name] = network_member_create(
            actor=None,
            partnership_id=partnership.pk,
            kind=AMBASSADOR,
            person=person,
            organisation=team.organisation,
            team=team,
            from_date=start,
            to_date=end,
        )
    for who, day, kind, summary in ACTIVITIES:
        network_activity_record(actor=None, member=members[who], on=day, kind=kind, summary=summary)
    current = sum(1 for _t, _s, end in AMBASSADORS if end is None)
    ctx.say(
        f"Network: {len(CHAMPIONS)} trauma champions, {len(AMBASSADORS)} ambassadors "
        f"({current} current, for {current} of {len(teams)} teams), {len(ACTIVITIES)} activities"
    )
