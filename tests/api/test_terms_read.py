"""Reading terms: list, filters, search ranking, detail, autocomplete, conditional GET."""

import pytest

pytestmark = pytest.mark.django_db


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


def test_term_list_is_paginated_by_name(anon, glossary):
    response = anon.get("/api/terms/", {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert [t["slug"] for t in body["results"]] == ["foundation-model", "large-language-model"]
    assert body["next"].endswith("page=2&page_size=2")
    assert body["previous"] is None


def test_term_list_item_has_labels_category_uris_and_page_url(anon, glossary):
    response = anon.get("/api/terms/", {"search": "retrieval-augmented generation"})
    item = response.json()["results"][0]
    assert item["category"] == "technique"
    assert item["labels"] == [
        {"text": "RAG", "language": "en", "kind": "alternative", "subkind": "abbreviation"},
        {"text": "Retrieval-augmented generation", "language": "en", "kind": "preferred", "subkind": ""},
    ]
    assert item["uri"] is None
    assert item["concept_uri"] == "http://testserver/terms/retrieval-augmented-generation"
    assert item["url"] == "http://testserver/terms/retrieval-augmented-generation/"


@pytest.mark.parametrize("page_size", ["0", "201", "-1", "ten"])
def test_page_size_out_of_bounds_is_rejected(anon, glossary, page_size):
    response = anon.get("/api/terms/", {"page_size": page_size})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_page_size_of_200_is_accepted(anon, glossary):
    assert anon.get("/api/terms/", {"page_size": 200}).status_code == 200


def test_page_past_the_end_is_404_and_bad_page_is_400(anon, glossary):
    assert anon.get("/api/terms/", {"page": 99}).json() == {"detail": "Invalid page."}
    assert anon.get("/api/terms/", {"page": 99}).status_code == 404
    assert anon.get("/api/terms/", {"page": "x"}).status_code == 400


def test_search_ranks_the_exact_alias_first(anon, glossary):
    response = anon.get("/api/terms/", {"search": "RAG"})
    assert slugs(response)[:2] == ["retrieval-augmented-generation", "ragtruth"]


def test_search_on_the_seed_glossary_puts_rag_first(anon, seed):
    response = anon.get("/api/terms/", {"search": "RAG"})
    assert slugs(response)[0] == "retrieval-augmented-generation"


def test_search_finds_words_of_the_definition(anon, glossary):
    assert slugs(anon.get("/api/terms/", {"search": "adaptable"})) == ["foundation-model"]


def test_a_search_matching_more_terms_than_it_keeps_says_more_in_any_order_and_a_list_never_does(
        anon, make_term, django_assert_max_num_queries):
    for i in range(101):
        make_term(f"Common model {i:03d}")
    ranked = anon.get("/api/terms/", {"search": "common model", "page_size": 200}).json()
    assert ranked["count"] == 100 and ranked["more"] is True
    # Another order keeps what the search kept, and says so too, in one more query.
    with django_assert_max_num_queries(12):
        newest = anon.get("/api/terms/", {"search": "common model", "ordering": "-updated_at", "page_size": 200}).json()
    assert newest["count"] == 100 and newest["more"] is True
    assert {t["slug"] for t in newest["results"]} == {t["slug"] for t in ranked["results"]}
    assert [t["slug"] for t in newest["results"]] == sorted((t["slug"] for t in ranked["results"]), reverse=True)
    narrowed = anon.get("/api/terms/", {"search": "common model 042"}).json()
    assert narrowed["more"] is False and slugs_of(narrowed)[0] == "common-model-042"
    listed = anon.get("/api/terms/").json()
    assert listed["count"] == 101 and listed["more"] is False


def test_a_search_narrowed_to_what_terms_lack_still_says_more(anon, make_term):
    for i in range(101):
        make_term(f"Common model {i:03d}")
    body = anon.get("/api/terms/", {"search": "common model", "lacking": "definition"}).json()
    assert body["count"] == 100 and body["more"] is True


def slugs_of(body):
    return [item["slug"] for item in body["results"]]


def test_filter_by_category(anon, glossary):
    assert slugs(anon.get("/api/terms/", {"category": "technique"})) == ["retrieval-augmented-generation"]
    assert slugs(anon.get("/api/terms/", {"category": "no-such-category"})) == []


def test_filter_by_status(anon, glossary, make_term):
    make_term("Bard", status="deprecated")
    assert slugs(anon.get("/api/terms/", {"status": "deprecated"})) == ["bard"]
    assert anon.get("/api/terms/", {"status": "gone"}).status_code == 400


def test_filter_by_letter_ignores_case(anon, glossary):
    assert slugs(anon.get("/api/terms/", {"letter": "r"})) == ["ragtruth", "retrieval-augmented-generation"]
    response = anon.get("/api/terms/", {"letter": "abcd"})
    assert response.status_code == 400
    assert "letter" in response.json()
    assert anon.get("/api/terms/", {"letter": "ab"}).json()["count"] == 0  # no letter of the index, not A


def test_filter_by_a_letter_of_another_script(anon, glossary, make_term):
    make_term("Äly", slug="aly")
    make_term("ёлка", slug="yolka")
    assert "aly" in slugs(anon.get("/api/terms/", {"letter": "ä"}))  # in English, an A with dots
    assert slugs(anon.get("/api/terms/", {"letter": "Ё"})) == ["yolka"]  # under Е, as in Russian
    assert slugs(anon.get("/api/terms/", {"letter": "е"})) == ["yolka"]
    assert anon.get("/api/terms/", {"letter": "-"}).json()["count"] == 0  # a character no name starts with
    assert anon.get("/api/terms/", {"letter": " "}).status_code == 400
    assert anon.get("/api/terms/", {"letter": "abcd"}).status_code == 400


def test_ordering_by_name_descending_and_by_update(anon, glossary, as_editor):
    assert slugs(anon.get("/api/terms/", {"ordering": "-name"}))[0] == "retrieval-augmented-generation"
    as_editor.patch("/api/terms/foundation-model/", {"short_definition": "Changed."}, format="json")
    assert slugs(anon.get("/api/terms/", {"ordering": "-updated_at"}))[0] == "foundation-model"
    response = anon.get("/api/terms/", {"ordering": "slug; drop table"})
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_detail_has_relations_in_both_directions_with_the_right_labels(anon, glossary):
    body = anon.get("/api/terms/large-language-model/").json()
    assert body["relations_out"] == [
        {
            "id": glossary["llm_is_a_foundation"].pk,
            "type": "is-a",
            "label": "is a",
            "term": {
                "slug": "foundation-model",
                "name": "Foundation model",
                "status": "published",
                "url": "http://testserver/terms/foundation-model/",
            },
            "note": "",
        }
    ]
    incoming = [(r["type"], r["label"], r["term"]["slug"]) for r in body["relations_in"]]
    assert incoming == [("uses", "is used by", "retrieval-augmented-generation")]


def test_detail_shows_a_symmetric_relation_on_both_terms(anon, glossary):
    out = anon.get("/api/terms/ragtruth/").json()["relations_out"]
    into = anon.get("/api/terms/retrieval-augmented-generation/").json()["relations_in"]
    assert [(r["label"], r["term"]["slug"]) for r in out] == [("is related to", "retrieval-augmented-generation")]
    assert [(r["label"], r["term"]["slug"]) for r in into] == [("is related to", "ragtruth")]


def test_detail_renders_the_body_sanitised(anon, glossary):
    body = anon.get("/api/terms/large-language-model/").json()
    assert "<strong>transformer</strong>" in body["body_html"]
    assert "<script" not in body["body_html"]
    assert body["body"].startswith("Built on the **transformer**")


def test_detail_lists_references_and_timestamps(anon, glossary):
    body = anon.get("/api/terms/retrieval-augmented-generation/").json()
    assert body["references"] == [
        {"id": glossary["reference"].pk, "title": "RAG paper", "url": "https://arxiv.org/abs/2005.11401", "kind": "paper"}
    ]
    assert body["created_at"] and body["updated_at"]
    assert body["url"] == "http://testserver/terms/retrieval-augmented-generation/"


def test_unknown_term_is_404_with_detail(anon, glossary):
    response = anon.get("/api/terms/no-such-term/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Term matches the given query."}


def test_detail_answers_304_to_its_own_etag_until_something_changes(anon, glossary, as_editor):
    first = anon.get("/api/terms/large-language-model/")
    etag = first["ETag"]
    again = anon.get("/api/terms/large-language-model/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    # A new relation changes the page of its target even though the term row itself did not change.
    as_editor.post("/api/relations/", {"source": "ragtruth", "type": "uses", "target": "large-language-model"}, format="json")
    after = anon.get("/api/terms/large-language-model/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag


def test_staff_and_anonymous_readers_get_different_etags(anon, as_staff, glossary):
    assert anon.get("/api/terms/foundation-model/")["ETag"] != as_staff.get("/api/terms/foundation-model/")["ETag"]


def test_autocomplete_suggests_terms_by_a_prefix_of_any_label(anon, glossary):
    response = anon.get("/api/terms/autocomplete/", {"q": "rag"})
    assert response.status_code == 200
    assert response.json() == [
        {"slug": "retrieval-augmented-generation", "name": "Retrieval-augmented generation", "matched": "RAG"},
        {"slug": "ragtruth", "name": "RAGTruth", "matched": "RAGTruth"},
    ]


def test_autocomplete_shows_a_term_once_under_its_name(anon, make_term):
    make_term("GPT-4", aliases=[{"name": "GPT4"}])
    assert anon.get("/api/terms/autocomplete/", {"q": "gpt"}).json() == [
        {"slug": "gpt-4", "name": "GPT-4", "matched": "GPT-4"}
    ]


def test_autocomplete_returns_at_most_ten_in_one_query(anon, make_term, django_assert_num_queries):
    for n in range(15):
        make_term(f"Model {n:02d}", aliases=[{"name": f"Model alias {n:02d}"}])
    with django_assert_num_queries(1):  # the matches of every tier in one statement
        response = anon.get("/api/terms/autocomplete/", {"q": "model"})
    assert len(response.json()) == 10


def test_autocomplete_needs_q(anon, glossary):
    response = anon.get("/api/terms/autocomplete/")
    assert response.status_code == 400
    assert "q" in response.json()
    assert anon.get("/api/terms/autocomplete/", {"q": ""}).json() == []


def test_body_html_resolves_wiki_links_to_visible_terms_only(anon, as_staff, as_editor, glossary):
    as_editor.patch(
        "/api/terms/ragtruth/", {"body": "Scores [[Retrieval-augmented generation|RAG]] and [[Secret draft]]."}, format="json"
    )
    public = anon.get("/api/terms/ragtruth/").json()["body_html"]
    assert 'href="/terms/retrieval-augmented-generation/"' in public
    assert 'href="/terms/secret-draft/"' not in public
    assert 'href="/terms/secret-draft/"' in as_staff.get("/api/terms/ragtruth/").json()["body_html"]
