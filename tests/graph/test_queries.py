"""Pure graph queries on hand-made networkx graphs (no database)."""

import networkx as nx
import pytest

from graphviz_app import queries

TYPES = {
    "is-a": {"label": "is a", "inverse_label": "has subtype", "symmetric": False, "acyclic": True},
    "uses": {"label": "uses", "inverse_label": "is used by", "symmetric": False, "acyclic": False},
    "related-to": {"label": "is related to", "inverse_label": "is related to", "symmetric": True, "acyclic": False},
    "requires": {"label": "requires", "inverse_label": "is required by", "symmetric": False, "acyclic": True},
    "mitigates": {"label": "mitigates", "inverse_label": "is mitigated by", "symmetric": False, "acyclic": False},
}


def graph(edges, nodes=()):
    G = nx.MultiDiGraph(types=TYPES)
    for n in {*nodes, *(u for u, _, _ in edges), *(v for _, v, _ in edges)}:
        G.add_node(n, name=n.upper(), short_definition="" if n.startswith("x") else "defined")
    G.add_edges_from(edges)
    return G


CHAIN = graph([("a", "b", "is-a"), ("b", "c", "is-a"), ("c", "d", "is-a"), ("e", "a", "uses"), ("a", "f", "related-to")])


def test_neighbourhood_follows_depth():
    assert set(queries.neighbourhood_distances(CHAIN, "a", 1)) == {"a", "b", "e", "f"}
    assert queries.neighbourhood_distances(CHAIN, "a", 2)["c"] == 2
    assert "d" not in queries.neighbourhood_distances(CHAIN, "a", 2)


def test_neighbourhood_out_ignores_incoming_but_follows_symmetric_relations():
    out = queries.neighbourhood_distances(CHAIN, "a", 3, direction="out")
    assert set(out) == {"a", "b", "c", "d", "f"}
    G = graph([("f", "a", "related-to"), ("e", "a", "uses")])
    assert set(queries.neighbourhood_distances(G, "a", 1, direction="out")) == {"a", "f"}


def test_neighbourhood_in_follows_incoming_only():
    assert set(queries.neighbourhood_distances(CHAIN, "b", 2, direction="in")) == {"b", "a", "e", "f"}


def test_neighbourhood_type_filter_restricts_steps_and_edges():
    H = queries.neighbourhood(CHAIN, "a", 2, types=["uses"])
    assert set(H) == {"a", "e"}
    assert list(H.edges(keys=True)) == [("e", "a", "uses")]


def test_neighbourhood_uses_the_given_undirected_view_without_copying():
    U = CHAIN.to_undirected(as_view=True)
    H = queries.neighbourhood(CHAIN, "a", 1, undirected=U)
    assert nx.is_frozen(H) and set(H) == {"a", "b", "e", "f"}


def test_unknown_node_raises_node_not_found():
    with pytest.raises(nx.NodeNotFound):
        queries.neighbourhood(CHAIN, "zzz", 1)


def test_path_walks_relations_both_ways_and_explains_them():
    G = graph([("gpt", "fm", "is-a"), ("ft", "hal", "mitigates"), ("fm", "ft", "uses")])
    steps = queries.path_steps(G, "hal", "gpt")
    assert steps == [("hal", "ft", "mitigates", False), ("ft", "fm", "uses", False), ("fm", "gpt", "is-a", False)]
    assert queries.explain_path(G, steps) == "HAL is mitigated by FT; FT is used by FM; FM has subtype GPT"
    assert queries.explain_path(G, queries.path_steps(G, "gpt", "hal")) == "GPT is a FM; FM uses FT; FT mitigates HAL"


def test_path_restricted_to_types_and_no_path():
    G = graph([("a", "b", "uses"), ("b", "c", "uses"), ("a", "c", "related-to")])
    assert len(queries.path_steps(G, "a", "c")) == 1
    assert len(queries.path_steps(G, "a", "c", types=["uses"])) == 2
    with pytest.raises(nx.NetworkXNoPath):
        queries.path_steps(G, "a", "c", types=["is-a"])


def test_hierarchy_gives_ancestors_and_descendants_with_distances():
    ancestors, descendants = queries.hierarchy(CHAIN, "b", "is-a")
    assert ancestors == {"c": 1, "d": 2}
    assert descendants == {"a": 1}


def test_learning_path_orders_prerequisites_before_what_needs_them():
    G = graph([("rag", "llm", "requires"), ("llm", "nn", "requires"), ("rag", "nn", "requires"),
               ("nn", "calc", "requires"), ("llm", "tok", "requires"), ("rag", "x-other", "uses")])
    generations = queries.learning_path(G, "rag")
    assert generations == [["calc", "tok"], ["nn"], ["llm"]]
    order = [t for g in generations for t in g]
    for u, v, k in G.edges(keys=True):
        if k == "requires" and u in order and v in order:
            assert order.index(v) < order.index(u)


def test_learning_path_drops_known_terms_and_what_only_they_need():
    G = graph([("rag", "llm", "requires"), ("llm", "nn", "requires"), ("nn", "calc", "requires"), ("rag", "calc", "requires")])
    assert queries.learning_path(G, "rag", known={"llm"}) == [["calc"]]
    assert queries.learning_path(G, "rag", known={"llm", "calc"}) == []


def test_learning_path_survives_a_cycle_in_imported_data():
    G = graph([("a", "b", "requires"), ("b", "c", "requires"), ("c", "b", "requires")])
    assert queries.learning_path(G, "a") == [["b", "c"]]


def test_stats_count_components_orphans_hubs_cycles_and_missing_definitions():
    G = graph([("a", "b", "is-a"), ("b", "a", "is-a"), ("a", "c", "uses"), ("a", "x1", "uses")], nodes=["lonely"])
    stats = queries.graph_stats(G)
    assert stats["nodes"] == 5 and stats["edges"] == 4
    assert stats["edges_by_type"] == {"is-a": 2, "uses": 2}
    assert stats["components"] == 2 and stats["largest_component"] == 4
    assert stats["orphans"] == {"count": 1, "sample": ["lonely"]}
    assert stats["hubs"][0] == {"id": "a", "name": "A", "degree": 4}
    assert set(stats["cycles"]) == {"is-a"} and stats["cycles"]["is-a"][0] == stats["cycles"]["is-a"][-1]
    assert stats["without_definition"] == {"count": 1, "sample": ["x1"]}


def test_graph_filter_and_top_nodes():
    G = graph([("a", "b", "uses"), ("a", "c", "uses"), ("a", "d", "is-a")])
    G.nodes["a"]["category"] = "model"
    G.nodes["b"]["category"] = "model"
    H = queries.graph_filter(G, categories=["model"], types=["uses"])
    assert set(H) == {"a", "b"} and list(H.edges(keys=True)) == [("a", "b", "uses")]
    assert queries.top_nodes(G, 1) == ["a"]
