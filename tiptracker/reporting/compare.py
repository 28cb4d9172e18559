"""What moved between two reports: their headline measures side by side, for board members
reading a report against the one they had before. From the two reports' frozen figures, so
the comparison is of what each paper said. Nothing here reads the database."""

from dataclasses import dataclass

from tiptracker.reporting.figures import ReportFigures


@dataclass(frozen=True)
class Moved:
    measure: str
    before: str
    now: str
    change: str  # "up 6.0 points", "down 2", "no change", "new"


def _percent(trained: int, needed: int) -> float | None:
    return 100 * trained / needed if needed else None


def _count_change(before: int, now: int) -> str:
    if before == now:
        return "no change"
    return f"up {now - before:,}" if now > before else f"down {before - now:,}"


def _points_change(before: float | None, now: float | None) -> str:
    if before is None or now is None:
        return "not comparable"
    moved = round(now - before, 1)
    if moved == 0:
        return "no change"
    return f"up {moved:.1f} points" if moved > 0 else f"down {-moved:.1f} points"


def _shown(value: float | None) -> str:
    return "not needed" if value is None else f"{value:.1f}%"


def compare(
    before: ReportFigures, now: ReportFigures, *, completions_known: bool = True
) -> list[Moved]:
    """The headline measures of `before` and `now`, each with how it moved. A report frozen
    before completions were gathered (`completions_known` false) shows them as not gathered
    rather than as none."""
    rows = []
    earlier = {level.level: level for level in before.coverage}
    for level in now.coverage:
        was = earlier.get(level.level)
        then = _percent(was.trained_at_end, was.needed_at_end) if was else None
        current = _percent(level.trained_at_end, level.needed_at_end)
        rows.append(
            Moved(
                f"Coverage at level {level.level} ({level.name}), at the end of the period",
                _shown(then) if was else "not reported",
                _shown(current),
                _points_change(then, current) if was else "new",
            )
        )

    def counted(measure: str, then: int, current: int) -> None:
        rows.append(Moved(measure, f"{then:,}", f"{current:,}", _count_change(then, current)))

    counted(
        "Training sessions held in the period",
        sum(a.sessions for a in before.attendance),
        sum(a.sessions for a in now.attendance),
    )
    counted(
        "People attending those sessions",
        sum(a.attended for a in before.attendance),
        sum(a.attended for a in now.attendance),
    )
    completed = sum(c.completions for c in now.completions)
    if completions_known:
        counted(
            "Training completions recorded in the period",
            sum(c.completions for c in before.completions),
            completed,
        )
    else:
        rows.append(
            Moved(
                "Training completions recorded in the period",
                "not gathered then",
                f"{completed:,}",
                "not comparable",
            )
        )
    if before.plan is not None or now.plan is not None:
        counted(
            "Plan actions complete",
            before.plan.completed if before.plan else 0,
            now.plan.completed if now.plan else 0,
        )
        counted(
            "Plan actions at risk or off track",
            (before.plan.at_risk + before.plan.off_track) if before.plan else 0,
            (now.plan.at_risk + now.plan.off_track) if now.plan else 0,
        )
    counted(
        "Trauma champions",
        before.network.champions if before.network else 0,
        now.network.champions if now.network else 0,
    )
    counted(
        "Trauma ambassadors",
        before.network.ambassadors if before.network else 0,
        now.network.ambassadors if now.network else 0,
    )
    return rows
