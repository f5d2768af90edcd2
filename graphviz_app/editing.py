"""Copy-on-write edits of a cached glossary graph, and the shared edge dicts that make them cheap.

A cached graph may be read by other threads while the next one is made from it, so it is never
changed in place: `GraphEdit` makes a new ``MultiDiGraph`` that shares every part the edits leave
alone (node attribute dicts, the adjacency dicts of untouched nodes) and copies only what they
touch — three dict copies of the node count plus the touched neighbourhoods, instead of a
rebuild.

Edges carry no attributes (labels and colours live once per type in ``G.graph["types"]``), so
every edge shares one read-only empty mapping, and the key dict of a node pair — ``{type slug:
attributes}`` — is shared by every pair related by the same set of types: a few dozen objects
instead of one per relation, which halves the graph's memory. Both are read-only, so a stray
``G.add_edge`` on a cached graph fails loudly instead of changing every edge.
"""

from types import MappingProxyType

import networkx as nx
from networkx.classes.coreviews import UnionMultiAdjacency

NO_ATTRIBUTES = MappingProxyType({})
_key_dicts: dict[frozenset, MappingProxyType] = {}


def key_dict(keys: frozenset) -> MappingProxyType:
    """The shared, read-only key dict ``{key: NO_ATTRIBUTES}`` for a set of edge keys.

    >>> key_dict(frozenset({"uses", "is-a"})) is key_dict(frozenset({"is-a", "uses"}))
    True
    >>> list(key_dict(frozenset({"uses", "is-a"})))
    ['is-a', 'uses']
    """
    shared = _key_dicts.get(keys)
    if shared is None:
        shared = _key_dicts.setdefault(keys, MappingProxyType({k: NO_ATTRIBUTES for k in sorted(keys)}))
    return shared


def add_keyed_edges(G: nx.MultiDiGraph, edges) -> int:
    """Add each ``(u, v, key)`` of ``edges`` to a graph being built, with shared key dicts.

    Both ends must be nodes of ``G`` already. The adjacency dicts are filled directly — the
    structure ``add_edges_from`` builds, one key dict shared by ``_succ[u][v]`` and
    ``_pred[v][u]`` — without its per-edge argument handling and dict allocations. Returns how
    many edges were new.
    """
    succ, pred = G._succ, G._pred
    single = {}
    added = 0
    for u, v, key in edges:
        keys = succ[u].get(v)
        if keys is None:
            keys = single.get(key)
            if keys is None:
                keys = single[key] = key_dict(frozenset((key,)))
        elif key in keys:
            continue
        else:
            keys = key_dict(frozenset(keys).union((key,)))
        succ[u][v] = pred[v][u] = keys
        added += 1
    return added


def undirected_view(G: nx.MultiDiGraph) -> nx.MultiGraph:
    """``G.to_undirected(as_view=True)``, made in constant time.

    networkx's own checks that ``G._succ`` and ``G._pred`` hold the same nodes, building two
    sets of all of them — 50 ms at 100,000 terms, paid by the first neighbourhood read after
    every write. They do hold the same nodes: `GraphEdit` and the builds add and remove both.

    >>> G = nx.MultiDiGraph([("a", "b", "is-a")])
    >>> sorted(undirected_view(G).adj["b"])
    ['a']
    """
    adjacency = UnionMultiAdjacency.__new__(UnionMultiAdjacency)
    adjacency.__setstate__({"_succ": G._succ, "_pred": G._pred})
    view = nx.freeze(nx.MultiGraph())
    view._graph = G
    view.graph = G.graph
    view._node = G._node
    view._adj = adjacency
    return view


class GraphEdit:
    """Edits of ``G`` that produce a new graph sharing all that they leave alone.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b"])
    >>> edit = GraphEdit(G)
    >>> edit.add_node("c", {"name": "C"})
    >>> edit.add_edge("a", "c", "is-a")
    >>> H = edit.graph()
    >>> sorted(H.edges(keys=True)), sorted(G.edges(keys=True))
    ([('a', 'c', 'is-a')], [])
    >>> H.nodes["b"] is G.nodes["b"]
    True
    """

    def __init__(self, G: nx.MultiDiGraph):
        self._G = G
        self._graph_attrs = None
        self._node = self._succ = self._pred = None
        self._copied = set()  # (which side, node) whose inner adjacency dict is already ours
        self.touched = set()  # nodes whose edges (hence degree) changed, or that came or went
        self.restyled = set()  # nodes whose attributes changed
        self.edge_delta = 0  # edges added minus edges removed

    @property
    def changed(self) -> bool:
        return any(d is not None for d in (self._graph_attrs, self._node, self._succ, self._pred))

    # Reads see the edits made so far.

    def nodes(self) -> dict:
        return self._node if self._node is not None else self._G._node

    def succ(self) -> dict:
        return self._succ if self._succ is not None else self._G._succ

    def pred(self) -> dict:
        return self._pred if self._pred is not None else self._G._pred

    def graph_attrs(self) -> dict:
        return self._graph_attrs if self._graph_attrs is not None else self._G.graph

    # Copies, each made once.

    def _own_nodes(self) -> dict:
        if self._node is None:
            self._node = self._G._node.copy()
        return self._node

    def _outer(self, side: str) -> dict:
        if side == "succ":
            if self._succ is None:
                self._succ = self._G._succ.copy()
            return self._succ
        if self._pred is None:
            self._pred = self._G._pred.copy()
        return self._pred

    def _inner(self, side: str, n) -> dict:
        """``n``'s successor or predecessor dict, copied once so it may be changed."""
        outer = self._outer(side)
        if (side, n) not in self._copied:
            outer[n] = dict(outer.get(n, ()))
            self._copied.add((side, n))
            self.touched.add(n)
        return outer[n]

    # Edits.

    def set_graph_attr(self, name: str, value) -> None:
        if self._graph_attrs is None:
            self._graph_attrs = dict(self._G.graph)
        self._graph_attrs[name] = value

    def add_node(self, n, attrs: dict) -> None:
        """Add ``n`` with ``attrs``, or replace its attributes (the dict is taken, not copied)."""
        if self.nodes().get(n) != attrs:
            self._own_nodes()[n] = attrs
            self.restyled.add(n)
        if n not in self.succ():
            self._inner("succ", n)
            self._inner("pred", n)

    def remove_node(self, n) -> None:
        """Remove ``n`` and its edges; nothing if it is not there."""
        if n not in self.nodes():
            return
        for v, keys in list(self.succ()[n].items()):
            self._inner("pred", v).pop(n, None)
            self.edge_delta -= len(keys)
        for u, keys in list(self.pred()[n].items()):
            self._inner("succ", u).pop(n, None)
            self.edge_delta -= len(keys) if u != n else 0
        del self._own_nodes()[n]
        self.touched.add(n)
        del self._outer("succ")[n], self._outer("pred")[n]
        self._copied.difference_update({("succ", n), ("pred", n)})

    def rename_node(self, old, new) -> None:
        """Give node ``old`` the name ``new``, keeping its attributes and edges."""
        attrs, out, into = self.nodes()[old], dict(self.succ()[old]), dict(self.pred()[old])
        self.remove_node(old)
        self.add_node(new, attrs)
        for v, keys in out.items():
            self._set_keys(new, new if v == old else v, keys)
        for u, keys in into.items():
            if u != old:
                self._set_keys(u, new, keys)

    def add_edge(self, u, v, key) -> None:
        keys = self.succ()[u].get(v)
        if keys is None or key not in keys:
            self._set_keys(u, v, key_dict(frozenset(keys or ()).union((key,))))

    def remove_edge(self, u, v, key) -> None:
        """Remove edge ``(u, v, key)``; nothing if it is not there."""
        keys = self.succ().get(u, {}).get(v)
        if keys is not None and key in keys:
            rest = frozenset(keys).difference((key,))
            self._set_keys(u, v, key_dict(rest) if rest else None)

    def _set_keys(self, u, v, keys) -> None:
        self.edge_delta += len(keys or ()) - len(self.succ()[u].get(v, ()))
        if keys is None:
            self._inner("succ", u).pop(v, None)
            self._inner("pred", v).pop(u, None)
        else:
            self._inner("succ", u)[v] = self._inner("pred", v)[u] = keys

    def graph(self) -> nx.MultiDiGraph:
        """The edited graph (``G`` itself when nothing changed)."""
        if not self.changed:
            return self._G
        H = self._G.__class__()
        H.graph = self.graph_attrs()
        H._node = self.nodes()
        H._adj = self.succ()  # also sets _succ, as networkx's DiGraph does
        H._pred = self.pred()
        return H
