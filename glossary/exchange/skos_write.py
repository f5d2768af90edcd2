"""Write a snapshot as SKOS (Turtle, RDF/XML or JSON-LD), its nodes and literals through rdflib.

Concepts keep their own URIs; those without one get ``<base>terms/<slug>``. Labels, definitions
and notes carry their language tags; ``notation``, ``owl:deprecated``, ``dct:isReplacedBy`` and
the ``skos:*Match`` mappings are written as SKOS says. Relation types mapped to ``broader``
become skos:broader (with skos:narrower the other way), those mapped to ``related``
skos:related (both ways, as it is symmetric), every other type its own property
``<base>relation-types/<slug>``, declared ``rdfs:subPropertyOf skos:semanticRelation`` with its
labels and flags. Categories are ``skos:Collection``s, references ``dct:source`` (texts) or
``rdfs:seeAlso`` (media, sites). What SKOS has no word for (a term's status, a label's subkind,
colours) is said in our own ``<base>vocab#`` vocabulary, which our reader understands.
"""

import json
import re
from functools import partial
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, NamespaceManager

from glossary.exchange.document import ExchangeError
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
            # Symmetric, and said both ways as broader and narrower are: tools read what is written.
            g.add((s, SKOS.related, t))
            g.add((t, SKOS.related, s))
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
    """The SKOS serialisation in chunks, written as it goes (`Statements`).

    Raises `ExchangeError` before the first chunk when the glossary cannot be said in that syntax.
    """
    return snapshot_to_graph(snapshot, base, Statements()).write(rdf_format)


# The local names a prefixed name is written with here: a slug or one of our vocabulary's words.
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
# An XML element's local name (an NCName, in ASCII) must not start with a digit or a hyphen.
_XML_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_XML_NAME_AT_END = re.compile(_XML_LOCAL_NAME.pattern + "$")
# What XML 1.0 cannot hold, even as a character reference: C0 controls but tab and newlines.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_TEXT = {"\r": "&#13;"}  # a raw carriage return would be read back as a newline
STATEMENTS_PER_CHUNK = 2000


class Statements:
    """The triples of an export, by subject in the order they first appear, written as Turtle,
    RDF/XML or JSON-LD.

    rdflib's serializers order and write a whole graph at once (the Turtle one works out a prefixed
    name for every node of every triple first): with building the graph, at 100,000 terms and
    500,000 relations, 55.6 s for RDF/XML, 92.4 s for JSON-LD and 97.0 s for Turtle, near or past
    the web server's 60 s limit; 15.2, 21.1 and 21.3 s here. Here each subject's triples are
    grouped as they are added (no duplicates, as in a Graph), each node and literal is written by
    rdflib (`Literal.n3`, `URIRef.n3`) or the standard library (`quoteattr`, `json`), and the text
    goes out in chunks.
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

    def write(self, rdf_format: str):
        """The statements in ``rdf_format`` (a key of `RDF_FORMATS`), as an iterator of text.

        What the syntax cannot hold is refused here, before any text: a download must not stop
        halfway.
        """
        # The longest namespace first: ``…/vocab#`` before the base it extends.
        self.by_length = sorted(self.prefixes.items(), key=lambda item: -len(item[1]))
        self.written = {}  # each URI's name as this syntax writes it
        if rdf_format == "turtle":
            return self._chunks(self._turtle_prefixes(), self._turtle, "")
        if rdf_format == "json-ld":
            return self._chunks(self._json_context(), self._json_node, "\n]}\n", separator=",\n")
        if rdf_format == "xml":
            elements, prefixes = self._xml_elements()
            self._check_xml_text()
            return self._chunks(self._xml_head(prefixes), partial(self._xml_description, elements), "</rdf:RDF>\n")
        raise ValueError(f"{rdf_format} is not an RDF syntax we write")

    def _chunks(self, head, render, tail, separator=""):
        chunk = [head]
        for index, (subject, predicates) in enumerate(self.subjects.items()):
            chunk.append((separator if index else "") + render(subject, predicates))
            if len(chunk) >= STATEMENTS_PER_CHUNK:
                yield "".join(chunk)
                chunk = []
        chunk.append(tail)
        yield "".join(chunk)

    def _prefixed(self, text: str, local_name=_LOCAL_NAME):
        """``prefix:name`` for a URI in one of the bound namespaces, else None."""
        for prefix, namespace in self.by_length:
            if text.startswith(namespace) and local_name.fullmatch(text[len(namespace):]):
                return f"{prefix}:{text[len(namespace):]}"
        return None

    # Turtle

    def _turtle_prefixes(self):
        return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(self.prefixes.items()))

    def node(self, node) -> str:
        if isinstance(node, Literal):
            return node.n3(self.names)
        written = self.written.get(node)
        if written is None:  # a URI is written once, however often it appears (a predicate, a hub)
            written = self.written[node] = self._prefixed(str(node)) or node.n3()
        return written

    def _turtle(self, subject, predicates):
        lines = []
        for predicate, objects in predicates.items():
            verb = "a" if predicate == RDF.type else self.node(predicate)
            written = [self.node(obj) for obj in objects]
            # Many objects (a scheme's top concepts, a hub's narrower ones): one a line.
            joiner = ", " if len(written) <= 3 else ",\n        "
            lines.append(f"    {verb} {joiner.join(written)}")
        return f"\n{self.node(subject)}\n" + " ;\n".join(lines) + " .\n"

    # JSON-LD: a node object per subject in an @graph; properties and classes as prefixed names.

    def _json_context(self):
        return '{"@context": ' + json.dumps(dict(sorted(self.prefixes.items()))) + ',\n"@graph": [\n'

    def _json_name(self, uri) -> str:
        written = self.written.get(uri)
        if written is None:
            written = self.written[uri] = self._prefixed(str(uri)) or str(uri)
        return written

    def _json_value(self, obj):
        if isinstance(obj, Literal):
            if obj.language:
                return {"@value": str(obj), "@language": obj.language}
            if obj.datatype:
                return {"@value": str(obj), "@type": self._json_name(obj.datatype)}
            return {"@value": str(obj)}
        return {"@id": str(obj)}

    def _json_node(self, subject, predicates):
        node = {"@id": str(subject)}
        for predicate, objects in predicates.items():
            if predicate == RDF.type and not any(isinstance(obj, Literal) for obj in objects):
                node["@type"] = [self._json_name(obj) for obj in objects]
            else:
                node[self._json_name(predicate)] = [self._json_value(obj) for obj in objects]
        return json.dumps(node, ensure_ascii=False)

    # RDF/XML: an rdf:Description per subject; a property is an element, so it needs an XML name.

    def _xml_elements(self):
        """(element name of each property, the namespaces they need by prefix).

        A property outside the bound namespaces, or whose name there is no XML name (a relation
        type ``3d-printing``), gets a namespace of its own: all but its longest ending that is an
        XML name. One that ends in none (``…/relation-types/42``) cannot be written in RDF/XML.
        """
        prefixes = dict(self.prefixes)
        by_namespace = {namespace: prefix for prefix, namespace in self.prefixes.items()}
        elements, unwritable = {}, []
        for predicates in self.subjects.values():
            for predicate in predicates:
                if predicate in elements:
                    continue
                name = self._prefixed(str(predicate), _XML_LOCAL_NAME)
                if name is None:
                    local = _XML_NAME_AT_END.search(predicate)
                    if local is None:
                        unwritable.append(str(predicate))
                        continue
                    namespace, local = predicate[:local.start()], local.group(0)
                    if namespace not in by_namespace:
                        prefix = by_namespace[namespace] = f"ns{len(prefixes) - len(self.prefixes) + 1}"
                        prefixes[prefix] = namespace
                    name = f"{by_namespace[namespace]}:{local}"
                elements[predicate] = name
        if unwritable:
            raise ExchangeError([
                f"{uri}: RDF/XML cannot name this property (an XML name cannot start with a digit"
                f" or a hyphen); choose Turtle or JSON-LD, or give the relation type a slug starting"
                f" with a letter" for uri in unwritable
            ])
        return elements, prefixes

    def _check_xml_text(self):
        for subject, predicates in self.subjects.items():
            for predicate, objects in predicates.items():
                for obj in objects:
                    found = isinstance(obj, Literal) and _NOT_XML.search(obj)
                    if found:
                        raise ExchangeError([
                            f"{subject} {self._prefixed(str(predicate)) or predicate}: {found.group(0)!r} is a"
                            f" control character XML cannot hold; choose Turtle or JSON-LD, or remove it"
                        ])

    def _xml_head(self, prefixes):
        declarations = "".join(f"\n   xmlns:{prefix}={quoteattr(namespace)}"
                               for prefix, namespace in sorted(prefixes.items()))
        return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{declarations}\n>\n'

    def _xml_description(self, elements, subject, predicates):
        lines = [f"  <rdf:Description rdf:about={quoteattr(str(subject))}>\n"]
        for predicate, objects in predicates.items():
            tag = elements[predicate]
            for obj in objects:
                if isinstance(obj, Literal):
                    if obj.language:
                        kind = f' xml:lang="{obj.language}"'
                    else:
                        kind = f" rdf:datatype={quoteattr(str(obj.datatype))}" if obj.datatype else ""
                    lines.append(f"    <{tag}{kind}>{escape(str(obj), _XML_TEXT)}</{tag}>\n")
                else:
                    lines.append(f"    <{tag} rdf:resource={quoteattr(str(obj))}/>\n")
        lines.append("  </rdf:Description>\n")
        return "".join(lines)

