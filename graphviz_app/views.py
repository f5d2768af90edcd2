"""Graph pages: the explorer, a term's neighbourhood and the path between two terms."""

import networkx as nx
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from graphviz_app import params, queries, selectors
from graphviz_app.engine import graph_snapshot_for, term_url, term_url_template
from graphviz_app.render import radial_positions, vis_payload

PATH_CONTEXT_NODES = 30
PATH_STEP_WIDTH = 220


def _types_and_categories(G):
    types = sorted(G.graph["types"].values(), key=lambda t: t["label"].lower())
    categories = sorted(G.graph["categories"].values(), key=lambda c: c["name"].lower())
    return types, categories


def _render(request, template, context, errors=None):
    snapshot = context["snapshot"]
    types, categories = _types_and_categories(snapshot.G)
    context.update(
        all_types=types,
        all_categories=categories,
        errors=errors.message_dict if errors else {},
        node_cap_max=params.NODE_CAP_MAX,
    )
    return render(request, template, context, status=400 if errors else 200)


def explorer(request):
    """The whole graph, filtered by relation types and categories, with search-to-focus."""
    snapshot = graph_snapshot_for(request.user)
    query = request.GET
    context = {"snapshot": snapshot, "types": None, "categories": None}
    try:
        context.update(
            types=params.parse_types(query, snapshot.G),
            categories=params.parse_categories(query, snapshot.G),
            limit=params.parse_limit(query.get("limit")),
        )
    except ValidationError as errors:
        return _render(request, "graphviz_app/explorer.html", context, errors)
    H, meta = selectors.whole_graph(
        snapshot, types=context["types"], categories=context["categories"], limit=context["limit"]
    )
    hierarchical = query.get("layout") == "hierarchical"
    context.update(
        meta=meta,
        hierarchical=hierarchical,
        payload=vis_payload(H, term_url_template(), hierarchical=hierarchical),
    )
    return _render(request, "graphviz_app/explorer.html", context)


def neighbourhood(request, slug):
    """The terms around one term, to a chosen depth, direction and set of relation types."""
    snapshot = graph_snapshot_for(request.user)
    if slug not in snapshot.G:
        raise Http404("No such term.")
    query = request.GET
    context = {"snapshot": snapshot, "term": {"slug": slug, **snapshot.G.nodes[slug]},
               "types": None, "depth": params.DEPTH_DEFAULT, "direction": "both"}
    try:
        context.update(
            depth=params.parse_depth(query.get("depth")),
            direction=params.parse_direction(query.get("direction")),
            types=params.parse_types(query, snapshot.G),
            limit=params.parse_limit(query.get("limit")),
        )
    except ValidationError as errors:
        return _render(request, "graphviz_app/neighbourhood.html", context, errors)
    H, meta, distances = selectors.neighbourhood_graph(
        snapshot, slug, depth=context["depth"], types=context["types"],
        direction=context["direction"], limit=context["limit"],
    )
    hierarchical = query.get("layout") == "hierarchical"
    context.update(
        meta=meta,
        hierarchical=hierarchical,
        term_url=term_url(slug),
        payload=vis_payload(
            H, term_url_template(), focus=slug, hierarchical=hierarchical,
            start=radial_positions({n: distances[n] for n in H}, dict(H.nodes(data="category"))),
        ),
    )
    return _render(request, "graphviz_app/neighbourhood.html", context)


def _resolve_field(snapshot, raw, param):
    """The term named in the form field ``param``; an unknown name is that field's error."""
    try:
        return params.resolve_term(snapshot, raw, param)
    except nx.NodeNotFound as missing:
        raise ValidationError({param: str(missing)}) from None


def path(request):
    """The shortest path between two terms, highlighted among their neighbours and explained."""
    snapshot = graph_snapshot_for(request.user)
    G = snapshot.G
    query = request.GET
    context = {"snapshot": snapshot, "types": None, "source": query.get("from", ""), "target": query.get("to", "")}
    if not (context["source"] or context["target"]):
        return _render(request, "graphviz_app/path.html", context)
    try:
        context["types"] = params.parse_types(query, G)
        source = _resolve_field(snapshot, context["source"], "from")
        target = _resolve_field(snapshot, context["target"], "to")
        if source == target:
            raise ValidationError({"to": "Pick a term other than the starting one."})
        path_graph, steps, texts = selectors.path_graph(snapshot, source, target, types=context["types"])
    except ValidationError as errors:
        return _render(request, "graphviz_app/path.html", context, errors)
    except nx.NetworkXNoPath:
        context["no_path"] = True
        return _render(request, "graphviz_app/path.html", context)
    on_path = [steps[0][0], *(b for _, b, _, _ in steps)]
    around = {}
    for node in on_path:
        around.update(queries.neighbourhood_distances(G, node, 1, undirected=snapshot.undirected))
    context_nodes = on_path + [n for n in around if n not in path_graph][:PATH_CONTEXT_NODES]
    H = G.subgraph(context_nodes)
    context.update(
        source_node={"slug": source, "url": term_url(source), **G.nodes[source]},
        target_node={"slug": target, "url": term_url(target), **G.nodes[target]},
        steps=[{"text": text, "to": G.nodes[b]["name"], "url": term_url(b)} for (_, b, _, _), text in zip(steps, texts)],
        explanation="; ".join(texts),
        payload=vis_payload(
            H, term_url_template(), highlight_edges=list(path_graph.edges(keys=True)),
            pinned={node: (i * PATH_STEP_WIDTH, 0) for i, node in enumerate(on_path)},
        ),
    )
    return _render(request, "graphviz_app/path.html", context)
