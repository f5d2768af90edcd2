"""The API's JSON shapes. Serializers check shape and resolve slugs; the views hand the result to
the services, which enforce the model rules (DRF never calls ``Model.clean``).

Every reference to another object is by slug (terms, categories, relation types) or by id
(relations, references), the same on the way in and out, so a GET response edited and PUT back works.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from django.db import models
from django.urls import reverse
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from glossary.markup import render_markdown
from glossary.models import Alias, Category, Reference, Relation, RelationType, Term


def absolute_url(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class StrictTypeMixin:
    """Refuse JSON values of the wrong type instead of coercing them.

    DRF turns ``0`` into ``"0"`` for a string field and ``1`` or ``"yes"`` into ``True`` for a
    boolean; the schema promises a string or a boolean, so anything else is a 400.
    """

    expected_type: type = str

    def to_internal_value(self, data):
        if not isinstance(data, self.expected_type):
            raise serializers.ValidationError(
                f"Expected a {'boolean' if self.expected_type is bool else 'string'}, "
                f"got {type(data).__name__}.",
                code="invalid_type",
            )
        return super().to_internal_value(data)


class StrictCharField(StrictTypeMixin, serializers.CharField):
    pass


class StrictSlugField(StrictTypeMixin, serializers.SlugField):
    pass


class StrictURLField(StrictTypeMixin, serializers.URLField):
    pass


class StrictBooleanField(StrictTypeMixin, serializers.BooleanField):
    expected_type = bool


class StrictModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
        models.BooleanField: StrictBooleanField,
    }


class StrictManyRelatedField(serializers.ManyRelatedField):
    def to_internal_value(self, data):
        # DRF accepts any iterable, so a JSON object would be read as the list of its keys.
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictSlugRelatedField(StrictTypeMixin, serializers.SlugRelatedField):
    """An object given by its slug (a non-empty string; ``null`` where the field allows it)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS}
        return StrictManyRelatedField(child_relation=cls(*args, **kwargs), **list_kwargs)

    def run_validation(self, data=serializers.empty):
        # DRF reads "" as null for relations; the schema says a slug or null, so "" is refused.
        if data == "":
            raise serializers.ValidationError("Give a slug" + (", or null for none." if self.allow_null else "."), code="blank")
        return super().run_validation(data)


class VisibleTermField(StrictSlugRelatedField):
    """A term given by slug, among the terms the requesting user may see (drafts: staff only)."""

    def get_queryset(self):
        request = self.context.get("request")
        return Term.objects.visible_to(request.user if request is not None else None)


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.ReadOnlyField):
    """The absolute URL of the object's public web page."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, value):
        return absolute_url(self.context, value.get_absolute_url())


class AliasSerializer(StrictModelSerializer):
    class Meta:
        model = Alias
        fields = ["name", "kind", "language"]


class TermLinkSerializer(StrictModelSerializer):
    """The other end of a relation: enough to show and follow it."""

    url = PageUrlField()

    class Meta:
        model = Term
        fields = ["slug", "name", "status", "url"]


class OutgoingRelationSerializer(StrictModelSerializer):
    """A relation read from its source: “<this term> <label> <term>”."""

    type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    label = serializers.CharField(source="type.label", read_only=True)
    term = TermLinkSerializer(source="target", read_only=True)

    class Meta:
        model = Relation
        fields = ["id", "type", "label", "term", "note"]


class IncomingRelationSerializer(OutgoingRelationSerializer):
    """A relation read from its target, under the type's inverse label: “<this term> <inverse label> <term>”."""

    label = serializers.CharField(source="type.inverse_label", read_only=True)
    term = TermLinkSerializer(source="source", read_only=True)


class TermReferenceSerializer(StrictModelSerializer):
    class Meta:
        model = Reference
        fields = ["id", "title", "url", "kind"]


class TermSerializer(StrictModelSerializer):
    """A term as listed: identity, status, category, aliases and the one-line definition."""

    url = PageUrlField()
    category = StrictSlugRelatedField(
        queryset=Category.objects.all(), allow_null=True, required=False,
        help_text="Slug of the term's category.",
    )
    replaced_by = VisibleTermField(
        allow_null=True, required=False, help_text="For a deprecated term: slug of the term to use instead."
    )
    aliases = AliasSerializer(
        many=True, required=False,
        help_text="All of the term's aliases; on write, the list replaces the current aliases.",
    )

    class Meta:
        model = Term
        fields = [
            "slug", "name", "url", "status", "category", "replaced_by", "short_definition",
            "aliases", "created_at", "updated_at",
        ]
        extra_kwargs = {
            "slug": {"required": False, "help_text": "Made from the name when left out."},
        }


class TermDetailSerializer(TermSerializer):
    """A term with its definition, its relations in both directions and its references."""

    body_html = serializers.SerializerMethodField(help_text="The body rendered from Markdown and sanitised.")
    relations_out = OutgoingRelationSerializer(many=True, read_only=True)
    relations_in = IncomingRelationSerializer(many=True, read_only=True)
    references = TermReferenceSerializer(many=True, read_only=True)

    class Meta(TermSerializer.Meta):
        fields = TermSerializer.Meta.fields + [
            "body", "body_html", "relations_out", "relations_in", "references",
        ]

    def get_body_html(self, term) -> str:
        # The reader decides which [[wiki links]] resolve: a link to a draft is for staff only.
        request = self.context.get("request")
        return render_markdown(term.body, user=request.user if request is not None else None)


class TermSuggestionSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    matched = serializers.CharField(help_text="The name or alias that matched the query.")


class TermRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The term page.")

    def get_url(self, ref) -> str:
        return reverse("glossary:term-detail", kwargs={"slug": ref.slug})


class TermLookupSerializer(serializers.Serializer):
    """What `glossary.resolver` made of a typed label."""

    text = serializers.CharField(help_text="The label as compared: spaces collapsed, case folded.")
    term = TermRefSerializer(allow_null=True, help_text="The term it names; null when several share it.")
    matched = serializers.CharField(allow_blank=True, help_text="The alias that matched, when not the term's name or slug.")
    candidates = TermRefSerializer(many=True, help_text="The terms a shared label may refer to.")


class CategorySerializer(StrictModelSerializer):
    url = PageUrlField()
    term_count = serializers.IntegerField(read_only=True, help_text="Terms in this category you may see.")

    class Meta:
        model = Category
        fields = ["slug", "name", "url", "description", "color", "term_count"]
        extra_kwargs = {"slug": {"required": False, "help_text": "Made from the name when left out."}}


class RelationTypeSerializer(StrictModelSerializer):
    relation_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = RelationType
        fields = [
            "slug", "label", "inverse_label", "description", "symmetric", "transitive", "acyclic",
            "color", "skos_mapping", "relation_count",
        ]
        extra_kwargs = {
            "slug": {"required": False, "help_text": "Made from the label when left out."},
            "inverse_label": {
                "help_text": "Read from target to source, e.g. “has subtype”; for a symmetric type, equal to the label.",
            },
        }


class RelationSerializer(StrictModelSerializer):
    """A typed, directed link between two terms, given by slugs."""

    source = VisibleTermField(help_text="Slug of the source term.")
    type = StrictSlugRelatedField(queryset=RelationType.objects.all(), help_text="Slug of the relation type.")
    target = VisibleTermField(help_text="Slug of the target term.")
    label = serializers.CharField(source="type.label", read_only=True)
    source_name = serializers.CharField(source="source.name", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)

    class Meta:
        model = Relation
        fields = ["id", "source", "type", "target", "note", "label", "source_name", "target_name", "created_at"]
        # The model's rules (duplicates, symmetric pairs, cycles) are checked by the service.
        validators = []


class ReferenceSerializer(StrictModelSerializer):
    terms = VisibleTermField(many=True, required=False, help_text="Slugs of the terms this reference is about.")

    class Meta:
        model = Reference
        fields = ["id", "title", "url", "kind", "terms"]
