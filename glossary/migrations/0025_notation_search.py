"""Terms found by their notation (skos:notation, a thesaurus's code for the concept) in the search
(glossary/search.py): exactly, or by its beginning, without regard to case.

An expression index on the lower-cased notation of the terms that have one: in byte order on
PostgreSQL ("C": equality and a range of beginnings from one index); on SQLite it is one of
`search_index.SQLITE_INDEXES`, which a table rebuild would drop and `migrate` puts back.
"""

from django.db import migrations

from glossary import search_index

POSTGRESQL = 'ON glossary_term ((lower(notation) COLLATE "C")) WHERE notation <> \'\''


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX term_notation_lower {POSTGRESQL}")
    else:
        # `search_index.repair_sqlite` may have made it already (it puts back what a rebuild drops).
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS term_notation_lower "
                              f"{search_index.SQLITE_INDEXES['term_notation_lower']}")


def uninstall(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS term_notation_lower")


class Migration(migrations.Migration):

    dependencies = [("glossary", "0024_concept_scheme")]

    operations = [migrations.RunPython(install, uninstall)]
