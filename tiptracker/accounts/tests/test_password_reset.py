"""Forgot password by e-mail, without telling anyone who has an account; a new password signs
the person out everywhere else."""

import re

from django.core import mail
from django.test import Client

from tiptracker.accounts.models import PasswordResetRequest
from tiptracker.accounts.recovery import password_resets_send_due
from tiptracker.partnerships.models import Role

NEW_PASSWORD = "plum orchard lantern 42"


def ask(email: str, client: Client | None = None):
    return (client or Client()).post("/password-reset/", {"email": email})


def without_tokens(page: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return page.replace("nobody@example.org", "ADDRESS").replace("pat@example.org", "ADDRESS")


def link_in(message) -> str:
    return re.search(r"http://\S+(/password-reset/\S+/\S+/)", message.body)[1]


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(persona):
    member = persona(Role.STAFF)
    member.user.email = member.user.username = "pat@example.org"
    member.user.save()
    known, unknown = ask("pat@example.org"), ask("nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(known.content.decode()) == without_tokens(unknown.content.decode())
    # The page wrote the same for both; only the worker looks the address up.
    assert PasswordResetRequest.objects.count() == 2 and not mail.outbox
    assert password_resets_send_due() == 1
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]


def test_the_link_sets_a_new_password_once_and_signs_out_every_session(
    member, login, django_capture_on_commit_callbacks
):
    elsewhere = login(member)  # signed in on another device
    assert elsewhere.get("/account/").status_code == 200
    ask(member.user.email)
    password_resets_send_due()
    link = link_in(mail.outbox[0])
    visitor = Client()
    form_page = visitor.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = visitor.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            follow=True,
        )
    assert "Sign in with your new password" in done.content.decode()
    member.user.refresh_from_db()
    assert member.user.check_password(NEW_PASSWORD)
    # The other session ended.
    assert elsewhere.get("/account/")["Location"].startswith("/login/")
    # And the person is told, in case it was not them.
    assert mail.outbox[-1].subject == "Your TIP Tracker password was changed"
    # The link works once.
    again = Client().get(link, follow=True).content.decode()
    assert "This link does not work" in again


def test_an_account_that_signs_in_with_its_organisation_gets_no_link(member):
    member.user.set_unusable_password()
    member.user.save()
    ask(member.user.email)
    assert password_resets_send_due() == 0 and not mail.outbox


def test_many_requests_for_one_address_record_only_a_few_and_look_the_same(member):
    pages = {without_tokens(ask(member.user.email).content.decode()) for _ in range(6)}
    assert len(pages) == 1
    assert PasswordResetRequest.objects.count() == 3


def test_a_bad_address_is_explained_on_the_field(db):
    page = Client().post("/password-reset/", {"email": "not an address"}).content.decode()
    assert "Enter an email address in the right format" in page
    assert not PasswordResetRequest.objects.exists()


def test_changing_ones_password_signs_out_the_other_sessions_but_not_this_one(
    member, login, django_capture_on_commit_callbacks
):
    here, elsewhere = login(member), login(member)
    with django_capture_on_commit_callbacks(execute=True):
        page = here.post(
            "/account/password/",
            {
                "old_password": "correct horse battery staple",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            follow=True,
        )
    assert "You have been signed out everywhere else" in page.content.decode()
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/")["Location"].startswith("/login/")
    assert [m.subject for m in mail.outbox] == ["Your TIP Tracker password was changed"]
