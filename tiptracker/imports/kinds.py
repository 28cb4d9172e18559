"""The four import kinds of formats.md: their columns, row validation and batch writing.

A kind is built once per import with what it needs to look up (existing staff, courses,
teams), validates each row into a plain tuple or a list of problems, and writes batches of
valid rows. Lookups are loaded once, so validation costs no query per row.

Every kind's rows pass the same checks first (Kind.validate): no cell may hold a control
character, and no text may be longer than the model field it goes into. Both would
otherwise pass the check and fail at the import (PostgreSQL refuses a NUL and an overlong
value) or be kept as they are (SQLite).
"""

import abc
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from tiptracker.lib.dates import parse_date, today
from tiptracker.lib.exports import unneutralise
from tiptracker.lib.levels import parse_level
from tiptracker.lib.tabular import control_character
from tiptracker.partnerships.models import Organisation, Partnership
from tiptracker.training.models import Completion, Course
from tiptracker.workforce.models import StaffMember, Team


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        column = f", column {self.column}" if self.column else ""
        return f"{where}{column}: {self.message}"


class RowInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a staff number typed into a spreadsheet comes back as 1234.0
    # A file exported here carries a quote before text that would run as a formula.
    return unneutralise(str(value).strip())


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    if not isinstance(field, models.CharField) or not field.max_length:
        raise TypeError(f"{model.__name__}.{name} is not a text field with a max_length")
    return field.max_length


# A column the file does not have: the value stored stays as it is.
KEEP = object()

_TRUE = {"yes", "true", "y", "1"}
_FALSE = {"no", "false", "n", "0", ""}


class Kind(abc.ABC):
    required: list[str] = []
    optional: list[str] = []
    # The model field each text column is kept in or looked up by, for its max_length.
    text_fields: dict[str, tuple[type[models.Model], str]] = {}
    # The columns meant to hold several lines, where a tab or a line break is no mistake.
    multiline: frozenset[str] = frozenset()
    # True when coverage's inputs change, so the trend's derived table must be rebuilt.
    affects_coverage = True

    def __init__(self, partnership: Partnership):
        self.partnership = partnership
        self.today = today()
        self.max_lengths = [
            (column, _max_length(model, name)) for column, (model, name) in self.text_fields.items()
        ]

    @property
    def known(self) -> list[str]:
        return self.required + self.optional

    def validate(self, number: int, row: dict[str, object]) -> Any:
        """A row as the tuple `write` takes; raises RowInvalid with every problem found."""
        problems = self._cell_problems(number, row)
        if not problems:
            return self.check(number, row, problems)
        # The kind's own checks see a bad cell as empty, and what they say about its column
        # is left out: "is required", or a message quoting the very value found bad.
        bad = {problem.column for problem in problems}
        found = len(problems)
        try:
            self.check(number, {c: None if c in bad else v for c, v in row.items()}, problems)
        except RowInvalid:
            pass
        raise RowInvalid(problems[:found] + [p for p in problems[found:] if p.column not in bad])

    def _cell_problems(self, number: int, row: dict[str, object]) -> list[Problem]:
        problems = []
        # The whole row at once first, as nearly every row is clean; then cell by cell, on
        # the value as kept, since a line break at either end of a cell is trimmed away.
        if control_character("".join(v for v in row.values() if isinstance(v, str))):
            for column, value in row.items():
                if isinstance(value, str):
                    problem = control_character(_text(value), multiline=column in self.multiline)
                    if problem:
                        problems.append(Problem(number, column, problem))
        for column, limit in self.max_lengths:
            value = row.get(column)
            if value is None or len(value if isinstance(value, str) else str(value)) <= limit:
                continue
            length = len(_text(value))
            if length > limit and all(p.column != column for p in problems):
                problems.append(
                    Problem(
                        number,
                        column,
                        f"is {length:,} characters long: it can be at most {limit:,}",
                    )
                )
        return problems

    @abc.abstractmethod
    def check(self, number: int, row: dict[str, object], problems: list[Problem]) -> Any:
        """The kind's own checks of a row whose cells have passed the shared ones (`problems`
        holds any they found): the tuple `write` takes, or RowInvalid with `problems` and
        every problem the kind finds added."""

    @abc.abstractmethod
    def write(self, records: list) -> tuple[int, int, int]:
        """Write a batch; returns (created, updated, unchanged)."""

    def notes(self) -> list[str]:
        """What the file brings besides its rows, for the preview (nothing by default)."""
        return []

    # Shared field checks: each appends to `problems` and returns the cleaned value.
    def _required(self, number: int, row: dict, column: str, problems: list[Problem]) -> str:
        value = _text(row.get(column))
        if not value:
            problems.append(Problem(number, column, "is required"))
        return value

    def _date(
        self,
        number: int,
        row: dict,
        column: str,
        problems: list[Problem],
        *,
        required: bool = False,
    ) -> dt.date | None:
        raw = row.get(column)
        if raw is None or _text(raw) == "":
            if required:
                problems.append(Problem(number, column, "is required"))
            return None
        try:
            return parse_date(raw)
        except ValueError as error:
            problems.append(Problem(number, column, str(error)))
            return None

    def _level(
        self,
        number: int,
        row: dict,
        column: str,
        problems: list[Problem],
        *,
        required: bool = False,
    ) -> int | None:
        raw = _text(row.get(column))
        if not raw:
            if required:
                problems.append(Problem(number, column, "is required"))
            return None
        try:
            return parse_level(raw).value
        except ValueError as error:
            problems.append(Problem(number, column, str(error)))
            return None


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
    required = ["staff_id", "organisation", "team"]
    optional = [
        "first_name",
        "last_name",
        "email",
        "job_title",
        "is_manager",
        "required_level",
        "start_date",
        "leaving_date",
    ]
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
        email = _text(row.get("email"))
        if email and ("@" not in email or " " in email):
            problems.append(Problem(number, "email", f"'{email}' is not an e-mail address"))
        manager_text = _text(row.get("is_manager")).lower()
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
            _text(row.get("first_name")),
            _text(row.get("last_name")),
            email,
            _text(row.get("job_title")),
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


class CoursesKind(Kind):
    required = ["course_code", "title", "level"]
    # description, learning_outcomes and duration_minutes came later (an additive change):
    # a file without one of these columns leaves what the course has as it is.
    optional = ["delivery", "provider", "description", "learning_outcomes", "duration_minutes"]
    fields = ["title", "level", "delivery", "provider"]
    details = ["description", "learning_outcomes", "duration_minutes"]
    text_fields = {
        "course_code": (Course, "code"),
        "title": (Course, "title"),
        "provider": (Course, "provider"),
    }
    multiline = frozenset({"description", "learning_outcomes"})
    _DELIVERY = {
        "e-learning": "e-learning",
        "elearning": "e-learning",
        "e learning": "e-learning",
        "online module": "e-learning",
        "webinar": "webinar",
        "face-to-face": "face-to-face",
        "face to face": "face-to-face",
        "in person": "face-to-face",
        "blended": "blended",
        "": "",
    }
    MAX_MINUTES = 10080  # a week, as on the course form

    def __init__(self, partnership: Partnership):
        super().__init__(partnership)
        self.existing = {
            row[0]: row[1:]
            for row in Course.objects.filter(partnership=partnership).values_list(
                "code", "id", *self.fields, *self.details
            )
        }
        self.seen: dict[str, tuple] = {}

    def _minutes(self, number: int, row: dict, problems: list[Problem]) -> int | None:
        raw = row.get("duration_minutes")
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a spreadsheet's number
        text = _text(raw)
        if not text:
            return None
        if not text.isdigit() or not 1 <= int(text) <= self.MAX_MINUTES:
            problems.append(
                Problem(
                    number,
                    "duration_minutes",
                    f"'{text}' is not a whole number of minutes from 1 to {self.MAX_MINUTES} (a week)",
                )
            )
            return None
        return int(text)

    def check(self, number: int, row: dict[str, object], problems: list[Problem]) -> tuple:
        code = self._required(number, row, "course_code", problems)
        title = self._required(number, row, "title", problems)
        level = self._level(number, row, "level", problems, required=True)
        delivery_text = _text(row.get("delivery")).lower()
        delivery = self._DELIVERY.get(delivery_text)
        if delivery is None:
            problems.append(
                Problem(
                    number,
                    "delivery",
                    f"'{delivery_text}' is not one of e-learning, webinar, face-to-face, blended",
                )
            )
        # The details the file has a column for (KEEP where it has none).
        description = KEEP
        if "description" in row:
            description = _text(row.get("description"))
            if len(description) > 5000:
                problems.append(Problem(number, "description", "is longer than 5,000 characters"))
        outcomes = KEEP
        if "learning_outcomes" in row:
            outcomes = "\n".join(
                line.strip()
                for line in str(row.get("learning_outcomes") or "").splitlines()
                if line.strip()
            )
            if len(outcomes) > 5000:
                problems.append(
                    Problem(number, "learning_outcomes", "is longer than 5,000 characters")
                )
        minutes = self._minutes(number, row, problems) if "duration_minutes" in row else KEEP
        record = (
            code,
            title,
            level,
            delivery or "",
            _text(row.get("provider")),
            description,
            outcomes,
            minutes,
        )
        if not problems:
            if self.seen.get(code, record[1:]) != record[1:]:
                problems.append(
                    Problem(
                        number,
                        "course_code",
                        f"'{code}' appears earlier in the file with different details",
                    )
                )
            self.seen[code] = record[1:]
        if problems:
            raise RowInvalid(problems)
        return record

    def write(self, records: list) -> tuple[int, int, int]:
        created = updated = unchanged = 0
        names = self.fields + self.details
        for code, *given in records:
            existing = self.existing.get(code)
            if existing is None:
                values = [None if v is KEEP else v for v in given]
                values = [
                    "" if v is None and name != "duration_minutes" else v
                    for name, v in zip(names, values, strict=True)
                ]
                course = Course.objects.create(
                    partnership=self.partnership,
                    code=code,
                    **dict(zip(names, values, strict=True)),
                )
                self.existing[code] = (course.id, *values)
                created += 1
                continue
            values = [
                old if new is KEEP else new for old, new in zip(existing[1:], given, strict=True)
            ]
            if tuple(existing[1:]) == tuple(values):
                unchanged += 1
            else:
                Course.objects.filter(id=existing[0]).update(
                    **dict(zip(names, values, strict=True))
                )
                self.existing[code] = (existing[0], *values)
                updated += 1
        return created, updated, unchanged


class CompletionsKind(Kind):
    required = ["staff_id", "course_code", "completed_on"]
    text_fields = {"staff_id": (StaffMember, "staff_id"), "course_code": (Course, "code")}

    def __init__(self, partnership: Partnership):
        super().__init__(partnership)
        self.staff = dict(
            StaffMember.objects.filter(partnership=partnership).values_list("staff_id", "id")
        )
        self.courses = dict(
            Course.objects.filter(partnership=partnership).values_list("code", "id")
        )
        # Date texts already found good (a file repeats the same few thousand days), so that
        # a clean row costs three dictionary look-ups.
        self.good_days: dict[str, dt.date] = {}

    def validate(self, number: int, row: dict[str, object]) -> tuple[int, int, dt.date]:
        staff_pk = self.staff.get(row.get("staff_id"))  # type: ignore[call-overload]
        course_pk = self.courses.get(row.get("course_code"))  # type: ignore[call-overload]
        on = self.good_days.get(row.get("completed_on"))  # type: ignore[call-overload]
        if staff_pk is not None and course_pk is not None and on is not None:
            # Values already found good (a date) or kept (a staff ID, a course code): the
            # shared checks have nothing to find in them.
            return staff_pk, course_pk, on
        return super().validate(number, row)

    def check(
        self, number: int, row: dict[str, object], problems: list[Problem]
    ) -> tuple[int, int, dt.date]:
        staff_id = self._required(number, row, "staff_id", problems)
        code = self._required(number, row, "course_code", problems)
        on = self._date(number, row, "completed_on", problems, required=True)
        raw_day = row.get("completed_on")
        if on and on <= self.today and isinstance(raw_day, str) and len(self.good_days) < 100_000:
            self.good_days[raw_day] = on
        staff_pk = self.staff.get(staff_id)
        course_pk = self.courses.get(code)
        if staff_id and staff_pk is None:
            problems.append(
                Problem(number, "staff_id", f"no staff member with staff_id '{staff_id}'")
            )
        if code and course_pk is None:
            problems.append(Problem(number, "course_code", f"no course with course_code '{code}'"))
        if on and on > self.today:
            # Quote the date as the file wrote it, as every other message does.
            written = _text(raw_day) if isinstance(raw_day, str) else f"{on:%d/%m/%Y}"
            problems.append(Problem(number, "completed_on", f"'{written}' is in the future"))
        if problems:
            raise RowInvalid(problems)
        return staff_pk, course_pk, on  # type: ignore[return-value]

    def write(self, records: list) -> tuple[int, int, int]:
        created = insert_completions(self.partnership.id, records)
        return created, 0, len(records) - created


def insert_completions(partnership_id: int, records: Iterable[tuple[int, int, dt.date]]) -> int:
    """Insert (staff, course, date) rows, skipping ones already there; returns how many were new.

    The one place with database-specific speed. PostgreSQL: COPY into a temporary table,
    then one INSERT ... SELECT that skips conflicts (COPY cannot skip duplicates by itself,
    and executemany costs a round trip per row). Elsewhere: executemany of an INSERT that
    ignores conflicts.
    """
    if connection.vendor == "postgresql":
        return _insert_completions_by_copy(partnership_id, records)
    table = Completion._meta.db_table
    rows = [
        (partnership_id, staff, course, on, Completion.Source.IMPORT)
        for staff, course, on in records
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (partnership_id, staff_id, course_id, completed_on, source) "  # noqa: S608 - table name is ours
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (partnership_id, staff_id, course_id, completed_on) DO NOTHING",
            rows,
        )
        # Both drivers add up the rows each statement changed; a skipped duplicate changes none.
        return max(cursor.rowcount, 0)


def _insert_completions_by_copy(
    partnership_id: int, records: Iterable[tuple[int, int, dt.date]]
) -> int:
    table = Completion._meta.db_table
    # The loading table lasts until the transaction ends; the atomic block makes sure there
    # is one, even for a caller running in autocommit.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS tiptracker_completion_load "
            "(staff_id bigint, course_id bigint, completed_on date) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE tiptracker_completion_load")
        with cursor.cursor.copy(
            "COPY tiptracker_completion_load (staff_id, course_id, completed_on) FROM STDIN"
        ) as copy:
            for row in records:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} (partnership_id, staff_id, course_id, completed_on, source) "  # noqa: S608 - table name is ours
            "SELECT %s, staff_id, course_id, completed_on, %s FROM tiptracker_completion_load "
            "ON CONFLICT (partnership_id, staff_id, course_id, completed_on) DO NOTHING",
            [partnership_id, Completion.Source.IMPORT],
        )
        return max(cursor.rowcount, 0)


KINDS: dict[str, type[Kind]] = {
    "staff": StaffKind,
    "needs": NeedsKind,
    "courses": CoursesKind,
    "completions": CompletionsKind,
}
