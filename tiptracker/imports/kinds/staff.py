"""The staff import: one row per member of staff, by staff ID, with their organisation
and team (created by the import when new) and what the coverage rule reads of them."""

from tiptracker.imports.kinds.base import Kind, Problem, RowInvalid, cell_text
from tiptracker.partnerships.models import Organisation, Partnership
from tiptracker.workforce.columns import STAFF_FILE_OPTIONAL, STAFF_FILE_REQUIRED
from tiptracker.workforce.models import StaffMember, Team

_TRUE = {"yes", "true", "y", "1"}
_FALSE = {"no", "false", "n", "0", ""}


def guess_organisation_kind(name: str) -> str:
    lowered = name.lower()
    if "health and social care partnership" in lowered or "hscp" in lowered:
        return Organisation.Kind.HSCP
    if "nhs" in lowered or "health board" in lowered:
        return Organisation.Kind.NHS_BOARD
    if "council" in lowered:
        return Organisation.Kind.COUNCIL
    return Organisation.Kind.OTHER


class StaffKind(Kind):
    required = list(STAFF_FILE_REQUIRED)
    optional = list(STAFF_FILE_OPTIONAL)
    fields = [
        "organisation_id",
        "team_id",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "is_manager",
        "required_level",
        "start_date",
        "leaving_date",
    ]
    text_fields = {
        "staff_id": (StaffMember, "staff_id"),
        "organisation": (Organisation, "name"),
        "team": (Team, "name"),
        "first_name": (StaffMember, "first_name"),
        "last_name": (StaffMember, "last_name"),
        "email": (StaffMember, "email"),
        "job_title": (StaffMember, "job_title"),
    }

    def __init__(self, partnership: Partnership):
        super().__init__(partnership)
        self.organisations = {
            o.name.lower(): o for o in Organisation.objects.filter(partnership=partnership)
        }
        self.teams = {
            (t.organisation_id, t.name.lower()): t
            for t in Team.objects.filter(partnership=partnership).select_related("organisation")
        }
        self.existing = {
            row[0]: row[1:]
            for row in StaffMember.objects.filter(partnership=partnership).values_list(
                "staff_id", "id", *self.fields
            )
        }
        self.organisations_before = set(self.organisations)
        self.teams_before = {
            (t.organisation.name.lower(), t.name.lower()) for t in self.teams.values()
        }
        self.new_organisations: dict[str, str] = {}
        self.new_teams: set[tuple[str, str]] = set()
        self.seen: dict[str, tuple] = {}

    def check(self, number: int, row: dict[str, object], problems: list[Problem]) -> tuple:
        staff_id = self._required(number, row, "staff_id", problems)
        organisation = self._required(number, row, "organisation", problems)
        team = self._required(number, row, "team", problems)
        email = cell_text(row.get("email"))
        if email and ("@" not in email or " " in email):
            problems.append(Problem(number, "email", f"'{email}' is not an e-mail address"))
        manager_text = cell_text(row.get("is_manager")).lower()
        if manager_text not in _TRUE | _FALSE:
            problems.append(Problem(number, "is_manager", f"'{manager_text}' is not yes or no"))
        level = self._level(number, row, "required_level", problems)
        start = self._date(number, row, "start_date", problems)
        leaving = self._date(number, row, "leaving_date", problems)
        if start and leaving and leaving < start:
            problems.append(Problem(number, "leaving_date", "is before the start date"))
        if start and start > self.today:
            pass  # a future starter is allowed: they join the workforce on that date
        record = (
            staff_id,
            organisation,
            team,
            cell_text(row.get("first_name")),
            cell_text(row.get("last_name")),
            email,
            cell_text(row.get("job_title")),
            manager_text in _TRUE,
            level,
            start,
            leaving,
        )
        if not problems:
            # Compared with what existed before the import, so the preview and the import agree.
            if organisation.lower() not in self.organisations_before:
                self.new_organisations.setdefault(organisation.lower(), organisation)
            if (organisation.lower(), team.lower()) not in self.teams_before:
                self.new_teams.add((organisation.lower(), team.lower()))
        if not problems and staff_id:
            earlier = self.seen.get(staff_id)
            if earlier is not None and earlier != record[1:]:
                problems.append(
                    Problem(
                        number,
                        "staff_id",
                        f"'{staff_id}' appears earlier in the file with different details",
                    )
                )
            else:
                self.seen[staff_id] = record[1:]
        if problems:
            raise RowInvalid(problems)
        return record

    def notes(self) -> list[str]:
        notes = []
        if self.new_organisations:
            names = ", ".join(sorted(self.new_organisations.values(), key=str.lower))
            plural = "s" if len(self.new_organisations) > 1 else ""
            notes.append(f"new organisation{plural}, created by this import: {names}")
        if self.new_teams:
            plural = "s" if len(self.new_teams) > 1 else ""
            notes.append(f"{len(self.new_teams):,} new team{plural}, created by this import")
        return notes

    def _organisation(self, name: str) -> Organisation:
        found = self.organisations.get(name.lower())
        if found is None:
            found = Organisation.objects.create(
                partnership=self.partnership, name=name, kind=guess_organisation_kind(name)
            )
            self.organisations[name.lower()] = found
        return found

    def _team(self, organisation: Organisation, name: str) -> Team:
        found = self.teams.get((organisation.id, name.lower()))
        if found is None:
            found = Team.objects.create(
                partnership=self.partnership, organisation=organisation, name=name
            )
            self.teams[(organisation.id, name.lower())] = found
        return found

    def write(self, records: list) -> tuple[int, int, int]:
        to_create, to_update, unchanged = [], [], 0
        for staff_id, org_name, team_name, *details in records:
            organisation = self._organisation(org_name)
            team = self._team(organisation, team_name)
            values = (organisation.id, team.id, *details)
            existing = self.existing.get(staff_id)
            if existing is None:
                to_create.append(
                    StaffMember(
                        partnership=self.partnership,
                        staff_id=staff_id,
                        **dict(zip(self.fields, values, strict=True)),
                    )
                )
                self.existing[staff_id] = (None, *values)
            elif tuple(existing[1:]) == values:
                unchanged += 1
            else:
                to_update.append(
                    StaffMember(id=existing[0], **dict(zip(self.fields, values, strict=True)))
                )
                self.existing[staff_id] = (existing[0], *values)
        StaffMember.objects.bulk_create(to_create)
        if to_update:
            StaffMember.objects.bulk_update(to_update, self.fields)
        return len(to_create), len(to_update), unchanged
