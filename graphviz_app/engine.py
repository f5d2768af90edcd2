"""The per-process glossary graph: built from the database once, then kept current from the change log.

Each process keeps one ``MultiDiGraph`` per audience: the public one, and one with drafts for
staff, made from the public one and sharing all but the drafts. Before a graph is used, the
process looks at the change log (`glossary.changelog`, one cheap query per request) and applies
what committed since — changed terms re-read in one query, relations added and removed by their
ends, types and categories re-read — into a new graph that shares everything else with the old
one (`graphviz_app.editing`). It rebuilds only after a bulk write (an import), when it is too far
behind, or when the log was trimmed past it. So a committed write — from this process, another
worker or machine, the admin or an import — is seen by the next request, without a rebuild.

A reader inside a transaction that has written sees its own uncommitted changes; it gets a
private graph for that transaction and leaves the shared one alone, which only ever follows
committed changes.
"""

import gc
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
from django.db.models import Q
from django.urls import reverse

from glossary.changelog import Position, changes_position, feed
from glossary.models import (
    PUBLIC_STATUSES,
    Category,
    ChangeAction,
    ChangeKind,
    Relation,
    RelationType,
    Term,
    TermStatus,
    sees_unpublished,
)
from graphviz_app import queries
from graphviz_app.editing import GraphEdit, add_keyed_edges, undirected_view
from graphviz_app.health import GraphHealth

URL_PLACEHOLDER = "__slug__"
# Ranked nodes kept beyond what was asked for, so a few changes do not force a new ranking.
RANKING_MARGIN = 100
AUDIENCES = {False: "public", True: "staff"}
# One string object per status for all nodes, rather than one per node.
_STATUSES = {status: status for status in TermStatus.values}


@dataclass(eq=False)
class GraphSnapshot:
    """A graph, how far along the change log it is and what is derived from it lazily."""

    G: nx.MultiDiGraph
    upto: int  # the process feed's index up to which published changes are in G
    terms: dict  # term pk → slug, for the terms in G
    types: dict  # relation type pk → slug
    categories: dict  # category pk → slug
    edge_count: int  # G.number_of_edges(), which networkx counts anew each time
    # Private graphs: changes applied beyond ``upto`` (seq, txid), some perhaps uncommitted.
    applied: frozenset = frozenset()
    _memo: dict = field(default_factory=dict, repr=False)
    _ranking: "Ranking | None" = field(default=None, repr=False)
    _health: GraphHealth | None = field(default=None, repr=False)

    @cached_property
    def undirected(self):
        """One undirected *view* shared by every neighbourhood and path query (no copy)."""
        return undirected_view(self.G)

    @cached_property
    def slug_by_name(self):
        """Lower-cased term name → slug, so people may type names where slugs are expected."""
        return {data["name"].lower(): slug for slug, data in self.G.nodes(data=True)}

    def memo(self, key, compute):
        """Cache a derived value (e.g. stats) for as long as this graph is current."""
        if key not in self._memo:
            self._memo[key] = compute(self.G)
        return self._memo[key]

    def health(self) -> GraphHealth:
        """The figures of `graphviz_app.health`, kept from graph to graph once worked out."""
        if self._health is None:
            self._health = GraphHealth.of(self.G)
        return self._health

    def top_nodes(self, limit: int) -> list:
        """``queries.top_nodes(G, limit)``, kept from graph to graph rather than recomputed."""
        ranking = self._ranking
        if ranking is None or (len(ranking.nodes) < limit and not ranking.complete):
            nodes = queries.top_nodes(self.G, limit + RANKING_MARGIN)
            self._ranking = ranking = Ranking(nodes, complete=len(nodes) == len(self.G))
        return ranking.nodes[:limit]

    def moved(self, upto: int, applied: frozenset = frozenset()) -> "GraphSnapshot":
        """The same graph, with what is derived from it, at another place in the log."""
        moved = GraphSnapshot(self.G, upto, self.terms, self.types, self.categories, self.edge_count, applied,
                              self._memo, self._ranking, self._health)
        moved.__dict__.update({k: v for k, v in self.__dict__.items() if k in ("undirected", "slug_by_name")})
        return moved


@dataclass(frozen=True)
class Ranking:
    """The best connected nodes, best first, as `queries.top_nodes` orders them."""

    nodes: list
    complete: bool  # every node of the graph is in it

    def after(self, edit: GraphEdit, old: nx.MultiDiGraph, new: nx.MultiDiGraph) -> "Ranking":
        """The ranking of ``new``, made from ``edit`` on ``old``: only touched nodes are re-ranked.

        A node neither ranked nor touched kept its degree, so it still ranks behind the last
        ranked node's old place; every re-ranked node ahead of that place is ranked exactly.
        """
        candidates = {n for n in (*self.nodes, *edit.touched) if n in new}
        ranked = sorted(candidates, key=lambda n: _rank_key(new, n))
        if self.complete or not self.nodes:
            return Ranking(ranked, self.complete)
        bar = _rank_key(old, self.nodes[-1])
        return Ranking([n for n in ranked if _rank_key(new, n) < bar], False)


def _rank_key(G, n):
    return -G.degree(n), str(n)


_lock = threading.RLock()
_shared: dict[bool, GraphSnapshot] = {}
_private = threading.local()  # per thread, hence per database connection and transaction
_counts: Counter = Counter()


def term_url_template() -> str:
    """The term page URL with a placeholder for the slug: one reverse() for any number of nodes."""
    return reverse("glossary:term-detail", kwargs={"slug": URL_PLACEHOLDER})


def term_url(slug: str) -> str:
    return term_url_template().replace(URL_PLACEHOLDER, slug)


# Reading the database --------------------------------------------------------------------------


def _term_rows(terms):
    return terms.order_by().values_list("pk", "slug", "name", "status", "short_definition", "category_id")


def _node_attrs(row, category_slugs: dict) -> dict:
    _, _, name, status, definition, category_id = row
    return {
        "name": name,
        "category": category_slugs.get(category_id),
        "status": _STATUSES.get(status, status),
        "short_definition": definition,
    }


def _read_categories() -> tuple[dict, dict]:
    """(pk → slug, slug → metadata) of every category."""
    rows = Category.objects.order_by().values_list("pk", "slug", "name", "names", "color", "parent__slug")
    return (
        {pk: slug for pk, slug, *_ in rows},
        {slug: {"slug": slug, "name": name, "names": names or {}, "color": color, "parent": parent}
         for _, slug, name, names, color, parent in rows},
    )


def _read_types() -> tuple[dict, dict]:
    """(pk → slug, slug → metadata) of every relation type."""
    slugs, types = {}, {}
    for row in RelationType.objects.order_by("slug").values(
        "pk", "slug", "label", "inverse_label", "color", "symmetric", "transitive", "acyclic", "skos_mapping"
    ):
        slugs[row.pop("pk")] = row["slug"]
        types[row["slug"]] = row
    return slugs, types


def _keyed_edges(rows, term_slugs: dict, type_slugs: dict):
    """``(u, v, key)`` for each ``(source pk, type pk, target pk)`` row whose ends are in the graph.

    Relations of drafts are absent from the public graph; rows whose ends or type are unknown
    (committed after the terms were read) come back through the change log.
    """
    for s, k, t in rows:
        u, v, key = term_slugs.get(s), term_slugs.get(t), type_slugs.get(k)
        if u is not None and v is not None and key is not None:
            yield u, v, key


def _relation_rows(relations):
    return relations.order_by().values_list("source_id", "type_id", "target_id")


def build_public() -> GraphSnapshot:
    """Build the public graph (published and deprecated terms) in four queries, whatever its size.

    Nodes are term slugs (attributes name, category, status, short_definition); edges are keyed by
    relation type slug and carry no attributes of their own — labels and colours live once per type
    in ``G.graph["types"]``, categories in ``G.graph["categories"]``.
    """
    category_slugs, categories = _read_categories()
    type_slugs, types = _read_types()
    G = nx.MultiDiGraph(types=types, categories=categories)
    term_slugs = {}
    # Filled directly, as networkx's add_nodes_from would, without copying each attribute dict.
    node, succ, pred = G._node, G._succ, G._pred
    for row in _term_rows(Term.objects.public()):
        slug = row[1]
        term_slugs[row[0]] = slug
        node[slug] = _node_attrs(row, category_slugs)
        succ[slug] = {}
        pred[slug] = {}
    rows = _relation_rows(Relation.objects.all()).iterator(chunk_size=20_000)
    edges = add_keyed_edges(G, _keyed_edges(rows, term_slugs, type_slugs))
    return GraphSnapshot(G, 0, term_slugs, type_slugs, category_slugs, edges)


def with_drafts(public: GraphSnapshot) -> GraphSnapshot:
    """The staff graph: ``public`` plus the terms only staff may read and their relations."""
    hidden = Term.objects.exclude(status__in=PUBLIC_STATUSES)
    edit = GraphEdit(public.G)
    term_slugs = dict(public.terms)
    for row in _term_rows(hidden):
        term_slugs[row[0]] = row[1]
        edit.add_node(row[1], _node_attrs(row, public.categories))
    if len(term_slugs) > len(public.terms):
        ids = hidden.values("pk")
        rows = _relation_rows(Relation.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids)))
        for u, v, key in _keyed_edges(rows, term_slugs, public.types):
            edit.add_edge(u, v, key)
    return GraphSnapshot(edit.graph(), public.upto, term_slugs, public.types, public.categories,
                         public.edge_count + edit.edge_delta, public.applied)


def build_graph(*, include_drafts: bool = False) -> nx.MultiDiGraph:
    """The glossary graph for one audience, built from the database (no cache involved)."""
    public = build_public()
    return with_drafts(public).G if include_drafts else public.G


@contextmanager
def _gc_paused():
    # A build allocates a million small objects and none of them is garbage: the cyclic
    # collector would walk them over and over (about a third of the build time at 500,000).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build_without_gc(include_drafts):
    with _gc_paused():
        return build_graph(include_drafts=include_drafts)


# Applying the change log -----------------------------------------------------------------------


def apply_changes(snapshot: GraphSnapshot, entries, *, include_drafts: bool) -> GraphSnapshot | None:
    """``snapshot`` with the changes of ``entries`` applied, or None when only a rebuild will do.

    Terms are re-read (one query for all), so an entry applied twice, or after a newer state was
    read, does no harm; a term that appears in the graph (new, published, renamed) brings its
    relations to the terms already there (one more query).
    """
    entries = sorted(entries)
    kinds = {e.kind for e in entries}
    if ChangeKind.BULK in kinds:
        return None
    edit = GraphEdit(snapshot.G)
    term_slugs, type_slugs, category_slugs = snapshot.terms, snapshot.types, snapshot.categories
    if ChangeKind.CATEGORY in kinds:
        category_slugs = _apply_categories(edit, category_slugs)
    if ChangeKind.RELATION_TYPE in kinds:
        type_slugs, types = _read_types()
        if any(type_slugs.get(pk, slug) != slug for pk, slug in snapshot.types.items()):
            return None  # a type's slug changed: every edge of that type is keyed by the old one
        edit.set_graph_attr("types", types)
    term_ids = {e.object_id for e in entries if e.kind == ChangeKind.TERM}
    old_term_slugs = term_slugs
    if term_ids:
        term_slugs = _apply_terms(edit, term_ids, term_slugs, type_slugs, category_slugs, include_drafts)
        if term_slugs is None:
            return None
    for e in entries:
        if e.kind == ChangeKind.RELATION:
            u, v, key = term_slugs.get(e.source_id), term_slugs.get(e.target_id), type_slugs.get(e.type_id)
            if u is None or v is None or key is None:
                continue
            if e.action == ChangeAction.ADDED:
                edit.add_edge(u, v, key)
            elif e.action == ChangeAction.REMOVED:
                edit.remove_edge(u, v, key)
    if not edit.changed:
        return snapshot
    result = GraphSnapshot(edit.graph(), snapshot.upto, term_slugs, type_slugs, category_slugs,
                           snapshot.edge_count + edit.edge_delta, snapshot.applied)
    if snapshot._ranking is not None:
        result._ranking = snapshot._ranking.after(edit, snapshot.G, result.G)
    if snapshot._health is not None:
        result._health = snapshot._health.after(snapshot.G, result.G, edit.touched, edit.restyled)
    names = snapshot.__dict__.get("slug_by_name")
    if names is not None:
        # Patched rather than recomputed over every node by the next reader that needs it.
        touched = {old_term_slugs.get(pk) for pk in term_ids} | {term_slugs.get(pk) for pk in term_ids}
        result.__dict__["slug_by_name"] = _patched_names(names, snapshot.G, result.G, touched - {None})
    return result


def _patched_names(names: dict, old: nx.MultiDiGraph, new: nx.MultiDiGraph, slugs) -> dict:
    names = dict(names)
    for slug in slugs:
        if slug in old and names.get(old.nodes[slug]["name"].lower()) == slug:
            del names[old.nodes[slug]["name"].lower()]
    for slug in slugs:
        if slug in new:
            names[new.nodes[slug]["name"].lower()] = slug
    return names


def _apply_categories(edit: GraphEdit, old_slugs: dict) -> dict:
    category_slugs, categories = _read_categories()
    edit.set_graph_attr("categories", categories)
    # A deleted category leaves its terms without one (SET NULL sends no signal per term).
    moved = {slug: category_slugs.get(pk) for pk, slug in old_slugs.items() if category_slugs.get(pk) != slug}
    if moved:
        for n, attrs in list(edit.nodes().items()):
            if attrs["category"] in moved:
                edit.add_node(n, {**attrs, "category": moved[attrs["category"]]})
    return category_slugs


def _apply_terms(edit, term_ids, term_slugs, type_slugs, category_slugs, include_drafts) -> dict | None:
    rows = {row[0]: row for row in _term_rows(Term.objects.filter(pk__in=term_ids))}
    term_slugs = dict(term_slugs)
    wanted = {
        pk: row for pk, row in rows.items() if include_drafts or row[3] in PUBLIC_STATUSES
    }
    # First everything that leaves or changes its slug, then everything that arrives: two
    # terms may swap slugs within one batch.
    for pk in term_ids:
        old = term_slugs.get(pk)
        if old is not None and (pk not in wanted or wanted[pk][1] != old):
            edit.remove_node(old)
            del term_slugs[pk]
    arrived = []
    nodes = edit.nodes()
    for pk, row in wanted.items():
        slug = row[1]
        if pk not in term_slugs:
            if slug in nodes:
                return None  # held by a term whose rename this reader has not seen yet
            term_slugs[pk] = slug
            arrived.append(pk)
        edit.add_node(slug, _node_attrs(row, category_slugs))
        nodes = edit.nodes()
    if arrived:
        rows = _relation_rows(Relation.objects.filter(Q(source_id__in=arrived) | Q(target_id__in=arrived)))
        for u, v, key in _keyed_edges(rows, term_slugs, type_slugs):
            edit.add_edge(u, v, key)
    return term_slugs


# The cached graphs -------------------------------------------------------------------------------


def _build(include_drafts: bool, upto: int, public_source) -> GraphSnapshot:
    """A graph built from the database, at feed index ``upto`` (read before the data: a change
    landing during the build is applied again afterwards, never missed). Staff graphs are the
    public one (from ``public_source()``) plus the drafts."""
    if include_drafts:
        snapshot = with_drafts(public_source())
    else:
        with _gc_paused():
            snapshot = build_public().moved(upto)
    _counts["builds", AUDIENCES[include_drafts]] += 1
    return snapshot


def _shared_snapshot(include_drafts: bool, end: int) -> GraphSnapshot:
    cached = _shared.get(include_drafts)
    if cached is not None and cached.upto >= end:
        return cached
    with _lock:
        cached = _shared.get(include_drafts)
        if cached is not None and cached.upto >= end:
            return cached
        published = feed.since(cached.upto) if cached is not None else None
        snapshot = None
        if published is not None:
            entries, upto = published
            snapshot = apply_changes(cached, entries, include_drafts=include_drafts)
            if snapshot is not None:
                snapshot = snapshot.moved(upto)
                _counts["updates", AUDIENCES[include_drafts]] += 1
        if snapshot is None:
            snapshot = _build(include_drafts, feed.end, lambda: _shared_snapshot(False, feed.end))
        _shared[include_drafts] = snapshot
        return snapshot


def _private_snapshot(include_drafts: bool, position: Position) -> GraphSnapshot:
    """The graph as this transaction sees it, its own uncommitted changes included."""
    graphs = _private.__dict__.setdefault("graphs", {})
    pending = {e.ident: e for e in position.pending}
    if not position.reset:
        for base in (graphs.get(include_drafts), _shared.get(include_drafts)):
            published = feed.since(base.upto) if base is not None else None
            if published is None:
                continue
            visible = {**{e.ident: e for e in published[0]}, **pending}
            if not base.applied <= visible.keys():
                continue  # it applied changes since rolled back
            todo = [e for ident, e in visible.items() if ident not in base.applied]
            if not todo:
                graphs[include_drafts] = base
                return base
            snapshot = apply_changes(base, todo, include_drafts=include_drafts)
            if snapshot is not None:
                graphs[include_drafts] = snapshot = snapshot.moved(base.upto, frozenset(visible))
                return snapshot
    snapshot = _build(include_drafts, position.end, lambda: _private_snapshot(False, position))
    graphs[include_drafts] = snapshot = snapshot.moved(snapshot.upto, snapshot.applied | frozenset(pending))
    return snapshot


def graph_snapshot(*, include_drafts: bool = False) -> GraphSnapshot:
    """The current graph for this audience: the cached one, brought up to date with the log."""
    position = changes_position()
    if position.dirty:
        return _private_snapshot(include_drafts, position)
    _private.__dict__.pop("graphs", None)
    return _shared_snapshot(include_drafts, position.end)


def graph_snapshot_for(user) -> GraphSnapshot:
    """Drafts are for those who may see them, as everywhere else."""
    return graph_snapshot(include_drafts=sees_unpublished(user))


def engine_counts() -> dict:
    """How often this process built its graphs from scratch and brought them up to date."""
    return {
        what: {audience: _counts[what, audience] for audience in AUDIENCES.values()}
        for what in ("builds", "updates")
    }


def clear_graph_cache() -> None:
    """Forget every cached graph and the counts (tests and benchmarks that want a cold start)."""
    with _lock:
        _shared.clear()
        _private.__dict__.pop("graphs", None)
        _counts.clear()
