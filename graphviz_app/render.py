"""vis-network data for a (sub)graph, built with pyvis under the rules of DESIGN.md §5.

pyvis assembles the nodes, edges and options; its HTML templates are never used (they load
Bootstrap and vis-network from CDNs and, with an "href" in any title, switch to innerHTML
popups). Our Django templates put this payload into the page with ``json_script`` and load
vis-network from our own static files. Labels and titles stay plain text: vis-network 9 shows
string titles with ``innerText`` and draws labels on the canvas.
"""

import math
from itertools import groupby

from pyvis.network import Network

from graphviz_app.engine import URL_PLACEHOLDER

IMPROVED_LAYOUT_MAX_NODES = 150
EDGE_LABELS_MAX_EDGES = 40
STABILISATION_ITERATIONS = 200
# From ring starting positions the physics only relaxes the picture; a few dozen steps do.
RELAX_ITERATIONS = 60
RING_GAP = 220
RING_NODE_SPACING = 60
DEFAULT_CATEGORY_COLOR = "#94a3b8"


class _NodeIds(list):
    """pyvis checks node ids with ``in`` on a list (quadratic); answer from a set instead."""

    def __init__(self):
        super().__init__()
        self._members = set()

    def append(self, item):
        self._members.add(item)
        super().append(item)

    def __contains__(self, item):
        return item in self._members


def vis_options(node_count: int, *, hierarchical=False, started=False) -> dict:
    """Options tuned for speed: straight edges, 200 stabilisation iterations, cheap dragging.

    ``started``: the nodes come with starting positions, so fewer iterations are needed.
    """
    iterations = RELAX_ITERATIONS if started else STABILISATION_ITERATIONS
    options = {
        "autoResize": True,
        "nodes": {"shape": "dot", "size": 14, "borderWidth": 2, "font": {"size": 14, "strokeWidth": 3}},
        "edges": {
            "smooth": False,
            "width": 1.5,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "font": {"size": 11, "align": "middle", "strokeWidth": 3},
            "selectionWidth": 2,
        },
        "physics": {
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -4000, "springLength": 120, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 50},
        },
        "layout": {"improvedLayout": node_count <= IMPROVED_LAYOUT_MAX_NODES, "randomSeed": 7},
        "interaction": {"hideEdgesOnDrag": True, "hover": True, "tooltipDelay": 200, "keyboard": {"enabled": True, "bindToWindow": False}},
    }
    if hierarchical:
        # Narrower terms point at broader ones, so "down-up" puts the broadest at the top.
        options["layout"]["hierarchical"] = {
            "enabled": True, "direction": "DU", "sortMethod": "directed",
            "levelSeparation": 120, "nodeSpacing": 150, "shakeTowards": "roots",
        }
        options["physics"] = {
            "solver": "hierarchicalRepulsion",
            "hierarchicalRepulsion": {"nodeDistance": 150, "avoidOverlap": 0.5},
            "stabilization": {"enabled": True, "iterations": STABILISATION_ITERATIONS, "updateInterval": 50},
        }
    return options


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


def vis_payload(H, url_template: str, *, focus=None, highlight_edges=(), hierarchical=False,
                edge_labels=None, pinned=None, start=None) -> dict:
    """Nodes, edges, options and legend for vis-network, from a graph (or view) of the glossary.

    ``focus`` is drawn larger; ``highlight_edges`` (``(u, v, key)``) and their ends stand out
    while the rest is dimmed, and only they are labelled; otherwise edge labels are drawn when
    there are few edges. ``pinned`` maps nodes to fixed ``(x, y)`` positions (a path, left to right);
    ``start`` maps nodes to starting positions the physics may move (see `radial_positions`).
    """
    pinned = pinned or {}
    # Small graphs get vis-network's own improved layout, which is quick and tidier at that size.
    start = {} if hierarchical or len(H) <= IMPROVED_LAYOUT_MAX_NODES else (start or {})
    types = H.graph.get("types", {})
    categories = H.graph.get("categories", {})
    highlight_edges = set(highlight_edges)
    highlight_nodes = {n for u, v, _ in highlight_edges for n in (u, v)}
    net = Network(directed=True)
    net.node_ids = _NodeIds()
    used_categories = {}
    for node, data in H.nodes(data=True):
        category = categories.get(data.get("category"))
        color = category["color"] if category else DEFAULT_CATEGORY_COLOR
        if category:
            used_categories[category["slug"]] = category
        name = data.get("name", node)
        definition = data.get("short_definition", "")
        dimmed = bool(highlight_nodes) and node not in highlight_nodes
        if node in pinned:
            place = {"x": pinned[node][0], "y": pinned[node][1], "fixed": True}
        elif node in start:
            place = {"x": start[node][0], "y": start[node][1]}
        else:
            place = {}
        net.add_node(
            node,
            label=name,
            title=f"{name}\n{definition}" if definition else name,
            color={"background": color, "border": color, "highlight": {"background": color, "border": "#f59e0b"}},
            size=24 if node == focus else (18 if node in highlight_nodes else 14),
            borderWidth=4 if node == focus else 2,
            opacity=0.35 if dimmed else 1,
            shapeProperties={"borderDashes": [4, 3]} if data.get("status") == "deprecated" else {},
            url=url_template.replace(URL_PLACEHOLDER, node),
            definition=definition,
            category=category["name"] if category else "",
            status=data.get("status", "published"),
            **place,
        )
    edge_list = list(H.edges(keys=True))
    show_labels = len(edge_list) <= EDGE_LABELS_MAX_EDGES if edge_labels is None else edge_labels
    used_types = {}
    for u, v, key in edge_list:
        meta = types.get(key, {"label": key, "color": DEFAULT_CATEGORY_COLOR, "symmetric": False})
        used_types[key] = meta
        on_path = (u, v, key) in highlight_edges
        dimmed = bool(highlight_edges) and not on_path
        labelled = on_path if highlight_edges else show_labels
        extra = {"label": meta["label"]} if labelled else {}
        net.add_edge(
            u,
            v,
            id=f"{u}|{key}|{v}",
            title=f"{H.nodes[u].get('name', u)} {meta['label']} {H.nodes[v].get('name', v)}",
            color={"color": meta["color"], "opacity": 0.25 if dimmed else 0.9, "highlight": meta["color"]},
            width=4 if on_path else 1.5,
            dashes=bool(meta.get("symmetric")),
            arrows="" if meta.get("symmetric") else "to",
            **extra,
        )
    nodes, edges, *_ = net.get_network_data()
    return {
        "nodes": nodes,
        "edges": edges,
        "options": vis_options(len(nodes), hierarchical=hierarchical, started=bool(start)),
        "focus": focus,
        "legend": {
            "categories": [{"name": c["name"], "color": c["color"]} for c in sorted(used_categories.values(), key=lambda c: c["name"].lower())],
            "types": [
                {"label": t["label"], "color": t["color"], "symmetric": bool(t.get("symmetric"))}
                for t in sorted(used_types.values(), key=lambda t: t["label"].lower())
            ],
        },
    }
