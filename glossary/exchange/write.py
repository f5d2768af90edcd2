"""Write a checked `check.Plan` in bulk: COPY on PostgreSQL, executemany elsewhere.

Small models (categories, relation types, references) go through the ORM; terms, labels and
relations — hundreds of thousands of rows in a big vocabulary — are inserted as plain tuples.
A term whose labels (notes, mappings) changed gets its rows of that kind replaced.
"""

import itertools

from django.db import connection, models

from glossary.exchange.check import RELATION_TYPE_DEFAULTS, TERM_TEXT_FIELDS, no_progress
from glossary.exchange.document import LABEL_FIELDS, MAPPING_FIELDS, NOTE_FIELDS
from glossary.models import Category, Label, Mapping, Note, Reference, Relation, RelationType, Term

BATCH = 5000


def _save(model, objects, fields):
    """Create and update the few rows of the small models through the ORM."""
    model.objects.bulk_create([o for o in objects if o.pk is None], batch_size=BATCH)
    updated = [o for o in objects if o.pk is not None]
    if updated:
        model.objects.bulk_update(updated, fields, batch_size=BATCH)


def _replace_term_rows(model, fields, rows_by_slug, term_id, progress, what):
    """Replace the rows of ``model`` of each listed term with the given ones."""
    if not rows_by_slug:
        return
    ids = [term_id[slug] for slug in rows_by_slug]
    for batch in _batched(ids):
        model.objects.filter(term_id__in=batch).delete()
    insert_rows(
        model, ["term", *fields],
        [(term_id[slug], *(row[f] if isinstance(row, dict) else row[i] for i, f in enumerate(fields)))
         for slug, rows in rows_by_slug.items() for row in rows],
        progress, what,
    )


def write_plan(plan) -> None:
    """Write everything ``plan`` holds, in dependency order, inside the caller's transaction."""
    progress = plan.progress
    _save(Category, plan.category_writes, ["name", "description", "color"])
    _save(RelationType, plan.type_writes, sorted(RELATION_TYPE_DEFAULTS.keys() | {"label", "inverse_label"}))
    category_id = {slug: c.pk for slug, c in plan.categories.items()}
    term_fields = ["slug", "uri", "name", *TERM_TEXT_FIELDS, "category", "created_at", "updated_at"]
    for slug, category in plan.new_category.items():
        plan.terms[slug].category_id = category_id[category] if category else None
    insert_rows(
        Term, term_fields,
        [(t.slug, t.uri, t.name, *(getattr(t, f) for f in TERM_TEXT_FIELDS), t.category_id, t.created_at,
          t.updated_at)
         for t in plan.term_writes if t.pk is None],
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
    _replace_term_rows(Label, LABEL_FIELDS, plan.label_writes, term_id, progress, "labels")
    _replace_term_rows(Note, NOTE_FIELDS, plan.notes_writes, term_id, progress, "notes")
    _replace_term_rows(Mapping, MAPPING_FIELDS, plan.mappings_writes, term_id, progress, "mappings")
    type_id = {slug: t.pk for slug, t in plan.types.items()}
    # In index order: PostgreSQL then appends to its B-trees instead of touching random pages.
    relation_rows = sorted(
        (term_id[s], type_id[ty], term_id[t], note, created) for s, ty, t, note, created in plan.relation_creates
    )
    insert_rows(Relation, ["source", "type", "target", "note", "created_at"], relation_rows, progress, "relations")
    if plan.relation_updates:
        Relation.objects.bulk_update(plan.relation_updates, ["note", "created_at"], batch_size=BATCH)
    _save(Reference, plan.reference_writes, ["title", "kind"])
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
