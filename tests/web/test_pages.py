"""The browse pages: what each shows, to whom, and with which status."""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from glossary import services

pytestmark = pytest.mark.django_db


class HeadParser(HTMLParser):
    """Collects the <title>, meta description and canonical link of a page."""

    def __init__(self):
        super().__init__()
        self.title, self.description, self.canonical, self._in_title = "", None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head_of(response):
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def test_home_shows_totals_categories_recent_terms_and_an_a_to_z_index_with_empty_letters_disabled(client, glossary):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    totals = response.context["totals"]
    assert totals == {"terms": 6, "relations": 3, "references": 1}
    assert '<a href="/terms/?letter=G"' in html
    assert '<span aria-disabled="true" title="No terms starting with Z">Z</span>' in html
    assert '<span aria-disabled="true" title="No terms starting with S">S</span>' in html  # only a draft
    assert [c.name for c in response.context["categories"]] == ["Concept", "Model"]
    assert "Secret draft" not in html
    assert 'aria-label="Featured graph"' in html or "featured-graph" in html


def test_every_page_has_a_title_a_meta_description_and_a_canonical_url(client, glossary):
    titles = set()
    for url in ["/", "/terms/", "/terms/gpt-4/", "/categories/", "/categories/model/", "/search/?q=model"]:
        response = client.get(url)
        head = head_of(response)
        assert response.status_code == 200, url
        assert "Glossary Graph" in head.title, url
        assert head.description.strip(), url
        assert head.canonical == "http://testserver" + url.split("?")[0], url
        titles.add(head.title)
    assert len(titles) == 6


def test_term_page_shows_definition_aliases_with_kind_category_and_metadata(client, glossary):
    response = client.get("/terms/large-language-model/")
    html = response.content.decode()
    head = head_of(response)
    assert head.title == "Large language model — Glossary Graph"
    assert head.description == "A foundation model for text."
    assert '<span class="alias" lang="en" dir="auto">LLM</span> <span class="alias-kind">abbreviation' in html
    assert 'href="/categories/concept/"' in html
    assert "Edit in admin" not in html


def test_term_page_lists_outgoing_relations_under_the_label_and_incoming_under_the_inverse_label(client, glossary):
    fm = client.get("/terms/foundation-model/")
    groups = [(g.label, g.direction, [i["term"].name for i in g.terms]) for g in fm.context["relation_groups"]]
    assert groups == [("has instance", "in", ["GPT-4"]), ("has subtype", "in", ["Large language model"])]
    assert '<span aria-hidden="true">←</span> has instance</span>' in fm.content.decode()
    gpt4 = client.get("/terms/gpt-4/")
    groups = [(g.label, g.direction, [i["term"].name for i in g.terms]) for g in gpt4.context["relation_groups"]]
    assert groups == [("is an instance of", "out", ["Foundation model"])]
    html = gpt4.content.decode()
    assert '<span aria-hidden="true">→</span> is an instance of</span>' in html
    assert "A general-purpose model." in html


def test_a_symmetric_relation_shows_once_under_its_label_on_both_terms(client, glossary):
    for slug, other in [("retrieval-augmented-generation", "Large language model"), ("large-language-model", "Retrieval-augmented generation")]:
        groups = client.get(f"/terms/{slug}/").context["relation_groups"]
        related = [g for g in groups if g.type_slug == "related-to"]
        assert len(related) == 1 and related[0].direction == "both"
        assert [item["term"].name for item in related[0].terms] == [other]


def test_deprecated_term_shows_a_banner_linking_its_replacement(client, glossary):
    html = client.get("/terms/bard/").content.decode()
    assert 'class="notice notice-deprecated"' in html
    assert 'Use <a href="/terms/gemini/" dir="auto">Gemini</a> instead.' in html


def test_references_show_kind_and_host(client, glossary):
    html = client.get("/terms/large-language-model/").content.decode()
    assert '<span class="badge badge-kind">Paper</span>' in html
    assert '<a href="https://arxiv.org/abs/1706.03762" rel="nofollow noopener">Attention is all you need</a>' in html
    assert '<span class="muted host">arxiv.org</span>' in html


def test_staff_see_an_edit_in_admin_link(client, glossary, staff_user):
    client.force_login(staff_user)
    html = client.get("/terms/gpt-4/").content.decode()
    assert f'href="{reverse("admin:glossary_term_change", args=[glossary["gpt4"].pk])}"' in html


def test_a_draft_is_a_404_for_visitors_and_readers_but_visible_to_staff(client, glossary, reader, staff_user):
    assert client.get("/terms/secret-draft/").status_code == 404
    client.force_login(reader)
    assert client.get("/terms/secret-draft/").status_code == 404
    client.force_login(staff_user)
    response = client.get("/terms/secret-draft/")
    assert response.status_code == 200
    assert "Only staff can see this term" in response.content.decode()


def test_drafts_appear_nowhere_for_anonymous_visitors(client, glossary, relate, related_to):
    relate(glossary["draft"], related_to, glossary["gpt4"])
    for url in ["/", "/terms/", "/terms/?letter=S", "/terms/?status=draft", "/search/?q=secret",
                "/categories/", "/terms/gpt-4/", "/search/?q=draft"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Secret draft" not in response.content.decode(), url


def test_unknown_term_gives_a_404_page_in_the_site_layout(client, db):
    response = client.get("/terms/no-such-term/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Not found — Glossary Graph</title>" in html
    assert 'class="site-header"' in html and 'role="search"' in html


def test_term_list_filters_by_letter_category_and_query_and_paginates(client, glossary, make_term):
    names = lambda r: [t.name for t in r.context["page"]]  # noqa: E731
    assert names(client.get("/terms/")) == ["Bard", "Foundation model", "Gemini", "GPT-4", "Large language model", "Retrieval-augmented generation"]
    assert names(client.get("/terms/?letter=g")) == ["Gemini", "GPT-4"]
    assert names(client.get("/terms/?category=model")) == ["Bard", "Gemini", "GPT-4"]
    assert names(client.get("/terms/?q=rag"))[0] == "Retrieval-augmented generation"
    for n in range(30):
        make_term(f"Zeta {n:02d}")
    first, second = client.get("/terms/?letter=Z"), client.get("/terms/?letter=Z&page=2")
    assert len(first.context["page"]) == 25 and len(second.context["page"]) == 5
    assert 'href="?letter=Z&amp;page=2"' in first.content.decode()


def test_the_a_to_z_index_files_names_of_any_script_under_their_own_letters(client, glossary, make_term):
    """Names sort and file as readers of the glossary's language expect (ICU's collation and
    alphabetic index): in English, Ä, É and Ö are A, E and O with accents, and "bétail" comes before
    "bovin" (by code point, É was a letter after Z and "bétail" came after "bovin"). A Greek or a
    Russian name is filed under its own letter, in capitals whatever its case, after A–Z."""
    for name in ("Äly", "Λόγος", "ёлка", "Ёж", "Öljy", "Élan", "Eagle", "bovin", "bétail"):
        make_term(name)
    html = client.get("/").content.decode()
    index = re.findall(r'(?:aria-label="T|title="No t)erms starting with (.)"', html)  # with or without terms
    assert index[index.index("Z") + 1:] == ["Λ", "Е"], index  # Cyrillic Е, which Ё is filed under in Russian
    # …on a row of their own, so a Greek Ε is never seen beside the Latin E.
    assert '<li class="az-row"><a href="/terms/?letter=%CE%9B"' in html  # Λ, its link encoded
    names = lambda r: [t.name for t in r.context["page"]]  # noqa: E731
    response = client.get("/terms/?letter=λ")
    assert names(response) == ["Λόγος"] and response.context["letter"] == "Λ"
    response = client.get("/terms/?letter=ё")
    assert names(response) == ["Ёж", "ёлка"] and response.context["letter"] == "Е"
    response = client.get("/terms/?letter=Ä")  # the letter as the index files it
    assert "Äly" in names(response) and response.context["letter"] == "A"
    assert names(client.get("/terms/?letter=e"))[:2] == ["Eagle", "Élan"]
    b = names(client.get("/terms/?letter=b"))
    assert b.index("bétail") < b.index("bovin")
    assert names(client.get("/terms/?q=λογος&letter=λ")) == ["Λόγος"]  # the search keeps the letter too
    assert names(client.get("/terms/?q=elan&letter=e")) == ["Élan"]
    assert client.get("/terms/?letter=%E2%82%AC").status_code == 200  # €: nothing starts with it
    ordered = [t["name"] for t in client.get("/api/terms/", {"ordering": "name", "page_size": 100}).json()["results"]]
    assert ordered.index("bétail") < ordered.index("bovin") < ordered.index("Eagle") < ordered.index("Élan")


def test_a_finnish_glossary_files_a_with_dots_under_a_letter_of_its_own(client, settings, make_term):
    """Finnish (like Swedish) has Å, Ä and Ö as letters after Z: the index offers them, in
    the order of the alphabet, and does not file "Äly" under A."""
    settings.GLOSSARY_LANGUAGE = "fi"
    for name in ("Äly", "Aalto", "Öljy", "Zeta", "Ovi"):
        make_term(name)
    html = client.get("/").content.decode()
    index = re.findall(r'(?:aria-label="T|title="No t)erms starting with (.)"', html)
    assert index[index.index("Z") + 1:] == ["Å", "Ä", "Ö"], index
    assert 'title="No terms starting with Å"' in html and 'aria-label="Terms starting with Ä"' in html
    names = lambda r: [t.name for t in r.context["page"]]  # noqa: E731
    assert names(client.get("/terms/?letter=a")) == ["Aalto"]
    assert names(client.get("/terms/?letter=ä")) == ["Äly"]
    assert names(client.get("/terms/")) == ["Aalto", "Ovi", "Zeta", "Äly", "Öljy"]


def test_a_name_that_starts_with_a_quotation_mark_has_a_working_button_after_the_letters_and_digits(
        client, glossary, make_term):
    make_term("“Fair trade” & <organic> labels")
    make_term("3D printing")
    make_term("½ measure")  # neither a letter nor a digit, yet a character of its own
    html = client.get("/").content.decode()
    index = re.findall(r'aria-label="Terms starting with (.)">', html)
    assert index[-3:] == ["½", "3", "“"], index  # numbers in the order of their values
    response = client.get("/terms/", {"letter": "“"})
    assert response.status_code == 200
    assert [t.name for t in response.context["page"]] == ["“Fair trade” & <organic> labels"]
    assert client.get("/api/terms/", {"letter": "“"}).json()["count"] == 1
    assert client.get("/terms/", {"letter": "!!"}).status_code == 400


def test_term_list_rows_show_aliases_category_and_short_definition(client, glossary):
    html = client.get("/terms/?letter=L").content.decode()
    assert '<span class="alias" dir="auto">LLM</span>' in html
    assert '<a class="chip" href="/categories/concept/" dir="auto">Concept</a>' in html
    assert "A foundation model for text." in html


def test_status_filter_is_for_staff_only(client, glossary, staff_user):
    assert [t.name for t in client.get("/terms/?status=draft").context["page"]] != ["Secret draft"]
    client.force_login(staff_user)
    assert [t.name for t in client.get("/terms/?status=draft").context["page"]] == ["Secret draft"]
    assert [t.name for t in client.get("/terms/?status=deprecated").context["page"]] == ["Bard"]


@pytest.mark.parametrize(
    "query, field",
    [("letter=%21%21", "letter"), ("status=gone", "status"), ("category=no%20slug!", "category")],
)
def test_bad_list_parameters_get_a_400_naming_the_parameter(client, glossary, query, field):
    response = client.get(f"/terms/?{query}")
    assert response.status_code == 400
    assert f"<strong>{field}</strong>" in response.content.decode()


def test_a_very_long_filter_text_is_cut_rather_than_refused(client, glossary):
    # What is typed into a search box is never a bad request (issue 11): it finds something or nothing.
    response = client.get("/terms/", {"q": "foundation " + "x" * 300})
    assert response.status_code == 200
    assert len(response.context["form"].cleaned_data["q"]) == 200


def test_categories_page_lists_categories_with_counts_of_visible_terms(client, glossary):
    services.category_update(category=glossary["concepts"], description="Ideas.")
    response = client.get("/categories/")
    counts = {c.name: c.term_count for c in response.context["categories"]}
    assert counts == {"Concept": 2, "Model": 3}
    assert "Ideas." in response.content.decode()


def test_category_page_lists_its_terms(client, glossary):
    response = client.get("/categories/model/")
    assert [t.name for t in response.context["page"]] == ["Bard", "Gemini", "GPT-4"]
    assert client.get("/categories/nope/").status_code == 404


def test_how_is_this_related_form_opens_the_path_page_resolving_names_and_aliases(client, glossary):
    for typed in ["Retrieval-augmented generation", "rag", "retrieval-augmented-generation"]:
        response = client.get("/terms/gpt-4/path/", {"to": typed})
        assert response.status_code == 302
        assert response["Location"] == "/graph/path/?from=gpt-4&to=retrieval-augmented-generation"


def test_how_is_this_related_form_with_an_unknown_name_goes_back_with_a_message(client, glossary):
    response = client.get("/terms/gpt-4/path/", {"to": "Secret draft"}, follow=True)
    assert response.redirect_chain[-1][0] == "/terms/gpt-4/#path"
    assert "No term named “Secret draft”" in response.content.decode()


def test_term_page_query_count_does_not_grow_with_relations(client, glossary, make_term, relate, related_to):
    url = "/terms/large-language-model/"
    client.get(url)  # warm the graph app's caches, which its own tests count
    cache.clear()  # measure the view, not the anonymous response cache
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        relate(make_term(f"Neighbour {n}"), related_to, glossary["llm"])
        services.reference_create(title=f"Ref {n}", url=f"https://example.org/{n}", terms=[glossary["llm"]])
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    related = [g for g in response.context["relation_groups"] if g.type_slug == "related-to"]
    assert len(related[0].terms) == 13 and len(response.context["references"]) == 13
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_a_term_page_says_which_deprecated_terms_it_replaces(client, glossary):
    html = client.get("/terms/gemini/").content.decode()
    assert 'class="notice notice-replaces"' in html
    assert 'Replaces <a href="/terms/bard/" dir="auto">Bard</a> <span class="badge badge-deprecated">deprecated</span>' in html
    assert "notice-replaces" not in client.get("/terms/gpt-4/").content.decode()


def test_relation_cards_do_not_repeat_the_terms_own_name(client, glossary):
    html = client.get("/terms/foundation-model/").content.decode()
    headings = re.findall(r'<section class="relation-group.*?<h3>(.*?)</h3>', html, re.S)
    assert len(headings) == 2
    assert all("Foundation model" not in heading for heading in headings)


def test_favicon_ico_is_served_for_pages_that_name_no_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    body = response.content
    assert body[:4] == b"\x00\x00\x01\x00" and int.from_bytes(body[4:6], "little") >= 1
    assert b"\x89PNG" in body
    assert "max-age" in response["Cache-Control"]


def test_api_root_lists_the_graph_export_lookup_and_autocomplete_endpoints(client, db):
    data = client.get("/api/", HTTP_ACCEPT="application/json").json()
    expected = {
        "terms": "/api/terms/", "autocomplete": "/api/terms/autocomplete/", "lookup": "/api/terms/lookup/",
        "graph": "/api/graph/", "graph-stats": "/api/graph/stats/", "graph-path": "/api/graph/path/",
        "graph-top-concepts": "/api/graph/top-concepts/", "export": "/api/export/", "docs": "/api/docs/",
        "graph-neighborhood": "/api/graph/neighborhood/{slug}/", "graph-narrower": "/api/graph/narrower/{slug}/",
        "graph-learning-path": "/api/graph/learning-path/{slug}/", "graph-hierarchy": "/api/graph/hierarchy/{slug}/",
    }
    for key, path in expected.items():
        assert data[key] == f"http://testserver{path}", key


def test_swagger_ui_has_a_way_back_to_the_site(client, db):
    html = client.get("/api/docs/").content.decode()
    assert '<nav class="api-docs-bar" aria-label="Site">' in html
    assert '<a class="api-docs-home" href="/">' in html
    assert "swagger-ui-bundle.js" in html


def test_the_whole_glossary_counts_are_kept_until_the_next_change_for_signed_in_readers(
        client, glossary, make_term, staff_user):
    """Totals, A–Z letters and the categories' counts: a signed-in reader's pages are never cached
    whole, and paid for these counts over the whole glossary on every request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff_user)

    def counting_queries(url):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return response, [q["sql"] for q in captured.captured_queries
                          if "COUNT(" in q["sql"] or "DISTINCT UPPER(SUBSTR" in q["sql"].upper()]

    first, counted = counting_queries("/")
    assert counted  # totals, categories and letters are counted once…
    again, counted_again = counting_queries("/")
    assert counted_again == [] and again.content == first.content  # …and kept
    for url in ("/terms/", "/categories/", "/search/?q=model"):
        _, counts = counting_queries(url)
        assert not any("glossary_category" in sql and "COUNT(" in sql for sql in counts), url

    terms_before = first.context["totals"]["terms"]
    make_term("Zeta function", category=glossary["llm"].category)  # any committed change moves the log
    after, counted_after = counting_queries("/")
    assert counted_after
    assert after.context["totals"]["terms"] == terms_before + 1
    assert [entry["enabled"] for entry in after.context["initials"] if entry["letter"] == "Z"] == [True]


def test_the_home_search_box_suggests_the_glossarys_own_best_connected_terms_in_the_readers_language(
        client, make_term, is_a, relate):
    page = client.get("/").content.decode()
    assert 'placeholder="Search terms and labels…"' in page and "RAG" not in page  # nothing to suggest yet
    estuary = make_term("Estuary", labels=[{"text": "Estuary", "language": "en", "kind": "preferred"},
                                           {"text": "Estuaire", "language": "fr", "kind": "preferred"}])
    wetland, delta, lagoon = make_term("Wetland"), make_term("Delta"), make_term("Lagoon")
    for other in (wetland, delta, lagoon):
        relate(other, is_a, estuary)
    relate(lagoon, is_a, wetland)
    page = client.get("/").content.decode()
    assert 'placeholder="Try “Estuary”, “Lagoon” or “Wetland”…"' in page  # by degree, then A–Z
    assert 'placeholder="Try “Estuaire”, “Lagoon” or “Wetland”…"' in client.get("/", {"lang": "fr"}).content.decode()


def test_the_graph_as_a_list_counts_one_relation_as_one(client, make_term, is_a, relate):
    relate(make_term("Lagoon"), is_a, make_term("Wetland"))
    assert "2 terms, 1 relation<" in client.get("/").content.decode()


def test_a_term_list_filtered_by_a_category_that_does_not_exist_says_so(client, make_term):
    make_term("Lagoon")
    html = client.get("/terms/", {"category": "nope"}).content.decode()
    assert "No category has the slug “nope”" in html and 'href="/categories/"' in html
    assert "No category has the slug" not in client.get("/terms/").content.decode()


def test_a_long_list_links_to_its_first_last_and_nearby_pages_not_only_the_next():
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    from glossary.templatetags.glossary_pages import page_numbers

    page = Paginator(range(62 * 10), 10).get_page(31)
    assert page_numbers(page) == [1, None, 29, 30, 31, 32, 33, None, 62]
    html = render_to_string("glossary/_pagination.html", {"page": page, "query_string": "letter=M"})
    assert '<span aria-current="page">31</span>' in html
    assert 'href="?letter=M&amp;page=62" aria-label="Page 62">62</a>' in html and "page=34" not in html
    two = render_to_string("glossary/_pagination.html", {"page": Paginator(range(20), 10).get_page(1)})
    assert "pagination-pages" not in two  # Previous and Next say it all


def test_an_empty_glossarys_home_page_points_to_the_import(client, db):
    html = client.get("/").content.decode()
    assert '<a href="/admin/glossary/term/import/">Import a vocabulary</a> (SKOS, JSON or CSV)' in html
    assert "The graph appears here once terms are related to each other." in html
