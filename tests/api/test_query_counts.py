"""The number of SQL queries of each read does not grow with the page size or the relations."""

import pytest

from glossary.models import Category, Label, Mapping, Note, Reference, Relation, RelationType, Term

pytestmark = pytest.mark.django_db


def build(n):
    """``n`` spoke terms, each with labels, notes and mappings, a category, a reference, relations to a hub in both
    directions and a [[wiki link]] from the hub's body.

    Bulk inserts: these tests are about reads, and the rows are valid by construction.
    """
    category = Category.objects.create(name="Cat", slug="cat")
    uses = RelationType.objects.create(slug="uses", label="uses", inverse_label="is used by")
    part_of = RelationType.objects.create(slug="part-of", label="is part of", inverse_label="has part")
    links = " ".join(f"[[Spoke {i:03d}]]" for i in range(n))
    hub = Term.objects.create(name="Hub", slug="hub", category=category, body=f"Links to {links}.")
    spokes = Term.objects.bulk_create(
        Term(name=f"Spoke {i:03d}", slug=f"spoke-{i:03d}", category=category) for i in range(n)
    )
    Label.objects.bulk_create(Label(term=term, text=term.name, language="en", kind="preferred") for term in [hub, *spokes])
    Label.objects.bulk_create(Label(term=term, text=f"S{i:03d}", language="fi") for i, term in enumerate(spokes))
    Note.objects.bulk_create(Note(term=hub, kind="example", text=f"Example {i}") for i in range(n))
    Mapping.objects.bulk_create(Mapping(term=hub, uri=f"https://example.org/c/{i}") for i in range(n))
    Relation.objects.bulk_create(
        [Relation(source=hub, type=uses, target=term) for term in spokes]
        + [Relation(source=term, type=part_of, target=hub) for term in spokes]
    )
    references = Reference.objects.bulk_create(
        Reference(title=f"Ref {i}", url=f"https://example.org/{i}") for i in range(n)
    )
    Reference.terms.through.objects.bulk_create(
        [Reference.terms.through(reference=ref, term=term) for ref, term in zip(references, spokes)]
        + [Reference.terms.through(reference=ref, term=hub) for ref in references]
    )


# endpoint → queries for an anonymous reader, whatever the number of rows; the first query of
# each is the look at the change log that keys the anonymous response cache (glossary.middleware)
EXPECTED = {
    # change log, count, terms + category, labels, definitions in other languages
    "/api/terms/?page_size=200": 5,
    # revision, the search's matches (one statement for all tiers), terms + category, labels,
    # definitions (no count: the search knows it)
    "/api/terms/?page_size=200&search=spoke": 5,
    # change log (read once, for the cache key and the ETag), term, labels, notes, mappings,
    # relations out and their targets' names, relations in and their sources' names, references,
    # [[wiki link]] targets
    "/api/terms/hub/": 11,
    "/api/relations/?page_size=200": 3,  # change log, count, relations + type + both ends
    # change log, the rows with their counts, kept until the next change (a list: no count query)
    "/api/categories/?page_size=200": 2,
    "/api/relation-types/?page_size=200": 2,
    "/api/references/?page_size=200": 4,  # change log, count, references, their visible terms
    "/api/terms/autocomplete/?q=sp": 1,  # not cached: the matches of every tier, one statement
}


@pytest.mark.parametrize("n", [5, 50])
def test_query_count_of_every_read_is_constant(anon, django_assert_num_queries, n):
    build(n)
    for url, queries in EXPECTED.items():
        with django_assert_num_queries(queries):
            response = anon.get(url)
        assert response.status_code == 200, url


def test_the_lists_of_types_and_categories_are_kept_until_the_next_change(as_staff):
    """Signed-in readers are never served from the page cache: the counts (an index range per row,
    70 ms for the types at 500,000 relations) are kept per audience until the glossary changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from glossary import services

    build(5)
    for url, table, key in (("/api/relation-types/", "glossary_relation", "relation_count"),
                            ("/api/categories/", "glossary_term", "term_count")):
        first = {row["slug"]: row[key] for row in as_staff.get(url).json()["results"]}
        with CaptureQueriesContext(connection) as again:
            assert {row["slug"]: row[key] for row in as_staff.get(url).json()["results"]} == first
        assert not [q["sql"] for q in again.captured_queries if f'"{table}"' in q["sql"]], url
    services.relation_create(source=Term.objects.get(slug="spoke-001"), type=RelationType.objects.get(slug="uses"),
                             target=Term.objects.get(slug="spoke-002"))
    services.term_create(name="Newcomer", category=Category.objects.get(slug="cat"))
    types = {row["slug"]: row["relation_count"] for row in as_staff.get("/api/relation-types/").json()["results"]}
    categories = {row["slug"]: row["term_count"] for row in as_staff.get("/api/categories/").json()["results"]}
    assert (types["uses"], categories["cat"]) == (6, 7)


def test_the_hub_detail_really_carries_all_relations(anon):
    build(50)
    body = anon.get("/api/terms/hub/").json()
    assert len(body["relations_out"]) == 50 and len(body["relations_in"]) == 50 and len(body["references"]) == 50
    assert body["body_html"].count('href="/terms/spoke-') == 50
    assert anon.get("/api/terms/", {"page_size": 200}).json()["count"] == 51


def test_a_repeated_anonymous_read_is_served_from_the_cache_in_one_query(anon, django_assert_num_queries):
    build(5)
    for url in [url for url in EXPECTED if "autocomplete" not in url]:
        first = anon.get(url)
        with django_assert_num_queries(1):  # the look at the change log only
            again = anon.get(url)
        assert again.status_code == 200 and again.content == first.content, url


def test_a_write_to_a_term_reads_its_relations_once_for_its_answer_not_also_to_find_it(as_editor):
    """A term with thousands of relations was read whole twice per PATCH: to find it, and for the answer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    build(20)

    def relation_reads(send):
        with CaptureQueriesContext(connection) as captured:
            response = send()
        assert response.status_code == 200, response.content[:300]
        return len([q for q in captured.captured_queries
                    if q["sql"].startswith("SELECT") and 'FROM "glossary_relation"' in q["sql"]])

    read = relation_reads(lambda: as_editor.get("/api/terms/hub/"))
    patched = relation_reads(lambda: as_editor.patch("/api/terms/hub/", {"short_definition": "New."}, format="json"))
    assert read == 2  # out and in, with their other ends
    assert patched == read
    body = as_editor.get("/api/terms/hub/").json()
    assert body["short_definition"] == "New." and len(body["relations_out"]) == 20


@pytest.mark.parametrize("url, counted", [("/api/relation-types/", "glossary_relation"), ("/api/categories/", "glossary_term")])
def test_the_count_of_a_list_of_types_or_categories_reads_those_alone(anon, url, counted):
    """Counts per row as subqueries: the list no longer joins and groups every relation or term
    (230 ms at 500,000 relations), it has no count query of its own (the rows are read whole and
    kept), and each row's count stays right."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    build(5)
    Term.objects.create(name="Hidden", slug="hidden", status="draft", category=Category.objects.get(slug="cat"))
    Relation.objects.create(source=Term.objects.get(slug="hidden"), type=RelationType.objects.get(slug="uses"),
                            target=Term.objects.get(slug="hub"))
    with CaptureQueriesContext(connection) as captured:
        body = anon.get(url).json()
    assert not [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    [rows] = [q["sql"] for q in captured.captured_queries if f'"{counted}"' in q["sql"]]
    assert "GROUP BY" not in rows.split(" FROM ")[-1] and "JOIN" not in rows, rows  # per row, in subqueries
    counts = {row["slug"]: row.get("relation_count", row.get("term_count")) for row in body["results"]}
    assert counts == ({"part-of": 5, "uses": 5} if counted == "glossary_relation" else {"cat": 6})
