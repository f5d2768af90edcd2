"""The search index of glossary/search.py, on both backends, kept in step by the database itself.

PostgreSQL: a text search configuration `glossary_search` (unaccent, then English stemming
without a stop-word list, so that no word of a query is silently dropped), an immutable
`glossary_search_key()` (lower case, no accents, letters and digits only) and expression indexes
on the tables themselves — nothing to keep in step. The vocabulary table is filled by
statement-level triggers, so a COPY of 500,000 labels costs one INSERT … SELECT.
The GIN indexes of 0003/0005 (English full-text with stop words, trigram) are replaced.

SQLite: FTS5 tables and triggers, see glossary/search_index.py.
"""

import importlib

from django.db import migrations

from glossary import search_index

POSTGRESQL_INSTALL = r"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH DICTIONARY glossary_english_stem (TEMPLATE = snowball, LANGUAGE = english);
CREATE TEXT SEARCH CONFIGURATION glossary_search (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION glossary_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, glossary_english_stem;
ALTER TEXT SEARCH CONFIGURATION glossary_search
    ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;

-- unaccent() is only STABLE (its rules file could change); pinning the dictionary makes the
-- result depend on the argument alone, the usual way to index it.
CREATE FUNCTION glossary_search_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;
CREATE FUNCTION glossary_search_key(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT regexp_replace(public.glossary_search_fold(value), '[^[:alnum:]]+', '', 'g') $$;

DROP INDEX IF EXISTS term_search_vector_gin;
DROP INDEX IF EXISTS term_name_trgm_gin;
DROP INDEX IF EXISTS label_search_vector_gin;
DROP INDEX IF EXISTS label_text_trgm_gin;

-- In byte order ("C"): equality, LIKE 'beginning%' and ORDER BY all come from this one index.
CREATE INDEX glossary_label_search_key ON glossary_label ((glossary_search_key(text) COLLATE "C"));
CREATE INDEX glossary_label_search_words ON glossary_label
    USING gin (to_tsvector('glossary_search'::regconfig, text));
CREATE INDEX glossary_term_search_text ON glossary_term
    USING gin (to_tsvector('glossary_search'::regconfig, name || ' ' || short_definition || ' ' || body));
CREATE INDEX glossary_note_search_text ON glossary_note
    USING gin (to_tsvector('glossary_search'::regconfig, text)) WHERE kind = 'definition';

CREATE TABLE glossary_search_word (id bigserial PRIMARY KEY, word text NOT NULL UNIQUE);
CREATE FUNCTION glossary_search_word_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO glossary_search_word (word)
    SELECT DISTINCT w FROM changed_labels, regexp_split_to_table(glossary_search_fold(text), '[^[:alnum:]]+') AS w
    WHERE w <> '' ORDER BY w
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER glossary_search_label_words_inserted AFTER INSERT ON glossary_label
    REFERENCING NEW TABLE AS changed_labels FOR EACH STATEMENT EXECUTE FUNCTION glossary_search_word_add();
CREATE TRIGGER glossary_search_label_words_updated AFTER UPDATE ON glossary_label
    REFERENCING NEW TABLE AS changed_labels FOR EACH STATEMENT EXECUTE FUNCTION glossary_search_word_add();
INSERT INTO glossary_search_word (word)
    SELECT DISTINCT w FROM glossary_label, regexp_split_to_table(glossary_search_fold(text), '[^[:alnum:]]+') AS w
    WHERE w <> '' ORDER BY w;
"""

POSTGRESQL_UNINSTALL = r"""
DROP TRIGGER glossary_search_label_words_inserted ON glossary_label;
DROP TRIGGER glossary_search_label_words_updated ON glossary_label;
DROP FUNCTION glossary_search_word_add();
DROP TABLE glossary_search_word;
DROP INDEX glossary_label_search_key;
DROP INDEX glossary_label_search_words;
DROP INDEX glossary_term_search_text;
DROP INDEX glossary_note_search_text;
DROP FUNCTION glossary_search_key(text);
DROP FUNCTION glossary_search_fold(text);
DROP TEXT SEARCH CONFIGURATION glossary_search;
DROP TEXT SEARCH DICTIONARY glossary_english_stem;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_INSTALL, params=None)
    else:
        search_index.install_sqlite(schema_editor.connection)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_UNINSTALL, params=None)
        # Back to the indexes of 0003 (the term's; the alias table is gone) and 0005.
        term = apps.get_model("glossary", "Term")
        for index in importlib.import_module("glossary.migrations.0003_search_indexes").search_indexes()["term"]:
            schema_editor.add_index(term, index)
        importlib.import_module("glossary.migrations.0005_labels_notes_mappings").label_search_indexes(
            "add_index"
        )(apps, schema_editor)
    else:
        search_index.uninstall_sqlite(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("glossary", "0007_changelog")]

    operations = [migrations.RunPython(install, uninstall)]
