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

from glossary.exchange.uris import base_uri_for
from glossary.language import localize, reader_language
from glossary.markup import render_markdown
from glossary.models import (
    CATEGORY_NAME_MAX_LENGTH, Category, Label, Mapping, Note, Reference, Relation, RelationType, Term, language_tag,
    validate_category_names, validate_text,
)
from glossary.selectors import TermChange


def term_name_language(term) -> str:
    """The language of the label a term is shown by (the prefetched labels, no query)."""
    for label in term.labels.all():
        if label.kind == "preferred" and label.text == term.name:
            return label.language
    return ""


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

    def to_internal_value(self, data):
        # DRF drops the keys it does not know, so a misspelt field ("colour") would be a 2xx that
        # changed nothing. The representation's read-only fields may come back (a PUT of a GET).
        if isinstance(data, dict):  # a QueryDict too
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                writable = ", ".join(name for name, field in self.fields.items() if not field.read_only)
                raise serializers.ValidationError(
                    {key: [f"No such field here; the fields are: {writable}."] for key in unknown}, code="unknown_field"
                )
        return super().to_internal_value(data)


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


class LabelSerializer(StrictModelSerializer):
    class Meta:
        model = Label
        fields = ["text", "language", "kind", "subkind"]
        # The rules between labels (one preferred per language, …) are checked by the service.
        validators = []


class NoteSerializer(StrictModelSerializer):
    class Meta:
        model = Note
        fields = ["kind", "language", "text"]


class MappingSerializer(StrictModelSerializer):
    class Meta:
        model = Mapping
        fields = ["kind", "uri", "label"]
        validators = []


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


class InLanguageSerializer(serializers.Serializer):
    language = serializers.CharField(help_text="The language asked for.")
    name = serializers.CharField()
    name_language = serializers.CharField(help_text="The language `name` is in (another one when there is no label in the one asked for).")
    definition = serializers.CharField()
    definition_language = serializers.CharField()


class TermSerializer(StrictModelSerializer):
    """A term as listed: identity, status, category, labels and the one-line definition."""

    url = PageUrlField()
    name_language = serializers.CharField(
        required=False, max_length=16, validators=[language_tag],
        help_text="The language of `name`. On write, `name` sets the preferred label in this language "
        "(default: the glossary's).",
    )
    concept_uri = serializers.SerializerMethodField(
        help_text="The URI exports give the concept: `uri`, or one minted from the glossary's base URI."
    )
    in_language = serializers.SerializerMethodField(
        help_text="The term's name and definition in the reader's language (`?lang=`, else Accept-Language), "
        "falling back to the glossary's language; `*_language` says which one each is in."
    )
    category = StrictSlugRelatedField(
        queryset=Category.objects.all(), allow_null=True, required=False,
        help_text="Slug of the term's category.",
    )
    replaced_by = VisibleTermField(
        allow_null=True, required=False, help_text="For a deprecated term: slug of the term to use instead."
    )
    labels = LabelSerializer(
        many=True, required=False,
        help_text="All of the term's labels in every language, the name's included; on write, "
        "the list replaces them.",
    )
    comment = StrictCharField(
        write_only=True, required=False, allow_blank=True, max_length=2000, validators=[validate_text],
        help_text="Why the status changes: required to request changes (the author reads it in "
        "`review_comment`); kept in the term's history as the reason of the change.",
    )

    class Meta:
        model = Term
        fields = [
            "slug", "name", "name_language", "url", "uri", "concept_uri", "notation", "status", "category",
            "replaced_by", "short_definition", "labels", "in_language", "created_at", "updated_at", "comment",
        ]
        extra_kwargs = {
            "status": {
                "help_text": "The review workflow's status. Changing it is a transition checked against your "
                "role: editors submit drafts for review (`in_review`) or withdraw them (`draft`); reviewers "
                "publish, request changes (`changes_requested`, with a `comment`) and deprecate. A new term "
                "without a status is published when you may review, a draft otherwise.",
            },
            "slug": {"required": False, "help_text": "Made from the name when left out."},
            "name": {"required": False, "help_text": "The preferred label (in `name_language`)."},
            "uri": {"allow_null": True, "help_text": "The concept's own URI, kept from imports; null: minted."},
        }

    def to_representation(self, term):
        data = super().to_representation(term)
        data["name_language"] = term_name_language(term)
        return data

    @extend_schema_field(InLanguageSerializer)
    def get_in_language(self, term) -> dict:
        language = reader_language(self.context.get("request"))
        if not hasattr(term, "reader_definitions"):
            term.reader_definitions = [note for note in term.notes.all() if note.kind == "definition"]
        shown = localize(term, language)
        return {
            "language": language, "name": shown.name, "name_language": shown.name_language,
            "definition": shown.definition, "definition_language": shown.definition_language,
        }

    def get_concept_uri(self, term) -> str:
        return term.concept_uri(base_uri_for(self.context.get("request")))

    def validate(self, attrs):
        if self.instance is None and not attrs.get("name") and not any(
            label.get("kind") == "preferred" for label in attrs.get("labels", [])
        ):
            raise serializers.ValidationError({"name": ["A term needs a name (or a preferred label in labels)."]})
        return attrs


class TermDetailSerializer(TermSerializer):
    """A term with its definition, its relations in both directions and its references."""

    body_html = serializers.SerializerMethodField(help_text="The body rendered from Markdown and sanitised.")
    notes = NoteSerializer(
        many=True, required=False,
        help_text="Definitions in other languages, scope notes, examples, history…; on write, the list replaces them.",
    )
    mappings = MappingSerializer(
        many=True, required=False,
        help_text="Links to concepts of other vocabularies; on write, the list replaces them.",
    )
    relations_out = OutgoingRelationSerializer(many=True, read_only=True)
    relations_in = IncomingRelationSerializer(many=True, read_only=True)
    references = TermReferenceSerializer(many=True, read_only=True)

    class Meta(TermSerializer.Meta):
        fields = TermSerializer.Meta.fields + [
            "body", "body_html", "notes", "mappings", "relations_out", "relations_in", "references", "review_comment",
        ]

    def get_body_html(self, term) -> str:
        # The reader decides which [[wiki links]] resolve: a link to a draft is for staff only.
        request = self.context.get("request")
        return render_markdown(term.body, user=request.user if request is not None else None)


class TermSuggestionSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    matched = serializers.CharField(help_text="The label (in any language) that matched the query.")


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
    parent = StrictSlugRelatedField(
        queryset=Category.objects.all(), allow_null=True, required=False,
        help_text="The slug of the category this one is a group of (a domain holding microthesauri), or null.",
    )
    names = serializers.DictField(
        child=StrictCharField(max_length=CATEGORY_NAME_MAX_LENGTH), required=False,
        validators=[validate_category_names],
        help_text='The name in other languages, by language tag: {"fr": "Apprentissage"}. Not the glossary\'s '
                  "own language, where `name` is the name. Pages show readers of those languages this name.",
    )
    term_count = serializers.IntegerField(read_only=True, help_text="Terms in this category you may see.")
    collection_uri = serializers.SerializerMethodField(
        help_text="The URI exports give the group: `uri`, or one minted from the glossary's base URI."
    )

    class Meta:
        model = Category
        fields = ["slug", "name", "names", "url", "uri", "collection_uri", "description", "color", "parent",
                  "term_count"]
        extra_kwargs = {
            "slug": {"required": False, "help_text": "Made from the name when left out."},
            "uri": {"allow_null": True, "help_text": "The group's own URI (a skos:Collection's), kept from imports; "
                                                     "null: minted."},
        }

    def get_collection_uri(self, category) -> str:
        return category.collection_uri(base_uri_for(self.context.get("request")))


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


class TermChangeSerializer(serializers.Serializer):
    """A term's latest change, as /changes/ lists it (from `selectors.term_changes`)."""

    term = serializers.CharField(source="slug", read_only=True, help_text="The term's slug.")
    name = serializers.SerializerMethodField(help_text="The term's name in the reader's language (`?lang=`, "
                                             "else Accept-Language), else in the glossary's.")
    name_language = serializers.SerializerMethodField(help_text="The language `name` is in.")
    uri = serializers.SerializerMethodField(help_text="The concept's URI (its own, or minted from the glossary's base URI).")
    change = serializers.ChoiceField(
        choices=TermChange.choices, read_only=True,
        help_text="`deprecated` for a deprecated term; `modified` when it was saved again more than ten "
        "minutes after its creation; else `created`.",
    )
    at = serializers.DateTimeField(source="updated_at", read_only=True, help_text="When the change happened (the term's last save).")
    category = serializers.CharField(source="category.slug", read_only=True, allow_null=True,
                                     help_text="Slug of the term's category.")
    url = PageUrlField(help_text="The term's page.")
    replaced_by = serializers.SerializerMethodField(help_text="For a deprecated term: slug of the term to use instead.")

    def get_name(self, term) -> str:
        return self._shown(term).name

    def get_name_language(self, term) -> str:
        return self._shown(term).name_language

    def get_uri(self, term) -> str:
        return term.concept_uri(base_uri_for(self.context.get("request")))

    def get_replaced_by(self, term) -> str | None:
        # Prefetched among public terms: a draft replacement reads as None.
        replacement = term.replaced_by if term.change == TermChange.DEPRECATED else None
        return replacement.slug if replacement is not None else None

    def _shown(self, term):
        if not hasattr(term, "shown"):
            term.shown = localize(term, reader_language(self.context.get("request")))
        return term.shown
