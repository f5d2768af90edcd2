"""Search indexes (PostgreSQL only): full-text GIN indexes and pg_trgm trigram GIN indexes.

The indexed expressions are the ones glossary/search.py queries with; if one changes, the other
must too, or PostgreSQL silently stops using the index. SQLite has no such indexes, so these
operations do nothing there and the migration still runs.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import CreateExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations


def search_indexes():
    return {
        "term": [
            GinIndex(
                SearchVector("name", weight="A", config="english")
                + SearchVector("short_definition", weight="B", config="english")
                + SearchVector("body", weight="C", config="english"),
                name="term_search_vector_gin",
            ),
            GinIndex(OpClass("name", name="gin_trgm_ops"), name="term_name_trgm_gin"),
        ],
        "alias": [
            GinIndex(SearchVector("name", config="english"), name="alias_search_vector_gin"),
            GinIndex(OpClass("name", name="gin_trgm_ops"), name="alias_name_trgm_gin"),
        ],
    }


def for_each_index(action):
    """A RunPython function applying ``schema_editor.<action>`` to every index, on PostgreSQL only."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name, indexes in search_indexes().items():
            model = apps.get_model("glossary", model_name)
            for index in indexes:
                getattr(schema_editor, action)(model, index)

    return run


class Migration(migrations.Migration):
    dependencies = [("glossary", "0002_revision_row")]

    operations = [
        # CreateExtension does nothing on databases other than PostgreSQL.
        CreateExtension("pg_trgm"),
        migrations.RunPython(for_each_index("add_index"), for_each_index("remove_index")),
    ]
