"""The demo's implementation plan, from the Dundee report: its phases, the six priorities for
2022/23, actions with owners, evidence and progress updates, and a history spread over
2021 and 2022 (so that "the plan as it stood on 30 June 2022" tells the report's story) up
to a couple of actions due around today (so that the flags and the weekly digest show).

The services write every change with the time it was made; the demo, loading years of
history at once, then moves each change to the day it tells of. Only the demo does this.
"""

import datetime as dt
from dataclasses import dataclass

from tiptracker.demo import data
from tiptracker.demo.workspace import DemoContext
from tiptracker.lib.dates import LONDON
from tiptracker.lib.money import FinancialYear
from tiptracker.partnerships.models import Organisation, Role
from tiptracker.plan import services
from tiptracker.plan.models import Action, PlanChange
from tiptracker.plan.state import ActionFields
from tiptracker.resources.models import Resource
from tiptracker.training.models import TrainingSession

D = dt.date
S = Action.Status

PHASES = (
    (1, "Foundations, leadership development and buy-in",
     "Laying the foundations: leadership buy-in, a suite of resources, a menu of ways to get involved, and communications materials for the workforce."),
    (2, "Launch of the plan and Trauma Informed training",
     "The plan fully launched with training resources for the first level of the national framework."),
    (3, "Trauma Skilled training and embedding practice",
     "Training at the second level, manager briefings and toolkits, and tracking changes to practice."),
)  # fmt: skip

PRIORITIES_2022_23 = (
    "Complete the roll-out of level one and two training across the workforce, and finalise methods to gather feedback and track the impact of attendance and subsequent changes to practice",
    "Complete work with NHS Education for Scotland to produce a bespoke level three training resource for the Dundee workforce",
    "Pilot an organisational development programme as part of the trauma-informed leadership aspects of the plan",
    "Establish, support and evolve the professionals with lived experience group",
    "Contribute to the development of national performance indicators for trauma-informed working, and implement them within Dundee",
    "Establish a network of trauma ambassadors to build on the national trauma champion arrangements",
)  # fmt: skip


@dataclass(frozen=True)
class Step:
    """Something that happened to an action on a day: a status, and perhaps an update."""

    on: dt.date
    status: str
    update: str = ""


@dataclass(frozen=True)
class DemoAction:
    title: str
    phase: int
    priority: int | None  # number among the 2022/23 priorities
    owner: str  # a Role (the demo login of that role) or a group's name
    organisation: str
    start: dt.date
    due: dt.date
    added: dt.date
    steps: tuple[Step, ...]
    courses: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    description: str = ""


OFFICER, ADMIN = Role.LD_OFFICER, Role.ADMIN
COUNCIL, NHS, HSCP = (
    "Dundee City Council",
    "NHS Tayside",
    "Dundee Health and Social Care Partnership",
)

ACTIONS = (
    DemoAction("Secure leadership buy-in across the partner organisations", 1, None, data.STEERING_GROUP, HSCP,
               D(2021, 2, 1), D(2021, 9, 30), D(2021, 2, 1),
               (Step(D(2021, 4, 12), S.ON_TRACK, "Chief officers of the council, NHS Tayside and the HSCP have each nominated a sponsor."),
                Step(D(2021, 9, 28), S.COMPLETE, "Sponsors in place in every partner; trauma champions confirmed."))),
    DemoAction("Develop a suite of resources and a menu of ways to get involved", 1, None, OFFICER, COUNCIL,
               D(2021, 3, 1), D(2021, 10, 31), D(2021, 3, 1),
               (Step(D(2021, 6, 1), S.ON_TRACK), Step(D(2021, 10, 20), S.COMPLETE, "Menu and resources published on the intranet.")),
               resources=("Ways to get involved in trauma informed implementation", "Communications materials for the workforce")),
    DemoAction("Launch event for the 'Becoming Trauma Informed' materials", 2, None, data.STEERING_GROUP, HSCP,
               D(2021, 9, 1), D(2021, 12, 15), D(2021, 9, 1),
               (Step(D(2021, 11, 1), S.ON_TRACK, "Webinar booked for December; invitations out to all partners."),
                Step(D(2021, 12, 10), S.COMPLETE, "87 people across the HSCP, the council, NHS Tayside and the third sector attended; the recording is online.")),
               courses=(data.WEBINAR,), resources=("Becoming Trauma Informed: launch event recording",)),
    DemoAction("Map training need at levels one and two", 2, 1, OFFICER, HSCP,
               D(2021, 11, 1), D(2022, 3, 31), D(2021, 11, 1),
               (Step(D(2022, 1, 20), S.AT_RISK, "Two NHS directorates have not yet returned their team lists."),
                Step(D(2022, 3, 2), S.ON_TRACK, "All lists returned."),
                Step(D(2022, 3, 29), S.COMPLETE, "Mapping of need complete for every team."))),
    DemoAction("Manager briefings on the plan and the toolkits", 3, 1, OFFICER, HSCP,
               D(2022, 3, 1), D(2022, 5, 31), D(2022, 2, 14),
               (Step(D(2022, 4, 5), S.ON_TRACK, "First briefings held; good turnout from council managers."),
                Step(D(2022, 5, 31), S.COMPLETE, "Seven briefings over April and May: 141 managers attended.")),
               courses=(data.BRIEFING,), resources=("Manager toolkit: Trauma Informed", "Manager briefing slides (April and May 2022)")),
    DemoAction("Complete the roll-out of level one and two training", 3, 1, OFFICER, HSCP,
               D(2022, 4, 1), D(2023, 3, 31), D(2022, 4, 1),
               (Step(D(2022, 6, 14), S.ON_TRACK, "Trauma Informed completions rising each month; skilled roll-out starting in the council."),
                Step(D(2023, 5, 15), S.COMPLETE, "Every team has had its offer of level one and two training; completions continue as business as usual.")),
               courses=(data.OPENING_DOORS, data.SKILLED_MODULE), resources=("Manager toolkit: Trauma Skilled",)),
    DemoAction("Finalise methods to gather feedback and track the impact of training", 3, 1, OFFICER, HSCP,
               D(2022, 4, 1), D(2022, 12, 31), D(2022, 4, 1),
               (Step(D(2022, 6, 20), S.AT_RISK, "Follow-up of briefing participants agreed; no tool yet to send and chase the follow-up."),
                Step(D(2023, 1, 20), S.COMPLETE, "Reaction and twelve-week follow-up surveys agreed for every course."))),
    DemoAction("Bespoke level three training resource with NHS Education for Scotland", 3, 2, data.STEERING_GROUP, NHS,
               D(2022, 4, 1), D(2023, 3, 31), D(2022, 4, 1),
               (Step(D(2022, 5, 25), S.AT_RISK, "No national level three materials are readily available; Safety and Stabilisation needs adapting for children and young people's services."),
                Step(D(2023, 6, 30), S.COMPLETE, "Bespoke level three course agreed with NES; first cohort in September.")),
               courses=(data.SAFETY_STABILISATION,)),
    DemoAction("Pilot the multi-agency organisational development programme", 3, 3, ADMIN, HSCP,
               D(2022, 6, 1), D(2023, 3, 31), D(2022, 4, 1),
               (Step(D(2022, 9, 1), S.ON_TRACK, "Three multi-agency teams signed up for tests of change."),
                Step(D(2023, 3, 29), S.COMPLETE, "Pilot evaluated; the programme continues for a second cohort.")),
               courses=(data.STILT,)),
    DemoAction("Establish the professionals with lived experience group", 3, 4, "Lived experience sub-group", HSCP,
               D(2022, 1, 10), D(2022, 12, 31), D(2022, 1, 10),
               (Step(D(2022, 3, 15), S.ON_TRACK, "A safe process agreed with clinical psychology, HR and the trade unions: expression of interest, information, then a screening and consent discussion."),
                Step(D(2022, 12, 14), S.COMPLETE, "The group has met three times and advises the steering group."))),
    DemoAction("Contribute to the national quality indicator framework", 3, 5, ADMIN, HSCP,
               D(2021, 11, 1), D(2023, 3, 31), D(2021, 11, 1),
               (Step(D(2022, 2, 8), S.ON_TRACK, "Represented on the national short-life advisory group."),
                Step(D(2023, 3, 31), S.COMPLETE, "National indicators published; Dundee reports against them from 2023/24."))),
    DemoAction("Establish a network of trauma ambassadors", 3, 6, OFFICER, HSCP,
               D(2022, 9, 1), D(2023, 3, 31), D(2022, 6, 20), (Step(D(2022, 11, 1), S.ON_TRACK, "First ambassadors recruited in council teams."),
                Step(D(2023, 3, 28), S.COMPLETE, "The network is established; growing it is business as usual."))),
)  # fmt: skip


def load(ctx: DemoContext) -> None:
    partnership = ctx.partnership
    actor = ctx.memberships[Role.ADMIN].user
    moves: list[tuple[int, dt.date]] = []  # (PlanChange id, the day it happened)

    def last_change_on(day: dt.date) -> None:
        moves.append((PlanChange.objects.filter(partnership=partnership).latest("id").pk, day))

    phases = {}
    for number, title, description in PHASES:
        phases[number] = services.phase_create(
            actor=actor,
            partnership_id=partnership.pk,
            number=number,
            title=title,
            description=description,
        )
        last_change_on(D(2021, 1, 15))
    priorities = {}
    for number, title in enumerate(PRIORITIES_2022_23, start=1):
        priorities[number] = services.priority_create(
            actor=actor,
            partnership_id=partnership.pk,
            financial_year="2022/23",
            number=number,
            title=title,
        )
        last_change_on(D(2022, 3, 30))
    organisations = {o.name: o for o in Organisation.objects.filter(partnership=partnership)}
    resources = {r.title: r for r in Resource.objects.filter(partnership=partnership)}
    for spec in ACTIONS:
        owner = ctx.memberships.get(spec.owner)
        fields = ActionFields(
            title=spec.title,
            description=spec.description,
            phase=phases[spec.phase],
            priority=priorities.get(spec.priority or 0),
            owner=owner,
            owner_group="" if owner else spec.owner,
            lead_organisation=organisations.get(spec.organisation),
            start_date=spec.start,
            due_date=spec.due,
            courses=tuple(ctx.courses[code] for code in spec.courses),
            sessions=_sessions(partnership.pk, spec),
            resources=tuple(resources[title] for title in spec.resources if title in resources),
        )
        action = services.action_create(actor=actor, partnership_id=partnership.pk, fields=fields)
        last_change_on(spec.added)
        for step in spec.steps:
            author = owner.user if owner else actor
            fields = ActionFields(**{**fields.__dict__, "status": step.status})
            action = services.action_update(
                actor=author, action=action, version=action.version, fields=fields
            )
            last_change_on(step.on)
            if step.update:
                services.progress_update_add(
                    actor=author, action=action, written_on=step.on, text=step.update
                )
                last_change_on(step.on)
    _due_around_today(ctx, actor, phases[3], priorities, organisations, last_change_on)
    for change_id, day in moves:
        at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=LONDON)
        PlanChange.objects.filter(pk=change_id).update(at=at)
    ctx.say(
        f"Implementation plan: {len(PHASES)} phases, {len(PRIORITIES_2022_23)} priorities for 2022/23, "
        f"{Action.objects.filter(partnership=partnership).count()} actions, "
        f"{PlanChange.objects.filter(partnership=partnership).count()} changes in its history"
    )


def _sessions(partnership_id: int, spec: DemoAction) -> tuple:
    """The sessions of the action's courses held while it ran (the webinar, the briefings)."""
    if not spec.courses:
        return ()
    return tuple(
        TrainingSession.objects.filter(
            partnership_id=partnership_id,
            course__code__in=[c for c in spec.courses if c in (data.WEBINAR, data.BRIEFING)],
            starts_at__date__gte=spec.start,
            starts_at__date__lte=spec.due,
        )
    )


def _due_around_today(ctx, actor, phase, priorities, organisations, last_change_on) -> None:  # type: ignore[no-untyped-def]
    """This financial year's priority, and two of the officer's actions for it due now: one
    overdue, one due within the fortnight."""
    officer = ctx.memberships[OFFICER]
    year = FinancialYear.containing(ctx.today)
    current = services.priority_create(
        actor=actor,
        partnership_id=ctx.partnership.pk,
        financial_year=str(year),
        number=len(PRIORITIES_2022_23) + 1 if str(year) == "2022/23" else 1,
        title="Sustain trauma-informed practice as business as usual: training coverage, "
        "the manager toolkits and the ambassadors network",
    )
    last_change_on(min(year.starts_on, ctx.today - dt.timedelta(days=60)))
    for title, due, status in (
        (
            "Refresh the manager toolkits for the new financial year",
            ctx.today - dt.timedelta(days=12),
            S.ON_TRACK,
        ),
        (
            "Report the ambassadors network's year to the steering group",
            ctx.today + dt.timedelta(days=9),
            S.AT_RISK,
        ),
    ):
        services.action_create(
            actor=actor,
            partnership_id=ctx.partnership.pk,
            fields=ActionFields(
                title=title,
                phase=phase,
                priority=current,
                owner=officer,
                lead_organisation=organisations.get(HSCP),
                start_date=ctx.today - dt.timedelta(days=60),
                due_date=due,
                status=status,
            ),
        )
        last_change_on(ctx.today - dt.timedelta(days=60))
