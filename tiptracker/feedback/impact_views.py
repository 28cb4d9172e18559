"""The impact page for the steering group: from attending a course to changing practice,
for each level and course, and each level's trend by quarter (chart and table)."""

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tiptracker.feedback.impact import DEFINITIONS, LABELS, LevelImpact, impact_for
from tiptracker.lib.charts import line_chart_svg
from tiptracker.lib.suppression import threshold
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership


def trend_chart(level: LevelImpact) -> str:
    """The share of attendees reaching each measured step, by quarter (a suppressed share
    is a gap in its line); empty when the level has no quarter to show."""
    rows = level.quarters
    if not rows or not level.measured:
        return ""
    series: dict[str, Sequence[float | None]] = {}
    for step in level.measured:
        points: list[float | None] = []
        for row in rows:
            cell = next(c for c in row.cells if c.step == step)
            points.append(None if cell.share is None else cell.share.percent(1))
        series[LABELS[step]] = points
    return line_chart_svg(
        title=f"{level.level.label}: share of those who attended reaching each step, by quarter, chart",
        x_labels=[row.period.short_label for row in rows],
        series=series,
    )


# Aggregates only, every figure through the small-numbers rule: the same readers as the
# survey results.
@access.partnership_view(access.FEEDBACK_RESULTS_ROLES)
def impact(request: HttpRequest, membership: Membership) -> HttpResponse:
    at = threshold()
    found = impact_for(membership.partnership_id, at=at)
    return render(
        request,
        "feedback/impact.html",
        {
            "at": at,
            "definitions": DEFINITIONS,
            "labels": LABELS,
            "sections": [(level, trend_chart(level)) for level in found.levels],
        },
    )
