"""The /api/graph/ endpoints: node-link JSON that networkx reads back, 400 and 404 cases."""

import networkx as nx
import pytest

from glossary import services


def read_back(data):
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")


def test_whole_graph_is_node_link_json_that_networkx_reads(client, llm_graph):
    data = client.get("/api/graph/").json()
    G = read_back(data)
    assert G.number_of_nodes() == 8 and G.number_of_edges() == 7
    assert G.has_edge("gpt-4", "foundation-model", key="instance-of")
    node = next(n for n in data["nodes"] if n["id"] == "gpt-4")
    assert node == {"id": "gpt-4", "name": "GPT-4", "category": "model", "status": "published",
                    "url": "/terms/gpt-4/", "short_definition": "About GPT-4."}
    edge = next(e for e in data["edges"] if e["key"] == "instance-of")
    assert edge == {"source": "gpt-4", "target": "foundation-model", "key": "instance-of",
                    "type": "instance-of", "label": "is an instance of"}


def test_whole_graph_filters_and_cap(client, llm_graph):
    data = client.get("/api/graph/?types=requires&category=model").json()
    assert [n["id"] for n in data["nodes"]] == ["gpt-4"] and data["edges"] == []
    capped = client.get("/api/graph/?limit=2").json()
    assert len(capped["nodes"]) == 2
    assert capped["graph"] == {"total_nodes": 8, "shown_nodes": 2, "truncated": True}
    assert {n["id"] for n in capped["nodes"]} == {"llm", "foundation-model"}  # best connected, then A–Z


def test_neighbourhood_depth_direction_and_types(client, llm_graph):
    ids = lambda url: {n["id"] for n in client.get(url).json()["nodes"]}  # noqa: E731
    assert ids("/api/graph/neighborhood/foundation-model/") == {"foundation-model", "gpt-4", "llm"}
    assert ids("/api/graph/neighborhood/foundation-model/?depth=2&direction=out") == {
        "foundation-model", "llm", "neural-net", "hallucination"}
    assert ids("/api/graph/neighborhood/llm/?direction=in&types=requires") == {"llm", "rag"}
    data = client.get("/api/graph/neighborhood/llm/?depth=3").json()
    assert read_back(data).number_of_nodes() == 7


@pytest.mark.parametrize("query, field", [
    ("depth=0", "depth"), ("depth=4", "depth"), ("depth=two", "depth"),
    ("direction=up", "direction"), ("types=nope", "types"), ("types=is-a,,uses", "types"),
    ("limit=1001", "limit"), ("limit=0", "limit"),
])
def test_bad_neighbourhood_parameters_are_400_naming_the_field(client, llm_graph, query, field):
    response = client.get(f"/api/graph/neighborhood/llm/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field] and response.json()[field][0]


def test_unknown_terms_are_404(client, llm_graph):
    for url in ["/api/graph/neighborhood/nope/", "/api/graph/hierarchy/nope/", "/api/graph/learning-path/nope/",
                "/api/graph/path/?from=nope&to=llm"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "detail" in response.json()


def test_path_explains_itself_in_words(client, llm_graph):
    data = client.get("/api/graph/path/?from=gpt-4&to=fine-tuning").json()
    assert data["explanation"] == (
        "GPT-4 is an instance of foundation model; foundation model is a LLM; "
        "LLM is related to hallucination; hallucination is mitigated by fine-tuning"
    )
    assert data["length"] == 4 and len(data["steps"]) == 4
    assert data["steps"][3] == {"source": "hallucination", "target": "fine-tuning", "type": "mitigates",
                                "forward": False, "text": "hallucination is mitigated by fine-tuning"}
    assert read_back(data).number_of_edges() == 4


def test_path_accepts_names_and_reports_no_path(client, llm_graph):
    assert client.get("/api/graph/path/?from=GPT-4&to=llm").json()["length"] == 2
    response = client.get("/api/graph/path/?from=gpt-4&to=lonely")
    assert response.status_code == 404 and "No path" in response.json()["detail"]
    response = client.get("/api/graph/path/?from=gpt-4&to=llm&types=requires")
    assert response.status_code == 404 and "relation types" in response.json()["detail"]
    assert client.get("/api/graph/path/?to=llm").status_code == 400
    assert client.get("/api/graph/path/?from=llm&to=llm").json() == {"to": ["Pick a term other than the starting one."]}


def test_hierarchy_along_a_transitive_type(client, llm_graph):
    data = client.get("/api/graph/hierarchy/foundation-model/").json()
    assert data["ancestors"] == [{"id": "llm", "name": "LLM", "distance": 1}]
    assert data["descendants"] == []
    assert read_back(data).number_of_edges() == 1
    assert client.get("/api/graph/hierarchy/llm/?type=requires").json()["ancestors"][0]["id"] == "neural-net"
    assert client.get("/api/graph/hierarchy/llm/?type=mitigates").status_code == 400
    assert client.get("/api/graph/hierarchy/llm/?type=nope").status_code == 400


def test_learning_path_order_and_known(client, llm_graph):
    data = client.get("/api/graph/learning-path/rag/").json()
    assert data["generations"] == [["neural-net"], ["llm"]] and data["order"] == ["neural-net", "llm"]
    assert read_back(data).has_edge("rag", "llm", key="requires")
    assert client.get("/api/graph/learning-path/rag/?known=llm").json()["order"] == ["neural-net"]
    assert client.get("/api/graph/learning-path/rag/?known=llm,neural-net").json()["order"] == []
    bad = client.get("/api/graph/learning-path/rag/?known=llm,ghost")
    assert bad.status_code == 400 and "ghost" in bad.json()["known"][0]


def test_stats(client, llm_graph):
    data = client.get("/api/graph/stats/").json()
    assert data["nodes"] == 8 and data["edges"] == 7
    assert data["orphans"] == {"count": 1, "sample": ["lonely"]}
    assert data["hubs"][0]["id"] == "llm" and data["cycles"] == {}
    assert data["components"] == 2


def test_drafts_only_for_staff(client, llm_graph, staff_user):
    services.term_update(term=llm_graph["rag"], status="draft")
    assert client.get("/api/graph/neighborhood/rag/").status_code == 404
    client.force_login(staff_user)
    assert client.get("/api/graph/neighborhood/rag/").status_code == 200


def test_empty_direction_means_both(client, llm_graph):
    both = client.get("/api/graph/neighborhood/llm/?direction=both").json()
    empty = client.get("/api/graph/neighborhood/llm/?direction=").json()
    assert empty == both


def test_graph_reads_are_public_and_read_only(client, llm_graph):
    assert client.post("/api/graph/", {}).status_code == 405


def test_schema_documents_the_graph_parameters(client, db):
    schema = client.get("/api/schema/?format=json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/graph/neighborhood/{slug}/"]["get"]["parameters"]}
    assert params["depth"]["schema"]["minimum"] == 1 and params["depth"]["schema"]["maximum"] == 3
    # An empty value means the default, as for the other graph parameters.
    assert params["direction"]["schema"]["enum"] == ["out", "in", "both", ""]
    assert "(,[-a-zA-Z0-9_]+)*" in str(params["types"]["schema"])
    responses = schema["paths"]["/api/graph/path/"]["get"]["responses"]
    assert {"200", "400", "404"} <= set(responses)
