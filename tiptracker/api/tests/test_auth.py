"""Signing in to the API: a token for scripts, the session for a browser; the schema and
its documentation page need one or the other too."""

from rest_framework.test import APIClient

from tiptracker.accounts.models import ApiToken
from tiptracker.accounts.services import api_token_create, api_token_revoke


def test_a_script_signs_in_with_a_bearer_token(admin, partnership):
    _token, key = api_token_create(user=admin.user, name="nightly export")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get("/api/partnerships/")
    assert response.status_code == 200
    assert response.json()["results"][0]["slug"] == partnership.slug
    assert ApiToken.objects.get(pk=_token.pk).last_used_at is not None


def test_a_wrong_token_is_401_with_a_message(admin):
    api_token_create(user=admin.user, name="real")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer tip_not-a-real-token")
    response = client.get("/api/partnerships/")
    assert response.status_code == 401
    assert response.json() == {"detail": "The token is not valid."}


def test_a_revoked_token_no_longer_works(admin):
    token, key = api_token_create(user=admin.user, name="old")
    api_token_revoke(user=admin.user, token_id=token.pk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/partnerships/").status_code == 401


def test_a_malformed_authorization_header_is_401(admin):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer two words")
    response = client.get("/api/partnerships/")
    assert response.status_code == 401
    assert "Bearer <token>" in response.json()["detail"]


def test_a_signed_in_browser_uses_its_session(admin, login, partnership):
    response = login(admin).get(f"/api/partnerships/{partnership.slug}/courses/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_the_schema_needs_a_sign_in(client, admin, login):
    assert client.get("/api/schema/?format=json").status_code == 401
    schema = login(admin).get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/partnerships/{slug}/coverage/" in schema["paths"]


def test_the_docs_page_sends_someone_not_signed_in_to_the_login_page(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_docs_page_lists_every_operation_and_links_the_schema(admin, login):
    response = login(admin).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    schema = login(admin).get("/api/schema/?format=json").json()
    for path, methods in schema["paths"].items():
        for _method, operation in methods.items():
            assert f"<code>{path}</code>" in html
            assert operation["summary"].replace("'", "&#x27;") in html, operation["operationId"]
    assert 'href="/api/schema/?format=json"' in html
    assert "<code>as_of</code>" in html and "<code>completed_on</code>" in html
    # Our own page under the strict policy: no CDN, no inline script.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "cdn" not in html.lower() and "<script>" not in html


def test_the_schema_survives_requests_arriving_together(admin):
    # drf-spectacular's generator is not safe to run in two threads at once, and gunicorn
    # runs threads: the schema is made under a lock. (Requests are built without the
    # database, which an in-memory test database cannot share between threads.)
    from concurrent.futures import ThreadPoolExecutor

    from rest_framework.test import APIRequestFactory, force_authenticate

    from tiptracker.api import views

    def fetch(_n):
        request = APIRequestFactory().get("/api/schema/", {"format": "json"})
        force_authenticate(request, user=admin.user)
        response = views.SchemaApi.as_view()(request)
        response.render()
        return response.status_code

    def docs(_n):
        views._generated_schema.cache_clear()
        return len(views.api_schema_dict()["paths"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(fetch, range(16))) == [200] * 16
        assert len(set(pool.map(docs, range(16)))) == 1
