"""SKOS through rdflib: export the glossary as a concept scheme, read SKOS vocabularies back.

Concepts are ``<base>terms/<slug>``. Relation types mapped to ``broader`` become skos:broader
(with skos:narrower the other way), those mapped to ``related`` skos:related (once per pair:
skos:related is symmetric), every other type its own property ``<base>relation-types/<slug>``,
declared ``rdfs:subPropertyOf skos:semanticRelation`` with its labels and flags. Categories are
``skos:Collection``s, references ``dct:source`` (texts) or ``rdfs:seeAlso`` (media, sites).

Reading accepts any SKOS vocabulary (a Skosmos export, say): labels in the most common
language of the prefLabels become names and aliases, other languages translations.
"""

import re
from collections import Counter, defaultdict
from datetime import date, datetime, time

from django.conf import settings
from django.utils.text import slugify
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from glossary.exchange.document import Document, ExchangeError, Item

RDF_FORMATS = {
    # our name: (rdflib format, media type, file extension)
    "turtle": ("turtle", "text/turtle", "ttl"),
    "xml": ("xml", "application/rdf+xml", "rdf"),
    "json-ld": ("json-ld", "application/ld+json", "jsonld"),
}
SHORT_DEFINITION_MAX = 300
SOURCE_KINDS = {"article", "book", "paper", "benchmark"}  # texts a definition can cite; the rest are seeAlso
ABBREVIATION = re.compile(r"[A-Za-z0-9.\-+]{2,12}")
BROADER_DEFAULT = {"slug": "is-a", "label": "is a", "inverse_label": "has subtype", "acyclic": True,
                   "transitive": True, "skos_mapping": "broader"}
RELATED_DEFAULT = {"slug": "related-to", "label": "is related to", "inverse_label": "is related to",
                   "symmetric": True, "skos_mapping": "related"}


def base_uri() -> str:
    base = settings.GLOSSARY_BASE_URI
    return base if base.endswith(("/", "#")) else base + "/"


def _vocab(base):
    return Namespace(base + "vocab#")


def _primary(types, mapping, preferred):
    slugs = sorted(t["slug"] for t in types if t["skos_mapping"] == mapping)
    return preferred if preferred in slugs else (slugs[0] if slugs else None)


def _stamp(value):
    return Literal(value, datatype=XSD.dateTime) if value else None


def snapshot_to_graph(snapshot: dict, base: str | None = None) -> Graph:
    """The snapshot as an rdflib Graph holding one skos:ConceptScheme."""
    base = base or base_uri()
    lang = settings.LANGUAGE_CODE.split("-")[0]
    GG = _vocab(base)
    TERM, TYPE, CATEGORY = Namespace(base + "terms/"), Namespace(base + "relation-types/"), Namespace(base + "categories/")
    g = Graph()
    for prefix, namespace in (("skos", SKOS), ("dct", DCTERMS), ("owl", OWL), ("gg", GG), ("term", TERM),
                              ("rel", TYPE), ("cat", CATEGORY)):
        g.bind(prefix, namespace)
    scheme = URIRef(base)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, Literal("Glossary Graph", lang=lang)))

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

    for c in snapshot["categories"]:
        collection = CATEGORY[c["slug"]]
        g.add((collection, RDF.type, SKOS.Collection))
        g.add((collection, SKOS.prefLabel, Literal(c["name"], lang=lang)))
        if c["description"]:
            g.add((collection, SKOS.definition, Literal(c["description"], lang=lang)))
        g.add((collection, GG.color, Literal(c["color"])))

    has_broader = {r["source"] for r in snapshot["relations"] if mapping.get(r["type"]) == "broader"}
    for term in snapshot["terms"]:
        concept = TERM[term["slug"]]
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.inScheme, scheme))
        if term["slug"] not in has_broader:
            g.add((concept, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, concept))
        g.add((concept, SKOS.prefLabel, Literal(term["name"], lang=lang)))
        for alias in term["aliases"]:
            label = SKOS.hiddenLabel if alias["kind"] == "misspelling" else SKOS.altLabel
            g.add((concept, label, Literal(alias["name"], lang=alias["language"] or lang)))
            if alias["kind"] == "abbreviation":
                # SKOS has no kind of altLabel; say it in our vocabulary so a re-import keeps it.
                g.add((concept, GG.abbreviation, Literal(alias["name"])))
        if term["short_definition"]:
            g.add((concept, SKOS.definition, Literal(term["short_definition"], lang=lang)))
        if term["body"]:
            g.add((concept, SKOS.note, Literal(term["body"], lang=lang)))
        if term["category"]:
            g.add((CATEGORY[term["category"]], SKOS.member, concept))
        g.add((concept, GG.status, Literal(term["status"])))
        if term["status"] == "deprecated":
            g.add((concept, OWL.deprecated, Literal(True)))
        if term["replaced_by"]:
            g.add((concept, DCTERMS.isReplacedBy, TERM[term["replaced_by"]]))
        for name, predicate in (("created_at", DCTERMS.created), ("updated_at", DCTERMS.modified)):
            if term[name]:
                g.add((concept, predicate, _stamp(term[name])))

    for r in snapshot["relations"]:
        s, t = TERM[r["source"]], TERM[r["target"]]
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
        url = URIRef(ref["url"])
        g.add((url, DCTERMS.title, Literal(ref["title"])))
        g.add((url, GG.kind, Literal(ref["kind"])))
        predicate = DCTERMS.source if ref["kind"] in SOURCE_KINDS else RDFS.seeAlso
        for slug in ref["terms"]:
            g.add((TERM[slug], predicate, url))
    return g


def iter_skos(snapshot: dict, rdf_format: str = "turtle"):
    """The SKOS serialisation, as one chunk (rdflib serialises whole graphs)."""
    yield snapshot_to_graph(snapshot).serialize(format=RDF_FORMATS[rdf_format][0])


# Reading -------------------------------------------------------------------------------------


def _slug_from(uri, segment, fallback):
    """Our slug when ``uri`` is ``…/<segment>/<slug>`` (from any instance), else one from ``fallback``."""
    match = re.search(rf"/{segment}/([a-z0-9_-]+)$", str(uri), re.IGNORECASE)
    if match:
        return match.group(1)
    return slugify(str(fallback))[:200].strip("-") or slugify(re.split(r"[/#]", str(uri).rstrip("/#"))[-1])


def _local(uri):
    return re.split(r"[/#]", str(uri).rstrip("/#"))[-1]


def _in_language(literals, lang):
    """The literals in ``lang``; failing that the untagged ones; failing that all, sorted."""
    literals = sorted(literals, key=lambda lit: (str(lit.language or ""), str(lit)))
    for wanted in (lang, None):
        chosen = [lit for lit in literals if lit.language == wanted]
        if chosen:
            return chosen
    return literals


def _shorten(text):
    """Cut a long definition at a word boundary to fit short_definition."""
    cut = text[: SHORT_DEFINITION_MAX - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def _when(literal):
    value = literal.toPython() if isinstance(literal, Literal) else None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return datetime.combine(value, time()).isoformat() + "+00:00"
    return None


def read_skos(stream, rdf_format="turtle", name="file", stored_types=None) -> Document:
    """Parse SKOS into a `Document`; ``stored_types`` maps stored relation type slugs to skos_mapping."""
    g = Graph()
    try:
        g.parse(stream, format=RDF_FORMATS.get(rdf_format, (rdf_format,))[0])
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        raise ExchangeError([f"{name}: malformed {rdf_format}: {exc}"]) from exc
    except Exception as exc:  # noqa: BLE001 - rdflib's parsers raise many unrelated types (SAX, JSON-LD)
        raise ExchangeError([f"{name}: cannot read it as {rdf_format}: {exc}"]) from exc
    return _SkosReader(g, stored_types or {}).document()


class _SkosReader:
    def __init__(self, g, stored_types):
        self.g = g
        self.stored_types = stored_types
        self.doc = Document()
        self.pending_default = []  # default types (is-a, related-to) to create if their triples occur
        self.concepts = sorted(set(g.subjects(RDF.type, SKOS.Concept)), key=str)
        counts = Counter(lit.language for c in self.concepts for lit in g.objects(c, SKOS.prefLabel))
        self.lang = counts.most_common(1)[0][0] if counts else None
        self.slug = {}
        taken = Counter()
        for concept in self.concepts:
            labels = _in_language(self.g.objects(concept, SKOS.prefLabel), self.lang)
            slug = _slug_from(concept, "terms", labels[0] if labels else _local(concept))
            taken[slug] += 1
            self.slug[concept] = slug if taken[slug] == 1 else f"{slug}-{taken[slug]}"

    def text(self, subject, predicate):
        found = _in_language(self.g.objects(subject, predicate), self.lang)
        return str(found[0]) if found else None

    def concept_slug(self, node):
        return self.slug.get(node) or _slug_from(node, "terms", _local(node))

    def document(self):
        self.read_types()
        self.read_categories()
        self.read_terms()
        self.read_relations()
        self.read_references()
        return self.doc

    def read_types(self):
        self.type_slug = {}
        by_mapping = defaultdict(list)
        parents = {SKOS.semanticRelation: "none", SKOS.broader: "broader", SKOS.narrower: "broader", SKOS.related: "related"}
        for prop, parent in sorted(self.g.subject_objects(RDFS.subPropertyOf), key=str):
            if parent not in parents or prop in self.type_slug or isinstance(prop, BNode):
                continue
            slug = _slug_from(prop, "relation-types", _local(prop))
            flags = set(self.g.objects(prop, RDF.type))
            label = self.text(prop, RDFS.label) or _local(prop)
            symmetric = OWL.SymmetricProperty in flags
            inverse = _ours(self.g, prop, "inverseLabel")
            acyclic = _ours(self.g, prop, "acyclic")
            data = {
                "slug": slug, "label": label,
                "inverse_label": str(inverse or (label if symmetric else f"inverse of {label}"))[:80],
                "description": self.text(prop, RDFS.comment) or "",
                "symmetric": symmetric, "transitive": OWL.TransitiveProperty in flags,
                "acyclic": isinstance(acyclic, Literal) and acyclic.toPython() is True,
                "skos_mapping": parents[parent],
            }
            color = _ours(self.g, prop, "color")
            if color is not None:
                data["color"] = str(color)
            self.type_slug[prop] = slug
            by_mapping[data["skos_mapping"]].append(slug)
            self.doc.relation_types.append(Item(data, f"<{prop}>", "rdf", names=_TYPE_NAMES))
        self.broader = self.mapped_type(by_mapping, "broader", BROADER_DEFAULT)
        self.related = self.mapped_type(by_mapping, "related", RELATED_DEFAULT)

    def mapped_type(self, by_mapping, mapping, default):
        """The type skos:broader/related triples become: declared in the file, stored, or a new default."""
        for candidates in (by_mapping[mapping],
                           sorted(s for s, m in self.stored_types.items() if m == mapping)):
            if candidates:
                return default["slug"] if default["slug"] in candidates else candidates[0]
        self.pending_default.append(default)
        return default["slug"]

    def read_categories(self):
        self.category_of = {}
        for collection in sorted(set(self.g.subjects(RDF.type, SKOS.Collection)), key=str):
            label = self.text(collection, SKOS.prefLabel) or self.text(collection, RDFS.label) or _local(collection)
            slug = _slug_from(collection, "categories", label)[:100]
            data = {"slug": slug, "name": label[:100], "description": self.text(collection, SKOS.definition) or ""}
            color = _ours(self.g, collection, "color")
            if color is not None:
                data["color"] = str(color)
            self.doc.categories.append(Item(data, f"<{collection}>", "rdf", names={"name": "skos:prefLabel"}))
            for member in self.g.objects(collection, SKOS.member):
                self.category_of.setdefault(member, slug)

    def read_terms(self):
        for concept in self.concepts:
            where = f"<{concept}>"
            prefs = _in_language(self.g.objects(concept, SKOS.prefLabel), self.lang)
            name = str(prefs[0]).strip() if prefs else None
            definition = self.text(concept, SKOS.definition) or ""
            notes = [str(n) for n in _in_language(self.g.objects(concept, SKOS.note), self.lang)]
            if not notes:
                notes = [str(n) for n in _in_language(self.g.objects(concept, SKOS.scopeNote), self.lang)]
            body = "\n\n".join(notes)
            if len(definition) > SHORT_DEFINITION_MAX:
                body = definition + ("\n\n" + body if body else "")
                definition = _shorten(definition)
            replaced = next(iter(sorted(self.g.objects(concept, DCTERMS.isReplacedBy), key=str)), None)
            status = _ours(self.g, concept, "status")
            if status is not None:
                status = str(status)
            else:
                deprecated = any(o.toPython() is True for o in self.g.objects(concept, OWL.deprecated) if isinstance(o, Literal))
                status = "deprecated" if deprecated or replaced is not None else "published"
            data = {
                "slug": self.slug[concept], "name": name, "short_definition": definition, "body": body,
                "status": status, "category": self.category_of.get(concept),
                "replaced_by": self.concept_slug(replaced) if replaced is not None else None,
            }
            for field, predicate in (("created_at", DCTERMS.created), ("updated_at", DCTERMS.modified)):
                found = [_when(o) for o in self.g.objects(concept, predicate)]
                if any(found):
                    data[field] = sorted(f for f in found if f)[0]
            aliases = self.aliases(concept, name, where)
            data["aliases"] = [a.data for a in aliases]
            self.doc.terms.append(Item(data, where, "rdf", names=_TERM_NAMES, aliases=aliases))

    def aliases(self, concept, name, where):
        found = {}
        ours = _ours(self.g, concept, "status") is not None
        abbreviations = {str(o) for p, o in self.g.predicate_objects(concept) if str(p).endswith("/vocab#abbreviation")}
        candidates = [(lit, SKOS.prefLabel) for lit in self.g.objects(concept, SKOS.prefLabel) if lit.language != self.lang]
        candidates += [(lit, SKOS.altLabel) for lit in self.g.objects(concept, SKOS.altLabel)]
        candidates += [(lit, SKOS.hiddenLabel) for lit in self.g.objects(concept, SKOS.hiddenLabel)]
        for lit, predicate in sorted(candidates, key=lambda pair: (str(pair[0]), str(pair[0].language or ""))):
            text = str(lit).strip()
            if not text or text.lower() == (name or "").lower() or text.lower() in found:
                continue
            if predicate == SKOS.hiddenLabel:
                kind, language = "misspelling", ""
            elif lit.language not in (self.lang, None):
                kind, language = "translation", lit.language
            else:
                # Our own exports say which labels are abbreviations; for others, guess from the shape.
                abbreviated = text in abbreviations if ours else _looks_abbreviated(text)
                kind = "abbreviation" if abbreviated else "synonym"
                language = ""
            label = "skos:" + str(predicate).rsplit("#", 1)[1]
            found[text.lower()] = Item({"name": text, "kind": kind, "language": language}, where, "rdf",
                                       names={"name": f"{label} {text!r}"})
        return list(found.values())

    def relation(self, s, type_slug, t, shown):
        where = f"<{s}> {shown} <{t}>"
        data = {"source": self.concept_slug(s), "type": type_slug, "target": self.concept_slug(t)}
        self.doc.relations.append(Item(data, where, "rdf", names=_RELATION_NAMES))

    def read_relations(self):
        concepts = set(self.concepts)
        # Pairs said by a type's own property; a skos:broader/related triple saying the same is its echo.
        covered = {"broader": set(), "related": set()}
        mapping = {item.data["slug"]: item.data["skos_mapping"] for item in self.doc.relation_types}
        for prop, slug in self.type_slug.items():
            for s, t in sorted(self.g.subject_objects(prop), key=str):
                if s in concepts:
                    self.relation(s, slug, t, f"<{prop}>")
                    covered.get(mapping[slug], set()).update({(s, t), (t, s)} if mapping[slug] == "related" else {(s, t)})
        pairs = {(s, t) for s, t in self.g.subject_objects(SKOS.broader) if s in concepts}
        pairs |= {(t, s) for s, t in self.g.subject_objects(SKOS.narrower) if t in concepts and s in concepts}
        used = False
        for s, t in sorted(pairs - covered["broader"], key=str):
            self.relation(s, self.broader, t, "skos:broader")
            used = True
        related = set()
        for s, t in sorted(self.g.subject_objects(SKOS.related), key=str):
            if s in concepts and (s, t) not in covered["related"] and (t, s) not in related:
                related.add((s, t))
                self.relation(s, self.related, t, "skos:related")
        declared = {item.data["slug"] for item in self.doc.relation_types}
        for default in self.pending_default:
            needed = used if default is BROADER_DEFAULT else bool(related)
            if needed and default["slug"] not in declared and default["slug"] not in self.stored_types:
                self.doc.relation_types.append(Item(dict(default), "(the SKOS mapping)", "rdf"))

    def read_references(self):
        refs = {}
        for predicate, kind in ((DCTERMS.source, "article"), (RDFS.seeAlso, "site")):
            for concept in self.concepts:
                for url in self.g.objects(concept, predicate):
                    if not isinstance(url, URIRef) or not str(url).startswith(("http://", "https://")) or url in self.slug:
                        continue
                    ref = refs.setdefault(url, {"url": str(url), "title": None, "kind": kind, "terms": []})
                    ref["terms"].append(self.slug[concept])
        for url, data in sorted(refs.items(), key=lambda pair: str(pair[0])):
            data["title"] = (self.text(url, DCTERMS.title) or self.text(url, RDFS.label) or str(url))[:300]
            kind = _ours(self.g, url, "kind")
            data["kind"] = str(kind) if kind is not None else data["kind"]
            data["terms"] = sorted(set(data["terms"]))
            self.doc.references.append(Item(data, f"<{url}>", "rdf", names={"title": "dct:title"}))


def _ours(g, subject, name):
    """The value of our own ``<base>vocab#<name>`` property, written by any instance, or None."""
    suffix = f"/vocab#{name}"
    return next((o for p, o in sorted(g.predicate_objects(subject), key=str) if str(p).endswith(suffix)), None)


def _looks_abbreviated(text):
    """“RAG”, “LLMs”, “LoRA”: short, no spaces, mostly capitals."""
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return bool(ABBREVIATION.fullmatch(text)) and upper >= 2 and upper * 2 >= len(letters)


_TERM_NAMES = {"name": "skos:prefLabel", "short_definition": "skos:definition", "body": "skos:note",
               "replaced_by": "dct:isReplacedBy", "category": "skos:member", "status": "status",
               "created_at": "dct:created", "updated_at": "dct:modified", "slug": "(URI)"}
_TYPE_NAMES = {"label": "rdfs:label", "inverse_label": "inverseLabel", "slug": "(URI)"}
_RELATION_NAMES = {"source": "(subject)", "type": "(predicate)", "target": "(object)", "note": "note"}
