"""Financial-year quarters and years: the periods survey results are published by."""

import datetime as dt
from dataclasses import dataclass

from tiptracker.lib.money import FinancialYear

QUARTER_MONTHS = ["April to June", "July to September", "October to December", "January to March"]


@dataclass(frozen=True)
class Period:
    """A financial-year quarter of the training, or (quarter None) the rest of a financial
    year: the quarters whose answers were too few to publish alone, pooled (release.py)."""

    year: FinancialYear
    quarter: int | None = None

    @classmethod
    def of(cls, day: dt.date) -> "Period":
        year = FinancialYear.containing(day)
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @property
    def starts_on(self) -> dt.date:
        if self.quarter is None:
            return self.year.starts_on
        month = 4 + 3 * (self.quarter - 1)
        return dt.date(self.year.start_year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def ends_before(self) -> dt.date:
        """The first day after the period."""
        if self.quarter is None or self.quarter == 4:
            return FinancialYear(self.year.start_year + 1).starts_on
        return Period(self.year, self.quarter + 1).starts_on

    @property
    def short_label(self) -> str:
        return f"{self.year} Q{self.quarter}" if self.quarter else f"{self.year} rest"

    @property
    def label(self) -> str:
        if self.quarter is None:
            return f"{self.year}, the rest of the year (quarters too small to show alone)"
        return f"{self.year} quarter {self.quarter}: {QUARTER_MONTHS[self.quarter - 1]}"

    @property
    def key(self) -> str:
        """As the API writes it: 2022-23-q1, or 2022-23 for the year."""
        year = str(self.year).replace("/", "-")
        return f"{year}-q{self.quarter}" if self.quarter else year

    def sort_key(self) -> tuple[int, int]:
        return (self.year.start_year, self.quarter or 5)  # a year's undated row after its quarters
