"""The change log on PostgreSQL: entries that commit out of seq order are not missed, rolled-back
ones leave harmless gaps, and concurrent writers no longer queue on one row."""

import threading

import pytest
from django.db import connection, transaction

from glossary import services
from glossary.changelog import changelog_trim, changes_position
from glossary.changelog_backends import PostgresLog
from glossary.models import Change, ChangeKind
from graphviz_app.engine import engine_counts, graph_snapshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("commit order differs from seq order only with concurrent writers: a PostgreSQL matter")


class OpenTransaction:
    """A write in its own thread, connection and transaction, held open until told to finish."""

    def __init__(self, write):
        self.written, self.finish = threading.Event(), threading.Event()
        self.commit_it = True
        self.seqs = []
        self.thread = threading.Thread(target=self._run, args=(write,))
        self.thread.start()
        assert self.written.wait(10), "the write did not happen"

    def _run(self, write):
        try:
            with transaction.atomic():
                write()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT seq FROM glossary_change WHERE txid = pg_current_xact_id()::text::bigint")
                    self.seqs = [seq for seq, in cursor.fetchall()]
                self.written.set()
                self.finish.wait(10)
                if not self.commit_it:
                    transaction.set_rollback(True)
        finally:
            connection.close()

    def end(self, *, commit=True):
        self.commit_it = commit
        self.finish.set()
        self.thread.join(10)


def test_an_entry_that_commits_after_a_later_one_is_not_missed(make_term, client):
    make_term("Base")
    graph_snapshot()
    early = OpenTransaction(lambda: services.term_create(name="Early"))
    late = OpenTransaction(lambda: services.term_create(name="Late"))
    assert max(early.seqs) < min(late.seqs)
    late.end()
    G = graph_snapshot().G
    assert "late" in G and "early" not in G
    assert "Early" not in client.get("/api/terms/").content.decode()
    token_before = changes_position().token
    highest_applied = max(late.seqs)
    early.end()
    # A reader remembering only the highest seq it applied would never look at Early's entries.
    assert not Change.objects.filter(seq__gt=highest_applied).exists()
    assert "early" in graph_snapshot().G
    assert changes_position().token != token_before  # so caches and ETags move on too
    assert "Early" in client.get("/api/terms/").content.decode()
    assert engine_counts()["builds"]["public"] == 1


def test_a_rolled_back_writer_leaves_a_gap_and_nothing_else(make_term):
    make_term("Base")
    graph_snapshot()
    doomed = OpenTransaction(lambda: services.term_create(name="Doomed"))
    kept = OpenTransaction(lambda: services.term_create(name="Kept"))
    doomed.end(commit=False)
    kept.end()
    make_term("After")
    G = graph_snapshot().G
    assert {"kept", "after"} <= set(G) and "doomed" not in G
    assert not Change.objects.filter(seq__in=doomed.seqs).exists()
    assert engine_counts()["builds"]["public"] == 1


def test_a_writer_does_not_wait_for_another_open_writer(make_term):
    slow = OpenTransaction(lambda: services.term_create(name="Slow"))
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")  # queuing on a shared row would fail here
            make_term("Quick")
    finally:
        slow.end()
    assert Change.objects.filter(kind=ChangeKind.TERM, action="added").count() == 2


def test_a_trim_makes_a_reader_start_over_only_if_it_awaited_an_older_transaction(make_term):
    for name in "ABC":
        make_term(name)
    changelog_trim(keep=1)
    trim = Change.objects.get(kind=ChangeKind.TRIM)
    log = PostgresLog()
    with connection.cursor() as cursor:
        # It read everything before the trim and awaited only the trim's own transaction.
        assert not log.look(cursor, (trim.txid + 1, (trim.txid,)), 100, False).reset
        # It was still waiting for a transaction older than the horizon: its entries may be gone.
        assert log.look(cursor, (trim.txid + 1, (trim.object_id - 1, trim.txid)), 100, False).reset
