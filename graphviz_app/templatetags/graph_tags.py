"""Template tags other apps use to embed graphs: {% mini_graph term %}, {% featured_graph %},
{% hierarchy_trees term %}, and {% search_examples %}, which the graph's hubs give."""

from django import template
from django.urls import reverse

from glossary.language import names_in, reader_language
from graphviz_app import selectors
from graphviz_app.engine import graph_snapshot_for, term_url_template
from graphviz_app.render import vis_payload

register = template.Library()

MINI_GRAPH_NODES = 40
FEATURED_GRAPH_NODES = 80
TREE_CHILDREN_SHOWN = 50
SEARCH_EXAMPLES = 3


def _viewer(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("graphviz_app/mini_graph.html", takes_context=True)
def mini_graph(context, term):
    """The neighbourhood graph of ``term``, small, for the term page (nothing for a lone term)."""
    snapshot = graph_snapshot_for(_viewer(context))
    if term.slug not in snapshot.G or snapshot.G.degree(term.slug) == 0:
        return {"payload": None}
    H, meta, _ = selectors.neighbourhood_graph(
        snapshot, term.slug, depth=1, types=None, direction="both", limit=MINI_GRAPH_NODES
    )
    return {
        "payload": vis_payload(H, term_url_template(), degrees=snapshot.G.degree, focus=term.slug,
                               names=names_in(reader_language(context.get("request")), H),
                               language=reader_language(context.get("request"))),
        "meta": meta,
        "explore_url": reverse("graph:neighbourhood", kwargs={"slug": term.slug}),
    }


@register.inclusion_tag("graphviz_app/featured_graph.html", takes_context=True)
def featured_graph(context):
    """The whole glossary when it is small; otherwise the surroundings of its best connected term."""
    snapshot = graph_snapshot_for(_viewer(context))
    G = snapshot.G
    if snapshot.edge_count == 0:
        return {"payload": None}
    if len(G) <= FEATURED_GRAPH_NODES:
        H, caption = G, ""
    else:
        hub = snapshot.top_nodes(1)[0]
        H, _, _ = selectors.neighbourhood_graph(
            snapshot, hub, depth=1, types=None, direction="both", limit=FEATURED_GRAPH_NODES
        )
        caption = f"Around {G.nodes[hub]['name']}, the best connected term"
    return {
        "payload": vis_payload(H, term_url_template(), degrees=G.degree,
                               names=names_in(reader_language(context.get("request")), H),
                               language=reader_language(context.get("request"))),
        "caption": caption,
        "explore_url": reverse("graph:explorer"),
    }


@register.simple_tag(takes_context=True)
def search_examples(context) -> str:
    """A search box's invitation naming the glossary's own best connected terms, in the reader's
    language (“Try “A”, “B” or “C”…”), whatever vocabulary it holds; a plain one when it has none."""
    snapshot = graph_snapshot_for(_viewer(context))
    hubs = [slug for slug in snapshot.top_nodes(SEARCH_EXAMPLES) if snapshot.G.degree(slug)]
    if not hubs:
        return "Search terms and labels…"
    shown = names_in(reader_language(context.get("request")), hubs)
    quoted = [f"“{shown.get(slug) or snapshot.G.nodes[slug]['name']}”" for slug in hubs]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f"Try {listed}…"


@register.inclusion_tag("graphviz_app/hierarchy_trees.html", takes_context=True)
def hierarchy_trees(context, term):
    """The term's broader/narrower tree for each transitive relation type it takes part in."""
    snapshot = graph_snapshot_for(_viewer(context))
    names = selectors.NamesIn(reader_language(context.get("request")))
    trees = []
    for rtype in selectors.transitive_types(snapshot):
        items = selectors.broader_tree(snapshot, term.slug, rtype["slug"], children_limit=TREE_CHILDREN_SHOWN,
                                       names=names)
        if items:
            trees.append({"type": rtype, "items": items})
    return {"trees": trees}


@register.inclusion_tag("graphviz_app/learn_link.html", takes_context=True)
def learn_link(context, term, name=""):
    """A link to the term's learning path, when it has prerequisites; ``name``: the term's name in
    the reader's language (default: its name)."""
    G = graph_snapshot_for(_viewer(context)).G
    if term.slug not in G or not any(selectors.REQUIRES in keys for keys in G._succ[term.slug].values()):
        return {"url": None}
    return {"url": reverse("graphsite:learn", kwargs={"slug": term.slug}), "name": name or term.name}
