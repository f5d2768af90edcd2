"""Markdown bodies: [[wiki links]] resolved by name, slug or alias in one query; safe links."""

from html.parser import HTMLParser

import pytest

from glossary.markup import render_markdown

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.missing, self._current = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._current = {"attrs": attrs, "text": ""}
            self.links.append(self._current)
        elif tag == "span" and "wikilink-missing" in (attrs.get("class") or ""):
            self._current = {"attrs": attrs, "text": ""}
            self.missing.append(self._current)

    def handle_endtag(self, tag):
        if tag in ("a", "span"):
            self._current = None

    def handle_data(self, data):
        if self._current is not None:
            self._current["text"] += data


def parse(html):
    parser = Links()
    parser.feed(html)
    return parser


def test_wiki_links_resolve_by_name_slug_and_alias_case_insensitively(glossary):
    html = render_markdown("[[foundation model]], [[gpt-4]] and [[rag]].")
    links = [(link["attrs"]["href"], link["text"]) for link in parse(html).links]
    assert links == [
        ("/terms/foundation-model/", "foundation model"),
        ("/terms/gpt-4/", "gpt-4"),
        ("/terms/retrieval-augmented-generation/", "rag"),
    ]


def test_wiki_link_with_shown_text(glossary):
    (link,) = parse(render_markdown("See [[Retrieval-augmented generation|this technique]].")).links
    assert link["attrs"]["href"] == "/terms/retrieval-augmented-generation/"
    assert link["text"] == "this technique"
    assert link["attrs"]["class"] == "wikilink"


def test_all_wiki_links_of_a_body_resolve_in_one_query(glossary, django_assert_num_queries):
    with django_assert_num_queries(1):
        render_markdown("[[GPT-4]] [[Gemini]] [[LLM]] [[rag|R]] [[Missing one]] [[bard]]")


def test_body_without_wiki_links_needs_no_query(glossary, django_assert_num_queries):
    with django_assert_num_queries(0):
        render_markdown("Plain *text* with a [link](https://example.org).")


def test_unknown_target_is_plain_text_marked_missing(glossary):
    parsed = parse(render_markdown("Compare [[Quantum soup|soup]]."))
    assert parsed.links == []
    assert [(m["text"], m["attrs"]["class"]) for m in parsed.missing] == [("soup", "wikilink-missing")]


def test_staff_see_missing_targets_as_a_to_do(glossary, staff_user):
    (missing,) = parse(render_markdown("[[Quantum soup]]", user=staff_user)).missing
    assert missing["attrs"]["class"] == "wikilink-missing todo"
    assert "Quantum soup" in missing["attrs"]["title"]


def test_a_link_to_a_draft_is_missing_for_visitors_and_a_link_for_staff(glossary, staff_user):
    assert parse(render_markdown("[[Secret draft]]")).links == []
    (link,) = parse(render_markdown("[[Secret draft]]", user=staff_user)).links
    assert link["attrs"]["href"] == "/terms/secret-draft/"


def test_wiki_links_inside_code_stay_literal(glossary):
    html = render_markdown("`[[GPT-4]]`\n\n    [[Gemini]]\n")
    assert parse(html).links == []
    assert "<code>[[GPT-4]]</code>" in html


def test_external_links_get_nofollow_noopener_and_internal_ones_do_not(db):
    links = parse(render_markdown("[out](https://example.org/a) [in](/terms/x/) [mail](mailto:a@example.org)")).links
    rels = {link["text"]: link["attrs"].get("rel") for link in links}
    assert rels == {"out": "nofollow noopener", "in": None, "mail": "nofollow noopener"}


def test_raw_html_in_a_body_is_shown_as_text(db):
    html = render_markdown('<b onclick="x()">bold</b>')
    assert html == "<p>&lt;b onclick=\"x()\"&gt;bold&lt;/b&gt;</p>"


def test_term_page_renders_the_body_with_resolved_and_missing_links(client, glossary):
    html = client.get("/terms/large-language-model/").content.decode()
    assert '<a class="wikilink" href="/terms/foundation-model/">Foundation model</a>' in html
    assert '<a class="wikilink" href="/terms/retrieval-augmented-generation/" title="Retrieval-augmented generation">retrieval</a>' in html
    assert '<span class="wikilink-missing">Nonexistent idea</span>' in html
