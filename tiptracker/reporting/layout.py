"""The clerk's structure on top of the drafted paragraphs: paragraphs of their own added to a
section, drafted paragraphs left out (hidden, never lost: they can be brought back), and the
order of a section's paragraphs. Kept on the report as `layout`:

    {"own": {"own-3": "4.2"}, "hidden": ["network"], "order": {"4.2": ["plan", "own-3", ...]}}

An own paragraph's words are kept with the steering group's other words (Report.edits, under
its ident). Paragraphs are numbered again after the layout is laid, in the order shown; each
keeps its ident (what it is about), so words, edits and 7.1's consultations stay with it.
Nothing here reads the database.
"""

from dataclasses import replace

from tiptracker.reporting.document import BoardReport, Paragraph, Section

OWN = "own-"


def empty() -> dict:
    return {"own": {}, "hidden": [], "order": {}, "given": 0}


def _texts(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def read(layout: object) -> dict:
    """A stored layout with every key present and of its type (an older report has none;
    anything else stored there is left out rather than failing the report)."""
    found = layout if isinstance(layout, dict) else {}
    own, order = found.get("own"), found.get("order")
    given = found.get("given")
    return {
        "own": {k: v for k, v in own.items() if isinstance(k, str) and isinstance(v, str)}
        if isinstance(own, dict)
        else {},
        "hidden": _texts(found.get("hidden")),
        "order": {k: _texts(v) for k, v in order.items() if isinstance(k, str)}
        if isinstance(order, dict)
        else {},
        "given": given if isinstance(given, int) and not isinstance(given, bool) else 0,
    }


def next_own(layout: dict) -> str:
    """A new own paragraph's ident: never one given before, even to one since removed."""
    taken = [int(ident[len(OWN) :]) for ident in layout["own"] if ident[len(OWN) :].isdigit()]
    layout["given"] = max([layout["given"], *taken]) + 1
    return f"{OWN}{layout['given']}"


def with_own(document: BoardReport, layout: dict, texts: dict[str, str]) -> BoardReport:
    """The clerk's own paragraphs at the end of their sections (the order moves them)."""
    if not layout["own"]:
        return document

    def section(s: Section) -> Section:
        own = [
            Paragraph(number="+", text=texts.get(ident, ""), key=ident)
            for ident, where in layout["own"].items()
            if where == s.number
        ]
        return replace(
            s,
            paragraphs=[*s.paragraphs, *own],
            subsections=[section(sub) for sub in s.subsections],
        )

    return replace(document, sections=[section(s) for s in document.sections])


def _ordered(paragraphs: list[Paragraph], order: list[str]) -> list[Paragraph]:
    """In the order given; a paragraph the order does not name (drafted by a later refresh of
    the figures) keeps its drafted place among the others."""
    if not order:
        return paragraphs
    place = {ident: n for n, ident in enumerate(order)}
    named = sorted((p for p in paragraphs if p.ident in place), key=lambda p: place[p.ident])
    for n, p in enumerate(paragraphs):
        if p.ident not in place:
            named.insert(min(n, len(named)), p)
    return named


def laid(document: BoardReport, layout: dict, *, keep_hidden: bool = False) -> BoardReport:
    """The document in the clerk's order without the paragraphs left out (with them, for the
    editor, if `keep_hidden`: numbered "" there), every paragraph numbered again in order."""
    hidden = set(layout["hidden"])

    def section(s: Section) -> Section:
        paragraphs, n = [], 0
        for p in _ordered(list(s.paragraphs), layout["order"].get(s.number, [])):
            keyed = replace(p, key=p.ident)
            if p.ident in hidden:
                if keep_hidden:
                    paragraphs.append(replace(keyed, number=""))
                continue
            if p.number:  # a lead-in ("It is recommended that the IJB:") stays unnumbered
                n += 1
                keyed = replace(keyed, number=f"{s.number}.{n}")
            paragraphs.append(keyed)
        return replace(
            s, paragraphs=paragraphs, subsections=[section(sub) for sub in s.subsections]
        )

    return replace(document, sections=[section(s) for s in document.sections])
