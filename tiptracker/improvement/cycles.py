"""Writes for PDSA cycles: a change idea's ramp of Plan-Do-Study-Act tests, their files, and
the new centre line a measure's chart starts when a cycle's change is adopted."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from tiptracker.improvement.models import (
    ChangeIdea,
    Measure,
    MeasureValue,
    PdsaAttachment,
    PdsaCycle,
)
from tiptracker.improvement.texts import refuse_control_characters
from tiptracker.lib.history import acting
from tiptracker.partnerships.actors import Actor
from tiptracker.training.claims import EvidenceRefused, check_evidence, safe_name

PLAN_REQUIRED = {
    "title": "Enter a short title for the test",
    "question": "Enter the question the test answers",
    "prediction": "Enter what you predict will happen",
}
TEXTS = (
    "title",
    "question",
    "prediction",
    "who_when_where",
    "data_to_collect",
    "what_happened",
    "observations",
    "results",
    "act_notes",
)


def _values(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {name: (data.get(name) or "").strip() for name in TEXTS}
    refuse_control_characters(values, multiline=set(TEXTS) - {"title"})
    errors = {name: message for name, message in PLAN_REQUIRED.items() if not values[name]}
    if len(values["title"]) > 200:
        errors["title"] = "The title must be 200 characters or fewer"
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts, dt.date):
        errors["starts_on"] = "Enter the date the test starts"
    elif ends is not None and ends < starts:
        errors["ends_on"] = "The end date must be on or after the start date"
    act = data.get("act") or ""
    if act not in ("", *PdsaCycle.Act.values):
        errors["act"] = "Choose adopt, adapt or abandon"
    elif act and not values["results"]:
        errors["results"] = "Study before you act: enter the results against the prediction"
    if errors:
        raise ValidationError(errors)
    return values | {"starts_on": starts, "ends_on": ends, "act": act}


@transaction.atomic
def cycle_create(*, actor: Actor, idea: ChangeIdea, **data: Any) -> PdsaCycle:
    """The next cycle of the idea's ramp. If the cycle before it ended in 'adapt', this one is
    its next test, and is linked to it."""
    values = _values(data)
    idea = ChangeIdea.objects.select_for_update().get(pk=idea.pk)
    ramp = PdsaCycle.objects.filter(change_idea=idea)
    number = (ramp.aggregate(top=Max("number"))["top"] or 0) + 1
    previous = ramp.order_by("-number").first()
    with acting(actor):
        cycle = PdsaCycle.objects.create(
            partnership_id=idea.partnership_id,
            project_id=idea.project_id,
            change_idea=idea,
            number=number,
            **values,
        )
        if (
            previous is not None
            and previous.act == PdsaCycle.Act.ADAPT
            and not previous.next_cycle_id
        ):
            previous.next_cycle = cycle
            previous.save(update_fields=["next_cycle", "updated_at"])
    return cycle


@transaction.atomic
def cycle_update(*, actor: Actor, cycle: PdsaCycle, **data: Any) -> PdsaCycle:
    """As cycle_create links them: a cycle that now ends in 'adapt' is linked to the next
    cycle of its ramp (if there is one, and no other cycle leads to it); one that no longer
    does leads to no next test."""
    values = _values(data)
    with acting(actor):
        for name, value in values.items():
            setattr(cycle, name, value)
        if cycle.act != PdsaCycle.Act.ADAPT:
            cycle.next_cycle = None
        elif cycle.next_cycle_id is None:
            cycle.next_cycle = (
                PdsaCycle.objects.filter(
                    change_idea_id=cycle.change_idea_id,
                    number__gt=cycle.number,
                    previous_cycle__isnull=True,
                )
                .order_by("number")
                .first()
            )
        cycle.save()
    return cycle


@transaction.atomic
def cycle_delete(*, actor: Actor, cycle: PdsaCycle) -> None:
    """The cycle, its files and its mark on the charts go. The cycle before it, if it led
    here, leads nowhere now (recorded in its history); the ramp's other cycles keep their
    numbers, which notes and meetings refer to. A new centre line started from it stays: the
    change was adopted whatever the record says now."""
    with acting(actor):
        for previous in PdsaCycle.objects.filter(next_cycle=cycle):
            previous.next_cycle = None
            previous.save(update_fields=["next_cycle", "updated_at"])
        cycle.delete()


ATTACHMENTS_MAX = 10


@transaction.atomic
def attachment_add(*, actor: Actor, cycle: PdsaCycle, name: str, data: bytes) -> PdsaAttachment:
    try:
        kind = check_evidence(name, data)
    except EvidenceRefused as refused:
        raise ValidationError({"file": str(refused)}) from None
    if cycle.attachments.count() >= ATTACHMENTS_MAX:
        raise ValidationError({"file": f"A cycle keeps at most {ATTACHMENTS_MAX} files"})
    with acting(actor):
        return PdsaAttachment.objects.create(
            partnership_id=cycle.partnership_id,
            cycle=cycle,
            name=safe_name(name),
            content_type=kind.content_type,
            size=len(data),
            data=data,
        )


@transaction.atomic
def attachment_delete(*, actor: Actor, attachment: PdsaAttachment) -> None:
    with acting(actor):
        attachment.delete()


def rebase_offers(cycle: PdsaCycle) -> list[tuple[Measure, MeasureValue]]:
    """For an adopted change: each of the project's measures with the first value on or after
    the cycle's end (its start, if it has no end) that does not start a new centre already."""
    if cycle.act != PdsaCycle.Act.ADOPT:
        return []
    since = cycle.ends_on or cycle.starts_on
    offers = []
    for measure in Measure.objects.filter(project_id=cycle.project_id).order_by("id"):
        first = measure.values.filter(on__gte=since).order_by("on").first()
        if first is not None and not first.rebase:
            offers.append((measure, first))
    return offers


@transaction.atomic
def cycle_rebase(*, actor: Actor, cycle: PdsaCycle, value: MeasureValue) -> MeasureValue:
    """Start the measure's new centre line (and limits) at `value`, because the cycle's change
    was adopted: one of rebase_offers(cycle)."""
    offered = {v.pk for _, v in rebase_offers(cycle)}
    if value.pk not in offered:
        raise ValidationError(
            "That value cannot start a new centre for this cycle: choose one of those offered"
        )
    with acting(actor):
        value.rebase = True
        if not value.note:
            value.note = f"PDSA {cycle.number} adopted: {cycle.title}"[:500]
        value.save()
    return value
