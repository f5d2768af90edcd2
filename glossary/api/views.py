"""REST endpoints under /api/ (the graph ones live in graphviz_app.api).

Thin views: query parameters are validated by the serializers in ``filters``, reads come from
``glossary.selectors``, writes go to ``glossary.services``. Model rules broken by a write come
back from the service as Django ``ValidationError`` and become a 400 in ``exceptions``.
"""

from django.http import JsonResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.http import parse_etags, quote_etag
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, routers, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, Throttled, ValidationError
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from glossary import selectors, services, workflow
from glossary.models import Term, TermStatus
from glossary.api.filters import (
    AutocompleteParams, ChangeListParams, LookupParams, RelationListParams, TermListParams, validated_params,
)
from glossary.api.history import TermHistoryActions
from glossary.api.pagination import TermPagination
from glossary.api.parsers import JSONParser
from glossary.api.schema import ERROR_SCHEMA
from glossary.resolver import resolve_name
from glossary.api.serializers import (
    CategorySerializer,
    ReferenceSerializer,
    RelationSerializer,
    RelationTypeSerializer,
    TermDetailSerializer,
    TermLookupSerializer,
    TermSerializer,
    TermChangeSerializer,
    TermSuggestionSerializer,
)
from glossary.changelog import changes_position
from glossary.errors import RETRY_AFTER_SECONDS
from glossary.health import cache_status, database_status
from glossary.language import reader_language

SLUG_REGEX = r"[-a-zA-Z0-9_]+"
# Ids beyond 64-bit integers cannot exist; refusing them in the URL keeps them away from the database.
ID_REGEX = r"[0-9]{1,18}"


class APIRootView(routers.APIRootView):
    """The API's front page: the resources, and the other endpoints a client starts from."""

    # Names of routes outside the router, and of those that need a term: shown as URI templates.
    extra_names = {
        "autocomplete": "term-autocomplete",
        "lookup": "term-lookup",
        "graph": "graph-api-whole",
        "graph-stats": "graph-api-stats",
        "graph-top-concepts": "graph-api-top-concepts",
        "graph-path": "graph-api-path",
        "export": "export",
        "changes": "api-changes",
        "schema": "schema",
        "docs": "api-docs",
        "health": "api-health",
        "token": "api-token",
    }
    slug_names = {
        "graph-neighborhood": "graph-api-neighborhood",
        "graph-hierarchy": "graph-api-hierarchy",
        "graph-narrower": "graph-api-narrower",
        "graph-learning-path": "graph-api-learning-path",
    }

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for key, name in self.extra_names.items():
            response.data[key] = request.build_absolute_uri(reverse(name))
        for key, name in self.slug_names.items():
            response.data[key] = request.build_absolute_uri(reverse(name, kwargs={"slug": "SLUG"})).replace("SLUG", "{slug}")
        return response


def health(request):
    """Whether this process can reach its database and its cache; 503 when the database is down.

    A cache outage only costs speed (see ``glossary.cache``), so it is reported but still a 200.
    """
    database, cache = database_status(), cache_status()
    if database["status"] != "ok":
        overall = "unavailable"
    else:
        overall = "ok" if cache["status"] == "ok" else "degraded"
    response = JsonResponse({"status": overall, "database": database, "cache": cache},
                            status=503 if overall == "unavailable" else 200)
    if overall == "unavailable":
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # a 404 changes nothing, whatever the method: no CSRF page in the way
def not_found(request, path=""):
    """Any other URL under /api/ (e.g. a malformed slug or id): a JSON 404 like the API's own."""
    return JsonResponse({"detail": "Not found."}, status=404)


class ServiceModelViewSet(viewsets.ModelViewSet):
    """CRUD whose writes call the glossary services named by the subclass.

    ``service_functions`` is ``(create, update, delete)``; update and delete take the object under the
    keyword ``service_object``, and with ``service_takes_user`` each takes the requesting ``user``
    (whose workflow rule the service applies). After a write the object is read again through
    ``get_queryset`` so the response has the same fields (counts, prefetched relations) as a GET.
    """

    service_object: str
    service_functions: tuple
    service_takes_user = False
    # With ``row_versioned``, an answer that is one object carries its version as its ETag
    # (`services.row_version`), and a write or delete with If-Match naming another is refused (412).
    row_versioned = False

    def _by(self) -> dict:
        return {"user": self.request.user} if self.service_takes_user else {}

    def _versions(self) -> dict:
        return {"versions": if_match_versions(self.request)} if self.row_versioned else {}

    def get_object(self):
        obj = super().get_object()
        if self.action == "retrieve":
            self._answered = obj
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        obj = getattr(self, "_answered", None)
        if self.row_versioned and obj is not None and response.status_code in (200, 201):
            response["ETag"] = quote_etag(services.row_version(obj))
        return super().finalize_response(request, response, *args, **kwargs)

    def perform_create(self, serializer):
        create, _update, _delete = self.service_functions
        serializer.instance = self._answered = self.reload(create(**serializer.validated_data, **self._by()))

    def perform_update(self, serializer):
        _create, update, _delete = self.service_functions
        obj = update(**{self.service_object: serializer.instance}, **serializer.validated_data, **self._by(),
                     **self._versions())
        serializer.instance = self._answered = self.reload(obj)

    def perform_destroy(self, instance):
        _create, _update, delete = self.service_functions
        delete(**{self.service_object: instance}, **self._by(), **self._versions())

    def reload(self, obj):
        return self.get_queryset().get(pk=obj.pk)

    def get_success_headers(self, data):
        # DRF would point Location at the `url` field, which here is the public page, not the resource.
        lookup = data.get(self.lookup_field)
        return {"Location": self.reverse_action("detail", args=[lookup])} if lookup is not None else {}


TERM_ETAG = OpenApiParameter(
    "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="An ETag from an earlier response: answered with 304 if nothing changed since.",
)
TERM_IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="The ETag of the copy this write starts from (from a GET or an earlier write): the "
    "write is refused with 412 if the term was changed since (its fields, labels, notes or mappings; "
    "not its neighbours). Without it, the write goes over whatever is stored.",
)
PRECONDITION_FAILED = OpenApiResponse(ERROR_SCHEMA, description="The term changed since the copy named by If-Match; nothing was written.")


def term_etag(request, version: str) -> str:
    """A term's ETag: the change log's position (any committed write moves it, and a term's answer
    shows its neighbours), who asks, in which format, and the term's version (`services.term_version`),
    which If-Match compares."""
    return quote_etag(f"{_etag_prefix(request)}{version}")


def _etag_prefix(request) -> str:
    return f"{changes_position().token}-{int(request.user.is_staff)}-{request.accepted_renderer.format}-"


def if_match_versions(request) -> list[str] | None:
    """The term versions an If-Match header names (None: no header, or ``*``: any version will do).
    Tags this API did not make, and weak ones, name no version: they never match."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():  # an empty header asks for nothing
        return None
    tags = parse_etags(header)
    if not tags:  # not even an entity tag: a 412 would wrongly say someone changed the resource
        raise ValidationError({"If-Match": [
            "Not an entity tag: send the ETag of the copy you start from, as a read gave it (in double quotes)."]})
    if "*" in tags:
        return None
    return [tag[1:-1].rpartition("-")[2] for tag in tags if tag.startswith('"')]


@extend_schema_view(
    list=extend_schema(parameters=[TermListParams], summary="List and search terms"),
    retrieve=extend_schema(
        parameters=[TERM_ETAG],
        responses={200: TermDetailSerializer, 304: OpenApiResponse(description="Not modified since the given ETag.")},
        summary="A term with its relations in both directions",
    ),
    create=extend_schema(summary="Create a term (labels, notes and mappings included)"),
    update=extend_schema(
        summary="Replace a term (the labels, notes and mappings lists replace the current ones)",
        parameters=[TERM_IF_MATCH], responses={200: TermDetailSerializer, 412: PRECONDITION_FAILED},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a term", parameters=[TERM_IF_MATCH],
        responses={200: TermDetailSerializer, 412: PRECONDITION_FAILED},
    ),
    destroy=extend_schema(
        summary="Delete a term and its relations", parameters=[TERM_IF_MATCH],
        responses={204: None, 412: PRECONDITION_FAILED},
    ),
)
class TermViewSet(TermHistoryActions, ServiceModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    pagination_class = TermPagination

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            # A search runs when the list is built, and the permission check asks for the
            # queryset too: build it once per request.
            if not hasattr(self, "_term_list"):
                self._term_list = selectors.term_list(user=user, **validated_params(TermListParams, self.request))
            return self._term_list
        if self.action in ("update", "partial_update", "destroy"):
            # A write finds the term by its row; the answer to an update reads it again with its
            # details (`_save`): a term with thousands of relations is not read twice.
            return Term.objects.visible_to(user)
        return selectors.term_detail_queryset(user=user)

    def get_serializer_class(self):
        return TermSerializer if self.action == "list" else TermDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        # Any committed write to the glossary moves the change log, and a term's page shows its
        # neighbours, so the log's position (plus who asks, in which format) is a sound validator:
        # a tag with the position of now is current whatever version it ends with (`term_etag`),
        # and the answer is a 304 without reading the term.
        prefix = _etag_prefix(request)
        current = [tag for tag in parse_etags(request.headers.get("If-None-Match", ""))
                   if tag.startswith(f'"{prefix}')]
        if current:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
            response["ETag"] = current[0]
        else:
            response = super().retrieve(request, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # Every answer that is the term (a read, a write) carries its ETag, for the next If-Match.
        term = getattr(self, "_answered_term", None)
        answered = response.status_code in (status.HTTP_200_OK, status.HTTP_201_CREATED)
        if term is not None and answered and "ETag" not in response:
            response["ETag"] = term_etag(request, services.term_version(term.updated_at))
        return super().finalize_response(request, response, *args, **kwargs)

    def get_object(self):
        term = super().get_object()
        if self.action == "retrieve":
            self._answered_term = term
        return term

    def perform_create(self, serializer):
        serializer.instance = self._save(None, dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = self._save(serializer.instance, dict(serializer.validated_data))

    def perform_destroy(self, instance):
        services.term_delete(term=instance, versions=if_match_versions(self.request))

    def _save(self, term, data):
        user = self.request.user
        if term is None:
            data.setdefault("status", TermStatus.PUBLISHED if workflow.can_review(user) else TermStatus.DRAFT)
            term = services.term_create(user=user, **data)
        else:
            term = services.term_update(term=term, user=user, versions=if_match_versions(self.request), **data)
        self._answered_term = term
        return selectors.term_reload(term=term, user=self.request.user)

    @extend_schema(
        parameters=[AutocompleteParams],
        responses=TermSuggestionSerializer(many=True),
        summary="Suggest terms by the beginning of a label in any language (at most 10)",
        description="Each suggestion is named in the reader's language (`?lang=`, else Accept-Language) "
        "where the term has a name in it; `matched` is the label the query matched.",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def autocomplete(self, request):
        params = validated_params(AutocompleteParams, request)
        suggestions = selectors.term_autocomplete(query=params.get("q", ""), user=request.user,
                                                  language=reader_language(request))
        return Response(TermSuggestionSerializer(suggestions, many=True).data)

    @extend_schema(
        parameters=[LookupParams],
        responses=TermLookupSerializer,
        summary="Find the term a name stands for (slug, concept URI, name or alias)",
        description="The rule every page uses for a typed name. A label several terms share "
        "answers with `term` null and the `candidates` it may refer to; a label nothing has, with "
        "`term` null and no candidates.",
    )
    @action(detail=False, methods=["get"], url_path="lookup", url_name="lookup", pagination_class=None)
    def lookup_label(self, request):
        params = validated_params(LookupParams, request)
        resolution = resolve_name(params["label"], user=request.user)
        return Response(TermLookupSerializer(resolution).data)


ROW_IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="The ETag of the copy this write starts from (from a GET or an earlier write): the "
    "write is refused with 412 if it was changed since. Without it, the write goes over whatever is stored.",
)
ROW_PRECONDITION_FAILED = OpenApiResponse(
    ERROR_SCHEMA, description="It changed since the copy named by If-Match; nothing was written.")


def row_versioned_schema(serializer, destroy_responses: dict | None = None) -> dict:
    """The schema of a ``row_versioned`` resource: answers carry an ETag, writes take If-Match (412)."""
    written = {"parameters": [ROW_IF_MATCH], "responses": {200: serializer, 412: ROW_PRECONDITION_FAILED}}
    return {
        "update": extend_schema(**written),
        "partial_update": extend_schema(**written),
        "destroy": extend_schema(parameters=[ROW_IF_MATCH], responses={
            204: OpenApiResponse(description="Deleted."), 412: ROW_PRECONDITION_FAILED, **(destroy_responses or {})}),
    }


STILL_USED = {
    409: OpenApiResponse(ERROR_SCHEMA, description="The type is still used by relations; nothing was deleted.")}


@extend_schema_view(list=extend_schema(parameters=[RelationListParams]), **row_versioned_schema(RelationSerializer))
class RelationViewSet(ServiceModelViewSet):
    serializer_class = RelationSerializer
    row_versioned = True
    lookup_value_regex = ID_REGEX
    service_object = "relation"
    service_functions = (services.relation_create, services.relation_update, services.relation_delete)

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return selectors.relation_list(user=user, **validated_params(RelationListParams, self.request))
        return selectors.relations_visible_to(user)

    def reload(self, obj):
        # A relation's answer is its ends and type, which the write already holds: no need to read it again.
        return obj

    # The workflow decides who may write a relation between terms in which statuses (the services
    # refuse with 403 and the reason).
    def perform_create(self, serializer):
        serializer.instance = self._answered = services.relation_create(**serializer.validated_data,
                                                                        user=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = self._answered = services.relation_update(
            relation=serializer.instance, user=self.request.user, **serializer.validated_data, **self._versions())

    def perform_destroy(self, instance):
        services.relation_delete(relation=instance, user=self.request.user, **self._versions())


class KeptListViewSet(ServiceModelViewSet):
    """CRUD whose list is served from the rows kept until the next change (`selectors.until_next_change`):
    its counts read an index range per row (70 ms for the relation types at 500,000 relations),
    and a few dozen rows are paginated as well from a list. For lists without filter parameters:
    the kept rows are the whole list."""

    def kept_rows(self) -> list:
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.kept_rows())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(**row_versioned_schema(RelationTypeSerializer, STILL_USED))
class RelationTypeViewSet(KeptListViewSet):
    serializer_class = RelationTypeSerializer
    row_versioned = True
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    service_object = "relation_type"
    service_functions = (services.relation_type_create, services.relation_type_update, services.relation_type_delete)

    def get_queryset(self):
        return selectors.relation_type_list(user=self.request.user)

    def kept_rows(self):
        return selectors.relation_types_counted(user=self.request.user)


@extend_schema_view(**row_versioned_schema(CategorySerializer))
class CategoryViewSet(KeptListViewSet):
    serializer_class = CategorySerializer
    row_versioned = True
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    service_object = "category"
    service_functions = (services.category_create, services.category_update, services.category_delete)

    def get_queryset(self):
        return selectors.category_list(user=self.request.user)

    def kept_rows(self):
        return selectors.categories_counted(user=self.request.user)


@extend_schema_view(**row_versioned_schema(ReferenceSerializer))
class ReferenceViewSet(ServiceModelViewSet):
    serializer_class = ReferenceSerializer
    row_versioned = True
    lookup_value_regex = ID_REGEX
    service_object = "reference"
    service_functions = (services.reference_create, services.reference_update, services.reference_delete)
    service_takes_user = True  # an editor changes the references of their drafts only

    def get_queryset(self):
        return selectors.reference_list(user=self.request.user)


@extend_schema(
    parameters=[ChangeListParams],
    summary="What changed: terms created, modified or deprecated, newest first",
    description="Public terms only (never drafts, whoever asks), one entry per term for its latest "
    "change, the same list as the /changes/ page and its Atom feed.",
)
class ChangeListView(generics.ListAPIView):
    serializer_class = TermChangeSerializer
    permission_classes = [AllowAny]  # read-only, and only public terms whoever asks

    def get_queryset(self):
        return selectors.term_changes(**validated_params(ChangeListParams, self.request))


LOCKED_OUT = "Too many failed sign-ins for this user from this address; try again later."


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


@extend_schema(
    request=AuthTokenSerializer,
    responses={
        200: TokenSerializer,
        429: OpenApiResponse(
            ERROR_SCHEMA,
            description="Too many attempts from this address, or too many failed sign-ins for this user "
            "from it; wait for the number of seconds in Retry-After (if given) and try again later.",
        ),
    },
    summary="Exchange a username and password for an API token",
)
@method_decorator(never_cache, name="dispatch")  # a token must never sit in a shared or browser cache
class ObtainTokenView(ObtainAuthToken):
    parser_classes = [JSONParser, FormParser]
    # Password guessing: a few tries per minute per address (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]);
    # django-axes locks the user name out from that address after repeated failures.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth-token"

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except serializers.ValidationError as exc:
            # Wrong credentials are an authentication failure (401), not malformed input (400).
            if getattr(request, "axes_locked_out", False):
                raise Throttled(detail=LOCKED_OUT) from exc
            if "authorization" in str(exc.get_codes()):
                raise AuthenticationFailed(exc.detail["non_field_errors"][0]) from exc
            raise
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
