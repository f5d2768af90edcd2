"""Read a SKOS vocabulary (any tool's export: Skosmos, VocBench, TemaTres, PoolParty…) into a
`Document`, keeping what the vocabulary says and reporting what had to be interpreted.

Kept as they are: concept URIs (re-imports match them first), notations, labels of every kind
with their language tags (SKOS-XL labels too), definitions and notes per language (a note
written as a resource with an ``rdf:value`` too), mappings to
other vocabularies (``skos:*Match``), ``owl:deprecated`` and ``dct:isReplacedBy``, collections
(ordered ones and ISO 25964 concept groups too, as categories), creation and modification dates. Read as warnings, not refusals: a concept
without ``skos:prefLabel`` (its ``rdfs:label`` or the end of its URI is used), a second preferred
label in one language (it becomes an alternative label), a value that is a URI where text was
expected (skipped), a broader/narrower/related concept outside the file and the glossary (kept
as the matching mapping), and what is not kept: each property of the concepts, collections and
scheme that nothing here reads, and the schemes of a file of several (a file of one concept
scheme makes the glossary that scheme). Real contradictions — cycles, two current concepts with
one preferred label in a language, a concept related to itself — are left for the importer's
checks to refuse.
"""

import re
from collections import Counter, defaultdict
from datetime import date, datetime, time

from django.conf import settings
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from glossary import rules
from glossary.exchange.document import Document, Item
from glossary.exchange.rdfsafe import parse_rdf
from glossary.exchange.skos_write import DEFAULT_SCHEME_TITLE, LABEL_PREDICATES, MAPPING_PREDICATES, NOTE_PREDICATES
from glossary.models import language_tag, name_languages

SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
ISOTHES = Namespace("http://purl.org/iso25964/skos-thes#")
# What becomes a category: SKOS collections, and ISO 25964's concept groups (microthesauri and
# subject groups, as Skosmos and VocBench show them) when a file types them only that way.
COLLECTION_TYPES = (SKOS.Collection, SKOS.OrderedCollection, ISOTHES.ConceptGroup)
SHORT_DEFINITION_MAX = 300
LABEL_MAX = 200
ABBREVIATION = re.compile(r"[A-Za-z0-9.\-+]{2,12}")
# The type skos:broader becomes where the glossary has none mapped to it (a thesaurus imported
# into an empty glossary): named as thesauri and Skosmos name it, since a thesaurus's broader
# concept is not always a kind ("Paris" has the broader concept "France").
BROADER_DEFAULT = {"slug": "broader", "label": "broader", "inverse_label": "narrower", "acyclic": True,
                   "transitive": True, "skos_mapping": "broader"}
RELATED_DEFAULT = {"slug": "related-to", "label": "is related to", "inverse_label": "is related to",
                   "symmetric": True, "skos_mapping": "related"}
LABEL_KINDS = {predicate: kind for kind, predicate in LABEL_PREDICATES.items()}
XL_KINDS = {SKOSXL.prefLabel: "preferred", SKOSXL.altLabel: "alternative", SKOSXL.hiddenLabel: "hidden"}
NOTE_KINDS = {predicate: kind for kind, predicate in NOTE_PREDICATES.items()}
MAPPING_KINDS = {predicate: kind for kind, predicate in MAPPING_PREDICATES.items()}
# A broader/narrower/related concept outside the vocabulary is kept as the mapping that says it.
OUTSIDE_AS_MAPPING = {SKOS.broader: "broad", SKOS.narrower: "narrow", SKOS.related: "related"}
SUBKINDS = ("abbreviation", "synonym", "misspelling")
# What the reader takes from a concept and from a collection (besides relation types' own
# properties and our own vocabulary); anything else is reported as not kept. The transitive
# hierarchy is what skos:broader already says; schemes are reported on their own.
CONCEPT_PREDICATES = {
    RDF.type, RDFS.label, SKOS.notation, SKOS.broader, SKOS.narrower, SKOS.related, SKOS.broaderTransitive,
    SKOS.narrowerTransitive, DCTERMS.isReplacedBy, OWL.deprecated, DCTERMS.created, DCTERMS.modified,
    DCTERMS.source, RDFS.seeAlso, SKOS.inScheme, SKOS.topConceptOf,
    *LABEL_PREDICATES.values(), *NOTE_PREDICATES.values(), *MAPPING_PREDICATES.values(),
    SKOSXL.prefLabel, SKOSXL.altLabel, SKOSXL.hiddenLabel,
}
OUR_CONCEPT_NAMES = {"status", "shortDefinition", *SUBKINDS}
COLLECTION_PREDICATES = {RDF.type, SKOS.prefLabel, RDFS.label, SKOS.definition, SKOS.member, SKOS.memberList,
                         ISOTHES.subGroup, ISOTHES.superGroup}
SCHEME_PREDICATES = {RDF.type, SKOS.prefLabel, DCTERMS.title, RDFS.label, DCTERMS.description, SKOS.definition,
                     SKOS.hasTopConcept}


def read_skos(data: bytes, rdf_format="turtle", name="file", stored=None) -> Document:
    """Parse SKOS into a `Document`.

    ``stored`` describes the glossary the file goes into: ``{"types": {slug: skos_mapping},
    "uris": {uri: slug}, "slugs": {slug: uri or None}, "category_slugs": {slug: uri or None}}``,
    so that concepts and collections match stored terms and categories by URI first, and relations
    may point at terms that are not in the file.
    """
    stored = {"types": {}, "uris": {}, "slugs": {}, "category_slugs": {}, **(stored or {})}
    return _SkosReader(parse_rdf(data, rdf_format, name), stored).document()


def _slug_from(uri, segment):
    """Our slug when ``uri`` is ``…/<segment>/<slug>`` (an export of any instance), else None."""
    match = re.search(rf"/{segment}/([a-z0-9_-]+)$", str(uri), re.IGNORECASE)
    return match.group(1) if match else None


def _local(uri):
    return re.split(r"[/#]", str(uri).rstrip("/#"))[-1]


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


def _is_true(value):
    return isinstance(value, Literal) and str(value).strip().lower() in ("true", "1")


def _looks_abbreviated(text):
    """“RAG”, “LLMs”, “LoRA”: short, no spaces, mostly capitals."""
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return bool(ABBREVIATION.fullmatch(text)) and upper >= 2 and upper * 2 >= len(letters)


def _sorted(values):
    return sorted(values, key=lambda v: (str(getattr(v, "language", "") or ""), str(v)))


class _SkosReader:
    def __init__(self, g, stored):
        self.g = g
        self.stored = stored
        self.lang = settings.GLOSSARY_LANGUAGE
        self.doc = Document()
        self.pending_default = []  # default types (broader, related-to) to create if their triples occur
        self.concepts = sorted(set(g.subjects(RDF.type, SKOS.Concept)), key=str)
        self.in_file = set(self.concepts)
        self.ours = {s for s, p in g.subject_predicates() if str(p).endswith("/vocab#status")}
        self.props = {c: defaultdict(list) for c in self.concepts}
        for concept in self.concepts:
            for predicate, value in g.predicate_objects(concept):
                self.props[concept][predicate].append(value)
        self.labels = {concept: self.read_labels(concept) for concept in self.concepts}
        self.slug = self.assign_slugs()

    def warn(self, where, message):
        self.doc.warnings.append(f"{where}: {message}")

    def values(self, concept, predicate):
        return _sorted(self.props[concept].get(predicate, ()))

    def literals(self, subject, predicate, where, shown, documentation=False):
        """The literal values of a property; a URI or blank node there is skipped with a warning.

        For ``documentation`` (definitions and notes), a resource with an ``rdf:value`` stands for
        that text, as the SKOS Reference allows and AGROVOC writes its definitions
        (``skos:definition [ rdf:value "…"@en ; dct:source <…> ]``); what else it says is not kept.
        """
        found = []
        values = self.values(subject, predicate) if subject in self.props else _sorted(self.g.objects(subject, predicate))
        for value in values:
            if isinstance(value, Literal):
                found.append(value)
                continue
            texts = [v for v in self.g.objects(value, RDF.value) if isinstance(v, Literal)] if documentation else []
            if texts:
                found += _sorted(texts)
            else:
                shape = value.n3() if isinstance(value, URIRef) else "a blank node"
                self.warn(where, f"{shown} should be text but is {shape}"
                                 f"{' without an rdf:value' if documentation else ''}; skipped")
        return found

    # Labels ----------------------------------------------------------------------------------

    def read_labels(self, concept):
        """The concept's labels as dicts, after SKOS's rules for one concept were applied."""
        where = f"<{concept}>"
        found = []  # (kind, literal, shown predicate)
        for predicate, kind in LABEL_KINDS.items():
            shown = f"skos:{predicate.split('#')[-1]}"
            found += [(kind, lit, shown) for lit in self.literals(concept, predicate, where, shown)]
        for predicate, kind in XL_KINDS.items():
            for label in self.values(concept, predicate):
                forms = [v for v in self.g.objects(label, SKOSXL.literalForm) if isinstance(v, Literal)]
                if forms:
                    found.append((kind, _sorted(forms)[0], f"skosxl:{predicate.split('#')[-1]}"))
        if not any(kind == "preferred" for kind, _, _ in found):
            fallback = self.literals(concept, RDFS.label, where, "rdfs:label")
            if fallback:
                self.warn(where, "has no skos:prefLabel; its rdfs:label is used as the preferred label")
                found += [("preferred", lit, "rdfs:label") for lit in fallback]
            else:
                self.warn(where, f"has no skos:prefLabel or rdfs:label; it is named “{_local(concept)}” after its URI")
                found.append(("preferred", Literal(_local(concept)), "(URI)"))
        subkinds = {}
        for subkind in SUBKINDS:
            for p, values in self.props[concept].items():
                if str(p).endswith(f"/vocab#{subkind}"):
                    subkinds.update({(str(v), v.language or ""): subkind for v in values if isinstance(v, Literal)})
        labels, preferred, seen = [], set(), set()
        order = {"preferred": 0, "alternative": 1, "hidden": 2}
        for kind, lit, shown in sorted(found, key=lambda f: (order[f[0]], str(f[1].language or ""), str(f[1]))):
            text = " ".join(str(lit).split())
            language = (lit.language or "").replace("_", "-")
            if not text:
                continue
            if language and not language_tag.regex.match(language):
                self.warn(where, f"{shown} “{text}”@{language}: “{language}” is not a language tag; the label is kept without one")
                language = ""
            if len(text) > LABEL_MAX:
                self.warn(where, f"{shown} “{text[:40]}…” is longer than {LABEL_MAX} characters; it is cut")
                text = text[:LABEL_MAX].rstrip()
            if (language, text.casefold()) in seen:
                continue
            seen.add((language, text.casefold()))
            if kind == "preferred" and language in preferred:
                self.warn(where, f"has a second skos:prefLabel in {language or 'untagged text'} (“{text}”); it is kept as an alternative label")
                kind = "alternative"
            if kind == "preferred":
                preferred.add(language)
            subkind = subkinds.get((str(lit), lit.language or ""), "")
            if not subkind and kind == "alternative" and concept not in self.ours and _looks_abbreviated(text):
                subkind = "abbreviation"
            labels.append({"text": text, "language": language, "kind": kind, "subkind": subkind})
        return labels

    def display(self, concept):
        """The label a concept will be known by (`rules.display_label`)."""
        shown = rules.display_label(
            [rules.LabelData(label["text"], label["language"], label["kind"]) for label in self.labels[concept]],
            name_languages(),
        )
        return shown.text if shown else _local(concept)

    def assign_slugs(self):
        """Slugs: a stored term's when the URI matches one, else from an exported URI or the label.

        A new concept never takes the slug of a stored term that has another URI: that would
        merge two different concepts.
        """
        uris, stored_slugs = self.stored["uris"], self.stored["slugs"]
        slugs = {}
        taken = Counter()
        for concept in self.concepts:
            slug = uris.get(str(concept))
            if slug is None:
                base = _slug_from(concept, "terms") or rules.slug_of(self.display(concept), 190) \
                    or rules.slug_of(_local(concept), 190) or "concept"
                slug, n = base, 1
                while taken[slug] or stored_slugs.get(slug) not in (None, str(concept)):
                    n += 1
                    slug = f"{base}-{n}"
            taken[slug] += 1
            slugs[concept] = slug
        return slugs

    def term_slug(self, node):
        """The slug of a concept in the file or a term in the glossary, or None when outside both."""
        if node in self.slug:
            return self.slug[node]
        slug = self.stored["uris"].get(str(node))
        if slug is None:
            candidate = _slug_from(node, "terms")
            if candidate in self.stored["slugs"] and self.stored["slugs"][candidate] is None:
                slug = candidate
        return slug

    # The document ----------------------------------------------------------------------------

    def document(self):
        self.read_types()
        self.read_categories()
        self.mappings = defaultdict(list)  # concept → mapping dicts (also from outside relations)
        self.read_relations()
        self.read_terms()
        self.read_references()
        # What is not kept comes first: a few lines that a long list of warnings must not bury.
        interpreted, self.doc.warnings = self.doc.warnings, []
        self.read_scheme()
        self.report_unread()
        self.doc.warnings += interpreted
        return self.doc

    def read_types(self):
        self.type_slug = {}
        by_mapping = defaultdict(list)
        parents = {SKOS.semanticRelation: "none", SKOS.broader: "broader", SKOS.narrower: "broader", SKOS.related: "related"}
        for prop, parent in sorted(self.g.subject_objects(RDFS.subPropertyOf), key=str):
            if parent not in parents or prop in self.type_slug or isinstance(prop, BNode):
                continue
            slug = (_slug_from(prop, "relation-types") or rules.slug_of(_local(prop)) or "relation")[:60]
            flags = set(self.g.objects(prop, RDF.type))
            label = self.text(prop, RDFS.label) or _local(prop)
            symmetric = OWL.SymmetricProperty in flags
            inverse = _ours(self.g, prop, "inverseLabel")
            data = {
                "slug": slug, "label": label[:80],
                "inverse_label": str(inverse or (label if symmetric else f"inverse of {label}"))[:80],
                "description": self.text(prop, RDFS.comment) or "",
                "symmetric": symmetric, "transitive": OWL.TransitiveProperty in flags,
                "acyclic": _is_true(_ours(self.g, prop, "acyclic")),
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

    def text(self, subject, predicate):
        """One literal of a non-concept subject, preferring the glossary's language."""
        values = [v for v in self.g.objects(subject, predicate) if isinstance(v, Literal)]
        values.sort(key=lambda v: (v.language != self.lang, v.language is not None, str(v.language or ""), str(v)))
        return str(values[0]) if values else None

    def mapped_type(self, by_mapping, mapping, default):
        """The type skos:broader/related triples become: declared in the file, stored, or a new default."""
        for candidates in (by_mapping[mapping],
                           sorted(s for s, m in self.stored["types"].items() if m == mapping)):
            if candidates:
                return default["slug"] if default["slug"] in candidates else candidates[0]
        self.pending_default.append(default)
        return default["slug"]

    def read_categories(self):
        self.category_of = {}
        named = {}  # slug → name, of the collections read so far
        taken = set()  # their names, in lower case
        self.collections = sorted({c for kind in COLLECTION_TYPES for c in self.g.subjects(RDF.type, kind)}, key=str)
        stored_slugs = self.stored["category_slugs"]  # slug → URI or None
        stored_uris = {uri: slug for slug, uri in stored_slugs.items() if uri}
        item_of = {}
        held_by = {}  # member → the collections holding it, in order
        for collection in self.collections:
            where = f"<{collection}>"
            label = self.text(collection, SKOS.prefLabel) or self.text(collection, RDFS.label) or _local(collection)
            name = label[:100]
            if name.lower() in taken:
                # Two groups of a thesaurus may share a label (a domain and its microthesaurus); a
                # category's name is unique, so this one is told apart by its URI's end.
                name = f"{label[:100 - len(_local(collection)) - 3]} ({_local(collection)})"
                self.warn(where, f"has the name “{label[:80]}” of another collection; its category is named “{name}”")
            # A stored group keeps its slug; a new one never takes the slug of a stored group that
            # has another URI (that would merge two groups).
            slug = stored_uris.get(str(collection))
            if slug is None:
                slug = (_slug_from(collection, "categories") or rules.slug_of(label)
                        or rules.slug_of(_local(collection)) or "collection")[:100]
                base, number = slug, 2
                while slug in named or stored_slugs.get(slug) not in (None, str(collection)):
                    slug, number = f"{base[:95]}-{number}", number + 1
            named[slug] = name
            taken.add(name.lower())
            # Inside no other collection unless one holds it (`nest_categories`): a re-import of a
            # thesaurus that took a group out of its domain takes it out here too.
            data = {"slug": slug, "name": name, "description": self.text(collection, SKOS.definition) or "",
                    "parent": None}
            if isinstance(collection, URIRef):  # a blank node has no identity beyond this file
                data["uri"] = str(collection)
            names = self.category_names(collection)
            if names:
                data["names"] = names
            color = _ours(self.g, collection, "color")
            if color is not None:
                data["color"] = str(color)
            item_of[collection] = Item(data, where, "rdf",
                                       names={"name": "skos:prefLabel", "names": "skos:prefLabel", "parent": "skos:member",
                                              "uri": "(URI)"})
            self.doc.categories.append(item_of[collection])
            for member in self.members(collection, where):
                held_by.setdefault(member, []).append(slug)
        self.category_of = {member: slugs[0] for member, slugs in held_by.items()}
        self.nest_categories(item_of, named)
        self.choose_categories(held_by, named)

    def choose_categories(self, held_by, named):
        """A concept in several collections takes the innermost: of a domain and one of its
        microthesauri, the microthesaurus (filtering by the domain still finds it). Of collections
        apart, the first, with a warning: a term has one category."""
        inside = rules.inside_of({item.data["slug"]: item.data.get("parent") for item in self.doc.categories})
        for member, slugs in held_by.items():
            if len(slugs) < 2 or member not in self.in_file:
                continue
            # A collection holding another of the member's collections is not the innermost.
            inner = [slug for slug in slugs if not (inside([slug]) - {slug}) & set(slugs)] or slugs
            self.category_of[member] = inner[0]
            if len(inner) > 1:
                self.warn(f"<{member}>", f"is a member of the collections “{named[inner[0]]}” and “{named[inner[1]]}”; "
                                         f"a term has one category, “{named[inner[0]]}”")

    def nest_categories(self, item_of, named):
        """A collection that is a member of another (a microthesaurus of a domain) is inside it:
        of the first that holds it, unless that would put a collection inside itself.
        ``named``: slug → name of every collection read."""
        parent_of = {}
        for child, parent in sorted(self.category_of.items(), key=lambda pair: str(pair[0])):
            if child not in item_of:
                continue
            child_slug = item_of[child].data["slug"]
            if rules.find_cycle([*parent_of.items(), (child_slug, parent)]):
                self.warn(f"<{child}>", f"is a member of “{named[parent]}”, which is inside it; it is kept outside")
                continue
            parent_of[child_slug] = parent
            item_of[child].data["parent"] = parent

    def members(self, collection, where):
        """A collection's members: ``skos:member``, an ordered collection's ``skos:memberList``, and
        the groups ISO 25964 puts inside it (``isothes:subGroup``, or theirs ``isothes:superGroup``)."""
        found = list(self.g.objects(collection, SKOS.member))
        found += sorted(self.g.objects(collection, ISOTHES.subGroup), key=str)
        found += sorted(self.g.subjects(ISOTHES.superGroup, collection), key=str)
        for head in self.g.objects(collection, SKOS.memberList):
            try:
                found.extend(list(self.g.items(head)))
            except ValueError:  # rdf:rest leads back into the list
                self.warn(where, "skos:memberList is a list that loops back on itself; its members are skipped")
        return list(dict.fromkeys(found))

    def category_names(self, collection, predicate=SKOS.prefLabel):
        """A collection's (or scheme's) preferred labels in languages other than the glossary's: its
        name there."""
        names, where, own = {}, f"<{collection}>", self.lang.lower()
        shown = self.g.namespace_manager.normalizeUri(predicate)
        for value in sorted(self.g.objects(collection, predicate), key=lambda v: (str(getattr(v, "language", "")), str(v))):
            tag = getattr(value, "language", None)
            if not isinstance(value, Literal) or not tag or tag.lower() == own or not str(value).strip():
                continue
            if len(tag) > 16 or not language_tag.regex.match(tag):
                self.warn(where, f"{shown} “{str(value)[:80]}” has the language tag {tag!r}, which is not one; skipped")
            elif tag in names:
                self.warn(where, f"has two {shown} in {tag}; “{names[tag]}” is kept, “{str(value)[:80]}” is not")
            else:
                names[tag] = str(value)[:100]
        return names

    def read_terms(self):
        for concept in self.concepts:
            where = f"<{concept}>"
            data = {"slug": self.slug[concept], "uri": str(concept), "labels": self.labels[concept]}
            notations = self.literals(concept, SKOS.notation, where, "skos:notation")
            if notations:
                data["notation"] = str(notations[0])
                if len(notations) > 1:
                    self.warn(where, f"has {len(notations)} skos:notation values; “{notations[0]}” is kept")
            data.update(self.read_notes(concept, where))
            data["status"], data["replaced_by"] = self.read_status(concept, where)
            data["category"] = self.category_of.get(concept)
            for field, predicate in (("created_at", DCTERMS.created), ("updated_at", DCTERMS.modified)):
                found = sorted(filter(None, (_when(o) for o in self.values(concept, predicate))))
                if found:
                    data[field] = found[0]
            for predicate, kind in MAPPING_KINDS.items():
                for target in self.values(concept, predicate):
                    if isinstance(target, URIRef):
                        label = self.text(target, RDFS.label) or self.text(target, SKOS.prefLabel) or ""
                        self.mappings[concept].append({"kind": kind, "uri": str(target), "label": label[:200]})
                    else:
                        self.warn(where, f"skos:{predicate.split('#')[-1]} should be a URI but is text; skipped")
            data["mappings"] = list({(m["kind"], m["uri"]): m for m in self.mappings[concept]}.values())
            lists = {
                name: [Item(row, where, "rdf", names=_NESTED_NAMES[name]) for row in data[name]]
                for name in ("labels", "notes", "mappings")
            }
            self.doc.terms.append(Item(data, where, "rdf", names=_TERM_NAMES, lists=lists))

    def read_notes(self, concept, where):
        """short_definition and body in the glossary's language; every other definition and note as notes."""
        fields = {"short_definition": "", "body": "", "notes": []}
        by_kind = {
            kind: self.literals(concept, predicate, where, f"skos:{predicate.split('#')[-1]}", documentation=True)
            for predicate, kind in NOTE_KINDS.items()
        }
        definitions = [d for d in by_kind["definition"] if d.language == self.lang]
        if len(definitions) == 1 and len(str(definitions[0])) <= SHORT_DEFINITION_MAX:
            fields["short_definition"] = str(definitions[0])
            by_kind["definition"] = [d for d in by_kind["definition"] if d is not definitions[0]]
        elif definitions:
            summary = _ours_literal(self.g, concept, "shortDefinition")
            fields["short_definition"] = str(summary) if summary is not None else _shorten(str(definitions[0]))
        notes = [n for n in by_kind["note"] if n.language == self.lang]
        if len(notes) == 1:
            fields["body"] = str(notes[0])
            by_kind["note"] = [n for n in by_kind["note"] if n is not notes[0]]
        for kind, values in by_kind.items():
            fields["notes"] += [{"kind": kind, "language": v.language or "", "text": str(v)} for v in values]
        return fields

    def read_status(self, concept, where):
        replaced = [v for v in self.values(concept, DCTERMS.isReplacedBy)]
        replacement = None
        for target in replaced:
            replacement = self.term_slug(target) if isinstance(target, URIRef) else None
            if replacement is not None:
                break
        if replaced and replacement is None:
            self.warn(where, f"dct:isReplacedBy {replaced[0].n3()} is neither in the file nor in the glossary; not kept")
        status = _ours(self.g, concept, "status")
        if status is not None:
            return str(status), replacement
        deprecated = any(_is_true(v) for v in self.values(concept, OWL.deprecated))
        return ("deprecated" if deprecated or replacement is not None else "published"), replacement

    def relation(self, s, type_slug, t, shown):
        where = f"<{s}> {shown} <{t}>"
        data = {"source": self.term_slug(s), "type": type_slug, "target": self.term_slug(t)}
        self.doc.relations.append(Item(data, where, "rdf", names=_RELATION_NAMES))

    def outside(self, concept, predicate, other, shown):
        """A relation whose other end is neither in the file nor in the glossary."""
        kind = OUTSIDE_AS_MAPPING.get(predicate)
        if kind is None:
            self.warn(f"<{concept}> {shown} <{other}>", "the object is neither in the file nor in the glossary; not kept")
            return
        self.mappings[concept].append({"kind": kind, "uri": str(other), "label": ""})
        self.warn(f"<{concept}> {shown} <{other}>",
                  f"the object is neither in the file nor in the glossary; kept as skos:{kind}Match")

    def read_relations(self):
        concepts = self.in_file
        # Pairs said by a type's own property; a skos:broader/related triple saying the same is its echo.
        covered = {"broader": set(), "related": set()}
        mapping = {item.data["slug"]: item.data["skos_mapping"] for item in self.doc.relation_types}

        def known(node):
            return isinstance(node, URIRef) and self.term_slug(node) is not None

        for prop, slug in self.type_slug.items():
            for s, t in sorted(self.g.subject_objects(prop), key=str):
                if s not in concepts:
                    continue
                if not known(t):
                    self.outside(s, prop, t, f"<{prop}>")
                    continue
                self.relation(s, slug, t, f"<{prop}>")
                covered.get(mapping[slug], set()).update({(s, t), (t, s)} if mapping[slug] == "related" else {(s, t)})
        pairs = set()
        for s, t in self.g.subject_objects(SKOS.broader):
            if s in concepts:
                pairs.add((s, t)) if known(t) else self.outside(s, SKOS.broader, t, "skos:broader")
        for s, t in self.g.subject_objects(SKOS.narrower):
            if s in concepts:
                pairs.add((t, s)) if known(t) else self.outside(s, SKOS.narrower, t, "skos:narrower")
        used = False
        for s, t in sorted(pairs - covered["broader"], key=str):
            self.relation(s, self.broader, t, "skos:broader")
            used = True
        related = set()
        for s, t in sorted(self.g.subject_objects(SKOS.related), key=str):
            if s not in concepts:
                continue
            if not known(t):
                self.outside(s, SKOS.related, t, "skos:related")
            elif (s, t) not in covered["related"] and (t, s) not in related:
                related.add((s, t))
                self.relation(s, self.related, t, "skos:related")
        declared = {item.data["slug"] for item in self.doc.relation_types}
        for default in self.pending_default:
            needed = used if default is BROADER_DEFAULT else bool(related)
            if needed and default["slug"] not in declared and default["slug"] not in self.stored["types"]:
                self.doc.relation_types.append(Item(dict(default), "(the SKOS mapping)", "rdf"))

    def read_references(self):
        refs = {}
        for predicate, kind in ((DCTERMS.source, "article"), (RDFS.seeAlso, "site")):
            for concept in self.concepts:
                for url in self.values(concept, predicate):
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


    # What was not kept -----------------------------------------------------------------------

    def read_scheme(self):
        """A file of one concept scheme is one vocabulary: the glossary becomes that scheme (its
        URI, title in each language, description). The scheme our own exports mint (the
        instance's base URI, whose vocabulary its concepts use) gives its title but not its URI.
        A file of several schemes merges them: each is named as not kept."""
        schemes = sorted(set(self.g.subjects(RDF.type, SKOS.ConceptScheme)), key=str)
        self.scheme = None  # the file's one scheme, once read

        def title_of(scheme):
            return self.text(scheme, SKOS.prefLabel) or self.text(scheme, DCTERMS.title) or self.text(scheme, RDFS.label)

        if len(schemes) == 1 and isinstance(schemes[0], URIRef):
            scheme = self.scheme = schemes[0]
            data = {"uri": str(scheme)}
            if (None, URIRef(f"{scheme}vocab#status"), None) in self.g:
                del data["uri"]  # minted by an export from the instance at that address
            title = title_of(scheme)
            if title and title != DEFAULT_SCHEME_TITLE:
                data["title"] = " ".join(title.split())[:100]
            titles = self.category_names(scheme) or self.category_names(scheme, DCTERMS.title)
            if titles:
                data["titles"] = titles
            description = self.text(scheme, DCTERMS.description) or self.text(scheme, SKOS.definition)
            if description:
                data["description"] = description
            self.doc.scheme = Item(data, f"<{scheme}>", "rdf", names={"title": "skos:prefLabel",
                                                                      "titles": "skos:prefLabel", "uri": "(URI)"})
            return
        for scheme in schemes:
            members = ({c for c in self.g.subjects(SKOS.inScheme, scheme)}
                       | {c for c in self.g.subjects(SKOS.topConceptOf, scheme)}
                       | set(self.g.objects(scheme, SKOS.hasTopConcept))) & self.in_file
            title = title_of(scheme) or _local(scheme)
            self.warn(scheme.n3() if isinstance(scheme, URIRef) else "a blank node",
                      f"the concept scheme “{title[:80]}” is not kept: its {len(members):,} "
                      f"concept{'s' if len(members) != 1 else ''} come in as the glossary's, which is one scheme; "
                      "a file of several schemes merges them")

    def report_unread(self):
        """Each property of the file's concepts, collections and scheme that nothing here reads, once,
        with how often it occurs: what the import will not keep."""
        known = CONCEPT_PREDICATES | set(self.type_slug)
        unread = defaultdict(list)
        for concept in self.concepts:
            for predicate in self.props[concept]:
                if predicate not in known and not _is_ours(predicate, OUR_CONCEPT_NAMES):
                    unread[("concept", predicate)].append(concept)
        others = [("collection", c, COLLECTION_PREDICATES) for c in self.collections]
        if self.scheme is not None:
            others.append(("concept scheme", self.scheme, SCHEME_PREDICATES))
        for kind, subject, read in others:
            for predicate in set(self.g.predicates(subject)):
                if predicate not in read and not _is_ours(predicate, {"color"}):
                    unread[(kind, predicate)].append(subject)
        for (kind, predicate), subjects in sorted(unread.items(), key=lambda pair: (pair[0][0], str(pair[0][1]))):
            count = len(subjects)
            first = min(subjects, key=str)
            shown = first.n3() if isinstance(first, URIRef) else "a blank node"
            self.warn(self.g.namespace_manager.normalizeUri(predicate),
                      f"on {count:,} {kind}{'s' if count != 1 else ''} (the first: {shown}); not read, so not kept")


def _is_ours(predicate, names):
    """Whether ``predicate`` is one of ``names`` in our own vocabulary (any instance's ``…/vocab#``)."""
    text = str(predicate)
    return "/vocab#" in text and text.rsplit("#", 1)[-1] in names


def _ours(g, subject, name):
    """The value of our own ``<base>vocab#<name>`` property, written by any instance, or None."""
    suffix = f"/vocab#{name}"
    return next((o for p, o in sorted(g.predicate_objects(subject), key=str) if str(p).endswith(suffix)), None)


def _ours_literal(g, subject, name):
    value = _ours(g, subject, name)
    return value if isinstance(value, Literal) else None


_TERM_NAMES = {"name": "skos:prefLabel", "short_definition": "skos:definition", "body": "skos:note",
               "replaced_by": "dct:isReplacedBy", "category": "skos:member", "status": "status",
               "notation": "skos:notation", "uri": "(URI)",
               "created_at": "dct:created", "updated_at": "dct:modified", "slug": "(URI)"}
_NESTED_NAMES = {
    "labels": {"text": "label", "language": "label language", "kind": "label kind"},
    "notes": {"text": "note", "language": "note language"},
    "mappings": {"uri": "mapping"},
}
_TYPE_NAMES = {"label": "rdfs:label", "inverse_label": "inverseLabel", "slug": "(URI)"}
_RELATION_NAMES = {"source": "(subject)", "type": "(predicate)", "target": "(object)", "note": "note"}
