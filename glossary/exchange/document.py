"""The exchange document: what every reader produces and the importer consumes.

Each format reader turns its file into lists of `Item`s whose ``data`` uses the field names of
our JSON format (slugs for references to other rows). An item also knows where it came from,
so an error can name the place in the reader's own terms: ``relations[12].target`` for JSON,
``relations.csv line 13, column target`` for CSV, ``<http://…/terms/rag> skos:altLabel`` for RDF.
Readers also note what they had to interpret (a missing preferred label taken from rdfs:label,
a broader concept outside the file kept as a mapping…) as ``warnings``: the import goes on and
reports them.
"""

from dataclasses import dataclass, field

from glossary.models import LABEL_FIELDS, MAPPING_FIELDS, NOTE_FIELDS

FORMAT_NAME = "glossary-graph"
FORMAT_VERSION = 2
# Version 1 had `aliases` instead of labels, notes and mappings; it is still read.
READABLE_VERSIONS = (1, 2)

SECTIONS = ("categories", "relation_types", "terms", "relations", "references")

# Field order inside each section of the JSON format; also the CSV column order.
SCHEME_FIELDS = ("uri", "title", "titles", "description")
CATEGORY_FIELDS = ("slug", "name", "description", "color", "names", "parent", "uri")
RELATION_TYPE_FIELDS = (
    "slug", "label", "inverse_label", "description", "symmetric", "transitive", "acyclic",
    "color", "skos_mapping",
)
TERM_FIELDS = (
    "slug", "uri", "notation", "name", "short_definition", "body", "category", "status", "replaced_by",
    "created_at", "updated_at", "labels", "notes", "mappings",
)
# A term's nested lists, each replacing the term's rows of that kind when given.
TERM_LISTS = ("labels", "notes", "mappings")
NESTED_FIELDS = {"labels": LABEL_FIELDS, "notes": NOTE_FIELDS, "mappings": MAPPING_FIELDS}
ALIAS_FIELDS = ("name", "kind", "language")  # version 1
RELATION_FIELDS = ("source", "type", "target", "note", "created_at")
REFERENCE_FIELDS = ("url", "title", "kind", "terms")


class ExchangeError(Exception):
    """The input cannot be imported, or the glossary cannot be written in the syntax asked for;
    ``errors`` lists every problem with its place."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class Item:
    """One row of an exchange document with the place it came from.

    For a term, ``lists`` holds its labels, notes and mappings as Items (each with its own place)
    under their names; a list that is absent leaves the term's stored rows of that kind alone.
    """

    __slots__ = ("data", "where", "style", "names", "lists")

    def __init__(self, data, where, style="json", names=None, lists=None):
        self.data = data
        self.where = where
        self.style = style
        self.names = names or {}
        self.lists = lists or {}

    def at(self, field_name=None):
        """The place of this item, or of one of its fields, as a reader of the file would say it."""
        if field_name is None:
            return self.where
        shown = self.names.get(field_name, field_name)
        if self.style == "csv":
            return f"{self.where}, column {shown}"
        if self.style == "rdf":
            return f"{self.where} {shown}"
        return f"{self.where}.{shown}"


@dataclass
class Document:
    categories: list = field(default_factory=list)
    relation_types: list = field(default_factory=list)
    terms: list = field(default_factory=list)
    relations: list = field(default_factory=list)
    references: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    scheme: "Item | None" = None  # the vocabulary's own concept scheme, when the file names one

    def __len__(self):
        return sum(len(getattr(self, name)) for name in SECTIONS)


def labels_from_aliases(name, aliases, language):
    """Version-1 aliases as labels, the way the migration to labels turned them.

    The name is the preferred label in ``language``; a translation becomes the preferred label
    in its language (an alternative one if that language has one already); a misspelling a
    hidden label; abbreviations and synonyms alternative labels of that kind.
    """
    labels = [{"text": name, "language": language, "kind": "preferred", "subkind": ""}] if name else []
    preferred = {language} if name else set()
    for alias in aliases:
        kind, subkind = alias.get("kind") or "synonym", ""
        alias_language = alias.get("language") or language
        if kind == "translation" and alias_language not in preferred:
            preferred.add(alias_language)
            labels.append({"text": alias.get("name"), "language": alias_language, "kind": "preferred", "subkind": ""})
            continue
        if kind == "misspelling":
            kind, subkind = "hidden", "misspelling"
        elif kind in ("abbreviation", "synonym"):
            kind, subkind = "alternative", kind
        else:
            kind = "alternative"
        labels.append({"text": alias.get("name"), "language": alias_language, "kind": kind, "subkind": subkind})
    return labels
