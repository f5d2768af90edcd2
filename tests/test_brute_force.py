"""Password guessing is slowed down (API token throttle) and stopped (lockout after repeated failures)."""

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from glossary import cache as resilient_cache
from glossary.settings import cache_from_url
from tests.servers import free_port

TOKEN_URL = "/api/auth/token/"


def token_attempt(client, username, password):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_the_token_endpoint_is_throttled_per_address(db):
    client = APIClient()
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth-token"].split("/")[0])
    # Different user names each time: the throttle, not the per-user lockout, stops this.
    statuses = [token_attempt(client, f"guess-{i}", "wrong").status_code for i in range(allowed + 1)]
    assert statuses[:allowed] == [401] * allowed
    assert statuses[-1] == 429
    response = token_attempt(client, "guess-x", "wrong")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_repeated_wrong_passwords_lock_the_user_out_of_the_token_endpoint(editor):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token_attempt(client, "editor", "wrong").status_code == 401
    assert token_attempt(client, "editor", "wrong").status_code == 429
    locked = token_attempt(client, "editor", "editor-pass-123")  # even the right password, now
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.json()["detail"]


def test_the_token_response_is_never_stored(editor):
    for password in ("editor-pass-123", "wrong"):
        response = token_attempt(APIClient(), "editor", password)
        assert "no-store" in response["Cache-Control"], password


def test_the_token_endpoint_works_with_the_cache_down(editor, settings):
    resilient_cache.outage.reset()
    settings.CACHES = {"default": cache_from_url(f"redis://127.0.0.1:{free_port()}/5")}
    try:
        response = token_attempt(APIClient(), "editor", "editor-pass-123")
    finally:
        resilient_cache.outage.reset()
    assert response.status_code == 200 and response.json()["token"]


def admin_login(client, password):
    return client.post("/admin/login/?next=/admin/", {"username": "admin", "password": password})


def test_repeated_wrong_admin_passwords_lock_the_login_with_a_clear_page(staff_user):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "wrong").status_code == 200  # the form again, with its error
    locked = admin_login(client, "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed sign-ins" in page and "for 15 minutes" in page
    # Even the right password is refused now, and nobody is signed in.
    again = admin_login(client, "admin-pass-123")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_admin_login_resets_the_failure_count(staff_user):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        admin_login(client, "wrong")
    assert admin_login(client, "admin-pass-123").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "wrong").status_code == 200
    assert admin_login(client, "admin-pass-123").status_code == 302


@pytest.mark.parametrize("variable, value, setting", [
    ("DJANGO_LOGIN_FAILURE_LIMIT", "3", "AXES_FAILURE_LIMIT"),
    ("API_TOKEN_THROTTLE_RATE", "2/minute", "REST_FRAMEWORK"),
])
def test_the_limits_come_from_the_environment(variable, value, setting):
    import subprocess
    import sys

    from tests.servers import PRODUCTION_LIKE_ENV, ROOT

    code = f"from django.conf import settings; print(repr(settings.{setting}))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**PRODUCTION_LIKE_ENV, "PATH": "/usr/bin:/bin", variable: value,
             "DATABASE_URL": "sqlite:////tmp/glossary-settings-check.sqlite3"},
    )
    assert value in result.stdout, result.stderr


def test_the_schema_documents_the_refusal_of_too_many_attempts(client, db):
    schema = client.get("/api/schema/?format=json").json()
    assert "429" in schema["paths"]["/api/auth/token/"]["post"]["responses"]
