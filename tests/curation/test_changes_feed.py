"""The Atom feed of what changed: valid Atom, the page's selection, absolute links, all escaped."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from glossary import services
from glossary.models import Term
from tests.curation.changes_glossary import NOW, history, stamp  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entries(feed):
    return feed.findall(f"{ATOM}entry")


def test_the_feed_is_valid_atom_with_an_entry_per_change_newest_first(client, history):
    feed = parse(client.get("/changes/feed/"))
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.find(f"{ATOM}title").text == "Glossary Graph — what changed"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/changes/"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/changes/feed/"
    assert feed.find(f"{ATOM}updated").text == "2026-11-19T12:00:00+00:00"
    assert [entry.find(f"{ATOM}title").text for entry in entries(feed)] == ["Bard", "Gemini", "Attention", "Transformer"]
    bard = entries(feed)[0]
    for required in ("id", "title", "updated", "link"):
        assert bard.find(f"{ATOM}{required}") is not None, required
    assert bard.find(f"{ATOM}link").get("href") == "http://testserver/terms/bard/"
    assert bard.find(f"{ATOM}id").text == "http://testserver/terms/bard/#changed-20261119T120000.000000Z"
    assert bard.find(f"{ATOM}published").text == "2026-10-21T12:00:00+00:00"
    assert bard.find(f"{ATOM}updated").text == "2026-11-19T12:00:00+00:00"
    assert bard.find(f"{ATOM}summary").text == "Deprecated; use Gemini instead. Old name of Gemini."
    assert bard.find(f"{ATOM}category").get("term") == "Models"


def test_a_term_changed_again_is_a_new_entry(client, history):
    first = entries(parse(client.get("/changes/feed/")))[3].find(f"{ATOM}id").text
    services.term_update(term=Term.objects.get(pk=history["transformer"].pk), short_definition="Changed.")
    latest = entries(parse(client.get("/changes/feed/")))[0]
    assert latest.find(f"{ATOM}title").text == "Transformer"
    assert latest.find(f"{ATOM}summary").text == "Modified. Changed."
    assert latest.find(f"{ATOM}id").text != first


def test_no_draft_or_other_unpublished_term_is_in_the_feed_for_anyone(client, history, staff_user):
    for who in (None, staff_user):
        if who:
            client.force_login(who)
        response = client.get("/changes/feed/")
        assert len(entries(parse(response))) == 4
        assert b"Hidden" not in response.content and b"draft" not in response.content


def test_the_category_filter_applies_and_names_the_feed(client, history):
    feed = parse(client.get("/changes/feed/?category=concepts"))
    assert feed.find(f"{ATOM}title").text == "Glossary Graph — what changed in Concepts"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/changes/?category=concepts"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/changes/feed/?category=concepts"
    assert [entry.find(f"{ATOM}title").text for entry in entries(feed)] == ["Attention", "Transformer"]
    assert entries(parse(client.get("/changes/feed/?category=nothing-here"))) == []


def test_bad_filters_are_a_400(client, history):
    assert client.get("/changes/feed/?from=someday").status_code == 400


def test_names_come_in_the_readers_language_and_links_keep_it(client, history):
    feed = parse(client.get("/changes/feed/?lang=fi"))
    assert feed.get(XML_LANG) == "fi"
    transformer = entries(feed)[3]
    assert transformer.find(f"{ATOM}title").text == "Muuntaja"
    assert transformer.find(f"{ATOM}summary").text == "Created. Huomioon perustuva malli."
    assert transformer.find(f"{ATOM}link").get("href") == "http://testserver/terms/transformer/?lang=fi"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/changes/?lang=fi"


def test_names_and_definitions_are_escaped(client, make_term):
    name = "<script>alert(1)</script> & <b>co</b>"
    make_term(name, short_definition='<img src=x onerror="alert(2)"> & more')
    response = client.get("/changes/feed/")
    assert b"<script>" not in response.content and b"<img" not in response.content and b"<b>" not in response.content
    entry = entries(parse(response))[0]
    assert entry.find(f"{ATOM}title").text == name  # text: shown as written
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # HTML that a feed reader shows as the text itself
    assert summary.text == "Created. &lt;img src=x onerror=&quot;alert(2)&quot;&gt; &amp; more"


def test_the_feed_has_at_most_fifty_entries_in_a_constant_number_of_queries(client, make_term, history,
                                                                             django_assert_max_num_queries):
    # change log, terms + category, replacements, their labels, labels, definitions
    with django_assert_max_num_queries(6) as few:
        client.get("/changes/feed/")
    for i in range(60):
        stamp(make_term(f"Old {i}", status="deprecated", replaced_by=history["gemini"]), created=NOW - timedelta(days=40))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(entries(parse(client.get("/changes/feed/")))) == 50
