"""Writes for the improvement programme: projects, measures and their values. The rules live
here, so the pages, the import and the API refuse the same things with the same words."""

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tiptracker.improvement.computed import measure_refresh
from tiptracker.improvement.models import (
    Consultation,
    Measure,
    MeasureValue,
    Project,
    ProjectMember,
    ProjectOrganisation,
    ProjectTeam,
)
from tiptracker.improvement.texts import refuse_control_characters
from tiptracker.lib.dates import today
from tiptracker.lib.history import acting
from tiptracker.lib.levels import Level
from tiptracker.lib.series import RowProblem, Series
from tiptracker.partnerships.actors import Actor
from tiptracker.partnerships.models import Membership, Organisation
from tiptracker.workforce.models import Team

# The largest value or target a measure takes (as lib.series reads from a file).
VALUE_MAX = 1e12
PROJECT_TEXTS = ("title", "aim_what", "aim_for_whom", "aim_how_much", "service_area", "sponsor")


def _project_values(partnership_id: int, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values = {name: (data.get(name) or "").strip() for name in PROJECT_TEXTS}
    refuse_control_characters(values, multiline={"aim_what"})
    for name, message in (
        ("title", "Enter the project's title"),
        ("aim_what", "Enter what the project will improve"),
        ("aim_for_whom", "Enter who it is for"),
        ("aim_how_much", "Enter how much: the size of the improvement"),
    ):
        if not values[name]:
            errors[name] = message
    if not isinstance(data.get("aim_by"), dt.date):
        errors["aim_by"] = "Enter the date the aim is to be met by"
    if data.get("status") not in Project.Status.values:
        errors["status"] = "Choose the project's stage"
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        errors["ends_on"] = "The end date must be on or after the start date"
    lead = data.get("lead")
    if lead is not None and lead.partnership_id != partnership_id:
        errors["lead"] = "Choose a member of this partnership"
    for name, kind in (("members", "member"), ("organisations", "organisation"), ("teams", "team")):
        if any(item.partnership_id != partnership_id for item in data.get(name) or ()):
            errors[name] = f"Choose each {kind} from this partnership"
    if errors:
        raise ValidationError(errors)
    values |= {
        "aim_by": data["aim_by"],
        "status": data["status"],
        "starts_on": starts,
        "ends_on": ends,
        "lead": lead,
    }
    return values


def _set_links(
    project: Project,
    *,
    members: Iterable[Membership],
    organisations: Iterable[Organisation],
    teams: Iterable[Team],
) -> None:
    pid = project.partnership_id
    links: list[tuple[Any, str, Iterable[Any]]] = [
        (ProjectMember, "membership", members),
        (ProjectOrganisation, "organisation", organisations),
        (ProjectTeam, "team", teams),
    ]
    for model, field, wanted in links:
        ids = {item.pk for item in wanted}
        rows = model.objects.filter(project=project)
        rows.exclude(**{f"{field}_id__in": ids}).delete()
        have = set(rows.values_list(f"{field}_id", flat=True))
        model.objects.bulk_create(
            [model(partnership_id=pid, project=project, **{f"{field}_id": i}) for i in ids - have]
        )


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    partnership_id: int,
    members: Iterable[Membership] = (),
    organisations: Iterable[Organisation] = (),
    teams: Iterable[Team] = (),
    **data: Any,
) -> Project:
    values = _project_values(
        partnership_id,
        {**data, "members": members, "organisations": organisations, "teams": teams},
    )
    with acting(actor):
        project = Project.objects.create(partnership_id=partnership_id, **values)
        _set_links(project, members=members, organisations=organisations, teams=teams)
    return project


@transaction.atomic
def project_update(
    *,
    actor: Actor,
    project: Project,
    members: Iterable[Membership] = (),
    organisations: Iterable[Organisation] = (),
    teams: Iterable[Team] = (),
    headline_measure: Measure | None = None,
    **data: Any,
) -> Project:
    values = _project_values(
        project.partnership_id,
        {**data, "members": members, "organisations": organisations, "teams": teams},
    )
    if headline_measure is not None and headline_measure.project_id != project.pk:
        raise ValidationError({"headline_measure": "Choose one of this project's measures"})
    with acting(actor):
        for name, value in values.items():
            setattr(project, name, value)
        project.headline_measure = headline_measure
        project.save()
        _set_links(project, members=members, organisations=organisations, teams=teams)
    # Its teams or start may have changed: what its computed measures count.
    project.measures.exclude(source=Measure.Source.ENTERED).update(refreshed_at=None)
    return project


MEASURE_CHOICES = {
    "kind": (Measure.Kind, "Choose what kind of measure it is"),
    "unit": (Measure.Unit, "Choose the unit"),
    "frequency": (Measure.Frequency, "Choose how often it is measured"),
    "improvement": (Measure.Direction, "Choose which way is better"),
    "chart": (Measure.Chart, "Choose the kind of chart"),
    "rules": (Measure.Rules, "Choose the run chart's rules"),
}


def _measure_values(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "title": (data.get("title") or "").strip(),
        "definition": (data.get("definition") or "").strip(),
    }
    refuse_control_characters(values, multiline={"definition"})
    if not values["title"]:
        errors["title"] = "Enter the measure's name"
    if not values["definition"]:
        errors["definition"] = "Enter the operational definition: exactly what is counted, and how"
    for name, (choices, message) in MEASURE_CHOICES.items():
        value = data.get(name) or (Measure.Rules.IHI if name == "rules" else "")
        if value not in choices.values:
            errors[name] = message
        values[name] = value
    target = data.get("target")
    if target is not None and (not math.isfinite(target) or abs(target) > VALUE_MAX):
        errors["target"] = "Enter the target as a number no larger than a million million"
    baseline = data.get("baseline_points")
    if baseline is not None and baseline < 2:
        errors["baseline_points"] = "A baseline needs at least 2 points (or leave it blank for all)"
    if errors:
        raise ValidationError(errors)
    source = data.get("source") or Measure.Source.ENTERED
    level = data.get("level")
    if source not in Measure.Source.values:
        raise ValidationError({"source": "Choose where the values come from"})
    if source == Measure.Source.COVERAGE:
        if level not in Level.values:
            raise ValidationError({"level": "Choose the framework level the coverage is of"})
        values["unit"] = Measure.Unit.PERCENTAGE
    elif source == Measure.Source.PRACTICE:
        values["unit"] = Measure.Unit.PERCENTAGE
        values["improvement"] = Measure.Direction.UP  # more people changing their practice
    elif source != Measure.Source.ENTERED:
        values["unit"] = Measure.Unit.COUNT
    if source == Measure.Source.PRACTICE:
        # Worked out at each quarter end: feedback's figures are by quarter.
        values["frequency"] = Measure.Frequency.QUARTERLY
    elif source != Measure.Source.ENTERED:
        values["frequency"] = Measure.Frequency.MONTHLY  # worked out at each month end
    if values["unit"] == Measure.Unit.PERCENTAGE and target is not None and not 0 <= target <= 100:
        raise ValidationError({"target": "A percentage target must be from 0 to 100"})
    return values | {
        "target": target,
        "baseline_points": baseline,
        "source": source,
        "level": level if source == Measure.Source.COVERAGE else None,
    }


@transaction.atomic
def measure_create(*, actor: Actor, project: Project, **data: Any) -> Measure:
    values = _measure_values(data)
    with acting(actor):
        measure = Measure.objects.create(
            partnership_id=project.partnership_id, project=project, **values
        )
        if project.headline_measure_id is None:
            # A project's first measure heads it until someone chooses another.
            project.headline_measure = measure
            project.save(update_fields=["headline_measure", "updated_at"])
    measure_refresh(measure=measure)
    return measure


@transaction.atomic
def measure_update(*, actor: Actor, measure: Measure, **data: Any) -> Measure:
    values = _measure_values(data)
    held = list(measure.values.order_by("on"))
    if held and not measure.computed and values["source"] != Measure.Source.ENTERED:
        # Working the values out would replace the team's own: a new measure keeps both.
        raise ValidationError(
            {
                "source": "This measure holds values the team entered: add a new measure for "
                "values worked out from TIP Tracker's records"
            }
        )
    if values["source"] == Measure.Source.ENTERED:
        probe = Measure(unit=values["unit"], source=Measure.Source.ENTERED)
        wrong = [v for v in held if value_problem(probe, on=v.on, value=v.value).get("value")]
        if wrong:
            days = ", ".join(f"{v.on:%-d %B %Y}" for v in wrong[:5])
            more = f" and {len(wrong) - 5} more" if len(wrong) > 5 else ""
            raise ValidationError(
                {
                    "unit": f"Values already held do not fit that unit ({days}{more}): "
                    "correct them first"
                }
            )
    with acting(actor):
        for name, value in values.items():
            setattr(measure, name, value)
        measure.save()
    measure_refresh(measure=measure)
    return measure


@transaction.atomic
def measure_delete(*, actor: Actor, measure: Measure) -> None:
    """The measure and every value of it go (each in the history). If it headed its project,
    the project's first remaining measure heads it now, as a first measure does."""
    project = Project.objects.select_for_update().get(pk=measure.project_id)
    headed = project.headline_measure_id == measure.pk
    with acting(actor):
        measure.delete()
        if headed:
            project.headline_measure = project.measures.order_by("id").first()
            project.save(update_fields=["headline_measure", "updated_at"])


COMPUTED_REFUSED = (
    "This measure is worked out from TIP Tracker's records: its values cannot be entered, "
    "imported or deleted"
)


def value_problem(measure: Measure, *, on: dt.date, value: float) -> dict[str, str]:
    """What is wrong with a value for `measure` on `on`, by field (empty when nothing)."""
    if measure.computed:
        return {"value": COMPUTED_REFUSED}
    problems = {}
    if on > today():
        problems["on"] = "The date must not be in the future"
    if not math.isfinite(value) or abs(value) > VALUE_MAX:
        problems["value"] = "Enter the value as a number no larger than a million million"
    elif measure.unit == Measure.Unit.PERCENTAGE and not 0 <= value <= 100:
        problems["value"] = "A percentage must be from 0 to 100"
    elif measure.unit in (Measure.Unit.COUNT, Measure.Unit.DAYS, Measure.Unit.RATE) and value < 0:
        problems["value"] = f"A {measure.get_unit_display().lower()} cannot be negative"
    return problems


@transaction.atomic
def measure_value_record(
    *, actor: Actor, measure: Measure, on: dt.date, value: float, rebase: bool, note: str
) -> MeasureValue:
    """The value for `on`: added, or the one already there for that date corrected."""
    problems = value_problem(measure, on=on, value=value)
    note = (note or "").strip()
    if len(note) > 500:
        problems["note"] = "The note must be 500 characters or fewer"
    try:
        refuse_control_characters({"note": note})
    except ValidationError as refused:
        problems |= {name: messages[0] for name, messages in refused.message_dict.items()}
    if problems:
        raise ValidationError(problems)
    with acting(actor):
        found = MeasureValue.objects.select_for_update().filter(measure=measure, on=on).first()
        if found is None:
            return MeasureValue.objects.create(
                partnership_id=measure.partnership_id,
                measure=measure,
                on=on,
                value=value,
                rebase=rebase,
                note=note,
            )
        found.value, found.rebase, found.note = value, rebase, note
        found.save()
        return found


@transaction.atomic
def measure_value_delete(*, actor: Actor, value: MeasureValue) -> None:
    if value.measure.computed:
        raise ValidationError(COMPUTED_REFUSED)
    with acting(actor):
        value.delete()


@dataclass(frozen=True)
class ImportResult:
    added: int
    changed: int
    unchanged: int


def series_problems(measure: Measure, series: Series) -> list[RowProblem]:
    """The rows of a file read for `measure` that break its rules (dates, units)."""
    problems = []
    for row, observation in zip(series.rows, series.observations, strict=True):
        found = value_problem(measure, on=observation.on, value=observation.value)
        for field, problem in found.items():
            problems.append(RowProblem(row, "date" if field == "on" else field, problem))
    return problems


@transaction.atomic
def measure_values_import(*, actor: Actor, measure: Measure, series: Series) -> ImportResult:
    """Every value of the file, or none (formats.md's import rules): each date's value is
    added, or corrected where the measure has one for that date; a file imported twice
    changes nothing the second time. Values the file does not mention are kept."""
    if measure.computed:
        raise ValidationError(COMPUTED_REFUSED)
    problems = series_problems(measure, series)
    if problems:
        raise ValidationError([str(p) for p in problems])
    existing = {v.on: v for v in MeasureValue.objects.select_for_update().filter(measure=measure)}
    added = changed = unchanged = 0
    with acting(actor):
        for o in series.observations:
            found = existing.get(o.on)
            if found is None:
                MeasureValue.objects.create(
                    partnership_id=measure.partnership_id,
                    measure=measure,
                    on=o.on,
                    value=o.value,
                    rebase=o.rebase,
                    note=o.note,
                )
                added += 1
                continue
            # A file without a rebase or note column leaves the value's own as they are
            # (a new centre line taken from a PDSA cycle survives a re-import of the values).
            rebase = o.rebase if "rebase" in series.columns else found.rebase
            note = o.note if "note" in series.columns else found.note
            if (found.value, found.rebase, found.note) == (o.value, rebase, note):
                unchanged += 1
            else:
                found.value, found.rebase, found.note = o.value, rebase, note
                found.save()
                changed += 1
    return ImportResult(added=added, changed=changed, unchanged=unchanged)


def _consultation_values(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values = {
        "activity": (data.get("activity") or "").strip(),
        "heard": (data.get("heard") or "").strip(),
        "changed": (data.get("changed") or "").strip(),
    }
    refuse_control_characters(values, multiline={"heard", "changed"})
    held_on = data.get("held_on")
    if not isinstance(held_on, dt.date):
        errors["held_on"] = "Enter the date it was held"
    elif held_on > today():
        errors["held_on"] = "The date must not be in the future: record it once it has happened"
    if data.get("audience") not in Consultation.Audience.values:
        errors["audience"] = "Choose who took part"
    if not values["activity"]:
        errors["activity"] = "Enter what was done, for example a focus group"
    took_part = data.get("took_part")
    if not isinstance(took_part, int) or took_part < 1:
        errors["took_part"] = "Enter how many people took part, as a whole number"
    if not values["heard"]:
        errors["heard"] = "Enter what was heard"
    if errors:
        raise ValidationError(errors)
    return values | {"held_on": held_on, "audience": data["audience"], "took_part": took_part}


@transaction.atomic
def engagement_activity_add(*, actor: Actor, project: Project, **data: Any) -> Consultation:
    values = _consultation_values(data)
    with acting(actor):
        return Consultation.objects.create(
            partnership_id=project.partnership_id, project=project, **values
        )


@transaction.atomic
def engagement_activity_update(
    *, actor: Actor, consultation: Consultation, **data: Any
) -> Consultation:
    values = _consultation_values(data)
    with acting(actor):
        for name, value in values.items():
            setattr(consultation, name, value)
        consultation.save()
    return consultation


@transaction.atomic
def engagement_activity_delete(*, actor: Actor, consultation: Consultation) -> None:
    with acting(actor):
        consultation.delete()
