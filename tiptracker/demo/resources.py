"""The demo's resource library: the materials the Dundee report mentions (the manager
toolkits, the launch webinar's recording, the communications materials, the menu of ways
to get involved) and the national resources for each level (domain.md). The toolkits and
the briefing slides carry real Word documents, made at load time; each resource shows the
date it was last updated in 2021 or 2022, not the day the demo was loaded."""

import datetime as dt

from tiptracker.demo import resource_documents as documents
from tiptracker.demo.workspace import DemoContext
from tiptracker.lib.levels import Level
from tiptracker.resources.models import Resource
from tiptracker.resources.services import Upload, resource_create

K, A = Resource.Kind, Resource.Audience
# The recording of the 'Becoming Trauma Informed' launch event, as the report gives it.
LAUNCH_WEBINAR = "https://rise.articulate.com/share/BAg21Wro9oAko-80RznHOABDaH2rt329"

# title -> (the file's name, the document's introduction, its sections)
FILES: dict[str, tuple[str, str, documents.Sections]] = {
    "Manager toolkit: Trauma Informed": (
        "Manager toolkit - Trauma Informed.docx",
        "For managers of every service in the Dundee partnership: helping your team reach "
        "level one, and keeping the learning alive. May 2022.",
        documents.INFORMED_TOOLKIT,
    ),
    "Manager toolkit: Trauma Skilled": (
        "Manager toolkit - Trauma Skilled.docx",
        "For managers of teams who are likely to meet people affected by trauma: choosing the "
        "right level two learning, releasing staff and following it up. May 2022.",
        documents.SKILLED_TOOLKIT,
    ),
    "Manager briefing slides (April and May 2022)": (
        "Manager briefing slides - April and May 2022.docx",
        "The slides and speaker notes of the manager briefings on the trauma informed "
        "implementation plan, given in April and May 2022.",
        documents.BRIEFING_SLIDES,
    ),
}

# title -> the date it was last updated
UPDATED_ON = {
    "Manager toolkit: Trauma Informed": dt.date(2022, 5, 23),
    "Manager toolkit: Trauma Skilled": dt.date(2022, 5, 30),
    "Manager briefing slides (April and May 2022)": dt.date(2022, 5, 31),
    "Becoming Trauma Informed: launch event recording": dt.date(2022, 2, 24),
    "Opening Doors: trauma informed practice for the whole workforce": dt.date(2021, 6, 14),
    "Developing your trauma skilled practice (Turas e-module)": dt.date(2021, 9, 6),
    "Scottish Trauma Informed Leaders Training (STILT)": dt.date(2021, 10, 4),
    "Communications materials for the workforce": dt.date(2022, 4, 11),
    "Ways to get involved in trauma informed implementation": dt.date(2022, 6, 20),
}

RESOURCES: tuple[tuple[str, str, str, Level | None, str, str], ...] = (
    (
        "Manager toolkit: Trauma Informed",
        K.MANAGER_TOOLKIT, A.MANAGERS, Level.INFORMED, "",
        "Helps managers and their teams find the Trauma Informed resources and embed the learning in team meetings and supervision.",
    ),
    (
        "Manager toolkit: Trauma Skilled",
        K.MANAGER_TOOLKIT, A.MANAGERS, Level.SKILLED, "",
        "Which Trauma Skilled learning suits which roles, how to release staff for it, and questions to follow it up in supervision.",
    ),
    (
        "Manager briefing slides (April and May 2022)",
        K.GUIDANCE, A.MANAGERS, None, "",
        "The slides of the manager briefings on the implementation plan and the roll-out of levels one and two.",
    ),
    (
        "Becoming Trauma Informed: launch event recording",
        K.WEBINAR, A.ALL_STAFF, Level.INFORMED, LAUNCH_WEBINAR,
        "The recorded webinar of the launch event for the 'Becoming Trauma Informed' materials (87 people attended).",
    ),
    (
        "Opening Doors: trauma informed practice for the whole workforce",
        K.NATIONAL, A.ALL_STAFF, Level.INFORMED, "https://transformingpsychologicaltrauma.scot/",
        "The national animation for any worker: the Trauma Informed level of the framework.",
    ),
    (
        "Developing your trauma skilled practice (Turas e-module)",
        K.NATIONAL, A.ALL_STAFF, Level.SKILLED, "https://learn.nes.nhs.scot/",
        "NHS Education for Scotland's e-learning: five units and an assessment, one to two hours.",
    ),
    (
        "Scottish Trauma Informed Leaders Training (STILT)",
        K.NATIONAL, A.LEADERS, None, "https://transformingpsychologicaltrauma.scot/",
        "The national programme for leaders driving trauma informed change in their organisations.",
    ),
    (
        "Communications materials for the workforce",
        K.COMMUNICATIONS, A.ALL_STAFF, None, "",
        "Posters, intranet text and newsletter items about the trauma informed implementation plan.",
    ),
    (
        "Ways to get involved in trauma informed implementation",
        K.GUIDANCE, A.ALL_STAFF, None, "",
        "The menu of ways for staff and teams to become involved, from training to tests of change.",
    ),
)  # fmt: skip


def _upload(title: str) -> Upload | None:
    if title not in FILES:
        return None
    name, intro, sections = FILES[title]
    return Upload(name=name, data=documents.word_document(title, intro, sections))


def load(ctx: DemoContext) -> None:
    for title, kind, audience, level, url, description in RESOURCES:
        resource_create(
            actor=None,
            partnership_id=ctx.partnership.pk,
            title=title,
            kind=kind,
            audience=audience,
            level=None if level is None else int(level),
            url=url,
            description=description,
            upload=_upload(title),
            updated_on=UPDATED_ON[title],
        )
    toolkits = sum(1 for r in RESOURCES if r[1] == K.MANAGER_TOOLKIT)
    ctx.say(
        f"Resources: {len(RESOURCES)}, of which {toolkits} manager toolkits; {len(FILES)} with a file"
    )
