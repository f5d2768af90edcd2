"""After a bulk write PostgreSQL's planner statistics are refreshed, so a glossary just filled by
an import is not planned for as if it were still empty; SQLite is left without them, which plans
these lists better without (`glossary.planner`). The A–Z list reads a page of its index, and the
A–Z letters are one DISTINCT over initials."""

import json
import uuid

import pytest
from django.db import connection

from glossary.exchange.formats import read_file
from glossary.exchange.importer import import_document
from glossary.models import Term
from glossary.planner import glossary_tables, refresh_statistics
from tests.exchange.conftest import small_document
from tests.plans import postgres_plan_nodes, sqlite_plan_steps


def slug_statistics() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return ""
            cursor.execute("SELECT group_concat(stat) FROM sqlite_stat1 WHERE tbl = 'glossary_term'")
            return cursor.fetchone()[0] or ""
        cursor.execute("SELECT coalesce(histogram_bounds::text, '') || coalesce(most_common_vals::text, '') "
                       "FROM pg_stats WHERE tablename = 'glossary_term' AND attname = 'slug'")
        row = cursor.fetchone()
    return row[0] if row else ""


@pytest.mark.django_db
def test_an_import_refreshes_the_planners_statistics_once_it_commits(django_capture_on_commit_callbacks, tmp_path):
    first, second = (f"term-{uuid.uuid4().hex[:12]}" for _ in range(2))
    document = small_document(
        terms=[{"slug": first, "name": f"First {first}"}, {"slug": second, "name": f"Second {second}"}],
        relations=[{"source": first, "type": "is-a", "target": second, "note": ""}],
        references=[],
    )
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_document(read_file(path))
    analysed = slug_statistics()
    for callback in callbacks:
        callback()
    if connection.vendor == "sqlite":
        # Given statistics, SQLite sorted all 500,000 relations for the first page of the list.
        assert slug_statistics() == ""
        return
    assert first not in analysed  # nothing analysed before the commit
    assert first in slug_statistics() and second in slug_statistics()


def test_the_tables_analysed_are_the_glossarys_with_their_history_and_links():
    tables = glossary_tables()
    assert {"glossary_term", "glossary_relation", "glossary_label", "glossary_historicalrelation",
            "glossary_reference_terms"} <= set(tables)
    assert not any(table.startswith(("auth_", "django_")) for table in tables)


@pytest.mark.django_db
def test_a_page_of_the_a_to_z_term_list_reads_one_page_of_the_name_index():
    from django.contrib.auth.models import AnonymousUser, User

    from glossary.selectors import term_list

    Term.objects.bulk_create(Term(name=f"Concept {i:05d}", slug=f"concept-{i:05d}", status="published")
                             for i in range(3000))
    refresh_statistics()
    if connection.vendor == "sqlite":
        # SQLite reads the list from the index in order, for staff (not filtered by status) and
        # for readers too: told not to take the status index (`TermQuerySet.public`), which read
        # every public term and sorted them.
        for user in (User(is_staff=True, is_active=True), AnonymousUser()):
            page = term_list(user=user, ordering="name")[:25]
            steps = sqlite_plan_steps(*page.query.sql_with_params())
            assert any("term_sort_order" in step for step in steps), steps
            assert not any("TEMP B-TREE FOR ORDER BY" in step for step in steps), steps
            assert [t.slug for t in page][:2] == ["concept-00000", "concept-00001"]
            # A letter's page too: the index by letter, then sort key.
            page = term_list(user=user, ordering="name", letter="c")[:25]
            steps = sqlite_plan_steps(*page.query.sql_with_params())
            assert any("term_initial_order" in step for step in steps), steps
            assert not any("TEMP B-TREE FOR ORDER BY" in step for step in steps), steps
        return
    page = term_list(user=AnonymousUser(), ordering="name")[:25]
    nodes = postgres_plan_nodes(*page.query.sql_with_params())
    assert not any(node["Node Type"] == "Sort" for node in nodes), nodes
    scans = [node for node in nodes if node.get("Relation Name") == "glossary_term"]
    assert [node.get("Index Name") for node in scans] == ["term_sort_order"]
    assert all(node["Actual Rows"] <= 25 for node in scans)
    assert [t.slug for t in page][:2] == ["concept-00000", "concept-00001"]
    page = term_list(user=AnonymousUser(), ordering="name", letter="c")[:25]
    nodes = postgres_plan_nodes(*page.query.sql_with_params())
    assert not any(node["Node Type"] == "Sort" for node in nodes), nodes
    assert all(node["Actual Rows"] <= 25 for node in nodes if node.get("Relation Name") == "glossary_term")


@pytest.mark.django_db
def test_the_a_to_z_letters_are_one_distinct_over_initials_not_over_every_name():
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from glossary.views import _initials

    Term.objects.bulk_create(Term(name=name, slug=name.lower(), status="published") for name in ("Alpha", "alpha2", "Beta"))
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as captured:
        letters = _initials(request)
    assert [entry["letter"] for entry in letters if entry["enabled"]] == ["A", "B"]
    # Besides the look at the change log that keys the kept letters (`selectors.until_next_change`):
    [query] = [q for q in captured.captured_queries if '"glossary_term"' in q["sql"]]
    # The model's ordering would add LOWER(name) to the DISTINCT: one row per name, not per letter.
    assert "ORDER BY" not in query["sql"] and "lower(" not in query["sql"].lower(), query["sql"]


@pytest.mark.django_db
def test_the_newest_changes_are_read_in_the_order_of_the_update_index_not_sorted_from_every_term():
    """/changes/, its feed, /api/changes/ and the home page's recent changes: on SQLite the status
    index read every public term, and each one's "modified?" (a Python function per row) before
    sorting them all: 1 s at 100,000 terms, 26 ms for the whole page now."""
    from datetime import timedelta

    from django.utils import timezone

    from glossary.selectors import term_changes

    now = timezone.now()
    Term.objects.bulk_create(
        Term(name=f"Concept {i:05d}", slug=f"concept-{i:05d}", status="published" if i % 50 else "draft",
             created_at=now - timedelta(days=1), updated_at=now - timedelta(seconds=i)) for i in range(3000))
    refresh_statistics()
    page = term_changes()[:20]
    sql, params = page.query.sql_with_params()
    if connection.vendor == "sqlite":
        steps = sqlite_plan_steps(sql, params)
        assert any("updated_at" in step for step in steps), steps
        assert not any("TEMP B-TREE FOR ORDER BY" in step for step in steps), steps
    else:
        nodes = postgres_plan_nodes(sql, params)
        assert not any(node["Node Type"] == "Sort" for node in nodes), nodes
        assert all(node["Actual Rows"] <= 25 for node in nodes if node.get("Relation Name") == "glossary_term"), nodes
    assert [(t.slug, t.change) for t in page][:3] == [
        ("concept-00001", "modified"), ("concept-00002", "modified"), ("concept-00003", "modified")]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL reads the index alone only where VACUUM "
                    "has marked the pages all-visible, which a test inside a transaction cannot do; "
                    "tests/api/test_draft_leaks.py guards the SQL that lets it")
def test_the_counts_of_types_and_categories_read_indexes_alone_never_a_table():
    """COUNT(*) over the type's (or category's) index range, less the rows found through the few
    hidden terms: no relation or term row is read (counting "none of the ends hidden" read every
    relation of the type from the table: 335 ms for 19 types at 500,000 relations)."""
    from django.contrib.auth.models import AnonymousUser, User

    from glossary.selectors import category_list, relation_type_list

    for user in (User(is_staff=True, is_active=True), AnonymousUser()):
        for queryset in (relation_type_list(user=user), category_list(user=user)):
            steps = sqlite_plan_steps(*queryset.query.sql_with_params())
            reads = [step for step in steps
                     if step.startswith(("SEARCH", "SCAN")) and (" U0 " in step or " V0 " in step)]
            assert reads and all("COVERING INDEX" in step for step in reads), steps


@pytest.mark.django_db
def test_a_curators_search_looks_up_a_slug_uri_or_notation_in_their_indexes():
    from django.contrib.auth.models import User

    from glossary.selectors import terms_found
    from tests.plans import statements_of

    Term.objects.bulk_create(Term(name=f"Concept {i:05d}", slug=f"concept-{i:05d}", notation=f"C-{i:05d}",
                                  uri=f"http://example.org/c/{i}", status="published") for i in range(3000))
    refresh_statistics()
    staff = User(is_staff=True, is_active=True)
    found, statements = statements_of(terms_found, "C-01234", user=staff)
    assert found[0] == Term.objects.get(notation="C-01234").pk  # the search's notation, exact
    exact = [(sql, params) for sql, params in statements if '"slug" =' in sql]  # the slug or URI
    searched = [(sql, params) for sql, params in statements if "UNION ALL" in sql]  # labels, notations…
    assert len(exact) == len(searched) == 1
    for statement in (*exact, *searched):
        if connection.vendor == "sqlite":
            steps = sqlite_plan_steps(*statement)
            assert not [step for step in steps if step.startswith("SCAN") and "VIRTUAL TABLE" not in step
                        and not step.startswith("SCAN (subquery")], steps
        else:
            nodes = postgres_plan_nodes(*statement)
            assert not [node for node in nodes if node["Node Type"] == "Seq Scan"
                        and node.get("Relation Name") == "glossary_term"], nodes
