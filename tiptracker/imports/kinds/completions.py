"""The completions import: who completed which course on which day. The largest files
by far (a row per completion), so a clean row costs no query, and rows are inserted in
bulk, skipping the ones already there."""

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction

from tiptracker.imports.kinds.base import Kind, Problem, RowInvalid, cell_text
from tiptracker.partnerships.models import Partnership
from tiptracker.training.models import Completion, Course
from tiptracker.workforce.models import StaffMember


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
            written = cell_text(raw_day) if isinstance(raw_day, str) else f"{on:%d/%m/%Y}"
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
