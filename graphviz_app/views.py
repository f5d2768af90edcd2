"""Graph pages: the explorer, a term's neighbourhood, the path between two terms, a learning path,
the hierarchy of a transitive relation type and the quality report.

The explorer and neighbourhood pages keep their whole state in the URL — filters, layout and
what the reader did (expanded, hidden, pinned nodes) — so a link shows the same view. With
``?format=json`` they answer the view's vis-network data instead, which is how ``graph.js``
expands a node in place: it asks for the view with one more ``expand`` and adds what is new.
"""

import networkx as nx
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from glossary import selectors as glossary_selectors
from glossary.search import fold
from glossary.language import category_name, names_in, reader_language
from glossary.views import resolve_or_redirect
from graphviz_app import layout, params, queries, selectors
from graphviz_app.engine import graph_snapshot_for, term_url, term_url_template
from graphviz_app.render import vis_payload

PATH_CONTEXT_NODES = 30
PATH_STEP_WIDTH = 220
TOP_CONCEPTS_SHOWN = 300
TREE_CHILDREN_SHOWN = 50
# With this few top concepts, the hierarchy page opens them one level.
TOP_CONCEPTS_OPENED = 12
LEARN_GRAPH_ASPECT = 0.8


def _types_and_categories(G, language):
    types = sorted(G.graph["types"].values(), key=lambda t: t["label"].lower())
    categories = sorted(G.graph["categories"].values(), key=lambda c: fold(category_name(c, language)))
    return types, categories


def _render(request, template, context, errors=None):
    snapshot = context["snapshot"]
    types, categories = _types_and_categories(snapshot.G, reader_language(request))
    context.update(
        all_types=types,
        all_categories=categories,
        errors=errors.message_dict if errors else {},
        node_cap_max=params.NODE_CAP_MAX,
    )
    return render(request, template, context, status=400 if errors else 200)


def _wants_json(request) -> bool:
    wanted = request.GET.get("format", "")
    if wanted not in ("", "json"):
        raise ValidationError({"format": f"Only “json” is offered; got “{wanted}”."})
    return wanted == "json"


def _names(request, H) -> dict:
    """Names of ``H``'s terms in the reader's language, where they have one."""
    return names_in(reader_language(request), H)


def _view_payload(request, snapshot, H, state, *, focus=None, start=None, names=None):
    """The vis-network data of a view: layered positions for a hierarchy, else physics.
    ``names``: `_names` of ``H`` when the caller has read them already."""
    positions, physics, faint = start, True, ()
    if state["layout"] == "hierarchical":
        keys = layout.hierarchy_keys(snapshot.G, state["types"])
        positions = layout.layered_positions(H, keys)
        physics = False
        faint = set(snapshot.G.graph["types"]) - set(keys)
    return vis_payload(
        H, term_url_template(), degrees=snapshot.G.degree, focus=focus,
        positions=positions, physics=physics, pins=state["pins"], faint_types=faint,
        names=_names(request, H) if names is None else names, language=reader_language(request),
    )


def _answer(request, template, context):
    """The page, or with ``?format=json`` the data a page uses to update itself in place."""
    if context.get("as_json"):
        return JsonResponse({"payload": context["payload"], "meta": context["meta"]})
    return _render(request, template, context)


def _refusal(request, template, context, errors):
    if request.GET.get("format") == "json":
        return JsonResponse(errors.message_dict, status=400)
    return _render(request, template, context, errors)


def explorer(request):
    """The whole graph, filtered by relation types and categories, with search-to-focus."""
    snapshot = graph_snapshot_for(request.user)
    G = snapshot.G
    query = request.GET
    context = {"snapshot": snapshot, "types": None, "categories": None, "layout": "force"}
    try:
        context.update(
            as_json=_wants_json(request),
            types=params.parse_types(query, G),
            categories=params.parse_categories(query, G),
            limit=params.parse_limit(query.get("limit")),
            isolated=params.parse_flag(query.get("isolated"), "isolated"),
            layout=params.parse_layout(query.get("layout")),
            **params.parse_view_changes(query, G),
        )
    except ValidationError as errors:
        return _refusal(request, "graphviz_app/explorer.html", context, errors)
    H, meta = selectors.whole_graph(
        snapshot, types=context["types"], categories=context["categories"], limit=context["limit"],
        isolated=context["isolated"],
    )
    H = selectors.with_changes(snapshot, H, types=context["types"], expand=context["expand"],
                               hide=context["hide"], limit=params.NODE_CAP_MAX)
    context.update(
        meta=meta, payload=_view_payload(request, snapshot, H, context),
        filter_count=len(context["types"] or ()) + len(context["categories"] or ()) + context["isolated"],
    )
    return _answer(request, "graphviz_app/explorer.html", context)


def neighbourhood(request, slug):
    """The terms around one term, to a chosen depth, direction and set of relation types."""
    snapshot = graph_snapshot_for(request.user)
    G = snapshot.G
    if slug not in G:
        return resolve_or_redirect(request, slug, "graph:neighbourhood")
    query = request.GET
    term = {"slug": slug, **G.nodes[slug]}  # named below in the reader's language, as the drawing names it
    context = {"snapshot": snapshot, "term": term, "term_url": term_url(slug),
               "types": None, "depth": params.DEPTH_DEFAULT, "direction": "both", "layout": "force"}
    try:
        context.update(
            as_json=_wants_json(request),
            depth=params.parse_depth(query.get("depth")),
            direction=params.parse_direction(query.get("direction")),
            types=params.parse_types(query, G),
            limit=params.parse_limit(query.get("limit")),
            layout=params.parse_layout(query.get("layout")),
            **params.parse_view_changes(query, G),
        )
    except ValidationError as errors:
        term["name"] = _names(request, [slug]).get(slug, term["name"])
        return _refusal(request, "graphviz_app/neighbourhood.html", context, errors)
    H, meta, distances = selectors.neighbourhood_graph(
        snapshot, slug, depth=context["depth"], types=context["types"],
        direction=context["direction"], limit=context["limit"],
    )
    H = selectors.with_changes(snapshot, H, types=context["types"], expand=context["expand"],
                               hide=[s for s in context["hide"] if s != slug], limit=params.NODE_CAP_MAX)
    start = layout.radial_positions({n: distances.get(n, context["depth"] + 1) for n in H},
                                    dict(H.nodes(data="category")))
    names = _names(request, H)  # one read for the drawing and the heading
    term["name"] = names.get(slug, term["name"])
    context.update(
        meta=meta, payload=_view_payload(request, snapshot, H, context, focus=slug, start=start, names=names),
        filter_count=len(context["types"] or ()) + (context["direction"] != "both"),
        cap_hint=_cap_hint(context["depth"], context["limit"]),
    )
    return _answer(request, "graphviz_app/neighbourhood.html", context)


def _cap_hint(depth: int, limit: int) -> str:
    """How to see the rest of a neighbourhood that was cut: only what the reader can still change."""
    if depth > 1:
        return "(lower the depth or pick relation types)"
    if limit < params.NODE_CAP_MAX:
        return f"(pick relation types, or show up to {params.NODE_CAP_MAX:,} terms under Filters)"
    return "(pick relation types)"


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
        ends = params.resolve_terms(snapshot, {"from": context["source"], "to": context["target"]}, user=request.user)
        source, target = ends["from"], ends["to"]
        if source == target:
            raise ValidationError({"to": "Pick a term other than the starting one."})
        names = selectors.NamesIn(reader_language(request))
        path_graph, steps, texts = selectors.path_graph(snapshot, source, target, types=context["types"],
                                                        names=names)
    except ValidationError as errors:
        return _render(request, "graphviz_app/path.html", context, errors)
    except params.TermNotFound as missing:
        return _render(request, "graphviz_app/path.html", context, ValidationError({missing.param: str(missing)}))
    except nx.NetworkXNoPath:
        context["no_path"] = True
        return _render(request, "graphviz_app/path.html", context)
    on_path = [steps[0][0], *(b for _, b, _, _ in steps)]
    around = {}
    for node in on_path:
        around.update(queries.neighbourhood_distances(G, node, 1, undirected=snapshot.undirected))
    context_nodes = on_path + [n for n in around if n not in path_graph][:PATH_CONTEXT_NODES]
    H = G.subgraph(context_nodes)
    names.load(H)
    context.update(
        source_node={"slug": source, "url": term_url(source), **G.nodes[source], "name": names.name(G, source)},
        target_node={"slug": target, "url": term_url(target), **G.nodes[target], "name": names.name(G, target)},
        steps=[queries.step_in_words(G, step, names.known) for step in steps],
        explanation="; ".join(texts),
        payload=vis_payload(
            H, term_url_template(), degrees=G.degree, highlight_edges=list(path_graph.edges(keys=True)),
            fixed={node: (i * PATH_STEP_WIDTH, 0) for i, node in enumerate(on_path)}, names=names.known,
            language=names.language,
        ),
    )
    return _render(request, "graphviz_app/path.html", context)


def learning_path(request, slug):
    """What to learn before a term, step by step, minus what the reader says they know."""
    snapshot = graph_snapshot_for(request.user)
    G = snapshot.G
    if slug not in G:
        return resolve_or_redirect(request, slug, "graphsite:learn")
    language = reader_language(request)

    def item(node, names):
        # Named in the reader's language where the term has a name in it, as the drawing is.
        return {"slug": node, "url": term_url(node), **G.nodes[node], **({"name": names[node]} if node in names else {})}

    try:
        known = params.parse_slug_list(request.GET.getlist("known"), "known", G, what="term") or []
    except ValidationError as errors:
        context = {"snapshot": snapshot, "term": item(slug, names_in(language, [slug]))}
        return _render(request, "graphviz_app/learning_path.html", context, errors)
    H, generations = selectors.learning_graph(snapshot, slug, known=known)
    everything = [t for generation in queries.learning_path(G, slug, key=selectors.REQUIRES) for t in generation]
    names = names_in(language, {slug, *everything, *known})
    context = dict(
        snapshot=snapshot,
        term=item(slug, names),
        steps=[[item(n, names) for n in generation] for generation in generations],
        known=[item(n, names) for n in known if n != slug],
        # Prerequisites left out because the reader knows something they lead to.
        skipped=[item(n, names) for n in everything if n not in H and n not in known],
        # Upright, to suit the column it is drawn in; first steps at the top.
        payload=vis_payload(
            H, term_url_template(), degrees=G.degree, physics=False, edge_labels=False,
            positions=layout.layered_positions(H, [selectors.REQUIRES], aspect=LEARN_GRAPH_ASPECT),
            names=names, language=language,
        ) if generations else None,
    )
    return _render(request, "graphviz_app/learning_path.html", context)


def hierarchy(request):
    """The tops of a transitive relation type's trees; narrower terms load on demand."""
    snapshot = graph_snapshot_for(request.user)
    transitive = selectors.transitive_types(snapshot)
    context = {"snapshot": snapshot, "hierarchy_types": transitive, "items": []}
    if not transitive:
        return _render(request, "graphviz_app/hierarchy.html", context)
    broader = queries.hierarchy_type(snapshot.G)
    default = broader if any(t["slug"] == broader for t in transitive) else transitive[0]["slug"]
    try:
        key = params.parse_transitive_type(request.GET.get("type"), snapshot.G, default=default)
    except ValidationError as errors:
        return _render(request, "graphviz_app/hierarchy.html", context, errors)
    names = selectors.NamesIn(reader_language(request))
    items, total = selectors.top_concepts(snapshot, key, limit=TOP_CONCEPTS_SHOWN, names=names)
    opened = total <= TOP_CONCEPTS_OPENED
    if opened:  # the names of every shown top's narrower terms, in one read
        names.load(node for item in items for node in queries.narrower(snapshot.G, item["slug"], key))
    for item in items:
        children, count = (selectors.narrower_terms(snapshot, item["slug"], key, limit=TREE_CHILDREN_SHOWN,
                                                    names=names) if opened else (None, 0))
        item.update(children=children, open=opened, more=count - len(children or ()))
    context.update(
        type=snapshot.G.graph["types"][key],
        items=items,
        total=total,
        more=total - len(items),
    )
    return _render(request, "graphviz_app/hierarchy.html", context)


def _search_url(text: str) -> str:
    return f"{reverse('glossary:search')}?{urlencode({'q': text})}"


def _name_url(text: str) -> str:
    """Where a reader who opens a name as a link lands (`/terms/<name>/`: its "may refer to" page);
    a name with a slash cannot be a path segment, so it is searched for instead."""
    if "/" in text:
        return _search_url(text)
    return reverse("glossary:term-by-name", kwargs={"name": text})


def quality(request):
    """For curators, what to fix or look at, as thesaurus managers report it: cycles in acyclic
    relation types, deprecated terms with no replacement, terms with no relation, no definition or
    no category (each list as the term list's ``?lacking=`` shows it whole), names that refer to
    several terms, each language's share of named and defined terms, and the best connected terms,
    over the terms the reader may see.

    Cycles, connected groups and hubs are `queries.graph_stats`' (as /api/graph/stats/ gives them)."""
    snapshot = graph_snapshot_for(request.user)
    G = snapshot.G
    stats = selectors.stats(snapshot)
    language = reader_language(request)
    listed = glossary_selectors.lacking_listed(user=request.user, language=language)
    languages = glossary_selectors.language_coverage(user=request.user, language=language)
    ambiguous = glossary_selectors.ambiguous_names(user=request.user)
    notations = glossary_selectors.shared_notations(user=request.user, language=language)
    shown = {slug for cycle in stats["cycles"].values() for slug in cycle}
    shown.update(slug for name in ambiguous["names"] for slug, _ in name["terms"])
    shown.update(slug for code in (notations or {}).get("notations", ()) for slug, _ in code["terms"])
    shown.update(hub["id"] for hub in stats["hubs"])
    shown.update(slug for _, rows in listed.values() for slug, _ in rows)
    shown.update(slug for row in languages for slug, _ in row["lacking"])
    names = _names(request, shown)

    def terms(slugs, own_names=None):
        own_names = own_names or {}
        return [{"slug": slug, "name": names.get(slug) or own_names.get(slug) or G.nodes.get(slug, {}).get("name") or slug}
                for slug in slugs]

    def found(what):
        count, rows = listed[what]
        return {"count": count, "terms": terms([slug for slug, _ in rows], dict(rows)), "more": count - len(rows),
                "lacking": what}

    languages = [
        {**row, "lacking_terms": terms([slug for slug, _ in row["lacking"]], dict(row["lacking"])),
         "missing": row["total"] - row["named"], "undefined": row["total"] - row["defined"],
         "more": row["total"] - row["named"] - len(row["lacking"])}
        for row in languages
    ]
    context = {
        "snapshot": snapshot,
        "stats": stats,
        "cycles": [{"type": G.graph["types"][key], "terms": terms(cycle)} for key, cycle in stats["cycles"].items()],
        **{f"without_{what}": found(what) for what in glossary_selectors.LACKING},
        "ambiguous": {**ambiguous, "more": ambiguous["count"] - len(ambiguous["names"]),
                      "names": [{"text": name["text"], "url": _name_url(name["text"]),
                                 "terms": terms([s for s, _ in name["terms"]], dict(name["terms"]))}
                                for name in ambiguous["names"]]},
        "ambiguous_checked": glossary_selectors.SHARED_LABELS_CHECKED,
        "notations": notations and {
            **notations, "more": notations["count"] - len(notations["notations"]),
            "codes": [{"text": code["text"], "url": _search_url(code["text"]),
                       "terms": terms([s for s, _ in code["terms"]], dict(code["terms"]))}
                      for code in notations["notations"]]},
        "languages": languages,
        "hubs": [{**term, "degree": hub["degree"]} for term, hub in zip(terms(h["id"] for h in stats["hubs"]), stats["hubs"])],
    }
    return _render(request, "graphviz_app/quality.html", context)
