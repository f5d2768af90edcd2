"""Graphs to networkx node-link JSON, with what a client needs to show and link each term."""

from graphviz_app.engine import URL_PLACEHOLDER


def node_payload(G, node, url_template: str, names=None) -> dict:
    data = G.nodes[node]
    return {
        "id": node,
        "name": (names or {}).get(node) or data.get("name", node),
        "category": data.get("category"),
        "status": data.get("status", "published"),
        "url": url_template.replace(URL_PLACEHOLDER, node),
        "short_definition": data.get("short_definition", ""),
    }


def node_link(H, url_template: str, *, graph: dict | None = None, names=None) -> dict:
    """``H`` as node-link JSON that ``nx.node_link_graph(…, edges="edges")`` reads back.

    Edge ``key`` and ``type`` are the relation type slug; ``label`` is how it reads. ``names``
    (node → name) gives terms their name in the reader's language where they have one.
    """
    types = H.graph.get("types", {})
    return {
        "directed": True,
        "multigraph": True,
        "graph": graph or {},
        "nodes": [node_payload(H, n, url_template, names) for n in H],
        "edges": [
            {
                "source": u,
                "target": v,
                "key": k,
                "type": k,
                "label": types.get(k, {}).get("label", k),
            }
            for u, v, k in H.edges(keys=True)
        ],
    }
