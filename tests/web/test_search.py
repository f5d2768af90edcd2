"""Search: one ranked service for the web and the API; typo tolerance on PostgreSQL."""

import pytest
from django.db import connection

from glossary.search import closest_names, highlight, search_terms

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram typo tolerance needs PostgreSQL's pg_trgm"
)


def test_exact_name_or_alias_outranks_prefix_outranks_contains_outranks_definition(make_term):
    make_term("Tokenizer tricks", short_definition="Ways to split text.")
    make_term("Subword token", short_definition="A piece of a word.")
    make_term("Vocabulary", short_definition="The set of every token a model knows.")
    make_term("Word piece", aliases=[{"name": "Token", "kind": "synonym"}])
    ranked = [t.name for t in search_terms("token")]
    assert ranked == ["Word piece", "Tokenizer tricks", "Subword token", "Vocabulary"]
    ranks = [t.rank for t in search_terms("token")]
    assert ranks == sorted(ranks, reverse=True)


def test_search_hides_drafts_from_visitors_but_not_from_staff(make_term, staff_user):
    make_term("Draft idea", status="draft")
    assert list(search_terms("draft idea")) == []
    assert [t.name for t in search_terms("draft idea", user=staff_user)] == ["Draft idea"]


def test_search_narrows_a_given_queryset(make_term):
    from glossary.models import Term

    make_term("Alpha model")
    beta = make_term("Beta model")
    assert [t.name for t in search_terms("model", queryset=Term.objects.filter(pk=beta.pk))] == ["Beta model"]


def test_blank_query_finds_nothing(make_term):
    make_term("Anything")
    assert list(search_terms("   ")) == []


def test_a_term_matched_by_several_aliases_appears_once(make_term):
    make_term("Large language model", aliases=[{"name": "LLM"}, {"name": "LLMs"}, {"name": "LLM system"}])
    assert [t.name for t in search_terms("llm")] == ["Large language model"]


def test_search_page_highlights_matches(client, glossary):
    html = client.get("/search/", {"q": "foundation"}).content.decode()
    assert "<mark>Foundation</mark> model" in html
    assert "A <mark>foundation</mark> model for text." in html


def test_highlight_escapes_the_text():
    assert highlight("<b>RAG</b> & co", "rag") == "&lt;b&gt;<mark>RAG</mark>&lt;/b&gt; &amp; co"


def test_empty_search_shows_the_a_to_z_index(client, glossary):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'aria-label="Terms by first letter"' in response.content.decode()


def test_no_results_page_suggests_the_closest_names(client, glossary):
    response = client.get("/search/", {"q": "Gmeinii"})
    html = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert "Closest names" in html and 'href="/terms/gemini/">Gemini</a>' in html


def test_closest_names_never_suggests_drafts(glossary):
    assert "Secret draft" not in [t.name for t in closest_names("Secret draf")]


def test_search_page_with_an_absurdly_long_query_is_a_400(client, db):
    assert client.get("/search/", {"q": "x" * 1000}).status_code == 400


MISSPELLINGS = {
    "halucinaton": "Hallucination",
    "fine tunning": "Fine-tuning",
    "transfomer": "Transformer",
    "retreival augmented": "Retrieval-augmented generation",
    "foundaton model": "Foundation model",
    "backpropogation": "Backpropagation",
    "promt engineering": "Prompt engineering",
    "sumarization": "Summarization",
}


@on_postgresql
@pytest.mark.postgres
def test_misspellings_of_seed_terms_find_the_right_term_first(seed):
    # One test for all spellings: loading the seed glossary is the slow part.
    found = {typo: search_terms(typo).first().name for typo in MISSPELLINGS}
    assert found == MISSPELLINGS


@on_postgresql
@pytest.mark.postgres
def test_full_text_search_matches_word_forms(make_term):
    make_term("Vector store", body="Stores embeddings for similarity lookups.")
    assert [t.name for t in search_terms("embedding")] == ["Vector store"]


@on_postgresql
@pytest.mark.postgres
def test_the_search_indexes_exist(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_gin'")
        names = {row[0] for row in cursor.fetchall()}
    assert names >= {"term_search_vector_gin", "term_name_trgm_gin", "label_search_vector_gin", "label_text_trgm_gin"}
