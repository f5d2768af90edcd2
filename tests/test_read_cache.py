"""The anonymous response cache: never stale, never shared with signed-in readers."""

import pytest
from rest_framework.authtoken.models import Token

from glossary import services
from glossary.models import TermStatus


@pytest.fixture
def term(make_term):
    return make_term("Attention", short_definition="Weighing parts of the input.")


def test_a_write_is_seen_by_the_next_anonymous_read(client, term):
    assert "Weighing parts" in client.get("/terms/attention/").content.decode()
    services.term_update(term=term, short_definition="Focusing on the relevant tokens.")
    page = client.get("/terms/attention/").content.decode()
    assert "Focusing on the relevant tokens" in page and "Weighing parts" not in page


def test_api_reads_are_fresh_after_a_write(client, term, make_term):
    assert client.get("/api/terms/").json()["count"] == 1
    make_term("Transformer")
    assert client.get("/api/terms/").json()["count"] == 2


def test_staff_never_get_the_anonymous_copy(client, term, make_term, staff_user):
    make_term("Secret draft", status=TermStatus.DRAFT)
    assert client.get("/api/terms/").json()["count"] == 1
    token = Token.objects.create(user=staff_user).key
    assert client.get("/api/terms/", HTTP_AUTHORIZATION=f"Token {token}").json()["count"] == 2
    client.force_login(staff_user)
    assert client.get("/api/terms/").json()["count"] == 2


def test_a_staff_page_is_not_served_to_anonymous_readers(client, term, staff_user):
    client.force_login(staff_user)
    assert "Edit in admin" in client.get("/terms/attention/").content.decode()
    client.logout()
    assert "Edit in admin" not in client.get("/terms/attention/").content.decode()


def test_errors_are_not_cached(client, make_term):
    assert client.get("/terms/attention/").status_code == 404
    make_term("Attention")
    assert client.get("/terms/attention/").status_code == 200


def test_different_hosts_get_their_own_absolute_links(client, make_term, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    for i in range(3):
        make_term(f"T{i}")
    first = client.get("/api/terms/?page_size=1", HTTP_HOST="a.example").json()["next"]
    second = client.get("/api/terms/?page_size=1", HTTP_HOST="b.example").json()["next"]
    assert first.startswith("http://a.example/") and second.startswith("http://b.example/")


def test_an_anonymous_graph_page_looks_at_the_change_log_once(client, term, make_term, relate, related_to):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    relate(term, related_to, make_term("Transformer"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/graph/attention/").status_code == 200
    log_reads = [q for q in queries.captured_queries if "glossary_change" in q["sql"]]
    assert len(log_reads) == 1


def test_a_redirect_with_a_message_lands_on_a_page_showing_it(client, term):
    client.get("/terms/attention/")  # the page is now in the anonymous cache
    response = client.get("/terms/attention/path/", {"to": "No such thing"}, follow=True)
    assert response.redirect_chain[-1][1] == 302
    assert "No term named “No such thing”" in response.content.decode()
    # Shown once: the next pages do not carry it, and they are served from the cache again.
    assert "No term named" not in client.get("/terms/").content.decode()
    assert "No term named" not in client.get("/terms/attention/").content.decode()


def test_a_page_showing_a_message_is_not_stored_for_other_readers(client, term):
    from django.test import Client

    client.get("/terms/attention/path/", {"to": "No such thing"}, follow=True)
    assert "No term named" not in Client().get("/terms/attention/").content.decode()


def test_a_signed_in_term_page_looks_at_the_change_log_once(client, staff_user, term, make_term, relate, related_to):
    """Signed-in reads are never cached whole, but they write nothing either: one look serves the
    graphs (mini graph, trees, learning link) and the kept values (languages, counts)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    relate(term, related_to, make_term("Transformer"))
    client.force_login(staff_user)
    for url in ("/terms/attention/", "/", "/api/terms/attention/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        log_reads = [q for q in queries.captured_queries if "glossary_change" in q["sql"]]
        assert len(log_reads) == 1, (url, len(log_reads))


def test_a_page_cached_by_one_build_is_not_served_by_the_next(client, term, monkeypatch):
    """After a deploy, the page cache (Redis, or make run's file cache) would otherwise serve for
    up to ten minutes the HTML the old code rendered, naming static files by their old hashes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from glossary import middleware

    def queries_to_serve():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/terms/attention/").status_code == 200
        return len(queries.captured_queries)

    monkeypatch.setattr(middleware, "build_token", lambda: "build-1")
    rendered = queries_to_serve()
    assert queries_to_serve() == 1 < rendered  # from the cache: one look at the log
    monkeypatch.setattr(middleware, "build_token", lambda: "build-2")
    assert queries_to_serve() > 1


def test_the_build_digest_follows_the_files_contents_not_their_order(tmp_path):
    from glossary.cache import build_token, digest_of_files

    template, code = tmp_path / "page.html", tmp_path / "views.py"
    template.write_text("<p>{{ name }}</p>")
    code.write_text("x = 1")
    before = digest_of_files([template, code])
    assert digest_of_files([code, template]) == before
    template.write_text("<p dir=auto>{{ name }}</p>")
    assert digest_of_files([template, code]) != before
    assert build_token() == build_token() and len(build_token()) == 16


def test_a_kept_value_is_computed_again_by_the_next_build(db, monkeypatch):
    """Values kept until the next change are pickled: a deploy does not read back the old code's."""
    from glossary import changelog

    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    monkeypatch.setattr(changelog, "build_token", lambda: "build-1")
    assert changelog.kept_until_next_change("test-kept", compute) == 1
    assert changelog.kept_until_next_change("test-kept", compute) == 1  # kept
    monkeypatch.setattr(changelog, "build_token", lambda: "build-2")
    assert changelog.kept_until_next_change("test-kept", compute) == 2
