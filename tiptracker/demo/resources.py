"""The demo's resource library: the materials the Dundee report mentions (the manager
toolkits, the launch webinar's recording, the communications materials, the menu of ways
to get involved) and the national resources for each level (domain.md)."""

from tiptracker.demo.workspace import DemoContext
from tiptracker.lib.levels import Level
from tiptracker.resources.models import Resource
from tiptracker.resources.services import resource_create

K, A = Resource.Kind, Resource.Audience
# The recording of the 'Becoming Trauma Informed' launch event, as the report gives it.
LAUNCH_WEBINAR = "https://rise.articulate.com/share/BAg21Wro9oAko-80RznHOABDaH2rt329"

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
        )
    toolkits = sum(1 for r in RESOURCES if r[1] == K.MANAGER_TOOLKIT)
    ctx.say(f"Resources: {len(RESOURCES)}, of which {toolkits} manager toolkits")
