"""Check an exchange document against the glossary and plan its writes, without writing.

The same rules as every other write path (`glossary.rules` and the model fields' own
validators), applied to the whole document at once on the state after the import: field values,
slugs, URIs, labels (one preferred label per term and language; preferred labels unique among
current terms), self-loops, duplicates and symmetric duplicates, cycles of acyclic types on the
union of stored and imported edges. Real contradictions become errors with their place; what the
plan had to interpret becomes a warning. A `Plan` with no errors is ready for `write.write_plan`.

Rows are matched by natural key — terms and categories by URI first, then slug; relation types
by slug; references by URL — so importing a file twice changes nothing the second time, and
importing into a glossary that holds other terms merges.
"""

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from glossary import rules
from glossary.models import LABEL_FIELDS, MAPPING_FIELDS, NOTE_FIELDS
from glossary.models import (
    Category,
    Label,
    Mapping,
    Note,
    Reference,
    Relation,
    RelationType,
    Scheme,
    Term,
    TermStatus,
    default_language,
    language_tag,
    name_languages,
    validate_category_names,
)

MODELS = ("categories", "relation_types", "terms", "labels", "notes", "mappings", "relations", "references")

CATEGORY_DEFAULTS = {"description": "", "color": Category._meta.get_field("color").default}
# The colours a new category gets when its file gives none (a SKOS collection), in turn: distinct
# hues that read on the light and the dark theme, so an import's groups differ in the graph.
CATEGORY_COLORS = ("#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2",
                   "#db2777", "#65a30d", "#c2410c", "#4f46e5", "#0d9488", "#a16207")


def unused_color(taken: Iterable[str]) -> str:
    """The first of `CATEGORY_COLORS` no category has yet, else the next in turn."""
    taken = {color.lower() for color in taken}
    return next((color for color in CATEGORY_COLORS if color not in taken),
                CATEGORY_COLORS[len(taken) % len(CATEGORY_COLORS)])


RELATION_TYPE_DEFAULTS = {
    "description": "", "symmetric": False, "transitive": False, "acyclic": False,
    "color": RelationType._meta.get_field("color").default, "skos_mapping": "none",
}
TERM_TEXT_FIELDS = ("short_definition", "body", "status", "notation")
NESTED = {"labels": (Label, LABEL_FIELDS), "notes": (Note, NOTE_FIELDS), "mappings": (Mapping, MAPPING_FIELDS)}


def no_progress(iterable, **kwargs):
    return iterable


class Report:
    """What the import did (or, in a dry run, would do), per model, and what it interpreted."""

    def __init__(self, dry_run=False):
        self.dry_run = dry_run
        self.counts = {name: Counter() for name in (*MODELS, "scheme")}
        self.warnings = []

    def rows(self):
        """(model, created, updated, unchanged, removed) per model, for tables; the concept scheme
        only for a file that names one."""
        return [
            (name.replace("_", " "), c["created"], c["updated"], c["unchanged"], c["removed"])
            for name, c in self.counts.items() if name in MODELS or sum(c.values())
        ]

    def lines(self):
        lines = []
        for name, created, updated, unchanged, removed in self.rows():
            line = f"{name}: {created} created, {updated} updated, {unchanged} unchanged"
            lines.append(line + (f", {removed} removed" if removed else ""))
        return lines

    @property
    def changes(self):
        return sum(c["created"] + c["updated"] + c["removed"] for c in self.counts.values())


def _text(value):
    return " ".join(value.split()) if isinstance(value, str) else value


@functools.cache
def _field_spec(model, name):
    """(boolean?, allowed choices, blank allowed?, validators) of a model field, looked up once."""
    field = model._meta.get_field(name)
    choices = tuple(choice for choice, _ in field.choices) if field.choices else ()
    return isinstance(field, models.BooleanField), choices, field.blank, tuple(field.validators)


LABEL_KINDS = frozenset(rules.LABEL_KINDS)
LABEL_SUBKINDS = frozenset(choice for choice, _ in Label._meta.get_field("subkind").choices)
LABEL_MAX = Label._meta.get_field("text").max_length


def _clean_label(data):
    """A well-formed label as a complete dict, or None to let `Plan.fields_ok` name its problem.

    The common case of a big vocabulary (500,000 labels) skips the general field checks.
    """
    text, language = data.get("text"), data.get("language") or ""
    kind, subkind = data.get("kind") or "alternative", data.get("subkind") or ""
    if (type(text) is str and type(language) is str and kind in LABEL_KINDS and subkind in LABEL_SUBKINDS
            and 0 < len(text) <= LABEL_MAX and text.strip() and rules.text_error(text) is None
            and (not language or (len(language) <= 16 and language_tag.regex.match(language)))):
        return {"text": " ".join(text.split()), "language": language, "kind": kind, "subkind": subkind}
    return None


class Plan:
    """The checked document: errors, warnings and the rows to write."""

    def __init__(self, document, progress=no_progress, dry_run=False):
        self.doc = document
        self.progress = progress
        self.errors = []
        self.report = Report(dry_run=dry_run)
        self.report.warnings.extend(document.warnings)
        self.now = timezone.now()
        self.language = default_language()

    # Field checks shared by every section ----------------------------------------------------

    def fields_ok(self, item, model, names, required=()):
        """Check the given fields of ``item`` with the model fields' own rules; True if clean."""
        before = len(self.errors)
        data = item.data
        for name in required:
            if name not in data or data[name] is None:
                self.errors.append(f"{item.at(name)}: is missing")
        for name in names:
            value = data.get(name)
            if value is None:
                continue
            is_bool, choices, blank, validators = _field_spec(model, name)
            if is_bool:
                if not isinstance(value, bool):
                    self.errors.append(f"{item.at(name)}: expected true or false, found {value!r:.80}")
                continue
            if not isinstance(value, str):
                self.errors.append(f"{item.at(name)}: expected text, found {value!r:.80}")
                continue
            if not value.strip():
                if not blank:
                    self.errors.append(f"{item.at(name)}: is empty")
                continue
            if choices:
                if value not in choices:
                    self.errors.append(f"{item.at(name)}: {value!r:.80} is not one of {', '.join(c for c in choices if c)}")
                continue
            problem = rules.text_error(value)
            if problem:
                self.errors.append(f"{item.at(name)}: {problem}")
                continue
            for validator in validators:
                try:
                    validator(value)
                except ValidationError as exc:
                    self.errors.append(f"{item.at(name)}: {' '.join(exc.messages)}")
                    break
        return len(self.errors) == before

    def stamp(self, item, name):
        """The date-time in ``item.data[name]``, None when absent; an error when unreadable."""
        value = item.data.get(name)
        if value is None or value == "":
            return None
        parsed = parse_datetime(value) if isinstance(value, str) and "\x00" not in value else None
        if parsed is None:
            self.errors.append(f"{item.at(name)}: {value!r:.80} is not an ISO 8601 date-time")
            return None
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, timezone.get_fixed_timezone(0))
        return parsed

    def unique_in_file(self, items, key_name):
        """Map key → item for ``items``, reporting repeated keys."""
        seen = {}
        for item in items:
            value = item.data.get(key_name)
            if not isinstance(value, str) or not value.strip():
                continue
            k = value.strip()
            if k in seen:
                self.errors.append(f"{item.at(key_name)}: {value!r:.80} appears twice (first at {seen[k].at()})")
            else:
                seen[k] = item
        return seen

    def copy(self, instance, item, names, fields=None):
        """Copy ``names`` present in ``item`` (or their cleaned ``fields``) onto ``instance``; True if any differed."""
        changed = False
        for name in names:
            if item.data.get(name) is not None:
                value = (fields or {}).get(name, item.data[name])
                if getattr(instance, name) != value:
                    setattr(instance, name, value)
                    changed = True
        return changed

    def tally(self, model_name, instance, changed):
        """Count ``instance`` as created, updated or unchanged; True if it must be written."""
        outcome = "created" if instance.pk is None else "updated" if changed else "unchanged"
        self.report.counts[model_name][outcome] += 1
        return outcome != "unchanged"

    # The check -------------------------------------------------------------------------------

    def check(self):
        self.check_scheme()
        self.check_categories()
        self.check_relation_types()
        self.check_terms()
        self.check_labels()
        self.check_nested("notes")
        self.check_nested("mappings")
        self.check_relations()
        self.check_references()
        return self

    def check_categories(self):
        names = ("slug", "name", "description", "color")
        self.categories = {c.slug: c for c in Category.objects.all()}
        self.category_former_names = {c.pk: c.name for c in self.categories.values()}  # the file may rename them
        stored_uris = {c.uri: slug for slug, c in self.categories.items() if c.uri}
        self.category_slug_map = {}  # a file's slug → the glossary's (they differ when matched by URI)
        self.category_writes = []
        for item in self.doc.categories:
            if isinstance(item.data.get("uri"), str):
                item.data["uri"] = item.data["uri"].strip() or None
        valid = [i for i in self.doc.categories
                 if self.fields_ok(i, Category, (*names, "uri"), required=("slug",)) and self.category_names_ok(i)]
        self.unique_in_file(valid, "uri")
        by_slug = {}  # the glossary's slug → the file's item
        for file_slug, item in self.unique_in_file(valid, "slug").items():
            slug = stored_uris.get(item.data.get("uri")) or file_slug
            if slug in by_slug:
                self.errors.append(f"{item.at()}: is the glossary's category {slug!r}, as {by_slug[slug].at()} is")
                continue
            if slug != file_slug:
                self.report.warnings.append(
                    f"{item.at()}: is the glossary's category {slug!r} (same URI); updated under that slug")
            self.category_slug_map[file_slug] = slug
            by_slug[slug] = item
        changed = {}
        for slug, item in by_slug.items():
            category = self.categories.get(slug)
            if category is None:
                if not item.data.get("name"):
                    self.errors.append(f"{item.at('name')}: is missing")
                    continue
                color = unused_color(c.color for c in self.categories.values())
                category = Category(slug=slug, **{**CATEGORY_DEFAULTS, "color": color})
                self.categories[slug] = category
            changed[slug] = self.copy(category, item, (*names[1:], "names"), {"name": _text(item.data.get("name"))})
            uri = item.data.get("uri", category.uri)
            if uri != category.uri and not self.minted_here(category, uri, "categories"):
                category.uri = uri
                changed[slug] = True
        # Parents after every category of the file is known: a parent may come later in the file.
        self.check_category_parents(by_slug)
        for slug, was_changed in changed.items():
            if self.tally("categories", self.categories[slug], was_changed or slug in self.category_parent):
                self.category_writes.append(self.categories[slug])
        seen = {}
        for slug, category in self.categories.items():
            other = seen.setdefault(category.name.lower(), slug)
            blamed = by_slug.get(slug) or by_slug.get(other)
            if other != slug and blamed is not None:
                self.errors.append(f"{blamed.at('name')}: {category.name!r} is already the name of category "
                                   f"{(other if blamed is by_slug.get(slug) else slug)!r}")

    def category_slug(self, file_slug):
        """The glossary slug a file's category slug stands for (a category matched by URI keeps its own)."""
        return self.category_slug_map.get(file_slug, file_slug)

    def check_category_parents(self, by_slug):
        """Each category's ``parent`` (a category of the file or the glossary, or none), and no
        category inside itself once the file is read (`Category.clean` says the same)."""
        by_id = {c.pk: slug for slug, c in self.categories.items() if c.pk}
        parents = {slug: by_id.get(c.parent_id) for slug, c in self.categories.items()}
        self.category_parent = {}  # slug → parent slug or None, where the file changes it
        for slug, item in by_slug.items():
            if "parent" not in item.data:
                continue
            parent = item.data["parent"] or None
            if isinstance(parent, str):
                parent = self.category_slug(parent)
            if parent is not None and (not isinstance(parent, str) or parent not in self.categories):
                self.errors.append(f"{item.at('parent')}: no category {parent!r:.80}")
                continue
            if parents.get(slug) != parent or (parent and not self.categories[parent].pk):
                self.category_parent[slug] = parent
                parents[slug] = parent
        for loop in rules.find_cycles((child, parent) for child, parent in parents.items() if parent):
            item = next((by_slug[slug] for slug in loop if slug in by_slug), None)
            if item is not None:
                names = [self.categories[slug].name for slug in loop]
                self.errors.append(f"{item.at('parent')}: {rules.category_loop_message(names)}")

    def category_names_ok(self, item, field="names"):
        """A category's names (or the scheme's titles) in other languages, when the file gives
        them, by the model's rule."""
        value = item.data.get(field)
        if value is None:
            return True
        try:
            validate_category_names(value)
        except ValidationError as exc:
            self.errors.append(f"{item.at(field)}: {' '.join(exc.messages)}")
            return False
        return True

    def check_scheme(self):
        """The vocabulary the file says it is: the glossary becomes it, unless the glossary is
        another one already (then the file's scheme is named as not kept)."""
        self.scheme_write = None
        item = self.doc.scheme
        if item is None or not (self.fields_ok(item, Scheme, ("uri", "title", "description"))
                                and self.category_names_ok(item, "titles")):
            return
        scheme = Scheme.current()
        uri = (item.data.get("uri") or "").strip()
        if scheme.uri and uri and uri != scheme.uri:
            self.report.warnings.append(f"{item.at()}: the glossary is the concept scheme <{scheme.uri}>; "
                                        "this file's scheme is not kept (its concepts come in)")
            return
        fields = {"uri": uri, "title": _text(item.data.get("title")), "description": item.data.get("description"),
                  "titles": item.data.get("titles")}
        given = [name for name, value in fields.items() if value]
        if not given:
            return  # the scheme an export minted, without a title of its own: nothing to keep
        changed = self.copy(scheme, item, given, fields)
        self.report.counts["scheme"][
            "created" if scheme._state.adding else "updated" if changed else "unchanged"] += 1
        if changed:
            self.scheme_write = scheme

    def check_relation_types(self):
        names = RELATION_TYPE_DEFAULTS.keys() | {"slug", "label", "inverse_label"}
        self.types = {t.slug: t for t in RelationType.objects.all()}
        self.stored_acyclic = {slug for slug, t in self.types.items() if t.acyclic}
        self.type_items = {}
        self.type_writes = []
        valid = [i for i in self.doc.relation_types
                 if self.fields_ok(i, RelationType, sorted(names), required=("slug",))]
        for slug, item in self.unique_in_file(valid, "slug").items():
            rtype = self.types.get(slug)
            data = item.data
            if rtype is None:
                if not data.get("label"):
                    self.errors.append(f"{item.at('label')}: is missing")
                    continue
                rtype = RelationType(slug=slug, **RELATION_TYPE_DEFAULTS)
                rtype.label = data["label"]
                rtype.inverse_label = data.get("inverse_label") or (data["label"] if data.get("symmetric") else "")
                if not rtype.inverse_label:
                    self.errors.append(f"{item.at('inverse_label')}: is missing")
                    continue
                self.types[slug] = rtype
            if self.tally("relation_types", rtype, self.copy(rtype, item, sorted(names - {"slug"}))):
                self.type_writes.append(rtype)
            self.type_items[slug] = item
            if rtype.symmetric and rtype.label != rtype.inverse_label:
                self.errors.append(
                    f"{item.at('inverse_label')}: a symmetric relation type reads the same both ways; "
                    f"its label and inverse label must be equal"
                )
            if rtype.symmetric and rtype.acyclic:
                self.errors.append(f"{item.at('acyclic')}: a symmetric relation type cannot be acyclic")

    # Terms -----------------------------------------------------------------------------------

    def check_terms(self):
        simple = ("slug", "uri", "notation", "short_definition", "body", "status")
        self.terms = {t.slug: t for t in Term.objects.all()}
        self.term_slug_by_id = {t.pk: t.slug for t in self.terms.values()}
        self.stored_uris = {t.uri: t.slug for t in self.terms.values() if t.uri}
        # A file's slug → the slug of the term it is (they differ when a stored term matched by URI).
        self.slug_map = {}
        self.term_items = {}
        self.term_writes = []
        self.replacements = {}
        self.new_category = {}  # term slug -> category slug or None, where it changes
        category_by_id = {c.pk: slug for slug, c in self.categories.items() if c.pk}
        valid = []
        for item in self.progress(self.doc.terms, desc="checking terms", unit="term"):
            if isinstance(item.data.get("slug"), str):
                item.data["slug"] = item.data["slug"].strip()
            if isinstance(item.data.get("uri"), str):
                item.data["uri"] = item.data["uri"].strip() or None
            if self.fields_ok(item, Term, simple, required=("slug",)) and self.fields_ok(item, Term, ("name",)):
                valid.append(item)
        by_slug = self.unique_in_file(valid, "slug")
        self.unique_in_file(valid, "uri")
        for file_slug, item in by_slug.items():
            data = item.data
            slug = self.stored_uris.get(data.get("uri")) or file_slug
            self.slug_map[file_slug] = slug
            term = self.terms.get(slug)
            if term is None:
                if not (data.get("name") or item.lists.get("labels")):
                    self.errors.append(f"{item.at('name')}: is missing")
                    continue
                term = Term(slug=slug, created_at=self.now, updated_at=self.now)
                self.terms[slug] = term
            elif slug != file_slug:
                self.report.warnings.append(f"{item.at()}: is the glossary's term {slug!r} (same URI); updated under that slug")
            self.term_items[slug] = item
            changed = self.copy(term, item, TERM_TEXT_FIELDS)
            if "uri" in data and data["uri"] != term.uri and not self.minted_here(term, data["uri"], "terms"):
                owner = self.stored_uris.get(data["uri"])
                if data["uri"] is not None and owner not in (None, slug):
                    self.errors.append(f"{item.at('uri')}: {data['uri']} is already the URI of term {owner!r}")
                term.uri = data["uri"]
                changed = True
            if "category" in data:
                category = data["category"] or None
                if isinstance(category, str):
                    category = self.category_slug(category)
                if category is not None and category not in self.categories:
                    self.errors.append(f"{item.at('category')}: no category {category!r:.80}")
                elif category_by_id.get(term.category_id) != category or (category and not self.categories[category].pk):
                    self.new_category[slug] = category
                    changed = True
            if "replaced_by" in data:
                wanted = data["replaced_by"] or None
                if wanted != self.term_slug_by_id.get(term.replaced_by_id):
                    self.replacements[slug] = wanted
                    changed = True
            for name in ("created_at", "updated_at"):
                stamp = self.stamp(item, name)
                if stamp is not None and getattr(term, name) != stamp:
                    setattr(term, name, stamp)
                    changed = True
            if changed and term.pk and not data.get("updated_at"):
                term.updated_at = self.now
            if self.tally("terms", term, changed):
                self.term_writes.append(term)
        self.check_replacements()

    @staticmethod
    def minted_here(instance, uri, segment):
        """Whether ``uri`` is the one this glossary minted for a stored term (``segment`` "terms")
        or category ("categories") without its own.

        Re-importing our own export must not pin those minted URIs onto them.
        """
        return (instance.pk is not None and instance.uri is None and uri is not None
                and uri.endswith(f"/{segment}/{instance.slug}"))

    def resolve(self, slug):
        """The glossary slug a file's slug stands for (a term matched by URI keeps its own)."""
        return self.slug_map.get(slug, slug)

    def check_replacements(self):
        for slug, item in self.term_items.items():
            if slug in self.replacements:
                wanted = self.replacements[slug]
                if wanted is not None and not isinstance(wanted, str):
                    self.errors.append(f"{item.at('replaced_by')}: expected a term slug, found {wanted!r:.80}")
                    continue
                wanted = self.replacements[slug] = self.resolve(wanted) if wanted else None
            else:
                wanted = self.term_slug_by_id.get(self.terms[slug].replaced_by_id)
            if wanted is None:
                continue
            if wanted not in self.terms:
                self.errors.append(f"{item.at('replaced_by')}: no term {wanted!r:.80}")
                continue
            problem = rules.replacement_error(status=self.terms[slug].status, replaced_by=wanted, own=slug)
            if problem:
                self.errors.append(f"{item.at('replaced_by')}: {problem}")

    # Labels, notes and mappings --------------------------------------------------------------

    def nested_rows(self, slug, name):
        """A term's valid rows of one list (labels, notes, mappings) as dicts, or None if absent."""
        rows = self.term_items[slug].lists.get(name)
        if rows is None:
            return None
        model, fields = NESTED[name]
        required = ("text",) if name != "mappings" else ("uri",)
        clean = []
        for row in rows:
            label = _clean_label(row.data) if name == "labels" else None
            if label is not None:
                label["_item"] = row
                clean.append(label)
            elif self.fields_ok(row, model, fields, required=required):
                values = {f: row.data.get(f) for f in fields}
                for f in fields:
                    if values[f] is None:
                        values[f] = model._meta.get_field(f).get_default()
                    elif f != "text" or name == "labels":
                        values[f] = _text(values[f])
                clean.append(values | {"_item": row})
        return clean

    def check_labels(self):
        """Each term's labels, then preferred labels and names across current terms."""
        # Tuples (text, language, kind, subkind): 500,000 stored labels must stay light.
        stored = defaultdict(list)
        for term_id, *label in Label.objects.values_list("term_id", *LABEL_FIELDS).iterator(chunk_size=20000):
            stored[self.term_slug_by_id[term_id]].append(tuple(label))
        self.label_writes = {}  # slug → the term's complete new labels, as dicts
        written = {term.slug for term in self.term_writes}
        counts = self.report.counts["labels"]
        own = self.language.lower()
        for slug, item in self.progress(list(self.term_items.items()), desc="checking labels", unit="term"):
            labels = self.nested_rows(slug, "labels")
            name = item.data.get("name")
            if labels is None:
                labels = [dict(zip(LABEL_FIELDS, label)) for label in stored.get(slug, [])]
                if name:
                    labels = self.with_name(labels, _text(name), item)
            elif name and rules.fold(name) != rules.fold(self.shown(labels)):
                self.errors.append(f"{item.at('name')}: {name!r:.80} is not the name its labels give the term "
                                   f"(its preferred label in {self.language!r})")
            data = [rules.LabelData(label["text"], label["language"], label["kind"]) for label in labels]
            for index, message in rules.term_label_errors(data):
                place = labels[index].get("_item", item)
                self.errors.append(f"{place.at('text')}: {message}")
            if not any(label["kind"] == "preferred" for label in labels):
                self.errors.append(f"{item.at('labels')}: the term has no preferred label")
                continue
            wanted = {tuple(label[f] for f in LABEL_FIELDS) for label in labels}
            before = set(stored.get(slug, ()))
            counts["created"] += len(wanted - before)
            counts["removed"] += len(before - wanted)
            counts["unchanged"] += len(wanted & before)
            if wanted != before:
                self.label_writes[slug] = labels
                stored[slug] = list(wanted)
            elif any(label["kind"] == "preferred" and label["language"].lower() == own for label in labels):
                continue  # the same labels, with a name in the glossary's language: the same name
            term = self.terms[slug]
            # Also with the same labels when the name comes from another language: the fallbacks
            # (GLOSSARY_NAME_FALLBACK) may have changed since.
            name = self.shown(labels)
            if term.name != name:
                term.name = name
                if term.pk and slug not in written:
                    written.add(slug)
                    self.term_writes.append(term)
                    self.report.counts["terms"]["updated"] += 1
                    self.report.counts["terms"]["unchanged"] -= 1
        self.check_label_clashes(stored)

    def shown(self, labels):
        """The name ``labels`` give a term (dicts or (text, language, kind, …) tuples)."""
        found = rules.display_label(
            [rules.LabelData(*((l["text"], l["language"], l["kind"]) if isinstance(l, dict) else l[:3]))
             for l in labels],
            name_languages(),
        )
        return found.text if found else ""

    def with_name(self, labels, name, item):
        """Stored labels with the file's ``name`` as the preferred label in the glossary's language."""
        for label in labels:
            if label["kind"] == "preferred" and label["language"] == self.language:
                label["text"] = name
                return labels
        if labels and rules.fold(self.shown(labels)) == rules.fold(name):
            return labels  # the name of a term known in another language, as exported
        labels = [l for l in labels if not (l["language"] == self.language and rules.fold(l["text"]) == rules.fold(name))]
        return [*labels, {"text": name, "language": self.language, "kind": "preferred", "subkind": "", "_item": item}]

    def check_label_clashes(self, labels_by_slug):
        """Two current terms with one preferred label in a language, or with one name: refused."""
        # Stored terms first, then the file's in file order: the later of two clashing terms is blamed.
        order = {slug: i for i, slug in enumerate(self.term_items)}
        current = sorted((slug for slug, term in self.terms.items() if term.status != TermStatus.DEPRECATED),
                         key=lambda s: (s in order, order.get(s, 0), s))
        rows = [
            (slug, language, text, self.terms[slug].name)
            for slug in current
            for text, language, kind, _subkind in labels_by_slug.get(slug, ())
            if kind == "preferred"
        ]
        reported = set()
        for slug, other, text, language in rules.preferred_label_clashes(rows):
            item = self.term_items.get(slug) or self.term_items.get(other)
            if item is None:
                continue  # two stored terms: not this import's doing
            reported.add(frozenset((slug, other)))
            owner, holder = (slug, other) if item is self.term_items.get(slug) else (other, slug)
            self.errors.append(f"{item.at('labels')}: " + rules.preferred_label_taken_message(
                text, language, self.terms[owner].name, self.terms[holder].name,
                f"<{self.terms[holder].uri}>" if self.terms[holder].uri else holder))
        names = {}
        for slug in current:
            other = names.setdefault(rules.fold(self.terms[slug].name), slug)
            if other != slug and frozenset((slug, other)) not in reported and slug in self.term_items:
                self.errors.append(f"{self.term_items[slug].at('name')}: "
                                   + rules.display_name_taken_message(self.terms[slug].name, self.terms[other].name))

    def check_nested(self, name):
        """Notes or mappings: a term that lists them gets exactly those."""
        model, fields = NESTED[name]
        self.__dict__[f"{name}_writes"] = writes = {}
        wanted_by_slug = {}
        for slug in self.term_items:
            rows = self.nested_rows(slug, name)
            if rows is not None:
                wanted_by_slug[slug] = rows
        if not wanted_by_slug:
            return
        ids = [self.terms[slug].pk for slug in wanted_by_slug if self.terms[slug].pk]
        stored = defaultdict(list)
        for term_id, *values in model.objects.filter(term_id__in=ids).values_list("term_id", *fields).iterator(
            chunk_size=20000
        ):
            stored[self.term_slug_by_id[term_id]].append(tuple(values))
        counts = self.report.counts[name]
        for slug, rows in wanted_by_slug.items():
            wanted = [tuple(row[f] for f in fields) for row in rows]
            for i, key in enumerate(wanted):
                if key in wanted[:i]:
                    self.errors.append(f"{rows[i]['_item'].at()}: given twice for this term")
            before = Counter(stored.get(slug, []))
            after = Counter(wanted)
            counts["created"] += sum((after - before).values())
            counts["removed"] += sum((before - after).values())
            counts["unchanged"] += sum((after & before).values())
            if after != before:
                writes[slug] = wanted

    # Relations -------------------------------------------------------------------------------

    def check_relations(self):
        names = ("note",)
        stored_edges = {}
        type_slug = {t.pk: slug for slug, t in self.types.items() if t.pk}
        for pk, s, ty, t, note, created in Relation.objects.values_list(
            "pk", "source_id", "type_id", "target_id", "note", "created_at"
        ).iterator(chunk_size=20000):
            stored_edges[(self.term_slug_by_id[s], type_slug[ty], self.term_slug_by_id[t])] = (pk, note, created)
        self.relation_creates, self.relation_updates = [], []
        new_edges = {}  # type slug -> {(source, target): item}
        seen = {}
        terms, types, slug_map = self.terms, self.types, self.slug_map
        symmetric_types = {slug for slug, rtype in types.items() if rtype.symmetric}
        counts = Counter()
        for item in self.progress(self.doc.relations, desc="checking relations", unit="relation"):
            data = item.data
            if data.get("note") and not self.fields_ok(item, Relation, names):
                continue
            s, ty, t = data.get("source"), data.get("type"), data.get("target")
            s, t = slug_map.get(s, s), slug_map.get(t, t)
            # The common case first: three known slugs (this loop runs 500,000 times in the benchmark).
            if not (type(s) is str and type(ty) is str and type(t) is str and s in terms and ty in types and t in terms):
                self.endpoint_errors(item)
                continue
            created = self.stamp(item, "created_at") if data.get("created_at") else None
            if s == t:
                self.errors.append(f"{item.at('target')}: {rules.self_loop_message()}")
                continue
            symmetric = ty in symmetric_types
            key = (min(s, t), ty, max(s, t)) if symmetric else (s, ty, t)
            if key in seen:
                first = seen[key]
                twin = "a symmetric duplicate" if (s, t) != first[:2] else "a duplicate"
                self.errors.append(f"{item.at()}: {twin} of {first[2].at()} ({s} {ty} {t})")
                continue
            seen[key] = (s, t, item)
            stored = stored_edges.get((s, ty, t)) or (stored_edges.get((t, ty, s)) if symmetric else None)
            if stored is None:
                self.relation_creates.append((s, ty, t, data.get("note") or "", created or self.now))
                new_edges.setdefault(ty, {})[(s, t)] = item
                counts["created"] += 1
                continue
            pk, note, stored_created = stored
            wanted_note = note if data.get("note") is None else data["note"]
            wanted_created = created or stored_created
            if (wanted_note, wanted_created) != (note, stored_created):
                self.relation_updates.append(Relation(pk=pk, note=wanted_note, created_at=wanted_created))
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        self.report.counts["relations"].update(counts)
        self.check_cycles(stored_edges, new_edges)

    def endpoint_errors(self, item):
        for end, pool, what in (("source", self.terms, "term"), ("type", self.types, "relation type"),
                                ("target", self.terms, "term")):
            value = item.data.get(end)
            if not isinstance(value, str) or not value.strip():
                self.errors.append(f"{item.at(end)}: is missing")
            elif self.slug_map.get(value, value) not in pool:
                self.errors.append(f"{item.at(end)}: no {what} {value!r:.80}")

    def check_cycles(self, stored_edges, new_edges):
        stored_by_type = None
        for slug, rtype in self.types.items():
            became_acyclic = rtype.acyclic and slug not in self.stored_acyclic
            if not rtype.acyclic or not (new_edges.get(slug) or became_acyclic):
                continue
            if stored_by_type is None:
                stored_by_type = defaultdict(list)
                for s, ty, t in stored_edges:
                    stored_by_type[ty].append((s, t))
            imported = new_edges.get(slug, {})
            for cycle in rules.find_cycles([*stored_by_type.get(slug, ()), *imported]):
                steps = cycle[:-1]
                # Start the cycle at an imported edge closing it, as the model's message does.
                start = next((i for i, u in enumerate(steps) if (u, steps[(i + 1) % len(steps)]) in imported), None)
                if start is not None:
                    steps = steps[start:] + steps[:start]
                names = [self.terms[s].name or s for s in steps + steps[:1]]
                if start is not None:
                    self.errors.append(f"{imported[(steps[0], steps[1])].at()}: {rules.cycle_message(rtype.label, names)}")
                else:
                    self.errors.append(f"{self.type_items[slug].at('acyclic')}: {rules.existing_cycle_message(names)}")

    # References ------------------------------------------------------------------------------

    def check_references(self):
        names = ("url", "title", "kind")
        self.references = {r.url: r for r in Reference.objects.all()}
        links = set(Reference.terms.through.objects.values_list("reference_id", "term_id"))
        self.reference_writes, self.link_writes = [], []
        valid = [i for i in self.doc.references if self.fields_ok(i, Reference, names, required=("url",))]
        for url, item in self.unique_in_file(valid, "url").items():
            reference = self.references.get(url)
            if reference is None:
                if not item.data.get("title"):
                    self.errors.append(f"{item.at('title')}: is missing")
                    continue
                reference = Reference(url=url, kind="article")
            changed = self.copy(reference, item, ("title", "kind"))
            slugs = item.data.get("terms") or []
            if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
                self.errors.append(f"{item.at('terms')}: expected a list of term slugs")
                continue
            for slug in map(self.resolve, slugs):
                if slug not in self.terms:
                    self.errors.append(f"{item.at('terms')}: no term {slug!r:.80}")
                elif not (reference.pk and self.terms[slug].pk and (reference.pk, self.terms[slug].pk) in links):
                    self.link_writes.append((reference, slug))
                    changed = True
            if self.tally("references", reference, changed):
                self.reference_writes.append(reference)
