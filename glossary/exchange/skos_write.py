"""Write a snapshot as SKOS through rdflib (Turtle, RDF/XML or JSON-LD).

Concepts keep their own URIs; those without one get ``<base>terms/<slug>``. Labels, definitions
and notes carry their language tags; ``notation``, ``owl:deprecated``, ``dct:isReplacedBy`` and
the ``skos:*Match`` mappings are written as SKOS says. Relation types mapped to ``broader``
become skos:broader (with skos:narrower the other way), those mapped to ``related``
skos:related (once per pair: it is symmetric), every other type its own property
``<base>relation-types/<slug>``, declared ``rdfs:subPropertyOf skos:semanticRelation`` with its
labels and flags. Categories are ``skos:Collection``s, references ``dct:source`` (texts) or
``rdfs:seeAlso`` (media, sites). What SKOS has no word for (a term's status, a label's subkind,
colours) is said in our own ``<base>vocab#`` vocabulary, which our reader understands.
"""

import re
from urllib.parse import quote

from django.conf import settings
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, NamespaceManager

from glossary.models import UNWRITABLE_IN_IRI

RDF_FORMATS = {
    # our name: (rdflib format, media type, file extension)
    "turtle": ("turtle", "text/turtle", "ttl"),
    "xml": ("xml", "application/rdf+xml", "rdf"),
    "json-ld": ("json-ld", "application/ld+json", "jsonld"),
}
SOURCE_KINDS = {"article", "book", "paper", "benchmark"}  # texts a definition can cite; the rest are seeAlso
LABEL_PREDICATES = {"preferred": SKOS.prefLabel, "alternative": SKOS.altLabel, "hidden": SKOS.hiddenLabel}
NOTE_PREDICATES = {
    "definition": SKOS.definition, "scope_note": SKOS.scopeNote, "example": SKOS.example, "note": SKOS.note,
    "history_note": SKOS.historyNote, "editorial_note": SKOS.editorialNote, "change_note": SKOS.changeNote,
}
MAPPING_PREDICATES = {
    "exact": SKOS.exactMatch, "close": SKOS.closeMatch, "broad": SKOS.broadMatch,
    "narrow": SKOS.narrowMatch, "related": SKOS.relatedMatch,
}


# The title a scheme without one of its own is exported with (and not read back as its title).
DEFAULT_SCHEME_TITLE = "Glossary Graph"


def vocab(base):
    """Our own vocabulary, for what SKOS has no word for."""
    return Namespace(base + "vocab#")


def writable_iri(url: str) -> URIRef:
    """``url`` with the characters RDF syntaxes cannot hold percent-encoded.

    Stored URLs are validated against them today, but rows from before that rule must not make
    an export fail.
    """
    if UNWRITABLE_IN_IRI.search(url):
        url = UNWRITABLE_IN_IRI.sub(lambda m: quote(m.group(0), safe=""), url)
    return URIRef(url)


def _primary(types, mapping, preferred):
    slugs = sorted(t["slug"] for t in types if t["skos_mapping"] == mapping)
    return preferred if preferred in slugs else (slugs[0] if slugs else None)


def _stamp(value):
    return Literal(value, datatype=XSD.dateTime) if value else None


def _literal(text, language):
    return Literal(text, lang=language or None)


def snapshot_to_graph(snapshot: dict, base: str, g=None) -> Graph:
    """The snapshot as an rdflib Graph holding one skos:ConceptScheme; ``base`` mints missing URIs.

    ``g`` receives the triples instead: anything with a Graph's ``add`` and ``bind`` (`Statements`).
    """
    lang = settings.GLOSSARY_LANGUAGE
    GG = vocab(base)
    TERM, TYPE, CATEGORY = Namespace(base + "terms/"), Namespace(base + "relation-types/"), Namespace(base + "categories/")
    g = Graph() if g is None else g
    for prefix, namespace in (("skos", SKOS), ("dct", DCTERMS), ("owl", OWL), ("gg", GG), ("term", TERM),
                              ("rel", TYPE), ("cat", CATEGORY)):
        g.bind(prefix, namespace)
    # The glossary's own scheme (`Scheme`): the vocabulary it was imported as, or one minted here.
    own = snapshot.get("scheme") or {}
    scheme = writable_iri(own["uri"]) if own.get("uri") else URIRef(base)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, Literal(own.get("title") or DEFAULT_SCHEME_TITLE, lang=lang)))
    if own.get("title"):
        g.add((scheme, SKOS.prefLabel, Literal(own["title"], lang=lang)))
    for tag, title in own.get("titles", {}).items():
        g.add((scheme, SKOS.prefLabel, Literal(title, lang=tag)))
        g.add((scheme, DCTERMS.title, Literal(title, lang=tag)))
    if own.get("description"):
        g.add((scheme, DCTERMS.description, Literal(own["description"], lang=lang)))

    types = snapshot["relation_types"]
    broader = _primary(types, "broader", "is-a")
    related = _primary(types, "related", "related-to")
    mapping = {}
    for t in types:
        prop = TYPE[t["slug"]]
        mapping[t["slug"]] = t["skos_mapping"]
        parent = {"broader": SKOS.broader, "related": SKOS.related}.get(t["skos_mapping"], SKOS.semanticRelation)
        g.add((prop, RDF.type, OWL.ObjectProperty))
        g.add((prop, RDFS.subPropertyOf, parent))
        g.add((prop, RDFS.label, Literal(t["label"], lang=lang)))
        g.add((prop, GG.inverseLabel, Literal(t["inverse_label"], lang=lang)))
        if t["description"]:
            g.add((prop, RDFS.comment, Literal(t["description"], lang=lang)))
        for flag, owl_class in (("symmetric", OWL.SymmetricProperty), ("transitive", OWL.TransitiveProperty)):
            if t[flag]:
                g.add((prop, RDF.type, owl_class))
        g.add((prop, GG.acyclic, Literal(t["acyclic"])))
        g.add((prop, GG.color, Literal(t["color"])))

    # A group keeps the URI it came with (a thesaurus's collection); the others get one minted.
    collection_of = {c["slug"]: writable_iri(c["uri"]) if c.get("uri") else CATEGORY[c["slug"]]
                     for c in snapshot["categories"]}
    for c in snapshot["categories"]:
        collection = collection_of[c["slug"]]
        g.add((collection, RDF.type, SKOS.Collection))
        g.add((collection, SKOS.prefLabel, Literal(c["name"], lang=lang)))
        for tag, name in c.get("names", {}).items():
            g.add((collection, SKOS.prefLabel, Literal(name, lang=tag)))
        if c["description"]:
            g.add((collection, SKOS.definition, Literal(c["description"], lang=lang)))
        g.add((collection, GG.color, Literal(c["color"])))
        if c.get("parent"):
            g.add((collection_of[c["parent"]], SKOS.member, collection))

    uri_of = {term["slug"]: writable_iri(term["uri"]) if term["uri"] else TERM[term["slug"]] for term in snapshot["terms"]}
    has_broader = {r["source"] for r in snapshot["relations"] if mapping.get(r["type"]) == "broader"}
    for term in snapshot["terms"]:
        concept = uri_of[term["slug"]]
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.inScheme, scheme))
        if term["slug"] not in has_broader:
            g.add((concept, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, concept))
        _write_term(g, GG, concept, term, lang, uri_of)
        if term["category"]:
            g.add((collection_of[term["category"]], SKOS.member, concept))

    for r in snapshot["relations"]:
        s, t = uri_of[r["source"]], uri_of[r["target"]]
        kind = mapping.get(r["type"])
        if kind == "broader":
            g.add((s, SKOS.broader, t))
            g.add((t, SKOS.narrower, s))
        elif kind == "related":
            g.add((s, SKOS.related, t))
        # The primary types are fully said by SKOS; others also need their own property.
        if r["type"] not in (broader, related):
            g.add((s, TYPE[r["type"]], t))

    for ref in snapshot["references"]:
        url = writable_iri(ref["url"])
        g.add((url, DCTERMS.title, Literal(ref["title"])))
        g.add((url, GG.kind, Literal(ref["kind"])))
        predicate = DCTERMS.source if ref["kind"] in SOURCE_KINDS else RDFS.seeAlso
        for slug in ref["terms"]:
            g.add((uri_of[slug], predicate, url))
    return g


def _write_term(g, GG, concept, term, lang, uri_of):
    """A concept's own triples: labels, notation, definitions and notes, mappings, status, dates."""
    for label in term["labels"]:
        g.add((concept, LABEL_PREDICATES[label["kind"]], _literal(label["text"], label["language"])))
        if label["subkind"]:
            # SKOS has no kinds of altLabel; say it in our vocabulary so a re-import keeps it.
            g.add((concept, GG[label["subkind"]], _literal(label["text"], label["language"])))
    if term["notation"]:
        g.add((concept, SKOS.notation, Literal(term["notation"])))
    definitions = [note for note in term["notes"] if note["kind"] == "definition" and note["language"] == lang]
    if term["short_definition"] and not definitions:
        g.add((concept, SKOS.definition, Literal(term["short_definition"], lang=lang)))
    elif term["short_definition"]:
        # The full definition is said above; the short one is its summary.
        g.add((concept, GG.shortDefinition, Literal(term["short_definition"], lang=lang)))
    if term["body"]:
        g.add((concept, SKOS.note, Literal(term["body"], lang=lang)))
    for note in term["notes"]:
        g.add((concept, NOTE_PREDICATES[note["kind"]], _literal(note["text"], note["language"])))
    for link in term["mappings"]:
        target = writable_iri(link["uri"])
        g.add((concept, MAPPING_PREDICATES[link["kind"]], target))
        if link["label"]:
            g.add((target, RDFS.label, Literal(link["label"])))
    g.add((concept, GG.status, Literal(term["status"])))
    if term["status"] == "deprecated":
        g.add((concept, OWL.deprecated, Literal(True)))
    if term["replaced_by"]:
        g.add((concept, DCTERMS.isReplacedBy, uri_of[term["replaced_by"]]))
    for name, predicate in (("created_at", DCTERMS.created), ("updated_at", DCTERMS.modified)):
        if term[name]:
            g.add((concept, predicate, _stamp(term[name])))


def iter_skos(snapshot: dict, rdf_format: str = "turtle", *, base: str):
    """The SKOS serialisation in chunks: Turtle written as it goes (`Statements`), the other
    syntaxes by rdflib in one chunk (it serialises whole graphs)."""
    if rdf_format == "turtle":
        yield from snapshot_to_graph(snapshot, base, Statements()).turtle()
        return
    yield snapshot_to_graph(snapshot, base).serialize(format=RDF_FORMATS[rdf_format][0])


# The local names a prefixed name is written with here: a slug or one of our vocabulary's words.
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
STATEMENTS_PER_CHUNK = 2000


class Statements:
    """The triples of an export, by subject in the order they first appear, written as Turtle.

    rdflib's Turtle serializer works out a prefixed name for every node of every triple and orders
    the whole graph first: with building the graph, 97.7 s at 100,000 terms and 500,000 relations,
    past the web server's 60 s limit (17.6 s here). Here each subject's triples are grouped as they
    are added (no duplicates, as in a Graph), and each node is written by rdflib (`Literal.n3`,
    `URIRef.n3`): a name in one of the bound namespaces as ``prefix:slug``, any other as ``<…>``.
    """

    def __init__(self):
        self.subjects: dict = {}
        self.prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD)}
        self.names = NamespaceManager(Graph(bind_namespaces="none"), bind_namespaces="none")
        self.names.bind("xsd", XSD)
        self.written: dict = {}

    def bind(self, prefix, namespace):
        self.prefixes[prefix] = str(namespace)

    def add(self, triple):
        subject, predicate, obj = triple
        self.subjects.setdefault(subject, {}).setdefault(predicate, {})[obj] = None

    def node(self, node) -> str:
        if isinstance(node, Literal):
            return node.n3(self.names)
        written = self.written.get(node)
        if written is None:  # a URI is written once, however often it appears (a predicate, a hub)
            written = self.written[node] = self._uri(node)
        return written

    def _uri(self, uri) -> str:
        text = str(uri)
        for prefix, namespace in self.by_length:
            if text.startswith(namespace) and _LOCAL_NAME.fullmatch(text[len(namespace):]):
                return f"{prefix}:{text[len(namespace):]}"
        return uri.n3()

    def turtle(self):
        # The longest namespace first: ``…/vocab#`` before the base it extends.
        self.by_length = sorted(self.prefixes.items(), key=lambda item: -len(item[1]))
        yield "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(self.prefixes.items()))
        chunk = []
        for subject, predicates in self.subjects.items():
            lines = []
            for predicate, objects in predicates.items():
                verb = "a" if predicate == RDF.type else self.node(predicate)
                written = [self.node(obj) for obj in objects]
                # Many objects (a scheme's top concepts, a hub's narrower ones): one a line.
                joiner = ", " if len(written) <= 3 else ",\n        "
                lines.append(f"    {verb} {joiner.join(written)}")
            chunk.append(f"\n{self.node(subject)}\n" + " ;\n".join(lines) + " .\n")
            if len(chunk) >= STATEMENTS_PER_CHUNK:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk)
