"""After a bulk write the planner's statistics are refreshed, so a glossary just filled by an
import is not planned for as if it were still empty (PostgreSQL; see `glossary.planner`)."""

import json
import uuid

import pytest
from django.db import connection

from glossary.exchange.formats import read_file
from glossary.exchange.importer import import_document
from glossary.planner import glossary_tables
from tests.exchange.conftest import small_document


def slug_statistics() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(histogram_bounds::text, '') || coalesce(most_common_vals::text, '') "
                       "FROM pg_stats WHERE tablename = 'glossary_term' AND attname = 'slug'")
        row = cursor.fetchone()
    return row[0] if row else ""


@pytest.mark.django_db
def test_an_import_refreshes_the_planners_statistics_once_it_commits(django_capture_on_commit_callbacks, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics that lag a bulk write are a PostgreSQL matter (autovacuum)")
    first, second = (f"term-{uuid.uuid4().hex[:12]}" for _ in range(2))
    document = small_document(
        terms=[{"slug": first, "name": f"First {first}"}, {"slug": second, "name": f"Second {second}"}],
        relations=[{"source": first, "type": "is-a", "target": second, "note": ""}],
        references=[],
    )
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_document(read_file(path))
    assert first not in slug_statistics()  # nothing analysed before the commit
    for callback in callbacks:
        callback()
    assert first in slug_statistics() and second in slug_statistics()


def test_the_tables_analysed_are_the_glossarys_with_their_history_and_links():
    tables = glossary_tables()
    assert {"glossary_term", "glossary_relation", "glossary_label", "glossary_historicalrelation",
            "glossary_reference_terms"} <= set(tables)
    assert not any(table.startswith(("auth_", "django_")) for table in tables)
