"""/changes/: what changed in the public glossary, newest first, filtered, in the reader's language."""

from datetime import timedelta

import pytest
from django.utils import timezone

from glossary import selectors, services
from glossary.models import Term
from tests.curation.changes_glossary import NOW, history, stamp  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def rows(response):
    return [(term.slug, term.change) for term in response.context["page"].object_list]


def test_changes_lists_public_terms_newest_first_with_what_happened_to_each(client, history):
    response = client.get("/changes/")
    assert response.status_code == 200
    assert rows(response) == [
        ("bard", "deprecated"), ("gemini", "created"), ("attention", "modified"), ("transformer", "created"),
    ]
    html = response.content.decode()
    assert '<a class="term-row-name" href="/terms/gemini/" lang="en" dir="auto">Gemini</a>' in html
    assert 'replaced by <a href="/terms/gemini/">Gemini</a>' in html
    assert '<time class="change-time" datetime="2026-11-19T12:00:00+00:00">12:00 UTC</time>' in html
    assert 'Thursday 19 November 2026' in html  # rows grouped by day
    assert '<a class="chip" href="/categories/models/" dir="auto">Models</a>' in html


def test_a_term_saved_again_within_ten_minutes_of_its_creation_still_reads_as_created(history):
    term = history["gemini"]
    stamp(term, created=NOW, updated=NOW + timedelta(minutes=10))
    assert selectors.term_changes().get(pk=term.pk).change == "created"
    stamp(term, created=NOW, updated=NOW + timedelta(minutes=10, seconds=1))
    assert selectors.term_changes().get(pk=term.pk).change == "modified"


def test_a_draft_published_days_after_it_was_written_is_new_the_day_it_is_published(client, history):
    draft = next(term for term in history["hidden"] if term.status == "draft")
    stamp(draft, created=NOW - timedelta(days=3))
    services.term_transition(term=Term.objects.get(pk=draft.pk), status="published", user=None)
    assert rows(client.get("/changes/"))[0] == (draft.slug, "created")
    services.term_transition(term=Term.objects.get(pk=draft.pk), status="deprecated", user=None)
    assert Term.objects.get(pk=draft.pk).published_at is not None  # the first publication stays


def test_a_deprecated_term_reads_as_deprecated_whenever_it_was_created(history):
    stamp(history["bard"], created=NOW)
    assert selectors.term_changes().get(pk=history["bard"].pk).change == "deprecated"


def test_an_edit_through_the_services_moves_a_term_to_the_top_as_modified(client, history):
    Term.objects.filter(pk=history["transformer"].pk).update(created_at=NOW - timedelta(days=3))
    services.term_update(term=Term.objects.get(pk=history["transformer"].pk), short_definition="Changed.")
    assert rows(client.get("/changes/"))[0] == ("transformer", "modified")


def test_no_draft_or_other_unpublished_term_is_listed_even_to_staff(client, history, staff_user):
    hidden = {term.slug for term in history["hidden"]}
    assert hidden
    for who in (None, staff_user):
        if who:
            client.force_login(who)
        response = client.get("/changes/")
        assert not hidden & {slug for slug, _ in rows(response)}
        assert "Hidden" not in response.content.decode()


def test_a_category_keeps_only_its_terms_and_names_itself(client, history):
    response = client.get("/changes/?category=concepts")
    assert rows(response) == [("attention", "modified"), ("transformer", "created")]
    assert "<h1>What changed in <bdi>Concepts</bdi></h1>" in response.content.decode()
    assert rows(client.get("/changes/?category=no-such-category")) == []


def test_from_and_to_are_days_both_included(client, history):
    assert [slug for slug, _ in rows(client.get("/changes/?from=2026-11-18"))] == ["bard", "gemini", "attention"]
    assert [slug for slug, _ in rows(client.get("/changes/?to=2026-11-18"))] == ["attention", "transformer"]
    assert [slug for slug, _ in rows(client.get("/changes/?from=2026-11-18&to=2026-11-18"))] == ["attention"]
    assert rows(client.get("/changes/?from=0001-01-01&to=9999-12-31")) == rows(client.get("/changes/"))


@pytest.mark.parametrize("query", ["from=yesterday", "to=2026-13-01", "from=2026-11-20&to=2026-11-01",
                                   "category=not a slug", "from=10000-01-01"])
def test_bad_filters_get_a_400_page_naming_them(client, history, query):
    response = client.get(f"/changes/?{query}")
    assert response.status_code == 400
    assert "That request is not valid" in response.content.decode()


def test_period_links_keep_the_category(client, history):
    html = client.get("/changes/?category=models").content.decode()
    assert '<a href="?category=models&amp;from=' in html
    assert "Past 30 days" in html
    week_ago = (timezone.localdate() - timedelta(days=6)).isoformat()
    html = client.get(f"/changes/?from={week_ago}").content.decode()
    assert f'<a href="?from={week_ago}" aria-current="page">Past 7 days</a>' in html


def test_names_and_definitions_come_in_the_readers_language(client, history):
    response = client.get("/changes/?lang=fi")
    html = response.content.decode()
    assert '<a class="term-row-name" href="/terms/transformer/?lang=fi" lang="fi" dir="auto">Muuntaja</a>' in html
    assert "Huomioon perustuva malli." in html
    assert "Gemini" in html  # no Finnish name: the glossary's
    assert 'href="/changes/feed/?lang=fi"' in html  # the feed link keeps the choice too
    html = client.get("/changes/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert ">Muuntaja</a>" in html


def test_the_page_and_the_home_page_announce_the_atom_feed_and_link_each_other(client, history):
    changes = client.get("/changes/?category=models").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" title="Glossary Graph — what changed in Models" ' \
           'href="/changes/feed/?category=models">' in changes
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" title="Glossary Graph — what changed" ' \
           'href="/changes/feed/">' in home
    assert '<a href="/changes/">All changes →</a>' in home
    assert '<a href="/changes/">What changed</a>' in home  # the footer of every page


def test_the_home_page_shows_the_latest_changes_in_the_readers_language(client, history):
    response = client.get("/?lang=fi")
    assert [term.slug for term in response.context["recent"]] == ["bard", "gemini", "attention", "transformer"]
    assert ">Muuntaja</a>" in response.content.decode()
    assert "Hidden" not in response.content.decode()


def test_changes_are_paginated(client, make_term):
    for i in range(30):
        make_term(f"Term {i:02d}")
    first, second = client.get("/changes/"), client.get("/changes/?page=2")
    assert len(first.context["page"].object_list) == 25 and len(second.context["page"].object_list) == 5
    assert '<a rel="next" href="?page=2">' in first.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_changes(client, make_term, history, django_assert_max_num_queries):
    # change log, count, page of terms + category, replacements, their labels, labels, definitions,
    # categories, the languages of the switcher
    with django_assert_max_num_queries(9) as few:
        client.get("/changes/")
    for i in range(20):
        term = make_term(f"Old {i}", status="deprecated", replaced_by=history["gemini"])
        stamp(term, created=NOW - timedelta(days=40))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/changes/").context["page"].object_list) == 24
