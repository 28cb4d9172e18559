"""The demo's workforce: its organisations, teams and staff, with the training needs analysis."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import TextIO

from tiptracker.demo import data
from tiptracker.demo.days import PROGRAMME_STARTS, random_day
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Organisation, Partnership
from tiptracker.workforce.models import StaffMember, Team


@dataclass
class Person:
    """A staff member being generated, with what the loader needs to know about them."""

    record: StaffMember
    team: data.TeamSpec
    kind: str  # the organisation's kind
    required: Level

    @property
    def pk(self) -> int:
        return self.record.pk

    def in_workforce(self, day: dt.date) -> bool:
        start, leaving = self.record.start_date, self.record.leaving_date
        return (start is None or start <= day) and (leaving is None or leaving >= day)

    @property
    def long_serving(self) -> bool:
        """Employed since before the programme and still here: fit for a demo login."""
        start = self.record.start_date
        return self.record.leaving_date is None and (start is None or start < PROGRAMME_STARTS)


def workforce_load(*, partnership: Partnership, rng: random.Random, out: TextIO) -> list[Person]:
    """The organisations of data.ORGANISATIONS with their teams and staff, written in bulk;
    returns the staff as the rest of the demo needs to know them."""
    teams: list[tuple[data.OrganisationSpec, data.TeamSpec, Team]] = []
    for spec in data.ORGANISATIONS:
        organisation = Organisation.objects.create(
            partnership=partnership, name=spec.name, kind=spec.kind
        )
        teams += [
            (
                spec,
                t,
                Team(
                    partnership=partnership,
                    organisation=organisation,
                    name=t.name,
                    required_level=t.level,
                ),
            )
            for t in spec.teams
        ]
    Team.objects.bulk_create([team for _spec, _team_spec, team in teams])
    people: list[Person] = []
    numbers: dict[str, int] = defaultdict(int)
    for spec, team_spec, team in teams:
        managers = max(1, round(team_spec.size / data.STAFF_PER_MANAGER))
        for position in range(team_spec.size):
            numbers[spec.prefix] += 1
            staff_id = f"{spec.prefix}{numbers[spec.prefix]:05d}"
            is_manager = position < managers
            first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
            title = team_spec.manager_title if is_manager else rng.choice(team_spec.titles)
            start, leaving = _employment(rng)
            # The framework puts managers at Trauma Skilled at least, whatever their team needs.
            own = Level.SKILLED if is_manager and team_spec.level < Level.SKILLED else None
            if team_spec.name == data.LD_OFFICER_TEAM and position == managers:
                title, start, leaving = data.LD_OFFICER_TITLE, None, None
            record = StaffMember(
                partnership=partnership,
                staff_id=staff_id,
                organisation_id=team.organisation_id,
                team=team,
                first_name=first,
                last_name=last,
                email=f"{staff_id.lower()}@dundee.demo",
                job_title=title,
                is_manager=is_manager,
                required_level=own,
                start_date=start,
                leaving_date=leaving,
            )
            required = Level(own or team_spec.level)
            people.append(Person(record, team_spec, spec.kind, required))
    StaffMember.objects.bulk_create([p.record for p in people], batch_size=1000)
    managers = sum(p.record.is_manager for p in people)
    print(
        f"Workforce: {len(people):,} staff ({managers:,} managers) in {len(teams)} "
        f"teams of {len(data.ORGANISATIONS)} organisations, with the training needs analysis",
        file=out,
        flush=True,
    )
    return people


def _employment(rng: random.Random) -> tuple[dt.date | None, dt.date | None]:
    """A start date (unknown for some) and, for some, a leaving date since 2021."""
    roll = rng.random()
    start: dt.date | None = None
    if 0.10 <= roll < 0.78:
        start = random_day(rng, dt.date(1990, 1, 1), PROGRAMME_STARTS - dt.timedelta(days=1))
    elif roll >= 0.78:
        start = random_day(rng, PROGRAMME_STARTS, data.HR_HISTORY_ENDS)
    leaving = None
    if rng.random() < 0.16:
        earliest = max(start or PROGRAMME_STARTS, PROGRAMME_STARTS) + dt.timedelta(days=60)
        if earliest < data.HR_HISTORY_ENDS:
            leaving = random_day(rng, earliest, data.HR_HISTORY_ENDS)
    return start, leaving
