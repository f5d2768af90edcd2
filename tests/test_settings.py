"""Settings come from the environment; production settings pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "q7Zr0mH3vX9pL2sK8wT4yB6nC1dF5gJ0aE3uI7oP9rS2tV4xZ6-a_b",
    "DJANGO_ALLOWED_HOSTS": "glossary.example.org",
    "DATABASE_URL": "sqlite:////tmp/glossary-deploy-check.sqlite3",
}


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
        capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_with_production_settings_reports_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_startup_without_secret_key_and_without_debug_fails_saying_what_to_set():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_mode_runs_without_a_secret_key():
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"]}
    result = run_manage("check", env=env)
    assert result.returncode == 0, result.stderr


def test_cache_url_selects_redis_that_fails_soft_with_short_timeouts():
    from glossary.settings import cache_from_url

    config = cache_from_url("redis://127.0.0.1:6379/1")
    assert config["BACKEND"] == "glossary.cache.ResilientRedisCache"
    assert config["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert config["OPTIONS"] == {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
    assert cache_from_url("")["BACKEND"].endswith("LocMemCache")


def secure_settings(env):
    code = ("from django.conf import settings as s; "
            "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)")
    result = run_manage("shell", "-v0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_is_https_only_unless_told_it_serves_plain_http():
    assert secure_settings(PRODUCTION_ENV) == ["True", "True", "True", "31536000"]
    # `make run` serves http://127.0.0.1:8000: no redirect to https, cookies a browser sends over http.
    assert secure_settings({**PRODUCTION_ENV, "DJANGO_HTTPS": "0"}) == ["False", "False", "False", "0"]


def test_the_migrations_match_the_models(db):
    """A model (or simple-history) change without its migration would leave databases behind the code."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        raise AssertionError(f"models changed without a migration:\n{out.getvalue()}")
