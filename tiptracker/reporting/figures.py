"""What a board report's figures are, for one partnership and one period: plain dataclasses,
with ReportFigures holding them all. Gathered by gather.py (and gather_training.py) through
the other apps' selectors (house style: a report gathers its figures; renderers never
query). Small numbers arrive already suppressed (lib/suppression).

Every object here is plain data, so that a report can freeze the figures it used (next step
of issue 6: stored as JSON with the report, frozen.py).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from tiptracker.lib.spc import Observation
from tiptracker.lib.suppression import Figure
from tiptracker.lived.selectors import StageCounts


@dataclass(frozen=True)
class LevelCoverage:
    level: int  # 1 to 4 (lib/levels.py)
    name: str  # "Trauma Informed", ...
    needed_at_start: int
    trained_at_start: int
    needed_at_end: int
    trained_at_end: int

    @property
    def percent_at_start(self) -> float | None:
        return 100 * self.trained_at_start / self.needed_at_start if self.needed_at_start else None

    @property
    def percent_at_end(self) -> float | None:
        return 100 * self.trained_at_end / self.needed_at_end if self.needed_at_end else None


@dataclass(frozen=True)
class CoverageOnDay:
    """Coverage of one level on one day of the period: a point of the trend."""

    day: dt.date
    level: int
    needed: int
    trained: int

    @property
    def percent(self) -> float | None:
        return 100 * self.trained / self.needed if self.needed else None


@dataclass(frozen=True)
class CourseAttendance:
    """Sessions of one course held in the period, and the people who attended them."""

    course: str  # its title
    level: int
    sessions: int
    attended: int
    months: list[str]  # "April 2022", ... the months its sessions were held, in order
    for_managers: bool  # a manager briefing (the course's audience or title says so)


@dataclass(frozen=True)
class ImpactRow:
    """The impact chain for one course over the period (feedback, suppressed)."""

    course: str
    level: int
    attended: Figure
    reacted: Figure | None  # None: the course runs no such survey ("not measured")
    learned: Figure | None
    changed: Figure | None


@dataclass(frozen=True)
class ActionNote:
    """The latest progress note written in the period on an action at risk or off track at
    its end: the reason the board reads for it."""

    action: str
    status: str  # "at risk", "off track"
    written_on: dt.date
    text: str


@dataclass(frozen=True)
class PlanProgress:
    """The implementation plan as it stood at the end of the period."""

    actions: int
    completed: int
    on_track: int
    at_risk: int
    off_track: int
    overdue: int
    completed_in_period: list[str]  # titles of actions completed during the period
    at_risk_titles: list[str]
    next_year: str  # "2022/23": the financial year the next steps are for
    next_priorities: list[str]  # that year's priorities, in order
    # With the four above, every action is counted (reports frozen before these were
    # counted read them as 0).
    not_started: int = 0
    cancelled: int = 0
    notes: list[ActionNote] = field(default_factory=list)


@dataclass(frozen=True)
class Commitment:
    what: str
    partner: str
    amount: Decimal


@dataclass(frozen=True)
class FundingYear:
    year: str  # "2021/22"
    allocated: Decimal
    committed: Decimal
    remaining: Decimal
    sources: list[str]  # where the allocations came from
    commitments: list[Commitment]
    purposes: list[str] = field(default_factory=list)  # what the allocations are for


@dataclass(frozen=True)
class Engagement:
    date: dt.date
    body: str
    kind: str  # its label: "Meeting", ...
    summary: str
    represented_by: str = ""  # who took part for the partnership


@dataclass(frozen=True)
class Network:
    """Champions and ambassadors in post at the end of the period."""

    champions: int
    ambassadors: int
    teams_with_ambassador: int
    teams: int


@dataclass(frozen=True)
class Briefing:
    """A briefing for board and elected members held (or planned) in the period."""

    date: dt.date
    title: str
    invited: int
    accepted: int
    attended: int  # 0 for one still to come


@dataclass(frozen=True)
class Published:
    """A resource or toolkit published (or last updated) in the period."""

    title: str
    kind: str  # its label: "Manager toolkit", ...
    on: dt.date


@dataclass(frozen=True)
class SourceCount:
    """Completions recorded in the period from one source (Completion.Source)."""

    source: str  # "attendance", "import", "claim", "manual"
    completions: int


@dataclass(frozen=True)
class ChartNote:
    """A dated note a measure's chart marks: a value's note, or a PDSA cycle's decision."""

    on: dt.date
    text: str


@dataclass(frozen=True)
class HeadlineMeasure:
    """A project's headline measure as it stood at the end of the period: its settings and
    every value dated on or before that day. Kept whole, so that a frozen report draws its
    chart again the same whatever is entered later (improvement.period.series_chart)."""

    title: str
    unit: str  # the measure's unit: "percentage", "count", "rate", "days"
    unit_label: str  # above the chart's axis: "Percentage"
    chart: str  # "xmr" (mean and process limits) or "run" (median)
    rules: str  # a run chart's rules: "ihi" or "anhoej"
    improvement: str  # which way is better: "up", "down" or "neutral"
    baseline: int | None  # how many of each segment's first points set its centre
    target: float | None
    values: list[Observation]
    notes: list[ChartNote] = field(default_factory=list)  # what its chart marks


@dataclass(frozen=True)
class ImprovementProject:
    """An improvement project active in the period (improvement.period)."""

    title: str
    stage: str  # its stage's label when the figures were taken: "Testing", ...
    cycles: int  # PDSA cycles run in the period
    adopted: list[str]  # the changes adopted in the period (change ideas, by title)
    headline: HeadlineMeasure | None  # None: no headline measure chosen


@dataclass(frozen=True)
class CoachingOrganisation:
    """One organisation's part in coaching, mentoring and peer networks in the period: the
    pairs and groups any of its people were in, their meetings, its people who met."""

    organisation: str
    groups: int
    meetings: int
    people: int


@dataclass(frozen=True)
class Coaching:
    """Coaching, mentoring and peer networks active in the period (network.selectors.
    coaching_summary): pairs and groups by kind, their meetings in the period and the people
    who came to one, by organisation (a group counts under each organisation of its people)."""

    coaching_pairs: int
    mentoring_pairs: int
    peer_networks: int
    meetings: int
    people: int
    by_organisation: list[CoachingOrganisation]


@dataclass(frozen=True)
class PreviousReport:
    """The last report the board approved before this one's period: what it last received."""

    title: str
    reference: str
    period_start: dt.date
    period_end: dt.date
    approved_on: dt.date | None


@dataclass(frozen=True)
class ReportFigures:
    partnership: str
    council: str  # the partnership's council (an organisation of that kind), or ""
    health_board: str  # its NHS board, or ""
    start: dt.date
    end: dt.date
    coverage: list[LevelCoverage]  # one per level anyone needs; empty: no workforce data
    # Coverage of those levels on the first day, at each month end within the period and on
    # the last day, by day then level: the trend.
    coverage_trend: list[CoverageOnDay]
    attendance: list[CourseAttendance]  # courses with sessions held in the period
    impact: list[ImpactRow]  # courses with feedback in the period
    # The training the impact chain counts: from the first day of the first financial-year
    # quarter the period touches to the last day of the last (anonymous answers are dated
    # only by their quarter, so the chain cannot be cut closer than that).
    impact_start: dt.date
    impact_end: dt.date
    plan: PlanProgress | None  # None: no plan
    funding: list[FundingYear]  # the financial years the period touches, with money
    engagement: list[Engagement]  # in the period, by date
    network: Network | None  # None: nobody in the network
    # The lived-experience route's counts by stage (suppressed), over the whole financial-year
    # quarters the period touches (its own start and end say so): two reports for periods
    # that overlap count the same quarters, so their suppressed counts cannot be subtracted
    # to reveal a small number.
    lived: StageCounts
    briefings: list[Briefing]  # for board and elected members, in the period
    # Those planned after the period, as known when the figures were taken, to the end of the
    # sixth month after it (the next report's period): recommendation 2.2 asks members to
    # note the next one.
    briefings_planned: list[Briefing]
    # Figures frozen before these were gathered read as none.
    completions: list[SourceCount] = field(default_factory=list)  # in the period, by source
    resources: list[Published] = field(default_factory=list)  # published in the period
    previous_report: PreviousReport | None = None
    # The improvement programme's projects active in the period, by title (frozen before
    # they were gathered: none, so the report says nothing of them, as it did).
    improvement: list[ImprovementProject] = field(default_factory=list)
    # Coaching, mentoring and peer networks active in the period (None: none, or frozen
    # before they were gathered).
    coaching: Coaching | None = None
