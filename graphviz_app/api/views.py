"""Read-only graph endpoints under /api/graph/: node-link JSON from the cached graph."""

import os

import networkx as nx
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from glossary.changelog import changes_position
from glossary.language import names_in, reader_language
from graphviz_app import params, selectors
from graphviz_app.api import serializers as s
from graphviz_app.engine import URL_PLACEHOLDER, engine_counts, graph_snapshot_for, term_url_template
from graphviz_app.serialize import node_link

TAGS = ["graph"]

BAD_PARAMS = OpenApiResponse(s.PARAMETER_ERRORS_SCHEMA, description="A parameter is malformed, out of range or unknown.")
SLUG_PARAM = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$", description="Term slug."
)
TRANSITIVE_TYPE_PARAM = OpenApiParameter(
    "type", OpenApiTypes.STR, pattern=r"^[-a-zA-Z0-9_]*$",
    description="A transitive relation type slug. Default: the type mapped to skos:broader (`is-a` where that is "
    "one; `broader` in a thesaurus imported into an empty glossary), else `is-a`."
)
NOT_FOUND = OpenApiResponse(s.ErrorDetailSerializer, description="No such term (or no path).")


class GraphAPIView(APIView):
    """Public reads; staff also see drafts. Parameter errors → 400, unknown terms → 404."""

    permission_classes = [AllowAny]

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(exc.message_dict)
        elif isinstance(exc, nx.NodeNotFound):
            exc = exceptions.NotFound(str(exc))
        elif isinstance(exc, nx.NetworkXNoPath):
            exc = exceptions.NotFound(str(exc))
        return super().handle_exception(exc)

    def snapshot(self):
        return graph_snapshot_for(self.request.user)

    def node_link(self, H, *, names=None, **extra):
        """``H`` as node-link JSON, terms named in the reader's language where they can be (``names``
        when the caller has read them)."""
        if names is None:
            names = names_in(reader_language(self.request), H)
        return node_link(H, term_url_template(), names=names, **extra)


class WholeGraphView(GraphAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The whole graph",
        description="All terms the viewer may read and their relations, filtered and capped.",
        parameters=[s.WholeGraphQuerySerializer],
        responses={200: s.NodeLinkSerializer, 400: BAD_PARAMS},
    )
    def get(self, request):
        snapshot = self.snapshot()
        query = request.query_params
        H, meta = selectors.whole_graph(
            snapshot,
            types=params.parse_types(query, snapshot.G),
            categories=params.parse_categories(query, snapshot.G),
            limit=params.parse_limit(query.get("limit")),
        )
        return Response(self.node_link(H, graph=meta))


class NeighbourhoodView(GraphAPIView):
    @extend_schema(
        tags=TAGS,
        summary="A term's neighbourhood",
        description="The terms within `depth` relations of the term, nearest first when capped.",
        parameters=[SLUG_PARAM, s.NeighbourhoodQuerySerializer],
        responses={200: s.NodeLinkSerializer, 400: BAD_PARAMS, 404: NOT_FOUND},
    )
    def get(self, request, slug):
        snapshot = self.snapshot()
        query = request.query_params
        H, meta, _ = selectors.neighbourhood_graph(
            snapshot,
            slug,
            depth=params.parse_depth(query.get("depth")),
            types=params.parse_types(query, snapshot.G),
            direction=params.parse_direction(query.get("direction")),
            limit=params.parse_limit(query.get("limit")),
        )
        return Response(self.node_link(H, graph=meta))


class PathView(GraphAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Shortest path between two terms",
        description="Relations are followed either way and read in the direction walked: "
        "“GPT-4 is an instance of foundation model; …”.",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.STR, required=True, description="Term slug, name or alias."),
            OpenApiParameter("to", OpenApiTypes.STR, required=True, description="Term slug, name or alias."),
            s.TypesQuerySerializer,
        ],
        responses={200: s.PathSerializer, 400: BAD_PARAMS, 404: NOT_FOUND},
    )
    def get(self, request):
        snapshot = self.snapshot()
        query = request.query_params
        types = params.parse_types(query, snapshot.G)
        ends = params.resolve_terms(snapshot, {"from": query.get("from"), "to": query.get("to")}, user=request.user)
        source, target = ends["from"], ends["to"]
        if source == target:
            raise exceptions.ValidationError({"to": ["Pick a term other than the starting one."]})
        names = selectors.NamesIn(reader_language(request))
        try:
            H, steps, texts = selectors.path_graph(snapshot, source, target, types=types, names=names)
        except nx.NetworkXNoPath:
            G = snapshot.G
            names.load([source, target])
            raise exceptions.NotFound(
                f"No path between “{names.name(G, source)}” and “{names.name(G, target)}”"
                + (" over those relation types." if types else ".")
            ) from None
        data = self.node_link(H, names=names.known)
        data.update(
            length=len(steps),
            explanation="; ".join(texts),
            steps=[
                {"source": a, "target": b, "type": key, "forward": forward, "text": text}
                for (a, b, key, forward), text in zip(steps, texts)
            ],
        )
        return Response(data)


def _ranked(G, distances):
    return [
        {"id": n, "name": G.nodes[n]["name"], "distance": d}
        for n, d in sorted(distances.items(), key=lambda item: (item[1], G.nodes[item[0]]["name"].lower()))
    ]


class HierarchyView(GraphAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Ancestors and descendants along a transitive type",
        parameters=[
            SLUG_PARAM,
            TRANSITIVE_TYPE_PARAM,
        ],
        responses={200: s.HierarchySerializer, 400: BAD_PARAMS, 404: NOT_FOUND},
    )
    def get(self, request, slug):
        snapshot = self.snapshot()
        G = snapshot.G
        key = params.parse_transitive_type(request.query_params.get("type"), G)
        H, ancestors, descendants = selectors.hierarchy_graph(snapshot, slug, key)
        data = self.node_link(H)
        data.update(term=slug, type=key, ancestors=_ranked(G, ancestors), descendants=_ranked(G, descendants))
        return Response(data)


class LearningPathView(GraphAPIView):
    @extend_schema(
        tags=TAGS,
        summary="What to learn first",
        description="Every prerequisite of the term (through `requires`, transitively), in steps: "
        "each step only needs earlier ones. Terms in `known`, and what only they need, are left out.",
        parameters=[
            SLUG_PARAM,
            OpenApiParameter("known", OpenApiTypes.STR, pattern=params.SLUG_LIST_OR_EMPTY_PATTERN,
                             description="Term slugs the learner knows, comma-separated."),
        ],
        responses={200: s.LearningPathSerializer, 400: BAD_PARAMS, 404: NOT_FOUND},
    )
    def get(self, request, slug):
        snapshot = self.snapshot()
        known = params.parse_slug_list(
            request.query_params.getlist("known"), "known", snapshot.G, what="term"
        ) or []
        H, generations = selectors.learning_graph(snapshot, slug, known=known)
        data = self.node_link(H)
        data.update(term=slug, generations=generations, order=[t for g in generations for t in g])
        return Response(data)


def _tree_items(items, url_template):
    return [
        {"id": item["slug"], "name": item["name"], "status": item["status"],
         "url": url_template.replace(URL_PLACEHOLDER, item["slug"]), "narrower_count": item["narrower_count"]}
        for item in items
    ]


class NarrowerView(GraphAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The terms directly below a term in a hierarchy",
        description="One level of the broader/narrower tree of a transitive relation type, by name; "
        "each term says how many narrower terms it has in turn, so a tree can load them on demand, "
        "a long level a page (`offset`, `limit`) at a time. "
        "Terms are named in the reader's language (`?lang=`, else Accept-Language) where they have a name in it.",
        parameters=[SLUG_PARAM, TRANSITIVE_TYPE_PARAM, s.NarrowerQuerySerializer],
        responses={200: s.NarrowerSerializer, 400: BAD_PARAMS, 404: NOT_FOUND},
    )
    def get(self, request, slug):
        snapshot = self.snapshot()
        key = params.parse_transitive_type(request.query_params.get("type"), snapshot.G)
        limit = params.parse_int(request.query_params.get("limit"), "limit", default=params.TREE_LIMIT_DEFAULT,
                                 low=1, high=params.NODE_CAP_MAX)
        offset = params.parse_int(request.query_params.get("offset"), "offset", default=0, low=0,
                                  high=params.MAX_OFFSET)
        items, total = selectors.narrower_terms(snapshot, slug, key, limit=limit, offset=offset,
                                                names=selectors.NamesIn(reader_language(request)))
        return Response({"term": slug, "type": key, "count": total, "narrower": _tree_items(items, term_url_template())})


class TopConceptsView(GraphAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The tops of a hierarchy",
        description="The terms with narrower terms but nothing broader along a transitive relation type, "
        "named in the reader's language (`?lang=`, else Accept-Language) where they have a name in it.",
        parameters=[TRANSITIVE_TYPE_PARAM, s.TreeQuerySerializer],
        responses={200: s.TopConceptsSerializer, 400: BAD_PARAMS},
    )
    def get(self, request):
        snapshot = self.snapshot()
        key = params.parse_transitive_type(request.query_params.get("type"), snapshot.G)
        limit = params.parse_int(request.query_params.get("limit"), "limit", default=params.TREE_LIMIT_DEFAULT,
                                 low=1, high=params.NODE_CAP_MAX)
        items, total = selectors.top_concepts(snapshot, key, limit=limit,
                                              names=selectors.NamesIn(reader_language(request)))
        return Response({"type": key, "count": total, "top_concepts": _tree_items(items, term_url_template())})


class StatsView(GraphAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Graph health",
        description="Counts, weakly connected components, orphans, hubs (by degree), cycles in "
        "acyclic relation types and terms without a short definition.",
        responses={200: s.StatsSerializer},
    )
    def get(self, request):
        return Response(selectors.stats(self.snapshot()))


class EngineView(APIView):
    """For operators: whether this process keeps its graphs up to date or keeps rebuilding them."""

    permission_classes = [IsAdminUser]

    @extend_schema(
        tags=TAGS,
        summary="This process's graph engine (staff only)",
        description="How often the answering process built its graphs from scratch and brought "
        "them up to date from the change log. Each process keeps its own graphs, so behind a "
        "load balancer successive answers may come from different processes.",
        responses={200: s.EngineSerializer, 403: OpenApiResponse(s.ErrorDetailSerializer, description="Staff only.")},
    )
    def get(self, request):
        return Response({"process": os.getpid(), **engine_counts(), "position": changes_position().token})
