"""Graph reads shared by the API and the pages: a query on the cached graph, capped for display."""

from itertools import islice

from graphviz_app import queries

REQUIRES = "requires"


def _capped(G, nodes, limit, types, total=None):
    """The subgraph of the first ``limit`` of ``nodes`` (best first), and what the cap left out."""
    total = len(nodes) if total is None else total
    shown = list(islice(nodes, limit))
    meta = {"total_nodes": total, "shown_nodes": len(shown), "truncated": total > len(shown)}
    return queries.restrict_types(G.subgraph(shown), types), meta


def whole_graph(snapshot, *, types=None, categories=None, limit):
    """The whole graph, filtered; above the cap, its best connected terms."""
    G = snapshot.G
    if categories is None and types is None:
        nodes = snapshot.top_nodes(limit)
        total = len(G)
    else:
        F = queries.graph_filter(G, types=types, categories=categories)
        nodes = queries.top_nodes(F, limit)
        total = len(F)
    return _capped(G, nodes, limit, types, total)


def neighbourhood_graph(snapshot, slug, *, depth, types, direction, limit):
    """The terms around ``slug``, nearest first when the cap cuts; distances come along."""
    distances = queries.neighbourhood_distances(
        snapshot.G, slug, depth, types=types, direction=direction, undirected=snapshot.undirected
    )
    H, meta = _capped(snapshot.G, distances, limit, types)
    return H, meta, distances


def path_graph(snapshot, source, target, *, types):
    """The shortest path between two terms, as a graph of its relations, with its steps in words."""
    G = snapshot.G
    steps = queries.path_steps(G, source, target, types=types, undirected=snapshot.undirected)
    H = G.edge_subgraph(
        [(a, b, key) if forward else (b, a, key) for a, b, key, forward in steps]
    )
    texts = [queries.explain_path(G, [step]) for step in steps]
    return H, steps, texts


def hierarchy_graph(snapshot, slug, key):
    """Ancestors and descendants of ``slug`` along one transitive type, and the tree joining them."""
    ancestors, descendants = queries.hierarchy(snapshot.G, slug, key)
    H = queries.restrict_types(snapshot.G.subgraph([slug, *ancestors, *descendants]), [key])
    return H, ancestors, descendants


def learning_graph(snapshot, slug, *, known):
    """Prerequisites of ``slug`` in learning order, and the `requires` graph between them."""
    generations = queries.learning_path(snapshot.G, slug, known=known, key=REQUIRES)
    nodes = [slug, *(t for generation in generations for t in generation)]
    return queries.restrict_types(snapshot.G.subgraph(nodes), [REQUIRES]), generations


def stats(snapshot):
    return snapshot.memo("stats", queries.graph_stats)
