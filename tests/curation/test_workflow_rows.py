"""What readers see changes only through a reviewer — on the pages and endpoints of a term's rows
too: a label's own admin page, a relation's own admin page and the relations API, references
(shown on every citing term's page), and imports. An editor writes rows of drafts (and of terms
sent back), relations where one end is one, and references cited by such terms only."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from glossary import services
from glossary.models import Label, Reference, Relation, Term
from tests.curation.conftest import token_client

pytestmark = pytest.mark.django_db

LOCKED_TERM = "only a reviewer may change it"
LOCKED_RELATION = "only a reviewer may add, change or remove a relation between terms past the draft stage"


def label_form(term, text, kind="alternative"):
    return {"term": term.pk, "text": text, "language": "en", "kind": kind, "subkind": ""}


# A label's own page ---------------------------------------------------------------------------------


def test_an_editor_cannot_rename_a_published_term_through_its_labels_page(workflow_glossary, admin_as):
    base = workflow_glossary["base"]
    label = base.labels.get(kind="preferred")
    editor = admin_as("editor")
    page = editor.get(f"/admin/glossary/label/{label.pk}/change/").content.decode()
    assert 'name="text"' not in page  # shown read-only, as the term's own page is
    assert "Read only for you: This term is published: only a reviewer may change it" in page
    response = editor.post(f"/admin/glossary/label/{label.pk}/change/", label_form(base, "Renamed", "preferred"))
    assert response.status_code == 403
    assert Term.objects.get(pk=base.pk).name == "Base model"
    assert editor.post(f"/admin/glossary/label/{label.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Label.objects.filter(pk=label.pk).exists()


def test_an_editor_cannot_add_a_label_to_a_published_term_and_is_told_why(workflow_glossary, admin_as):
    base = workflow_glossary["base"]
    response = admin_as("editor").post("/admin/glossary/label/add/", label_form(base, "Sneaky"))
    assert response.status_code == 200
    assert LOCKED_TERM in response.content.decode()
    assert not Label.objects.filter(text="Sneaky").exists()


def test_an_editor_cannot_move_a_drafts_label_onto_a_published_term(workflow_glossary, admin_as):
    draft, base = workflow_glossary["draft"], workflow_glossary["base"]
    label = services.label_create(term=draft, text="Idea", language="en")
    response = admin_as("editor").post(f"/admin/glossary/label/{label.pk}/change/", label_form(base, "Idea"))
    assert response.status_code == 200 and LOCKED_TERM in response.content.decode()
    assert Label.objects.get(pk=label.pk).term == draft


def test_an_editor_writes_a_drafts_labels_on_their_page_and_a_reviewer_any(workflow_glossary, admin_as):
    draft, base = workflow_glossary["draft"], workflow_glossary["base"]
    assert admin_as("editor").post("/admin/glossary/label/add/", label_form(draft, "Notion")).status_code == 302
    assert admin_as("reviewer").post("/admin/glossary/label/add/", label_form(base, "Foundation")).status_code == 302
    assert set(Label.objects.filter(text__in=["Notion", "Foundation"]).values_list("term", flat=True)) == {
        draft.pk, base.pk}


def test_the_label_services_refuse_an_editor_where_the_term_is_locked(workflow_glossary, editor_member, reviewer_member):
    base = workflow_glossary["base"]
    with pytest.raises(PermissionDenied, match=LOCKED_TERM):
        services.label_create(term=base, text="Sneaky", user=editor_member)
    label = base.labels.get(kind="preferred")
    with pytest.raises(PermissionDenied):
        services.label_delete(label=label, user=editor_member)
    services.label_create(term=base, text="Reviewed", user=reviewer_member)
    assert base.labels.filter(text="Reviewed").exists()


# Relations: their own admin page and the API --------------------------------------------------------


def test_an_editor_cannot_relate_two_published_terms_through_the_api(workflow_glossary, api_as, related_to):
    base, other = workflow_glossary["base"], workflow_glossary["other"]
    response = api_as("editor").post("/api/relations/", {"source": base.slug, "type": related_to.slug,
                                                         "target": other.slug}, format="json")
    assert response.status_code == 403
    assert LOCKED_RELATION in response.json()["detail"]
    assert not Relation.objects.filter(source=base, target=other).exists()


def test_an_editor_relates_a_draft_to_a_published_term_either_way(workflow_glossary, api_as, make_type):
    base, draft = workflow_glossary["base"], workflow_glossary["draft"]
    mentions = make_type("mentions")
    editor = api_as("editor")
    for source, target in ((draft, base), (base, draft)):
        response = editor.post("/api/relations/", {"source": source.slug, "type": mentions.slug,
                                                   "target": target.slug}, format="json")
        assert response.status_code == 201, response.content


def test_an_editor_cannot_change_or_remove_a_relation_between_published_terms(workflow_glossary, api_as, related_to):
    base, other = workflow_glossary["base"], workflow_glossary["other"]
    relation = services.relation_create(source=base, type=related_to, target=other)
    editor = api_as("editor")
    assert editor.patch(f"/api/relations/{relation.pk}/", {"note": "Mine."}, format="json").status_code == 403
    assert editor.delete(f"/api/relations/{relation.pk}/").status_code == 403
    assert Relation.objects.get(pk=relation.pk).note == ""
    assert api_as("reviewer").patch(f"/api/relations/{relation.pk}/", {"note": "Reviewed."},
                                    format="json").status_code == 200


def test_an_editor_cannot_move_a_drafts_relation_onto_published_terms(workflow_glossary, api_as, related_to):
    base, other, draft = workflow_glossary["base"], workflow_glossary["other"], workflow_glossary["draft"]
    relation = services.relation_create(source=draft, type=related_to, target=base)
    response = api_as("editor").patch(f"/api/relations/{relation.pk}/", {"source": other.slug}, format="json")
    assert response.status_code == 403
    assert Relation.objects.get(pk=relation.pk).source == draft


def test_the_relations_admin_page_is_read_only_and_refuses_an_editor_between_published_terms(
        workflow_glossary, admin_as, related_to):
    base, other = workflow_glossary["base"], workflow_glossary["other"]
    relation = services.relation_create(source=base, type=related_to, target=other)
    editor = admin_as("editor")
    page = editor.get(f"/admin/glossary/relation/{relation.pk}/change/").content.decode()
    assert 'name="note"' not in page
    response = editor.post("/admin/glossary/relation/add/", {"source": other.pk, "type": related_to.pk,
                                                             "target": base.pk, "note": ""})
    assert response.status_code == 200 and LOCKED_RELATION in response.content.decode()
    assert not Relation.objects.filter(source=other, target=base).exists()
    draft = workflow_glossary["draft"]
    assert editor.post("/admin/glossary/relation/add/", {"source": draft.pk, "type": related_to.pk,
                                                         "target": base.pk, "note": ""}).status_code == 302


# References -------------------------------------------------------------------------------------

LOCKED_REFERENCE = "This reference is cited by terms past the draft stage: “Base model” (published)"


@pytest.fixture
def cited(workflow_glossary):
    """A reference of published “Base model”, and one of “Draft idea” only."""
    return {
        "published": services.reference_create(title="Base paper", url="https://example.org/base",
                                               terms=[workflow_glossary["base"]]),
        "draft": services.reference_create(title="Draft notes", url="https://example.org/draft",
                                           terms=[workflow_glossary["draft"]]),
    }


def test_an_editor_cannot_change_a_reference_of_a_published_term_through_the_api(workflow_glossary, cited, api_as):
    reference = cited["published"]
    editor = api_as("editor")
    response = editor.patch(f"/api/references/{reference.pk}/", {"url": "https://evil.example/"}, format="json")
    assert response.status_code == 403 and LOCKED_REFERENCE in response.json()["detail"]
    response = editor.patch(f"/api/references/{reference.pk}/", {"terms": []}, format="json")
    assert response.status_code == 403
    stored = Reference.objects.get(pk=reference.pk)
    assert stored.url == "https://example.org/base" and list(stored.terms.all()) == [workflow_glossary["base"]]
    assert api_as("reviewer").patch(f"/api/references/{reference.pk}/", {"title": "Base paper (2nd ed.)"},
                                    format="json").status_code == 200


def test_an_editor_cannot_cite_a_reference_from_a_published_term(workflow_glossary, cited, api_as):
    base, draft = workflow_glossary["base"], workflow_glossary["draft"]
    editor = api_as("editor")
    response = editor.post("/api/references/", {"title": "Spam", "url": "https://spam.example/",
                                                "terms": [base.slug]}, format="json")
    assert response.status_code == 403 and not Reference.objects.filter(title="Spam").exists()
    response = editor.patch(f"/api/references/{cited['draft'].pk}/", {"terms": [draft.slug, base.slug]}, format="json")
    assert response.status_code == 403
    assert list(Reference.objects.get(pk=cited["draft"].pk).terms.all()) == [draft]


def test_an_editor_changes_the_references_of_drafts_and_cites_a_shared_one_from_a_draft(
        workflow_glossary, cited, api_as):
    base, draft = workflow_glossary["base"], workflow_glossary["draft"]
    editor = api_as("editor")
    response = editor.patch(f"/api/references/{cited['draft'].pk}/", {"title": "Draft notes, v2"}, format="json")
    assert response.status_code == 200, response.content
    # Citing a published term's reference from a draft changes nothing readers see.
    response = editor.patch(f"/api/references/{cited['published'].pk}/", {"terms": [base.slug, draft.slug]},
                            format="json")
    assert response.status_code == 200, response.content
    response = editor.post("/api/references/", {"title": "New", "url": "https://example.org/new",
                                                "terms": [draft.slug]}, format="json")
    assert response.status_code == 201, response.content


def test_the_reference_admin_page_is_read_only_for_an_editor_where_a_published_term_cites_it(
        workflow_glossary, cited, admin_as):
    base, draft = workflow_glossary["base"], workflow_glossary["draft"]
    editor = admin_as("editor")
    page = editor.get(f"/admin/glossary/reference/{cited['published'].pk}/change/").content.decode()
    assert 'name="url"' not in page and f"Read only for you: {LOCKED_REFERENCE}" in page
    form = {"title": "Hijacked", "url": "https://evil.example/", "kind": "article", "terms": [base.pk]}
    assert editor.post(f"/admin/glossary/reference/{cited['published'].pk}/change/", form).status_code == 403
    assert Reference.objects.get(pk=cited["published"].pk).title == "Base paper"
    response = editor.post("/admin/glossary/reference/add/", {**form, "url": "https://example.org/x"})
    assert response.status_code == 200 and LOCKED_REFERENCE in response.content.decode()
    assert not Reference.objects.filter(title="Hijacked").exists()
    form = {"title": "Draft notes, v2", "url": "https://example.org/draft", "kind": "article", "terms": [draft.pk]}
    assert editor.post(f"/admin/glossary/reference/{cited['draft'].pk}/change/", form).status_code == 302
    assert Reference.objects.get(pk=cited["draft"].pk).title == "Draft notes, v2"


def test_the_reference_page_reads_its_terms_once(workflow_glossary, cited, admin_as):
    """Its permission checks, its refusal message and its form all ask for the citing terms."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as run:
        page = admin_as("editor").get(f"/admin/glossary/reference/{cited['published'].pk}/change/")
    assert page.status_code == 200 and "Read only for you" in page.content.decode()
    assert sum('"glossary_reference_terms"' in query["sql"] for query in run.captured_queries) == 1


# Imports ------------------------------------------------------------------------------------------


def test_only_a_reviewer_may_import(workflow_glossary, admin_as):
    editor = admin_as("editor")
    assert "Import glossary" not in editor.get("/admin/glossary/term/").content.decode()
    assert editor.get("/admin/glossary/term/import/").status_code == 403
    upload = json.dumps({"format": "glossary-graph", "version": 2,
                         "terms": [{"slug": "draft-idea", "name": "Draft idea", "status": "published"}]})
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = editor.post("/admin/glossary/term/import/", {"file": SimpleUploadedFile("x.json", upload.encode())})
    assert response.status_code == 403
    assert Term.objects.get(slug="draft-idea").status == "draft"
    reviewer = admin_as("reviewer")
    assert "Import glossary" in reviewer.get("/admin/glossary/term/").content.decode()
    assert reviewer.get("/admin/glossary/term/import/").status_code == 200


# Reverting a term to an earlier version -------------------------------------------------------------


def test_an_editor_cannot_revert_a_published_term_but_may_revert_a_draft(workflow_glossary, admin_as, api_as):
    base, draft = workflow_glossary["base"], workflow_glossary["draft"]
    services.term_update(term=base, short_definition="A reviewed, better definition.")
    response = admin_as("editor").post(f"/terms/{base.slug}/history/1/revert/", follow=True)
    assert LOCKED_TERM in " ".join(str(m) for m in response.context["messages"])
    assert api_as("editor").post(f"/api/terms/{base.slug}/history/1/revert/").status_code == 403
    assert Term.objects.get(pk=base.pk).short_definition == "A reviewed, better definition."
    services.term_update(term=draft, short_definition="Second thoughts.")
    assert api_as("editor").post(f"/api/terms/{draft.slug}/history/1/revert/").status_code == 200
    assert Term.objects.get(pk=draft.pk).short_definition == "Not submitted yet."
