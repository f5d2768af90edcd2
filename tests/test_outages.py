"""Dependencies down: a cache outage costs speed only; a database outage is a quick 503."""

import logging
import time
from unittest import mock
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from django.db import OperationalError, connection
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from glossary import cache as resilient_cache
from glossary.settings import cache_from_url, database_from_url
from tests.servers import app_server, free_port, silent_peer

PAGES = ["/", "/terms/", "/terms/attention/", "/search/?q=att", "/api/terms/", "/api/terms/attention/", "/graph/"]


@pytest.fixture
def term(make_term):
    return make_term("Attention", short_definition="Weighing parts of the input.")


@pytest.fixture
def outage_reset():
    resilient_cache.outage.reset()
    yield
    resilient_cache.outage.reset()


def cache_warnings(caplog):
    return [r for r in caplog.records if r.name == "glossary.cache" and r.levelno == logging.WARNING]


@pytest.mark.parametrize("kind", ["refusing", "silent"])
def test_a_cache_outage_still_serves_every_page_and_warns_once(settings, caplog, outage_reset, term, kind):
    caplog.set_level(logging.WARNING, logger="glossary.cache")
    with silent_peer() as silent_port:
        port = silent_port if kind == "silent" else free_port()
        settings.CACHES = {"default": cache_from_url(f"redis://127.0.0.1:{port}/5")}
        client = Client()
        for _ in range(3):
            for url in PAGES:
                assert client.get(url).status_code == 200, url
    assert len(cache_warnings(caplog)) == 1
    assert "Cache unavailable" in cache_warnings(caplog)[0].getMessage()


def test_after_a_failure_the_cache_is_left_alone_for_a_while(settings, outage_reset):
    settings.CACHES = {"default": cache_from_url("redis://127.0.0.1:6379/5")}
    from django.core.cache import cache

    with mock.patch("redis.connection.Connection.connect", side_effect=RedisConnectionError("down")) as connect:
        assert cache.get("a", "missed") == "missed"  # the process now serves without the cache a while
        assert cache.get("b") is None
        cache.set("c", 1)
    assert connect.call_count == 1


def test_a_working_redis_cache_still_caches(settings, outage_reset, term):
    settings.CACHES = {"default": cache_from_url("redis://127.0.0.1:6379/5")}
    from django.core.cache import cache

    cache.set("probe", "value", 5)
    if cache.get("probe") != "value":
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert Client().get("/api/health/").json()["cache"] == {"status": "ok"}


def test_health_reports_database_and_cache(client, db):
    response = client.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": {"status": "ok"}, "cache": {"status": "ok"}}
    assert response["Cache-Control"] == "no-store"


def test_health_with_the_cache_down_is_degraded_but_up(client, settings, outage_reset, db):
    settings.CACHES = {"default": cache_from_url(f"redis://127.0.0.1:{free_port()}/5")}
    response = client.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": {"status": "ok"}, "cache": {"status": "unavailable"}}


def test_health_with_the_database_down_is_503(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/api/health/")
    assert response.status_code == 503
    assert response.json()["database"] == {"status": "unavailable"}
    assert response.json()["status"] == "unavailable"
    assert response["Retry-After"]


def test_a_database_error_in_a_page_is_a_503_page_with_retry_after(db):
    client = Client(raise_request_exception=False)
    with mock.patch("glossary.selectors.term_list", side_effect=OperationalError("server closed the connection")):
        page = client.get("/terms/")
        api = client.get("/api/terms/")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "Temporarily unavailable" in page.content.decode()
    assert api.status_code == 503 and api["Retry-After"] == "30"
    assert api.json() == {"detail": "The glossary's database cannot be reached at the moment; please try again shortly."}


def test_any_other_error_is_still_a_plain_500(db):
    client = Client(raise_request_exception=False)
    with mock.patch("glossary.selectors.term_list", side_effect=ZeroDivisionError):
        response = client.get("/api/terms/")
    assert response.status_code == 500 and "Retry-After" not in response


def test_postgres_connections_time_out_and_sqlite_waits_for_the_writer():
    options = database_from_url("postgres://u@db.example:5432/g")["OPTIONS"]
    assert options["connect_timeout"] == 3
    assert options["options"] == "-c statement_timeout=15000"
    assert options["tcp_user_timeout"] == 5000 and options["keepalives"] == 1
    sqlite = database_from_url("sqlite:////tmp/x.sqlite3")["OPTIONS"]
    assert "journal_mode=WAL" in sqlite["init_command"]
    assert sqlite["transaction_mode"] == "IMMEDIATE" and sqlite["timeout"] == 5


def fetch(url):
    """(status, headers, body, seconds) of a GET, whatever the status."""
    started = time.monotonic()
    try:
        with urlopen(url, timeout=20) as response:
            return response.status, response.headers, response.read().decode(), time.monotonic() - started
    except HTTPError as error:
        return error.code, error.headers, error.read().decode(), time.monotonic() - started


@pytest.mark.parametrize("database", ["silent", "refusing"])
def test_a_server_whose_database_is_down_answers_503_within_5_seconds(database):
    with silent_peer() as silent_port:
        port = silent_port if database == "silent" else free_port()
        env = {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/glossary"}
        with app_server(env) as base:
            for path, kind in [("/", "text/html"), ("/api/terms/", "application/json"), ("/api/health/", "application/json")]:
                status, headers, body, seconds = fetch(base + path)
                assert status == 503, (path, body)
                assert seconds < 5, (path, seconds)
                assert headers["Retry-After"] == "30"
                assert headers["Content-Type"].startswith(kind), path
