"""/terms/<slug>/learn/: prerequisites in learning order, minus what the reader knows."""

import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossary import services
from tests.graph.test_pages import payload_of


def steps_of(html):
    """The term slugs of each step, in order."""
    steps = re.findall(r'<li class="learn-step">(.*?)</ul>', html, re.S)
    return [re.findall(r'data-slug="([^"]+)"', step) for step in steps]


def test_prerequisites_come_in_steps_each_linking_to_its_term(client, llm_graph):
    response = client.get("/terms/rag/learn/")
    assert response.status_code == 200
    html = response.content.decode()
    assert steps_of(html) == [["neural-net"], ["llm"]]
    assert '<a class="learn-term-name" href="/terms/neural-net/">neural network</a>' in html
    assert html.count("I already know this") == 2
    data = payload_of(response)
    assert {n["id"] for n in data["nodes"]} == {"rag", "llm", "neural-net"}
    y = {n["id"]: n["y"] for n in data["nodes"]}
    assert y["neural-net"] < y["llm"] < y["rag"]  # drawn in learning order, top down
    assert data["options"]["physics"]["enabled"] is False


def test_known_terms_leave_the_path_and_stay_in_the_url_as_ticked_boxes(client, llm_graph):
    html = client.get("/terms/rag/learn/?known=llm").content.decode()
    # rag needs neural-net directly too, so it stays.
    assert steps_of(html) == [["neural-net"]]
    assert '<input type="checkbox" name="known" value="llm" checked>' in html
    assert "Start again" in html


def test_what_only_known_terms_need_is_left_out_and_said(client, llm_graph, make_term, relate):
    requires = llm_graph["rag"].relations_out.first().type
    calculus = make_term("calculus", slug="calculus")
    relate(llm_graph["neural-net"], requires, calculus)
    html = client.get("/terms/llm/learn/?known=neural-net").content.decode()
    assert steps_of(html) == []
    assert "you know every prerequisite of LLM" in html
    assert 'Also left out, as only what you know needs it: <a href="/terms/calculus/">calculus</a>' in html


def test_a_term_without_prerequisites_says_so(client, llm_graph):
    html = client.get("/terms/gpt-4/learn/").content.decode()
    assert "has no prerequisites in the glossary" in html
    assert 'id="graph-data"' not in html


def test_unknown_known_terms_are_a_400_naming_the_parameter(client, llm_graph):
    response = client.get("/terms/rag/learn/?known=ghost")
    assert response.status_code == 400
    assert "<strong>known</strong>" in response.content.decode()
    assert client.get("/terms/rag/learn/?known=a%20b").status_code == 400


def test_a_learning_path_url_by_alias_or_name_goes_to_the_terms_own(client, llm_graph, make_term):
    make_term("Transformer architecture", slug="transformer", aliases=[{"name": "TF", "kind": "abbreviation"}])
    response = client.get("/terms/LLM/learn/?known=neural-net")
    assert response.status_code == 302 and response["Location"] == "/terms/llm/learn/?known=neural-net"
    assert client.get("/terms/tf/learn/")["Location"] == "/terms/transformer/learn/"
    assert client.get("/terms/ghost/learn/").status_code == 404


def test_drafts_stay_out_of_learning_paths_for_the_public(client, staff_user, llm_graph):
    services.term_update(term=llm_graph["llm"], status="draft")
    html = client.get("/terms/rag/learn/").content.decode()
    assert steps_of(html) == [["neural-net"]]
    assert client.get("/terms/llm/learn/").status_code == 404
    assert client.get("/terms/rag/learn/?known=llm").status_code == 400
    client.force_login(staff_user)
    assert steps_of(client.get("/terms/rag/learn/").content.decode()) == [["neural-net"], ["llm"]]


def test_term_page_links_to_its_learning_path_only_when_it_has_prerequisites(client, llm_graph):
    assert "/terms/rag/learn/" in client.get("/terms/rag/").content.decode()
    assert "/terms/gpt-4/learn/" not in client.get("/terms/gpt-4/").content.decode()


def test_the_learning_path_link_names_the_term_in_the_readers_language(client, llm_graph):
    services.label_create(term=llm_graph["rag"], text="Abrufgestützte Generierung", language="de", kind="preferred")
    html = client.get("/terms/rag/", {"lang": "de"}).content.decode()
    assert "What to learn before Abrufgestützte Generierung →" in html
    assert "Explore around <bdi>Abrufgestützte Generierung</bdi> in the graph" in html


def test_the_learning_path_names_its_steps_in_the_readers_language(client, llm_graph):
    services.label_create(term=llm_graph["rag"], text="Abrufgestützte Generierung", language="de", kind="preferred")
    services.label_create(term=llm_graph["llm"], text="Großes Sprachmodell", language="de", kind="preferred")
    html = client.get("/terms/rag/learn/", {"lang": "de"}).content.decode()
    assert '<h1>Learning path to Abrufgestützte Generierung</h1>' in html
    assert 'What to learn before <a href="/terms/rag/?lang=de">Abrufgestützte Generierung</a>' in html
    assert '<a class="learn-term-name" href="/terms/llm/?lang=de">Großes Sprachmodell</a>' in html
    assert '<a class="learn-term-name" href="/terms/neural-net/?lang=de">neural network</a>' in html  # no German name
    assert "Großes Sprachmodell" in json.dumps(payload_of(client.get("/terms/rag/learn/", {"lang": "de"})), ensure_ascii=False)


def test_the_neighbourhood_page_names_its_term_in_the_readers_language(client, llm_graph):
    services.label_create(term=llm_graph["rag"], text="Abrufgestützte Generierung", language="de", kind="preferred")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/graph/rag/", {"lang": "de"}).content.decode()
    # The names are read once, for the drawing and the heading alike.
    assert sum(query["sql"].startswith('SELECT "glossary_term"."slug" AS "term__slug", "glossary_label"."language"')
               for query in queries.captured_queries) == 1
    assert "<title>Abrufgestützte Generierung: graph — Glossary Graph</title>" in html
    assert 'Around “<a href="/terms/rag/?lang=de" dir="auto">Abrufgestützte Generierung</a>”' in html
    assert 'Around “<a href="/terms/rag/" dir="auto">RAG</a>”' in client.get("/graph/rag/").content.decode()
    refused = client.get("/graph/rag/", {"lang": "de", "depth": "99"})  # a bad parameter: the page says why
    assert refused.status_code == 400 and "Abrufgestützte Generierung</a>”" in refused.content.decode()
