"""A partnership administrator decides, on the members page, whether people with a staff
record may sign in with their organisation's account and get the staff role."""

from tiptracker.partnerships.models import Partnership


def allowed(partnership) -> bool:
    return Partnership.objects.get(pk=partnership.pk).sso_staff_sign_in


def test_an_administrator_turns_staff_sign_in_on_and_off(admin, login, partnership):
    client = login(admin)
    page = client.get(f"/p/{partnership.slug}/members/").content.decode()
    assert "People with a staff record may sign in" in page
    assert not allowed(partnership)  # off for a new partnership
    url = f"/p/{partnership.slug}/members/sign-in/"
    response = client.post(url, {"sso_staff_sign_in": "on"})
    assert response.status_code == 302 and allowed(partnership)
    assert (
        'id="id_sso_staff_sign_in" checked'
        in client.get(f"/p/{partnership.slug}/members/").content.decode()
    )
    client.post(url, {})
    assert not allowed(partnership)


def test_a_member_cannot_change_it(member, login, partnership):
    response = login(member).post(
        f"/p/{partnership.slug}/members/sign-in/", {"sso_staff_sign_in": "on"}
    )
    assert response.status_code == 403 and not allowed(partnership)


def test_an_outsider_finds_nothing(outsider, login, partnership):
    response = login(outsider).post(
        f"/p/{partnership.slug}/members/sign-in/", {"sso_staff_sign_in": "on"}
    )
    assert response.status_code == 404 and not allowed(partnership)
