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
from tiptracker.improvement.cycles import cycle_create
from tiptracker.improvement.drivers import (
    change_idea_add,
    driver_add,
    drivers_start_from_framework,
)
from tiptracker.improvement.models import Consultation, Driver, Measure, PdsaCycle, Project
from tiptracker.improvement.services import (
    engagement_activity_add,
    measure_create,
    measure_value_record,
    project_create,
)
from tiptracker.lib.dates import month_end, months_after
from tiptracker.lib.levels import Level
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
    # One measure worked out from TIP Tracker's own records: coverage in the review's teams.
    measure_create(
        actor=actor,
        project=projects["Adolescent services review"],
        title="Staff in the review's teams at Trauma Skilled or above (%)",
        kind=Measure.Kind.PROCESS,
        definition="Of the people in the review's four teams on the month's last day who need "
        "Trauma Skilled or above, the share with a completion at that level or higher "
        "(TIP Tracker's coverage rule).",
        unit=Measure.Unit.PERCENTAGE,
        frequency=Measure.Frequency.MONTHLY,
        improvement=Measure.Direction.UP,
        target=80.0,
        chart=Measure.Chart.RUN,
        rules=Measure.Rules.IHI,
        baseline_points=None,
        source=Measure.Source.COVERAGE,
        level=Level.SKILLED,
    )
    _review_diagram(actor, projects["Adolescent services review"])
    _review_engagement(actor, projects["Adolescent services review"])
    _pathfinder_diagram(actor, projects["Trauma-informed first appointments"])
    ctx.say(
        "Improvement programme: 2 projects, 5 measures, 2 driver diagrams, 5 PDSA cycles, "
        "4 engagement activities."
    )


ADOPT, ADAPT = PdsaCycle.Act.ADOPT, PdsaCycle.Act.ADAPT
A = Consultation.Audience

# The review engaged the workforce, partners and young people (the reference report).
REVIEW_ENGAGEMENT = (
    (dt.date(2021, 6, 15), A.WORKFORCE, "Staff survey and two workshops for the adolescent teams", 64,
     "Staff wanted fewer hand-offs and time to build trust before assessment",
     "One named worker from the first contact"),
    (dt.date(2021, 8, 24), A.PARTNERS, "Workshop with CAMHS, youth work and Tay Women's Aid", 18,
     "Young people were asked the same questions by three services",
     "A shared first conversation, agreed by the three services"),
    (dt.date(2021, 10, 5), A.YOUNG_PEOPLE, "Three focus groups in youth clubs", 23,
     "Letters felt like a summons; they wanted to choose where to meet and who came",
     "The young people's panel, which designed the first meeting"),
    (dt.date(2022, 9, 13), A.YOUNG_PEOPLE, "The panel's review of the first year", 9,
     "The first meeting felt different; waiting for the second was still too long",
     ""),
)  # fmt: skip


def _review_engagement(actor, project: Project) -> None:  # type: ignore[no-untyped-def]
    for held_on, audience, activity, took_part, heard, changed in REVIEW_ENGAGEMENT:
        engagement_activity_add(
            actor=actor,
            project=project,
            held_on=held_on,
            audience=audience,
            activity=activity,
            took_part=took_part,
            heard=heard,
            changed=changed,
        )


def _ramp(actor, idea, cycles) -> None:  # type: ignore[no-untyped-def]
    for title, starts, ends, question, prediction, happened, results, act, notes in cycles:
        cycle_create(
            actor=actor,
            idea=idea,
            title=title,
            starts_on=starts,
            ends_on=ends,
            question=question,
            prediction=prediction,
            who_when_where="",
            data_to_collect="",
            what_happened=happened,
            observations="",
            results=results,
            act=act,
            act_notes=notes,
        )


def _review_diagram(actor, project: Project) -> None:  # type: ignore[no-untyped-def]
    """The review starts from the national change drivers; its tested idea is the young
    people's panel's first meeting, from five young people to the whole service."""
    drivers_start_from_framework(actor=actor, project=project)
    by_title = {d.title: d for d in project.drivers.filter(kind=Driver.Kind.SECONDARY)}
    panel = change_idea_add(
        actor=actor,
        project=project,
        title="Young people's panel co-designs the first meeting",
        description="A panel of young people who use the services rewrote how the first "
        "meeting is offered, where it happens and what is asked.",
        drivers=[
            by_title["People with lived experience shape the service and the changes"],
            by_title["Welcoming, calm and safe places to meet"],
        ],
    )
    change_idea_add(
        actor=actor,
        project=project,
        title="Monthly reflective practice for the duty team",
        description="",
        drivers=[by_title["Reflective practice, coaching and supervision after training"]],
    )
    _ramp(actor, panel, (
        ("Five young people, one worker", dt.date(2022, 1, 10), dt.date(2022, 1, 31),
         "Will young people say they felt listened to if the panel's first meeting is used?",
         "Four of the five will say so", "Five first meetings held as the panel designed them",
         "All five said they felt listened to; the room was too formal", ADAPT,
         "Try again in a less formal room, with more workers"),
        ("Fifteen young people, the duty team", dt.date(2022, 2, 7), dt.date(2022, 3, 18),
         "Does it work with every worker in the team, in the youth work base?",
         "Twelve of the fifteen will say they felt listened to", "Fifteen meetings, six workers",
         "Thirteen of fifteen; two workers found the script long", ADAPT,
         "A shorter script; then the whole service"),
        ("The whole adolescent service", dt.date(2022, 3, 21), dt.date(2022, 4, 15),
         "Does it hold across the service?", "Two in three will say they felt listened to",
         "Used for every first meeting for four weeks",
         "Sixty-eight per cent said they felt listened to, against about half before", ADOPT,
         "Adopted across the service from May 2022"),
    ))  # fmt: skip


def _pathfinder_diagram(actor, project: Project) -> None:  # type: ignore[no-untyped-def]
    """The pathfinder's own drivers; its tested idea is the co-produced invitation letter."""
    welcome = driver_add(
        actor=actor, project=project, kind=Driver.Kind.PRIMARY, title="A welcoming first contact"
    )
    confident = driver_add(
        actor=actor,
        project=project,
        kind=Driver.Kind.PRIMARY,
        title="Staff confident in trauma-informed first appointments",
    )
    letters = driver_add(
        actor=actor,
        project=project,
        kind=Driver.Kind.SECONDARY,
        title="Letters people can read and trust",
        parent=welcome,
    )
    choice = driver_add(
        actor=actor,
        project=project,
        kind=Driver.Kind.SECONDARY,
        title="A choice of where and when to meet",
        parent=welcome,
    )
    trained = driver_add(
        actor=actor,
        project=project,
        kind=Driver.Kind.SECONDARY,
        title="Staff trained to Trauma Skilled or above",
        parent=confident,
    )
    letter = change_idea_add(
        actor=actor,
        project=project,
        title="A co-produced invitation letter with a choice of where to meet",
        description="Written with the Tay Recovery Community's peer workers.",
        drivers=[letters, choice],
    )
    change_idea_add(
        actor=actor,
        project=project,
        title="Trauma Skilled e-learning before working on first appointments",
        description="",
        drivers=[trained],
    )
    _ramp(actor, letter, (
        ("Twenty letters from one team", dt.date(2022, 2, 1), dt.date(2022, 2, 28),
         "Will more people come to a first appointment offered by the new letter?",
         "Thirteen of twenty will come (eleven usually do)", "Twenty letters sent",
         "Fourteen came; three asked to meet elsewhere and could not", ADAPT,
         "Add the choice of venue to the letter"),
        ("Every letter, three services", dt.date(2022, 3, 1), dt.date(2022, 4, 29),
         "With the choice of venue, does attendance rise in every service?",
         "Two in three first appointments attended", "All first-appointment letters for two months",
         "Attendance rose in all three services, to about two in three", ADOPT,
         "The standard letter from May 2022"),
    ))  # fmt: skip
