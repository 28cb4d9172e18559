"""Opening the coordinators' workspace: password and a code from an authenticator app, set up
on first use, throttled when wrong, audited either way, and closed again after idling."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiptracker.lived import access
from tiptracker.lived.models import AuditEvent
from tiptracker.lived.tests.factories import interest
from tiptracker.lived.tests.unlock import code_for, device_for, unlock
from tiptracker.partnerships.models import Role

PASSWORD = "correct horse battery staple"


@pytest.fixture
def coordinator(persona):
    membership = persona(Role.LE_COORDINATOR)
    membership.user.set_password(PASSWORD)
    membership.user.save()
    return membership


@pytest.fixture
def client(coordinator):
    client = Client()
    client.force_login(coordinator.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def unlock_url(membership):
    return reverse("lived_unlock", args=[membership.partnership.slug])


def records_url(membership):
    return reverse("lived_records", args=[membership.partnership.slug])


def test_a_coordinator_who_has_not_confirmed_is_sent_to_confirm_first(coordinator, client):
    response = client.get(records_url(coordinator))
    assert response.status_code == 302
    assert response["Location"].startswith(unlock_url(coordinator))
    assert "next=" in response["Location"]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LISTED).exists()


def key_on(page: str) -> str:
    return page.split('id="totp-key">')[1].split("<")[0].replace(" ", "")


def test_a_first_visit_asks_for_the_password_before_showing_any_key(coordinator, client):
    page = client.get(unlock_url(coordinator)).content.decode()
    assert "Set up your authenticator app" in page and "Step 1 of 2" in page
    assert "<svg" not in page and "totp-key" not in page
    wrong = client.post(unlock_url(coordinator), {"password": "not it"}).content.decode()
    assert "The password is not right" in wrong and "totp-key" not in wrong
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UNLOCK_REFUSED).count() == 1


def test_the_key_shown_after_the_password_is_new_and_stays_until_confirmed(coordinator, client):
    client.get(unlock_url(coordinator))
    before = TOTPDevice.objects.get(user=coordinator.user).key  # made, never shown
    response = client.post(unlock_url(coordinator), {"password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert "Step 2 of 2" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=coordinator.user)
    assert device.key != before and not device.confirmed
    assert len(key_on(page)) == 32
    # Reloading shows the same key: what was scanned still works.
    assert key_on(client.get(unlock_url(coordinator)).content.decode()) == key_on(page)
    assert TOTPDevice.objects.filter(user=coordinator.user).count() == 1


def test_setting_up_with_the_password_then_a_code_opens_the_workspace(coordinator, client):
    next_url = records_url(coordinator)
    client.post(unlock_url(coordinator), {"password": PASSWORD, "next": next_url})
    device = TOTPDevice.objects.get(user=coordinator.user)
    session_before = client.session.session_key
    response = client.post(unlock_url(coordinator), {"code": code_for(device), "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    device.refresh_from_db()
    assert device.confirmed
    assert client.session.session_key != session_before  # a new session id once trusted
    assert client.get(records_url(coordinator)).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UNLOCKED).count() == 1


def test_a_wrong_code_while_setting_up_is_refused(coordinator, client):
    client.post(unlock_url(coordinator), {"password": PASSWORD})
    device = TOTPDevice.objects.get(user=coordinator.user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(unlock_url(coordinator), {"code": wrong})
    assert "The code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(records_url(coordinator)).status_code == 302


def test_a_wrong_code_is_refused_and_recorded(coordinator, client):
    device = device_for(coordinator)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(unlock_url(coordinator), {"password": PASSWORD, "code": wrong})
    assert response.status_code == 200
    assert "The password or the code is not right" in response.content.decode()
    assert client.get(records_url(coordinator)).status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UNLOCK_REFUSED).count() == 1


def test_a_wrong_password_with_the_right_code_is_refused(coordinator, client):
    device = device_for(coordinator)
    response = client.post(
        unlock_url(coordinator), {"password": "not it", "code": code_for(device)}
    )
    assert "The password or the code is not right" in response.content.decode()
    assert client.get(records_url(coordinator)).status_code == 302


def test_wrong_tries_are_throttled_so_even_the_right_code_waits(coordinator, client):
    device = device_for(coordinator)
    for _ in range(3):
        client.post(unlock_url(coordinator), {"password": PASSWORD, "code": "000000x"})
    response = client.post(
        unlock_url(coordinator), {"password": PASSWORD, "code": code_for(device)}
    )
    assert "Too many wrong tries" in response.content.decode()
    assert client.get(records_url(coordinator)).status_code == 302
    # Once the wait is over, the right code works.
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - dt.timedelta(hours=1)
    device.save()
    response = client.post(
        unlock_url(coordinator), {"password": PASSWORD, "code": code_for(device)}
    )
    assert response.status_code == 302


def test_a_code_is_used_once(coordinator, client):
    device = device_for(coordinator)
    code = code_for(device)
    assert (
        client.post(unlock_url(coordinator), {"password": PASSWORD, "code": code}).status_code
        == 302
    )
    client.post(reverse("lived_lock", args=[coordinator.partnership.slug]))
    response = client.post(unlock_url(coordinator), {"password": PASSWORD, "code": code})
    assert response.status_code == 200


def test_the_workspace_locks_itself_after_idling(coordinator, settings):
    client = unlock(Client(), coordinator)
    assert client.get(records_url(coordinator)).status_code == 200
    session = client.session
    session[access.SESSION_KEY]["until"] = (timezone.now() - dt.timedelta(seconds=1)).isoformat()
    session.save()
    assert client.get(records_url(coordinator)).status_code == 302


def test_locking_the_workspace_closes_it(coordinator):
    client = unlock(Client(), coordinator)
    client.post(reverse("lived_lock", args=[coordinator.partnership.slug]))
    assert client.get(records_url(coordinator)).status_code == 302


def test_removing_the_authenticator_closes_an_open_workspace(coordinator):
    client = unlock(Client(), coordinator)
    TOTPDevice.objects.filter(user=coordinator.user).delete()
    assert client.get(records_url(coordinator)).status_code == 302


def test_an_unlock_for_another_partnership_does_not_open_this_one(
    coordinator, persona, other_partnership
):
    elsewhere = persona(Role.LE_COORDINATOR, of=other_partnership)
    elsewhere.user = coordinator.user
    elsewhere.save()
    client = unlock(Client(), elsewhere)
    assert client.get(records_url(elsewhere)).status_code == 200
    assert client.get(records_url(coordinator)).status_code == 302


def test_a_next_address_elsewhere_is_ignored(coordinator, client):
    device = device_for(coordinator)
    response = client.post(
        unlock_url(coordinator),
        {"password": PASSWORD, "code": code_for(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == records_url(coordinator)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.LE_COORDINATOR])
def test_no_other_role_finds_the_unlock_page(persona, login, role):
    membership = persona(role)
    client = login(membership)
    devices = TOTPDevice.objects.count()  # administrators and L&D officers have their own
    assert client.get(unlock_url(membership)).status_code == 404
    assert client.post(unlock_url(membership), {"password": "x", "code": "1"}).status_code == 404
    assert TOTPDevice.objects.count() == devices


def test_a_superuser_administrator_gets_404_everywhere_in_the_workspace(persona, login):
    admin = persona(Role.ADMIN)
    admin.user.is_superuser = True
    admin.user.is_staff = True
    admin.user.save()
    coordinator = persona(Role.LE_COORDINATOR)
    record = interest(coordinator)
    client = login(admin)
    slug = admin.partnership.slug
    for url in (
        records_url(admin),
        reverse("lived_record", args=[slug, record.pk]),
        reverse("lived_export", args=[slug, record.pk]),
        reverse("lived_audit", args=[slug]),
        reverse("lived_counts", args=[slug]),
    ):
        assert client.get(url).status_code == 404, url
