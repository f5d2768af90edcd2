"""The change log: every change to the glossary appends an entry in the transaction that made it.

Writers only append (`glossary.signals` for row-by-row writes; `changelog_record_bulk()` for
bulk paths), so concurrent writers no longer queue on one row. Readers follow the log: each
process keeps one `Feed` that looks at the log once per request (one indexed statement, see
`glossary.changelog_backends`) and keeps the entries that committed since, for the per-process
graphs to apply (`graphviz_app.engine`); the key of what was visible keys the anonymous response
cache and the API's ETags. A committed write, from any process or machine, is therefore seen by
the next request everywhere.
"""

import hashlib
import itertools
import threading
from collections import deque
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, connections, transaction

from glossary.cache import build_token
from glossary.changelog_backends import Entry, backend_for
from glossary.models import Change, ChangeKind
from glossary.planner import refresh_statistics_on_commit

# Entries one look reads at most: a reader further behind rebuilds instead.
LOOK_LIMIT = 2_000
# Published entries kept for the graphs; a graph that has applied fewer rebuilds.
KEEP_IN_MEMORY = 2_000


def changelog_record(kind: str, action: str = "", *, using: str = "default", **ids) -> None:
    """Append one entry, inside the current transaction of the ``using`` database."""
    Change.objects.using(using).create(
        txid=backend_for(connections[using]).txid_value(), kind=kind, action=action, **ids
    )


def changelog_record_bulk(*, using: str = "default") -> None:
    """Record a bulk write (an import): readers rebuild rather than apply it row by row, and the
    planner's statistics are refreshed once it commits (`glossary.planner`)."""
    changelog_record(ChangeKind.BULK, using=using)
    refresh_statistics_on_commit(using=using)


@transaction.atomic
def changelog_trim(*, keep: int) -> int:
    """Delete all but about the newest ``keep`` entries; return how many were deleted.

    A trim entry records the horizon (a txid on PostgreSQL, a seq on SQLite): a process that
    had not read every entry below it rebuilds its graphs.
    """
    with connection.cursor() as cursor:
        horizon, deleted = backend_for(connection).trim(cursor, keep)
    if deleted:
        changelog_record(ChangeKind.TRIM, object_id=horizon)
    return deleted


@dataclass(frozen=True)
class Position:
    """Where the log stood for one reader at one moment."""

    key: str  # equal for equal visible glossaries, in every process
    end: int  # the process feed's index after the entries published so far
    # Inside a transaction that has written, what this reader sees beyond the published entries
    # (its own uncommitted ones among them) is for it alone:
    dirty: bool = False
    pending: tuple[Entry, ...] = ()
    reset: bool = False  # …and whether it must rebuild rather than apply them

    @property
    def token(self) -> str:
        """The key, short: for cache keys and ETags."""
        return hashlib.blake2b(self.key.encode(), digest_size=10).hexdigest()


def _forces_rebuild(entries) -> bool:
    return any(e.kind == ChangeKind.BULK for e in entries)


class Feed:
    """This process's reading of the log: its position and the entries published since."""

    def __init__(self):
        self._lock = threading.Lock()
        self._position = None
        self._entries: deque[Entry] = deque()
        self._start = 0  # feed index of _entries[0]
        self._end = 0  # feed index after the last entry
        self._reset_at = 0  # readers that have applied less than this must rebuild

    def look(self) -> Position:
        """Look at the log (one query); publish what committed since the last look."""
        with self._lock, connection.cursor() as cursor:
            look = backend_for(connection).look(cursor, self._position, LOOK_LIMIT, connection.in_atomic_block)
            first = self._position is None
            if look.dirty and not first:
                return Position(look.key, self._end, dirty=True, pending=tuple(look.entries),
                                reset=look.reset or _forces_rebuild(look.entries))
            # A first look is adopted even inside a writing transaction: its position counts that
            # transaction as still running, so its entries are read again once committed.
            self._position = look.position
            if first or look.reset or _forces_rebuild(look.entries):
                self._restart()
            else:
                self._entries.extend(look.entries)
                self._end += len(look.entries)
                while len(self._entries) > KEEP_IN_MEMORY:
                    self._entries.popleft()
                    self._start += 1
            # The own entries a first look may bring are for the dirty reader alone.
            return Position(look.key, self._end, dirty=look.dirty, pending=tuple(look.entries) if look.dirty else ())

    def _restart(self) -> None:
        self._entries.clear()
        self._end += 1  # no reader has applied up to here: all rebuild
        self._start = self._reset_at = self._end

    def since(self, upto: int) -> tuple[list[Entry], int] | None:
        """The published entries from index ``upto`` on and the index after them; None if a
        reader that has applied less than ``upto`` must rebuild."""
        with self._lock:
            if upto < self._reset_at or upto < self._start:
                return None
            return list(itertools.islice(self._entries, upto - self._start, None)), self._end

    @property
    def end(self) -> int:
        return self._end

    def forget(self) -> None:
        """Start over from the next look (tests and benchmarks that want a cold process)."""
        with self._lock:
            self._position = None
            self._restart()


feed = Feed()
_pinned: ContextVar["Position | _Unread | None"] = ContextVar("changelog_position", default=None)


class _Unread:
    """Inside `changes_pinned`, before anything asked where the log stands."""


_UNREAD = _Unread()


def changes_position() -> Position:
    """Where the log stands for this request: one query, or, inside `changes_pinned`, one query
    the first time it is asked and none after."""
    pinned = _pinned.get()
    if pinned is None:
        return feed.look()
    if pinned is _UNREAD:
        pinned = feed.look()
        _pinned.set(pinned)
    return pinned


def kept_until_next_change(key: str, compute, *, timeout: int = 3600):
    """``compute()``, kept in the cache under ``key`` until the next committed change.

    The log's position is in the cache key, as in the anonymous page cache's, so a kept value is
    never stale: for what is read over the whole glossary on many requests (its languages, the
    pages' totals, letters and counts). So is the build: a deploy does not read back values
    pickled by the code it replaced.
    """
    key = f"{key}:{build_token()}:{changes_position().token}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


@contextmanager
def changes_pinned():
    """Look at the log once for a read-only request: its cache key, graphs and ETag all use it.

    Only for requests that write nothing: a write inside would not be seen by this request.
    """
    token = _pinned.set(_UNREAD)  # looked at when first asked: a request that never asks pays nothing
    try:
        yield
    finally:
        _pinned.reset(token)

