"""Write a checked `check.Plan` in bulk: COPY on PostgreSQL, executemany elsewhere.

Small models (categories, relation types, references) go through the ORM; terms, labels and
relations — hundreds of thousands of rows in a big vocabulary — are inserted as plain tuples.
A term whose labels (notes, mappings) changed gets its rows of that kind replaced.

History is written in bulk too, never row by row: historical rows are copied inside the database
(INSERT … SELECT of the rows just written, or about to be removed), and new relations get ids
reserved up front so that their historical rows are inserted from the same tuples. Every
historical row names the import's change set (`glossary.history`).
"""

import itertools

from django.db import connection, models
from django.db.models import F

from glossary import rules
from glossary.exchange.check import RELATION_TYPE_DEFAULTS, TERM_TEXT_FIELDS, no_progress
from glossary.models import LABEL_FIELDS, MAPPING_FIELDS, NOTE_FIELDS
from glossary.history import HISTORY_COLUMNS, history_values
from glossary.models import (
    NAME_ORDER_FIELDS, PUBLIC_STATUSES, Category, Label, Mapping, Note, Reference, Relation, RelationType, Term,
    default_language,
)

BATCH = 5000


def _save(model, objects, fields, scope, link=None):
    """Create and update the few rows of the small models through the ORM, with their history.

    ``link``, when given, is called once the new rows have their keys, to point rows at one
    another (a category at its parent, which the same import may create); the new rows are then
    written again with those links, before their history is copied.
    """
    created = [o for o in objects if o.pk is None]
    updated = [o for o in objects if o.pk is not None]  # before the insert gives the new ones keys
    # The stored rows first: one renamed at the source frees its name (or URI) for a new row.
    if updated:
        model.objects.bulk_update(updated, fields, batch_size=BATCH)
    model.objects.bulk_create(created, batch_size=BATCH)
    if link is not None and objects:
        link()
        model.objects.bulk_update(updated + created, fields, batch_size=BATCH)
    copy_history(model, "id", [o.pk for o in created], scope, "+")
    copy_history(model, "id", [o.pk for o in updated], scope, "~")


def _free_former_names(plan):
    """Give each stored category the file renames a placeholder name first, so that categories
    may take each other's former names in one import (names are unique, and the database checks
    each row as it is updated, so two groups swapping names would otherwise be refused)."""
    former = plan.category_former_names
    renamed = [c for c in plan.category_writes if c.pk is not None and former[c.pk] != c.name]
    if renamed:
        Category.objects.bulk_update([Category(pk=c.pk, name=f"\x1frenaming {c.pk}") for c in renamed], ["name"],
                                     batch_size=BATCH)


def _link_parents(plan):
    for slug, parent in plan.category_parent.items():
        plan.categories[slug].parent_id = plan.categories[parent].pk if parent else None


def copy_history(model, column, keys, scope, history_type):
    """Historical rows (of ``history_type``, in ``scope``) of the rows of ``model`` whose ``column`` is in ``keys``.

    Copied inside the database, so a row's history costs no round trip and no Python object.
    """
    if not keys:
        return
    values = history_values(scope, history_type)
    quote = connection.ops.quote_name
    own = [quote(f.column) for f in model._meta.concrete_fields]
    history = model.history.model
    columns = own + [quote(history._meta.get_field(name).column) for name in HISTORY_COLUMNS]
    with connection.cursor() as cursor:
        for batch in _batched(keys):
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "
                f"SELECT {', '.join(own)}, {', '.join(['%s'] * len(values))} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(column)} IN ({', '.join(['%s'] * len(batch))})",
                [*values, *batch],
            )


def _replace_term_rows(model, fields, rows_by_slug, term_id, progress, what, scope):
    """Replace the rows of ``model`` of each listed term with the given ones (history: removed, then added)."""
    if not rows_by_slug:
        return
    ids = [term_id[slug] for slug in rows_by_slug]
    copy_history(model, "term_id", ids, scope, "-")
    for batch in _batched(ids):
        model.objects.filter(term_id__in=batch).delete()
    insert_rows(
        model, ["term", *fields],
        [(term_id[slug], *(row[f] if isinstance(row, dict) else row[i] for i, f in enumerate(fields)))
         for slug, rows in rows_by_slug.items() for row in rows],
        progress, what,
    )
    copy_history(model, "term_id", ids, scope, "+")


def _touched_terms(plan, term_id) -> list[int]:
    """Ids of the terms the plan writes: their fields, replacement, labels, notes or mappings."""
    slugs = {t.slug for t in plan.term_writes}
    slugs.update(plan.replacements, plan.label_writes, plan.notes_writes, plan.mappings_writes)
    return sorted(term_id[slug] for slug in slugs)


def reserve_ids(model, count: int) -> list[int]:
    """``count`` new primary keys for ``model``, so rows and their history can be written from one list.

    PostgreSQL hands them out of the column's sequence; SQLite writes one transaction at a time
    (the import's is IMMEDIATE), so the ids after the highest ever given are free.
    """
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        given = cursor.fetchone()
        start = max(highest, given[0] if given else 0) + 1
        return list(range(start, start + count))


def write_plan(plan, scope=None) -> None:
    """Write everything ``plan`` holds, in dependency order, inside the caller's transaction.

    Historical rows are written with it, linked to ``scope`` (`glossary.history.Scope`) when given.
    """
    progress = plan.progress
    if plan.scheme_write is not None:
        plan.scheme_write.save()
    _free_former_names(plan)
    _save(Category, plan.category_writes, ["uri", "name", "description", "color", "names", "parent"], scope,
          link=lambda: _link_parents(plan))
    _save(RelationType, plan.type_writes, sorted(RELATION_TYPE_DEFAULTS.keys() | {"label", "inverse_label"}),
          scope)
    category_id = {slug: c.pk for slug, c in plan.categories.items()}
    term_fields = ["slug", "uri", "name", *TERM_TEXT_FIELDS, "category", "created_at", "updated_at"]
    for slug, category in plan.new_category.items():
        plan.terms[slug].category_id = category_id[category] if category else None
    created = [t for t in plan.term_writes if t.pk is None]
    # A term the import makes public is published by it (the feed of changes reads the time).
    insert_rows(
        Term, [*term_fields, "published_at"],
        [(t.slug, t.uri, t.name, *(getattr(t, f) for f in TERM_TEXT_FIELDS), t.category_id, t.created_at,
          t.updated_at, t.updated_at if t.status in PUBLIC_STATUSES else None)
         for t in created],
        progress, "terms",
    )
    updated = [t for t in plan.term_writes if t.pk is not None]
    if updated:
        Term.objects.bulk_update(updated, term_fields[1:], batch_size=BATCH)
    term_id = dict(Term.objects.values_list("slug", "pk"))
    if plan.replacements:
        Term.objects.bulk_update(
            [Term(pk=term_id[slug], replaced_by_id=term_id[wanted] if wanted else None)
             for slug, wanted in plan.replacements.items()],
            ["replaced_by"], batch_size=BATCH,
        )
    for batch in _batched([t.pk for t in updated if t.status in PUBLIC_STATUSES]):
        Term.objects.filter(pk__in=batch, published_at__isnull=True).update(published_at=F("updated_at"))
    # A term is "created" in its history when the import made it, else "changed".
    new_slugs = {t.slug for t in created}
    touched = _touched_terms(plan, term_id)
    new_ids = {term_id[slug] for slug in new_slugs}
    copy_history(Term, "id", [pk for pk in touched if pk in new_ids], scope, "+")
    copy_history(Term, "id", [pk for pk in touched if pk not in new_ids], scope, "~")
    _replace_term_rows(Label, LABEL_FIELDS, plan.label_writes, term_id, progress, "labels", scope)
    _replace_term_rows(Note, NOTE_FIELDS, plan.notes_writes, term_id, progress, "notes", scope)
    _replace_term_rows(Mapping, MAPPING_FIELDS, plan.mappings_writes, term_id, progress, "mappings", scope)
    type_id = {slug: t.pk for slug, t in plan.types.items()}
    # In index order: PostgreSQL then appends to its B-trees instead of touching random pages.
    relation_rows = sorted(
        (term_id[s], type_id[ty], term_id[t], note, created) for s, ty, t, note, created in plan.relation_creates
    )
    relation_rows = [(pk, *row) for pk, row in zip(reserve_ids(Relation, len(relation_rows)), relation_rows)]
    relation_fields = ["id", "source", "type", "target", "note", "created_at"]
    insert_rows(Relation, relation_fields, relation_rows, progress, "relations")
    if relation_rows:
        added = history_values(scope, "+")
        insert_rows(Relation.history.model, relation_fields + HISTORY_COLUMNS,
                    [(*row, *added) for row in relation_rows], progress, "relation versions")
    if plan.relation_updates:
        Relation.objects.bulk_update(plan.relation_updates, ["note", "created_at"], batch_size=BATCH)
        copy_history(Relation, "id", [r.pk for r in plan.relation_updates], scope, "~")
    _save(Reference, plan.reference_writes, ["title", "kind"], scope)
    Reference.terms.through.objects.bulk_create(
        [Reference.terms.through(reference_id=ref.pk, term_id=term_id[slug]) for ref, slug in plan.link_writes],
        batch_size=BATCH, ignore_conflicts=True,
    )


def insert_rows(model, fields, rows, progress=no_progress, what="rows"):
    """Insert plain tuples without building model instances: COPY on PostgreSQL, else executemany.

    `bulk_create` spends most of its time building instances and SQL; for 500,000 relations
    that alone would blow the import's time budget.
    """
    if not rows:
        return
    if model is Label and "folded" not in fields:  # the columns `Label.save` would have set
        text, language = fields.index("text"), fields.index("language")
        fields = [*fields, "folded", *NAME_ORDER_FIELDS]
        rows = [(*row, rules.fold(row[text]), *rules.name_order(row[text], row[language])) for row in rows]
    if model is Term and "sort_key" not in fields:  # as `Term.save` would have
        name, language = fields.index("name"), default_language()
        fields, rows = [*fields, *NAME_ORDER_FIELDS], [(*row, *rules.name_order(row[name], language)) for row in rows]
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
