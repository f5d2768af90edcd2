"""vis-network data for a (sub)graph, built with pyvis under the rules of DESIGN.md §5.

pyvis assembles the nodes, edges and options; its HTML templates are never used (they load
Bootstrap and vis-network from CDNs and, with an "href" in any title, switch to innerHTML
popups). Our Django templates put this payload into the page with ``json_script`` and load
vis-network from our own static files. Titles stay plain text (vis-network 9 shows string titles
with ``innerText``); node names travel as data and ``graph.js`` draws them on the canvas at a
readable size, leaving out those that would overlap.
"""

import math

from pyvis.network import Network

from glossary.language import category_name
from glossary.models import default_language
from graphviz_app.engine import URL_PLACEHOLDER

IMPROVED_LAYOUT_MAX_NODES = 150
EDGE_LABELS_MAX_EDGES = 40
STABILISATION_ITERATIONS = 200
# From ring starting positions the physics only relaxes the picture; a few dozen steps do.
RELAX_ITERATIONS = 60
DEFAULT_CATEGORY_COLOR = "#94a3b8"
# Node radius grows with the square root of the term's degree in the whole glossary, so hubs
# stand out and a term keeps its size whichever view shows it.
NODE_SIZE_MIN, NODE_SIZE_PER_ROOT_DEGREE, NODE_SIZE_MAX = 9, 3.5, 34


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


def vis_options(node_count: int, *, physics=True, started=False) -> dict:
    """Options tuned for speed: straight edges, 200 stabilisation iterations, cheap dragging.

    ``physics=False``: every node comes with its final position (a layered drawing), nothing to
    simulate. ``started``: the nodes come with starting positions, so fewer iterations are needed.
    """
    iterations = RELAX_ITERATIONS if started else STABILISATION_ITERATIONS
    return {
        "autoResize": True,
        "nodes": {"shape": "dot", "size": NODE_SIZE_MIN, "borderWidth": 2},
        "edges": {
            "smooth": False,
            "width": 1.5,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            # Edge labels appear once zooming in makes them at least 11 px tall (see graph.js).
            "font": {"size": 11, "align": "middle", "strokeWidth": 3},
            "scaling": {"label": {"drawThreshold": 12, "maxVisible": 18}},
            "selectionWidth": 2,
        },
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -4000, "springLength": 120, "avoidOverlap": 0.2},
            "stabilization": {"enabled": physics, "iterations": iterations, "updateInterval": 50},
        },
        "layout": {"improvedLayout": physics and node_count <= IMPROVED_LAYOUT_MAX_NODES, "randomSeed": 7},
        "interaction": {
            "hideEdgesOnDrag": True, "hover": True, "tooltipDelay": 300,
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
    }


def node_size(degree: int) -> int:
    """Radius of a node drawn for a term with ``degree`` relations.

    >>> node_size(0), node_size(4), node_size(100)
    (9, 16, 34)
    """
    return min(NODE_SIZE_MAX, round(NODE_SIZE_MIN + NODE_SIZE_PER_ROOT_DEGREE * math.sqrt(degree)))


def vis_payload(H, url_template: str, *, degrees=None, focus=None, highlight_edges=(), positions=None,
                physics=True, fixed=None, pins=None, edge_labels=None, faint_types=(), names=None,
                language=None) -> dict:
    """Nodes, edges, options and legend for vis-network, from a graph (or view) of the glossary.

    ``degrees`` (node → degree in the whole glossary, default ``H``'s own) sizes the nodes.
    ``focus`` is drawn with a thicker border; ``highlight_edges`` (``(u, v, key)``) and their ends
    stand out while the rest is dimmed, and only they are labelled; otherwise edge labels are
    drawn when there are few edges. ``positions`` gives nodes their starting place, or their
    final one with ``physics=False``. ``fixed`` (the steps of a path) and ``pins`` (nodes the
    reader placed) map nodes to places the physics may not move. Edges of ``faint_types`` are
    drawn faintly (in a hierarchy, the relations that do not make it). ``names`` (node → name)
    names terms in the reader's language where they have a label in it; categories are named in
    ``language`` (default the glossary's) where they have a name in it.
    """
    names = names or {}
    degrees = degrees if degrees is not None else H.degree
    # Small graphs get vis-network's own improved layout, which is quick and tidier at that size.
    positions = {} if physics and len(H) <= IMPROVED_LAYOUT_MAX_NODES else (positions or {})
    fixed = {**(fixed or {}), **(pins or {})}
    pins = pins or {}
    types = H.graph.get("types", {})
    categories = H.graph.get("categories", {})
    language = language or default_language()
    highlight_edges = set(highlight_edges)
    highlight_nodes = {n for u, v, _ in highlight_edges for n in (u, v)}
    net = Network(directed=True)
    net.node_ids = _NodeIds()
    used_categories = {}
    for node, data in H.nodes(data=True):
        category = categories.get(data.get("category"))
        color = category["color"] if category else DEFAULT_CATEGORY_COLOR
        if category:
            if category["slug"] not in used_categories:
                # Named in the reader's language once per category drawn, not for every category.
                used_categories[category["slug"]] = {**category, "name": category_name(category, language)}
            category = used_categories[category["slug"]]
        name = names.get(node) or data.get("name", node)
        definition = data.get("short_definition", "")
        dimmed = bool(highlight_nodes) and node not in highlight_nodes
        place = {}
        if node in fixed:
            place = {"x": fixed[node][0], "y": fixed[node][1], "fixed": True}
        elif node in positions:
            place = {"x": positions[node][0], "y": positions[node][1]}
        degree = degrees[node]
        net.add_node(
            node,
            name=name,
            title=f"{name}\n{definition}" if definition else name,
            color={"background": color, "border": color, "highlight": {"background": color, "border": "#f59e0b"}},
            size=node_size(degree),
            degree=degree,
            borderWidth=4 if node == focus else 2,
            opacity=0.35 if dimmed else 1,
            shapeProperties={"borderDashes": [4, 3]} if data.get("status") == "deprecated" else {},
            url=url_template.replace(URL_PLACEHOLDER, node),
            definition=definition,
            category=category["name"] if category else "",
            categoryColor=color,
            status=data.get("status", "published"),
            **({"pinned": True} if node in pins else {}),
            **place,
        )
    edge_list = list(H.edges(keys=True))
    show_labels = len(edge_list) <= EDGE_LABELS_MAX_EDGES if edge_labels is None else edge_labels
    used_types = {}
    for u, v, key in edge_list:
        meta = types.get(key, {"label": key, "color": DEFAULT_CATEGORY_COLOR, "symmetric": False})
        used_types[key] = meta
        on_path = (u, v, key) in highlight_edges
        dimmed = (bool(highlight_edges) and not on_path) or key in faint_types
        labelled = on_path if highlight_edges else show_labels
        extra = {"label": meta["label"]} if labelled else {}
        net.add_edge(
            u,
            v,
            id=f"{u}|{key}|{v}",
            type=key,
            typeLabel=meta["label"],
            title=f"{H.nodes[u].get('name', u)} {meta['label']} {H.nodes[v].get('name', v)}",
            color={"color": meta["color"], "opacity": 0.25 if dimmed else 0.9, "highlight": meta["color"]},
            width=4 if on_path else 1.5,
            dashes=bool(meta.get("symmetric")),
            arrows="" if meta.get("symmetric") else "to",
            **extra,
        )
    nodes, edges, *_ = net.get_network_data()
    for node in nodes:
        # pyvis gives every node a label; graph.js draws the names itself (declutter, size).
        node.pop("label", None)
    started = physics and bool(positions) and all(n["id"] in positions or n["id"] in fixed for n in nodes)
    return {
        "nodes": nodes,
        "edges": edges,
        "options": vis_options(len(nodes), physics=physics, started=started),
        "focus": focus,
        "legend": {
            "categories": [{"name": c["name"], "color": c["color"]} for c in sorted(used_categories.values(), key=lambda c: c["name"].lower())],
            "types": [
                {"label": t["label"], "color": t["color"], "symmetric": bool(t.get("symmetric"))}
                for t in sorted(used_types.values(), key=lambda t: t["label"].lower())
            ],
        },
    }
