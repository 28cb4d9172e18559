"""The administration page: the administrators' pages behind one link in the header, so
that the header's navigation fits on one line."""

import pytest

from tiptracker.partnerships.models import Role


def url(partnership):
    return f"/p/{partnership.slug}/administration/"


def test_an_administrator_reaches_members_organisations_imports_and_surveys_from_it(
    admin, login, partnership
):
    html = login(admin).get(url(partnership)).content.decode()
    for page in ("members", "organisations", "imports", "feedback/surveys", "reports/template"):
        assert f'href="/p/{partnership.slug}/{page}/"' in html


def test_a_learning_and_development_officer_sees_only_the_pages_their_role_may_use(
    ld, login, partnership
):
    html = login(ld).get(url(partnership)).content.decode()
    assert f'href="/p/{partnership.slug}/imports/"' in html
    assert f'href="/p/{partnership.slug}/feedback/surveys/"' in html
    assert f'href="/p/{partnership.slug}/members/"' not in html


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LD_OFFICER])
def test_the_header_links_to_it_instead_of_to_each_page(persona, login, partnership, role):
    html = login(persona(role)).get(f"/p/{partnership.slug}/sessions/").content.decode()
    navigation = html[
        html.index('id="navigation"') : html.index("</nav>", html.index('id="navigation"'))
    ]
    assert ">Administration</a>" in navigation
    assert ">Imports</a>" not in navigation and ">Members</a>" not in navigation


@pytest.mark.parametrize("role", [Role.MANAGER, Role.STAFF, Role.BOARD, Role.LE_COORDINATOR])
def test_other_roles_have_no_link_to_it_and_are_refused(persona, login, partnership, role):
    client = login(persona(role))
    assert (
        ">Administration</a>" not in client.get(f"/p/{partnership.slug}/sessions/").content.decode()
    )
    assert client.get(url(partnership)).status_code == 403


def test_the_account_links_are_in_the_header_on_every_page(member, login, partnership):
    html = login(member).get("/account/").content.decode()
    header = html[: html.index("</header>")]
    assert ">Your account</a>" in header and ">Sign out</button>" in header
    assert ">Partnerships</a>" in header


def test_an_outsider_gets_not_found(outsider, login, partnership):
    assert login(outsider).get(url(partnership)).status_code == 404
