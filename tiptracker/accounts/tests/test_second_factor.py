"""Administrators and learning and development officers (and installation administrators) set
up a second factor at their next sign-in and give it at every sign-in with a password; other
roles do not. Recovery codes for a lost phone; a single sign-on that says it used more than one
factor counts as both."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiptracker.accounts import second_factor
from tiptracker.accounts.models import RecoveryCode
from tiptracker.partnerships.models import Role

PASSWORD = "correct horse battery staple"


def code_now(user) -> str:
    return second_factor.current_code(TOTPDevice.objects.get(user=user, confirmed=True))


@pytest.fixture
def password_sign_in():
    """A client signed in with the password only, through the sign-in page."""

    def sign_in(membership, next_url="/"):
        client = Client()
        response = client.post(
            f"/login/?next={next_url}",
            {"username": membership.user.username, "password": PASSWORD},
        )
        assert response.status_code == 302, response.content.decode()[:500]
        return client, response

    return sign_in


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LD_OFFICER])
def test_a_privileged_role_sets_up_the_app_at_first_sign_in_and_gets_recovery_codes(
    persona, password_sign_in, role, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then the right one at once
    membership = persona(role)
    slug = membership.partnership.slug
    client, response = password_sign_in(membership, f"/p/{slug}/sessions/")
    # Anything they ask for waits for the second factor: first, setting it up.
    page = client.get(f"/p/{slug}/sessions/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/account/second-factor/set-up/")
    html = page.content.decode()
    assert "Set up your authenticator app" in html and "<svg" in html
    device = TOTPDevice.objects.get(user=membership.user, confirmed=False)
    wrong = client.post(page.redirect_chain[-1][0], {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    done = client.post(
        page.redirect_chain[-1][0], {"code": second_factor.current_code(device)}
    ).content.decode()
    assert "Save your recovery codes" in done
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done)
    assert len(codes) == 10
    assert f'href="/p/{slug}/sessions/"' in done
    assert client.get(f"/p/{slug}/sessions/").status_code == 200
    # Only hashes of the codes are kept.
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not any(code.replace("-", "") in stored for code in codes)


def test_every_password_sign_in_asks_for_the_code_again(admin, password_sign_in):
    TOTPDevice.objects.create(user=admin.user, name="Authenticator app", confirmed=True)
    client, _ = password_sign_in(admin)
    page = client.get(f"/p/{admin.partnership.slug}/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/account/second-factor/")
    assert "Enter the code from your authenticator app" in page.content.decode()
    assert client.get("/account/").status_code == 302
    # The API answers plainly rather than redirecting a script.
    api = client.get(f"/api/partnerships/{admin.partnership.slug}/courses/")
    assert api.status_code == 403 and "second factor" in api.json()["detail"]
    ok = client.post(
        "/account/second-factor/?next=/account/", {"code": code_now(admin.user)}, follow=True
    )
    assert ok.redirect_chain[-1][0] == "/account/"
    assert client.get(f"/p/{admin.partnership.slug}/").status_code == 200
    # Signing out and in again asks again.
    client.post("/logout/")
    client, _ = password_sign_in(admin)
    assert client.get("/account/").status_code == 302


def test_a_used_code_cannot_be_used_again(admin, password_sign_in):
    TOTPDevice.objects.create(user=admin.user, name="Authenticator app", confirmed=True)
    code = code_now(admin.user)
    first, _ = password_sign_in(admin)
    assert first.post("/account/second-factor/", {"code": code}).status_code == 302
    second, _ = password_sign_in(admin)
    replay = second.post("/account/second-factor/", {"code": code})
    assert "That code is not right, or it has been used already" in replay.content.decode()
    assert second.get("/account/").status_code == 302


def test_wrong_codes_are_throttled(admin, password_sign_in, settings):
    TOTPDevice.objects.create(user=admin.user, name="Authenticator app", confirmed=True)
    client, _ = password_sign_in(admin)
    for _ in range(2):
        client.post("/account/second-factor/", {"code": "000000"})
    waited = client.post("/account/second-factor/", {"code": code_now(admin.user)})
    assert "Too many wrong codes: wait" in waited.content.decode()
    assert client.get("/account/").status_code == 302


def test_a_recovery_code_signs_in_once(admin, password_sign_in):
    TOTPDevice.objects.create(user=admin.user, name="Authenticator app", confirmed=True)
    (code, *_rest) = second_factor.recovery_codes_new(admin.user)
    client, _ = password_sign_in(admin)
    page = client.post("/account/second-factor/", {"code": code.upper()}, follow=True)
    assert "You signed in with a recovery code; 9 left" in page.content.decode()
    again, _ = password_sign_in(admin)
    refused = again.post("/account/second-factor/", {"code": code})
    assert "That code is not right" in refused.content.decode()


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.BOARD, Role.LE_COORDINATOR])
def test_other_roles_sign_in_with_their_password_alone(persona, password_sign_in, role):
    membership = persona(role)
    client, _ = password_sign_in(membership)
    assert client.get("/account/").status_code == 200


def test_someone_with_a_privileged_role_anywhere_gives_it_everywhere(
    persona, other_partnership, password_sign_in
):
    staff_here = persona(Role.STAFF)
    persona_elsewhere = persona(Role.ADMIN, of=other_partnership)
    persona_elsewhere.user = staff_here.user
    persona_elsewhere.save()
    client, _ = password_sign_in(staff_here)
    assert client.get(f"/p/{staff_here.partnership.slug}/sessions/").status_code == 302


def test_a_single_sign_on_that_used_two_factors_counts_as_both(admin):
    client = Client()
    client.force_login(admin.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/account/").status_code == 302  # pending
    session = client.session
    session[second_factor.PROVIDER_MFA_SESSION_KEY] = True
    session.save()
    assert client.get("/account/").status_code == 200


def test_a_new_phone_replaces_the_old_authenticator(admin, login):
    client = login(admin)
    old = TOTPDevice.objects.get(user=admin.user)
    page = client.post("/account/second-factor/replace/", follow=True)
    assert "Set up your authenticator app" in page.content.decode()
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    new = TOTPDevice.objects.get(user=admin.user, confirmed=False)
    codes = client.post(
        page.redirect_chain[-1][0], {"code": second_factor.current_code(new)}
    ).content.decode()
    assert "Save your recovery codes" in codes


def test_new_recovery_codes_replace_the_old_ones(admin, login):
    client = login(admin)
    (old, *_rest) = second_factor.recovery_codes_new(admin.user)
    page = client.post("/account/recovery-codes/").content.decode()
    assert "Your earlier recovery codes no longer work" in page
    assert RecoveryCode.objects.filter(user=admin.user).count() == 10
    refused = Client()
    refused.force_login(admin.user, backend="django.contrib.auth.backends.ModelBackend")
    page = refused.post("/account/second-factor/", {"code": old}).content.decode()
    assert "That code is not right" in page
