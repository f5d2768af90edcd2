"""A term is found by its notation (skos:notation, its code in a thesaurus): exactly, without
regard to case, or by the beginning of the code — in the site's search, the API and autocomplete."""

import pytest
from django.core.management import call_command
from django.db import connection

from glossary.models import Term
from glossary.search import EXACT, PREFIX, Query, Scope, _engine, search, suggest
from tests.plans import postgres_plan_nodes, sqlite_plan_steps, statements_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def classified(make_term):
    """A few terms of a classification, codes as a library's (and one label that looks like one)."""
    return {
        "ai": make_term("Artificial intelligence", notation="006.3"),
        "ml": make_term("Machine learning", notation="006.31"),
        "nets": make_term("Computer networks", notation="004.6"),
        "lcc": make_term("Mathematical computing", notation="QA76.9"),
        "agro": make_term("Soil erosion", notation="A00012"),
        "sheet": make_term("Sheet erosion", notation="A00013"),
        "gully": make_term("Gully erosion", notation="A00011"),
        "label": make_term("Route 0063", short_definition="A road."),
    }


def hits(text, **scope):
    return [(hit.slug, hit.tier, hit.matched) for hit in search(text, scope=Scope(**scope)).hits]


def test_a_notation_finds_its_term_first_whatever_the_case(classified):
    assert hits("006.3")[0] == ("artificial-intelligence", EXACT, "006.3")
    assert hits("a00012")[0] == ("soil-erosion", EXACT, "A00012")
    assert hits("qa76.9")[0] == ("mathematical-computing", EXACT, "QA76.9")


def test_the_beginning_of_a_code_finds_the_codes_under_it_in_code_order(classified):
    found = hits("006.")
    assert found[:2] == [("artificial-intelligence", PREFIX, "006.3"), ("machine-learning", PREFIX, "006.31")]
    assert "computer-networks" not in [slug for slug, *_ in found]
    # Codes of one length come in code order, not by their terms' names.
    assert [slug for slug, *_ in hits("a0001")] == ["gully-erosion", "soil-erosion", "sheet-erosion"]
    # The exact code stays ahead of the longer codes that begin with it.
    assert [slug for slug, *_ in hits("006.3")][:2] == ["artificial-intelligence", "machine-learning"]


def test_a_query_without_a_digit_is_not_read_as_the_beginning_of_a_code(classified):
    assert "mathematical-computing" not in [slug for slug, *_ in hits("qa")]
    assert hits("qa76.9")  # the whole code, letters and all, is found


def test_a_notation_is_compared_as_written_not_as_a_label_is(classified):
    """A label ignores punctuation ("Route 0063" is found by "0063"); a code does not: "0063" is
    not 006.3."""
    assert [slug for slug, *_ in hits("0063")] == ["route-0063"]


def test_only_terms_the_reader_may_see_are_found_by_their_code(make_term, staff_user):
    make_term("Draft concept", notation="X1", status="draft")
    assert hits("x1") == []
    assert hits("x1", user=staff_user) == [("draft-concept", EXACT, "X1")]


def test_the_api_and_autocomplete_find_codes_too(client, classified):
    response = client.get("/api/terms/", {"search": "A00012"})
    assert [term["slug"] for term in response.json()["results"]] == ["soil-erosion"]
    assert suggest("006.")[:2] == [
        {"slug": "artificial-intelligence", "name": "Artificial intelligence", "matched": "006.3"},
        {"slug": "machine-learning", "name": "Machine learning", "matched": "006.31"},
    ]
    page = client.get("/search/", {"q": "a00012"}).content.decode()
    assert "Soil erosion" in page and "A00012" in page


def test_codes_are_read_from_their_index_not_the_table(db):
    Term.objects.bulk_create(
        Term(name=f"Concept {i}", slug=f"concept-{i}", notation=f"N{i:05d}") for i in range(3000)
    )
    rows, statements = statements_of(_engine(connection.alias), connection.alias, Query.parse("n0123"), Scope())
    captured = [statement for statement in statements if "UNION ALL" in statement[0]]
    assert {row.slug for row in rows if row.source == "notation-prefix"} == {f"concept-{i}" for i in range(1230, 1240)}
    if connection.vendor == "sqlite":
        steps = sqlite_plan_steps(*captured[0])
        assert any("term_notation_lower" in step for step in steps), steps
        assert not any(step.startswith("SCAN t") or step.startswith("SCAN glossary_term") for step in steps), steps
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE glossary_term")
    nodes = postgres_plan_nodes(*captured[0])
    assert any(node.get("Index Name") == "term_notation_lower" for node in nodes)
    assert not any(node["Node Type"] == "Seq Scan" and node.get("Relation Name") == "glossary_term" for node in nodes)


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="a table rebuild is SQLite's way to alter a table")
def test_the_code_index_dropped_by_a_table_rebuild_comes_back_after_migrate(classified):
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX term_notation_lower")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'term_notation_lower'")
        assert cursor.fetchone() is not None
