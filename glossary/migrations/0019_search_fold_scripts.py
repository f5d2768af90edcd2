"""Python and PostgreSQL fold text and split it into words alike in every script.

PostgreSQL's `glossary_search_fold()` was lower(unaccent(…)), while Python decomposed the text
and dropped every combining mark. They disagreed, so on PostgreSQL a query did not find:
- a Korean word: Python left it as jamo, PostgreSQL as syllables ("모델");
- a Japanese word with a dakuten: Python dropped it ("デ" became "テ");
- a Greek label in capitals: PostgreSQL lowers "ΛΟΓΟΣ" to "λογοσ", Python to "λογος".
Both cut words at marks that were not letters to them. Python cut Hindi "भाषा" at each vowel
sign, on both databases. PostgreSQL cut "हिन्दी" at its virama.

Both now fold the same way (`search.fold`):
1. lower the text and spell out the same plain letters;
2. turn a final "ς" into "σ";
3. decompose (NFKD), drop one class of marks (accents, Hebrew points, Arabic harakat and
   tatweel; `search.DROPPED_MARKS`), and compose again (NFC).
A word is a run of letters, digits and combining marks (`search.marks()`). The full-text indexes
hold a run of Han, kana or Hangul as its overlapping pairs (`search.PAIRED`): Chinese and
Japanese have no spaces between words, so "语言模型" could not find "大型语言模型".

PostgreSQL: the three functions and the vocabulary's trigger are replaced, the four indexes built
over them are built again, and the vocabulary of label words is spelled again. SQLite: every row
is indexed again with the new Python functions.
"""

from django.db import migrations

from glossary import search_index
from glossary.search import DROPPED_MARKS, PAIRED, marks

INDEXES = ("glossary_label_search_key", "glossary_label_search_words", "glossary_term_search_text",
           "glossary_note_search_text")
FORMER_FOLD = "lower(public.unaccent('public.unaccent'::regdictionary, value))"
# ASCII text (as many bytes as characters) only needs lower(): most labels, at the former cost.
FOLD = (f"CASE WHEN octet_length(value) = length(value) THEN lower(value) ELSE "
        f"normalize(regexp_replace(normalize(translate({FORMER_FOLD}, 'ς', 'σ'), NFKD), "
        f"'[{DROPPED_MARKS}]+', '', 'g'), NFC) END")
FORMER_SEPARATORS = "[^[:alnum:]]+"
FORMER_WORDS = f"regexp_replace(public.glossary_search_fold(value), '{FORMER_SEPARATORS}', ' ', 'g')"
# Words one space apart; a run of Han, kana or Hangul as its overlapping pairs (`search.words_of`).
# ASCII text takes the former path, inlined where the function is called; other text calls
# glossary_search_pairs(), whose subqueries keep it from being inlined.
WORDS = f"""CASE WHEN octet_length(value) = length(value)
        THEN regexp_replace(lower(value), '{FORMER_SEPARATORS}', ' ', 'g')
        ELSE public.glossary_search_pairs(value) END"""


def separators() -> str:
    return f"[^[:alnum:]{marks()}]+"


def pairs(separators: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION glossary_search_pairs(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(string_agg(CASE WHEN length(piece) > 1 AND piece ~ '^[{PAIRED}]'
                  THEN (SELECT string_agg(substr(piece, i, 2), ' ' ORDER BY i) FROM generate_series(1, length(piece) - 1) AS i)
                  ELSE piece END, ' ' ORDER BY n), '')
              FROM regexp_split_to_table(regexp_replace(regexp_replace(public.glossary_search_fold(value),
                  '{separators}', ' ', 'g'), '([{PAIRED}]+)', ' \\1 ', 'g'), ' +') WITH ORDINALITY AS p(piece, n)
              WHERE piece <> '' $$;
"""


def functions(fold: str, separators: str, words: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION glossary_search_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT {fold} $$;
CREATE OR REPLACE FUNCTION glossary_search_key(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT regexp_replace(public.glossary_search_fold(value), '{separators}', '', 'g') $$;
CREATE OR REPLACE FUNCTION glossary_search_words(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT {words} $$;
CREATE OR REPLACE FUNCTION glossary_search_word_add() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO glossary_search_word (word)
    SELECT DISTINCT w FROM changed_labels, regexp_split_to_table(glossary_search_fold(text), '{separators}') AS w
    WHERE w <> '' ORDER BY w
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END $f$;
""" + "".join(f"REINDEX INDEX {name};\n" for name in INDEXES) + f"""
-- The words of labels outside ASCII, spelled the new way; the old spellings match nothing now.
DELETE FROM glossary_search_word WHERE word <> glossary_search_key(word);
INSERT INTO glossary_search_word (word)
    SELECT DISTINCT w FROM glossary_label, regexp_split_to_table(glossary_search_fold(text), '{separators}') AS w
    WHERE octet_length(text) <> length(text) AND w <> '' ORDER BY w
    ON CONFLICT (word) DO NOTHING;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(pairs(separators()) + functions(FOLD, separators(), WORDS), params=None)
    else:
        search_index.refresh_sqlite(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(functions(FORMER_FOLD, FORMER_SEPARATORS, FORMER_WORDS)
                              + "DROP FUNCTION glossary_search_pairs(text);", params=None)
    else:
        search_index.refresh_sqlite(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("glossary", "0018_search_words_split")]

    operations = [migrations.RunPython(forwards, backwards)]
