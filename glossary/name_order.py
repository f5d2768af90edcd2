"""Store every name's place in the A–Z lists again (`Term.sort_key`, `Term.initial` and the same
on labels), from the names as stored.

For migration 0027, which added those columns, and for ``manage.py refile_names``: after
``GLOSSARY_LANGUAGE`` changes (term names sort and file in the glossary's language) or after an
upgrade of ICU, whose collation may order a few names differently.
"""

import itertools

from glossary import rules

BATCH = 5000


def _refile(connection, table: str, rows) -> int:
    """Update ``table``'s rows, given as (id, text, language), with their place; the number of rows."""
    count = 0
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(rows, BATCH)):
            values = [(pk, *rules.name_order(text, language)) for pk, text, language in batch]
            count += len(values)
            if connection.vendor != "postgresql":  # in process: row by row is quick
                cursor.executemany(f"UPDATE {table} SET sort_key = %s, initial = %s WHERE id = %s",
                                   [(key, initial, pk) for pk, key, initial in values])
                continue
            # One statement a batch: row by row, 100,000 rows take half a minute on PostgreSQL.
            cursor.execute(
                f"UPDATE {table} SET sort_key = v.sort_key, initial = v.initial FROM (VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(values))
                + f") AS v(id, sort_key, initial) WHERE {table}.id = v.id",
                [value for row in values for value in row],
            )
    return count


def refile_names(connection, term_model, label_model, glossary_language: str) -> tuple[int, int]:
    """Refile every term (by its name, in ``glossary_language``) and every label (in its own
    language); the numbers of terms and labels. The models may be a migration's."""
    terms = term_model.objects.order_by("pk").values_list("pk", "name").iterator(chunk_size=BATCH)
    labels = label_model.objects.order_by("pk").values_list("pk", "text", "language").iterator(chunk_size=BATCH)
    return (_refile(connection, term_model._meta.db_table,
                    ((pk, name, glossary_language) for pk, name in terms)),
            _refile(connection, label_model._meta.db_table, labels))
