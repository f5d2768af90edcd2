"""Graph pages and embeddable fragments: offline assets, escaped data, caps, errors."""

import json
import re

from django.template import Context, Template
from django.test import RequestFactory

from glossary import services

EVIL = "<img src=x onerror=alert(1)>"


def payload_of(response):
    html = response.content.decode()
    match = re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_pages_load_vis_network_from_our_static_files_only(client, llm_graph):
    for url in ["/graph/", "/graph/llm/", "/graph/path/?from=gpt-4&to=hallucination"]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "/static/vendor/vis-network/vis-network.min.js" in html
        assert 'id="graph" class="graph-canvas js-graph" data-state="loading"' in html
        assert not re.search(r'(src="|rel="stylesheet" href=")(https?:)?//', html), url


def test_vendored_vis_network_is_served(client):
    response = client.get("/static/vendor/vis-network/vis-network.min.js")
    assert response.status_code == 200


def test_payload_has_coloured_nodes_with_term_urls_and_speed_options(client, llm_graph):
    data = payload_of(client.get("/graph/llm/?depth=2"))
    node = next(n for n in data["nodes"] if n["id"] == "gpt-4")
    assert node["url"] == "/terms/gpt-4/" and node["color"]["background"] == "#ff8800"
    assert data["focus"] == "llm"
    assert data["options"]["edges"]["smooth"] is False
    assert data["options"]["physics"]["stabilization"]["iterations"] == 200
    assert data["options"]["interaction"]["hideEdgesOnDrag"] is True
    assert {"label": "is a", "color": "#94a3b8", "symmetric": False} in data["legend"]["types"]


def test_hierarchical_layout_places_every_node_on_the_server_and_turns_physics_off(client, llm_graph):
    data = payload_of(client.get("/graph/?layout=hierarchical"))
    assert data["options"]["physics"]["enabled"] is False
    y = {n["id"]: n["y"] for n in data["nodes"]}
    # Broader terms above narrower ones along the transitive types (is-a, requires).
    assert y["llm"] < y["foundation-model"] and y["neural-net"] < y["llm"] < y["rag"]


def test_unknown_layout_is_a_400_naming_it(client, llm_graph):
    response = client.get("/graph/?layout=spiral")
    assert response.status_code == 400
    assert "layout" in response.content.decode() and "spiral" in response.content.decode()


def test_node_cap_says_how_many_are_shown(client, llm_graph):
    html = client.get("/graph/?limit=3").content.decode()
    assert "Showing 3 of 7 terms — narrow the filters" in html
    assert len(payload_of(client.get("/graph/?limit=3"))["nodes"]) == 3


def test_a_cut_neighbourhood_suggests_only_what_the_reader_can_still_change(client, llm_graph):
    deep = client.get("/graph/llm/?depth=2&limit=2").content.decode()
    assert "Showing 2 of" in deep and "(lower the depth or pick relation types)" in deep
    near = client.get("/graph/llm/?depth=1&limit=2").content.decode()
    assert "Showing 2 of 5 terms — narrow the filters (pick relation types, or show up to 1,000 terms under Filters)" in near
    assert "lower the depth" not in near


def test_filters_stay_in_the_form_so_the_url_is_shareable(client, llm_graph):
    html = client.get("/graph/llm/?depth=2&types=requires&direction=in").content.decode()
    assert '<option value="2" selected>' in html
    assert 'value="requires" checked' in html
    assert '<option value="in" selected>' in html


def test_bad_parameters_show_the_reason_with_400(client, llm_graph):
    response = client.get("/graph/llm/?depth=7")
    assert response.status_code == 400
    assert "Must be from 1 to 3; got 7." in response.content.decode()
    assert client.get("/graph/?types=ghost").status_code == 400


def test_unknown_term_page_is_404(client, llm_graph):
    assert client.get("/graph/ghost/").status_code == 404


def test_path_page_explains_and_handles_no_path(client, llm_graph):
    html = client.get("/graph/path/?from=GPT-4&to=hallucination").content.decode()
    # Names set apart (<bdi>): one in Arabic or Hebrew does not reorder the words around it.
    assert "<li><bdi>GPT-4</bdi> is an instance of <bdi>foundation model</bdi></li>" in html
    assert "These terms are not connected" in client.get("/graph/path/?from=gpt-4&to=lonely").content.decode()
    assert client.get("/graph/path/?from=ghost&to=llm").status_code == 400


def test_an_unknown_end_of_a_path_is_reported_under_its_own_field(client, llm_graph):
    response = client.get("/graph/path/?from=gpt-4&to=ghost")
    assert response.status_code == 400
    assert list(response.context["errors"]) == ["to"]
    assert "<strong>to</strong>: No term called “ghost”." in response.content.decode()
    assert list(client.get("/graph/path/?from=ghost&to=gpt-4").context["errors"]) == ["from"]


def test_hostile_names_and_definitions_are_escaped_everywhere(client, llm_graph, make_term, relate, related_to):
    evil = make_term(EVIL, slug="evil", short_definition='<a href="javascript:alert(1)">href</a>')
    relate(evil, related_to, llm_graph["llm"])
    for url in ["/graph/", "/graph/evil/", "/graph/path/?from=evil&to=gpt-4"]:
        html = client.get(url).content.decode()
        assert EVIL not in html, url
        assert "<a href=\"javascript" not in html, url
    data = payload_of(client.get("/graph/evil/"))
    node = next(n for n in data["nodes"] if n["id"] == "evil")
    assert node["name"] == EVIL  # drawn on the canvas as text, not markup


def render(template, **context):
    request = RequestFactory().get("/")
    request.user = context.pop("user", None)
    return Template("{% load graph_tags %}" + template).render(Context({"request": request, **context}))


def test_mini_graph_tag_draws_the_terms_neighbourhood(llm_graph):
    html = render("{% mini_graph term %}", term=llm_graph["llm"])
    assert 'id="mini-graph"' in html and 'data-state="loading"' in html
    assert 'id="mini-graph-data"' in html and "/graph/llm/" in html
    assert "/static/vendor/vis-network/vis-network.min.js" in html


def test_mini_graph_is_empty_for_a_term_without_relations(llm_graph):
    assert 'id="mini-graph"' not in render("{% mini_graph term %}", term=llm_graph["lonely"])


def test_featured_graph_tag(llm_graph):
    html = render("{% featured_graph %}")
    assert 'id="featured-graph"' in html and "Open the graph explorer" in html


def test_featured_graph_shows_a_hub_neighbourhood_of_a_big_glossary(llm_graph, make_term, relate, related_to):
    for i in range(80):
        relate(make_term(f"spoke {i}"), related_to, llm_graph["rag"])
    html = render("{% featured_graph %}")
    assert "Around RAG, the best connected term" in html


def test_drafts_stay_out_of_pages_for_the_public(client, llm_graph):
    services.term_update(term=llm_graph["rag"], status="draft")
    assert client.get("/graph/rag/").status_code == 404
    assert "rag" not in {n["id"] for n in payload_of(client.get("/graph/"))["nodes"]}


def test_neighbourhood_starts_from_rings_around_the_focus():
    import math

    from graphviz_app.layout import radial_positions

    distances = {"focus": 0, **{f"near{i}": 1 for i in range(5)}, **{f"far{i}": 2 for i in range(200)}}
    positions = radial_positions(distances)
    assert positions["focus"] == (0, 0)
    near = {round(math.dist((0, 0), positions[f"near{i}"])) for i in range(5)}
    far = {round(math.dist((0, 0), positions[f"far{i}"]), -1) for i in range(200)}
    assert len(near) == 1 and len(far) == 1 and max(near) < min(far)
    assert len(set(positions.values())) == len(positions)  # nobody stacked on top of another


def test_big_neighbourhoods_start_from_rings_and_relax_briefly():
    import networkx as nx

    from graphviz_app.layout import radial_positions
    from graphviz_app.render import RELAX_ITERATIONS, STABILISATION_ITERATIONS, vis_payload

    G = nx.MultiDiGraph(types={"uses": {"label": "uses", "color": "#123456", "symmetric": False}})
    G.add_edges_from(("hub", f"t{i}", "uses") for i in range(200))
    distances = {"hub": 0, **{f"t{i}": 1 for i in range(200)}}
    big = vis_payload(G, "/terms/__slug__/", focus="hub", positions=radial_positions(distances))
    focus = next(n for n in big["nodes"] if n["id"] == "hub")
    assert (focus["x"], focus["y"]) == (0, 0)
    assert all("x" in n and not n.get("fixed") for n in big["nodes"])
    assert big["options"]["physics"]["stabilization"]["iterations"] == RELAX_ITERATIONS

    small = vis_payload(G.subgraph(["hub", "t1", "t2"]), "/terms/__slug__/", focus="hub",
                        positions=radial_positions({"hub": 0, "t1": 1, "t2": 1}))
    assert all("x" not in n for n in small["nodes"])
    assert small["options"]["physics"]["stabilization"]["iterations"] == STABILISATION_ITERATIONS
