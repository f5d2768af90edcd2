"""Benchmark: import a synthetic 100,000-term / 500,000-relation glossary (our JSON format).

Each term has preferred labels in 3 languages and 2 alternative labels (500,000 labels), like a
multilingual thesaurus. Builds the file itself, then times `import_glossary` into an empty
throwaway database (Django's test database, so no real data is touched), then times importing it
again (nothing changes). Runs on PostgreSQL when DATABASE_URL is set, else SQLite. Budget: the
first import ≤ 90 s on PostgreSQL.

Side by side, interleaved in one run (``--rounds``): the import as shipped, recording its history,
and a baseline that is the same import with its history writes removed (the import before issue 14).
Budget: with history ≤ 1.2 × the baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gg_exchange .venv/bin/python scripts/bench_import.py
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
# The per-statement limit is for page requests: dropping the benchmark's large database may outlast it.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")

TYPES = [
    # slug, label, inverse label, symmetric, acyclic, skos mapping
    ("is-a", "is a", "has subtype", False, True, "broader"),
    ("part-of", "is part of", "has part", False, True, "none"),
    ("requires", "requires", "is required by", False, True, "none"),
    ("uses", "uses", "is used by", False, False, "none"),
    ("related-to", "is related to", "is related to", True, False, "related"),
]


def synthetic_glossary(n_terms, n_relations, seed=7):
    """A valid glossary: acyclic types only point from later to earlier terms, so no cycle."""
    rng = random.Random(seed)
    slugs = [f"term-{i}" for i in range(n_terms)]
    terms = [
        {
            "slug": slug, "uri": f"http://vocab.example.org/c{i}", "short_definition": f"Synthetic term number {i}.",
            "body": "", "category": f"cat-{i % 10}", "status": "published", "replaced_by": None,
            "labels": [
                {"text": f"Term {i}", "language": "en", "kind": "preferred", "subkind": ""},
                {"text": f"Termi {i}", "language": "fi", "kind": "preferred", "subkind": ""},
                {"text": f"Begriff {i}", "language": "de", "kind": "preferred", "subkind": ""},
                {"text": f"T{i}", "language": "en", "kind": "alternative", "subkind": "abbreviation"},
                # Shared between neighbours, as abbreviations and plurals are in real vocabularies.
                {"text": f"Group {i // 2}", "language": "en", "kind": "alternative", "subkind": ""},
            ],
        }
        for i, slug in enumerate(slugs)
    ]
    seen = set()
    relations = []
    while len(relations) < n_relations:
        slug, _, _, symmetric, acyclic, _ = TYPES[rng.randrange(len(TYPES))]
        a, b = rng.randrange(n_terms), rng.randrange(n_terms)
        if a == b:
            continue
        if acyclic and a < b or symmetric:
            a, b = max(a, b), min(a, b)
        if (a, slug, b) in seen:
            continue
        seen.add((a, slug, b))
        relations.append({"source": slugs[a], "type": slug, "target": slugs[b], "note": ""})
    return {
        "format": "glossary-graph", "version": 2,
        "categories": [{"slug": f"cat-{i}", "name": f"Category {i}"} for i in range(10)],
        "relation_types": [
            {"slug": s, "label": label, "inverse_label": inverse, "symmetric": sym, "acyclic": acyc,
             "transitive": acyc, "skos_mapping": skos}
            for s, label, inverse, sym, acyc, skos in TYPES
        ],
        "terms": terms, "relations": relations, "references": [],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=2, help="pairs of (baseline, with history) first imports")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from glossary.models import Label, Relation, Term

    path = Path(tempfile.mkdtemp(prefix="bench-import-")) / f"bench_glossary_{args.terms}_{args.relations}.json"
    started = time.perf_counter()
    with open(path, "w", encoding="utf-8") as f:
        json.dump(synthetic_glossary(args.terms, args.relations), f)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")

    vendor = connection.vendor
    old_name = connection.settings_dict["NAME"]
    timings = {"baseline": [], "history": []}
    try:
        for round_ in range(args.rounds):
            for mode in ("baseline", "history") if round_ % 2 == 0 else ("history", "baseline"):
                connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
                try:
                    with history_writes(mode == "history"):
                        runs = ["first import (empty database)"]
                        if round_ == 0:
                            runs.append("second import (same file)")
                        for run in runs:
                            started = time.perf_counter()
                            call_command("import_glossary", str(path), quiet=True, stdout=open(os.devnull, "w"))
                            elapsed = time.perf_counter() - started
                            if run.startswith("first"):
                                timings[mode].append(elapsed)
                            print(f"{vendor}: {mode}: {run}: {elapsed:.1f} s ({Term.objects.count()} terms, "
                                  f"{Label.objects.count()} labels, {Relation.objects.count()} relations, "
                                  f"{Relation.history.model.objects.count()} relation versions)", flush=True)
                finally:
                    connection.creation.destroy_test_db(old_name, verbosity=0)
    finally:
        path.unlink()
        path.parent.rmdir()
    base, hist = statistics.median(timings["baseline"]), statistics.median(timings["history"])
    print(f"{vendor}: first import, median of {args.rounds}: baseline (no history) {base:.1f} s, "
          f"with history {hist:.1f} s, ratio {hist / base:.2f}x (budget <= 1.2x)")


@contextmanager
def history_writes(enabled):
    """The baseline: the same import with every historical row it writes left out."""
    from glossary.exchange import write

    if enabled:
        yield
        return
    copy_history, insert_rows = write.copy_history, write.insert_rows

    def insert_unless_history(model, *args, **kwargs):
        if not model.__name__.startswith("Historical"):
            insert_rows(model, *args, **kwargs)

    write.copy_history, write.insert_rows = (lambda *args, **kwargs: None), insert_unless_history
    try:
        yield
    finally:
        write.copy_history, write.insert_rows = copy_history, insert_rows


if __name__ == "__main__":
    main()
