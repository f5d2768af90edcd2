"""Thai, Lao, Khmer and Burmese are written without spaces between words, like Chinese and
Japanese: a run of their letters is now indexed and queried as its overlapping pairs of
characters (`search.PAIRED`), so "ภาษา" finds "แบบจำลองภาษาขนาดใหญ่" from the middle of the run.
Before, such a label was found from the beginning of a run only.

PostgreSQL: glossary_search_pairs() is made again with the new letters, and the three indexes
built over the words are built again. SQLite: every row is indexed again with the Python function.
"""

import importlib

from django.db import migrations

from glossary import search_index

# 0019 reads `search.PAIRED` when it runs: a database made from scratch already pairs them there.
former = importlib.import_module("glossary.migrations.0019_search_fold_scripts")

INDEXES = ("glossary_label_search_words", "glossary_term_search_text", "glossary_note_search_text")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(former.pairs(former.separators())
                              + "".join(f"REINDEX INDEX {name};\n" for name in INDEXES), params=None)
    else:
        search_index.refresh_sqlite(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("glossary", "0019_search_fold_scripts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
