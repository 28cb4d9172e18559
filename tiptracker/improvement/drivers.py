"""Writes for a project's driver diagram: primary and secondary drivers, change ideas and the
drivers each serves, and the starter set of the national framework's change drivers."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from tiptracker.improvement.models import ChangeIdea, ChangeIdeaDriver, Driver, Project
from tiptracker.improvement.texts import refuse_control_characters
from tiptracker.lib.driver_diagram import Tree
from tiptracker.lib.history import acting
from tiptracker.partnerships.actors import Actor

TITLE_MAX = 300
# The trauma implementation change drivers of the national framework (National Trauma
# Transformation Programme), each with two secondary drivers a project usually starts from.
STARTER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Leadership", (
        "Leaders model trauma-informed values and make it a priority",
        "Trauma champions in every organisation taking part",
    )),
    ("Workforce learning", (
        "Everyone trained to the level of the framework their role needs",
        "Reflective practice, coaching and supervision after training",
    )),
    ("Lived experience", (
        "People with lived experience shape the service and the changes",
        "Feedback from people using the service is asked for and acted on",
    )),
    ("Wellbeing of staff", (
        "Staff feel safe and supported at work",
        "Vicarious trauma recognised and responded to",
    )),
    ("Environments", (
        "Welcoming, calm and safe places to meet",
        "Choice about where, when and how to meet",
    )),
    ("Policy and practice", (
        "Policies and letters reviewed through a trauma lens",
        "Processes that avoid re-traumatising people",
    )),
    ("Measurement", (
        "Measures of what matters to people using the service",
        "Data used for learning, not judgement",
    )),
)  # fmt: skip


def _title(title: str, *, what: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": f"Enter the {what}"})
    refuse_control_characters({"title": title})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"The {what} must be {TITLE_MAX} characters or fewer"})
    return title


def _next_position(queryset) -> int:  # type: ignore[no-untyped-def]
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def drivers_start_from_framework(*, actor: Actor, project: Project) -> int:
    """Copy the starter set into a project with no drivers yet; returns how many were made."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.drivers.exists():
        raise ValidationError(
            "The project already has drivers: the starter set is for a new driver diagram"
        )
    made = 0
    with acting(actor):
        for position, (title, children) in enumerate(STARTER, start=1):
            primary = Driver.objects.create(
                partnership_id=project.partnership_id,
                project=project,
                kind=Driver.Kind.PRIMARY,
                title=title,
                position=position,
            )
            made += 1
            for child_position, child in enumerate(children, start=1):
                Driver.objects.create(
                    partnership_id=project.partnership_id,
                    project=project,
                    kind=Driver.Kind.SECONDARY,
                    parent=primary,
                    title=child,
                    position=child_position,
                )
                made += 1
    return made


def _parent(project: Project, kind: str, parent: Driver | None) -> Driver | None:
    if kind == Driver.Kind.PRIMARY:
        return None
    if kind != Driver.Kind.SECONDARY:
        raise ValidationError({"kind": "Choose primary or secondary driver"})
    if parent is None or parent.project_id != project.pk or parent.kind != Driver.Kind.PRIMARY:
        raise ValidationError({"parent": "Choose the primary driver it serves"})
    return parent


@transaction.atomic
def driver_add(
    *, actor: Actor, project: Project, kind: str, title: str, parent: Driver | None = None
) -> Driver:
    what = "secondary driver" if kind == Driver.Kind.SECONDARY else "primary driver"
    title = _title(title, what=what)
    parent = _parent(project, kind, parent)
    siblings = Driver.objects.filter(project=project, kind=kind, parent=parent)
    with acting(actor):
        return Driver.objects.create(
            partnership_id=project.partnership_id,
            project=project,
            kind=kind,
            parent=parent,
            title=title,
            position=_next_position(siblings),
        )


@transaction.atomic
def driver_update(
    *, actor: Actor, driver: Driver, title: str, parent: Driver | None = None
) -> Driver:
    driver.title = _title(title, what=driver.get_kind_display().lower())
    if driver.kind == Driver.Kind.SECONDARY:
        driver.parent = _parent(driver.project, driver.kind, parent)
    with acting(actor):
        driver.save()
    return driver


@transaction.atomic
def driver_delete(*, actor: Actor, driver: Driver) -> None:
    """Its secondary drivers go with a primary driver; change ideas stay (one that serves no
    driver any more is listed as such until it is linked again)."""
    with acting(actor):
        driver.delete()


def _served(project: Project, drivers: Iterable[Driver]) -> list[Driver]:
    chosen = list(drivers)
    if not chosen:
        raise ValidationError({"drivers": "Choose at least one secondary driver it serves"})
    if any(d.project_id != project.pk or d.kind != Driver.Kind.SECONDARY for d in chosen):
        raise ValidationError({"drivers": "Choose secondary drivers of this project"})
    return chosen


def _link(idea: ChangeIdea, drivers: list[Driver]) -> None:
    wanted = {d.pk for d in drivers}
    idea.serves.exclude(driver_id__in=wanted).delete()
    have = set(idea.serves.values_list("driver_id", flat=True))
    ChangeIdeaDriver.objects.bulk_create(
        ChangeIdeaDriver(partnership_id=idea.partnership_id, change_idea=idea, driver_id=pk)
        for pk in wanted - have
    )


@transaction.atomic
def change_idea_add(
    *, actor: Actor, project: Project, title: str, description: str, drivers: Iterable[Driver]
) -> ChangeIdea:
    title = _title(title, what="change idea")
    refuse_control_characters({"description": description}, multiline={"description"})
    chosen = _served(project, drivers)
    with acting(actor):
        idea = ChangeIdea.objects.create(
            partnership_id=project.partnership_id,
            project=project,
            title=title,
            description=(description or "").strip(),
            position=_next_position(ChangeIdea.objects.filter(project=project)),
        )
        _link(idea, chosen)
    return idea


@transaction.atomic
def change_idea_update(
    *, actor: Actor, idea: ChangeIdea, title: str, description: str, drivers: Iterable[Driver]
) -> ChangeIdea:
    idea.title = _title(title, what="change idea")
    refuse_control_characters({"description": description}, multiline={"description"})
    idea.description = (description or "").strip()
    chosen = _served(idea.project, drivers)
    with acting(actor):
        idea.save()
        _link(idea, chosen)
    return idea


@transaction.atomic
def change_idea_delete(*, actor: Actor, idea: ChangeIdea) -> None:
    if idea.cycles.exists():
        raise ValidationError(
            "This change idea has PDSA cycles, and the record of its testing is kept: edit "
            "it instead"
        )
    with acting(actor):
        idea.delete()


@dataclass(frozen=True)
class DiagramNode:
    driver: Driver
    children: list["DiagramNode"]
    ideas: list[ChangeIdea]


@dataclass(frozen=True)
class Diagram:
    project: Project
    primaries: list[DiagramNode]
    ideas: list[ChangeIdea]
    unlinked: list[ChangeIdea]  # serving no driver (theirs was deleted)
    tree: Tree


def diagram_of(project: Project) -> Diagram:
    """The project's driver diagram, in three queries whatever its size."""
    drivers = list(project.drivers.all())
    ideas = list(project.change_ideas.all())
    links = list(
        ChangeIdeaDriver.objects.filter(change_idea__project=project).values_list(
            "change_idea_id", "driver_id"
        )
    )
    idea_by_pk = {i.pk: i for i in ideas}
    ideas_of: dict[int, list[ChangeIdea]] = {}
    served: dict[int, list[int]] = {}
    for idea_pk, driver_pk in links:
        ideas_of.setdefault(driver_pk, []).append(idea_by_pk[idea_pk])
        served.setdefault(idea_pk, []).append(driver_pk)
    primaries = []
    flat: list[int] = []
    for primary in (d for d in drivers if d.kind == Driver.Kind.PRIMARY):
        children = [
            DiagramNode(d, [], sorted(ideas_of.get(d.pk, []), key=lambda i: (i.position, i.pk)))
            for d in drivers
            if d.parent_id == primary.pk
        ]
        flat += [c.driver.pk for c in children]
        primaries.append(DiagramNode(primary, children, []))
    index = {pk: i for i, pk in enumerate(flat)}
    tree = Tree(
        aim=project.aim,
        primaries=tuple(
            (p.driver.title, tuple(c.driver.title for c in p.children)) for p in primaries
        ),
        ideas=tuple(
            (i.title, tuple(sorted(index[d] for d in served.get(i.pk, []) if d in index)))
            for i in ideas
        ),
    )
    return Diagram(
        project=project,
        primaries=primaries,
        ideas=ideas,
        unlinked=[i for i in ideas if i.pk not in served],
        tree=tree,
    )
