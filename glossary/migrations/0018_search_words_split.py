"""PostgreSQL: the full-text indexes split text into words as the queries do (`search.words_of`:
runs of letters and digits), so "GPT-4", "COVID-19" and "Llama-2-70B" hold the words "4", "19",
"2" and "70b". PostgreSQL's parser read "-4" as a signed number and "7-062202" as "7" and
"-062202", which a query for "gpt 4" or "062202" never matched (SQLite's FTS5 tokenizer already
splits this way). The three GIN indexes are built again over `glossary_search_words(…)`.
SQLite: nothing changes."""

from django.db import migrations

WORDS_INDEXES = r"""
CREATE INDEX glossary_label_search_words ON glossary_label
    USING gin (to_tsvector('glossary_search'::regconfig, glossary_search_words(text)));
CREATE INDEX glossary_term_search_text ON glossary_term
    USING gin (to_tsvector('glossary_search'::regconfig,
                           glossary_search_words(name || ' ' || short_definition || ' ' || body)));
CREATE INDEX glossary_note_search_text ON glossary_note
    USING gin (to_tsvector('glossary_search'::regconfig, glossary_search_words(text))) WHERE kind = 'definition';
"""

FORMER_INDEXES = r"""
CREATE INDEX glossary_label_search_words ON glossary_label
    USING gin (to_tsvector('glossary_search'::regconfig, text));
CREATE INDEX glossary_term_search_text ON glossary_term
    USING gin (to_tsvector('glossary_search'::regconfig, name || ' ' || short_definition || ' ' || body));
CREATE INDEX glossary_note_search_text ON glossary_note
    USING gin (to_tsvector('glossary_search'::regconfig, text)) WHERE kind = 'definition';
"""

DROP_INDEXES = r"""
DROP INDEX glossary_label_search_words;
DROP INDEX glossary_term_search_text;
DROP INDEX glossary_note_search_text;
"""

INSTALL = r"""
-- Folded (lower case, no accents), every run of other characters a space: the words of
-- `search.words_of`, which the parser then reads as plain words and numbers.
CREATE FUNCTION glossary_search_words(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT regexp_replace(public.glossary_search_fold(value), '[^[:alnum:]]+', ' ', 'g') $$;
""" + DROP_INDEXES + WORDS_INDEXES

UNINSTALL = DROP_INDEXES + FORMER_INDEXES + "DROP FUNCTION glossary_search_words(text);"


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL, params=None)


class Migration(migrations.Migration):
    dependencies = [("glossary", "0017_term_notation_index")]

    operations = [migrations.RunPython(install, uninstall)]
