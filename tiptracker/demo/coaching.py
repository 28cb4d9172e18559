"""The demo's coaching, mentoring and peer networks over the last year: four pairs across
the partners (one of them ended), a reflective-practice group of team leaders, and the trauma
ambassadors' own peer network; and, before them, the 2022 pilot's pair and managers' peer
network (ended), which the demo's board report of December 2021 to June 2022 counts. Who met, when and on which themes: never what was said.

Each person is a synthetic member of staff of a named team, the same one on every load; the
dates count back from the demo's today, so the pages always show the last year."""

import datetime as dt

from tiptracker.demo.workspace import DemoContext
from tiptracker.network.coaching import (
    coaching_group_create,
    coaching_meeting_record,
    coaching_person_add,
)
from tiptracker.network.models import CoachingGroup, CoachingPerson, NetworkMember, Theme
from tiptracker.workforce.models import StaffMember

K, R, T = CoachingGroup.Kind, CoachingPerson.Role, Theme
MANAGER, STAFF = True, False

# name, kind, [(role, team, manager?)], started (days ago), ended (days ago) or None,
# days between meetings.
GROUPS = (
    ("Duty and Assessment: coaching for the team manager", K.COACHING, [
        (R.COACH, "Adult Psychological Therapies", MANAGER),
        (R.COACHEE, "Children and Families: Duty and Assessment", MANAGER),
    ], 330, None, 28),
    ("Residential and supported housing: mentoring", K.MENTORING, [
        (R.MENTOR, "Residential Children's Houses", MANAGER),
        (R.MENTEE, "Supported Housing", STAFF),
    ], 300, 90, 30),
    ("Emergency Department: coaching for the charge nurse", K.COACHING, [
        (R.COACH, "Primary Care Psychological Therapies", MANAGER),
        (R.COACHEE, "Ninewells Emergency Department", MANAGER),
    ], 180, None, 21),
    ("Recovery: peer mentoring", K.MENTORING, [
        (R.MENTOR, "Peer Recovery Workers", STAFF),
        (R.MENTEE, "Drug and Alcohol Recovery Service", STAFF),
    ], 120, None, 30),
    ("Team leaders' reflective practice group", K.PEER, [
        (R.FACILITATOR, "Community Mental Health Team (East)", MANAGER),
        (R.MEMBER, "Housing Options", MANAGER),
        (R.MEMBER, "Health Visiting", MANAGER),
        (R.MEMBER, "Older People Services: Care at Home", MANAGER),
        (R.MEMBER, "Community Justice Service", MANAGER),
        (R.MEMBER, "Refuge and Outreach", MANAGER),
    ], 360, None, 42),
)  # fmt: skip
# The organisational development pilot of 2022 (the reference report's third priority:
# coaching, peer networking and mentoring beside the tests of change), on its own dates, so
# that the board report of December 2021 to June 2022 has coaching to say: name, kind,
# places, first day, last day, days between meetings.
PILOT = (
    ("Pilot: coaching for the adolescent services review's lead", K.COACHING, [
        (R.COACH, "Adult Psychological Therapies", MANAGER),
        (R.COACHEE, "Children and Families: Duty and Assessment", MANAGER),
    ], dt.date(2022, 1, 10), dt.date(2022, 9, 30), 28),
    ("Pilot: first-line managers' peer network", K.PEER, [
        (R.FACILITATOR, "Learning and Organisational Development", STAFF),
        (R.MEMBER, "Ninewells Emergency Department", MANAGER),
        (R.MEMBER, "Housing Options", MANAGER),
        (R.MEMBER, "Supported Housing", MANAGER),
    ], dt.date(2022, 2, 1), dt.date(2022, 12, 20), 42),
)  # fmt: skip
AMBASSADORS_NETWORK = "Trauma ambassadors' peer network"
AMBASSADORS_FACILITATOR = "Learning and Organisational Development"

# The themes of successive meetings, in turn.
THEMES = (
    (T.SAFETY, T.WELLBEING),
    (T.TRUST, T.REFLECTIVE_PRACTICE),
    (T.CHOICE, T.COLLABORATION),
    (T.EMPOWERMENT, T.LEADERSHIP),
    (T.REFLECTIVE_PRACTICE, T.WELLBEING),
    (T.COLLABORATION, T.LIVED_EXPERIENCE),
    (T.SAFETY, T.LEADERSHIP),
)


def _person(ctx: DemoContext, team: str, *, manager: bool) -> StaffMember:
    """A member of the team still in post, the same one on every load."""
    in_team = StaffMember.objects.filter(partnership=ctx.partnership, team__name=team)
    found = (
        in_team.filter(is_manager=manager, leaving_date__isnull=True).order_by("staff_id").first()
        or in_team.order_by("staff_id").first()
    )
    if found is None:
        raise LookupError(f"The demo's workforce has no one in the team {team}")
    return found


def _meetings(
    ctx: DemoContext, group: CoachingGroup, people: list[CoachingPerson], every: int
) -> int:
    """Meetings from the group's start to its end (or today), `every` days apart; a pair
    meets whole, a group misses one of its members in turn."""
    last = group.end_date or ctx.today
    day, held = group.start_date + dt.timedelta(days=7), 0
    while day <= last:
        # The first of a group (its facilitator) always comes.
        away = held % len(people) if len(people) > 2 else None
        came = [p for i, p in enumerate(people) if i == 0 or i != away]
        coaching_meeting_record(
            actor=None, group=group, on=day, attendees=came, themes=THEMES[held % len(THEMES)]
        )
        held += 1
        day += dt.timedelta(days=every)
    return held


def load(ctx: DemoContext) -> None:
    meetings = 0
    dated = [
        (
            name,
            kind,
            places,
            ctx.today - dt.timedelta(days=started),
            ctx.today - dt.timedelta(days=ended) if ended is not None else None,
            every,
        )
        for name, kind, places, started, ended, every in GROUPS
    ]
    for name, kind, places, start_date, end_date, every in [*PILOT, *dated]:
        group = coaching_group_create(
            actor=None,
            partnership_id=ctx.partnership.pk,
            kind=kind,
            name=name,
            start_date=start_date,
            end_date=end_date,
        )
        people = [
            coaching_person_add(
                actor=None, group=group, person=_person(ctx, team, manager=manager), role=role
            )
            for role, team, manager in places
        ]
        meetings += _meetings(ctx, group, people, every)
    # The current ambassadors meet as a peer network, with the Trauma Learning and
    # Development Officer's team facilitating.
    ambassadors = coaching_group_create(
        actor=None,
        partnership_id=ctx.partnership.pk,
        kind=K.PEER,
        name=AMBASSADORS_NETWORK,
        start_date=ctx.today - dt.timedelta(days=270),
    )
    people = [
        coaching_person_add(
            actor=None,
            group=ambassadors,
            person=_person(ctx, AMBASSADORS_FACILITATOR, manager=STAFF),
            role=R.FACILITATOR,
        )
    ]
    for member in NetworkMember.objects.filter(
        partnership=ctx.partnership,
        kind=NetworkMember.Kind.AMBASSADOR,
        to_date__isnull=True,
        person__isnull=False,
    ).order_by("name", "id"):
        people.append(
            coaching_person_add(actor=None, group=ambassadors, person=member.person, role=R.MEMBER)
        )
    meetings += _meetings(ctx, ambassadors, people, 30)
    groups = [*PILOT, *GROUPS]
    pairs = sum(1 for group in groups if group[1] != K.PEER)
    ctx.say(
        f"Coaching: {pairs} pairs and {len(groups) - pairs + 1} peer networks, {meetings} meetings"
    )
