#!/usr/bin/env python
"""Benchmark the graph engine: build, memory, neighbourhood and path, next to raw networkx.

    make bench-graph                      # throwaway SQLite file
    DATABASE_URL=postgres://… make bench-graph
    scripts/bench_graph.py --terms 10000 --relations 50000 --no-browser

Generates a synthetic glossary (manage.py generate_glossary), then times, in this one process,
our cached-graph build against a bare MultiDiGraph built from the same rows, and our queries
against the equivalent networkx calls on the same graph. With Chromium present it also times
`data-state=ready` for the seed graph and a 300-node neighbourhood. Targets: build ≤ 5 s and
≤ 400 MB; neighbourhood ≤ 2.5× raw networkx; ready ≤ 1 s (seed) and ≤ 1.5 s (300 nodes).
"""

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=500_000)
    parser.add_argument("--samples", type=int, default=200, help="Queries timed per measure.")
    parser.add_argument("--no-browser", action="store_true", help="Skip the headless Chromium timings.")
    return parser.parse_args()


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glossary.settings")
    import django

    django.setup()


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def latencies(fn, cases):
    times = []
    for case in cases:
        start = time.perf_counter()
        fn(*case)
        times.append(time.perf_counter() - start)
    return statistics.median(times), sorted(times)[int(len(times) * 0.95) - 1]


def measure_memory(fn):
    tracemalloc.start()
    result = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, peak


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_ready_times(database_url, urls):
    """Seconds from navigation to data-state=ready, per URL, on a server over this database."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1", "WHITENOISE_USE_FINDERS": "1"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    results = {}
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            for url in urls:
                page.goto(f"http://127.0.0.1:{port}{url}", timeout=120_000)  # warms the graph cache
                page.wait_for_selector('#graph[data-state="ready"]', timeout=60_000)
                runs = []
                for _ in range(3):
                    page.goto(f"http://127.0.0.1:{port}{url}")
                    page.wait_for_selector('#graph[data-state="ready"]', timeout=60_000)
                    # From the start of navigation: HTML, scripts, layout and stabilisation.
                    runs.append(page.evaluate(
                        "performance.getEntriesByName('graph-ready:graph')[0].startTime") / 1000)
                nodes = page.evaluate("window.graphNetwork.body.data.nodes.length")
                results[url] = (statistics.median(runs), nodes)
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return results


def main():
    args = parse_args()
    workdir = tempfile.mkdtemp(prefix="bench_graph_")
    given = bool(os.environ.get("DATABASE_URL"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite3"
    setup_django(database_url)

    import networkx as nx
    from django.core.management import call_command
    from django.db import connection

    from glossary.models import Relation, RelationType, Term
    from graphviz_app import queries
    from graphviz_app.engine import _build_without_gc, clear_graph_cache, graph_snapshot

    print(f"database: {connection.vendor} ({'from DATABASE_URL' if given else 'throwaway file'})")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, networkx {nx.__version__}")
    call_command("migrate", verbosity=0)
    seed = random.randrange(1, 10**6)
    _, generate_s = timed(call_command, "generate_glossary", terms=args.terms, relations=args.relations,
                          seed=seed, verbosity=0)
    print(f"generated {args.terms} terms / {args.relations} relations (seed {seed}) in {generate_s:.1f} s")

    rows = []

    def raw_build():
        slugs = dict(Term.objects.values_list("pk", "slug"))
        types = dict(RelationType.objects.values_list("pk", "slug"))
        G = nx.MultiDiGraph()
        G.add_nodes_from(slugs.values())
        G.add_edges_from(
            (slugs[s], slugs[t], types[k])
            for s, k, t in Relation.objects.values_list("source_id", "type_id", "target_id").iterator(chunk_size=20_000)
        )
        return G

    # Time without tracemalloc (it slows allocation several-fold), then measure memory apart.
    raw, raw_s = timed(raw_build)
    ours, our_s = timed(_build_without_gc, include_drafts=True)
    del ours
    _, raw_mem = measure_memory(raw_build)
    ours, our_mem = measure_memory(lambda: _build_without_gc(include_drafts=True))
    rows.append(("build (s)", our_s, raw_s, "≤ 5 s"))
    rows.append(("build peak memory (MB)", our_mem / 2**20, raw_mem / 2**20, "≤ 400 MB"))
    del ours

    clear_graph_cache()
    snapshot = graph_snapshot(include_drafts=True)
    G, U = snapshot.G, snapshot.undirected
    rng = random.Random(1)
    nodes = list(G)
    sample = [rng.choice(nodes) for _ in range(args.samples)]
    raw_U = raw.to_undirected(as_view=True)

    def our_neighbourhood(n):
        return list(queries.neighbourhood(G, n, 2, undirected=U).edges(keys=True))

    def raw_neighbourhood(n):
        return list(raw.subgraph(nx.single_source_shortest_path_length(raw_U, n, cutoff=2)).edges(keys=True))

    ours_med, ours_p95 = latencies(our_neighbourhood, [(n,) for n in sample])
    raw_med, raw_p95 = latencies(raw_neighbourhood, [(n,) for n in sample])
    rows.append(("neighbourhood depth 2, median (ms)", ours_med * 1e3, raw_med * 1e3, "≤ 2.5× raw"))
    rows.append(("neighbourhood depth 2, p95 (ms)", ours_p95 * 1e3, raw_p95 * 1e3, ""))

    pairs = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(args.samples)]

    def our_path(a, b):
        try:
            queries.explain_path(G, queries.path_steps(G, a, b, undirected=U))
        except nx.NetworkXNoPath:
            pass

    def raw_path(a, b):
        try:
            nx.shortest_path(raw_U, a, b)
        except nx.NetworkXNoPath:
            pass

    ours_med, ours_p95 = latencies(our_path, pairs)
    raw_med, raw_p95 = latencies(raw_path, pairs)
    rows.append(("path + explanation, median (ms)", ours_med * 1e3, raw_med * 1e3, ""))
    rows.append(("path + explanation, p95 (ms)", ours_p95 * 1e3, raw_p95 * 1e3, ""))
    _, check_s = timed(graph_snapshot, include_drafts=True)
    rows.append(("cached graph, revalidation (ms)", check_s * 1e3, float("nan"), "one query"))

    browser = {}
    if not args.no_browser and os.path.exists("/usr/bin/chromium"):
        hub = queries.top_nodes(G, 1)[0]
        depth = next(d for d in (1, 2, 3) if len(queries.neighbourhood_distances(G, hub, d, undirected=U)) >= 300)
        seed_url = f"sqlite:///{workdir}/seed.sqlite3"
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True,
                       env={**os.environ, "DATABASE_URL": seed_url})
        subprocess.run([sys.executable, "manage.py", "loaddata", "fixtures/llm_glossary.json", "-v0"], cwd=ROOT,
                       check=True, env={**os.environ, "DATABASE_URL": seed_url})
        browser.update(browser_ready_times(seed_url, ["/graph/"]))
        browser.update(browser_ready_times(database_url, [f"/graph/{hub}/?depth={depth}&limit=300"]))

    print()
    print(f"{'measure':<38} {'ours':>10} {'raw networkx':>13} {'ratio':>7}  target")
    for name, ours_v, raw_v, target in rows:
        ratio = ours_v / raw_v if raw_v == raw_v and raw_v else float("nan")
        print(f"{name:<38} {ours_v:>10.2f} {raw_v:>13.2f} {ratio:>7.2f}  {target}")
    for url, (seconds, count) in browser.items():
        target = "≤ 1 s" if url == "/graph/" else "≤ 1.5 s"
        print(f"{'ready in Chromium: ' + url[:40]:<38} {seconds:>10.2f} {'':>13} {'':>7}  {target} ({count} nodes)")


if __name__ == "__main__":
    main()
