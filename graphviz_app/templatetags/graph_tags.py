"""Template tags other apps use to embed graphs: {% mini_graph term %}, {% featured_graph %}."""

from django import template
from django.urls import reverse

from graphviz_app import selectors
from graphviz_app.engine import graph_snapshot_for, term_url_template
from graphviz_app.render import vis_payload

register = template.Library()

MINI_GRAPH_NODES = 40
FEATURED_GRAPH_NODES = 80


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
        "payload": vis_payload(H, term_url_template(), focus=term.slug),
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
        "payload": vis_payload(H, term_url_template()),
        "caption": caption,
        "explore_url": reverse("graph:explorer"),
    }
