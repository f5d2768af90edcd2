"""/api/releases/: list and publish releases, download them, compare two of them.

Anyone may read releases: they hold only what was public when they were made. Publishing one
takes a staff user with the permission to add releases.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from glossary import releases, selectors, services
from glossary.api.filters import validated_params
from glossary.api.serializers import StrictCharField, StrictTypeMixin
from glossary.exchange.formats import EXPORT_FORMATS
from glossary.exchange.uris import base_uri_for
from glossary.exchange.views import SUCCESS_TYPES, ExportParams, IgnoreClientNegotiation, file_response
from glossary.models import CURRENT, RELEASE_NAME_MAX_LENGTH, RELEASE_NAME_PATTERN, Release

# A release name in a URL (RELEASE_NAME_PATTERN without its anchors); "current" matches too.
NAME_REGEX = RELEASE_NAME_PATTERN.strip("^$").replace("*", f"{{0,{RELEASE_NAME_MAX_LENGTH - 1}}}")
DIFF_LIMIT = 1000
DIFF_MAX_LIMIT = 1_000_000


class ReleasePermission(BasePermission):
    """Reads are public; publishing takes a staff user allowed to add releases."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and user.has_perm("glossary.add_release"))


def downloads(request, release: Release) -> dict:
    """Format name → absolute URL of the release in that format."""
    url = request.build_absolute_uri(reverse("release-export", kwargs={"name": release.name}))
    files = {fmt: f"{url}?format={fmt}" for fmt in EXPORT_FORMATS if fmt != "skos"}
    files.update({f"skos-{rdf}": f"{url}?format=skos&skos_format={rdf}" for rdf in ("turtle", "xml", "json-ld")})
    return files


class ReleaseSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ["name", "note", "created_at", "created_by", "term_count", "relation_count", "entry_count",
                  "new_entry_count", "new_entry_bytes", "url", "page_url", "downloads"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Who published it."))
    def get_created_by(self, release):
        return release.created_by.get_username() if release.created_by else None

    @extend_schema_field(serializers.URLField(help_text="This release in the API."))
    def get_url(self, release):
        return self.context["request"].build_absolute_uri(reverse("release-detail", kwargs={"name": release.name}))

    @extend_schema_field(serializers.URLField(help_text="This release's web page."))
    def get_page_url(self, release):
        return self.context["request"].build_absolute_uri(release.get_absolute_url())

    @extend_schema_field(serializers.DictField(
        child=serializers.URLField(),
        help_text="The release in every export format: json, csv (a zip of the CSV files), graphml, "
        "skos-turtle, skos-xml, skos-json-ld.",
    ))
    def get_downloads(self, release):
        return downloads(self.context["request"], release)


class StrictRegexField(StrictTypeMixin, serializers.RegexField):
    pass


class ReleaseCreateSerializer(serializers.Serializer):
    name = StrictRegexField(
        RELEASE_NAME_PATTERN, max_length=RELEASE_NAME_MAX_LENGTH,
        error_messages={"invalid": Release._meta.get_field("name").validators[0].message},
        help_text="Unique (ignoring case); letters, digits, dots, hyphens and underscores, starting with a "
        f"letter or digit, e.g. 2026-12 or v1.2; not “{CURRENT}”.",
    )
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="",
                           help_text="What this release is, for its readers.")


class DiffParams(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1, max_value=DIFF_MAX_LIMIT, default=DIFF_LIMIT, required=False,
        help_text="At most this many items in each list (the summary counts them all).",
    )


# The diff's shape, for the schema (the view builds the same dicts directly: a large diff is
# too many items to run through serializer fields one by one).
class DiffSideSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=f"A release, or “{CURRENT}”: the public glossary now.")
    created_at = serializers.DateTimeField(allow_null=True)
    url = serializers.URLField(allow_null=True)


class CountsSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    removed = serializers.IntegerField()
    changed = serializers.IntegerField()


def _changes_serializer(name, fields):
    """A serializer of one section's changes: lists of items with ``fields`` (and ``fields`` changed)."""
    item = type(f"{name}ItemSerializer", (serializers.Serializer,), {
        **{f: serializers.CharField() for f in fields},
        "fields": serializers.ListField(child=serializers.CharField(), required=False,
                                        help_text="In `changed` only: the fields that changed."),
    })
    return type(f"{name}ChangesSerializer", (serializers.Serializer,), {
        change: item(many=True) for change in ("added", "removed", "changed")
    })


class ReleaseDiffSerializer(serializers.Serializer):
    old = DiffSideSerializer()
    new = DiffSideSerializer()
    summary = serializers.DictField(child=CountsSerializer(), help_text="How many items each section lists in all.")
    limit = serializers.IntegerField()
    truncated = serializers.BooleanField(help_text="Whether a list was cut at `limit`.")
    terms = _changes_serializer("TermDiff", ("slug", "name"))()
    relations = _changes_serializer("RelationDiff", ("source", "type", "target"))()
    relation_types = _changes_serializer("RelationTypeDiff", ("slug", "label"))()
    categories = _changes_serializer("CategoryDiff", ("slug", "name"))()
    references = _changes_serializer("ReferenceDiff", ("url", "title"))()

    def get_fields(self):
        fields = super().get_fields()
        # "from" and "to" are Python keywords: named here, after the class body.
        fields["from"], fields["to"] = fields.pop("old"), fields.pop("new")
        return fields


def diff_data(request, diff: releases.ReleaseDiff, limit: int) -> dict:
    """The diff as the API answers it: each list cut at ``limit``."""

    def side(s):
        if s.is_current:
            return {"name": CURRENT, "created_at": None, "url": None}
        url = request.build_absolute_uri(reverse("release-detail", kwargs={"name": s.release.name}))
        return {"name": s.release.name, "created_at": s.release.created_at.isoformat(), "url": url}

    data = {"from": side(diff.old), "to": side(diff.new), "summary": diff.summary(), "limit": limit, "truncated": False}
    for name, section in diff.sections.items():
        data[name] = {change: getattr(section, change)[:limit] for change in ("added", "removed", "changed")}
        if any(len(getattr(section, change)) > limit for change in ("added", "removed", "changed")):
            data["truncated"] = True
    return data


OTHER = OpenApiParameter(
    "other", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=f"^{NAME_REGEX}$",
    description=f"The release to compare with, or “{CURRENT}” for the public glossary now.",
)
NAME = OpenApiParameter(
    "name", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=f"^{NAME_REGEX}$", description="A release's name."
)


@extend_schema_view(
    list=extend_schema(summary="Releases, newest first"),
    retrieve=extend_schema(summary="A release", parameters=[NAME]),
    create=extend_schema(
        summary="Publish a release: a frozen snapshot of the public glossary (staff)",
        request=ReleaseCreateSerializer, responses={201: ReleaseSerializer},
    ),
)
class ReleaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = ReleaseSerializer
    permission_classes = [ReleasePermission]
    lookup_field = "name"
    lookup_value_regex = NAME_REGEX

    def get_queryset(self):
        return selectors.release_list()

    def get_object(self):
        return selectors.release_get(name=self.kwargs["name"])

    def create(self, request, *args, **kwargs):
        params = ReleaseCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        release = services.release_create(user=request.user, **params.validated_data)
        data = ReleaseSerializer(release, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})

    @extend_schema(
        summary="What changed between two releases, or a release and now",
        description=f"Terms, relations, relation types, categories and references added, removed and changed "
        f"(with the fields that changed) from the release in the path to `other`; either may be "
        f"“{CURRENT}”. Only what differs between the two is read.",
        parameters=[NAME, OTHER, DiffParams],
        responses=ReleaseDiffSerializer,
    )
    @action(detail=True, methods=["get"], url_path=rf"diff/(?P<other>{NAME_REGEX})", url_name="diff",
            pagination_class=None)
    def diff(self, request, name=None, other=None):
        params = validated_params(DiffParams, request)
        diff = selectors.release_diff(old=name, new=other)
        return Response(diff_data(request, diff, params.get("limit", DIFF_LIMIT)))

    @extend_schema(
        summary="Download a release in an export format",
        description="The release as the export of the glossary at that moment would have been: json (ours, "
        "re-importable), skos (Turtle, RDF/XML or JSON-LD), csv (a zip of the CSV files) or graphml.",
        parameters=[NAME, ExportParams],
        responses={(200, media_type): OpenApiResponse(schema) for media_type, schema in SUCCESS_TYPES.items()},
    )
    @action(detail=True, methods=["get"], url_path="export", url_name="export", pagination_class=None,
            renderer_classes=[JSONRenderer], content_negotiation_class=IgnoreClientNegotiation)
    def export(self, request, name=None):
        params = validated_params(ExportParams, request)
        release = self.get_object()
        snapshot = releases.release_snapshot(release)
        return file_response(snapshot, params["format"], params["skos_format"], base=base_uri_for(request),
                             stem=f"glossary-{release.name}")
