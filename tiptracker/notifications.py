"""Every e-mail the application sends, in one place.

Services ask for a notification by name; they never build a message. Each notification is a
template trio under templates/emails/: `<name>.subject.txt` (one line), `<name>.txt` (the
plain text, which every mail client shows) and `<name>.html`. Both bodies get `link`, the
absolute address of the page the e-mail is about, so every e-mail leads back to it.

Messages are queued when the surrounding transaction commits (straight away outside one),
so an e-mail never announces a change that was rolled back, and the worker sends them. A
mail server's failure, or a header it refuses, is logged for the administrators and never
turns a saved change into an error page: the change stands and the log says who was not
told.
"""

import base64
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django_tasks import TaskContext, task

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str | bytes
    mimetype: str


@dataclass(frozen=True)
class Email:
    """One rendered e-mail to one recipient, ready to send."""

    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = field(default=())

    def as_message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(subject=self.subject, body=self.text, to=[self.to])
        message.attach_alternative(self.html, "text/html")
        for attachment in self.attachments:
            message.attach(attachment.filename, attachment.content, attachment.mimetype)
        return message


def absolute(link: str) -> str:
    """A path made into an address people can follow from their mail client (SITE_URL)."""
    if link.startswith("/"):
        return f"{settings.SITE_URL}{link}"
    return link


def render(
    name: str,
    *,
    to: str,
    context: Mapping[str, Any],
    link: str = "",
    attachments: Sequence[Attachment] = (),
) -> Email:
    """The e-mail `name` for `to`, rendered from its templates."""
    data = {**context, "link": absolute(link) if link else "", "site_url": settings.SITE_URL}
    # A subject may not hold a line break (it would start a new header): one line, always.
    subject = " ".join(_plain(f"emails/{name}.subject.txt", data).split())
    return Email(
        to=to,
        subject=subject,
        text=_plain(f"emails/{name}.txt", data).strip() + "\n",
        html=render_to_string(f"emails/{name}.html", data),
        attachments=tuple(attachments),
    )


def _plain(template: str, data: Mapping[str, Any]) -> str:
    """Plain text is not HTML: "Women's Aid" stays as typed, not "Women&#x27;s Aid"."""
    return get_template(template).template.render(Context(data, autoescape=False))  # type: ignore[attr-defined]


def send(
    name: str,
    *,
    to: str,
    context: Mapping[str, Any],
    link: str = "",
    attachments: Sequence[Attachment] = (),
) -> None:
    """Send the e-mail `name` to one address once the current transaction commits. An empty
    address sends nothing (many staff records have none)."""
    if not to:
        return
    send_all([render(name, to=to, context=context, link=link, attachments=attachments)])


def send_now(
    name: str,
    *,
    to: str,
    context: Mapping[str, Any],
    link: str = "",
    attachments: Sequence[Attachment] = (),
) -> int:
    """Send straight away, for the worker: what it sends for was claimed by an update that
    has already committed, so there is no transaction to wait for. Returns how many went."""
    if not to:
        return 0
    return deliver([render(name, to=to, context=context, link=link, attachments=attachments)])


def send_all(emails: Iterable[Email]) -> None:
    """Send several rendered e-mails, over one connection, after the transaction commits:
    by the worker (the "mail" task alias), so that a slow or absent mail server never holds
    up the page that asked for them."""
    batch = [email for email in emails if email.to]
    if batch:
        transaction.on_commit(lambda: _enqueue(batch))


def _enqueue(batch: Sequence[Email]) -> None:
    try:
        deliver_task.enqueue(_sealed(batch))
    except Exception:  # noqa: BLE001 - the queue is unreachable: better sent now than lost
        log.exception("could not queue %d e-mails: sending them now", len(batch))
        deliver(batch)


def _as_json(email: Email) -> dict[str, Any]:
    return {
        "to": email.to,
        "subject": email.subject,
        "text": email.text,
        "html": email.html,
        "attachments": [
            {
                "filename": a.filename,
                "mimetype": a.mimetype,
                "text": a.content if isinstance(a.content, str) else None,
                "base64": None
                if isinstance(a.content, str)
                else base64.b64encode(a.content).decode("ascii"),
            }
            for a in email.attachments
        ],
    }


def _from_json(data: Mapping[str, Any]) -> Email:
    return Email(
        to=data["to"],
        subject=data["subject"],
        text=data["text"],
        html=data["html"],
        attachments=tuple(
            Attachment(
                filename=a["filename"],
                mimetype=a["mimetype"],
                content=a["text"] if a["text"] is not None else base64.b64decode(a["base64"]),
            )
            for a in data["attachments"]
        ),
    )


def _sealed(batch: Sequence[Email]) -> str:
    """The e-mails as the queue keeps them: encrypted with the field encryption key. They
    carry names, addresses and single-use links (an invitation, a lived-experience person's
    private link) that the database otherwise keeps only as hashes."""
    from tiptracker.lib.crypto import encrypt

    return encrypt(json.dumps([_as_json(email) for email in batch]))


@task(backend="mail", queue_name="mail", takes_context=True)
def deliver_task(context: TaskContext, sealed: str) -> int:
    """The worker's part of send_all. Once they are sent, the task's stored arguments are
    emptied: the queue is no archive of what was sent."""
    from tiptracker.lib.crypto import decrypt

    sent = deliver([_from_json(email) for email in json.loads(decrypt(sealed))])
    _forget_arguments(context.task_result.id, context.task_result.backend)
    return sent


def _forget_arguments(result_id: str, backend: str) -> None:
    # Only the database backend keeps them: RQ keeps a finished job's arguments only until
    # its result expires (500 s), and a backend that runs tasks at once keeps none.
    if "django_tasks_db" not in str(settings.TASKS.get(backend, {}).get("BACKEND", "")):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=result_id).update(args_kwargs={"args": [], "kwargs": {}})


def deliver(emails: Sequence[Email]) -> int:
    """Send now, one message at a time so that one refused address stops nobody else's;
    returns how many went. For the worker, which has already committed its claim."""
    sent = 0
    try:
        connection = get_connection()
        connection.open()
    except Exception:  # noqa: BLE001 - no mail server: the change stands, the log says so
        log.exception("could not reach the mail server: %d e-mails not sent", len(emails))
        return 0
    try:
        for email in emails:
            try:
                sent += connection.send_messages([email.as_message()])
            except Exception:  # noqa: BLE001 - this message failed; carry on with the others
                log.exception("could not send the e-mail %r", email.subject)
    finally:
        connection.close()
    return sent
