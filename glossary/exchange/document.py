"""The exchange document: what every reader produces and the importer consumes.

Each format reader turns its file into lists of `Item`s whose ``data`` uses the field names of
our JSON format (slugs for references to other rows). An item also knows where it came from,
so an error can name the place in the reader's own terms: ``relations[12].target`` for JSON,
``relations.csv line 13, column target`` for CSV, ``<http://…/terms/rag> skos:altLabel`` for RDF.
"""

from dataclasses import dataclass, field

FORMAT_NAME = "glossary-graph"
FORMAT_VERSION = 1

SECTIONS = ("categories", "relation_types", "terms", "relations", "references")

# Field order inside each section of the JSON format; also the CSV column order.
CATEGORY_FIELDS = ("slug", "name", "description", "color")
RELATION_TYPE_FIELDS = (
    "slug", "label", "inverse_label", "description", "symmetric", "transitive", "acyclic",
    "color", "skos_mapping",
)
TERM_FIELDS = (
    "slug", "name", "short_definition", "body", "category", "status", "replaced_by",
    "created_at", "updated_at", "aliases",
)
ALIAS_FIELDS = ("name", "kind", "language")
RELATION_FIELDS = ("source", "type", "target", "note", "created_at")
REFERENCE_FIELDS = ("url", "title", "kind", "terms")


class ExchangeError(Exception):
    """The input cannot be imported; ``errors`` lists every problem with its place."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class Item:
    """One row of an exchange document with the place it came from."""

    __slots__ = ("data", "where", "style", "names", "aliases")

    def __init__(self, data, where, style="json", names=None, aliases=None):
        self.data = data
        self.where = where
        self.style = style
        self.names = names or {}
        # For a term: its aliases as Items (each with its own place), or None to leave them alone.
        self.aliases = aliases

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

    def __len__(self):
        return sum(len(getattr(self, name)) for name in SECTIONS)
