"""The demo's improvement programme: the report's third priority, an organisational development
programme with trauma-informed tests of change on a multi-agency basis.

Two projects, as the reference report describes them: the adolescent services review, which
engaged the workforce, partners and young people; and a test of change with the national Mental
Health and Substance Use pathfinder, trauma-informed first appointments. Each has measures of
monthly points whose charts show a real shift after an adopted change (a rebase), and one
measure that shows only common cause variation (the balancing measure, as it should).

The values are invented, made from a seeded generator so that every load is the same: noise
around a level, and a new level from the month the change was adopted.
"""

import datetime as dt
import random

from tiptracker.demo.workspace import DemoContext
from tiptracker.improvement.models import Measure, Project
from tiptracker.improvement.services import measure_create, measure_value_record, project_create
from tiptracker.lib.dates import month_end, months_after
from tiptracker.partnerships.models import Organisation, Role
from tiptracker.workforce.models import Team

# (title, aim: what, for whom, how much, by), stage, service area, start, sponsor,
# organisations, teams
PROJECTS = (
    (
        "Adolescent services review",
        (
            "Young people feel listened to, safe and in control of the support they get",
            "Young people aged 12 to 17 supported by the adolescent services",
            "From about half to three in four saying they felt listened to",
            dt.date(2023, 3, 31),
        ),
        Project.Status.IMPLEMENTING,
        "Children and young people",
        dt.date(2021, 4, 1),
        "Chief Social Work Officer",
        ("Dundee City Council", "NHS Tayside", "Tay Women's Aid Collective"),
        (
            "Children and Families: Duty and Assessment",
            "Youth Work",
            "Child and Adolescent Mental Health Service",
            "Children and Young People's Service",
        ),
    ),
    (
        "Trauma-informed first appointments",
        (
            "More people come to their first appointment, and find it safe and welcoming",
            "People referred to the substance use and mental health services",
            "From 55% to 75% of first appointments attended",
            dt.date(2023, 6, 30),
        ),
        Project.Status.SPREADING,
        "Mental health and substance use (national pathfinder)",
        dt.date(2021, 9, 1),
        "Head of Health and Community Care",
        ("NHS Tayside", "Dundee Health and Social Care Partnership", "Tay Recovery Community"),
        (
            "Tayside Substance Use Service",
            "Drug and Alcohol Recovery Service",
            "Community Mental Health Team (East)",
            "Peer Recovery Workers",
        ),
    ),
)

# project title, measure: title, kind, definition, unit, better, target, chart, baseline,
# first month, months, level before, level after, noise, month of the change (index), note
MEASURES = (
    (
        "Adolescent services review",
        "Young people who felt listened to (%)",
        Measure.Kind.OUTCOME,
        "Of the young people who answered the monthly check-in question 'Did you feel listened "
        "to?', the share answering 'yes, mostly' or 'yes, always'.",
        Measure.Unit.PERCENTAGE, Measure.Direction.UP, 75.0, Measure.Chart.XMR, 12,
        dt.date(2021, 1, 31), 36, 48.0, 66.0, 3.2, 15,
        "Young people's panel co-designed the first meeting; adopted across the service",
    ),
    (
        "Adolescent services review",
        "Days from referral to first contact",
        Measure.Kind.BALANCING,
        "Median working days from a referral's receipt to the first contact with the young "
        "person, for referrals received in the month.",
        Measure.Unit.DAYS, Measure.Direction.DOWN, None, Measure.Chart.RUN, None,
        dt.date(2021, 1, 31), 36, 9.0, 9.0, 1.1, None, "",
    ),
    (
        "Trauma-informed first appointments",
        "First appointments attended (%)",
        Measure.Kind.OUTCOME,
        "Of the first appointments offered in the month by the services taking part, the share "
        "the person attended.",
        Measure.Unit.PERCENTAGE, Measure.Direction.UP, 75.0, Measure.Chart.XMR, 12,
        dt.date(2021, 1, 31), 30, 55.0, 68.0, 2.8, 16,
        "New invitation letter and a choice of where to meet adopted",
    ),
    (
        "Trauma-informed first appointments",
        "Invitations sent with the new letter (%)",
        Measure.Kind.PROCESS,
        "Of the first-appointment invitations sent in the month, the share using the co-produced "
        "letter with the choice of where to meet.",
        Measure.Unit.PERCENTAGE, Measure.Direction.UP, 95.0, Measure.Chart.RUN, 6,
        dt.date(2022, 1, 31), 18, 20.0, 88.0, 4.0, 4,
        "The letter became the service's standard letter",
    ),
)  # fmt: skip


def load(ctx: DemoContext) -> None:
    lead = ctx.memberships[Role.LD_OFFICER]
    actor = lead.user
    organisations = {o.name: o for o in Organisation.objects.filter(partnership=ctx.partnership)}
    teams = {t.name: t for t in Team.objects.filter(partnership=ctx.partnership)}
    projects = {}
    for title, aim, status, area, starts, sponsor, orgs, team_names in PROJECTS:
        what, for_whom, how_much, by = aim
        projects[title] = project_create(
            actor=actor,
            partnership_id=ctx.partnership.id,
            title=title,
            aim_what=what,
            aim_for_whom=for_whom,
            aim_how_much=how_much,
            aim_by=by,
            status=status,
            service_area=area,
            starts_on=starts,
            ends_on=None,
            sponsor=sponsor,
            lead=lead,
            members=[ctx.memberships[Role.MANAGER]],
            organisations=[organisations[name] for name in orgs],
            teams=[teams[name] for name in team_names],
        )
    rng = random.Random(17)
    for project_title, title, kind, definition, unit, better, target, chart, baseline, first, months, before, after, noise, change, note in MEASURES:  # fmt: skip
        measure = measure_create(
            actor=actor,
            project=projects[project_title],
            title=title,
            kind=kind,
            definition=definition,
            unit=unit,
            frequency=Measure.Frequency.MONTHLY,
            improvement=better,
            target=target,
            chart=chart,
            rules=Measure.Rules.IHI,
            baseline_points=baseline,
        )
        for i in range(months):
            on = month_end(months_after(first, i))
            if on > ctx.today:
                break
            level = after if change is not None and i >= change else before
            value = round(min(100.0, max(0.0, rng.gauss(level, noise))), 1)
            adopted = change is not None and i == change
            measure_value_record(
                actor=actor,
                measure=measure,
                on=on,
                value=value,
                rebase=adopted,
                note=note if adopted else "",
            )
    ctx.say("Improvement programme: 2 projects, 4 measures.")
