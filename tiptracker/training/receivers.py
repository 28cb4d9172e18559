"""Training's reactions to what workforce announces (workforce.signals)."""

from typing import Any

from tiptracker.training.snapshots import coverage_snapshots_invalidate


def needs_changed(*, partnership_id: int, **kwargs: Any) -> None:
    """The coverage trend counts against what people need: it is worked out again."""
    coverage_snapshots_invalidate(partnership_id=partnership_id)
