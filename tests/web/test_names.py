"""A name or alias anywhere a term is expected resolves through glossary.resolver, the same way."""

import pytest


@pytest.fixture
def shared_label(glossary, make_term):
    """"GPT", an alternative label two terms share."""
    make_term("Generative pre-trained transformer", slug="gpt-family", aliases=[{"name": "GPT", "kind": "abbreviation"}])
    make_term("GUID Partition Table", slug="guid-partition-table", aliases=[{"name": "GPT", "kind": "abbreviation"}])


def test_a_term_url_by_alias_or_name_redirects_to_the_terms_own(client, glossary):
    response = client.get("/terms/llm/")
    assert response.status_code == 302 and response["Location"] == "/terms/large-language-model/"
    assert client.get("/terms/RAG/?x=1")["Location"] == "/terms/retrieval-augmented-generation/?x=1"
    spaced = client.get("/terms/Large%20language%20model/")
    assert spaced.status_code == 302 and spaced["Location"] == "/terms/large-language-model/"
    assert client.get("/terms/no-such-thing/").status_code == 404
    assert client.get("/terms/no such thing/").status_code == 404


def test_a_shared_label_gets_a_may_refer_to_page(client, glossary, shared_label):
    response = client.get("/terms/gpt/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "“gpt” may refer to" in html
    assert '<a class="term-row-name" href="/terms/gpt-family/">Generative pre-trained transformer</a>' in html
    assert '<a class="term-row-name" href="/terms/guid-partition-table/">GUID Partition Table</a>' in html


def test_a_drafts_name_leads_nowhere_for_the_public(client, staff_user, glossary):
    assert client.get("/terms/Secret%20draft/").status_code == 404
    client.force_login(staff_user)
    assert client.get("/terms/Secret%20draft/")["Location"] == "/terms/secret-draft/"


def test_lookup_api_answers_the_term_a_label_stands_for(client, glossary):
    data = client.get("/api/terms/lookup/?label=LLM").json()
    assert data["term"] == {"slug": "large-language-model", "name": "Large language model",
                            "url": "/terms/large-language-model/"}
    assert data["text"] == "llm" and data["matched"] == "LLM"
    # "RAG" is Retrieval-augmented generation's alias, not a prefix of some other name.
    assert client.get("/api/terms/lookup/?label=rag").json()["term"]["slug"] == "retrieval-augmented-generation"
    missing = client.get("/api/terms/lookup/?label=nothing")
    assert missing.status_code == 200 and missing.json()["term"] is None and missing.json()["candidates"] == []


def test_lookup_api_lists_candidates_for_a_shared_label(client, glossary, shared_label):
    data = client.get("/api/terms/lookup/?label=GPT").json()
    assert data["term"] is None
    assert {c["slug"] for c in data["candidates"]} == {"gpt-family", "guid-partition-table"}


@pytest.mark.parametrize("query", ["", "?label=", "?label=" + "x" * 501])  # a concept URI has at most 500
def test_lookup_api_refuses_a_missing_or_overlong_label(client, glossary, query):
    response = client.get("/api/terms/lookup/" + query)
    assert response.status_code == 400 and list(response.json()) == ["label"]


def test_lookup_api_keeps_drafts_from_the_public(client, staff_user, glossary):
    assert client.get("/api/terms/lookup/?label=secret%20draft").json()["term"] is None
    client.force_login(staff_user)
    assert client.get("/api/terms/lookup/?label=secret%20draft").json()["term"]["slug"] == "secret-draft"


def test_path_page_and_api_take_aliases(client, glossary):
    page = client.get("/graph/path/?from=LLM&to=GPT-4")
    assert page.status_code == 200
    assert "Large language model is a Foundation model" in page.content.decode()
    api = client.get("/api/graph/path/?from=llm&to=rag").json()
    assert [api["steps"][0]["source"], api["steps"][-1]["target"]] == ["large-language-model", "retrieval-augmented-generation"]


def test_path_with_a_shared_label_is_a_400_naming_the_candidates(client, glossary, shared_label):
    response = client.get("/api/graph/path/?from=GPT&to=rag")
    assert response.status_code == 400
    message = response.json()["from"][0]
    assert message.startswith("“GPT” may refer to ") and message.endswith("; give one of them.")
    assert "“Generative pre-trained transformer” (gpt-family)" in message
    assert "“GUID Partition Table” (guid-partition-table)" in message
    page = client.get("/graph/path/?from=rag&to=GPT")
    assert page.status_code == 400 and "<strong>to</strong>" in page.content.decode()


def test_path_page_names_the_end_that_matches_nothing(client, glossary):
    response = client.get("/graph/path/?from=llm&to=ghost")
    assert response.status_code == 400
    assert "<strong>to</strong>: No term called “ghost”." in response.content.decode()
    assert client.get("/api/graph/path/?from=ghost&to=llm").status_code == 404


def test_neighbourhood_url_by_alias_redirects(client, glossary):
    response = client.get("/graph/llm/?depth=2")
    assert response.status_code == 302 and response["Location"] == "/graph/large-language-model/?depth=2"


def test_how_is_this_related_form_says_when_a_label_is_shared(client, glossary, shared_label):
    response = client.get("/terms/large-language-model/path/?to=GPT", follow=True)
    html = response.content.decode()
    assert "“GPT” may refer to" in html and "“Generative pre-trained transformer”" in html


def test_a_null_character_in_a_term_url_is_a_404_on_every_backend(client, glossary):
    assert client.get("/terms/a%00b/").status_code == 404
    assert client.get("/graph/a%00b/").status_code == 404
    assert client.get("/terms/a%00b/learn/").status_code == 404
    # In a query string one is refused before any view reads it, naming the parameter.
    response = client.get("/api/graph/path/?from=llm&to=a%00b")
    assert response.status_code == 400 and list(response.json()) == ["to"]
