"""Copy-on-write graph edits: the old graph is untouched, the new one is what networkx would build."""

import networkx as nx
import pytest

from graphviz_app.editing import NO_ATTRIBUTES, GraphEdit, add_keyed_edges, key_dict, undirected_view


def reference(nodes, edges):
    G = nx.MultiDiGraph()
    G.add_nodes_from(nodes)
    G.add_edges_from(edges)
    return G


def structure(G):
    return (
        {n: dict(d) for n, d in G.nodes(data=True)},
        sorted(G.edges(keys=True)),
        {u: {v: set(keys) for v, keys in nbrs.items()} for u, nbrs in G._succ.items()},
        {v: {u: set(keys) for u, keys in nbrs.items()} for v, nbrs in G._pred.items()},
    )


def test_direct_edge_filling_builds_what_add_edges_from_builds():
    edges = [("a", "b", "is-a"), ("a", "b", "uses"), ("b", "c", "is-a"), ("c", "a", "is-a"), ("a", "b", "is-a")]
    ours = nx.MultiDiGraph()
    ours.add_nodes_from("abc")
    add_keyed_edges(ours, edges)
    assert structure(ours) == structure(reference("abc", edges))
    assert ours._succ["a"]["b"] is ours._pred["b"]["a"]  # one key dict per pair, as networkx has
    assert ours._succ["b"]["c"] is ours._succ["c"]["a"]  # …shared by every pair of the same types
    assert sorted(ours.in_edges("a", keys=True)) == [("c", "a", "is-a")]


def test_shared_edge_dicts_refuse_changes_in_place():
    G = nx.MultiDiGraph()
    G.add_nodes_from("ab")
    add_keyed_edges(G, [("a", "b", "is-a")])
    with pytest.raises(TypeError):
        G.add_edge("a", "b", "uses")
    with pytest.raises(TypeError):
        G.edges["a", "b", "is-a"]["weight"] = 2
    assert G.edges["a", "b", "is-a"] is NO_ATTRIBUTES


def test_edits_make_a_new_graph_and_leave_the_old_one_alone():
    G = nx.MultiDiGraph()
    G.add_nodes_from([("a", {"name": "A"}), ("b", {"name": "B"}), ("c", {"name": "C"})])
    add_keyed_edges(G, [("a", "b", "is-a"), ("b", "c", "uses"), ("c", "a", "is-a")])
    before = structure(G)
    edit = GraphEdit(G)
    edit.add_node("d", {"name": "D"})
    edit.add_edge("d", "a", "uses")
    edit.add_edge("a", "b", "uses")
    edit.remove_edge("c", "a", "is-a")
    edit.remove_edge("c", "a", "is-a")  # already gone: nothing
    edit.add_node("b", {"name": "B2"})
    edit.rename_node("c", "c2")
    edit.remove_node("zzz")  # not there: nothing
    H = edit.graph()
    assert structure(G) == before
    expected = reference(
        [("a", {"name": "A"}), ("b", {"name": "B2"}), ("c2", {"name": "C"}), ("d", {"name": "D"})],
        [("a", "b", "is-a"), ("a", "b", "uses"), ("b", "c2", "uses"), ("d", "a", "uses")],
    )
    assert structure(H) == structure(expected)
    assert edit.edge_delta == H.number_of_edges() - G.number_of_edges()
    assert edit.touched >= {"a", "b", "c", "c2", "d"}
    assert H.nodes["a"] is G.nodes["a"]  # untouched parts are shared
    assert H._succ["a"]["b"] is key_dict(frozenset({"is-a", "uses"})) is H._pred["b"]["a"]


def test_removing_a_node_removes_its_edges_both_ways():
    G = reference("abc", [("a", "b", "is-a"), ("b", "c", "is-a"), ("c", "b", "uses")])
    edit = GraphEdit(G)
    edit.remove_node("b")
    H = edit.graph()
    assert structure(H) == structure(reference("ac", []))
    assert edit.edge_delta == -3
    assert "b" in G and G.number_of_edges() == 3


def test_no_edit_gives_back_the_same_graph():
    G = reference("ab", [("a", "b", "is-a")])
    edit = GraphEdit(G)
    edit.add_edge("a", "b", "is-a")
    edit.remove_edge("b", "a", "is-a")
    assert not edit.changed and edit.graph() is G


def test_graph_attributes_are_replaced_not_changed():
    G = nx.MultiDiGraph(types={"is-a": {"label": "is a"}})
    edit = GraphEdit(G)
    edit.set_graph_attr("types", {"is-a": {"label": "is a kind of"}})
    assert edit.graph().graph["types"]["is-a"]["label"] == "is a kind of"
    assert G.graph["types"]["is-a"]["label"] == "is a"


def test_the_undirected_view_is_networkx_own():
    G = reference("abcd", [("a", "b", "is-a"), ("b", "a", "uses"), ("c", "b", "is-a")])
    ours, theirs = undirected_view(G), G.to_undirected(as_view=True)
    assert sorted(map(sorted, ours.edges())) == sorted(map(sorted, theirs.edges()))
    assert {n: set(ours.adj[n]) for n in ours} == {n: set(theirs.adj[n]) for n in theirs}
    assert ours.graph is G.graph and nx.is_frozen(ours)
