"""Broader/narrower trees: the narrower and top-concepts endpoints, /hierarchy/, term pages."""

import re

import pytest

from glossary import services


@pytest.fixture
def tree(make_term, make_type, is_a, relate):
    """ai ← ml ← dl ← llm, llm also is-a generative-ai (polyhierarchy) ← ai; draft is-a llm."""
    part_of = make_type("part-of", "is part of", "has part", acyclic=True, transitive=True)
    t = {slug: make_term(name, slug=slug) for slug, name in [
        ("ai", "Artificial intelligence"), ("ml", "Machine learning"), ("dl", "Deep learning"),
        ("llm", "Large language model"), ("genai", "Generative AI"), ("gpt-4", "GPT-4"), ("bert", "BERT"),
        ("attention", "Attention"), ("transformer", "Transformer"),
    ]}
    t["draft"] = make_term("Secret model", slug="secret-model", status="draft")
    for narrower, broader in [("ml", "ai"), ("dl", "ml"), ("llm", "dl"), ("genai", "ai"), ("llm", "genai"),
                              ("gpt-4", "llm"), ("bert", "llm"), ("draft", "llm")]:
        relate(t[narrower], is_a, t[broader])
    relate(t["attention"], part_of, t["transformer"])
    return t


def test_narrower_terms_come_by_name_with_their_own_counts(client, tree):
    data = client.get("/api/graph/narrower/ai/").json()
    assert data["term"] == "ai" and data["type"] == "is-a" and data["count"] == 2
    assert [(n["id"], n["narrower_count"]) for n in data["narrower"]] == [("genai", 1), ("ml", 1)]
    assert data["narrower"][0]["url"] == "/terms/genai/"
    assert client.get("/api/graph/narrower/transformer/?type=part-of").json()["narrower"][0]["id"] == "attention"
    capped = client.get("/api/graph/narrower/ai/?limit=1").json()
    assert capped["count"] == 2 and len(capped["narrower"]) == 1
    # The next page of a long level, as a tree's "Show more" asks for it.
    rest = client.get("/api/graph/narrower/ai/?limit=1&offset=1").json()
    assert rest["count"] == 2 and [n["id"] for n in rest["narrower"]] == ["ml"]
    assert client.get("/api/graph/narrower/ai/?offset=2").json()["narrower"] == []
    assert list(client.get("/api/graph/narrower/ai/?offset=-1").json()) == ["offset"]


def test_drafts_stay_out_of_trees_for_the_public(client, staff_user, tree):
    public = client.get("/api/graph/narrower/llm/").json()
    assert [n["id"] for n in public["narrower"]] == ["bert", "gpt-4"] and public["count"] == 2
    assert "Secret model" not in client.get("/terms/llm/").content.decode()
    assert client.get("/api/graph/narrower/secret-model/").status_code == 404
    client.force_login(staff_user)
    staff = client.get("/api/graph/narrower/llm/").json()
    assert "secret-model" in [n["id"] for n in staff["narrower"]]
    assert "Secret model" in client.get("/terms/llm/").content.decode()


def test_top_concepts_are_the_tops_of_a_types_trees(client, tree):
    data = client.get("/api/graph/top-concepts/").json()
    assert data == {"type": "is-a", "count": 1, "top_concepts": [
        {"id": "ai", "name": "Artificial intelligence", "status": "published", "url": "/terms/ai/", "narrower_count": 2}]}
    assert client.get("/api/graph/top-concepts/?type=part-of").json()["top_concepts"][0]["id"] == "transformer"


@pytest.mark.parametrize("url, param", [
    ("/api/graph/narrower/ai/?type=nope", "type"), ("/api/graph/narrower/ai/?type=related-to", "type"),
    ("/api/graph/narrower/ai/?limit=0", "limit"), ("/api/graph/top-concepts/?type=related-to", "type"),
    ("/api/graph/top-concepts/?limit=x", "limit"),
])
def test_bad_tree_parameters_are_400_naming_them(client, tree, related_to, url, param):
    response = client.get(url)
    assert response.status_code == 400
    assert list(response.json()) == [param]


def test_unknown_term_has_no_narrower_terms_404(client, tree):
    assert client.get("/api/graph/narrower/ghost/").status_code == 404


def test_term_page_shows_every_chain_to_the_top_with_the_term_highlighted(client, tree):
    html = client.get("/terms/llm/").content.decode()
    section = html[html.index('id="hierarchy-title"'):html.index("Browse the whole hierarchy")]
    # Polyhierarchy: LLM under Deep learning (via Machine learning) and under Generative AI.
    assert section.count('aria-current="page" dir="auto">Large language model</a>') == 2
    assert section.index("Generative AI") < section.index("Machine learning") < section.index("Deep learning")
    # Its narrower terms close the tree; theirs load on demand.
    assert 'href="/terms/gpt-4/"' in section and 'href="/terms/bert/"' in section
    assert 'data-narrower-url="/api/graph/narrower/__slug__/"' in section and 'data-tree-type="is-a"' in section
    assert "/static/graphviz_app/tree.js" in html


def test_term_page_has_a_tree_per_transitive_type_it_takes_part_in(client, tree):
    html = client.get("/terms/attention/").content.decode()
    assert "is part of / has part" in html and "is a / has subtype" not in html
    gpt4 = client.get("/terms/gpt-4/").content.decode()
    assert "is a / has subtype" in gpt4 and "is part of / has part" not in gpt4


def test_a_term_outside_every_hierarchy_has_no_tree(client, tree, make_term):
    make_term("Loner", slug="loner")
    assert 'id="hierarchy-title"' not in client.get("/terms/loner/").content.decode()


def test_hierarchy_page_lists_top_concepts_opened_one_level(client, tree):
    response = client.get("/hierarchy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 top concept along “is a”" in html
    assert re.search(r'aria-expanded="true" aria-label="Hide the narrower terms of Artificial intelligence"', html)
    assert 'href="/terms/ml/"' in html and 'href="/terms/dl/"' not in html  # deeper levels load on demand
    assert 'href="?type=part-of"' in html  # a tab per transitive type
    assert "Transformer" in client.get("/hierarchy/?type=part-of").content.decode()


def test_hierarchy_page_refuses_a_type_that_is_not_transitive(client, tree, related_to):
    response = client.get("/hierarchy/?type=related-to")
    assert response.status_code == 400
    assert "<strong>type</strong>" in response.content.decode()


def test_hierarchy_page_without_any_transitive_type_says_so(client, db):
    response = client.get("/hierarchy/")
    assert response.status_code == 200
    assert "nothing forms a hierarchy" in response.content.decode()


def test_hierarchy_page_hides_drafts(client, tree):
    services.term_update(term=tree["ai"], status="draft")
    html = client.get("/hierarchy/").content.decode()
    assert "Artificial intelligence" not in html and "Machine learning" in html


def test_a_top_concept_with_many_narrower_terms_shows_the_first_and_counts_the_rest(client, tree, make_term, relate, is_a):
    for i in range(60):
        relate(make_term(f"Subfield {i:02}"), is_a, tree["ai"])
    html = client.get("/hierarchy/").content.decode()
    assert "Subfield 00" in html and "Subfield 59" not in html
    assert ">Show more narrower terms (12 not shown)</button>" in html  # 62 in all, 50 shown
    assert 'class="tree-more-button" data-shown="50"' in html


def test_trees_name_terms_in_the_readers_language_in_pages_and_endpoints(client, tree):
    for slug, text in [("ai", "Künstliche Intelligenz"), ("ml", "Maschinelles Lernen"), ("dl", "Tiefes Lernen")]:
        services.label_create(term=tree[slug], text=text, language="de", kind="preferred")
    page = client.get("/terms/dl/", {"lang": "de"}).content.decode()
    assert ">Künstliche Intelligenz</a>" in page and ">Maschinelles Lernen</a>" in page
    assert ">Large language model</a>" in page  # no German name: the glossary's
    assert ">Künstliche Intelligenz</a>" in client.get("/hierarchy/", {"lang": "de"}).content.decode()
    narrower = client.get("/api/graph/narrower/ai/", {"lang": "de"}).json()["narrower"]
    assert [(n["id"], n["name"]) for n in narrower] == [("genai", "Generative AI"), ("ml", "Maschinelles Lernen")]
    tops = client.get("/api/graph/top-concepts/", HTTP_ACCEPT_LANGUAGE="de").json()["top_concepts"]
    assert ("ai", "Künstliche Intelligenz") in [(n["id"], n["name"]) for n in tops]
    assert client.get("/api/graph/narrower/ai/").json()["narrower"][1]["name"] == "Machine learning"


def test_trees_order_terms_by_the_names_the_reader_sees_before_they_are_cut(client, tree):
    # Under “ai”: Generative AI, Machine learning in English; in German “Maschinelles Lernen”
    # goes before “Zeugende KI”. The first of the list is the first in German, not in English.
    for slug, text in [("genai", "Zeugende KI"), ("ml", "Maschinelles Lernen"), ("gpt-4", "Aaa GPT")]:
        services.label_create(term=tree[slug], text=text, language="de", kind="preferred")
    narrower = client.get("/api/graph/narrower/ai/", {"lang": "de"}).json()["narrower"]
    assert [n["name"] for n in narrower] == ["Maschinelles Lernen", "Zeugende KI"]
    first = client.get("/api/graph/narrower/ai/", {"lang": "de", "limit": 1}).json()
    assert [n["name"] for n in first["narrower"]] == ["Maschinelles Lernen"] and first["count"] == 2
    assert [n["id"] for n in client.get("/api/graph/narrower/llm/", {"lang": "de"}).json()["narrower"]] == [
        "gpt-4", "bert"]  # “Aaa GPT” before “BERT”
    page = client.get("/terms/llm/", {"lang": "de"}).content.decode()
    section = page[page.index('id="hierarchy-title"'):page.index("Browse the whole hierarchy")]
    assert section.index("Maschinelles Lernen") < section.index("Zeugende KI")  # each level in German order
    assert section.index(">Aaa GPT<") < section.index(">BERT<")
    hierarchy = client.get("/hierarchy/", {"lang": "de"}).content.decode()
    assert hierarchy.index("Maschinelles Lernen") < hierarchy.index("Zeugende KI")


def test_the_hierarchy_page_reads_the_names_in_a_language_in_two_queries(client, tree):
    # the tops' names, then those of every shown top's narrower terms: not one read per top
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for slug in ("ai", "ml", "genai", "transformer"):
        services.label_create(term=tree[slug], text=f"{slug} auf Deutsch", language="de", kind="preferred")
    client.get("/hierarchy/", {"lang": "de"})
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/hierarchy/", {"lang": "de", "type": "is-a"}).content.decode()
    assert "ml auf Deutsch" in page and "genai auf Deutsch" in page
    assert len([q for q in queries.captured_queries if '"glossary_label"' in q["sql"]]) == 2


def test_a_thesaurus_without_is_a_has_its_trees_along_its_own_broader_type(client, tmp_path, db):
    """A thesaurus imported into an empty glossary has "broader / narrower" (as thesauri name it)
    and no is-a: the trees, the hierarchy page and the API without ?type= follow it. The API's
    default was is-a, and answered 400 "Unknown relation type: is-a"."""
    from glossary.exchange.formats import read_file
    from glossary.exchange.importer import import_document

    path = tmp_path / "geo.ttl"
    path.write_text("""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/geo/> .
ex:france a skos:Concept ; skos:prefLabel "France"@en .
ex:paris a skos:Concept ; skos:prefLabel "Paris"@en ; skos:broader ex:france .
ex:lyon a skos:Concept ; skos:prefLabel "Lyon"@en ; skos:broader ex:france .
""", encoding="utf-8")
    import_document(read_file(path))
    tops = client.get("/api/graph/top-concepts/").json()
    assert tops["type"] == "broader" and [t["id"] for t in tops["top_concepts"]] == ["france"]
    narrower = client.get("/api/graph/narrower/france/").json()
    assert [t["id"] for t in narrower["narrower"]] == ["lyon", "paris"]
    assert client.get("/api/graph/hierarchy/paris/").status_code == 200
    html = client.get("/hierarchy/").content.decode()
    assert "France" in html and 'data-tree-type="broader"' in html
    assert 'aria-label="Paris broader"' in client.get("/terms/paris/").content.decode()
    assert 'aria-label="France narrower"' in client.get("/terms/france/").content.decode()
