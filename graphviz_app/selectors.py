"""Graph reads shared by the API and the pages: a query on the cached graph, capped for display."""

from itertools import islice

from glossary import rules
from glossary.language import names_in
from glossary.models import default_language
from graphviz_app import queries

REQUIRES = "requires"
STATS_HUBS = 10  # the best connected terms in the graph's figures


class NamesIn:
    """Terms' names in a reader's language (`glossary.language.names_in`), read as a page needs
    them: `load` reads the names of the terms not asked for yet (one query; none in the
    glossary's own language). A term without a name in it keeps its own."""

    def __init__(self, language: str | None):
        self.language, self.known, self.asked = language, {}, set()

    def load(self, nodes) -> "NamesIn":
        if self.language:
            new = set(nodes) - self.asked
            if new:
                self.known.update(names_in(self.language, new))
                self.asked |= new
        return self

    def name(self, G, node) -> str:
        return self.known.get(node) or G.nodes[node].get("name", node)

    def sort_key(self, G, node) -> str:
        """Where the node's name sorts, as the A–Z lists sort it: in its language (`rules.sort_key`)."""
        language = self.language if self.known.get(node) else default_language()
        return rules.sort_key(str(self.name(G, node)), language)


GLOSSARY_NAMES = NamesIn(None)  # the terms' own names


def _capped(G, nodes, limit, types, total=None):
    """The subgraph of the first ``limit`` of ``nodes`` (best first), and what the cap left out."""
    total = len(nodes) if total is None else total
    shown = list(islice(nodes, limit))
    meta = {"total_nodes": total, "shown_nodes": len(shown), "truncated": total > len(shown)}
    return queries.restrict_types(G.subgraph(shown), types), meta


def whole_graph(snapshot, *, types=None, categories=None, limit, isolated=True):
    """The whole graph, filtered; above the cap, its best connected terms.

    ``isolated=False`` leaves out the terms without any relation in the filtered graph; the
    returned meta counts them (``isolated_hidden``) so a page can offer to show them.
    """
    G = snapshot.G
    min_degree = 0 if isolated else 1
    if categories is None and types is None:
        # The ranking follows the graph from change to change; isolated terms rank last.
        nodes = [n for n in snapshot.top_nodes(limit) if G.degree(n) >= min_degree]
        total = snapshot.memo(("count", min_degree), lambda G: queries.count_nodes(G, min_degree=min_degree))
        everything = len(G)
    else:
        F = queries.graph_filter(G, types=types, categories=categories)
        nodes = queries.top_nodes(F, limit, min_degree=min_degree)
        total = queries.count_nodes(F, min_degree=min_degree)
        everything = len(F)
    H, meta = _capped(G, nodes, limit, types, total)
    if not isolated:
        meta["isolated_hidden"] = everything - total
    return H, meta


def with_changes(snapshot, H, *, types=None, expand=(), hide=(), limit):
    """``H`` with the neighbours of the ``expand`` terms added and the ``hide`` terms removed.

    What a reader did to a view (expand a node in place, hide another), applied again from the
    view's URL. The neighbours follow the view's relation types; the result holds at most
    ``limit`` terms, the view's own first.
    """
    if not expand and not hide:
        return H
    G = snapshot.G
    nodes = dict.fromkeys(H)
    for slug in expand:
        nodes.setdefault(slug)
        nodes.update(dict.fromkeys(queries.neighbourhood_distances(G, slug, 1, types=types, undirected=snapshot.undirected)))
    for slug in hide:
        nodes.pop(slug, None)
    return queries.restrict_types(G.subgraph(list(islice(nodes, limit))), types)


def neighbourhood_graph(snapshot, slug, *, depth, types, direction, limit):
    """The terms around ``slug``, nearest first when the cap cuts; distances come along."""
    distances = queries.neighbourhood_distances(
        snapshot.G, slug, depth, types=types, direction=direction, undirected=snapshot.undirected
    )
    H, meta = _capped(snapshot.G, distances, limit, types)
    return H, meta, distances


def path_graph(snapshot, source, target, *, types, names: NamesIn | None = None):
    """The shortest path between two terms, as a graph of its relations, with its steps in words
    (terms by the names the reader sees: ``names``)."""
    G = snapshot.G
    steps = queries.path_steps(G, source, target, types=types, undirected=snapshot.undirected)
    H = G.edge_subgraph(
        [(a, b, key) if forward else (b, a, key) for a, b, key, forward in steps]
    )
    known = names.load(H).known if names is not None else {}
    texts = [queries.explain_path(G, [step], known) for step in steps]
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


def transitive_types(snapshot) -> list[dict]:
    """The relation types a broader/narrower tree follows (transitive ones), by label.

    Prerequisites (`requires`) are left to the learning path, which orders them for reading.
    """
    return sorted((t for t in snapshot.G.graph["types"].values() if t.get("transitive") and t["slug"] != REQUIRES),
                  key=lambda t: t["label"].lower())


def _tree_item(G, node, key, names: NamesIn):
    return {"slug": node, **G.nodes[node], "name": names.name(G, node),
            "narrower_count": len(queries.narrower(G, node, key))}


def _by_name(G, nodes, names: NamesIn = GLOSSARY_NAMES):
    return sorted(nodes, key=lambda n: (names.sort_key(G, n), n))


def narrower_terms(snapshot, slug, key, *, limit=None, offset=0,
                   names: NamesIn = GLOSSARY_NAMES) -> tuple[list[dict], int]:
    """The terms directly below ``slug`` along ``key``, each with its own narrower count, by the
    name the reader sees (``names``) — ``limit`` of them in that order after the first ``offset``;
    and how many there are."""
    G = snapshot.G
    nodes = list(queries.narrower(G, slug, key))
    children = _by_name(G, nodes, names.load(nodes))
    end = None if limit is None else offset + limit
    return [_tree_item(G, n, key, names) for n in children[offset:end]], len(children)


def top_concepts(snapshot, key, *, limit=None, names: NamesIn = GLOSSARY_NAMES) -> tuple[list[dict], int]:
    """The tops of the trees of relation type ``key``, each with its narrower count, by the name
    the reader sees (``names``)."""
    G = snapshot.G
    tops = snapshot.memo(("top-concepts", key), lambda G: _by_name(G, queries.top_concepts(G, key)))
    if names.language:
        tops = _by_name(G, tops, names.load(tops))
    return [_tree_item(G, n, key, names) for n in tops[:limit]], len(tops)


def broader_tree(snapshot, slug, key, *, children_limit, names: NamesIn = GLOSSARY_NAMES):
    """A term's place in the hierarchy of ``key``, for a collapsible tree: None if it has none.

    The tree starts at each top concept above the term and goes down every chain to it (a term
    with several broader terms shows under each); the term's own narrower terms close it.
    Every item is ``{slug, name, status, narrower_count, children, current, open}``; an item
    whose ``children`` is None loads them on demand. Each level goes by the name the reader
    sees (``names``).
    """
    G = snapshot.G
    if slug not in G:
        return None
    paths = queries.broader_paths(G, slug, key)
    names.load([*(node for path in paths for node in path), *queries.narrower(G, slug, key)])
    children, total = narrower_terms(snapshot, slug, key, limit=children_limit, names=names)
    if paths == [[slug]] and not total:
        return None
    roots = {}
    for path in paths:
        level = roots
        for depth, node in enumerate(path):
            last = depth == len(path) - 1
            item = level.get(node)
            if item is None:
                item = level[node] = {**_tree_item(G, node, key, names), "current": last, "open": not last,
                                      "children": {}}
            level = item["children"]

    def finish(level):
        items = [level[n] for n in _by_name(G, level, names)]
        for item in items:
            if item["current"]:
                item["children"] = [{**child, "current": False, "open": False, "children": None} for child in children]
                item["more"] = total - len(children)
                item["open"] = bool(children)
            else:
                item["children"] = finish(item["children"])
        return items

    return finish(roots)


def stats(snapshot):
    """`queries.graph_stats` of the snapshot's graph, from the figures it keeps from change to change."""
    return snapshot.memo("stats", lambda G: snapshot.health().stats(G, snapshot.top_nodes(STATS_HUBS)))
