"""GraphML for Gephi, yEd and networkx: one node per term, one edge per relation."""

import networkx as nx

MEDIA_TYPE = "application/graphml+xml"


def snapshot_graph(snapshot: dict) -> nx.MultiDiGraph:
    """The snapshot as a MultiDiGraph keyed like the graph engine's (node = slug, key = type)."""
    labels = {t["slug"]: t["label"] for t in snapshot["relation_types"]}
    G = nx.MultiDiGraph()
    for term in snapshot["terms"]:
        G.add_node(
            term["slug"], label=term["name"], name=term["name"], category=term["category"] or "",
            status=term["status"], short_definition=term["short_definition"], uri=term["uri"] or "",
            notation=term["notation"],
        )
    for rel in snapshot["relations"]:
        G.add_edge(
            rel["source"], rel["target"], key=rel["type"], type=rel["type"],
            label=labels.get(rel["type"], rel["type"]), note=rel["note"],
        )
    return G


def iter_graphml(snapshot: dict):
    """GraphML text in chunks; ``label`` is set too because yEd and Gephi show that attribute.

    Edge ids are the relation type slugs, as `nx.read_graphml` expects for multigraph keys
    (GraphML types edge ids as NMTOKEN, so they need not be unique).
    """
    for line in nx.generate_graphml(snapshot_graph(snapshot)):
        yield line + "\n"
