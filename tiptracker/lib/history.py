"""Who changed what, when, for the records people edit (courses, sessions, funding, engagement,
the network, resources, members): kept by django-auditlog, read here for the pages.

The log keeps each field as stored (a status's code, a foreign key's id), never its label:
labels are looked up only when shown, so renaming one changes how the history reads and
nothing else. Each entry also keeps its record's partnership, so that a page can list the
changes to records that no longer exist (a removed member) without reaching another
partnership's. The plan (as-of replay for board reports), the lived-experience route (its
read audit) and the board reports' workflow keep their own trails: they record more than
changes.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models

from tiptracker.lib.users import user_name

# Never worth a line in the history: set once, or stamped by every save.
UNTRACKED = ["partnership", "created_at", "updated_at", "updated_on"]

VERBS = {
    LogEntry.Action.CREATE: "Added",
    LogEntry.Action.UPDATE: "Changed",
    LogEntry.Action.DELETE: "Deleted",
}


class PartnershipRecord:
    """Mixed into a tracked model with a `partnership`: its log entries carry the partnership."""

    partnership_id: int

    def get_additional_data(self) -> dict[str, Any]:
        return {"partnership": self.partnership_id}


def track(model: type[models.Model], *, also_untracked: Iterable[str] = ()) -> None:
    """Keep the history of `model`'s creations, changes and deletions (made through save() and
    delete(); a bulk update or import writes no history, and says so in its own record).
    `also_untracked`: fields its record's name already says (a part's parent), whose labels
    would each cost a query to show."""
    auditlog.register(model, exclude_fields=UNTRACKED + list(also_untracked))


def history_actor_set(user: Any) -> None:
    """Make `user` the actor of the changes the rest of this request makes: for a request
    authenticated after the middleware ran (an API token)."""
    context = auditlog_value.get(None)
    if context is not None and user is not None and user.is_authenticated:
        context["actor"] = user


@contextmanager
def acting(actor: Any) -> Iterator[None]:
    """The history names `actor` (a service's caller: the signed-in user, or None for the
    system) for the changes made inside. Inside a request it stands in for the request's user
    and gives the request's back after; outside one (the command line, a task, a test) it is
    the only name the history gets. django-auditlog's own set_actor does not give back what
    it replaced, hence this."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    request_context = auditlog_value.get(None)
    try:
        with set_actor(actor):
            yield
    finally:
        if request_context is not None:
            auditlog_value.set(request_context)


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    by: str
    verb: str
    what: str  # the record as it was named then
    fields: list[tuple[str, str, str]]  # (field, before, after), labels not codes


def _shown(value: str) -> str:
    return {"None": "(none)", "": "(none)", "True": "Yes", "False": "No"}.get(value, value)


def _change(entry: LogEntry) -> Change:
    fields = []
    model = entry.content_type.model_class()
    # The record's own fields: not its id, nor the other side of a relation (a member's
    # actions), which the log also lists for a new record.
    shown = (
        {str(f.verbose_name) for f in model._meta.concrete_fields if not f.primary_key}
        if model is not None
        else set()
    )
    if entry.action != LogEntry.Action.DELETE:
        for name, values in entry.changes_display_dict.items():
            if str(name) not in shown:
                continue
            before, after = (list(values) + ["", ""])[:2]
            fields.append((str(name)[:1].upper() + str(name)[1:], _shown(before), _shown(after)))
    actor = entry.actor
    by = user_name(actor) if actor else (entry.actor_email or "")
    return Change(
        at=entry.timestamp,
        by=by or "The system (an import, the command line or the demo)",
        verb=VERBS.get(entry.action, "Changed"),
        what=entry.object_repr,
        fields=fields,
    )


def changes_of(record: models.Model, *, limit: int = 20) -> list[Change]:
    """The latest changes to one record, newest first."""
    entries = (
        LogEntry.objects.get_for_object(record)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )
    return [_change(entry) for entry in entries]


def changes_in(model: type[models.Model], *, partnership_id: int, limit: int = 20) -> list[Change]:
    """The latest changes to a partnership's records of one kind, removed ones included."""
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            additional_data__partnership=partnership_id,
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )
    return [_change(entry) for entry in entries]


def changes_with(
    models_: Iterable[type[models.Model]],
    *,
    partnership_id: int,
    key: str,
    value: int,
    limit: int = 20,
) -> list[Change]:
    """The latest changes to a partnership's records of these kinds whose entries were
    tagged `key`: `value` by their record (get_additional_data): a record and its parts
    (a coaching group, its people and its meetings), removed parts included."""
    entries = (
        LogEntry.objects.filter(
            content_type__in=[ContentType.objects.get_for_model(m) for m in models_],
            additional_data__partnership=partnership_id,
            **{f"additional_data__{key}": value},
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )
    return [_change(entry) for entry in entries]
