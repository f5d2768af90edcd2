"""What a reader does to a graph view (expand, hide, pin, filters) lives in its URL."""

import pytest

from glossary import services
from tests.graph.test_pages import payload_of


def ids(data):
    return {n["id"] for n in data["nodes"]}


def view_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_a_view_answers_its_own_data_as_json_for_updating_in_place(client, llm_graph):
    data = view_json(client, "/graph/?types=requires&format=json")
    assert ids(data["payload"]) == {"rag", "llm", "neural-net"}
    assert data["meta"]["isolated_hidden"] == 5
    around = view_json(client, "/graph/llm/?format=json")
    assert around["payload"]["focus"] == "llm"


def test_expanding_a_term_adds_its_neighbours_of_the_shown_types(client, llm_graph):
    base = ids(payload_of(client.get("/graph/?category=model")))
    assert base == set()  # gpt-4 alone, and a term without relations here is hidden
    expanded = ids(view_json(client, "/graph/?category=model&expand=gpt-4&format=json")["payload"])
    assert expanded == {"gpt-4", "foundation-model"}
    only_requires = ids(view_json(client, "/graph/?types=requires&expand=llm&format=json")["payload"])
    assert "hallucination" not in only_requires  # related-to is not a shown type
    neighbourhood = ids(payload_of(client.get("/graph/gpt-4/?expand=foundation-model")))
    assert neighbourhood == {"gpt-4", "foundation-model", "llm"}


def test_hidden_terms_stay_out_and_the_focus_cannot_be_hidden(client, llm_graph):
    assert "llm" not in ids(payload_of(client.get("/graph/?hide=llm,rag")))
    assert "rag" not in ids(payload_of(client.get("/graph/?hide=llm&hide=rag")))
    assert "llm" in ids(payload_of(client.get("/graph/llm/?hide=llm")))


def test_pinned_terms_keep_their_place_through_the_layout(client, llm_graph):
    data = payload_of(client.get("/graph/?pin=llm@120,-40&pin=rag@-300,5"))
    llm = next(n for n in data["nodes"] if n["id"] == "llm")
    assert (llm["x"], llm["y"], llm["fixed"], llm["pinned"]) == (120, -40, True, True)
    rag = next(n for n in data["nodes"] if n["id"] == "rag")
    assert (rag["x"], rag["y"]) == (-300, 5)
    hierarchical = payload_of(client.get("/graph/?layout=hierarchical&pin=llm@7,8"))
    assert next((n["x"], n["y"]) for n in hierarchical["nodes"] if n["id"] == "llm") == (7, 8)


def test_the_filter_form_carries_the_readers_changes_along(client, llm_graph):
    html = client.get("/graph/?expand=llm&hide=rag&pin=llm@1,2").content.decode()
    for name, value in [("expand", "llm"), ("hide", "rag"), ("pin", "llm@1,2")]:
        assert f'<input type="hidden" name="{name}" value="{value}" data-state-param="1">' in html


@pytest.mark.parametrize("query, param", [
    ("expand=ghost", "expand"), ("hide=a%20b", "hide"), ("pin=llm", "pin"), ("pin=llm@1.5,2", "pin"),
    ("pin=ghost@1,2", "pin"), ("isolated=maybe", "isolated"), ("format=xml", "format"), ("layout=spiral", "layout"),
])
def test_bad_view_parameters_are_a_400_naming_them(client, llm_graph, query, param):
    response = client.get(f"/graph/?{query}")
    assert response.status_code == 400
    assert f"<strong>{param}</strong>" in response.content.decode()
    if param not in ("isolated", "format"):  # the neighbourhood page has no isolated-terms toggle
        assert client.get(f"/graph/llm/?{query}").status_code == 400


def test_bad_parameters_asked_as_json_get_json_errors(client, llm_graph):
    response = client.get("/graph/?expand=ghost&format=json")
    assert response.status_code == 400
    assert response.json() == {"expand": ["Unknown term: ghost."]}


def test_terms_without_relations_are_hidden_unless_asked_for(client, llm_graph):
    html = client.get("/graph/?types=mitigates").content.decode()
    assert ids(payload_of(client.get("/graph/?types=mitigates"))) == {"fine-tuning", "hallucination"}
    assert "6 terms without relations of these filters are hidden." in html
    assert "isolated=1" in html
    shown = ids(payload_of(client.get("/graph/?types=mitigates&isolated=1")))
    assert len(shown) == 8 and "lonely" in shown


def test_a_draft_cannot_be_expanded_into_a_public_view(client, llm_graph):
    services.term_update(term=llm_graph["rag"], status="draft")
    assert client.get("/graph/?expand=rag").status_code == 400
    assert "rag" not in ids(view_json(client, "/graph/?expand=llm&format=json")["payload"])


def test_nodes_are_sized_by_their_degree_in_the_whole_glossary(client, llm_graph):
    data = payload_of(client.get("/graph/?types=requires"))
    size = {n["id"]: (n["size"], n["degree"]) for n in data["nodes"]}
    # llm has 4 relations in the glossary, even if only 2 requires are shown.
    assert size["llm"][1] == 4 and size["llm"][0] > size["neural-net"][0]


def test_names_travel_as_data_not_as_vis_network_labels(client, llm_graph):
    node = next(n for n in payload_of(client.get("/graph/"))["nodes"] if n["id"] == "gpt-4")
    assert "label" not in node and node["name"] == "GPT-4" and node["category"] == "Model"
