"""Every e-mail goes through tiptracker.notifications: rendered from its templates (plain
text and HTML, a link back to the page concerned), sent after commit, a failure logged."""

import ast
import logging
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction

from tiptracker import notifications

PACKAGE = Path(notifications.__file__).resolve().parent


def test_an_e_mail_has_one_line_subject_plain_text_unescaped_and_html_escaped(settings):
    settings.SITE_URL = "https://tip.example.org"
    email = notifications.render(
        "place_promoted",
        to="pat@example.org",
        context={
            "name": "Pat",
            "course": "Women's <Aid>\nBcc: x@example.org",
            "starts": None,
            "is_guest": False,
        },
        link="/p/dundee/sessions/7/",
    )
    assert email.subject == "A place is yours: Women's <Aid> Bcc: x@example.org"
    assert "Women's <Aid>" in email.text and "&#x27;" not in email.text
    assert "https://tip.example.org/p/dundee/sessions/7/" in email.text
    assert "Women&#x27;s &lt;Aid&gt;" in email.html
    assert 'href="https://tip.example.org/p/dundee/sessions/7/"' in email.html


@pytest.mark.django_db
def test_e_mails_wait_for_the_commit_and_a_rollback_sends_nothing(
    django_capture_on_commit_callbacks,
):
    context = {"name": "Pat", "partnership": "Dundee"}
    with django_capture_on_commit_callbacks(execute=True):
        notifications.send("lived_interest_again", to="pat@example.org", context=context)
        assert mail.outbox == []  # not before the commit
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notifications.send("lived_interest_again", to="pat@example.org", context=context)
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == []


def test_an_e_mail_is_sent_as_text_with_an_html_alternative_and_its_attachments():
    email = notifications.render(
        "lived_interest_again",
        to="pat@example.org",
        context={"name": "Pat", "partnership": "Dundee"},
        attachments=[notifications.Attachment("a.ics", "BEGIN:VCALENDAR", "text/calendar")],
    )
    assert notifications.deliver([email]) == 1
    (message,) = mail.outbox
    assert message.body.startswith("Hello Pat,")
    assert message.alternatives[0][1] == "text/html"
    assert message.attachments[0][0] == "a.ics"


def test_one_refused_message_is_logged_and_the_others_still_go(monkeypatch, caplog):
    sent = []

    def send_messages(self, messages):
        if messages[0].to == ["bad@example.org"]:
            raise OSError("550 no such user")
        sent.extend(messages)
        return len(messages)

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", send_messages
    )
    context = {"name": "Pat", "partnership": "Dundee"}
    emails = [
        notifications.render("lived_interest_again", to=to, context=context)
        for to in ("bad@example.org", "good@example.org")
    ]
    with caplog.at_level(logging.ERROR):
        assert notifications.deliver(emails) == 1
    assert [m.to for m in sent] == [["good@example.org"]]
    assert "could not send the e-mail 'We received your interest again'" in caplog.text


def test_every_notification_has_its_subject_text_and_html_templates():
    folder = PACKAGE / "templates" / "emails"
    names = {p.name.removesuffix(".subject.txt") for p in folder.glob("*.subject.txt")}
    assert names, "no e-mail templates found"
    for name in names:
        assert (folder / f"{name}.txt").exists(), f"{name}.txt is missing"
        assert (folder / f"{name}.html").exists(), f"{name}.html is missing"


def _modules():
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text())


def test_no_module_but_notifications_sends_mail_itself():
    senders = []
    for path, tree in _modules():
        if path.name == "notifications.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "django.core.mail"
            ):
                senders.append(str(path.relative_to(PACKAGE)))
    assert senders == [], f"these modules send e-mail themselves: {senders}"


def test_no_module_imports_another_modules_private_send():
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                found += [
                    f"{path.relative_to(PACKAGE)}: {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_send")
                ]
    assert found == []
