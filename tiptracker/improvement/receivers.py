"""How the improvement programme reacts to the apps beneath it (connected in apps.py)."""

from typing import Any

from tiptracker.improvement.computed import computed_measures_mark_due


def coverage_changed(sender: Any, *, partnership_id: int, **kwargs: Any) -> None:
    """The partnership's computed measures are due: worked out again when next shown."""
    computed_measures_mark_due(partnership_id=partnership_id)
