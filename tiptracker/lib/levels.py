"""The four cumulative levels of the national trauma knowledge and skills framework."""

import re

from django.db import models


class Level(models.IntegerChoices):
    # Each level assumes the ones below it: someone at "skilled" is also "informed".
    INFORMED = 1, "Trauma Informed"
    SKILLED = 2, "Trauma Skilled"
    ENHANCED = 3, "Trauma Enhanced"
    SPECIALIST = 4, "Trauma Specialist"

    @property
    def slug(self) -> str:
        return self.name.lower()


LEVELS: list[Level] = list(Level)

_NUMBER = re.compile(r"^(?:level\s*)?([1-4])$")


def parse_level(text: object) -> Level:
    """A level from any accepted spelling: `skilled`, `Trauma Skilled`, `2` or `Level 2`.

    Raises ValueError with a message a user can act on.
    """
    raw = str(text).strip()
    value = " ".join(raw.lower().split())
    if value.endswith(".0"):  # a number typed into a spreadsheet cell comes back as 2.0
        value = value[:-2]
    match = _NUMBER.match(value)
    if match:
        return Level(int(match.group(1)))
    for level in Level:
        if value in (level.slug, level.label.lower()):
            return level
    raise ValueError(
        f"'{raw}' is not a framework level: use informed, skilled, enhanced or specialist "
        "(or Trauma Skilled, 2, Level 2)"
    )


def level_from_slug(slug: str) -> Level:
    for level in Level:
        if level.slug == slug:
            return level
    raise ValueError(f"unknown level '{slug}'")
