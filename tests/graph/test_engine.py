"""The cached graph: built in a constant number of queries, never stale, drafts kept from the public."""

import threading

import pytest
from django.db import connection

from glossary import services
from glossary.models import Relation, RelationType, Term
from graphviz_app.engine import graph_snapshot, graph_snapshot_for


def test_build_takes_a_constant_number_of_queries(llm_graph, make_term, django_assert_num_queries):
    # change log + categories + relation types + terms + relations, whatever the size
    with django_assert_num_queries(5):
        G = graph_snapshot().G
    assert G.number_of_nodes() == 8 and G.number_of_edges() == 7
    for i in range(20):
        make_term(f"extra {i}")
    # change log + the changed terms + their relations, however many changed
    with django_assert_num_queries(3):
        assert graph_snapshot().G.number_of_nodes() == 28


def test_a_current_cached_graph_costs_one_query(llm_graph, django_assert_num_queries):
    first = graph_snapshot()
    with django_assert_num_queries(1):
        assert graph_snapshot() is first


def test_nodes_and_edges_carry_what_the_pages_need(llm_graph):
    G = graph_snapshot().G
    assert G.nodes["gpt-4"] == {"name": "GPT-4", "category": "model", "status": "published", "short_definition": "About GPT-4."}
    assert ("gpt-4", "foundation-model", "instance-of") in G.edges(keys=True)
    assert G.graph["types"]["related-to"]["symmetric"] is True
    assert G.graph["categories"]["model"]["color"] == "#ff8800"


def test_any_write_is_seen_by_the_next_read(llm_graph, relate):
    assert not graph_snapshot().G.has_edge("gpt-4", "hallucination")
    relate(llm_graph["gpt-4"], RelationType.objects.get(slug="mitigates"), llm_graph["hallucination"])
    assert graph_snapshot().G.has_edge("gpt-4", "hallucination", "mitigates")
    services.term_update(term=llm_graph["gpt-4"], name="GPT four")
    assert graph_snapshot().G.nodes["gpt-4"]["name"] == "GPT four"


def test_drafts_are_only_in_the_staff_graph(llm_graph, staff_user, reader):
    services.term_update(term=llm_graph["llm"], status="draft")
    assert "llm" not in graph_snapshot_for(None).G
    assert "llm" not in graph_snapshot_for(reader).G
    staff_graph = graph_snapshot_for(staff_user).G
    assert "llm" in staff_graph and staff_graph.has_edge("rag", "llm")
    public = graph_snapshot_for(None).G
    assert not any("llm" in (u, v) for u, v in public.edges())


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_by_another_connection_is_seen(client, make_term, make_type):
    a, b = make_term("Alpha"), make_term("Beta")
    uses = make_type("uses")
    assert client.get("/api/graph/").json()["edges"] == []  # cached now, in this thread

    def other_worker():
        # Its own thread, its own database connection and transaction, as another process has.
        services.relation_create(source=Term.objects.get(pk=a.pk), type=uses, target=Term.objects.get(pk=b.pk))
        connection.close()

    writer = threading.Thread(target=other_worker)
    writer.start()
    writer.join()
    assert Relation.objects.count() == 1
    edges = client.get("/api/graph/").json()["edges"]
    assert [(e["source"], e["key"], e["target"]) for e in edges] == [(a.slug, "uses", b.slug)]


@pytest.mark.parametrize("seed", range(5))
def test_a_ranking_carried_over_edits_is_exact_as_far_as_it_goes(seed):
    import random

    import networkx as nx

    from graphviz_app import queries
    from graphviz_app.editing import GraphEdit, add_keyed_edges
    from graphviz_app.engine import Ranking

    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    G.add_nodes_from(f"n{i}" for i in range(40))
    add_keyed_edges(G, [(f"n{rng.randrange(40)}", f"n{rng.randrange(40)}", rng.choice("ab")) for _ in range(120)])
    ranking = Ranking(queries.top_nodes(G, 8), complete=False)
    reranked = 0
    for step in range(30):
        edit = GraphEdit(G)
        for _ in range(rng.randrange(1, 4)):
            u, v = rng.sample(list(edit.nodes()), 2)
            dice = rng.random()
            if dice < 0.5:
                edit.add_edge(u, v, rng.choice("ab"))
            elif dice < 0.9:
                edit.remove_edge(u, v, "a")
            else:
                edit.remove_node(u)
        H = edit.graph()
        ranking = ranking.after(edit, G, H)
        assert ranking.nodes == queries.top_nodes(H, len(ranking.nodes))
        if len(ranking.nodes) < 4:
            ranking, reranked = Ranking(queries.top_nodes(H, 8), complete=False), reranked + 1
        G = H
    assert reranked < 30  # most steps kept a usable ranking
