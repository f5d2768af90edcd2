"""Server-side layouts: a layered drawing stays near a screen's shape whatever the hierarchy."""

import networkx as nx
import pytest

from graphviz_app import layout

TYPES = {
    "is-a": {"transitive": True, "acyclic": True, "symmetric": False},
    "part-of": {"transitive": True, "acyclic": True, "symmetric": False},
    "fine-tuned-from": {"transitive": False, "acyclic": True, "symmetric": False},
    "uses": {"transitive": False, "acyclic": False, "symmetric": False},
    "related-to": {"transitive": False, "acyclic": False, "symmetric": True},
}


def graph(edges, nodes=()):
    G = nx.MultiDiGraph(types=TYPES)
    G.add_nodes_from(nodes)
    G.add_edges_from(edges)
    for n in G:
        G.nodes[n]["name"] = n
    return G


def aspect(positions):
    width, height = layout.bounding_box(positions)
    return (width or layout.CELL_WIDTH) / (height or layout.ROW_HEIGHT)


def test_levels_follow_the_hierarchical_types_shown_and_ignore_the_others():
    G = graph([("a", "b", "is-a"), ("b", "c", "part-of"), ("c", "a", "uses"), ("x", "y", "related-to")])
    assert layout.hierarchy_keys(G) == ["is-a", "part-of"]
    assert layout.hierarchy_keys(G, ["fine-tuned-from", "uses"]) == ["fine-tuned-from"]
    assert layout.hierarchy_keys(G, ["uses", "related-to"]) == ["uses"]
    # The "uses" edge closing a loop does not matter: only is-a and part-of set levels.
    assert layout.hierarchy_levels(G, ["is-a", "part-of"]) == {"c": 0, "b": 1, "a": 2}


def test_a_cycle_in_imported_data_shares_one_level_instead_of_failing():
    G = graph([("a", "b", "is-a"), ("b", "a", "is-a"), ("c", "a", "is-a")])
    levels = layout.hierarchy_levels(G, ["is-a"])
    assert levels["a"] == levels["b"] == 0 and levels["c"] == 1


def test_broader_terms_are_drawn_above_narrower_ones_and_loose_terms_below_all():
    G = graph([("gpt-4", "llm", "is-a"), ("llm", "model", "is-a"), ("bert", "model", "is-a")], nodes=["lonely"])
    y = {n: p[1] for n, p in layout.layered_positions(G, ["is-a"]).items()}
    assert y["model"] < y["llm"] < y["gpt-4"]
    assert y["lonely"] > max(v for n, v in y.items() if n != "lonely")


@pytest.mark.parametrize("leaves", [40, 200])
def test_a_wide_level_wraps_so_the_drawing_keeps_a_screens_shape(leaves):
    G = graph([(f"leaf{i}", "root", "is-a") for i in range(leaves)])
    positions = layout.layered_positions(G, ["is-a"])
    assert 0.6 <= aspect(positions) <= 3
    assert len(set(positions.values())) == len(positions)  # nobody on top of another


def test_terms_outside_the_hierarchy_fill_rows_rather_than_a_column():
    G = graph([(f"t{i}", f"t{i + 1}", "is-a") for i in range(5)], nodes=[f"loose{i}" for i in range(60)])
    positions = layout.layered_positions(G, ["is-a"])
    loose_rows = {positions[f"loose{i}"][1] for i in range(60)}
    assert len(loose_rows) <= 10
    assert 0.6 <= aspect(positions) <= 3


def test_rows_are_ordered_to_keep_children_under_their_parents():
    G = graph([("a1", "a", "is-a"), ("a2", "a", "is-a"), ("b1", "b", "is-a"), ("b2", "b", "is-a"),
               ("a", "top", "is-a"), ("b", "top", "is-a")])
    x = {n: p[0] for n, p in layout.layered_positions(G, ["is-a"], aspect=3).items()}
    assert max(x["a1"], x["a2"]) < min(x["b1"], x["b2"]) or max(x["b1"], x["b2"]) < min(x["a1"], x["a2"])
