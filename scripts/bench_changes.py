#!/usr/bin/env python
"""Benchmark what changed (/changes/, its Atom feed, /api/changes/) at 100,000 terms.

    make bench-changes                                                     # SQLite, throwaway file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gg_changes_bench make bench-changes

Builds a throwaway database (Django's test database): N terms over a year of changes (created,
some saved again later, 5 % deprecated with a replacement, 2 % drafts), 50 categories, a
preferred label each. Then times, signed in (never served from the anonymous cache), the first
page of each surface, unfiltered, by category, and since a recent time; prints p50/p95 and, on
PostgreSQL, the plan of the first page's query. All three share `selectors.term_changes`.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from bench_db import throwaway_database  # scripts/, beside this file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")  # loading 100,000 rows is one long statement


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30, help="requests of each kind")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    remove_database = throwaway_database("bench_changes_")
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from glossary import selectors
    from glossary.exchange.write import insert_rows
    from glossary.models import PUBLIC_STATUSES, Category, Label, Term
    from glossary.planner import refresh_statistics

    try:
        now = timezone.now()
        started = time.perf_counter()
        with transaction.atomic():
            categories = [Category.objects.create(name=f"Category {i}", slug=f"c{i}") for i in range(50)]
            rows = []
            for i in range(args.terms):
                created = now - timedelta(seconds=rng.randrange(365 * 86400))
                updated = created + timedelta(seconds=rng.randrange(30 * 86400)) if rng.random() < 0.4 else created
                updated = updated if updated < now else created  # saved again in the future: not yet
                status = "deprecated" if rng.random() < 0.05 else "draft" if rng.random() < 0.02 else "published"
                rows.append((f"t-{i}", f"Term {i}", f"Definition of term {i}.", status,
                             rng.choice(categories).pk, created, updated, "", ""))
            insert_rows(Term, ["slug", "name", "short_definition", "status", "category", "created_at", "updated_at",
                               "body", "notation"], rows)
            ids = dict(Term.objects.values_list("slug", "pk"))
            insert_rows(Label, ["term", "text", "language", "kind", "subkind"],
                        [(ids[slug], name, "en", "preferred", "") for slug, name, *_ in rows])
            published = [ids[slug] for slug, _n, _d, status, *_ in rows if status == "published"]
            deprecated = Term.objects.filter(status="deprecated").values_list("pk", flat=True)
            Term.objects.bulk_update(
                [Term(pk=pk, replaced_by_id=rng.choice(published)) for pk in deprecated], ["replaced_by"], batch_size=2000
            )
        refresh_statistics()  # as the app does after a bulk write: PostgreSQL only (glossary.planner)
        print(f"loaded {args.terms} terms in {time.perf_counter() - started:.1f} s")

        # The first page's query, next to the one it replaced, interleaved: with the status filter
        # that SQLite may look up through its index, it read every public term, each one's
        # "modified?" (a Python function per row on SQLite), and sorted them all.
        def newest(terms):
            return [t.slug for t in terms[:25]]

        def former():
            return selectors.term_changes().filter(status__in=PUBLIC_STATUSES)

        assert newest(selectors.term_changes()) == newest(former())
        ours_ms, former_ms = [], []
        for _ in range(min(args.repeat, 10)):
            for query, times in ((selectors.term_changes, ours_ms), (former, former_ms)):
                started = time.perf_counter()
                newest(query())
                times.append((time.perf_counter() - started) * 1000)
        ours, theirs = statistics.median(ours_ms), statistics.median(former_ms)
        print(f"first page's query (median of {len(ours_ms)}): {ours:.1f} ms; the former one {theirs:.1f} ms "
              f"({theirs / ours:.0f}×)")

        client = Client()
        client.force_login(User.objects.create_superuser("bench", "bench@example.com", "bench-pass-123"))
        recent = (now - timedelta(days=2)).isoformat()
        cases = [
            ("/changes/", {}), ("/changes/", {"category": "c7"}), ("/changes/", {"page": "40"}),
            ("/changes/feed/", {}), ("/changes/feed/", {"category": "c7"}),
            ("/api/changes/", {}), ("/api/changes/", {"category": "c7"}), ("/api/changes/", {"since": recent}),
            ("/api/changes/", {"page_size": "200"}),
        ]
        samples = {}
        for _ in range(args.repeat):
            for url, params in rng.sample(cases, len(cases)):
                started = time.perf_counter()
                response = client.get(url, params)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (url, params, response.status_code)
                samples.setdefault(f"{url} {params or ''}", []).append(elapsed)
        print(f"\n{'request (signed in, never cached)':60} {'p50 ms':>8} {'p95 ms':>8}")
        for name, values in samples.items():
            values.sort()
            p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
            print(f"{name:60} {statistics.median(values):8.1f} {p95:8.1f}")

        if connection.vendor == "postgresql":
            sql, params = selectors.term_changes()[:25].query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
                print("\nplan of the first page:\n" + "\n".join(row[0] for row in cursor.fetchall()))
    finally:
        remove_database()


if __name__ == "__main__":
    main()
