"""The search page, the API's ?search= and autocomplete: one behaviour, any input, constant cost."""

import pytest

from glossary.search import highlight, search_terms

pytestmark = pytest.mark.django_db


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


def test_tiers_rank_exact_label_then_prefix_then_words_then_definition(make_term):
    make_term("Tokenizer tricks", short_definition="Ways to split text.")
    make_term("Subword token", short_definition="A piece of a word.")
    make_term("Vocabulary", short_definition="The set of every token a model knows.")
    make_term("Word piece", aliases=[{"name": "Token", "kind": "synonym"}])
    assert [t.name for t in search_terms("token")] == ["Word piece", "Tokenizer tricks", "Subword token", "Vocabulary"]


def test_deprecated_terms_come_after_current_ones(make_term):
    new = make_term("Gemini", short_definition="Google's assistant, formerly called Bard.")
    make_term("Bard", short_definition="A chatbot.", status="deprecated", replaced_by=new)
    assert [t.slug for t in search_terms("bard")] == ["gemini", "bard"]


def test_search_hides_drafts_from_visitors_but_not_from_staff(make_term, staff_user):
    make_term("Draft idea", status="draft")
    assert list(search_terms("draft idea")) == []
    assert [t.name for t in search_terms("draft idea", user=staff_user)] == ["Draft idea"]


def test_a_term_found_through_several_labels_appears_once(make_term):
    make_term("Large language model", aliases=[{"name": "LLM"}, {"name": "LLMs"}, {"name": "LLM system"}])
    assert [t.name for t in search_terms("llm")] == ["Large language model"]


def test_a_filter_keeps_every_match_of_a_common_word(make_term, is_a):
    from glossary import services

    niche = services.category_create(name="Niche")
    for i in range(120):  # more than one tier brings back at once
        make_term(f"Common model {i}")
    make_term("Rare model", category=niche)
    assert [t.slug for t in search_terms("model", categories=(niche.slug,))] == ["rare-model"]


def test_the_search_page_highlights_word_forms_and_names_the_replacement(client, seed):
    html = client.get("/search/", {"q": "hallucinations"}).content.decode()
    assert "<mark>Hallucination</mark>" in html
    response = client.get("/search/", {"q": "bard"})
    assert 'use <a href="/terms/gemini/">Gemini</a> instead' in response.content.decode()
    found = [term.slug for term in response.context["page"].object_list]
    assert found[0] == "gemini" and found[-1] == "bard"  # its name matches exactly, yet it is deprecated


def test_highlight_marks_whole_word_forms_only_and_escapes():
    assert highlight("<b>RAG</b> & co", "rag") == "&lt;b&gt;<mark>RAG</mark>&lt;/b&gt; &amp; co"
    assert "<mark>" not in highlight("the values are averaged", "rag")
    assert highlight("Fine-tuning models", "fine tunes model") == "<mark>Fine</mark>-<mark>tuning</mark> <mark>models</mark>"


def test_highlight_marks_words_of_every_script():
    # A run of Han or kana is marked when it holds the query's characters; a Hindi word whole.
    assert highlight("大型语言模型，一种系统", "语言模型") == "<mark>大型语言模型</mark>，一种系统"
    assert highlight("ベクトル データベース", "データ") == "ベクトル <mark>データベース</mark>"
    assert highlight("बड़ा भाषा मॉडल", "भाषा") == "बड़ा <mark>भाषा</mark> मॉडल"
    assert "<mark>" not in highlight("大型语言模型", "模式")


def test_the_search_page_shows_a_label_of_another_language_that_matched(client, seed):
    html = client.get("/search/", {"q": "feinabstimmung"}).content.decode()
    assert "Matched “<mark>Feinabstimmung</mark>”" in html


def test_hidden_labels_find_a_term_but_are_never_shown(client, seed):
    html = client.get("/search/", {"q": "gpt4"}).content.decode()
    assert 'href="/terms/gpt-4/"' in html
    assert "GPT4" not in html
    assert client.get("/api/terms/autocomplete/", {"q": "gpt4"}).json()[0] == {
        "slug": "gpt-4", "name": "GPT-4", "matched": "GPT-4"}


def test_did_you_mean_when_nothing_matches_as_typed(client, seed):
    response = client.get("/search/", {"q": "transfomer"})
    html = response.content.decode()
    assert 'Did you mean <a href="?q=transformer">transformer</a>?' in html
    assert response.context["page"].object_list[0].slug == "transformer"
    assert "Did you mean" not in client.get("/search/", {"q": "transformer"}).content.decode()


def test_nothing_found_says_so(client, seed):
    response = client.get("/search/", {"q": "xyzzy plugh"})
    assert response.status_code == 200
    assert "No term matches “xyzzy plugh”" in response.content.decode()


def test_category_and_status_filters_on_the_search_page(client, seed):
    page = client.get("/search/", {"q": "model", "category": "model"}).context["page"]
    assert page.object_list and {term.category.slug for term in page.object_list} == {"model"}
    page = client.get("/search/", {"q": "bard", "status": "deprecated"}).context["page"]
    assert [term.slug for term in page.object_list] == ["bard"]
    html = client.get("/search/", {"q": "model"}).content.decode()
    assert 'name="category"' in html and 'name="status"' in html


def test_the_may_refer_to_box_stays_for_a_shared_label(client, seed):
    html = client.get("/search/", {"q": "GPT"}).content.decode()
    assert "may refer to" in html


def test_the_api_search_is_the_page_search(client, seed):
    for query in ["rag", "large language models", "transfomer", "feinabstimmung", "bard"]:
        page = [term.slug for term in client.get("/search/", {"q": query}).context["page"].object_list]
        assert slugs(client.get("/api/terms/", {"search": query, "page_size": 25})) == page, query


def test_autocomplete_answers_the_old_shape_with_the_matched_label(client, seed):
    found = client.get("/api/terms/autocomplete/", {"q": "LLM"}).json()
    assert found[0] == {"slug": "large-language-model", "name": "Large language model", "matched": "LLM"}
    assert len(client.get("/api/terms/autocomplete/", {"q": "m"}).json()) <= 10


BAD_INPUT = ["", "   ", "x" * 10_000, "!!!", "%00", '"', '"unterminated', "*", "rag*", "NEAR(", "NEAR(rag, llm)",
             "OR", "AND", "NOT rag", "-", "-rag", "^", "^rag", ":", "text:rag", "(", ")", "{rag}",
             "'; DROP TABLE glossary_term; --", "\\", "%", "_", "\u202e\u0007\x1b", "🙂"]


@pytest.mark.parametrize("typed", BAD_INPUT)
def test_any_input_gets_a_normal_answer_on_the_page_and_the_api(client, seed, typed):
    page = client.get("/search/", {"q": typed})
    assert page.status_code == 200
    listed = client.get("/api/terms/", {"search": typed})
    assert listed.status_code == 200 and "results" in listed.json()
    suggested = client.get("/api/terms/autocomplete/", {"q": typed})
    assert suggested.status_code == 200 and isinstance(suggested.json(), list)


def test_a_nul_character_is_refused_naming_the_parameter_not_an_error(client, seed):
    # Every query parameter of the site refuses NUL (glossary.errors.RejectNulBytesMiddleware).
    for url, params, name in [("/search/", {"q": "rag\x00"}, "q"), ("/api/terms/", {"search": "\x00"}, "search"),
                              ("/api/terms/autocomplete/", {"q": "a\x00b"}, "q")]:
        response = client.get(url, params)
        assert response.status_code == 400 and name in response.content.decode()


def test_fts_operators_are_words_not_syntax(seed):
    # "OR" is a word (it occurs in definitions); it never turns the query into a union.
    or_query = {t.slug for t in search_terms("rag OR attention")}
    assert "attention" not in or_query


@pytest.mark.parametrize("query", ["spoke", "spokes", "spoek"])
def test_the_number_of_queries_of_a_search_does_not_grow_with_the_glossary(make_term, django_assert_num_queries, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (3, 30):
        for i in range(len(counts) * 3, n):
            make_term(f"Spoke {i:03d}", short_definition="A spoke of the wheel.")
        list(search_terms(query))  # a misspelling reads the vocabulary again after the writes
        with CaptureQueriesContext(connection) as queries:
            list(search_terms(query))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4


def test_a_search_matching_more_terms_than_it_keeps_says_so_not_that_it_found_all(client, make_term):
    for i in range(101):
        make_term(f"Common model {i}")
    page = client.get("/search/", {"q": "common model"}).content.decode()
    assert "The first 100 results. More terms may match" in page and "100 results</p>" not in page
    listed = client.get("/terms/", {"q": "common model"}).content.decode()
    assert "The first 100 terms matching “common model”. More terms may match" in listed
    for i in range(3):
        make_term(f"Rare thing {i}")
    page = client.get("/search/", {"q": "rare thing"}).content.decode()
    assert "3 results</p>" in page and "More terms may match" not in page
    listed = client.get("/terms/", {"q": "rare thing"}).content.decode()
    assert "3 terms matching “rare thing”</p>" in listed and "More terms may match" not in listed
