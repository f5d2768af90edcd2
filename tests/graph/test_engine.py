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
