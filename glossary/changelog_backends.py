"""How a reader finds the change-log entries it has not seen yet, on PostgreSQL and on SQLite.

PostgreSQL hands out sequence numbers at insert, but transactions commit in another order: an
entry with a lower seq can become visible after one with a higher seq, and rolled-back inserts
leave gaps for ever. So a reader's position is the *snapshot* of its last look (xmax and the
transaction ids then in progress): every entry it has not seen was written by a transaction that
was in progress then (in ``xip``) or started later (``≥ xmax``) — exactly what the next look asks
for, in one indexed statement that also reads the new snapshot.

SQLite runs one write transaction at a time, so seq order is commit order and "after my last
seq" is enough. A rolled-back entry's seq is handed out again, though, so the reader remembers
its last entry's random ``txid`` as well and starts over if that entry is gone (a rollback it
saw from inside, or trimming).

Each backend also derives the *key* of what is visible — the same for every process that sees
the same committed entries, different whenever they differ — for response caches and ETags.
"""

import random
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models.expressions import RawSQL

from glossary.models import ChangeKind

TABLE = "glossary_change"
COLUMNS = "seq, txid, kind, action, object_id, source_id, type_id, target_id"
NO_XMAX = 2**63 - 1


class Entry(NamedTuple):
    seq: int
    txid: int
    kind: str
    action: str
    object_id: int | None
    source_id: int | None
    type_id: int | None
    target_id: int | None

    @property
    def ident(self) -> tuple[int, int]:
        """Seq and txid together: unique even where SQLite reuses a rolled-back seq."""
        return self.seq, self.txid


@dataclass
class Look:
    """What one look at the log found."""

    key: str  # identifies the visible entries: equal keys, equal glossary (for caches)
    entries: list[Entry] = field(default_factory=list)  # new since the position, in seq order
    position: object = None  # where the next look starts
    dirty: bool = False  # the reader's own transaction has written: not for sharing
    reset: bool = False  # entries the reader never saw may be gone, or too many came: start over


def _entries(rows, offset) -> list[Entry]:
    return [Entry(*row[offset:]) for row in rows if row[offset] is not None]


class PostgresLog:
    def txid_value(self):
        return RawSQL("pg_current_xact_id()::text::bigint", [])

    def look(self, cursor, position, limit: int, in_atomic_block: bool) -> Look:
        xmax, xip = position if position is not None else (NO_XMAX, ())
        # One statement, one snapshot: the entries read are exactly those the new position
        # (this statement's xmax and in-progress ids) counts as seen.
        cursor.execute(
            f"""
            SELECT pg_snapshot_xmax(snap)::text::bigint,
                   ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(snap) AS x),
                   pg_current_xact_id_if_assigned()::text::bigint,
                   (SELECT max(txid) FROM {TABLE}),
                   c.seq, c.txid, c.kind, c.action, c.object_id, c.source_id, c.type_id, c.target_id
            FROM pg_current_snapshot() AS snap
            LEFT JOIN LATERAL (
                SELECT {COLUMNS} FROM {TABLE}
                WHERE txid >= %s OR txid = ANY(%s::bigint[] || pg_current_xact_id_if_assigned()::text::bigint)
                ORDER BY seq
                LIMIT %s
            ) AS c ON true
            """,
            [xmax, list(xip), limit + 1],
        )
        rows = cursor.fetchall()
        new_xmax, new_xip, own, top = rows[0][:4]
        entries = _entries(rows, 4)
        # The reader's own entries are all among those read (its transaction counts as running).
        own_last = max((e.seq for e in entries if e.txid == own), default=None)
        # A trim above the oldest transaction this reader still waits for may have taken
        # entries it never saw.
        oldest_awaited = min((xmax, *xip))
        trimmed = any(e.kind == ChangeKind.TRIM and e.object_id > oldest_awaited for e in entries)
        # Only transactions older than the newest visible entry can still add entries below it.
        older = sorted(x for x in new_xip if top is not None and x < top)
        return Look(
            key=f"{top}:{','.join(map(str, older))}:{own_last or ''}",
            entries=entries,
            # The reader's own transaction is running too (a snapshot leaves it out of xip).
            position=(new_xmax, tuple(new_xip) + ((own,) if own is not None else ())),
            # A transaction that has written anything (it holds an id) may have written
            # glossary rows whose entries are not visible to anyone else yet.
            dirty=own is not None,
            reset=trimmed or len(entries) > limit,
        )

    def trim(self, cursor, keep: int) -> tuple[int, int]:
        """Delete entries older than the newest ``keep``: (txid below which all are gone, how many).

        Entries of transactions still running are invisible here and stay; they are read as
        usual once committed (readers wait for every transaction in progress at their look).
        """
        cursor.execute(f"SELECT txid FROM {TABLE} ORDER BY seq DESC OFFSET %s LIMIT 1", [max(keep - 1, 0)])
        row = cursor.fetchone()
        if row is None:
            return 0, 0
        cursor.execute(f"DELETE FROM {TABLE} WHERE txid < %s", [row[0]])
        return row[0], cursor.rowcount


class SqliteLog:
    def txid_value(self):
        return random.getrandbits(62)

    def look(self, cursor, position, limit: int, in_atomic_block: bool) -> Look:
        last_seq, last_txid = position if position is not None else (None, None)
        cursor.execute(
            f"""
            SELECT t.seq, t.txid, c.seq, c.txid, c.kind, c.action, c.object_id, c.source_id, c.type_id, c.target_id
            FROM (SELECT max(seq) AS seq FROM {TABLE}) AS m
            LEFT JOIN {TABLE} AS t ON t.seq = m.seq
            LEFT JOIN {TABLE} AS c ON c.seq >= coalesce(%s, m.seq)
            ORDER BY c.seq
            LIMIT %s
            """,
            [last_seq, limit + 2],
        )
        rows = cursor.fetchall()
        top_seq, top_txid = rows[0][:2] if rows else (None, None)
        entries = _entries(rows, 2)
        # Entries below a trim's horizon are gone; those past this reader's last one it never saw.
        reset = any(e.kind == ChangeKind.TRIM and e.object_id > (last_seq or 0) + 1 for e in entries)
        if last_seq is None:
            entries = []  # a first look: the reader starts from what is there now
        elif last_seq:
            # The first row must be the entry the reader stopped at; if it is gone, or another
            # entry took its seq, something the reader counted on was rolled back or trimmed.
            if entries and entries[0].ident == (last_seq, last_txid):
                entries = entries[1:]
            else:
                reset = True
        return Look(
            key=f"{top_seq}:{top_txid}",
            entries=entries,
            position=(top_seq or 0, top_txid),
            # Inside a transaction the reader cannot tell its own uncommitted entries apart.
            dirty=in_atomic_block,
            reset=reset or len(entries) > limit,
        )

    def trim(self, cursor, keep: int) -> tuple[int, int]:
        """Delete entries older than the newest ``keep``: (seq below which all are gone, how many)."""
        cursor.execute(f"SELECT seq FROM {TABLE} ORDER BY seq DESC LIMIT 1 OFFSET %s", [max(keep - 1, 0)])
        row = cursor.fetchone()
        if row is None:
            return 0, 0
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq < %s", [row[0]])
        return row[0], cursor.rowcount


def backend_for(connection):
    """The log reader for this database connection's backend."""
    return PostgresLog() if connection.vendor == "postgresql" else SqliteLog()
