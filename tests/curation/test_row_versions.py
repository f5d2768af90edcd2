"""Several curators editing one category, relation type, relation, label or reference: as for a
term (`test_edit_conflicts`), a save from a copy someone else's change made stale is refused
(admin: the form again, with what was typed; API: 412 to a stale If-Match), never written over
theirs; saving again from the refused form is deliberate and goes through."""

from dataclasses import dataclass
from typing import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from glossary import services
from glossary.models import Category, Label, Reference, Relation, RelationType
from tests.admin_forms import posted_back
from tests.curation.conftest import token_client


@pytest.fixture
def alice(db):
    return User.objects.create_superuser("alice", "alice@example.com", "alice-pass-123")


@pytest.fixture
def bob(db):
    return User.objects.create_superuser("bob", "bob@example.com", "bob-pass-123")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Kind:
    """One kind of row: how to make one, where its pages are, and two fields two curators change."""

    model: type
    make: Callable
    admin: str
    api: str | None  # the API path of one, from the row
    fields: tuple[str, str]  # Alice changes the first, Bob the second
    update: Callable  # the service: update(obj, versions=..., **fields)
    delete: Callable


@pytest.fixture
def row_kinds(make_term, is_a, relate) -> dict[str, Kind]:
    rag, llm = make_term("RAG"), make_term("LLM")

    def category():
        return services.category_create(name="Methods", description="Ways of working.")

    def reference():
        reference = services.reference_create(title="Attention", url="https://example.org/attention", terms=[llm])
        return reference

    return {
        "category": Kind(Category, category, "category", "/api/categories/{0.slug}/", ("description", "color"),
                         lambda o, **f: services.category_update(category=o, **f),
                         lambda o, **f: services.category_delete(category=o, **f)),
        "relation type": Kind(RelationType, lambda: is_a, "relationtype", "/api/relation-types/{0.slug}/",
                              ("description", "color"),
                              lambda o, **f: services.relation_type_update(relation_type=o, **f),
                              lambda o, **f: services.relation_type_delete(relation_type=o, **f)),
        "relation": Kind(Relation, lambda: relate(rag, is_a, llm, note="First note."), "relation",
                         "/api/relations/{0.pk}/", ("note", "note"),
                         lambda o, **f: services.relation_update(relation=o, **f),
                         lambda o, **f: services.relation_delete(relation=o, **f)),
        "label": Kind(Label, lambda: services.label_create(term=rag, text="retrieval augmentation", language="en"),
                      "label", None, ("text", "subkind"),
                      lambda o, **f: services.label_update(label=o, **f),
                      lambda o, **f: services.label_delete(label=o, **f)),
        "reference": Kind(Reference, reference, "reference", "/api/references/{0.pk}/", ("title", "kind"),
                          lambda o, **f: services.reference_update(reference=o, **f),
                          lambda o, **f: services.reference_delete(reference=o, **f)),
    }


KINDS = ["category", "relation type", "relation", "label", "reference"]
NEW_VALUES = {"description": ("Alice's words.", "Bob's words."), "color": ("#112233", "#445566"),
              "note": ("Alice's note.", "Bob's note."), "text": ("RAG pipeline", "retrieval-augmented"),
              "subkind": ("synonym", "abbreviation"), "title": ("Alice's title", "Bob's title"),
              "kind": ("book", "video")}


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# The rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_write_or_delete_from_a_stale_version_is_refused_and_changes_nothing(row_kinds, kind):
    k = row_kinds[kind]
    obj = k.make()
    seen = services.row_version(obj)
    alices_field, bobs_field = k.fields
    k.update(fresh(obj), versions=[seen], **{alices_field: NEW_VALUES[alices_field][0]})
    history = obj.history.count()
    with pytest.raises(services.EditConflict) as refused:
        k.update(fresh(obj), versions=[seen], **{bobs_field: NEW_VALUES[bobs_field][1]})
    assert "was changed" in " ".join(refused.value.messages)
    assert refused.value.current == services.row_version(obj) != seen
    assert getattr(fresh(obj), alices_field) == NEW_VALUES[alices_field][0]
    assert obj.history.count() == history  # nothing written for the refused save
    with pytest.raises(services.EditConflict):
        k.delete(fresh(obj), versions=[seen])
    assert k.model.objects.filter(pk=obj.pk).exists()
    # From the version it is at now the write goes; without a version, as before.
    k.update(fresh(obj), versions=[refused.value.current], **{bobs_field: NEW_VALUES[bobs_field][1]})
    assert getattr(fresh(obj), bobs_field) == NEW_VALUES[bobs_field][1]
    k.update(fresh(obj), **{bobs_field: NEW_VALUES[bobs_field][0]})
    k.delete(fresh(obj), versions=[services.row_version(obj)])
    assert not k.model.objects.filter(pk=obj.pk).exists()


def test_the_version_is_the_rows_content_a_references_cited_terms_included(row_kinds, make_term):
    category = row_kinds["category"].make()
    before = services.row_version(category)
    make_term("Chunking", category=category)  # a term joining it is not the category's content
    assert services.row_version(category) == before
    services.category_update(category=fresh(category), description="Ways of working.")  # saved as it was
    assert services.row_version(category) == before

    reference = row_kinds["reference"].make()
    cited = services.row_version(reference)
    services.reference_update(reference=fresh(reference), terms=[make_term("Chunking 2")])
    assert services.row_version(reference) != cited


# The admin ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_second_of_two_curators_to_save_gets_the_form_back_not_a_silent_overwrite(row_kinds, kind, alice, bob):
    k = row_kinds[kind]
    obj = k.make()
    url = reverse(f"admin:glossary_{k.admin}_change", args=[obj.pk])
    as_alice, as_bob = signed_in(alice), signed_in(bob)
    page = as_alice.get(url)
    assert f'name="version" value="{services.row_version(obj)}"' in page.content.decode()
    alices_copy, bobs_copy = posted_back(page), posted_back(as_bob.get(url))
    alices_field, bobs_field = k.fields

    alices_copy[alices_field] = NEW_VALUES[alices_field][0]
    assert as_alice.post(url, alices_copy).status_code == 302

    bobs_copy[bobs_field] = NEW_VALUES[bobs_field][1]
    refused = as_bob.post(url, bobs_copy)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Nothing was saved" in text and "was changed by alice" in text
    assert NEW_VALUES[bobs_field][1].replace("'", "&#x27;") in text  # what Bob typed is still in the form
    assert getattr(fresh(obj), alices_field) == NEW_VALUES[alices_field][0]

    # The form shown again carries the version of now: saving it again writes Bob's copy, on purpose.
    again = posted_back(refused)
    assert again["version"] == services.row_version(obj)
    assert as_bob.post(url, again).status_code == 302
    assert getattr(fresh(obj), bobs_field) == NEW_VALUES[bobs_field][1]


def test_a_page_saved_with_nothing_changed_meanwhile_goes_through_and_a_new_row_needs_no_version(row_kinds, alice):
    category = row_kinds["category"].make()
    url = reverse("admin:glossary_category_change", args=[category.pk])
    copy = posted_back(signed_in(alice).get(url))
    copy["description"] = "Changed once."
    assert signed_in(alice).post(url, copy).status_code == 302
    add = signed_in(alice).get(reverse("admin:glossary_category_add"))
    assert "edit_version" not in add.context_data and 'name="version"' not in add.content.decode()


# The API ------------------------------------------------------------------------------------


API_KINDS = [kind for kind in KINDS if kind != "label"]  # labels are written with their term


@pytest.mark.parametrize("kind", API_KINDS)
def test_a_write_with_a_stale_if_match_is_412_and_changes_nothing(row_kinds, kind, alice, bob):
    k = row_kinds[kind]
    obj = k.make()
    url = k.api.format(obj)
    as_alice, as_bob = token_client(alice), token_client(bob)
    read = as_bob.get(url)
    etag = read["ETag"]
    assert etag == f'"{services.row_version(obj)}"'
    alices_field, bobs_field = k.fields

    first = as_alice.patch(url, {alices_field: NEW_VALUES[alices_field][0]}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    assert first["ETag"] == f'"{services.row_version(obj)}"' != etag  # for the next write

    refused = as_bob.patch(url, {bobs_field: NEW_VALUES[bobs_field][1]}, format="json", HTTP_IF_MATCH=etag)
    assert refused.status_code == 412
    assert "was changed by alice" in refused.json()["detail"]
    assert getattr(fresh(obj), alices_field) == NEW_VALUES[alices_field][0]
    assert as_bob.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    assert k.model.objects.filter(pk=obj.pk).exists()

    # Alice goes on from her answer's ETag; Bob from a fresh read; no If-Match writes as before.
    assert as_alice.patch(url, {alices_field: NEW_VALUES[alices_field][1]}, format="json",
                          HTTP_IF_MATCH=first["ETag"]).status_code == 200
    assert as_bob.patch(url, {bobs_field: NEW_VALUES[bobs_field][0]}, format="json",
                        HTTP_IF_MATCH=as_bob.get(url)["ETag"]).status_code == 200
    assert as_bob.patch(url, {bobs_field: NEW_VALUES[bobs_field][1]}, format="json").status_code == 200
    assert as_bob.delete(url, HTTP_IF_MATCH=as_bob.get(url)["ETag"]).status_code == 204


def test_a_created_relation_answers_with_the_etag_its_next_write_names(row_kinds, make_term, alice):
    row_kinds["relation"].make()
    api = token_client(alice)
    created = api.post("/api/relations/", {"source": "llm", "type": "is-a", "target": make_term("Model").slug},
                       format="json")
    assert created.status_code == 201
    url = f"/api/relations/{created.json()['id']}/"
    assert api.patch(url, {"note": "N."}, format="json", HTTP_IF_MATCH=created["ETag"]).status_code == 200


@pytest.mark.parametrize("path", ["/api/categories/{slug}/", "/api/relation-types/{slug}/", "/api/relations/{id}/",
                                  "/api/references/{id}/"])
def test_the_schema_documents_if_match_and_412(staff_api, path):
    schema = staff_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for method in ("put", "patch", "delete"):
        operation = schema["paths"][path][method]
        assert any(p["name"] == "If-Match" and p["in"] == "header" for p in operation["parameters"])
        assert "412" in operation["responses"]


def test_a_readers_etag_is_the_references_version_though_they_see_fewer_of_its_terms(row_kinds, make_term, alice):
    reference = row_kinds["reference"].make()
    services.reference_update(reference=fresh(reference), terms=[*fresh(reference).terms.all(),
                                                                  make_term("Unpublished idea", status="draft")])
    read = Client().get(f"/api/references/{reference.pk}/")
    assert read.status_code == 200 and len(read.json()["terms"]) == 1  # the draft is not shown to readers
    assert read["ETag"] == f'"{services.row_version(reference)}"'
    assert token_client(alice).patch(f"/api/references/{reference.pk}/", {"title": "T."}, format="json",
                                     HTTP_IF_MATCH=read["ETag"]).status_code == 200
