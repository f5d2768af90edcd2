"""Drafts stay invisible to anonymous readers on every surface that names another term or counts rows."""

import re

import pytest

from glossary import services
from glossary.models import Reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def replaced_by_draft(glossary):
    """RAGTruth is deprecated in favour of a term still in draft."""
    services.term_update(term=glossary["ragtruth"], status="deprecated", replaced_by=glossary["draft"])
    return glossary


def test_term_list_hides_a_draft_replacement_from_anonymous_readers(anon, replaced_by_draft):
    items = {t["slug"]: t for t in anon.get("/api/terms/").json()["results"]}
    assert items["ragtruth"]["replaced_by"] is None
    assert "secret-draft" not in anon.get("/api/terms/").content.decode()


def test_term_detail_hides_a_draft_replacement_from_anonymous_readers(anon, replaced_by_draft):
    response = anon.get("/api/terms/ragtruth/")
    assert response.json()["replaced_by"] is None
    assert "secret-draft" not in response.content.decode()


def test_staff_still_see_a_draft_replacement(as_staff, replaced_by_draft):
    assert as_staff.get("/api/terms/ragtruth/").json()["replaced_by"] == "secret-draft"
    items = {t["slug"]: t for t in as_staff.get("/api/terms/").json()["results"]}
    assert items["ragtruth"]["replaced_by"] == "secret-draft"


def test_term_page_hides_a_draft_replacement_from_anonymous_readers(client, replaced_by_draft):
    page = client.get("/terms/ragtruth/").content.decode()
    assert "no longer recommended" in page
    assert "secret-draft" not in page and "Secret draft" not in page


def test_an_editor_keeps_a_draft_replacement_when_changing_another_field(as_editor, replaced_by_draft):
    response = as_editor.patch("/api/terms/ragtruth/", {"short_definition": "Changed."}, format="json")
    assert response.status_code == 200
    replaced_by_draft["ragtruth"].refresh_from_db()
    assert replaced_by_draft["ragtruth"].replaced_by == replaced_by_draft["draft"]


def test_references_attached_only_to_drafts_are_not_listed(anon, glossary):
    hidden = services.reference_create(title="Draft notes", url="https://example.org/draft",
                                       terms=[glossary["draft"]])
    Reference.objects.create(title="Unattached", url="https://example.org/loose")
    titles = [r["title"] for r in anon.get("/api/references/").json()["results"]]
    assert titles == ["RAG paper", "Unattached"]
    assert anon.get(f"/api/references/{hidden.pk}/").status_code == 404


def test_staff_see_references_attached_only_to_drafts(as_staff, glossary):
    services.reference_create(title="Draft notes", url="https://example.org/draft", terms=[glossary["draft"]])
    titles = [r["title"] for r in as_staff.get("/api/references/").json()["results"]]
    assert "Draft notes" in titles


def test_the_counts_are_right_whichever_ends_are_hidden(anon, as_staff, glossary, make_term, relate):
    """All rows less those with a hidden term at the source, or the target, or both, counted once."""
    second = make_term("Another draft", status="in_review", category=glossary["category"])
    relate(glossary["draft"], glossary["uses"], second)  # both ends hidden
    relate(second, glossary["uses"], glossary["rag"])  # the source hidden
    relate(glossary["rag"], glossary["is_a"], second)  # the target hidden
    relate(glossary["ragtruth"], glossary["uses"], glossary["rag"])  # neither
    from glossary.models import Relation, Term

    def visible(user_sees):
        return {
            "uses": sum(1 for r in Relation.objects.filter(type__slug="uses") if user_sees(r.source) and user_sees(r.target)),
            "is-a": sum(1 for r in Relation.objects.filter(type__slug="is-a") if user_sees(r.source) and user_sees(r.target)),
        }

    public = visible(lambda term: term.status in ("published", "deprecated"))
    assert public == {"uses": 2, "is-a": 1}
    for client, expected in ((anon, public), (as_staff, visible(lambda term: True))):
        types = {t["slug"]: t["relation_count"] for t in client.get("/api/relation-types/").json()["results"]}
        assert {slug: types[slug] for slug in expected} == expected
        assert client.get("/api/relation-types/uses/").json()["relation_count"] == expected["uses"]
    technique = Term.objects.filter(category=glossary["category"])
    assert anon.get("/api/categories/technique/").json()["term_count"] == technique.public().count() == 1
    assert as_staff.get("/api/categories/technique/").json()["term_count"] == technique.count() == 2


def test_relation_type_counts_leave_out_relations_of_drafts(anon, as_staff, glossary):
    anonymous = {t["slug"]: t["relation_count"] for t in anon.get("/api/relation-types/").json()["results"]}
    staff = {t["slug"]: t["relation_count"] for t in as_staff.get("/api/relation-types/").json()["results"]}
    assert anonymous["uses"] == 1  # RAG uses LLM; the draft's "uses" is not counted
    assert staff["uses"] == 2


def test_the_counts_leave_out_the_few_hidden_terms_and_staff_are_not_filtered(glossary):
    """"Neither end hidden" reads the few unpublished terms; "both ends visible" matched every
    relation against every public term (5.9 s for the list of relations at 100,000 terms). The
    lists' counts are all rows less the hidden ones: COUNT(*) over an index range, less the rows
    found through the hidden terms (335 → 70 ms for the types at 500,000 relations)."""
    from django.contrib.auth.models import AnonymousUser, User

    from glossary import selectors

    staff = User(username="staff-reader", is_staff=True, is_active=True)
    sql = str(selectors.relations_visible_to(AnonymousUser()).query)
    assert re.search(r'NOT \("glossary_relation"\."source_id" IN \(SELECT', sql), sql
    for queryset in (selectors.relation_type_list(user=AnonymousUser()), selectors.category_list(user=AnonymousUser())):
        sql = str(queryset.query)  # the lists count in subqueries per row (aliases V0, V1, …)
        assert "NOT (" not in sql and "COUNT(*)" in sql, sql
        assert re.search(r'V\d\."(source_id|id)" IN \(SELECT', sql), sql
    for queryset in (selectors.relations_visible_to(AnonymousUser()), selectors.relation_type_list(user=AnonymousUser()),
                     selectors.category_list(user=AnonymousUser())):
        # The subquery picks the hidden terms by name, which the status index serves.
        sql = str(queryset.query)
        assert "U0.\"status\" IN (draft, in_review, changes_requested)" in sql.replace("'", ""), sql
    for queryset in (selectors.relations_visible_to(staff), selectors.relation_type_list(user=staff),
                     selectors.category_list(user=staff)):
        assert "IN (SELECT" not in str(queryset.query)
