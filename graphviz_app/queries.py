"""Pure graph queries on the glossary graph, in the style of networkx: ``f(G, …)``, no ORM.

``G`` is a ``MultiDiGraph`` whose nodes are term slugs (attributes ``name``, ``category``,
``status``, ``short_definition``) and whose edge keys are relation type slugs. Relation type
metadata (labels, ``symmetric``…) is read from ``G.graph["types"]`` when present; a symmetric
relation is stored once, so it is followed in both directions whatever the direction asked.
"""

import heapq
from collections.abc import Callable, Collection, Iterable, Mapping

import networkx as nx

from glossary import rules
from graphviz_app import health

DIRECTIONS = ("out", "in", "both")


def _types(G) -> dict:
    return G.graph.get("types", {})


def hierarchy_type(G) -> str:
    """The relation type a broader/narrower tree follows unless asked for another: the transitive
    type the glossary maps to skos:broader (is-a where that is one), else is-a. A thesaurus
    imported into an empty glossary has its own ("broader"), and no is-a at all.

    >>> G = nx.MultiDiGraph()
    >>> G.graph["types"] = {"broader": {"transitive": True, "skos_mapping": "broader"},
    ...                     "part-of": {"transitive": True, "skos_mapping": "none"}}
    >>> hierarchy_type(G)
    'broader'
    """
    broader = sorted(slug for slug, meta in _types(G).items()
                     if meta.get("transitive") and meta.get("skos_mapping") == "broader")
    return "is-a" if "is-a" in broader or not broader else broader[0]


def _require_node(G, node):
    if node not in G:
        raise nx.NodeNotFound(f"Term {node!r} is not in the graph.")


def _neighbours_function(G, direction, types, undirected) -> Callable:
    """How to step from a node: along which edges, in which direction, of which types."""
    if direction == "both" and types is None:
        adj = (undirected if undirected is not None else G.to_undirected(as_view=True)).adj
        return lambda u: adj[u]
    symmetric = {slug for slug, t in _types(G).items() if t.get("symmetric")}
    if types is not None:
        symmetric &= set(types)

    def allowed(keys, kinds):
        return kinds is None or not kinds.isdisjoint(keys)

    forward_kinds = None if types is None else set(types)

    def step(u):
        if direction in ("out", "both"):
            yield from (v for v, keys in G._succ[u].items() if allowed(keys, forward_kinds))
        else:
            yield from (v for v, keys in G._succ[u].items() if not symmetric.isdisjoint(keys))
        if direction in ("in", "both"):
            yield from (v for v, keys in G._pred[u].items() if allowed(keys, forward_kinds))
        else:
            yield from (v for v, keys in G._pred[u].items() if not symmetric.isdisjoint(keys))

    return step


def _bfs_distances(source, depth, neighbours) -> dict:
    """Breadth-first distances from ``source`` up to ``depth``, nearest nodes first."""
    seen = {source: 0}
    frontier = [source]
    for distance in range(1, depth + 1):
        following = []
        for u in frontier:
            for v in neighbours(u):
                if v not in seen:
                    seen[v] = distance
                    following.append(v)
        if not following:
            break
        frontier = following
    return seen


def restrict_types(H, types: Collection[str] | None):
    """A view of ``H`` keeping only edges whose key (relation type) is in ``types``."""
    if types is None:
        return H
    allowed = frozenset(types)
    return nx.subgraph_view(H, filter_edge=lambda u, v, k: k in allowed)


def neighbourhood_distances(G, node, depth=1, *, types=None, direction="both", undirected=None) -> dict:
    """Distance of every term within ``depth`` steps of ``node``, nearest first.

    ``direction`` is ``"out"`` (follow relations from the term), ``"in"`` (towards it) or
    ``"both"``; ``types`` restricts the relation types followed. ``undirected`` is a cached
    ``G.to_undirected(as_view=True)``, so no call copies the graph.

    >>> G = nx.MultiDiGraph([("a", "b", "is-a"), ("b", "c", "is-a"), ("d", "a", "uses")])
    >>> neighbourhood_distances(G, "a", 2, direction="out")
    {'a': 0, 'b': 1, 'c': 2}
    """
    _require_node(G, node)
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    return _bfs_distances(node, depth, _neighbours_function(G, direction, types, undirected))


def neighbourhood(G, node, depth=1, *, types=None, direction="both", undirected=None):
    """The subgraph (a view) of the terms within ``depth`` steps of ``node``.

    >>> G = nx.MultiDiGraph([("a", "b", "is-a"), ("b", "c", "uses")])
    >>> sorted(neighbourhood(G, "a", 1).nodes)
    ['a', 'b']
    """
    nodes = neighbourhood_distances(
        G, node, depth, types=types, direction=direction, undirected=undirected
    )
    return restrict_types(G.subgraph(nodes), types)


def path_steps(G, source, target, *, types=None, undirected=None) -> list[tuple]:
    """A shortest path between two terms, following relations either way.

    Returns steps ``(a, b, key, forward)``: walking from ``a`` to ``b`` over a relation of type
    ``key`` stored ``a → b`` when ``forward`` is true, ``b → a`` otherwise. Raises
    ``NodeNotFound`` or ``NetworkXNoPath``.

    >>> G = nx.MultiDiGraph([("gpt-4", "llm", "is-a"), ("rag", "llm", "uses")])
    >>> path_steps(G, "gpt-4", "rag")
    [('gpt-4', 'llm', 'is-a', True), ('llm', 'rag', 'uses', False)]
    """
    _require_node(G, source)
    _require_node(G, target)
    U = undirected if undirected is not None else G.to_undirected(as_view=True)
    allowed = None if types is None else frozenset(types)
    if allowed is not None:
        U = nx.subgraph_view(U, filter_edge=lambda u, v, k: k in allowed)
    nodes = nx.shortest_path(U, source, target)
    steps = []
    for a, b in zip(nodes, nodes[1:]):
        forward = [k for k in G._succ[a].get(b, ()) if allowed is None or k in allowed]
        if forward:
            steps.append((a, b, min(forward), True))
        else:
            backward = [k for k in G._succ[b][a] if allowed is None or k in allowed]
            steps.append((a, b, min(backward), False))
    return steps


def explain_path(G, steps: Iterable[tuple], names: Mapping | None = None) -> str:
    """Say a path in words, each relation read in the direction it is walked; terms by their
    ``names`` where given (the reader's language), else by the names in the graph.

    >>> G = nx.MultiDiGraph(types={"mitigates": {"label": "mitigates", "inverse_label": "is mitigated by"}})
    >>> G.add_node("rag", name="RAG"); G.add_node("hallucination", name="hallucination")
    >>> explain_path(G, [("hallucination", "rag", "mitigates", False)])
    'hallucination is mitigated by RAG'
    """
    return "; ".join(" ".join(step_in_words(G, step, names)) for step in steps)


def step_in_words(G, step: tuple, names: Mapping | None = None) -> tuple[str, str, str]:
    """One step of a path as (the name of the term it leaves, its relation read in the direction
    it is walked, the name of the term it reaches): the parts of `explain_path`'s sentences, for a
    page that sets the names apart from the words around them."""
    a, b, key, forward = step
    names = names or {}
    meta = _types(G).get(key, {})
    verb = meta.get("label" if forward else "inverse_label") or (key if forward else f"is the target of {key} from")
    return names.get(a) or G.nodes[a].get("name", a), verb, names.get(b) or G.nodes[b].get("name", b)


def _along(G, source, key, *, reverse=False) -> dict:
    """Distances of the terms reached from ``source`` over relations of type ``key`` only."""
    adjacency = G._pred if reverse else G._succ
    return _bfs_distances(
        source, len(G), lambda u: (v for v, keys in adjacency[u].items() if key in keys)
    )


def hierarchy(G, node, key="is-a") -> tuple[dict, dict]:
    """Ancestors and descendants of ``node`` along relation type ``key``, with their distances.

    Relations point from the narrower term to the broader one ("GPT-4 is a LLM"), so ancestors
    are reached along outgoing edges and descendants along incoming ones.

    >>> G = nx.MultiDiGraph([("gpt-4", "llm", "is-a"), ("llm", "model", "is-a")])
    >>> hierarchy(G, "llm")
    ({'model': 1}, {'gpt-4': 1})
    """
    _require_node(G, node)
    ancestors = _along(G, node, key)
    descendants = _along(G, node, key, reverse=True)
    del ancestors[node], descendants[node]
    return ancestors, descendants


def learning_path(G, node, *, known: Collection = (), key="requires") -> list[list]:
    """Every prerequisite of ``node`` (transitively, along ``key``), in generations to learn.

    Each generation only needs what earlier generations teach. Terms in ``known`` are dropped,
    and so is whatever is needed only through them: a learner who knows a term is assumed to
    know its prerequisites. A cycle (impossible through the model rules, but imported data may
    hold one) puts its terms into one generation instead of failing.

    >>> G = nx.MultiDiGraph([("rag", "llm", "requires"), ("llm", "nn", "requires"), ("rag", "nn", "requires")])
    >>> G.add_nodes_from(["rag", "llm", "nn"])
    >>> learning_path(G, "rag")
    [['nn'], ['llm']]
    >>> learning_path(G, "rag", known={"llm"})
    [['nn']]
    """
    _require_node(G, node)
    known = set(known) - {node}
    needed = _bfs_distances(
        node,
        len(G),
        lambda u: (v for v, keys in G._succ[u].items() if key in keys and v not in known),
    )
    order = nx.DiGraph()
    order.add_nodes_from(needed)
    order.add_edges_from(
        (v, u) for u in needed for v, keys in G._succ[u].items() if key in keys and v in needed
    )
    condensed = nx.condensation(order)
    members = condensed.graph["mapping"]
    by_component = {}
    for term, component in members.items():
        by_component.setdefault(component, []).append(term)
    name = lambda term: (str(G.nodes[term].get("name", term)).lower(), term)  # noqa: E731
    generations = []
    for generation in nx.topological_generations(condensed):
        terms = [t for c in generation for t in by_component[c] if t != node]
        if terms:
            generations.append(sorted(terms, key=name))
    return generations


def graph_filter(G, *, types=None, categories=None):
    """A view of ``G`` with only the terms of ``categories`` and the relations of ``types``.

    ``categories`` holds category slugs, each with the categories inside it; ``None`` in it
    selects terms without a category.
    """
    H = G
    if categories is not None:
        parents = {slug: meta.get("parent") for slug, meta in G.graph.get("categories", {}).items()}
        wanted = frozenset(rules.categories_inside(parents, categories))
        H = nx.subgraph_view(H, filter_node=lambda n: G.nodes[n].get("category") in wanted)
    return restrict_types(H, types)


def top_nodes(G, limit: int, *, min_degree: int = 0) -> list:
    """The ``limit`` best connected nodes, hubs first; ties go to the first slug alphabetically.

    Nodes with fewer than ``min_degree`` edges are left out (1: no isolated node).

    >>> G = nx.MultiDiGraph([("a", "b", "uses"), ("c", "b", "uses")]); G.add_node("lonely")
    >>> top_nodes(G, 2), top_nodes(G, 9, min_degree=1)
    (['b', 'a'], ['b', 'a', 'c'])
    """
    degrees = ((n, d) for n, d in G.degree if d >= min_degree)
    return [n for n, _ in heapq.nsmallest(limit, degrees, key=lambda item: (-item[1], str(item[0])))]


def count_nodes(G, *, min_degree: int = 0) -> int:
    """How many nodes have at least ``min_degree`` edges."""
    return len(G) if min_degree <= 0 else sum(1 for _, d in G.degree if d >= min_degree)


def narrower(G, node, key="is-a") -> list:
    """The terms directly below ``node`` along relation type ``key`` (those related *to* it).

    >>> G = nx.MultiDiGraph([("gpt-4", "llm", "is-a"), ("bert", "llm", "is-a"), ("llm", "model", "is-a")])
    >>> sorted(narrower(G, "llm"))
    ['bert', 'gpt-4']
    """
    _require_node(G, node)
    return [u for u, keys in G._pred[node].items() if key in keys and u != node]


def broader(G, node, key="is-a") -> list:
    """The terms directly above ``node`` along relation type ``key``; several in a polyhierarchy.

    >>> G = nx.MultiDiGraph([("gpt-4", "llm", "is-a"), ("gpt-4", "product", "is-a")])
    >>> sorted(broader(G, "gpt-4"))
    ['llm', 'product']
    """
    _require_node(G, node)
    return [v for v, keys in G._succ[node].items() if key in keys and v != node]


def top_concepts(G, key="is-a") -> list:
    """The terms that have narrower terms along ``key`` but nothing broader: the tops of its trees.

    >>> G = nx.MultiDiGraph([("gpt-4", "llm", "is-a"), ("llm", "model", "is-a"), ("x", "y", "uses")])
    >>> top_concepts(G)
    ['model']
    """
    has_broader, has_narrower = set(), set()
    for u, v, k in G.edges(keys=True):
        if k == key and u != v:
            has_broader.add(u)
            has_narrower.add(v)
    return sorted(has_narrower - has_broader)


def broader_paths(G, node, key="is-a", *, limit=20) -> list[list]:
    """Chains from a top concept down to ``node`` along ``key``, broadest first (at most ``limit``).

    In a polyhierarchy a term has several broader terms, so it has several chains; a cycle
    (impossible through the model rules, but imported data may hold one) is not followed round.

    >>> G = nx.MultiDiGraph([("gpt-4", "llm", "is-a"), ("llm", "model", "is-a"), ("gpt-4", "product", "is-a")])
    >>> broader_paths(G, "gpt-4")
    [['model', 'llm', 'gpt-4'], ['product', 'gpt-4']]
    """
    _require_node(G, node)
    name = lambda n: str(G.nodes[n].get("name", n)).lower()  # noqa: E731
    paths, stack = [], [[node]]
    while stack and len(paths) < limit:
        path = stack.pop()
        parents = sorted((p for p in broader(G, path[0], key) if p not in path), key=name, reverse=True)
        if not parents:
            paths.append(path)
        stack.extend([parent, *path] for parent in parents)
    return sorted(paths, key=lambda p: [name(n) for n in p])


def acyclic_type_cycles(G) -> dict:
    """For each relation type marked acyclic in ``G.graph["types"]``, one cycle found, if any."""
    keys = health.acyclic_keys(G)
    pairs = health.edges_by_type(G, keys)[1]
    return {key: cycle for key in keys if (cycle := health.one_cycle(pairs[key]))}


def graph_stats(G, *, top=10, sample=100) -> dict:
    """Size, components, orphans, hubs, cycles in acyclic types and terms lacking a definition,
    worked out from scratch (a cached graph keeps them from change to change: `graphviz_app.health`).

    Lists are cut at ``sample`` items; the counts are always complete.
    """
    return health.GraphHealth.of(G).stats(G, top_nodes(G, top), sample=sample)
