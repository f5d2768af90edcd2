"""The graph's health figures kept from graph to graph (`graphviz_app.health`): after any edit they
equal the figures worked out from scratch, and a cached graph does not work them out again."""

import random

import networkx as nx
import pytest

from glossary import services
from glossary.models import RelationType
from graphviz_app import engine, health
from graphviz_app.editing import GraphEdit, add_keyed_edges
from graphviz_app.health import GraphHealth

TYPES = {
    "is-a": {"slug": "is-a", "acyclic": True},
    "part-of": {"slug": "part-of", "acyclic": True},
    "uses": {"slug": "uses", "acyclic": False},
}


def groups(h: GraphHealth) -> set:
    """The connected groups as `GraphHealth` holds them: nodes by the root of their label."""
    c = h.components
    by_root = {}
    for n, label in c.label.items():
        by_root.setdefault(c.root(label), set()).add(n)
    assert {root: len(nodes) for root, nodes in by_root.items()} == c.size
    return {frozenset(nodes) for nodes in by_root.values()}


def assert_same_figures(kept: GraphHealth, G):
    fresh = GraphHealth.of(G)
    assert kept.edge_counts == fresh.edge_counts
    assert kept.categories == fresh.categories
    assert kept.undefined == fresh.undefined
    assert kept.orphans == fresh.orphans
    assert groups(kept) == {frozenset(g) for g in nx.weakly_connected_components(G)}
    assert (kept.components.count, kept.components.largest) == (fresh.components.count, fresh.components.largest)
    for key in kept.acyclic:
        # Any cycle will do, as long as there is one exactly when there is one.
        assert (kept.cycles[key] is None) == (fresh.cycles[key] is None), key
        cycle = kept.cycles[key]
        if cycle is not None:
            assert cycle[0] == cycle[-1]
            assert all(key in G._succ[u].get(v, ()) for u, v in zip(cycle, cycle[1:]))
    hubs = [n for n, _ in sorted(G.degree, key=lambda item: (-item[1], item[0]))][:10]
    assert {**kept.stats(G, hubs), "cycles": None} == {**fresh.stats(G, hubs), "cycles": None}


def attrs(rng):
    return {"name": "n", "category": rng.choice([None, "models", "methods"]),
            "status": "published", "short_definition": rng.choice(["", "Defined."])}


def random_graph(rng, size):
    G = nx.MultiDiGraph(types=TYPES)
    for i in range(size):
        G._node[f"n{i}"] = attrs(rng)
        G._succ[f"n{i}"], G._pred[f"n{i}"] = {}, {}
    nodes = list(G._node)
    add_keyed_edges(G, ((rng.choice(nodes), rng.choice(nodes), rng.choice(list(TYPES)))
                        for _ in range(rng.randint(0, size * 2))))
    return G


def random_edit(rng, G, fresh):
    edit = GraphEdit(G)
    for _ in range(rng.choice([1, 1, 2, 5])):
        nodes = list(edit.nodes())
        what = rng.random()
        if what < 0.3 and nodes:
            u, v = rng.choice(nodes), rng.choice(nodes)
            edit.add_edge(u, v, rng.choice(list(TYPES)))
        elif what < 0.55:
            edges = [(u, v, k) for u, vs in edit.succ().items() for v, keys in vs.items() for k in keys]
            if edges:
                edit.remove_edge(*rng.choice(edges))
        elif what < 0.65 and nodes:
            edit.remove_node(rng.choice(nodes))
        elif what < 0.75:
            edit.add_node(f"new{next(fresh)}", attrs(rng))
        elif what < 0.85 and nodes:
            edit.rename_node(rng.choice(nodes), f"renamed{next(fresh)}")
        elif nodes:
            edit.add_node(rng.choice(nodes), attrs(rng))
    return edit


@pytest.mark.parametrize("seed", range(60))
def test_the_figures_kept_through_random_edits_equal_the_figures_worked_out_anew(seed):
    rng = random.Random(seed)
    G = random_graph(rng, rng.randint(1, 30))
    fresh = iter(range(10**6))
    kept = GraphHealth.of(G)
    for _ in range(25):
        edit = random_edit(rng, G, fresh)
        H = edit.graph()
        kept = kept.after(G, H, edit.touched, edit.restyled, budget=10**6)
        assert kept is not None
        assert_same_figures(kept, H)
        G = H


def chain_graph(n, key="is-a"):
    G = nx.MultiDiGraph(types=TYPES)
    for i in range(n):
        G.add_node(i, category=None, short_definition="x")
    for i in range(n - 1):
        G.add_edge(i, i + 1, key)
    return G


def test_a_relation_that_closes_a_cycle_is_found_from_its_target_alone():
    G = chain_graph(200)
    kept = GraphHealth.of(G)
    assert kept.cycles == {"is-a": None, "part-of": None}
    edit = GraphEdit(G)
    edit.add_edge(199, 0, "is-a")
    H = edit.graph()
    after = kept.after(G, H, edit.touched, edit.restyled)
    assert after.cycles["is-a"] == [199, *range(200)]
    # The same relation of a type that may loop changes no cycle.
    edit = GraphEdit(G)
    edit.add_edge(199, 0, "uses")
    assert kept.after(G, edit.graph(), edit.touched, edit.restyled).cycles == kept.cycles


def test_cutting_a_long_chain_costs_the_shorter_side_and_counts_both_groups():
    G = chain_graph(30_000)
    kept = GraphHealth.of(G)
    edit = GraphEdit(G)
    edit.remove_edge(29_989, 29_990, "is-a")
    H = edit.graph()
    after = kept.after(G, H, edit.touched, edit.restyled, budget=100)  # ten nodes split off
    assert (after.components.count, after.components.largest) == (2, 29_990)


def test_an_edit_that_reaches_too_far_is_left_to_a_fresh_count():
    G = chain_graph(30_000)
    kept = GraphHealth.of(G)
    edit = GraphEdit(G)
    edit.remove_edge(14_999, 15_000, "is-a")  # two halves of 15,000
    assert kept.after(G, edit.graph(), edit.touched, edit.restyled, budget=1_000) is None
    edit = GraphEdit(G)
    edit.add_edge(29_999, 0, "is-a")  # the cycle runs through every node
    assert kept.after(G, edit.graph(), edit.touched, edit.restyled, budget=1_000) is None


def test_a_changed_definition_changes_no_group_and_copies_nothing_of_them():
    G = chain_graph(50)
    kept = GraphHealth.of(G)
    edit = GraphEdit(G)
    edit.add_node(7, {"category": "models", "short_definition": ""})
    after = kept.after(G, edit.graph(), edit.touched, edit.restyled)
    assert after.components is kept.components and after.cycles is kept.cycles
    assert after.undefined == {7} and after.categories == {None: 49, "models": 1}


# The cached graph keeps them ----------------------------------------------------------------------


@pytest.fixture
def counted_builds(monkeypatch):
    """How often the figures were worked out from scratch."""
    calls = []
    original = GraphHealth.of.__func__

    def of(cls, G):
        calls.append(len(G))
        return original(cls, G)

    monkeypatch.setattr(GraphHealth, "of", classmethod(of))
    return calls


@pytest.mark.django_db
def test_the_stats_after_a_write_follow_it_without_working_the_figures_out_again(
        client, make_term, is_a, relate, counted_builds):
    engine.clear_graph_cache()
    a, b, c = (make_term(name, short_definition="Defined.") for name in ("Alpha", "Beta", "Gamma"))
    relate(a, is_a, b)
    before = client.get("/api/graph/stats/").json()
    assert len(counted_builds) == 1
    assert (before["components"], before["orphans"]["count"]) == (2, 1)

    relation = services.relation_create(source=c, type=is_a, target=b)
    services.term_update(term=a, short_definition="")
    after = client.get("/api/graph/stats/").json()
    assert (after["components"], after["orphans"]["count"], after["largest_component"]) == (1, 0, 3)
    assert after["without_definition"] == {"count": 1, "sample": ["alpha"]}
    assert after["edges_by_type"] == {"is-a": 2}

    services.relation_delete(relation=relation)
    html = client.get("/quality/").content.decode()
    assert "Gamma" in html  # an orphan again, on the report as in the figures
    assert client.get("/api/graph/stats/").json()["components"] == 2
    assert len(counted_builds) == 1


@pytest.mark.django_db
def test_a_type_made_acyclic_has_its_figures_worked_out_anew(client, make_term, relate, counted_builds):
    """Which types may hold no cycle is part of the figures: a type that changes that is searched
    whole, once."""
    engine.clear_graph_cache()
    loose = services.relation_type_create(slug="loose", label="loose", inverse_label="loose of")
    a, b = make_term("Alpha"), make_term("Beta")
    relate(a, loose, b)
    assert client.get("/api/graph/stats/").json()["edges_by_type"] == {"loose": 1}
    services.relation_type_update(relation_type=RelationType.objects.get(slug="loose"), acyclic=True)
    assert client.get("/api/graph/stats/").json()["cycles"] == {}
    assert len(counted_builds) == 2
    services.term_update(term=a, short_definition="Now defined.")
    client.get("/api/graph/stats/")
    assert len(counted_builds) == 2


def test_the_stats_of_a_graph_are_its_figures():
    G = chain_graph(5)
    G.add_node("alone", category="models", short_definition="")
    stats = health.GraphHealth.of(G).stats(G, [1, 2, 3, 0, "alone"])
    assert stats["orphans"] == {"count": 1, "sample": ["alone"]}
    assert [hub["id"] for hub in stats["hubs"]] == [1, 2, 3, 0]  # no hub without a relation
    assert stats["nodes_by_category"] == {"": 5, "models": 1}
