"""Writes for the champions and ambassadors network: the roster and its activity log."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tiptracker.lib.dates import today
from tiptracker.lib.history import acting
from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.partnerships.actors import Actor
from tiptracker.partnerships.models import Organisation
from tiptracker.workforce.models import StaffMember, Team


def _clean_member(
    *,
    partnership_id: int,
    kind: str,
    person: StaffMember | None,
    name: str,
    job_role: str,
    organisation: Organisation | None,
    team: Team | None,
    from_date: dt.date | None,
    to_date: dt.date | None,
) -> dict:
    errors: dict[str, str] = {}
    if kind not in NetworkMember.Kind.values:
        errors["kind"] = "Choose trauma champion or trauma ambassador"
    if person is not None and person.partnership_id != partnership_id:
        errors["person"] = "There is no such person in this partnership's staff records"
        person = None
    # Linked to a staff record: what is not given comes from there (an ambassador usually
    # represents their own team).
    name = " ".join((name or "").split())
    job_role = " ".join((job_role or "").split())
    if person is not None:
        name = name or person.full_name or person.staff_id
        job_role = job_role or person.job_title
        organisation = organisation or person.organisation
        if team is None and kind == NetworkMember.Kind.AMBASSADOR:
            team = person.team
    if not name:
        errors["name"] = "Enter the person's name, or link them to their staff record"
    elif len(name) > 200:
        errors["name"] = "The name must be 200 characters or fewer"
    if len(job_role) > 200:
        errors["job_role"] = "The role must be 200 characters or fewer"
    if organisation is None:
        errors["organisation"] = "Choose the organisation they belong to"
    elif organisation.partnership_id != partnership_id:
        errors["organisation"] = "Choose one of this partnership's organisations"
    if team is not None:
        if team.partnership_id != partnership_id:
            errors["team"] = "Choose one of this partnership's teams"
        elif organisation is not None and team.organisation_id != organisation.pk:
            errors["team"] = (
                f"The team {team.name} belongs to another organisation: choose a team of "
                f"{organisation.name}, or no team"
            )
    if from_date is None:
        errors["from_date"] = "Enter the date they started in the role"
    elif to_date is not None and to_date < from_date:
        errors["to_date"] = "The end date must be the same as or after the start date"
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "person": person,
        "name": name,
        "job_role": job_role,
        "organisation": organisation,
        "team": team,
        "from_date": from_date,
        "to_date": to_date,
    }


@transaction.atomic
def network_member_create(
    *,
    actor: Actor,
    partnership_id: int,
    kind: str,
    organisation: Organisation | None = None,
    from_date: dt.date | None,
    person: StaffMember | None = None,
    name: str = "",
    job_role: str = "",
    team: Team | None = None,
    to_date: dt.date | None = None,
) -> NetworkMember:
    with acting(actor):
        values = _clean_member(
            partnership_id=partnership_id,
            kind=kind,
            person=person,
            name=name,
            job_role=job_role,
            organisation=organisation,
            team=team,
            from_date=from_date,
            to_date=to_date,
        )
        return NetworkMember.objects.create(partnership_id=partnership_id, **values)


@transaction.atomic
def network_member_update(
    *,
    actor: Actor,
    member: NetworkMember,
    kind: str,
    organisation: Organisation | None = None,
    from_date: dt.date | None,
    person: StaffMember | None = None,
    name: str = "",
    job_role: str = "",
    team: Team | None = None,
    to_date: dt.date | None = None,
) -> NetworkMember:
    with acting(actor):
        values = _clean_member(
            partnership_id=member.partnership_id,
            kind=kind,
            person=person,
            name=name,
            job_role=job_role,
            organisation=organisation,
            team=team,
            from_date=from_date,
            to_date=to_date,
        )
        for field, value in values.items():
            setattr(member, field, value)
        member.save()
        return member


@transaction.atomic
def network_activity_record(
    *,
    actor: Actor,
    member: NetworkMember,
    on: dt.date | None,
    kind: str,
    summary: str,
) -> NetworkActivity:
    errors: dict[str, str] = {}
    if on is None:
        errors["date"] = "Enter the date of the activity"
    elif on > today():
        errors["date"] = "An activity cannot be in the future: record it once it has happened"
    if kind not in NetworkActivity.Kind.values:
        errors["kind"] = "Choose what kind of activity it was"
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = "Enter a short summary of the activity"
    elif len(summary) > 5000:
        errors["summary"] = "The summary must be 5,000 characters or fewer"
    if errors or on is None:
        raise ValidationError(errors)
    return NetworkActivity.objects.create(
        partnership_id=member.partnership_id,
        member=member,
        date=on,
        kind=kind,
        summary=summary,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
