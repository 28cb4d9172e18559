"""The needs import: the level of the framework each team needs (its members' own
required level, where they have one, comes first: formats.md)."""

from tiptracker.imports.kinds.base import Kind, Problem, RowInvalid
from tiptracker.partnerships.models import Organisation, Partnership
from tiptracker.workforce.models import Team


class NeedsKind(Kind):
    required = ["organisation", "team", "required_level"]
    text_fields = {"organisation": (Organisation, "name"), "team": (Team, "name")}

    def __init__(self, partnership: Partnership):
        super().__init__(partnership)
        self.teams: dict[tuple[str, str], int] = {}
        self.levels: dict[int, int | None] = {}
        for pk, org, name, level in Team.objects.filter(partnership=partnership).values_list(
            "id", "organisation__name", "name", "required_level"
        ):
            self.teams[(org.lower(), name.lower())] = pk
            self.levels[pk] = level
        self.seen: dict[int, int] = {}

    def check(
        self, number: int, row: dict[str, object], problems: list[Problem]
    ) -> tuple[int, int]:
        organisation = self._required(number, row, "organisation", problems)
        team = self._required(number, row, "team", problems)
        level = self._level(number, row, "required_level", problems, required=True)
        found = (
            self.teams.get((organisation.lower(), team.lower())) if organisation and team else None
        )
        if organisation and team and found is None:
            problems.append(
                Problem(
                    number,
                    "team",
                    f"no team '{team}' in organisation '{organisation}' (import the staff first)",
                )
            )
        if found and level and self.seen.get(found, level) != level:
            problems.append(
                Problem(
                    number,
                    "required_level",
                    f"team '{team}' appears earlier in the file with a different level",
                )
            )
        if problems or found is None or level is None:
            raise RowInvalid(problems)
        self.seen[found] = level
        return found, level

    def write(self, records: list) -> tuple[int, int, int]:
        changed = {pk: level for pk, level in records if self.levels.get(pk) != level}
        for pk, level in changed.items():
            Team.objects.filter(id=pk).update(required_level=level)
            self.levels[pk] = level
        return 0, len(changed), len(records) - len(changed)
