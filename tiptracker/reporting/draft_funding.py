"""Drafting the money: 4.2's paragraph for each financial year of the period (allocated,
committed and to whom, what remains, what the allocations are for) and 3.1, the financial
implications.
"""

from collections.abc import Callable

from tiptracker.lib.money import board_pounds
from tiptracker.reporting.document import Paragraph
from tiptracker.reporting.draft_words import and_list, with_the
from tiptracker.reporting.figures import ReportFigures


def funding(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.funding:
        return [p("No funding is recorded for the financial years of the period.")]
    paragraphs, said = [], set()
    for year in f.funding:
        if year.allocated:
            text = f"For {year.year}, {board_pounds(year.allocated)} was allocated"
            text += f" ({and_list(year.sources)})" if year.sources else ""
        else:
            text = f"For {year.year}, no allocation is recorded"
        if not year.committed:
            text += "; none of it is committed yet." if year.allocated else "."
        else:
            text += (
                "; all of it is committed"
                if year.allocated and year.remaining == 0
                else f"; {board_pounds(year.committed)} is committed"
            )
            if year.commitments:
                text += ": " + and_list(
                    f"{c.what} with {with_the(c.partner)} ({board_pounds(c.amount)})"
                    if c.partner
                    else f"{c.what} ({board_pounds(c.amount)})"
                    for c in year.commitments
                )
            if year.remaining > 0:
                text += f"; {board_pounds(year.remaining)} remains."
            elif year.remaining < 0:
                text += f"; {board_pounds(-year.remaining)} more than was allocated."
            else:
                text += "."
        # What the allocation is for, in its own words; said once when years share it.
        purposes = [u.rstrip(".") for u in year.purposes if u not in said]
        said.update(year.purposes)
        if purposes:
            about = "About the allocation" if len(purposes) == 1 else "About the allocations"
            text += f" {about}: {'; '.join(purposes)}."
        paragraphs.append(p(text, key=f"funding:{year.year}"))
    return paragraphs


def financial_implications(f: ReportFigures) -> str:
    """3.1: "None" when the period has no money recorded; otherwise what is allocated and
    committed for the years it touches (set out in 4.2), and that no decision is asked."""
    years = [y for y in f.funding if y.allocated or y.committed]
    if not years:
        return "None: this report asks for no financial decision."
    held = []
    for year in years:
        if not year.committed:
            state = "none of it committed yet"
        elif year.allocated and year.remaining == 0:
            state = "all of it committed"
        else:
            state = f"{board_pounds(year.committed)} committed"
        held.append(
            f"{board_pounds(year.allocated)} for {year.year} ({state})"
            if year.allocated
            else f"{board_pounds(year.committed)} committed for {year.year}, with no allocation "
            "recorded"
        )
    return (
        f"The work reported is funded from the allocations set out in the progress update: "
        f"{and_list(held)}. This report asks for no further financial decision."
    )
