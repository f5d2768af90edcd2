#!/usr/bin/env python
"""Benchmark releases at 100,000 terms on PostgreSQL: creation time, storage, diff time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gg_rel_bench make bench-releases

The database is brought to --terms / --relations (100,000 / 500,000) with `generate_glossary`
if it holds fewer; releases named ``bench-…`` from an earlier run are deleted first (with the
entries only they held). Then, --releases times: change about --change-percent of the terms
(their short definitions) and as many relations (half removed, half added), logged in the change
log as an editor's changes are, and create a release: the first reads the whole glossary, the
later ones only what the log names since the latest (`glossary.releases.incremental_state`).
Storage is what the release tables grew by on disk (`pg_total_relation_size` of the entry and
release tables with their indexes and TOAST), next to the glossary's own tables. Finally: the
time to diff two releases (function and API) and a release against the glossary now, after
another --change-percent of changes, incrementally and (for comparison) by a whole read.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_scale  # noqa: E402  the same glossary, set up the same way: generate, time, configure
from bench_scale import ensure_size, timed  # noqa: E402

PREFIX = "bench-"
GLOSSARY_TABLES = ("glossary_term", "glossary_label", "glossary_relation", "glossary_note", "glossary_mapping")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=500_000)
    parser.add_argument("--releases", type=int, default=5, help="Releases to create, with changes between them.")
    parser.add_argument("--change-percent", type=float, default=1.0, help="Share of the terms changed between releases.")
    parser.add_argument("--repeat", type=int, default=3, help="Timings of each diff (the median is shown).")
    return parser.parse_args()


def setup_django():
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("bench-releases measures PostgreSQL: set DATABASE_URL=postgres://…/gg_rel_bench")
    # Reading 600,000 rows at once outlasts the limit meant for page requests.
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    bench_scale.setup_django()  # production settings; the API diff runs its view every time (no response cache)


def median_time(repeat, fn, *args):
    return statistics.median(timed(fn, *args)[1] for _ in range(repeat))


def table_bytes(*tables) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(pg_total_relation_size(t::regclass)) FROM unnest(%s::text[]) AS t", [list(tables)])
        return int(cursor.fetchone()[0] or 0)


def release_bytes() -> int:
    from glossary.models import Release, ReleaseEntry

    return table_bytes(Release._meta.db_table, ReleaseEntry._meta.db_table)


def forget_earlier_runs():
    from django.db import connection

    from glossary import services
    from glossary.models import Release, ReleaseEntry

    earlier = list(Release.objects.filter(name__startswith=PREFIX).order_by("-created_at"))
    for release in earlier:
        services.release_delete(release=release)
    if earlier:
        with connection.cursor() as cursor:  # give the deleted rows' space back: growth is measured
            cursor.execute(f"VACUUM FULL {ReleaseEntry._meta.db_table}")


def change_glossary(rng, percent, label):
    """Change ``percent`` % of the public terms' definitions (to a text naming ``label``: a
    definition set to what it already was is no change) and as many relations, logged as the
    services' writes are (the bulk updates here skip the signals that log them)."""
    from django.db import transaction
    from django.utils import timezone

    from glossary.changelog import changelog_record
    from glossary.models import ChangeAction, ChangeKind, Relation, RelationType, Term

    term_ids = list(Term.objects.public().values_list("pk", flat=True))
    count = max(1, int(len(term_ids) * percent / 100))
    chosen = rng.sample(term_ids, count)
    uses = RelationType.objects.get(slug="uses")
    with transaction.atomic():
        Term.objects.filter(pk__in=chosen).update(
            short_definition=f"Revised in {label}.", updated_at=timezone.now())
        gone = list(Relation.objects.filter(type=uses).order_by("?").values_list("pk", flat=True)[:count // 2])
        Relation.objects.filter(pk__in=gone).delete()  # deletes one by one: logged by the signals
        for pk in chosen:
            changelog_record(ChangeKind.TERM, ChangeAction.CHANGED, object_id=pk)
        existing = set(Relation.objects.filter(type=uses).values_list("source_id", "target_id"))
        added = []
        while len(added) < count - count // 2:
            a, b = rng.sample(term_ids, 2)
            if (a, b) not in existing:
                existing.add((a, b))
                added.append(Relation(source_id=a, type=uses, target_id=b))
        for relation in Relation.objects.bulk_create(added):
            changelog_record(ChangeKind.RELATION, ChangeAction.ADDED, object_id=relation.pk,
                             source_id=relation.source_id, type_id=uses.pk, target_id=relation.target_id)
    return count, len(gone), len(added)


def count_calls(module, name):
    """Wrap ``module.name`` to count its calls; the count is the returned list's one item."""
    calls, real = [0], getattr(module, name)

    def counted(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    setattr(module, name, counted)
    return calls


def main():
    args = parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from glossary import releases, services
    from glossary.models import Release

    call_command("migrate", verbosity=0)
    print(f"database: PostgreSQL {connection.cursor().connection.info.server_version}, "
          f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"glossary: {ensure_size(args.terms, args.relations)}")
    with connection.cursor() as cursor:  # fresh statistics after a bulk generation: sound query plans
        cursor.execute("ANALYZE")
    forget_earlier_runs()
    glossary_size = table_bytes(*GLOSSARY_TABLES)
    print(f"the glossary's own tables (terms, labels, notes, mappings, relations, with indexes): "
          f"{glossary_size / 1e6:.1f} MB")
    rng = random.Random(14)
    stamp = time.strftime("%Y%m%d-%H%M%S")

    print(f"\n{'release':<28} {'read':>11} {'changed':>22} {'create s':>9} {'entries':>8} {'new':>7} "
          f"{'manifest B':>10} {'disk +MB':>9}")
    made = []
    whole_reads = count_calls(releases, "full_state")
    for round_no in range(args.releases):
        changed = "—"
        if round_no:
            terms, removed, added = change_glossary(rng, args.change_percent, f"run {stamp}, round {round_no}")
            changed = f"{terms} terms, -{removed}/+{added} rel"
        before, reads = release_bytes(), whole_reads[0]
        release, seconds = timed(services.release_create, name=f"{PREFIX}{stamp}-{round_no + 1}", user=None)
        grown = release_bytes() - before
        made.append((release, seconds, grown))
        read = "whole" if whole_reads[0] > reads else "incremental"
        print(f"{release.name:<28} {read:>11} {changed:>22} {seconds:>9.1f} {release.entry_count:>8,} "
              f"{release.new_entry_count:>7,} {len(release.manifest):>10,} {grown / 1e6:>9.2f}")

    first_grown = made[0][2]
    later = [grown for _, _, grown in made[1:]] or [0]
    per_release = statistics.mean(later)
    print(f"\nstorage: first release {first_grown / 1e6:.1f} MB "
          f"({first_grown / glossary_size:.2f}× the glossary's tables); each later one "
          f"{per_release / 1e6:.2f} MB on average (after {args.change_percent:g} % changed)")
    print(f"projected for 20 releases: {(first_grown + 19 * per_release) / 1e6:.1f} MB "
          f"(a full copy per release would be {20 * first_grown / 1e6:.0f} MB)")

    first, last = made[0][0], made[-1][0]
    previous = made[-2][0] if len(made) > 1 else first
    client = Client()

    def diff_function(a, b):
        return releases.diff_sides(releases.release_side(a), releases.release_side(b))

    def diff_current(a):
        side = releases.release_side(a)
        return releases.diff_sides(side, releases.current_side(against=side))

    def diff_current_whole(a):
        side = releases.release_side(a)
        real = releases.incremental_state
        releases.incremental_state = lambda base: None
        try:
            return releases.diff_sides(side, releases.current_side(against=side))
        finally:
            releases.incremental_state = real

    def diff_api(a, b):
        response = client.get(f"/api/releases/{a}/diff/{b}/")
        assert response.status_code == 200, response.content[:300]
        return response

    print()
    rows = [
        (f"diff two consecutive releases ({previous.name[-1]} → {last.name[-1]}), function",
         median_time(args.repeat, diff_function, previous, last), diff_function(previous, last)),
        (f"diff first → last release ({len(made)} rounds apart), function",
         median_time(args.repeat, diff_function, first, last), diff_function(first, last)),
        ("diff two consecutive releases, GET /api/releases/<a>/diff/<b>/",
         median_time(args.repeat, diff_api, previous.name, last.name), None),
    ]
    change_glossary(rng, args.change_percent, f"run {stamp}, after the releases")
    rows.append(("diff last release → current, function (incremental)", median_time(args.repeat, diff_current, last),
                 diff_current(last)))
    rows.append(("diff last release → current, function (whole read, as before)",
                 median_time(1, diff_current_whole, last), None))
    rows.append(("diff last release → current, GET /api/releases/<a>/diff/current/",
                 median_time(args.repeat, diff_api, last.name, "current"), None))
    rows.append(("rebuild a release's export snapshot (downloads)",
                 median_time(1, releases.release_snapshot, last), None))
    for label, seconds, diff in rows:
        counts = ""
        if diff is not None:
            summary = diff.summary()
            counts = (f"  terms +{summary['terms']['added']} -{summary['terms']['removed']} "
                      f"~{summary['terms']['changed']}, relations +{summary['relations']['added']} "
                      f"-{summary['relations']['removed']}")
        print(f"{label:<66} {seconds:>7.2f} s{counts}")
    print(f"\nreleases kept in the database: {Release.objects.count()}; the bench's are named {PREFIX}{stamp}-N")


if __name__ == "__main__":
    main()
