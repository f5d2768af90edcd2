"""The search index on SQLite: FTS5 tables kept in step with the glossary tables by triggers.

Every write — services, admin, the bulk importer's executemany, `loaddata`, raw `bulk_create`,
migrations — goes through SQLite, so triggers update the index in the writer's own transaction
and nothing can forget to. PostgreSQL needs none of this: its index is expression indexes on
the tables themselves (migration 0008_search_index).

- ``glossary_search_label_key``: each label's *key* (the text without spaces, hyphens and other
  punctuation), so "fine tuning", "Fine-tuning" and "finetuning" are one token; unicode61 folds
  case and accents; prefix indexes make 2–4 character prefixes cheap.
- ``glossary_search_label_word``: each label's words, porter-stemmed (plurals, "-ing").
- ``glossary_search_term``: each term's name, short definition and body (whole words, stemmed).
- ``glossary_search_note``: definitions in other languages (`Note` rows of kind definition).
- ``glossary_search_word``: every word ever seen in a label, the vocabulary close spellings are
  corrected against (the same table on PostgreSQL). Append-only: a word whose last label went
  away only proposes a correction that finds nothing.

Django rebuilds a SQLite table to alter it (new table, copy, drop, rename), which drops its
triggers: `repair_sqlite` puts them back after every `migrate` (see apps.py).
"""

# Removed from label keys; the query's key drops every character that is not a letter or digit
# (glossary.search.search_key), so a label with other punctuation is still found by its words.
# Twenty: SQLite's parser refuses replace() nested much deeper.
KEY_SEPARATORS = " -_.,;:!?'\"/\\()&+\u2013\u2014\u2019"


def _sql_string(char: str) -> str:
    return "'" + char.replace("'", "''") + "'"


def key_sql(column: str) -> str:
    """SQL for the text of ``column`` with every separator removed."""
    expression = column
    for char in KEY_SEPARATORS:
        expression = f"replace({expression}, {_sql_string(char)}, '')"
    return expression


def _spaced_sql(column: str) -> str:
    expression = column
    for char in KEY_SEPARATORS[1:]:
        expression = f"replace({expression}, {_sql_string(char)}, ' ')"
    return expression


def _words_insert(column: str) -> str:
    """Add the words of ``column`` to the vocabulary (json_each splits; CTEs are not allowed in triggers)."""
    return (
        "INSERT OR IGNORE INTO glossary_search_word(word) SELECT value FROM json_each("
        f"'[' || replace(json_quote(lower({_spaced_sql(column)})), ' ', '\",\"') || ']') WHERE value <> '';"
    )


TOKENIZER = "porter unicode61 remove_diacritics 2"

SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS glossary_search_label_key USING fts5("
    "key, tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS glossary_search_label_word USING fts5(text, tokenize='{TOKENIZER}')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS glossary_search_term USING fts5(name, definition, body, tokenize='{TOKENIZER}')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS glossary_search_note USING fts5(text, tokenize='{TOKENIZER}')",
    "CREATE TABLE IF NOT EXISTS glossary_search_word ("
    "id INTEGER PRIMARY KEY AUTOINCREMENT, word TEXT NOT NULL UNIQUE)",
]

_LABEL_INSERT = (
    f"INSERT INTO glossary_search_label_key(rowid, key) VALUES (new.id, {key_sql('new.text')}); "
    "INSERT INTO glossary_search_label_word(rowid, text) VALUES (new.id, new.text); "
    + _words_insert("new.text")
)
_LABEL_DELETE = (
    "DELETE FROM glossary_search_label_key WHERE rowid = old.id; "
    "DELETE FROM glossary_search_label_word WHERE rowid = old.id;"
)
_TERM_INSERT = (
    "INSERT INTO glossary_search_term(rowid, name, definition, body) "
    "VALUES (new.id, new.name, new.short_definition, new.body);"
)
_TERM_DELETE = "DELETE FROM glossary_search_term WHERE rowid = old.id;"
_NOTE_INSERT = "INSERT INTO glossary_search_note(rowid, text) SELECT new.id, new.text WHERE new.kind = 'definition';"
_NOTE_DELETE = "DELETE FROM glossary_search_note WHERE rowid = old.id;"

SQLITE_TRIGGERS = {
    "glossary_search_label_ai": f"AFTER INSERT ON glossary_label BEGIN {_LABEL_INSERT} END",
    "glossary_search_label_ad": f"AFTER DELETE ON glossary_label BEGIN {_LABEL_DELETE} END",
    "glossary_search_label_au": f"AFTER UPDATE OF text ON glossary_label BEGIN {_LABEL_DELETE} {_LABEL_INSERT} END",
    "glossary_search_term_ai": f"AFTER INSERT ON glossary_term BEGIN {_TERM_INSERT} END",
    "glossary_search_term_ad": f"AFTER DELETE ON glossary_term BEGIN {_TERM_DELETE} END",
    "glossary_search_term_au": (
        f"AFTER UPDATE OF name, short_definition, body ON glossary_term BEGIN {_TERM_DELETE} {_TERM_INSERT} END"
    ),
    "glossary_search_note_ai": f"AFTER INSERT ON glossary_note BEGIN {_NOTE_INSERT} END",
    "glossary_search_note_ad": f"AFTER DELETE ON glossary_note BEGIN {_NOTE_DELETE} END",
    "glossary_search_note_au": f"AFTER UPDATE OF kind, text ON glossary_note BEGIN {_NOTE_DELETE} {_NOTE_INSERT} END",
}

SQLITE_FILL = [
    f"INSERT INTO glossary_search_label_key(rowid, key) SELECT id, {key_sql('text')} FROM glossary_label",
    "INSERT INTO glossary_search_label_word(rowid, text) SELECT id, text FROM glossary_label",
    "INSERT INTO glossary_search_term(rowid, name, definition, body) "
    "SELECT id, name, short_definition, body FROM glossary_term",
    "INSERT INTO glossary_search_note(rowid, text) SELECT id, text FROM glossary_note WHERE kind = 'definition'",
    "INSERT OR IGNORE INTO glossary_search_word(word) SELECT value FROM glossary_label, json_each("
    f"'[' || replace(json_quote(lower({_spaced_sql('text')})), ' ', '\",\"') || ']') WHERE value <> ''",
]
SQLITE_INDEX_TABLES = ["glossary_search_label_key", "glossary_search_label_word", "glossary_search_term",
                       "glossary_search_note", "glossary_search_word"]


def _existing(cursor, kind: str) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
    return {row[0] for row in cursor.fetchall()}


def install_sqlite(connection) -> None:
    """Create the SQLite search index and its triggers, and fill it from the glossary tables."""
    with connection.cursor() as cursor:
        for statement in SQLITE_TABLES:
            cursor.execute(statement)
    rebuild_sqlite(connection)
    repair_sqlite(connection)


def repair_sqlite(connection) -> None:
    """Put back the triggers a table rebuild dropped, where the index is installed.

    The index tables keep the right rows through a rebuild (same ids, same text); only writes
    made while a trigger was missing would be lost, and `migrate` makes none after rebuilding.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if not set(SQLITE_INDEX_TABLES) <= _existing(cursor, "table"):
            return  # not installed (yet, or any more)
        triggers = _existing(cursor, "trigger")
        for name, body in SQLITE_TRIGGERS.items():
            if name not in triggers:
                cursor.execute(f"CREATE TRIGGER {name} {body}")


def rebuild_sqlite(connection) -> None:
    """Fill the SQLite search index again from the glossary tables."""
    with connection.cursor() as cursor:
        for table in SQLITE_INDEX_TABLES:
            cursor.execute(f"DELETE FROM {table}")
        for statement in SQLITE_FILL:
            cursor.execute(statement)


def uninstall_sqlite(connection) -> None:
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for table in SQLITE_INDEX_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
