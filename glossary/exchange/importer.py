"""Import an exchange document: check every model rule, then write everything in one transaction.

This is the bulk path beside `glossary.services`: going through the services row by row would
take hours for 100,000 terms, so the same rules are checked here on the whole document at
once — field lengths, enums, slugs, colours and URLs with the model fields' own validators;
name and alias collisions case-insensitively on the state after the import; self-loops,
duplicates and symmetric duplicates; cycles of acyclic types with networkx on the union of the
stored and the imported edges. Every problem is reported with its place, and nothing is
written unless there is none.

Rows are upserted by natural key (slug; URL for references), so importing a file twice changes
nothing the second time, and importing into a glossary that holds other terms merges. Imports
add relations and reference links but never delete them; a term that lists its aliases gets
exactly those aliases.
"""

import itertools
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from glossary.exchange.document import ExchangeError
from glossary.models import Alias, Category, Reference, Relation, RelationType, Term, TermStatus
from glossary.changelog import changelog_record_bulk

BATCH = 5000

MODELS = ("categories", "relation_types", "terms", "aliases", "relations", "references")

CATEGORY_DEFAULTS = {"description": "", "color": Category._meta.get_field("color").default}
RELATION_TYPE_DEFAULTS = {
    "description": "", "symmetric": False, "transitive": False, "acyclic": False,
    "color": RelationType._meta.get_field("color").default, "skos_mapping": "none",
}
TERM_TEXT_FIELDS = ("name", "short_definition", "body", "status")


def no_progress(iterable, **kwargs):
    return iterable


@dataclass
class ImportReport:
    """What the import did (or, in a dry run, would do), per model."""

    dry_run: bool = False
    counts: dict = field(default_factory=lambda: {name: Counter() for name in MODELS})

    def rows(self):
        """(model, created, updated, unchanged, removed) per model, for tables."""
        return [
            (name.replace("_", " "), c["created"], c["updated"], c["unchanged"], c["removed"])
            for name, c in self.counts.items()
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


def import_document(document, *, dry_run=False, progress=no_progress) -> ImportReport:
    """Validate ``document`` against the database and, unless ``dry_run``, write it atomically.

    Raises `ExchangeError` listing every problem; in that case nothing has been written.
    """
    with transaction.atomic():
        if not dry_run:
            # Serialise with concurrent writers of acyclic/symmetric relations (see services).
            list(RelationType.objects.select_for_update()
                 .filter(models.Q(acyclic=True) | models.Q(symmetric=True)).order_by("pk"))
        plan = _Plan(document, progress, dry_run)
        plan.check()
        if plan.errors:
            raise ExchangeError(plan.errors)
        if not dry_run:
            try:
                plan.write()
            except IntegrityError as exc:
                raise ExchangeError([f"the database refused the import: {exc}"]) from exc
            if plan.report.changes:
                changelog_record_bulk()
    return plan.report


def _text(value):
    return value.strip() if isinstance(value, str) else value


class _Plan:
    def __init__(self, document, progress, dry_run):
        self.doc = document
        self.progress = progress
        self.errors = []
        self.report = ImportReport(dry_run=dry_run)
        self.now = timezone.now()

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
            model_field = model._meta.get_field(name)
            if isinstance(model_field, models.BooleanField):
                if not isinstance(value, bool):
                    self.errors.append(f"{item.at(name)}: expected true or false, found {value!r}")
                continue
            if not isinstance(value, str):
                self.errors.append(f"{item.at(name)}: expected text, found {value!r}")
                continue
            if not value.strip():
                if not model_field.blank:
                    self.errors.append(f"{item.at(name)}: is empty")
                continue
            if model_field.choices:
                allowed = [choice for choice, _ in model_field.choices]
                if value not in allowed:
                    self.errors.append(f"{item.at(name)}: {value!r} is not one of {', '.join(allowed)}")
                continue
            for validator in model_field.validators:
                try:
                    validator(value)
                except ValidationError as exc:
                    self.errors.append(f"{item.at(name)}: {' '.join(exc.messages)}")
        return len(self.errors) == before

    def stamp(self, item, name):
        """The date-time in ``item.data[name]``, None when absent; an error when unreadable."""
        value = item.data.get(name)
        if value is None or value == "":
            return None
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            self.errors.append(f"{item.at(name)}: {value!r} is not an ISO 8601 date-time")
            return None
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, timezone.utc)
        return parsed

    def unique_in_file(self, items, key_name, key=None):
        """Map key → item for ``items``, reporting repeated keys."""
        seen = {}
        for item in items:
            value = item.data.get(key_name)
            if not isinstance(value, str) or not value.strip():
                continue
            k = (key or str.strip)(value)
            if k in seen:
                self.errors.append(f"{item.at(key_name)}: {value!r} appears twice (first at {seen[k].at()})")
            else:
                seen[k] = item
        return seen

    # The check -------------------------------------------------------------------------------

    def check(self):
        self.check_categories()
        self.check_relation_types()
        self.check_terms()
        self.check_aliases()
        self.check_relations()
        self.check_references()

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

    def check_categories(self):
        names = ("slug", "name", "description", "color")
        self.categories = {c.slug: c for c in Category.objects.all()}
        self.category_writes = []
        valid = [i for i in self.doc.categories if self.fields_ok(i, Category, names, required=("slug",))]
        by_slug = self.unique_in_file(valid, "slug")
        for slug, item in by_slug.items():
            category = self.categories.get(slug)
            if category is None:
                if not item.data.get("name"):
                    self.errors.append(f"{item.at('name')}: is missing")
                    continue
                category = Category(slug=slug, **CATEGORY_DEFAULTS)
                self.categories[slug] = category
            changed = self.copy(category, item, names[1:], {"name": _text(item.data.get("name"))})
            if self.tally("categories", category, changed):
                self.category_writes.append(category)
        self.names_unique(
            ((c.slug, c.name, by_slug.get(c.slug)) for c in self.categories.values()), "category"
        )

    def names_unique(self, rows, what):
        """Report names equal case-insensitively; rows are (key, name, item or None if stored)."""
        seen = {}
        for key, name, item in rows:
            other = seen.setdefault(name.lower(), (key, item))
            if other[0] != key and (item is not None or other[1] is not None):
                blamed = item or other[1]
                self.errors.append(f"{blamed.at('name')}: {name!r} is already the name of {what} {(other[0] if blamed is item else key)!r}")

    def check_relation_types(self):
        names = RELATION_TYPE_DEFAULTS.keys() | {"slug", "label", "inverse_label"}
        self.types = {t.slug: t for t in RelationType.objects.all()}
        self.stored_types = {slug: (t.acyclic, t.symmetric) for slug, t in self.types.items()}
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

    def check_terms(self):
        simple = ("slug", "name", "short_definition", "body", "status")
        self.terms = {t.slug: t for t in Term.objects.all()}
        self.term_slug_by_id = {t.pk: t.slug for t in self.terms.values()}
        self.term_items = {}
        self.term_writes = []
        self.replacements = {}
        self.new_category = {}  # term slug -> category slug or None, where it changes
        category_by_id = {c.pk: slug for slug, c in self.categories.items() if c.pk}
        valid = []
        for item in self.progress(self.doc.terms, desc="checking terms", unit="term"):
            if isinstance(item.data.get("slug"), str):
                item.data["slug"] = item.data["slug"].strip()
            if self.fields_ok(item, Term, simple, required=("slug",)):
                valid.append(item)
        by_slug = self.unique_in_file(valid, "slug")
        for slug, item in by_slug.items():
            data = item.data
            term = self.terms.get(slug)
            if term is None:
                if not data.get("name"):
                    self.errors.append(f"{item.at('name')}: is missing")
                    continue
                term = Term(slug=slug, created_at=self.now, updated_at=self.now)
                self.terms[slug] = term
            self.term_items[slug] = item
            changed = self.copy(term, item, TERM_TEXT_FIELDS, {"name": _text(data.get("name"))})
            if "category" in data:
                category = data["category"] or None
                if category is not None and category not in self.categories:
                    self.errors.append(f"{item.at('category')}: no category {category!r}")
                elif category_by_id.get(term.category_id) != category or (category and not self.categories[category].pk):
                    self.new_category[slug] = category
                    changed = True
            if "replaced_by" in data:
                wanted = data["replaced_by"] or None
                current = self.term_slug_by_id.get(term.replaced_by_id)
                if wanted != current:
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
        for slug, item in self.term_items.items():
            wanted = self.replacements.get(slug, self.term_slug_by_id.get(self.terms[slug].replaced_by_id))
            if wanted is None:
                continue
            if wanted not in self.terms:
                self.errors.append(f"{item.at('replaced_by')}: no term {wanted!r}")
            elif wanted == slug:
                self.errors.append(f"{item.at('replaced_by')}: a term cannot be replaced by itself")
            elif self.terms[slug].status != TermStatus.DEPRECATED:
                self.errors.append(
                    f"{item.at('replaced_by')}: only a deprecated term can have a replacement; set status to deprecated"
                )
        self.names_unique(((s, t.name, self.term_items.get(s)) for s, t in self.terms.items()), "term")

    def check_aliases(self):
        names = ("name", "kind", "language")
        stored = list(Alias.objects.all())
        owner = {}  # lower alias name -> (term slug, alias item or None)
        # In file order, so that of two clashing aliases the later one is blamed.
        replaced = [slug for slug, item in self.term_items.items() if item.aliases is not None]
        self.alias_writes, self.alias_deletes = [], []
        stored_by_term = {}
        replacing = set(replaced)
        for alias in stored:
            slug = self.term_slug_by_id[alias.term_id]
            if slug in replacing:
                stored_by_term.setdefault(slug, {})[alias.name.lower()] = alias
            else:
                owner[alias.name.lower()] = (slug, None)
        term_of_name = {t.name.lower(): slug for slug, t in self.terms.items() if t.name}
        for slug in replaced:
            item = self.term_items[slug]
            kept = stored_by_term.get(slug, {})
            for alias_item in item.aliases:
                if not self.fields_ok(alias_item, Alias, names, required=("name",)):
                    continue
                name = alias_item.data["name"].strip()
                key = name.lower()
                if key in owner:
                    other_slug, other_item = owner[key]
                    where = f" (at {other_item.at()})" if other_item else ""
                    self.errors.append(f"{alias_item.at('name')}: alias {name!r} is already an alias of term {other_slug!r}{where}")
                    continue
                owner[key] = (slug, alias_item)
                name_owner = term_of_name.get(key)
                if name_owner == slug:
                    self.errors.append(f"{alias_item.at('name')}: alias {name!r} must differ from the term's own name")
                elif name_owner is not None:
                    self.errors.append(f"{alias_item.at('name')}: alias {name!r} is already the name of term {name_owner!r}")
                alias = kept.pop(key, None) or Alias(term=self.terms[slug], kind="synonym", language="")
                if self.tally("aliases", alias, self.copy(alias, alias_item, names, {"name": name})):
                    self.alias_writes.append(alias)
            self.alias_deletes.extend(kept.values())
        self.report.counts["aliases"]["removed"] = len(self.alias_deletes)
        for key, (slug, alias_item) in owner.items():
            name_owner = term_of_name.get(key)
            item = self.term_items.get(name_owner)
            if alias_item is None and item is not None:
                whose = "one of this term's aliases" if name_owner == slug else f"an alias of term {slug!r}"
                self.errors.append(f"{item.at('name')}: {self.terms[name_owner].name!r} is already {whose}")

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
        terms, types = self.terms, self.types
        symmetric_types = {slug for slug, rtype in types.items() if rtype.symmetric}
        counts = Counter()
        for item in self.progress(self.doc.relations, desc="checking relations", unit="relation"):
            data = item.data
            if data.get("note") and not self.fields_ok(item, Relation, names):
                continue
            s, ty, t = data.get("source"), data.get("type"), data.get("target")
            # The common case first: three known slugs (this loop runs 500,000 times in the benchmark).
            if not (type(s) is str and type(ty) is str and type(t) is str and s in terms and ty in types and t in terms):
                self.endpoint_errors(item)
                continue
            created = self.stamp(item, "created_at") if data.get("created_at") else None
            if s == t:
                self.errors.append(f"{item.at('target')}: a term cannot be related to itself")
                continue
            symmetric = ty in symmetric_types
            key = (min(s, t), ty, max(s, t)) if symmetric else (s, ty, t)
            if key in seen:
                twin = "a symmetric duplicate" if (s, t) != (seen[key].data["source"], seen[key].data["target"]) else "a duplicate"
                self.errors.append(f"{item.at()}: {twin} of {seen[key].at()} ({s} {ty} {t})")
                continue
            seen[key] = item
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
            elif value not in pool:
                self.errors.append(f"{item.at(end)}: no {what} {value!r}")

    def check_cycles(self, stored_edges, new_edges):
        stored_by_type = None
        for slug, rtype in self.types.items():
            became_acyclic = rtype.acyclic and not self.stored_types.get(slug, (False, False))[0]
            if not rtype.acyclic or not (new_edges.get(slug) or became_acyclic):
                continue
            if stored_by_type is None:
                stored_by_type = {}
                for s, ty, t in stored_edges:
                    stored_by_type.setdefault(ty, []).append((s, t))
            G = nx.DiGraph()
            G.add_edges_from(stored_by_type.get(slug, ()))
            G.add_edges_from(new_edges.get(slug, {}))
            if nx.is_directed_acyclic_graph(G):
                continue
            for component in nx.strongly_connected_components(G):
                if len(component) < 2:
                    continue
                cycle = [u for u, _ in nx.find_cycle(G.subgraph(component))]
                imported = new_edges.get(slug, {})
                # Start the cycle at an imported edge closing it, as the model's message does.
                start = next((i for i, u in enumerate(cycle) if (u, cycle[(i + 1) % len(cycle)]) in imported), None)
                if start is not None:
                    cycle = cycle[start:] + cycle[:start]
                closing = imported[(cycle[0], cycle[1])] if start is not None else None
                shown = " → ".join(self.terms[s].name for s in cycle + cycle[:1])
                if closing is not None:
                    self.errors.append(f"{closing.at()}: “{rtype.label}” may not form a cycle; this would create a cycle: {shown}")
                else:
                    place = self.type_items[slug].at("acyclic")
                    self.errors.append(f"{place}: existing relations of this type already form a cycle: {shown}")

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
            for slug in slugs:
                if slug not in self.terms:
                    self.errors.append(f"{item.at('terms')}: no term {slug!r}")
                elif not (reference.pk and self.terms[slug].pk and (reference.pk, self.terms[slug].pk) in links):
                    self.link_writes.append((reference, slug))
                    changed = True
            if self.tally("references", reference, changed):
                self.reference_writes.append(reference)

    # The write -------------------------------------------------------------------------------

    def save(self, model, objects, fields):
        """Create and update the few rows of the small models through the ORM."""
        model.objects.bulk_create([o for o in objects if o.pk is None], batch_size=BATCH)
        updated = [o for o in objects if o.pk is not None]
        if updated:
            model.objects.bulk_update(updated, fields, batch_size=BATCH)

    def write(self):
        self.save(Category, self.category_writes, ["name", "description", "color"])
        self.save(RelationType, self.type_writes, sorted(RELATION_TYPE_DEFAULTS.keys() | {"label", "inverse_label"}))
        category_id = {slug: c.pk for slug, c in self.categories.items()}
        term_fields = ["slug", *TERM_TEXT_FIELDS, "category", "created_at", "updated_at"]
        for slug, category in self.new_category.items():
            self.terms[slug].category_id = category_id[category] if category else None
        insert_rows(
            Term, term_fields,
            [(t.slug, *(getattr(t, f) for f in TERM_TEXT_FIELDS), t.category_id, t.created_at, t.updated_at)
             for t in self.term_writes if t.pk is None],
            self.progress, "terms",
        )
        updated = [t for t in self.term_writes if t.pk is not None]
        if updated:
            Term.objects.bulk_update(updated, term_fields[1:], batch_size=BATCH)
        term_id = dict(Term.objects.values_list("slug", "pk"))
        if self.replacements:
            Term.objects.bulk_update(
                [Term(pk=term_id[slug], replaced_by_id=term_id[wanted] if wanted else None)
                 for slug, wanted in self.replacements.items()],
                ["replaced_by"], batch_size=BATCH,
            )
        Alias.objects.filter(pk__in=[a.pk for a in self.alias_deletes]).delete()
        insert_rows(
            Alias, ["term", "name", "kind", "language"],
            [(term_id[a.term.slug], a.name, a.kind, a.language) for a in self.alias_writes if a.pk is None],
            self.progress, "aliases",
        )
        updated = [a for a in self.alias_writes if a.pk is not None]
        if updated:
            Alias.objects.bulk_update(updated, ["name", "kind", "language"], batch_size=BATCH)
        type_id = {slug: t.pk for slug, t in self.types.items()}
        # In index order: PostgreSQL then appends to its B-trees instead of touching random pages.
        relation_rows = sorted(
            (term_id[s], type_id[ty], term_id[t], note, created) for s, ty, t, note, created in self.relation_creates
        )
        insert_rows(Relation, ["source", "type", "target", "note", "created_at"], relation_rows, self.progress, "relations")
        if self.relation_updates:
            Relation.objects.bulk_update(self.relation_updates, ["note", "created_at"], batch_size=BATCH)
        self.save(Reference, self.reference_writes, ["title", "kind"])
        Reference.terms.through.objects.bulk_create(
            [Reference.terms.through(reference_id=ref.pk, term_id=term_id[slug]) for ref, slug in self.link_writes],
            batch_size=BATCH, ignore_conflicts=True,
        )


def insert_rows(model, fields, rows, progress=no_progress, what="rows"):
    """Insert plain tuples without building model instances: COPY on PostgreSQL, else executemany.

    `bulk_create` spends most of its time building instances and SQL; for 500,000 relations
    that alone would blow the import's time budget.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    names = ", ".join(quote(column.column) for column in columns)
    table = quote(model._meta.db_table)
    rows = progress(rows, desc=f"writing {what}", unit=what.rstrip("s"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        adapt = [
            connection.ops.adapt_datetimefield_value if isinstance(column, models.DateTimeField) else None
            for column in columns
        ]
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        for batch in _batched(rows):
            cursor.executemany(sql, [tuple(f(v) if f else v for f, v in zip(adapt, row)) for row in batch])


def _batched(rows):  # itertools.batched arrives with Python 3.12
    rows = iter(rows)
    while batch := list(itertools.islice(rows, BATCH)):
        yield batch
