"""Node positions computed on the server: pure functions of a graph, no ORM, no vis-network.

vis-network's own hierarchical layout levels every edge it is given: on the glossary, where
"uses" and "related to" relations cross the is-a trees, that made one column tens of thousands
of units tall, and a level holding forty leaves made a row too wide to read. Here the levels
follow only the hierarchical relation types, long levels wrap onto several rows, and the width
of a row is chosen so the whole drawing keeps roughly the shape of a screen.
"""

import math
from itertools import groupby

import networkx as nx

RING_GAP = 220
RING_NODE_SPACING = 60
# Room for one node and its label (labels wrap at about this width) and for one row of them.
CELL_WIDTH = 150
ROW_HEIGHT = 100
LEVEL_GAP = 60
# Width over height aimed at: a landscape screen, a little taller than 16:10 since rows of
# labels read better than columns.
TARGET_ASPECT = 1.5
BARYCENTRE_SWEEPS = 4


def hierarchy_keys(G, types=None) -> list[str]:
    """The relation types whose edges set the levels of a hierarchical drawing.

    The transitive types among those shown (is-a, part-of, requires…); when none is shown, the
    acyclic ones; when none of those either, every directed (non-symmetric) type shown.

    >>> G = nx.MultiDiGraph(types={"is-a": {"transitive": True, "acyclic": True},
    ...                            "uses": {"transitive": False, "acyclic": False}})
    >>> hierarchy_keys(G), hierarchy_keys(G, ["uses"])
    (['is-a'], ['uses'])
    """
    meta = G.graph.get("types", {})
    shown = [k for k in sorted(meta) if types is None or k in types]
    for wanted in ("transitive", "acyclic"):
        keys = [k for k in shown if meta[k].get(wanted)]
        if keys:
            return keys
    return [k for k in shown if not meta[k].get("symmetric")]


def hierarchy_levels(G, keys) -> dict:
    """Level of every node joined by a relation of ``keys``: 0 for the broadest terms.

    A relation points from the narrower term to the broader one ("GPT-4 is a LLM"), so a term
    sits one level below its lowest broader term. Terms caught in a cycle (imported data may hold
    one) share a level.

    >>> G = nx.MultiDiGraph([("gpt-4", "llm", "is-a"), ("llm", "model", "is-a"), ("bert", "model", "is-a")])
    >>> hierarchy_levels(G, ["is-a"])
    {'gpt-4': 2, 'llm': 1, 'model': 0, 'bert': 1}
    """
    wanted = frozenset(keys)
    D = nx.DiGraph()
    D.add_edges_from((u, v) for u, v, k in G.edges(keys=True) if k in wanted and u != v)
    condensed = nx.condensation(D)
    level = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        level[component] = 1 + max((level[c] for c in condensed.successors(component)), default=-1)
    members = condensed.graph["mapping"]
    return {node: level[members[node]] for node in D}


def _ordered_levels(G, keys, levels) -> list[list]:
    """Nodes of each level, ordered to cross few edges (barycentre heuristic, a few sweeps)."""
    by_level = [[] for _ in range(max(levels.values(), default=-1) + 1)]
    for node in sorted(levels, key=lambda n: (str(G.nodes[n].get("name", n)).lower(), str(n))):
        by_level[levels[node]].append(node)
    wanted = frozenset(keys)
    broader, narrower = {}, {}
    for u, v, k in G.edges(keys=True):
        if k in wanted and u in levels and v in levels and u != v:
            broader.setdefault(u, []).append(v)
            narrower.setdefault(v, []).append(u)
    for sweep in range(BARYCENTRE_SWEEPS):
        downward = sweep % 2 == 0
        rows = range(1, len(by_level)) if downward else range(len(by_level) - 2, -1, -1)
        for i in rows:
            reference = by_level[i - 1] if downward else by_level[i + 1]
            index = {n: j for j, n in enumerate(reference)}
            neighbours = broader if downward else narrower
            current = {n: j for j, n in enumerate(by_level[i])}

            def barycentre(n):
                placed = [index[m] for m in neighbours.get(n, ()) if m in index]
                return sum(placed) / len(placed) if placed else current[n]

            by_level[i].sort(key=lambda n: (barycentre(n), current[n]))
    return by_level


def _rows_needed(counts, per_row) -> int:
    return sum(max(1, math.ceil(c / per_row)) for c in counts)


def _row_width(counts, aspect) -> int:
    """Nodes per row so that the drawing's width over height comes closest to ``aspect``."""
    widest = max(counts, default=1)
    best, best_error = widest, math.inf
    for per_row in range(1, widest + 1):
        rows = _rows_needed(counts, per_row)
        width = min(per_row, widest) * CELL_WIDTH
        height = rows * ROW_HEIGHT + (len(counts) - 1) * LEVEL_GAP
        error = abs(math.log(width / max(height, 1) / aspect))
        if error < best_error:
            best, best_error = per_row, error
    return best


def layered_positions(G, keys, *, aspect=TARGET_ASPECT) -> dict:
    """Positions for a top-down drawing of ``G``: broader terms above, along relation types ``keys``.

    Levels come from `hierarchy_levels`; a level longer than the chosen row width wraps onto
    several rows, each shifted by half a cell so that labels do not stack. Terms outside the
    hierarchy follow below it, in rows of the same width. The result fits a box whose width over
    height is near ``aspect`` whatever the shape of the hierarchy.

    >>> G = nx.MultiDiGraph([("gpt-4", "llm", "is-a"), ("bert", "llm", "is-a")])
    >>> G.add_node("lonely")
    >>> layered_positions(G, ["is-a"])
    {'llm': (0, 0), 'bert': (-75, 160), 'gpt-4': (75, 160), 'lonely': (0, 320)}
    """
    levels = hierarchy_levels(G, keys)
    ordered = _ordered_levels(G, keys, levels)
    loose = sorted((n for n in G if n not in levels), key=lambda n: (str(G.nodes[n].get("name", n)).lower(), str(n)))
    groups = [level for level in ordered if level] + ([loose] if loose else [])
    per_row = _row_width([len(g) for g in groups], aspect)
    positions = {}
    y = 0
    for group in groups:
        rows = [group[i:i + per_row] for i in range(0, len(group), per_row)]
        for r, row in enumerate(rows):
            shift = CELL_WIDTH / 2 if r % 2 else 0
            for i, node in enumerate(row):
                x = (i - (len(row) - 1) / 2) * CELL_WIDTH + (shift if len(rows) > 1 else 0)
                positions[node] = (round(x), y)
            y += ROW_HEIGHT
        y += LEVEL_GAP
    return positions


def radial_positions(distances: dict, categories: dict | None = None) -> dict:
    """Starting positions for a neighbourhood: the focus at the centre, each hop a ring around it.

    ``distances`` maps nodes to their hop count (as ``neighbourhood_distances`` gives, nearest
    first); ``categories`` optionally maps nodes to a category so that a ring keeps them together.
    Rings are wide enough for their nodes. The physics then only has to relax the layout, not
    find one, which for a few hundred terms cuts the time to a still picture several-fold.

    >>> radial_positions({"a": 0, "b": 1, "c": 1})
    {'a': (0, 0), 'b': (220, 0), 'c': (-220, 0)}
    """
    categories = categories or {}
    positions = {}
    by_ring = groupby(sorted(distances, key=lambda n: (distances[n], str(categories.get(n) or ""), n)),
                      key=distances.get)
    for ring, members in by_ring:
        members = list(members)
        if ring == 0:
            positions.update((node, (0, 0)) for node in members)
            continue
        radius = max(ring * RING_GAP, len(members) * RING_NODE_SPACING / (2 * math.pi))
        for i, node in enumerate(members):
            angle = 2 * math.pi * i / len(members)
            positions[node] = (round(radius * math.cos(angle)), round(radius * math.sin(angle)))
    return positions


def bounding_box(positions: dict) -> tuple[int, int]:
    """Width and height of the smallest box holding every position."""
    if not positions:
        return 0, 0
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    return max(xs) - min(xs), max(ys) - min(ys)
