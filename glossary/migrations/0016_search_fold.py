"""SQLite: the search index holds text folded by the queries' own function (glossary.search.fold),
so Greek, Cyrillic and "ß" compare as they do on PostgreSQL; the triggers are replaced and every
row indexed again. PostgreSQL's index is unchanged."""

from django.db import migrations

from glossary import search_index


def refresh(apps, schema_editor):
    search_index.refresh_sqlite(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("glossary", "0015_label_folded")]

    operations = [migrations.RunPython(refresh, refresh)]
