"""Graph checks the model rules need (cycles in acyclic relation types), on plain edge lists."""

import networkx as nx


def path_between(edges, start, goal):
    """Return the node list of a shortest path ``start → … → goal`` over ``edges``, or None.

    >>> path_between([(1, 2), (2, 3)], 1, 3)
    [1, 2, 3]
    """
    G = nx.DiGraph()
    G.add_edges_from(edges)
    if start not in G or goal not in G:
        return None
    try:
        return nx.shortest_path(G, start, goal)
    except nx.NetworkXNoPath:
        return None


def find_cycle_in_type(type_id):
    """Names of the terms along one cycle among the relations of a type, closed; [] if none."""
    from glossary.models import Relation, Term

    G = nx.DiGraph()
    G.add_edges_from(Relation.objects.filter(type_id=type_id).values_list("source_id", "target_id"))
    try:
        cycle = [u for u, _ in nx.find_cycle(G)]
    except nx.NetworkXNoCycle:
        return []
    names = dict(Term.objects.filter(pk__in=cycle).values_list("pk", "name"))
    return [names[pk] for pk in cycle] + [names[cycle[0]]]
