"""What a measure's chart shows, in words for beside it: each point's variation, the target's
assurance and the signals (NHS England's Making Data Count icons' meanings)."""

from tiptracker.lib.spc import Assurance, Signal, Variation

VARIATION_WORDS = {
    Variation.COMMON_CAUSE: "Common cause variation: no signal of change",
    Variation.IMPROVEMENT: "Special cause variation: improvement",
    Variation.CONCERN: "Special cause variation: concern",
    Variation.NEUTRAL: "Special cause variation: neither better nor worse",
}
ASSURANCE_WORDS = {
    Assurance.CONSISTENT_PASS: (
        "The process limits are all on the right side of the target: it will consistently be met"
    ),
    Assurance.CONSISTENT_FAIL: (
        "The process limits are all on the wrong side of the target: it will consistently be missed"
    ),
    Assurance.INCONSISTENT: (
        "The target lies between the process limits: it will sometimes be met and sometimes missed"
    ),
}
SIGNAL_WORDS = {
    Signal.OUTSIDE_LIMITS: "a point outside the process limits",
    Signal.SHIFT: "a run of points on one side of the centre",
    Signal.TREND: "points rising or falling in a row",
    Signal.TWO_OF_THREE: "two of three points close to a limit",
    Signal.LONG_RUN: "an unusually long run on one side of the median",
}


def variation_words(variation: Variation | str) -> str:
    """What a point's variation means, in words for beside the chart."""
    return VARIATION_WORDS[Variation(variation)]


def assurance_words(assurance: Assurance | str) -> str:
    """Whether the process will meet its target, in words for beside the chart."""
    return ASSURANCE_WORDS[Assurance(assurance)]


def signal_words(signal: Signal | str) -> str:
    """What a signal is, as words that follow "there is" (or stand in a list)."""
    return SIGNAL_WORDS[Signal(signal)]
