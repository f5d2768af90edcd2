"""The graph's health figures (what ``/api/graph/stats/`` and the quality report show), kept from
graph to graph instead of worked out again after every change.

Worked out from scratch they cost about two seconds at 100,000 terms and 500,000 relations
(connected groups, degrees, a pass over every edge for the cycles), and every change makes a new
graph. `GraphHealth.after` makes the figures of the edited graph from those of the old one and
what the edit touched (`graphviz_app.editing.GraphEdit`): a changed definition costs nothing, an
added relation a union of two groups and a search for a cycle from its target, a removed one a
search for whether its ends still meet. Where an edit reaches too far (a bulk change, a group
split in two large halves, a type made acyclic) it answers None and the figures are worked out
again from scratch, once, by the next reader.

Only what a reader asks for is ever worked out: a process that never shows the figures never
keeps them.
"""

import heapq
from collections import Counter, deque
from dataclasses import dataclass, replace
from itertools import chain

import networkx as nx

# Nodes an incremental update may visit (finding whether a removed relation split a connected
# group, or whether an added one closed a cycle) before it works the figures out from scratch.
VISIT_BUDGET = 50_000


def _neighbours(G, n):
    return chain(G._succ[n], G._pred[n])


def acyclic_keys(G) -> tuple:
    return tuple(sorted(slug for slug, meta in G.graph.get("types", {}).items() if meta.get("acyclic")))


def edges_by_type(G, kept) -> tuple[Counter, dict]:
    """(type → number of edges, type → its (u, v) pairs for the types of ``kept``), in one read
    of the edges: reading them again for each type took seconds at 500,000 relations."""
    counts, pairs = Counter(), {key: [] for key in kept}
    for u, v, k in G.edges(keys=True):
        counts[k] += 1
        if k in pairs:
            pairs[k].append((u, v))
    return counts, pairs


def one_cycle(pairs) -> list | None:
    """A cycle among the edges ``pairs``, closed (first node last too), or None.

    Terms that nothing of the type leads to are peeled off first, and what they alone lead to
    after them (Kahn's order); what is left holds the cycles, if any, and networkx finds one
    there. A whole type, which is acyclic nearly always, costs a pass over its edges instead of
    a depth-first search through all of them (0.6 s for 80,000 edges).
    """
    successors, incoming = {}, {}
    for u, v in pairs:
        successors.setdefault(u, []).append(v)
        incoming[v] = incoming.get(v, 0) + 1
    ready = [n for n in successors if n not in incoming]
    while ready:
        for v in successors.pop(ready.pop(), ()):
            incoming[v] -= 1
            if not incoming[v] and v in successors:
                ready.append(v)
    if not successors:
        return None
    cycle = [u for u, _ in nx.find_cycle(nx.DiGraph((u, v) for u, vs in successors.items() for v in vs))]
    return cycle + cycle[:1]


def _cycle_intact(G, cycle, key) -> bool:
    return all(v in G._succ.get(u, {}) and key in G._succ[u][v] for u, v in zip(cycle, cycle[1:]))


def _path_along(G, source, target, key, budget) -> list | None | bool:
    """A path ``source`` … ``target`` along edges of ``key``, None if there is none, or False when
    the search visited more than ``budget`` nodes."""
    parents = {source: None}
    stack = [source]
    while stack:
        n = stack.pop()
        for v, keys in G._succ[n].items():
            if key not in keys or v in parents:
                continue
            parents[v] = n
            if v == target:
                path = [v]
                while parents[path[-1]] is not None:
                    path.append(parents[path[-1]])
                return path[::-1]
            if len(parents) > budget:
                return False
            stack.append(v)
    return None


def _root(parent: dict, label):
    while label in parent:
        label = parent[label]
    return label


@dataclass(frozen=True)
class Components:
    """The weakly connected groups of a graph: each node's label and, per group, its size.

    Labels merged by an added edge point to the one they were merged into (``parent``, a
    union–find without path compression, so a graph's figures are never changed once made)."""

    label: dict  # node → label
    parent: dict  # merged label → the label it was merged into
    size: dict  # label of a group (a root) → its number of nodes
    sizes: Counter  # group size → how many groups have it
    next_label: int

    @classmethod
    def of(cls, G) -> "Components":
        label, size = {}, {}
        for i, group in enumerate(nx.weakly_connected_components(G)):
            for n in group:
                label[n] = i
            size[i] = len(group)
        return cls(label, {}, size, Counter(size.values()), len(size))

    def root(self, label):
        return _root(self.parent, label)

    @property
    def count(self) -> int:
        return len(self.size)

    @property
    def largest(self) -> int:
        return max(self.sizes, default=0)


class _Regrouping:
    """A copy of `Components` being changed: removed and added nodes, groups split off, merges."""

    def __init__(self, c: Components):
        self.label, self.parent, self.size = dict(c.label), dict(c.parent), dict(c.size)
        self.sizes, self.next_label = Counter(c.sizes), c.next_label

    def root(self, label):
        return _root(self.parent, label)

    def _resize(self, root, size):
        old = self.size.get(root, 0)
        if old:
            self.sizes[old] -= 1
            if not self.sizes[old]:
                del self.sizes[old]
        if size:
            self.size[root] = size
            self.sizes[size] += 1
        else:
            self.size.pop(root, None)

    def new_group(self, nodes) -> None:
        lost = Counter(self.root(self.label[n]) for n in nodes if n in self.label)
        for root, count in lost.items():
            self._resize(root, self.size[root] - count)
        label = self.next_label
        self.next_label += 1
        for n in nodes:
            self.label[n] = label
        self._resize(label, len(nodes))

    def drop(self, n) -> None:
        root = self.root(self.label.pop(n))
        self._resize(root, self.size[root] - 1)

    def join(self, u, v) -> None:
        a, b = self.root(self.label[u]), self.root(self.label[v])
        if a == b:
            return
        if self.size[a] < self.size[b]:
            a, b = b, a
        merged = self.size[a] + self.size[b]
        self._resize(b, 0)
        self._resize(a, merged)
        self.parent[b] = a

    def components(self) -> Components:
        return Components(self.label, self.parent, self.size, self.sizes, self.next_label)


def _groups_split_off(G, seeds, budget) -> list | None:
    """The connected groups of ``G`` that hold some of ``seeds``, all but (at most) one of them.

    A search runs from each seed, one node per search in turn; searches that meet become one. A
    search that runs out has found a whole group. It stops when at most one search is still
    running, so it costs about as much as the groups it found, not the large group that remains.
    None when it visited more than ``budget`` nodes.
    """
    owner, merged, frontier, visited = {}, {}, {}, {}
    for s in seeds:
        if s not in owner:
            owner[s] = s
            frontier[s], visited[s] = deque([s]), [s]

    def find(search):
        while search in merged:
            search = merged[search]
        return search

    found, running, spent = [], set(frontier), 0
    while len(running) > 1:
        for search in list(running):
            if search not in running:
                continue
            queue = frontier[search]
            if not queue:
                running.discard(search)
                found.append(visited.pop(search))
                continue
            n = queue.popleft()
            for w in _neighbours(G, n):
                other = owner.get(w)
                if other is None:
                    owner[w] = search
                    queue.append(w)
                    visited[search].append(w)
                    spent += 1
                    continue
                other = find(other)
                if other != search:
                    queue.extend(frontier.pop(other))
                    visited[search].extend(visited.pop(other))
                    merged[other] = search
                    running.discard(other)
            if spent > budget:
                return None
    return found


@dataclass(frozen=True)
class GraphHealth:
    """What the health figures are made of, for one graph; see the module docstring."""

    edge_counts: Counter  # relation type → edges
    acyclic: tuple  # the acyclic types' slugs
    cycles: dict  # acyclic type → one cycle (closed), or None
    components: Components
    orphans: frozenset
    undefined: frozenset  # nodes without a short definition
    categories: Counter  # category slug (or None) → nodes

    @classmethod
    def of(cls, G) -> "GraphHealth":
        acyclic = acyclic_keys(G)
        counts, pairs = edges_by_type(G, acyclic)
        return cls(
            edge_counts=counts,
            acyclic=acyclic,
            cycles={key: one_cycle(pairs[key]) for key in acyclic},
            components=Components.of(G),
            orphans=frozenset(n for n, succ in G._succ.items() if not succ and not G._pred[n]),
            undefined=frozenset(n for n, text in G.nodes(data="short_definition") if not text),
            categories=Counter(category for _, category in G.nodes(data="category")),
        )

    def after(self, old, new, touched, restyled, *, budget=VISIT_BUDGET) -> "GraphHealth | None":
        """The figures of ``new``, made by an edit of ``old`` that changed the edges of the nodes
        ``touched`` (or added or removed them) and the attributes of the nodes ``restyled``;
        None when that would cost more than working them out again (see the module docstring)."""
        acyclic = acyclic_keys(new)
        if acyclic != self.acyclic:
            return None
        changes = self._attributes_after(old, new, touched | restyled)
        if touched:
            added, removed = _edge_changes(old, new, touched)
            if added or removed:
                counts = Counter(self.edge_counts)
                counts.update(k for *_, k in added)
                counts.subtract(k for *_, k in removed)
                changes["edge_counts"] = +counts
                cycles = self._cycles_after(new, added, removed, budget)
                if cycles is None:
                    return None
                changes["cycles"] = cycles
            components = self._components_after(old, new, touched, budget)
            if components is None:
                return None
            changes["components"] = components
            alone = {n for n in touched if n in new._succ and not new._succ[n] and not new._pred[n]}
            if alone != self.orphans & touched:
                changes["orphans"] = (self.orphans - touched) | alone
        return replace(self, **changes) if changes else self

    def _attributes_after(self, old, new, nodes) -> dict:
        nodes = {n for n in nodes if old._node.get(n) is not new._node.get(n)}
        if not nodes:
            return {}
        categories = Counter(self.categories)
        for n in nodes:
            before, now = old._node.get(n), new._node.get(n)
            if before is not None:
                categories[before["category"]] -= 1
            if now is not None:
                categories[now["category"]] += 1
        undefined = {n for n in nodes if n in new._node and not new._node[n]["short_definition"]}
        changes = {"categories": +categories}
        if undefined != self.undefined & nodes:
            changes["undefined"] = (self.undefined - nodes) | undefined
        return changes

    def _cycles_after(self, new, added, removed, budget) -> dict | None:
        cycles = dict(self.cycles)
        changed = {k for *_, k in chain(added, removed) if k in cycles}
        for key in changed:
            cycle = cycles[key]
            if cycle is not None and _cycle_intact(new, cycle, key):
                continue
            if cycle is not None:
                # The known cycle was broken: whether another remains takes the whole type.
                cycles[key] = one_cycle(edges_by_type(new, (key,))[1][key])
                continue
            for u, v, k in added:
                if k != key:
                    continue
                path = [u] if u == v else _path_along(new, v, u, key, budget)
                if path is False:
                    return None
                if path is not None:
                    cycles[key] = [u, *path]
                    break
        return cycles

    def _components_after(self, old, new, touched, budget) -> Components | None:
        came = [n for n in touched if n in new._succ and n not in old._succ]
        went = [n for n in touched if n in old._succ and n not in new._succ]
        joined, parted = [], {}  # undirected pairs newly related; old group → ends of cut relations
        for n in touched:
            before = set(_neighbours(old, n)) if n in old._succ else set()
            now = set(_neighbours(new, n)) if n in new._succ else set()
            joined.extend((n, w) for w in now - before if w != n)
            for w in before - now:
                if w == n:
                    continue
                ends = parted.setdefault(self.components.label[n], set())
                ends.update(e for e in (n, w) if e in new._succ)
        c = self.components
        if not (came or went or parted) and all(c.root(c.label[u]) == c.root(c.label[w]) for u, w in joined):
            return c  # relations within a group
        regroup = _Regrouping(self.components)
        roots = {}
        for label, ends in parted.items():
            roots.setdefault(regroup.root(label), set()).update(ends)
        for n in went:
            regroup.drop(n)
        for n in came:
            regroup.new_group([n])
        for ends in roots.values():
            found = _groups_split_off(new, ends, budget)
            if found is None:
                return None
            for group in found:
                regroup.new_group(group)
        for u, w in joined:
            regroup.join(u, w)
        return regroup.components()

    def stats(self, G, hubs, *, sample=100) -> dict:
        """The figures as ``/api/graph/stats/`` gives them; ``hubs`` are the best connected nodes."""
        return {
            "nodes": len(G),
            "edges": sum(self.edge_counts.values()),
            "edges_by_type": dict(sorted(self.edge_counts.items())),
            "nodes_by_category": {(k or ""): v for k, v in sorted(self.categories.items(), key=lambda kv: kv[0] or "")},
            "components": self.components.count,
            "largest_component": self.components.largest,
            "orphans": {"count": len(self.orphans), "sample": heapq.nsmallest(sample, self.orphans)},
            "hubs": [{"id": n, "name": G.nodes[n].get("name", n), "degree": d} for n in hubs if (d := G.degree(n)) > 0],
            "cycles": {key: cycle for key, cycle in self.cycles.items() if cycle},
            "without_definition": {"count": len(self.undefined), "sample": heapq.nsmallest(sample, self.undefined)},
        }


def _edge_changes(old, new, touched) -> tuple[list, list]:
    """The edges ``(u, v, key)`` added and removed: each edge is seen from its source, which an
    edit of the edge touches."""
    added, removed = [], []
    for u in touched:
        before, now = old._succ.get(u, {}), new._succ.get(u, {})
        if before is now:
            continue
        for v in before.keys() | now.keys():
            was, is_ = before.get(v, ()), now.get(v, ())
            if was is is_:
                continue
            added.extend((u, v, k) for k in is_ if k not in was)
            removed.extend((u, v, k) for k in was if k not in is_)
    return added, removed
