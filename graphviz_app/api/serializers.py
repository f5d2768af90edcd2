"""Response shapes of the graph API, for the OpenAPI schema (the views build plain dicts)."""

from rest_framework import serializers

from glossary.models import TermStatus
from graphviz_app import params
from graphviz_app.queries import DIRECTIONS


class TypesQuerySerializer(serializers.Serializer):
    types = serializers.RegexField(
        params.SLUG_LIST_OR_EMPTY_PATTERN, required=False, allow_blank=True,
        help_text="Relation type slugs, comma-separated (e.g. `is-a,uses`); default all.",
    )


class CappedQuerySerializer(TypesQuerySerializer):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=params.NODE_CAP_MAX, default=params.NODE_CAP_DEFAULT,
        help_text="Node cap; above it the best connected (or nearest) terms are kept.",
    )


class WholeGraphQuerySerializer(CappedQuerySerializer):
    category = serializers.RegexField(
        params.SLUG_LIST_OR_EMPTY_PATTERN, required=False, allow_blank=True, help_text="Category slugs, comma-separated, each with the categories inside it; default all."
    )


class NeighbourhoodQuerySerializer(CappedQuerySerializer):
    depth = serializers.IntegerField(
        required=False, min_value=params.DEPTH_MIN, max_value=params.DEPTH_MAX, default=params.DEPTH_DEFAULT,
        help_text="How many relations away from the term.",
    )
    direction = serializers.ChoiceField(
        choices=DIRECTIONS, required=False, default="both", allow_blank=True,
        help_text="Follow relations from the term (out), towards it (in) or both (also when empty).",
    )


class GraphNodeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Term slug.")
    name = serializers.CharField()
    category = serializers.CharField(allow_null=True, help_text="Category slug, or null.")
    status = serializers.ChoiceField(choices=TermStatus.choices)
    url = serializers.CharField(help_text="The term page.")
    short_definition = serializers.CharField(allow_blank=True)


class GraphEdgeSerializer(serializers.Serializer):
    source = serializers.CharField()
    target = serializers.CharField()
    key = serializers.CharField(help_text="Relation type slug.")
    type = serializers.CharField(help_text="Relation type slug.")
    label = serializers.CharField(help_text="How the relation reads, source to target.")


class GraphMetaSerializer(serializers.Serializer):
    total_nodes = serializers.IntegerField(required=False, help_text="Terms matching before the node cap.")
    shown_nodes = serializers.IntegerField(required=False)
    truncated = serializers.BooleanField(required=False, help_text="True when the node cap cut the graph.")


class NodeLinkSerializer(serializers.Serializer):
    """networkx node-link JSON: ``nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")``."""

    directed = serializers.BooleanField()
    multigraph = serializers.BooleanField()
    graph = GraphMetaSerializer()
    nodes = GraphNodeSerializer(many=True)
    edges = GraphEdgeSerializer(many=True)


class PathStepSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The term walked from.")
    target = serializers.CharField(help_text="The term walked to.")
    type = serializers.CharField()
    forward = serializers.BooleanField(help_text="False when the relation is stored the other way round.")
    text = serializers.CharField(help_text="The step in words.")


class PathSerializer(NodeLinkSerializer):
    length = serializers.IntegerField(min_value=1)
    explanation = serializers.CharField()
    steps = PathStepSerializer(many=True)


class RankedTermSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    distance = serializers.IntegerField(min_value=1)


class HierarchySerializer(NodeLinkSerializer):
    term = serializers.CharField()
    type = serializers.CharField()
    ancestors = RankedTermSerializer(many=True)
    descendants = RankedTermSerializer(many=True)


class LearningPathSerializer(NodeLinkSerializer):
    term = serializers.CharField()
    generations = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Steps to learn in order; the terms of one step do not need each other.",
    )
    order = serializers.ListField(child=serializers.CharField(), help_text="The steps flattened.")


class TreeQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=params.NODE_CAP_MAX, default=params.TREE_LIMIT_DEFAULT,
        help_text="At most this many terms, by name; `count` tells how many there are.",
    )


class NarrowerQuerySerializer(TreeQuerySerializer):
    offset = serializers.IntegerField(
        required=False, min_value=0, max_value=params.MAX_OFFSET, default=0,
        help_text="Skip this many terms first (by name): the next `limit` after those a tree shows.",
    )


class TreeItemSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Term slug.")
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=TermStatus.choices)
    url = serializers.CharField(help_text="The term page.")
    narrower_count = serializers.IntegerField(min_value=0, help_text="Terms directly below this one.")


class NarrowerSerializer(serializers.Serializer):
    term = serializers.CharField()
    type = serializers.CharField()
    count = serializers.IntegerField(min_value=0)
    narrower = TreeItemSerializer(many=True)


class TopConceptsSerializer(serializers.Serializer):
    type = serializers.CharField()
    count = serializers.IntegerField(min_value=0)
    top_concepts = TreeItemSerializer(many=True)


class SampleSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    sample = serializers.ListField(child=serializers.CharField())


class HubSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    degree = serializers.IntegerField(min_value=1)


class StatsSerializer(serializers.Serializer):
    nodes = serializers.IntegerField(min_value=0)
    edges = serializers.IntegerField(min_value=0)
    edges_by_type = serializers.DictField(child=serializers.IntegerField())
    nodes_by_category = serializers.DictField(
        child=serializers.IntegerField(), help_text="By category slug; \"\" for terms without one."
    )
    components = serializers.IntegerField(min_value=0, help_text="Weakly connected components.")
    largest_component = serializers.IntegerField(min_value=0)
    orphans = SampleSerializer()
    hubs = HubSerializer(many=True)
    cycles = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For each acyclic relation type holding a cycle, one cycle (closed).",
    )
    without_definition = SampleSerializer()


class AudienceCountSerializer(serializers.Serializer):
    public = serializers.IntegerField(min_value=0)
    staff = serializers.IntegerField(min_value=0)


class EngineSerializer(serializers.Serializer):
    process = serializers.IntegerField(help_text="The answering process's id, to tell the workers apart.")
    builds = AudienceCountSerializer(help_text="Graphs built from scratch by this process.")
    updates = AudienceCountSerializer(help_text="Graphs brought up to date from the change log instead.")
    position = serializers.CharField(help_text="Where the change log stood for this request.")


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


PARAMETER_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Messages by parameter name.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
