"""Template tags other apps use to embed graphs: {% mini_graph term %}, {% featured_graph %}."""

from django import template

register = template.Library()


@register.inclusion_tag("graphviz_app/mini_graph.html")
def mini_graph(term):
    """The neighbourhood graph of ``term``, small, for the term page."""
    return {"term": term}


@register.inclusion_tag("graphviz_app/featured_graph.html")
def featured_graph():
    """A graph for the home page."""
    return {}
