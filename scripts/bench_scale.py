#!/usr/bin/env python
"""Benchmark the glossary at scale on PostgreSQL: each figure next to its baseline, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gg_scale_bench make bench-scale

The database is brought to --terms / --relations (100,000 / 500,000) with `generate_glossary`
if it holds fewer. Latencies go through the whole Django stack in this process (the test client:
URL routing, middleware, authentication, view, JSON rendering; no HTTP server), and the rounds
interleave ours and the baseline so both see the same machine load:

* the look at the change log each request makes — vs a one-row primary-key read (the old token);
* neighbourhood depth 2 through the API, warm — vs raw networkx + node-link JSON;
* add one is-a relation through the API (token) — vs a plain INSERT of the same row; and, to
  show what of it is the web stack's, the same POST refused before any write (an unknown target
  term: middleware, token, parsing and the lookups of the ends), and the write less that floor;
  and the same POST without a token, refused before any query (middleware and DRF alone); and
  the same row saved by the ORM in one transaction (its signals write the history row and the
  change-log entry every write keeps, with no rule checked and no request parsed);
* the first graph read after one committed write — vs the same read, warm (a neighbourhood, and
  the whole graph capped to its best connected terms);
* /api/terms/?search=<word>, signed in (p50 and p95);

then write throughput with 8 concurrent API writers, each on its own relation type, against a
gunicorn with 8 workers (vs 1 writer), and the graphs' memory (public + staff, tracemalloc) vs
a plain networkx graph of the same terms and relations. Anonymous responses are not served
from the response cache here (its middleware is left out), so every read runs its view.

Then the graph's health figures (`/api/graph/stats/`, the quality report's): the cycle search
against the former one, and the figures after a write, kept from the graph before, against the
same worked out anew.

Last, the pages and API lists that count or order the whole glossary (the A–Z list in English
and in German, which 2 in 5 terms have a name in), anonymous and signed in
(staff, session): what each pays on the first request after a write, and what staff pay again
with nothing written in between (the pages keep their whole-glossary counts until the next
change); and the counts behind them next to the queries they replaced ("both
ends among the visible terms" rather than "neither end among the hidden ones"; DISTINCT over
initials and names), interleaved, each checked to give the same answer; likewise resolving a
typed name and a new term's "name or label taken?" checks (the folded label and LOWER(name)
indexes vs iexact).

And the admin, where curators edit: its lists, searches and autocomplete (each view called and
rendered, staff), next to the same views as the admin first had them: a "contains" over the
search fields, counts by joining every row and grouping, the full count on every page.

The page list includes the quality report (/quality/) and its whole lists (?lacking=); and the
graph's health figures it shows (/api/graph/stats/) are timed next to the former cycle search,
which read every edge again for each acyclic type (interleaved, the same cycles found).
"""

import argparse
import gc
import json
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.error
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-scale-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_STATIC_MANIFEST": "0",
    "CACHE_URL": "locmem://",
}
WRITER_TYPES = [f"bench-writer-{i}" for i in range(1, 9)]
PORTS = range(8500, 8600)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=150, help="Interleaved rounds of the latency measures.")
    parser.add_argument("--searches", type=int, default=20, help="Searches timed (each takes its time).")
    parser.add_argument("--seconds", type=float, default=10.0, help="Duration of each throughput run.")
    parser.add_argument("--page-rounds", type=int, default=5, help="Rounds of each page and list timed.")
    parser.add_argument("--health-rounds", type=int, default=5, help="Rounds of the graph health figures timed.")
    return parser.parse_args()


def setup_django():
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("bench-scale measures PostgreSQL: set DATABASE_URL=postgres://…")
    for name, value in PRODUCTION_ENV.items():
        os.environ.setdefault(name, value)
    os.environ["DJANGO_SETTINGS_MODULE"] = "glossary.settings"
    # WhiteNoise notes that collectstatic has not run: no static file is asked for here.
    warnings.filterwarnings("ignore", message="No directory at")
    import django
    from django.conf import settings

    django.setup()
    # Every read runs its view: measure the graph, not the anonymous response cache.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("AnonymousReadCacheMiddleware")]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def rss_bytes() -> int:
    """This process's resident memory (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def ensure_size(terms, relations):
    from django.core.management import call_command

    from glossary.models import Relation, Term

    have_terms, have_relations = Term.objects.count(), Relation.objects.count()
    if have_terms >= terms and have_relations >= relations:
        return f"{have_terms:,} terms / {have_relations:,} relations (already there)"
    seed = random.randrange(1_000, 10**6)
    _, seconds = timed(call_command, "generate_glossary", terms=max(terms - have_terms, 2),
                       relations=max(relations - have_relations, 0), seed=seed, verbosity=0)
    return (f"{Term.objects.count():,} terms / {Relation.objects.count():,} relations "
            f"(generated with seed {seed} in {seconds:.0f} s)")


def ensure_writer():
    """A superuser with an API token, and one acyclic relation type per concurrent writer."""
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from glossary import services
    from glossary.models import RelationType

    user = User.objects.filter(username="bench-scale").first()
    if user is None:
        user = User.objects.create_superuser("bench-scale", "bench@example.com", "bench-scale-pass-123")
    for slug in WRITER_TYPES:
        if not RelationType.objects.filter(slug=slug).exists():
            services.relation_type_create(slug=slug, label=slug.replace("-", " "), inverse_label=f"inverse {slug}",
                                          acyclic=True)
    return Token.objects.get_or_create(user=user)[0].key


def ordered_slugs():
    """Public generated term slugs in generation order: a relation from an earlier to a later term
    never closes a cycle in the acyclic types `generate_glossary` made (they all point that way).
    Drafts, if the database holds some, are left out: anonymous readers read these terms."""
    from glossary.models import Term

    terms = Term.objects.public().filter(slug__startswith="generated-")
    return list(terms.order_by("slug").values_list("slug", flat=True))


class Pairs:
    """Fresh (earlier, later) term pairs with no relation of the given type yet."""

    def __init__(self, slugs, rng):
        self.slugs, self.rng = slugs, rng

    def draw(self, type_slug):
        from glossary.models import Relation

        while True:
            a, b = sorted(self.rng.sample(range(len(self.slugs)), 2))
            source, target = self.slugs[a], self.slugs[b]
            if not Relation.objects.filter(source__slug=source, target__slug=target, type__slug=type_slug).exists():
                return source, target


def latency_rounds(args, token, slugs, rng):
    import networkx as nx
    from django.db import connection, transaction
    from django.test import Client

    from glossary import services
    from glossary.changelog import feed
    from glossary.models import Relation, RelationType, Term
    from graphviz_app.engine import clear_graph_cache, engine_counts, graph_snapshot

    clear_graph_cache()
    gc.collect()
    before = rss_bytes()
    snapshot, build_s = timed(graph_snapshot)
    graph_snapshot(include_drafts=True)
    gc.collect()
    rss_delta = rss_bytes() - before
    raw = nx.MultiDiGraph()
    raw.add_nodes_from(snapshot.G.nodes(data=True))
    raw.add_edges_from(snapshot.G.edges(keys=True))
    raw_undirected = raw.to_undirected(as_view=True)

    anonymous, signed_in = Client(), Client(HTTP_AUTHORIZATION=f"Token {token}")
    is_a = RelationType.objects.get(slug="is-a")
    uses = RelationType.objects.get(slug="uses")
    pairs = Pairs(slugs, rng)
    terms = {t.slug: t for t in Term.objects.filter(slug__in=rng.sample(slugs, 2 * args.rounds))}
    term_list = list(terms.values())
    neighbourhood = "/api/graph/neighborhood/{}/?depth=2&limit=1000"
    samples = {name: [] for name in ("api", "raw", "write", "insert", "floor", "warm", "first", "look", "row",
                                     "whole_warm", "whole_first", "stack", "orm")}

    def api_read(slug):
        response = anonymous.get(neighbourhood.format(slug))
        assert response.status_code == 200, response.content[:300]
        return response.content

    def whole_read():
        response = anonymous.get("/api/graph/")  # the best connected terms, capped
        assert response.status_code == 200, response.content[:300]
        return response.content

    def raw_read(slug):
        H = raw.subgraph(nx.single_source_shortest_path_length(raw_undirected, slug, cutoff=2))
        return json.dumps(nx.node_link_data(H, edges="edges"))

    def api_write(source, target):
        response = signed_in.post("/api/relations/", {"source": source, "type": "is-a", "target": target},
                                  content_type="application/json")
        assert response.status_code == 201, response.content[:300]
        return response.json()["id"]

    # The refused POSTs are expected: keep Django's "Bad Request" warning for each out of the report.
    logging.getLogger("django.request").setLevel(logging.ERROR)

    def api_refused(source):
        response = signed_in.post("/api/relations/", {"source": source, "type": "is-a", "target": "no-such-term"},
                                  content_type="application/json")
        assert response.status_code == 400, response.content[:300]

    def api_unauthenticated(source):
        response = anonymous.post("/api/relations/", {"source": source, "type": "is-a", "target": "no-such-term"},
                                  content_type="application/json")
        assert response.status_code in (401, 403), response.content[:300]

    def plain_insert(source_id, target_id):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO glossary_relation (source_id, type_id, target_id, note, created_at) "
                "VALUES (%s, %s, %s, '', now()) RETURNING id", [source_id, is_a.pk, target_id])
            return cursor.fetchone()[0]

    def orm_insert(source_id, target_id):
        # The row as Django saves it in one transaction: its signals add the history row and the
        # change-log entry every write keeps; no rule is checked, no request is parsed.
        with transaction.atomic():
            return Relation.objects.create(source_id=source_id, type=is_a, target_id=target_id).pk

    def one_row_read():
        with connection.cursor() as cursor:  # what reading the old revision token cost
            cursor.execute("SELECT id FROM glossary_relationtype WHERE id = %s", [is_a.pk])
            return cursor.fetchone()

    builds_before = engine_counts()["builds"]["public"]
    ids = {}
    for _ in range(args.rounds):
        slug = rng.choice(slugs)
        samples["look"].append(timed(feed.look)[1])
        samples["row"].append(timed(one_row_read)[1])
        api_read(slug)  # the graph and this neighbourhood are warm
        samples["api"].append(timed(api_read, slug)[1])
        samples["raw"].append(timed(raw_read, slug)[1])

        source, target = pairs.draw("is-a")
        created, seconds = timed(api_write, source, target)
        samples["write"].append(seconds)
        Relation.objects.get(pk=created).delete()
        samples["floor"].append(timed(api_refused, source)[1])
        samples["stack"].append(timed(api_unauthenticated, source)[1])
        for end in (source, target):
            ids.setdefault(end, Term.objects.get(slug=end).pk)
        inserted, seconds = timed(plain_insert, ids[source], ids[target])
        samples["insert"].append(seconds)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM glossary_relation WHERE id = %s", [inserted])
        created, seconds = timed(orm_insert, ids[source], ids[target])
        samples["orm"].append(seconds)
        Relation.objects.get(pk=created).delete()

        api_read(slug)
        samples["warm"].append(timed(api_read, slug)[1])
        a, b = rng.sample(term_list, 2)
        relation = services.relation_create(source=a, type=uses, target=b)  # committed, as by anyone
        samples["first"].append(timed(api_read, slug)[1])
        relation.delete()

        whole_read()
        samples["whole_warm"].append(timed(whole_read)[1])
        relation = services.relation_create(source=b, type=uses, target=a)
        samples["whole_first"].append(timed(whole_read)[1])
        relation.delete()
    rebuilt = engine_counts()["builds"]["public"] - builds_before

    words = [slug.rsplit("-", 1)[-1] for slug in rng.sample(slugs, 20)] + ["synthetic", "generated"]
    search = []
    for i in range(args.searches):
        response, seconds = timed(signed_in.get, "/api/terms/", {"search": words[i % len(words)]})
        assert response.status_code == 200, response.content[:300]
        search.append(seconds)
    return samples, search, build_s, rebuilt, rss_delta


def free_port():
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    sys.exit("no free port in 8500–8599")


def throughput(args, token, slugs, writer_types, rng):
    """Relation writes per second through a gunicorn, by len(writer_types) concurrent clients."""
    from glossary.models import Relation

    port = free_port()
    env = {**os.environ, "CACHE_URL": "dummy://"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "8", "--bind", f"127.0.0.1:{port}", "glossary.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/health/", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("gunicorn for the throughput run did not start")
                time.sleep(0.3)
        stop = time.monotonic() + args.seconds
        done, refused = [0] * len(writer_types), [0] * len(writer_types)

        def write(index, type_slug):
            local = random.Random(rng.random())
            while time.monotonic() < stop:
                a, b = sorted(local.sample(range(len(slugs)), 2))
                body = json.dumps({"source": slugs[a], "type": type_slug, "target": slugs[b]}).encode()
                request = urllib.request.Request(base + "/api/relations/", data=body, headers={
                    "Content-Type": "application/json", "Authorization": f"Token {token}"})
                try:
                    urllib.request.urlopen(request, timeout=60).close()
                    done[index] += 1
                except urllib.error.HTTPError:
                    refused[index] += 1  # a pair drawn twice: refused as a duplicate

        threads = [threading.Thread(target=write, args=(i, t)) for i, t in enumerate(writer_types)]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
    finally:
        server.terminate()
        server.wait()
    Relation.objects.filter(type__slug__in=writer_types).delete()
    return sum(done) / elapsed, sum(refused)


def ensure_german_names():
    """German preferred labels for 2 in 5 terms (once): what a reader of the German pages is
    listed by. Written in bulk, as an import writes them."""
    from glossary.models import Label, LabelKind, Term

    german = Label.objects.filter(kind=LabelKind.PREFERRED, language="de")
    if german.count() >= 1000:
        return
    named = set(german.values_list("term_id", flat=True))
    Label.objects.bulk_create(
        (Label(term_id=pk, text=f"Begriff {pk * 7919 % 100003}", language="de", kind=LabelKind.PREFERRED)
         for pk in Term.objects.values_list("pk", flat=True).iterator() if pk % 5 < 2 and pk not in named),
        batch_size=5000,
    )


def pages(args, slugs, rng):
    """Median milliseconds of the pages and lists that count or order the whole glossary: the
    first request after a write, for a reader and for staff, and staff's next request with
    nothing written in between (what the pages keep until the next change)."""
    from django.contrib.auth.models import User
    from django.test import Client

    from glossary import services
    from glossary.models import RelationType, Term

    staff = Client()
    staff.force_login(User.objects.get(username="bench-scale"))
    clients = (Client(), staff)
    term = rng.choice(slugs)
    word = term.rsplit("-", 1)[-1]
    # The lists in German file and sort each term by its German name where it has one (2 in 5
    # here, `ensure_german_names`): "Begriff …" under B, the others as "Generated …" under G.
    urls = ["/", "/terms/", "/terms/?letter=G", "/?lang=de", "/terms/?lang=de", "/terms/?lang=de&letter=B",
            "/categories/", f"/terms/{term}/", f"/search/?q={word}", "/changes/", "/api/terms/",
            "/api/relations/", "/api/relation-types/", "/api/categories/", "/api/changes/",
            "/quality/", "/terms/?lacking=relations", "/terms/?lacking=name-de", "/api/terms/?lacking=definition-de"]
    uses = RelationType.objects.get(slug="uses")
    ends = list(Term.objects.filter(slug__in=rng.sample(slugs, 20)))

    def write():  # a committed change, as by anyone: the log moves
        a, b = rng.sample(ends, 2)
        services.relation_create(source=a, type=uses, target=b).delete()

    times = {}
    for url in urls:
        for client in clients:
            client.get(url)
        samples = {"reader": [], "staff": [], "staff again": []}
        for _ in range(args.page_rounds):
            for who, client in (("reader", clients[0]), ("staff", staff)):
                write()
                response, seconds = timed(client.get, url)
                assert response.status_code == 200, (url, response.status_code)
                samples[who].append(seconds)
            samples["staff again"].append(timed(staff.get, url)[1])
        times[url] = [statistics.median(values) * 1e3 for values in samples.values()]
    return times


def counts_side_by_side(args, slugs):
    """Median ms of each count or look-up, ours vs the query it replaced, both asked the same thing in turn."""
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import Count, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce, Substr, Upper

    from glossary import selectors
    from glossary.models import Category, Label, Relation, RelationType, Term, current_terms, name_is
    from glossary.resolver import normalise_name, resolve_name
    from glossary.rules import fold

    def former_relations(user):
        visible = Term.objects.visible_to(user)
        return Relation.objects.filter(source__in=visible, target__in=visible)

    def former_types(user):
        visible = Term.objects.visible_to(user)
        seen = Q(relations__source__in=visible, relations__target__in=visible)
        return [(t.slug, t.relation_count) for t in RelationType.objects.annotate(
            relation_count=Count("relations", filter=seen)).order_by("slug")]

    def former_categories(user):
        visible = Term.objects.visible_to(user)
        return [(c.slug, c.term_count) for c in Category.objects.annotate(
            term_count=Count("terms", filter=Q(terms__in=visible), distinct=True)).order_by("name")]

    def none_hidden_counted(rows, column, user, *paths):  # the per-row count before: rows none of whose ends is hidden
        counted = rows.filter(**{column: OuterRef("pk")})
        hidden = Term.objects.hidden_from(user)
        for path in paths if not hidden.query.is_empty() else ():
            counted = counted.exclude(**{f"{path}__in": hidden})
        return Coalesce(Subquery(counted.order_by().values(column).annotate(n=Count("pk")).values("n")), 0)

    def none_hidden_types(user):
        return [(t.slug, t.relation_count) for t in RelationType.objects.annotate(
            relation_count=none_hidden_counted(Relation.objects, "type", user, "source", "target")).order_by("slug")]

    def none_hidden_categories(user):
        return [(c.slug, c.term_count) for c in Category.objects.annotate(
            term_count=none_hidden_counted(Term.objects, "category", user, "pk")).order_by("name")]

    def initials(terms):  # the first letters, from every name
        return set(terms.annotate(first=Upper(Substr("name", 1, 1))).values_list("first", flat=True).distinct())

    def filed(terms):  # the letters as stored (`Term.initial`)
        return set(terms.values_list("initial", flat=True).distinct())

    # A name as someone types it (/terms/<name>/, [[links]], the path finder), and as a new term
    # would take it: the resolver and a term's checks, vs the iexact queries they replaced.
    typed = Term.objects.filter(status="published").order_by("pk")[len(slugs) // 2].name.upper()

    def resolved(u):
        return {resolve_name(typed, user=u).term.slug}

    def former_resolved(u):
        key = normalise_name(typed)
        return set(Term.objects.visible_to(u).filter(Q(slug__in=[key]) | Q(labels__text__iexact=key))
                   .values_list("slug", flat=True).distinct())

    def name_taken(u):
        return (Term.objects.current().filter(name_is(typed)).exists(),
                Label.objects.filter(current_terms("term__"), kind="preferred", folded__in=[fold(typed)]).exists())

    def former_name_taken(u):
        return (Term.objects.current().filter(name__iexact=typed).exists(),
                Label.objects.filter(kind="preferred", term__in=Term.objects.current(), text__iexact=typed).exists())

    cases = {
        "visible relations, count": (
            lambda u: selectors.relations_visible_to(u).count(), lambda u: former_relations(u).count()),
        "visible relations, first page": (
            lambda u: [r.pk for r in selectors.relations_visible_to(u).order_by("pk")[:20]],
            lambda u: [r.pk for r in former_relations(u).select_related("type", "source", "target").order_by("pk")[:20]]),
        "relation types with counts": (
            lambda u: [(t.slug, t.relation_count) for t in selectors.relation_type_list(user=u)], former_types),
        "categories with counts": (
            lambda u: [(c.slug, c.term_count) for c in selectors.category_list(user=u)], former_categories),
        "types with counts, vs per-row 'none hidden'": (
            lambda u: [(t.slug, t.relation_count) for t in selectors.relation_type_list(user=u)], none_hidden_types),
        "categories with counts, vs 'none hidden'": (
            lambda u: [(c.slug, c.term_count) for c in selectors.category_list(user=u)], none_hidden_categories),
        "A–Z initials": (
            lambda u: filed(Term.objects.visible_to(u).order_by()), lambda u: initials(Term.objects.visible_to(u))),
        "resolve a typed name": (resolved, former_resolved),
        "a new term's name and label taken?": (name_taken, former_name_taken),
    }
    users = {"anon": AnonymousUser(), "staff": User.objects.get(username="bench-scale")}
    times = {}
    for name, (ours, former) in cases.items():
        for who, user in users.items():
            assert ours(user) == former(user), f"{name}, {who}: the two queries disagree"
            mine, theirs = [], []
            for _ in range(args.page_rounds):
                mine.append(timed(ours, user)[1])
                theirs.append(timed(former, user)[1])
            times[name, who] = (statistics.median(mine) * 1e3, statistics.median(theirs) * 1e3)
    return times


def admin_side_by_side(args, slugs, rng):
    """Median ms of the admin's lists, searches and autocomplete: ours vs the admin as it was
    (Django's default search over the search fields, counts by a join and GROUP BY), in turn."""
    from django.contrib.admin import AdminSite, ModelAdmin
    from django.contrib.auth.models import User
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore
    from django.core.paginator import UnorderedObjectListWarning
    from django.db.models import Count
    from django.test import Client, RequestFactory

    from glossary import admin as ours_admin
    from tests.admin_forms import posted_back
    from glossary.models import Category, Label, Relation, RelationType, Term

    def former(admin_class, **counts):
        class Former(admin_class):
            show_full_result_count = True
            ordering = None
            search_fields = {"TermAdmin": ["name", "slug", "uri", "notation", "labels__text", "short_definition", "body"],
                             "RelationAdmin": ["source__name", "target__name", "note", "type__label"],
                             "LabelAdmin": ["text", "term__name"]}.get(admin_class.__name__, admin_class.search_fields)

            def get_queryset(self, request):
                return ModelAdmin.get_queryset(self, request).annotate(**counts)

            def get_search_results(self, request, queryset, search_term):
                return ModelAdmin.get_search_results(self, request, queryset, search_term)

        return Former

    classes = {
        Term: (ours_admin.TermAdmin, former(ours_admin.TermAdmin, out_count=Count("relations_out", distinct=True),
                                            in_count=Count("relations_in", distinct=True))),
        Relation: (ours_admin.RelationAdmin, former(ours_admin.RelationAdmin)),
        Label: (ours_admin.LabelAdmin, former(ours_admin.LabelAdmin)),
        RelationType: (ours_admin.RelationTypeAdmin, former(ours_admin.RelationTypeAdmin, usage=Count("relations"))),
        Category: (ours_admin.CategoryAdmin, former(ours_admin.CategoryAdmin, term_count=Count("terms"))),
    }
    sites = []
    for which in (0, 1):
        site = AdminSite(name="admin")
        for model, pair in classes.items():
            site.register(model, pair[which])
        sites.append(site)
    staff = User.objects.get(username="bench-scale")
    factory = RequestFactory()
    word = rng.choice(slugs).rsplit("-", 1)[-1]

    def request(path, params):
        req = factory.get(path, params)
        req.user, req.session = staff, SessionStore()
        req._messages = FallbackStorage(req)
        return req

    def changelist(model, params=None):
        def view(site):
            response = site._registry[model].changelist_view(request("/admin/", params or {}))
            response.render()
            return len(response.context_data["cl"].result_list)
        return view

    def autocomplete(text):
        def view(site):
            params = {"app_label": "glossary", "model_name": "relation", "field_name": "target", "term": text}
            response = site.autocomplete_view(request("/admin/autocomplete/", params))
            return len(json.loads(response.content)["results"])
        return view

    cases = {
        "term list": changelist(Term),
        f"term search, a rare word ({word})": changelist(Term, {"q": word}),
        "term search, a common word (synthetic)": changelist(Term, {"q": "synthetic"}),
        f"relation end autocomplete ({word[:4]})": autocomplete(word[:4]),
        "relation end autocomplete (gen)": autocomplete("gen"),
        "relation list": changelist(Relation),
        f"relation search ({word})": changelist(Relation, {"q": word}),
        "label list": changelist(Label),
        f"label search ({word})": changelist(Label, {"q": word}),
        "relation type list": changelist(RelationType),
        "category list": changelist(Category),
    }
    # The term with the most relations: its change page and saving it as it was, through the
    # whole stack. The page next to the same page whose relation rows each read the relation
    # types for their menu and their other end for its name (before 89d6ff8); the save is ours
    # only (the first page rendered a form per relation, over a minute here).
    hub = Term.objects.annotate(n=Count("relations_out")).order_by("-n").only("pk").first()
    client = Client()
    client.force_login(staff)
    hub_url = f"/admin/glossary/term/{hub.pk}/change/"
    # A first save may write (a generated term gets its publication time), and a form read
    # before it then names a version that is no longer current (refused): read it after.
    client.post(hub_url, posted_back(client.get(hub_url)))
    hub_form = posted_back(client.get(hub_url))
    hub_times = {"get": ([], []), "save": ([], [])}

    def rows_reading_their_own():
        from unittest import mock

        from django.contrib.admin.widgets import AutocompleteSelect
        from django.forms.models import BaseInlineFormSet

        return mock.patch.multiple(ours_admin.FirstRowsFormSet, add_fields=BaseInlineFormSet.add_fields), \
            mock.patch.object(ours_admin.KnownChoiceAutocomplete, "optgroups", AutocompleteSelect.optgroups)

    for _ in range(args.page_rounds):
        response, seconds = timed(client.get, hub_url)
        assert response.status_code == 200
        hub_times["get"][0].append(seconds)
        first, second = rows_reading_their_own()
        with first, second:
            response, seconds = timed(client.get, hub_url)
        assert response.status_code == 200
        hub_times["get"][1].append(seconds)
        response, seconds = timed(client.post, hub_url, hub_form)
        assert response.status_code == 302, (response.status_code, response.context and [
            str(form.errors) for form in [response.context["adminform"].form] if form.errors
        ] + [str(inline.formset.errors) for inline in response.context["inline_admin_formsets"]
             if inline.formset.total_error_count()])
        hub_times["save"][0].append(seconds)

    times = {}
    for what, (mine, theirs) in hub_times.items():
        former_ms = statistics.median(theirs) * 1e3 if theirs else float("nan")
        times[f"hub term ({hub.n:,} relations), {what}"] = (statistics.median(mine) * 1e3, former_ms, 0, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnorderedObjectListWarning)  # the former term list, grouped, lost its order
        for name, view in cases.items():
            shown = view(sites[0]), view(sites[1])  # warm; the rows each shows on its first page
            mine, theirs = [], []
            for _ in range(args.page_rounds):
                mine.append(timed(view, sites[0])[1])
                theirs.append(timed(view, sites[1])[1])
            times[name] = (statistics.median(mine) * 1e3, statistics.median(theirs) * 1e3, *shown)
    return times


def graph_health_side_by_side(args):
    """Median ms of the graph's health figures (/api/graph/stats/, the quality report's), ours vs
    the former cycle search, which read every edge again for each acyclic type and searched the
    whole type depth first; both in turn on the public graph."""
    import networkx as nx

    from graphviz_app import queries
    from graphviz_app.engine import graph_snapshot

    G = graph_snapshot().G

    def former_cycles():
        cycles = {}
        for slug, meta in G.graph["types"].items():
            if not meta.get("acyclic"):
                continue
            D = nx.DiGraph((u, v) for u, v, k in G.edges(keys=True) if k == slug)
            try:
                cycle = [u for u, _ in nx.find_cycle(D)]
            except nx.NetworkXNoCycle:
                continue
            cycles[slug] = cycle + cycle[:1]
        return cycles

    samples = {"cycles": ([], []), "stats": ([], [])}
    for _ in range(args.health_rounds):
        ours, seconds = timed(queries.acyclic_type_cycles, G)
        samples["cycles"][0].append(seconds)
        former, seconds = timed(former_cycles)
        samples["cycles"][1].append(seconds)
        assert set(ours) == set(former), (ours, former)
        stats, seconds = timed(queries.graph_stats, G)
        samples["stats"][0].append(seconds)
        samples["stats"][1].append(seconds - samples["cycles"][0][-1] + samples["cycles"][1][-1])
    acyclic = sum(1 for meta in G.graph["types"].values() if meta.get("acyclic"))
    times = {(f"cycles in the {acyclic} acyclic types" if what == "cycles" else "all of stats/ (former: its cycles so)"):
             tuple(statistics.median(v) * 1e3 for v in pair) for what, pair in samples.items()}
    return times | stats_after_writes(args)


def stats_after_writes(args):
    """Median ms of stats/ as the first reader after a committed write finds them: ours, kept
    from the graph before (the write applied, then the figures), against the same figures worked
    out anew from the same graph, in turn. A relation added (and removed again after) and a
    definition changed."""
    from glossary import services
    from glossary.models import RelationType, Term
    from graphviz_app import queries, selectors
    from graphviz_app.engine import graph_snapshot

    rng = random.Random(5)
    uses = RelationType.objects.get(slug="uses")
    ids = list(Term.objects.public().values_list("pk", flat=True))
    selectors.stats(graph_snapshot())  # the figures, worked out once, as a first reader would
    samples = {"relation": ([], []), "definition": ([], [])}
    for _ in range(args.health_rounds):
        source, target = Term.objects.filter(pk__in=rng.sample(ids, 2))
        relation = services.relation_create(source=source, type=uses, target=target)
        kept, seconds = timed(lambda: selectors.stats(graph_snapshot()))
        samples["relation"][0].append(seconds)
        anew, seconds = timed(queries.graph_stats, graph_snapshot().G)
        samples["relation"][1].append(seconds)
        assert {**kept, "cycles": None} == {**anew, "cycles": None}
        services.relation_delete(relation=relation)
        services.term_update(term=source, short_definition=source.short_definition + " (edited)")
        kept, seconds = timed(lambda: selectors.stats(graph_snapshot()))
        samples["definition"][0].append(seconds)
        anew, seconds = timed(queries.graph_stats, graph_snapshot().G)
        samples["definition"][1].append(seconds)
        services.term_update(term=source, short_definition=source.short_definition.removesuffix(" (edited)"))
    return {f"stats/ after a write: {what} (former: anew)": tuple(statistics.median(v) * 1e3 for v in pair)
            for what, pair in samples.items()}


def graph_memory():
    """Bytes held by this process's graphs (public + staff) and by a plain networkx graph of the same."""
    import networkx as nx

    from graphviz_app.engine import build_public, with_drafts

    gc.collect()
    tracemalloc.start()
    public = build_public()
    staff = with_drafts(public)
    ours = tracemalloc.get_traced_memory()[0]
    nodes, edges = list(staff.G.nodes(data=True)), list(staff.G.edges(keys=True))
    del public, staff
    gc.collect()
    tracemalloc.stop()
    tracemalloc.start()
    raw = nx.MultiDiGraph()
    raw.add_nodes_from((n, dict(d)) for n, d in nodes)
    raw.add_edges_from(edges)
    plain = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return ours, plain, len(nodes), len(edges)


def main():
    args = parse_args()
    setup_django()
    import networkx as nx
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: PostgreSQL {connection.cursor().connection.info.server_version}, "
          f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, networkx {nx.__version__}")
    print(f"glossary: {ensure_size(args.terms, args.relations)}")
    token = ensure_writer()
    slugs = ordered_slugs()
    rng = random.Random(12)
    print("reads and writes through the Django test client in this process; throughput through gunicorn")

    samples, search, build_s, rebuilt, rss_delta = latency_rounds(args, token, slugs, rng)
    many, _ = throughput(args, token, slugs, WRITER_TYPES, rng)
    one, _ = throughput(args, token, slugs, WRITER_TYPES[:1], rng)
    ensure_german_names()
    page_times = pages(args, slugs, rng)
    count_times = counts_side_by_side(args, slugs)
    admin_times = admin_side_by_side(args, slugs, rng)
    health_times = graph_health_side_by_side(args)
    ours_mem, plain_mem, n_nodes, n_edges = graph_memory()

    def ms(values):
        return statistics.median(values) * 1e3

    rows = [
        ("look at the change log (ms)", ms(samples["look"]), "a one-row primary-key read", ms(samples["row"]), "—"),
        ("neighbourhood depth 2, API, warm (ms)", ms(samples["api"]), "raw networkx + node-link JSON",
         ms(samples["raw"]), "—"),
        ("add one is-a relation, API (ms)", ms(samples["write"]), "plain INSERT of the row",
         ms(samples["insert"]), "≤ 5×"),
        ("  the same POST, refused unwritten (ms)", ms(samples["floor"]), "", float("nan"), ""),
        ("  the write less that floor (ms)", ms(samples["write"]) - ms(samples["floor"]), "plain INSERT of the row",
         ms(samples["insert"]), ""),
        ("  the POST without token, no query (ms)", ms(samples["stack"]), "plain INSERT of the row",
         ms(samples["insert"]), ""),
        ("  the row saved by the ORM (ms)", ms(samples["orm"]), "plain INSERT of the row",
         ms(samples["insert"]), ""),
        ("  the API write against that (ms)", ms(samples["write"]), "the row saved by the ORM",
         ms(samples["orm"]), ""),
        ("first graph read after a write (ms)", ms(samples["first"]), "the same read, warm",
         ms(samples["warm"]), "≤ 10×"),
        ("whole graph, first read after write (ms)", ms(samples["whole_first"]), "the same read, warm",
         ms(samples["whole_warm"]), "≤ 10×"),
        ("search, signed in, p50 (ms)", ms(search), "", float("nan"), "≤ 20 ms"),
        ("search, signed in, p95 (ms)", percentile(search, 0.95) * 1e3, "", float("nan"), ""),
        ("relation writes/s, 8 writers, 8 types", many, "1 writer", one, "—"),
        ("graph memory, public + staff (MB)", ours_mem / 2**20, "plain networkx graph",
         plain_mem / 2**20, "≤ 300 MB"),
    ]
    print(f"medians of {args.rounds} interleaved rounds; graph built in {build_s:.1f} s "
          f"({n_nodes:,} nodes, {n_edges:,} edges); rebuilds during the rounds: {rebuilt}; "
          f"resident memory grew by {rss_delta / 2**20:.0f} MB for the public and staff graphs")
    print()
    print(f"{'measure':<40} {'ours':>9}  {'baseline':<30} {'value':>9} {'ratio':>7}  goal")
    for name, ours, base_name, base, goal in rows:
        ratio = f"{ours / base:.1f}×" if base == base and base else ""
        base_text = f"{base:>9.2f}" if base == base else f"{'':>9}"
        print(f"{name:<40} {ours:>9.2f}  {base_name:<30} {base_text} {ratio:>7}  {goal}")
    print()
    print(f"{'page or list, each view run (ms)':<40} {'anonymous':>9}  {'staff':>9}  {'staff again':>11}"
          f"   medians of {args.page_rounds}; the first two after a write")
    for url, (anonymous_ms, staff_ms, again_ms) in page_times.items():
        print(f"{url:<40} {anonymous_ms:>9.1f}  {staff_ms:>9.1f}  {again_ms:>11.1f}")
    print()
    print(f"{'query behind the pages and writes (ms)':<40} {'who':<6} {'ours':>9}  {'former query':>12} {'ratio':>7}")
    for (name, who), (ours, former) in count_times.items():
        print(f"{name:<40} {who:<6} {ours:>9.1f}  {former:>12.1f} {former / ours:>6.1f}×")
    print()
    print(f"{'admin view, staff, rendered (ms)':<40} {'ours':>9}  {'former admin':>12} {'ratio':>7}"
          f"  {'rows shown':>10}   medians of {args.page_rounds}")
    for name, (ours, former, our_rows, former_rows) in admin_times.items():
        if former != former:  # ours alone
            print(f"{name:<40} {ours:>9.1f}  {'—':>12} {'':>7}")
            continue
        print(f"{name:<40} {ours:>9.1f}  {former:>12.1f} {former / ours:>6.1f}×  {our_rows:>4} / {former_rows:<4}")
    print()
    print(f"{'graph health, public graph (ms)':<40} {'ours':>9}  {'former':>12} {'ratio':>7}"
          f"   medians of {args.health_rounds}, interleaved")
    for name, (ours, former) in health_times.items():
        print(f"{name:<40} {ours:>9.1f}  {former:>12.1f} {former / ours:>6.1f}×")


if __name__ == "__main__":
    main()
