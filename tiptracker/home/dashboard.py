"""The coverage dashboard's figures and charts, gathered for one member on one date.

Coverage is computed once, by team, and added up to organisations and the partnership
(a dashboard at 50,000 staff must answer within 300 ms: see bench/). Every chart comes
with the table of the same figures that the page shows beside it.
"""

import datetime as dt
from typing import Any

from tiptracker.lib.charts import bar_chart_svg, grouped_bar_chart_svg, line_chart_svg
from tiptracker.lib.levels import LEVELS
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership, Role
from tiptracker.training.coverage import coverage_rolled_up
from tiptracker.training.selectors import coverage_for, coverage_trend_for


def dashboard_build(
    membership: Membership, *, as_of: dt.date, organisation: str | None
) -> dict[str, Any]:
    """The dashboard's context: figures, tables and charts; `organisation` (an id) picks
    whose teams are shown, the first organisation by default."""
    # One pass over the completions: the organisations and totals are sums of the teams.
    by_team = coverage_for(membership, as_of=as_of, by="team")
    by_org = coverage_rolled_up(by_team, by="organisation")
    organisations = sorted(
        {(r.organisation_id, r.organisation) for r in by_org.rows},
        key=lambda o: (o[1] or "").lower(),
    )
    chosen = next(
        (o for o in organisations if str(o[0]) == organisation),
        organisations[0] if organisations else None,
    )
    team_rows = [r for r in by_team.rows if r.organisation_id == chosen[0]] if chosen else []
    trend = coverage_trend_for(membership, as_of=as_of, totals=by_org.totals)

    level_names = [level.label for level in LEVELS]
    totals_chart = bar_chart_svg(
        title="Coverage by level, chart",
        labels=level_names,
        values=[r.percent for r in by_org.totals],
    )
    org_names = [name or "" for _id, name in organisations]
    org_percents = _percents(by_org.rows, key=lambda r: r.organisation_id)
    team_percents = _percents(team_rows, key=lambda r: r.team)
    org_chart = grouped_bar_chart_svg(
        title="Coverage by organisation and level, chart",
        labels=org_names,
        series={
            level.label: [org_percents.get((oid, level)) for oid, _n in organisations]
            for level in LEVELS
        },
    )
    team_names = sorted({r.team for r in team_rows if r.team}, key=str.lower)
    team_chart = (
        grouped_bar_chart_svg(
            title=f"Coverage by team in {chosen[1] if chosen else ''}, chart",
            labels=team_names,
            series={
                level.label: [team_percents.get((name, level)) for name in team_names]
                for level in LEVELS
            },
        )
        if team_names
        else ""
    )
    trend_chart = line_chart_svg(
        title="Coverage at each month end, chart",
        x_labels=[point.day.strftime("%b %y") for point in trend],
        series={level.label: [point.row(level).percent for point in trend] for level in LEVELS},
    )
    return {
        "totals": by_org.totals,
        "org_table": _table(by_org.rows, key=lambda r: r.organisation),
        "org_chart": org_chart,
        "organisations": organisations,
        "chosen": chosen,
        "team_table": _table(team_rows, key=lambda r: r.team),
        "team_chart": team_chart,
        "totals_chart": totals_chart,
        "trend": trend,
        "trend_chart": trend_chart,
        "levels": LEVELS,
        "can_see_people": membership.role in access.PEOPLE_ROLES,
        "is_manager": membership.role == Role.MANAGER,
    }


def _percents(rows, key):  # type: ignore[no-untyped-def]
    """{(place, level): percent}, built once: looking each cell up by scanning every row
    costs places x levels x rows (half a million comparisons for a large council)."""
    return {(key(row), row.level): row.percent for row in rows}


def _table(rows, key):  # type: ignore[no-untyped-def]
    """Rows (one per place and level) as one line per place with its four levels, each
    cell beside its level (a cell on a phone is labelled with it)."""
    table: dict = {}
    for row in rows:
        table.setdefault(key(row), {})[row.level] = row
    return [
        (name, [(level, cells.get(level)) for level in LEVELS]) for name, cells in table.items()
    ]
