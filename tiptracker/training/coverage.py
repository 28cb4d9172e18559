"""Training coverage against need: the rule in formats.md, implemented once.

Everything that shows coverage (the command line, the dashboard, the drill-down, the API
and the trend's derived table) goes through `person_levels_sql`, which says for each
person in the workforce on a date what they need and since when they have met each level.

1. The workforce on D: start_date blank or <= D, leaving_date blank or >= D.
2. Required level: the person's own, else their team's, else informed (1).
3. needed(L): people whose required level >= L.
4. met(L): those with a completion on or before D of a course at level L or higher
   (here: the earliest such completion, `met_L`, is on or before D).
5. percent: 100 * met / needed to one decimal place, None when needed is 0.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from tiptracker.lib.levels import LEVELS, Level
from tiptracker.lib.sql import date_param


def percent(met: int, needed: int) -> float | None:
    if not needed:
        return None
    value = Decimal(100 * met) / Decimal(needed)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class CoverageRow:
    level: Level
    needed: int
    met: int
    organisation: str | None = None
    team: str | None = None
    organisation_id: int | None = None
    team_id: int | None = None

    @property
    def percent(self) -> float | None:
        return percent(self.met, self.needed)

    @property
    def outstanding(self) -> int:
        return self.needed - self.met


@dataclass
class Coverage:
    partnership: str
    as_of: dt.date
    by: str | None
    totals: list[CoverageRow]
    rows: list[CoverageRow] = field(default_factory=list)

    def as_json(self) -> dict:
        """The `--format json` object of formats.md (also the API's coverage response)."""

        def figures(row: CoverageRow) -> dict:
            return {
                "level": row.level.slug,
                "needed": row.needed,
                "met": row.met,
                "percent": row.percent,
            }

        def row_json(row: CoverageRow) -> dict:
            place = {"organisation": row.organisation}
            if self.by == "team":
                place["team"] = row.team
            return place | figures(row)

        return {
            "partnership": self.partnership,
            "as_of": self.as_of.isoformat(),
            "by": self.by,
            "rows": [row_json(r) for r in self.rows],
            "totals": [figures(r) for r in self.totals],
        }


def person_levels_sql(
    *,
    partnership_id: int,
    on_or_before: dt.date,
    team_ids: list[int] | None = None,
    one_day: bool = False,
) -> tuple[str, list]:
    """SQL for one row per person who could be in the workforce up to `on_or_before`.

    Columns: staff_id, organisation_id, team_id, start_date, leaving_date, req (required
    level) and met_1..met_4 (the earliest completion achieving each level, on or before
    `on_or_before`, else NULL). Callers apply the workforce dates for their own day(s).

    `one_day`: for a caller asking about `on_or_before` only, met_L is that day itself
    instead of the earliest date (NULL still means not met). Aggregating one MAX(level)
    per person instead of four MINs over every completion makes it markedly faster.
    """
    p = date_param()
    params: list = []
    if one_day:
        aggregates = "MAX(co.level) AS best"
        met_select = ", ".join(
            f"CASE WHEN a.best >= {level.value} THEN {p} END AS met_{level.value}"
            for level in LEVELS
        )
        params += [on_or_before] * len(LEVELS)
    else:
        aggregates = ",\n".join(
            f"MIN(CASE WHEN co.level >= {level.value} THEN c.completed_on END) AS met_{level.value}"
            for level in LEVELS
        )
        met_select = ", ".join(f"a.met_{level.value}" for level in LEVELS)
    team_filter = completion_filter = ""
    params += [partnership_id, on_or_before]
    if team_ids is not None:
        team_filter = f"AND s.team_id IN ({','.join(['%s'] * len(team_ids)) or 'NULL'})"
        # A manager's few teams: read only their people's completions, not the partnership's.
        completion_filter = (
            "AND c.staff_id IN (SELECT s.id FROM workforce_staffmember s "
            f"WHERE s.partnership_id = %s {team_filter})"
        )
        params += [partnership_id, *team_ids]
    params += [partnership_id]
    if team_ids is not None:
        params += team_ids
    sql = f"""
        SELECT s.id AS staff_id, s.organisation_id, s.team_id, s.start_date, s.leaving_date,
               COALESCE(s.required_level, t.required_level, 1) AS req,
               {met_select}
        FROM workforce_staffmember s
        JOIN workforce_team t ON t.id = s.team_id
        LEFT JOIN (
            SELECT c.staff_id, {aggregates}
            FROM training_completion c
            JOIN training_course co ON co.id = c.course_id
            WHERE c.partnership_id = %s AND c.completed_on <= {p} {completion_filter}
            GROUP BY c.staff_id
        ) a ON a.staff_id = s.id
        WHERE s.partnership_id = %s {team_filter}
    """
    return sql, params


def _in_workforce(day_sql: str) -> str:
    return (
        f"(p.start_date IS NULL OR p.start_date <= {day_sql}) "
        f"AND (p.leaving_date IS NULL OR p.leaving_date >= {day_sql})"
    )


def _level_sums(day_sql: str) -> str:
    parts = []
    for level in LEVELS:
        n = level.value
        parts.append(f"SUM(CASE WHEN p.req >= {n} THEN 1 ELSE 0 END) AS needed_{n}")
        parts.append(
            f"SUM(CASE WHEN p.req >= {n} AND p.met_{n} <= {day_sql} THEN 1 ELSE 0 END) AS met_{n}"
        )
    return ", ".join(parts)


def coverage(
    *,
    partnership_id: int,
    partnership_slug: str,
    as_of: dt.date,
    by: str | None = None,
    team_ids: list[int] | None = None,
) -> Coverage:
    """Coverage on `as_of`, for the whole partnership and, with `by`, per organisation or team.

    `team_ids` limits it to those teams (a manager's view).
    """
    if by not in (None, "organisation", "team"):
        raise ValueError("by must be organisation or team")
    inner, params = person_levels_sql(
        partnership_id=partnership_id, on_or_before=as_of, team_ids=team_ids, one_day=True
    )
    p = date_param()
    group_cols = {
        None: [],
        "organisation": ["p.organisation_id"],
        "team": ["p.organisation_id", "p.team_id"],
    }[by]
    select_group = "".join(f"{c}, " for c in group_cols)
    group_by = f"GROUP BY {', '.join(group_cols)}" if group_cols else ""
    # The day appears once for the workforce test (twice) and once per level for met.
    sql = f"""
        SELECT {select_group}{_level_sums(p)}
        FROM ({inner}) p
        WHERE {_in_workforce(p)}
        {group_by}
    """
    day_params = [as_of] * len(LEVELS)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*day_params, *params, as_of, as_of])
        results = cursor.fetchall()

    names = _names(partnership_id, by) if by else {}
    rows: list[CoverageRow] = []
    totals = {level: [0, 0] for level in LEVELS}
    for result in results:
        keys, sums = result[: len(group_cols)], result[len(group_cols) :]
        for i, level in enumerate(LEVELS):
            needed, met = int(sums[2 * i] or 0), int(sums[2 * i + 1] or 0)
            totals[level][0] += needed
            totals[level][1] += met
            if by:
                org_id = keys[0]
                team_id = keys[1] if by == "team" else None
                rows.append(
                    CoverageRow(
                        level=level,
                        needed=needed,
                        met=met,
                        organisation=names["organisation"].get(org_id),
                        team=names["team"].get(team_id) if team_id else None,
                        organisation_id=org_id,
                        team_id=team_id,
                    )
                )
    rows.sort(key=lambda r: ((r.organisation or "").lower(), (r.team or "").lower(), r.level))
    return Coverage(
        partnership=partnership_slug,
        as_of=as_of,
        by=by,
        totals=[CoverageRow(level=level, needed=n, met=m) for level, (n, m) in totals.items()],
        rows=rows,
    )


def coverage_rolled_up(result: Coverage, *, by: str | None) -> Coverage:
    """Coverage by team added up by organisation (by="organisation") or to the totals alone.

    The same figures as asking coverage() again, without another pass over every
    completion: a page that shows several groupings asks for the finest once.
    """
    if result.by != "team" or by not in (None, "organisation"):
        raise ValueError("only coverage by team rolls up, to organisations or the totals")
    rows: list[CoverageRow] = []
    if by == "organisation":
        sums: dict[tuple, list[int]] = {}
        for row in result.rows:
            figures = sums.setdefault((row.organisation_id, row.organisation, row.level), [0, 0])
            figures[0] += row.needed
            figures[1] += row.met
        rows = [
            CoverageRow(level=level, needed=n, met=m, organisation=name, organisation_id=org_id)
            for (org_id, name, level), (n, m) in sums.items()
        ]
        rows.sort(key=lambda r: ((r.organisation or "").lower(), r.level))
    return Coverage(
        partnership=result.partnership, as_of=result.as_of, by=by, totals=result.totals, rows=rows
    )


def _names(partnership_id: int, by: str) -> dict[str, dict[int, str]]:
    from tiptracker.partnerships.models import Organisation
    from tiptracker.workforce.models import Team

    names: dict[str, dict[int, str]] = {
        "organisation": dict(
            Organisation.objects.filter(partnership_id=partnership_id).values_list("id", "name")
        )
    }
    names["team"] = (
        dict(Team.objects.filter(partnership_id=partnership_id).values_list("id", "name"))
        if by == "team"
        else {}
    )
    return names


def coverage_by_month(
    *, partnership_id: int, month_ends: list[dt.date], team_ids: list[int] | None = None
) -> dict[dt.date, list[CoverageRow]]:
    """Partnership totals at each of several dates, in one query per hundred (for the trend).

    The people are worked out once (a CTE used more than once is materialised by both
    databases), then each date is one plain scan of them: several times faster than
    joining the dates to the people and grouping, which re-reads every person per date
    and sorts the lot.
    """
    if not month_ends:
        return {}
    found = {}
    for start in range(0, len(month_ends), _DAYS_PER_QUERY):
        days = month_ends[start : start + _DAYS_PER_QUERY]
        found.update(_totals_on(partnership_id, days, max(month_ends), team_ids))
    empty = [CoverageRow(level=level, needed=0, met=0) for level in LEVELS]
    return {day: found.get(day, empty) for day in month_ends}


# SQLite allows at most 500 SELECTs in one compound statement.
_DAYS_PER_QUERY = 100


def _totals_on(
    partnership_id: int, days: list[dt.date], on_or_before: dt.date, team_ids: list[int] | None
) -> dict[dt.date, list[CoverageRow]]:
    p = date_param()
    inner, params = person_levels_sql(
        partnership_id=partnership_id, on_or_before=on_or_before, team_ids=team_ids
    )
    per_day = " UNION ALL ".join(
        f"SELECT {p} AS day, {_level_sums(p)} FROM p WHERE {_in_workforce(p)}" for _ in days
    )
    sql = f"WITH p AS ({inner}) {per_day}"
    # Each SELECT names its day once, then once per level, then twice for the workforce.
    day_params = [day for day in days for _ in range(1 + len(LEVELS) + 2)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *day_params])
        found = {}
        for day, *sums in cursor.fetchall():
            if isinstance(day, str):
                day = dt.date.fromisoformat(day)
            found[day] = [
                CoverageRow(
                    level=level, needed=int(sums[2 * i] or 0), met=int(sums[2 * i + 1] or 0)
                )
                for i, level in enumerate(LEVELS)
            ]
    return found


def outstanding_staff_ids_sql(
    *, partnership_id: int, as_of: dt.date, level: Level, team_ids: list[int] | None = None
) -> tuple[str, list]:
    """SQL selecting the ids of people who need `level` on `as_of` and have not met it."""
    inner, params = person_levels_sql(
        partnership_id=partnership_id, on_or_before=as_of, team_ids=team_ids, one_day=True
    )
    p = date_param()
    n = level.value
    sql = f"SELECT p.staff_id FROM ({inner}) p WHERE {_in_workforce(p)} AND p.req >= {n} AND p.met_{n} IS NULL"
    return sql, [*params, as_of, as_of]
