"""The per-process glossary graph: built from the database, cached, revalidated on every request.

Each process keeps one ``MultiDiGraph`` per audience (the public one, and one with drafts for
staff). Before it is used, the cached graph's revision token is compared with the database's
(`revision_current()`, one cheap query); any committed write — from this process, another worker,
the admin or an import — changes that token, so nobody is ever served a stale graph.
"""

import gc
import threading
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
from django.urls import reverse

from glossary.models import Category, Relation, RelationType, Term
from glossary.revision import revision_current

URL_PLACEHOLDER = "__slug__"


@dataclass
class GraphSnapshot:
    """A built graph, the revision it reflects and what is derived from it lazily."""

    G: nx.MultiDiGraph
    token: str
    _memo: dict = field(default_factory=dict, repr=False)

    @cached_property
    def undirected(self):
        """One undirected *view* shared by every neighbourhood and path query (no copy)."""
        return self.G.to_undirected(as_view=True)

    @cached_property
    def slug_by_name(self):
        """Lower-cased term name → slug, so people may type names where slugs are expected."""
        return {data["name"].lower(): slug for slug, data in self.G.nodes(data=True)}

    def memo(self, key, compute):
        """Cache a derived value (e.g. stats) for as long as this snapshot is current."""
        if key not in self._memo:
            self._memo[key] = compute(self.G)
        return self._memo[key]


_lock = threading.Lock()
_snapshots: dict[bool, GraphSnapshot] = {}


def term_url_template() -> str:
    """The term page URL with a placeholder for the slug: one reverse() for any number of nodes."""
    return reverse("glossary:term-detail", kwargs={"slug": URL_PLACEHOLDER})


def term_url(slug: str) -> str:
    return term_url_template().replace(URL_PLACEHOLDER, slug)


def build_graph(*, include_drafts: bool = False) -> nx.MultiDiGraph:
    """Build the glossary graph in four queries, whatever its size.

    Nodes are term slugs (attributes name, category, status, short_definition); edges are keyed by
    relation type slug and carry no attributes of their own — labels and colours live once per type
    in ``G.graph["types"]``, categories in ``G.graph["categories"]``.
    """
    categories = {
        pk: {"slug": slug, "name": name, "color": color}
        for pk, slug, name, color in Category.objects.values_list("pk", "slug", "name", "color")
    }
    types = {}
    type_slugs = {}
    for row in RelationType.objects.values(
        "pk", "slug", "label", "inverse_label", "color", "symmetric", "transitive", "acyclic"
    ):
        type_slugs[row.pop("pk")] = row["slug"]
        types[row["slug"]] = row

    terms = Term.objects.all() if include_drafts else Term.objects.public()
    G = nx.MultiDiGraph(
        types=types, categories={c["slug"]: c for c in categories.values()}
    )
    slugs = {}
    nodes = []
    for pk, slug, name, status, definition, category_id in terms.order_by().values_list(
        "pk", "slug", "name", "status", "short_definition", "category_id"
    ):
        slugs[pk] = slug
        category = categories.get(category_id)
        nodes.append((slug, {
            "name": name,
            "category": category["slug"] if category else None,
            "status": status,
            "short_definition": definition,
        }))
    G.add_nodes_from(nodes)
    del nodes

    rows = Relation.objects.order_by().values_list("source_id", "type_id", "target_id")
    _add_keyed_edges(G, rows.iterator(chunk_size=20_000), slugs, type_slugs)
    return G


def _add_keyed_edges(G: nx.MultiDiGraph, rows, node_of: dict, key_of: dict) -> None:
    """Add an edge ``(node_of[s], node_of[t], key_of[k])`` for each ``(s, k, t)`` row.

    Rows whose ends or type are unknown are skipped: relations of drafts (absent from the public
    graph) and any relation committed after the term query, which the changed revision token
    will rebuild. The adjacency dicts are filled directly — the structure ``add_edges_from``
    builds: one key dict shared by ``_succ[u][v]`` and ``_pred[v][u]``, one attribute dict per
    edge — without its per-edge argument handling, most of the build time at 500,000 relations.
    """
    succ, pred = G._succ, G._pred
    new_keydict, new_attrs = G.edge_key_dict_factory, G.edge_attr_dict_factory
    for s, k, t in rows:
        u, v, key = node_of.get(s), node_of.get(t), key_of.get(k)
        if u is None or v is None or key is None:
            continue
        keydict = succ[u].get(v)
        if keydict is None:
            keydict = succ[u][v] = pred[v][u] = new_keydict()
        keydict[key] = new_attrs()


def _build_without_gc(include_drafts):
    # A build allocates a million small dicts and none of them is garbage: the cyclic collector
    # would walk them over and over (about a third of the build time at 500,000 relations).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return build_graph(include_drafts=include_drafts)
    finally:
        if enabled:
            gc.enable()


def graph_snapshot(*, include_drafts: bool = False) -> GraphSnapshot:
    """The current graph for this audience: the cached one if its revision is still current."""
    token = revision_current()
    cached = _snapshots.get(include_drafts)
    if cached is not None and cached.token == token:
        return cached
    with _lock:
        cached = _snapshots.get(include_drafts)
        if cached is not None and cached.token == token:
            return cached
        # The token was read before the data: a write landing during the build makes the next
        # request rebuild, never the reverse.
        snapshot = GraphSnapshot(_build_without_gc(include_drafts), token)
        _snapshots[include_drafts] = snapshot
        return snapshot


def graph_snapshot_for(user) -> GraphSnapshot:
    """Drafts are for staff only, as everywhere else."""
    return graph_snapshot(include_drafts=bool(user and user.is_active and user.is_staff))


def clear_graph_cache() -> None:
    """Forget every cached graph (tests and benchmarks that want a cold build)."""
    with _lock:
        _snapshots.clear()
