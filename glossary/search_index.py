"""The search index on SQLite: FTS5 tables kept in step with the glossary tables by triggers.

Every write — services, admin, the bulk importer's executemany, `loaddata`, raw `bulk_create`,
migrations — goes through SQLite, so triggers update the index in the writer's own transaction
and nothing can forget to. PostgreSQL needs none of this: its index is expression indexes on
the tables themselves (migration 0008_search_index).

The text goes into the index already folded and split into words, by the functions the queries
are read with (`glossary.search.search_key` and `indexed_words`, registered on every SQLite
connection under the names PostgreSQL's own SQL functions have): FTS5's unicode61 tokenizer folds
case and the accents of Latin letters only, so on its own it would keep "λόγος" apart from
"λογος" and "Straße" apart from "strasse", and it would keep "大型语言模型" one word.

- ``glossary_search_label_key``: each label's *key* (`search_key`: folded, letters and digits
  only), so "fine tuning", "Fine-tuning" and "finetuning" are one token; prefix indexes make 2–4
  character prefixes cheap.
- ``glossary_search_label_word``: each label's folded words, porter-stemmed (plurals, "-ing").
- ``glossary_search_term``: each term's name, short definition and body (whole words, stemmed).
- ``glossary_search_note``: definitions in other languages (`Note` rows of kind definition).
- ``glossary_search_word``: every word ever seen in a label, the vocabulary close spellings are
  corrected against (the same table on PostgreSQL). Append-only: a word whose last label went
  away only proposes a correction that finds nothing.

Django rebuilds a SQLite table to alter it (new table, copy, drop, rename), which drops its
triggers: `repair_sqlite` puts them back after every `migrate` (see apps.py).
"""

# Where the vocabulary splits a label into words (besides spaces). Twenty: SQLite's parser refuses
# replace() nested much deeper.
WORD_SEPARATORS = " -_.,;:!?'\"/\\()&+\u2013\u2014\u2019"


def _sql_string(char: str) -> str:
    return "'" + char.replace("'", "''") + "'"


def _spaced_sql(column: str) -> str:
    expression = column
    for char in WORD_SEPARATORS[1:]:
        expression = f"replace({expression}, {_sql_string(char)}, ' ')"
    return expression


def _words_insert(column: str) -> str:
    """Add the words of ``column`` to the vocabulary (json_each splits; CTEs are not allowed in triggers)."""
    return (
        "INSERT OR IGNORE INTO glossary_search_word(word) SELECT value FROM json_each("
        f"'[' || replace(json_quote(glossary_search_fold({_spaced_sql(column)})), ' ', '\",\"') || ']') WHERE value <> '';"
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
    "INSERT INTO glossary_search_label_key(rowid, key) VALUES (new.id, glossary_search_key(new.text)); "
    "INSERT INTO glossary_search_label_word(rowid, text) VALUES (new.id, glossary_search_words(new.text)); "
    + _words_insert("new.text")
)
_LABEL_DELETE = (
    "DELETE FROM glossary_search_label_key WHERE rowid = old.id; "
    "DELETE FROM glossary_search_label_word WHERE rowid = old.id;"
)
_TERM_INSERT = (
    "INSERT INTO glossary_search_term(rowid, name, definition, body) "
    "VALUES (new.id, glossary_search_words(new.name), glossary_search_words(new.short_definition), "
    "glossary_search_words(new.body));"
)
_TERM_DELETE = "DELETE FROM glossary_search_term WHERE rowid = old.id;"
_NOTE_INSERT = (
    "INSERT INTO glossary_search_note(rowid, text) SELECT new.id, glossary_search_words(new.text) "
    "WHERE new.kind = 'definition';"
)
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
    "INSERT INTO glossary_search_label_key(rowid, key) SELECT id, glossary_search_key(text) FROM glossary_label",
    "INSERT INTO glossary_search_label_word(rowid, text) SELECT id, glossary_search_words(text) FROM glossary_label",
    "INSERT INTO glossary_search_term(rowid, name, definition, body) SELECT id, glossary_search_words(name), "
    "glossary_search_words(short_definition), glossary_search_words(body) FROM glossary_term",
    "INSERT INTO glossary_search_note(rowid, text) SELECT id, glossary_search_words(text) FROM glossary_note "
    "WHERE kind = 'definition'",
    "INSERT OR IGNORE INTO glossary_search_word(word) SELECT value FROM glossary_label, json_each("
    f"'[' || replace(json_quote(glossary_search_fold({_spaced_sql('text')})), ' ', '\",\"') || ']') WHERE value <> ''",
]
SQLITE_INDEX_TABLES = ["glossary_search_label_key", "glossary_search_label_word", "glossary_search_term",
                       "glossary_search_note", "glossary_search_word"]


def sqlite_functions(sender=None, connection=None, **kwargs) -> None:
    """Give a new SQLite connection the folding functions the index's triggers call (the
    `connection_created` signal): ``glossary_search_fold``, ``glossary_search_key`` and
    ``glossary_search_words``, the same Python functions that fold the queries and split them into words. A connection without them (the sqlite3 shell) cannot
    write labels, terms or notes: "no such function", and nothing is written."""
    if connection is None or connection.vendor != "sqlite":
        return
    from glossary.search import fold, indexed_words, search_key

    for name, function in (("glossary_search_fold", fold), ("glossary_search_key", search_key),
                           ("glossary_search_words", indexed_words)):
        connection.connection.create_function(name, 1, _null_passes(function), deterministic=True)


def _null_passes(function):
    return lambda value: None if value is None else function(value)


# Indexes of the glossary's own tables that its models cannot declare (an expression index, for
# the search by notation: migration 0025); a table rebuild drops them with the triggers.
SQLITE_INDEXES = {"term_notation_lower": "ON glossary_term (lower(notation)) WHERE notation <> ''"}


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


def _installed(connection) -> bool:
    """Whether ``connection`` is SQLite with the index's tables (not installed yet, or any more)."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        return set(SQLITE_INDEX_TABLES) <= _existing(cursor, "table")


def _drop_triggers(cursor) -> None:
    for name in SQLITE_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def repair_sqlite(connection) -> None:
    """Put back the triggers (and `SQLITE_INDEXES`) a table rebuild dropped, where the index is installed.

    The index tables keep the right rows through a rebuild (same ids, same text); only writes
    made while a trigger was missing would be lost, and `migrate` makes none after rebuilding.
    """
    if not _installed(connection):
        return
    with connection.cursor() as cursor:
        triggers = _existing(cursor, "trigger")
        for name, body in SQLITE_TRIGGERS.items():
            if name not in triggers:
                cursor.execute(f"CREATE TRIGGER {name} {body}")
        for name, body in SQLITE_INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} {body}")


def refresh_sqlite(connection) -> None:
    """Replace the triggers by the ones above and index every row again: when the way text is
    folded into the index changed (a migration's job)."""
    if not _installed(connection):
        return
    with connection.cursor() as cursor:
        _drop_triggers(cursor)
    rebuild_sqlite(connection)
    repair_sqlite(connection)


def rebuild_sqlite(connection) -> None:
    """Fill the SQLite search index again from the glossary tables."""
    with connection.cursor() as cursor:
        for table in SQLITE_INDEX_TABLES:
            cursor.execute(f"DELETE FROM {table}")
        for statement in SQLITE_FILL:
            cursor.execute(statement)


def uninstall_sqlite(connection) -> None:
    with connection.cursor() as cursor:
        _drop_triggers(cursor)
        for table in SQLITE_INDEX_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
