"""Signing in: throttled but never locked for good, idle sessions expire, passwords are
hashed with Argon2, tokens for scripts."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tiptracker.accounts.models import ApiToken
from tiptracker.partnerships.models import Role

PASSWORD = "correct horse battery staple"


def sign_in(client, membership, password=PASSWORD):
    return client.post("/login/", {"username": membership.user.username, "password": password})


def test_a_member_signs_in_with_email_and_password_and_lands_on_their_partnership(
    persona, partnership
):
    # A manager: administrators give a second factor too (test_second_factor.py).
    manager = persona(Role.MANAGER)
    response = sign_in(Client(), manager)
    assert response.status_code == 302
    assert Client().get("/").status_code == 302  # a fresh client is still anonymous
    client = Client()
    sign_in(client, manager)
    assert client.get("/", follow=True).request["PATH_INFO"] == f"/p/{partnership.slug}/"


def test_a_wrong_password_says_so_without_saying_which_part_was_wrong(admin):
    response = sign_in(Client(), admin, password="wrong")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()


def test_repeated_failures_pause_sign_in_for_a_cool_off_not_for_ever(admin, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        sign_in(client, admin, password="wrong")
    locked = sign_in(client, admin)  # even the right password is refused during the cool-off
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()

    from axes.models import AccessAttempt

    # After the cool-off the same person can sign in again.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    assert sign_in(client, admin).status_code == 302


def test_a_session_ends_after_the_idle_time(persona, partnership):
    client = Client()
    sign_in(client, persona(Role.MANAGER))
    assert client.get(f"/p/{partnership.slug}/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(f"/p/{partnership.slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_each_request_pushes_the_idle_expiry_forward(persona, partnership, settings):
    client = Client()
    sign_in(client, persona(Role.MANAGER))
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(seconds=60))
    client.get(f"/p/{partnership.slug}/")
    expiry = Session.objects.get().expire_date
    assert expiry > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_passwords_are_stored_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = get_user_model().objects.create_user(username="a@example.org", password=PASSWORD)
    assert user.password.startswith("argon2$")


def test_signing_out_ends_the_session(admin, partnership):
    client = Client()
    sign_in(client, admin)
    client.post("/logout/")
    assert client.get(f"/p/{partnership.slug}/").status_code == 302


def test_a_member_creates_an_api_token_shown_once_and_stored_only_as_a_hash(admin, login):
    client = login(admin)
    response = client.post("/account/", {"name": "HR export"})
    html = response.content.decode()
    token = ApiToken.objects.get(user=admin.user)
    key = html.split('id="new-token">')[1].split("<")[0]
    assert key.startswith("tip_") and key not in token.key_hash
    assert client.get("/account/").content.decode().count(key) == 0
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/schema/").status_code == 200


def test_a_revoked_token_no_longer_works(admin, login):
    client = login(admin)
    html = client.post("/account/", {"name": "script"}).content.decode()
    key = html.split('id="new-token">')[1].split("<")[0]
    token = ApiToken.objects.get(user=admin.user)
    client.post(f"/account/tokens/{token.id}/revoke/")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/schema/").status_code == 401


def test_nobody_can_revoke_someone_elses_token(admin, outsider, login):
    from tiptracker.accounts.services import api_token_create

    token, _ = api_token_create(user=admin.user, name="mine")
    login(outsider).post(f"/account/tokens/{token.id}/revoke/")
    assert ApiToken.objects.filter(id=token.id).exists()


def test_the_admin_site_is_closed_to_members_who_are_not_staff(persona):
    member = persona(Role.ADMIN)
    client = Client()
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("secret", [None, ""])
def test_production_refuses_to_start_without_a_secret_key(secret):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE")}
    env["TIPTRACKER_ENV"] = "production"
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = subprocess.run(
        [sys.executable, "-c", "import tiptracker.settings"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set in production" in result.stderr


def test_secrets_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file-0123456789\n")
    env = dict(os.environ, TIPTRACKER_ENV="production", SECRET_KEY_FILE=str(secret))
    result = subprocess.run(
        [sys.executable, "-c", "import tiptracker.settings as s; print(s.SECRET_KEY)"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "from-a-file-0123456789"
