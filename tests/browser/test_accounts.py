"""Joining and getting back in, in the browser: an administrator invites someone, who follows
the e-mailed link, chooses a password and signs in; someone who forgot their password gets a
link by e-mail and chooses a new one."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import AXE, assert_accessible, sign_in, sign_in_with, visit
from tiptracker.accounts.recovery import password_resets_send_due
from tiptracker.partnerships.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHOSEN = "plum orchard lantern 42"


def path_of_link(message, pattern: str) -> str:
    return re.search(rf"https?://[^/\s]+({pattern})", message.body)[1]


def test_an_invited_person_chooses_a_password_and_signs_in(page, browser, live_server, admin):
    sign_in(page, admin)
    visit(page, f"/p/{admin.partnership.slug}/members/")
    page.get_by_label("Email address", exact=True).fill("new.person@example.org")
    page.get_by_label("Manager").check()
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "has been e-mailed to new.person@example.org" in page.content()
    visit(page, f"/p/{admin.partnership.slug}/members/invitations/")
    assert "new.person@example.org" in page.inner_text("main")

    link = path_of_link(mail.outbox[-1], r"/invitations/\S+/")
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(path=str(AXE))
    newcomer = context.new_page()
    newcomer.console_errors = []
    visit(newcomer, link)
    newcomer.get_by_label("Choose a password").fill(CHOSEN)
    newcomer.get_by_label("Type the password again").fill(CHOSEN)
    newcomer.get_by_role("button", name="Create my account").click()
    newcomer.wait_for_load_state()
    assert_accessible(newcomer)
    assert "Your account is ready" in newcomer.content()
    sign_in_with(newcomer, "new.person@example.org", CHOSEN)
    assert admin.partnership.name in newcomer.content()
    context.close()
    membership = Membership.objects.get(user__username="new.person@example.org")
    assert membership.role == Role.MANAGER


def test_a_forgotten_password_is_reset_through_the_e_mailed_link(page, member):
    visit(page, "/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Email address").fill(member.user.email)
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "Check your email" in page.content()
    password_resets_send_due()  # the worker
    visit(page, path_of_link(mail.outbox[-1], r"/password-reset/\S+/\S+/"))
    page.get_by_label("New password", exact=True).fill(CHOSEN)
    page.get_by_label("New password confirmation").fill(CHOSEN)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "Sign in with your new password" in page.content()
    sign_in_with(page, member.user.email, CHOSEN)


def test_an_administrator_sets_up_the_second_factor_at_first_sign_in(page, admin):
    """Signing in with the password, then the authenticator app's key (QR code and text), a
    code from it, and the recovery codes, before any page of the partnership."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tiptracker.accounts import second_factor

    visit(page, "/login/")
    page.get_by_label("Email address").fill(admin.user.username)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/account/second-factor/set-up/" in page.url
    assert_accessible(page)
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=admin.user, confirmed=False)
    assert key.lower() in device.config_url.lower()
    page.get_by_label("Code from your authenticator app").fill(second_factor.current_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert len(page.locator(".tip-recovery-codes code").all_inner_texts()) == 10
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "/login/" not in page.url and admin.partnership.name in page.content()
