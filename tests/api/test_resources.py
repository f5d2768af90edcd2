"""Relations list filters; categories, relation types and references CRUD and their refusals."""

import pytest

from glossary import services
from glossary.models import Category, Reference, RelationType, Term

pytestmark = pytest.mark.django_db


def ids(response):
    return [item["id"] for item in response.json()["results"]]


def test_relations_filter_by_source_target_and_type(anon, glossary):
    rag_uses_llm = glossary["rag_uses_llm"].pk
    assert ids(anon.get("/api/relations/", {"source": "retrieval-augmented-generation"})) == [rag_uses_llm]
    assert ids(anon.get("/api/relations/", {"target": "large-language-model", "type": "uses"})) == [rag_uses_llm]
    assert ids(anon.get("/api/relations/", {"type": "is-a"})) == [glossary["llm_is_a_foundation"].pk]
    assert ids(anon.get("/api/relations/", {"source": "nobody"})) == []
    bad = anon.get("/api/relations/", {"source": "not a slug!"})
    assert bad.status_code == 400 and "source" in bad.json()


def test_relation_detail(anon, glossary):
    body = anon.get(f"/api/relations/{glossary['rag_uses_llm'].pk}/").json()
    assert (body["source"], body["type"], body["target"]) == ("retrieval-augmented-generation", "uses", "large-language-model")
    assert (body["label"], body["source_name"], body["target_name"]) == ("uses", "Retrieval-augmented generation", "Large language model")


def test_relation_types_are_listed_with_their_use_count(anon, glossary):
    body = anon.get("/api/relation-types/uses/").json()
    assert body["label"] == "uses" and body["inverse_label"] == "is used by"
    assert body["relation_count"] == 1  # the draft's relation is not counted for anonymous readers
    slugs = [t["slug"] for t in anon.get("/api/relation-types/").json()["results"]]
    assert slugs == ["is-a", "related-to", "uses"]


def test_create_a_relation_type(as_editor, glossary):
    response = as_editor.post(
        "/api/relation-types/",
        {"label": "requires", "inverse_label": "is required by", "acyclic": True, "transitive": True, "color": "#112233"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "requires" and response.json()["relation_count"] == 0
    assert RelationType.objects.get(slug="requires").acyclic


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"label": "mirrors", "inverse_label": "is mirrored by", "symmetric": True}, "non_field_errors"),
        ({"label": "x", "inverse_label": "y", "symmetric": True, "acyclic": True}, "non_field_errors"),
        ({"label": "x", "inverse_label": "y", "color": "red"}, "color"),
        ({"label": "x", "inverse_label": "y", "acyclic": "yes"}, "acyclic"),
        ({"label": "x", "inverse_label": "y", "skos_mapping": "narrower"}, "skos_mapping"),
        ({"label": "x"}, "inverse_label"),
    ],
)
def test_refused_relation_type_is_400_on_the_field(as_editor, glossary, row_counts, payload, field):
    before = row_counts()
    response = as_editor.post("/api/relation-types/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_turning_a_type_with_a_cycle_acyclic_names_the_cycle(as_editor, glossary, relate):
    relate(glossary["llm"], glossary["uses"], glossary["rag"])  # RAG uses LLM, LLM uses RAG
    response = as_editor.patch("/api/relation-types/uses/", {"acyclic": True}, format="json")
    assert response.status_code == 400
    assert "→" in response.json()["acyclic"][0]


def test_deleting_a_relation_type_in_use_is_409_and_keeps_it(as_editor, glossary):
    response = as_editor.delete("/api/relation-types/uses/")
    assert response.status_code == 409
    assert "Still used by 2" in response.json()["detail"]
    assert RelationType.objects.filter(slug="uses").exists()


def test_delete_an_unused_relation_type(as_editor, make_type, glossary):
    make_type("mentions")
    assert as_editor.delete("/api/relation-types/mentions/").status_code == 204


def test_category_crud(anon, as_editor, glossary):
    created = as_editor.post("/api/categories/", {"name": "Safety", "color": "#ff0000"}, format="json")
    assert created.status_code == 201
    assert created.json() == {
        "slug": "safety", "name": "Safety", "names": {}, "url": "http://testserver/categories/safety/", "parent": None,
        "uri": None, "collection_uri": "http://testserver/categories/safety",
        "description": "", "color": "#ff0000", "term_count": 0,
    }
    assert as_editor.patch("/api/categories/safety/", {"description": "Risks."}, format="json").status_code == 200
    assert anon.get("/api/categories/safety/").json()["description"] == "Risks."
    assert as_editor.delete("/api/categories/safety/").status_code == 204
    assert not Category.objects.filter(slug="safety").exists()


def test_deleting_a_category_keeps_its_terms(as_editor, glossary):
    assert as_editor.delete("/api/categories/technique/").status_code == 204
    assert as_editor.get("/api/terms/retrieval-augmented-generation/").json()["category"] is None


@pytest.mark.parametrize(
    "payload, field",
    [({"name": "technique"}, "name"), ({"name": "X", "slug": "technique"}, "slug"), ({"name": "X", "color": "#12"}, "color")],
)
def test_refused_category_is_400_on_the_field(as_editor, glossary, row_counts, payload, field):
    before = row_counts()
    response = as_editor.post("/api/categories/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_reference_crud_with_term_slugs(anon, as_editor, glossary):
    created = as_editor.post(
        "/api/references/",
        {"title": "Survey", "url": "https://example.org/survey", "kind": "paper", "terms": ["ragtruth", "large-language-model"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["terms"] == ["large-language-model", "ragtruth"]
    updated = as_editor.patch(f"/api/references/{pk}/", {"terms": ["ragtruth"]}, format="json")
    assert updated.json()["terms"] == ["ragtruth"]
    assert anon.get("/api/terms/ragtruth/").json()["references"][0]["title"] == "Survey"
    assert as_editor.delete(f"/api/references/{pk}/").status_code == 204
    assert not Reference.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"title": "T", "url": "not a url"}, "url"),
        ({"title": "T", "url": "javascript:alert(1)"}, "url"),
        ({"title": "T", "url": "https://arxiv.org/abs/2005.11401"}, "url"),
        ({"title": "T", "url": "https://example.org/x", "terms": ["no-such-term"]}, "terms"),
        ({"title": "T", "url": "https://example.org/x", "kind": "tweet"}, "kind"),
        ({"url": "https://example.org/x"}, "title"),
    ],
)
def test_refused_reference_is_400_on_the_field(as_editor, glossary, row_counts, payload, field):
    before = row_counts()
    response = as_editor.post("/api/references/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_the_api_reads_and_writes_names(as_editor, anon):
    created = as_editor.post("/api/categories/", {"name": "Safety", "names": {"fr": "Sûreté"}}, format="json")
    assert created.status_code == 201, created.content
    assert anon.get("/api/categories/safety/").json()["names"] == {"fr": "Sûreté"}
    patched = as_editor.patch("/api/categories/safety/", {"names": {"fr": "Sécurité", "de": "Sicherheit"}}, format="json")
    assert patched.status_code == 200
    assert Category.objects.get(slug="safety").names == {"fr": "Sécurité", "de": "Sicherheit"}


def test_the_api_refuses_bad_names_with_the_field_and_the_reason(as_editor):
    services.category_create(name="Safety", slug="safety", names={"fr": "Sûreté"})
    response = as_editor.patch("/api/categories/safety/", {"names": {"en": "Safety", "zz-": "x"}}, format="json")
    assert response.status_code == 400
    reasons = " ".join(response.json()["names"])
    assert "'en' is the glossary's own language" in reasons and "'zz-' is not a language tag" in reasons
    assert Category.objects.get(slug="safety").names == {"fr": "Sûreté"}


@pytest.mark.parametrize("names", [["fr", "Sûreté"], {"fr": 3}, {"fr": ""}, {"fr": "x" * 101}, {"fr": "a\x00b"}])
def test_the_api_refuses_names_of_the_wrong_shape(as_editor, names):
    services.category_create(name="Safety", slug="safety")
    response = as_editor.patch("/api/categories/safety/", {"names": names}, format="json")
    assert response.status_code == 400 and "names" in response.json()
    assert Category.objects.get(slug="safety").names == {}


def test_the_schema_describes_names_as_language_to_text(anon):
    schema = anon.get("/api/schema/?format=json").json()
    names = schema["components"]["schemas"]["Category"]["properties"]["names"]
    assert names["type"] == "object" and names["additionalProperties"]["type"] == "string"


THESAURUS_URI = "http://vocabularies.example.org/thesaurus/"


def test_the_api_reads_and_writes_a_groups_uri(as_editor, anon):
    created = as_editor.post("/api/categories/", {"name": "Pets", "uri": THESAURUS_URI + "mt1"}, format="json")
    assert created.status_code == 201, created.content
    body = anon.get("/api/categories/pets/").json()
    assert body["uri"] == THESAURUS_URI + "mt1" and body["collection_uri"] == THESAURUS_URI + "mt1"
    cleared = as_editor.patch("/api/categories/pets/", {"uri": None}, format="json").json()
    assert cleared["uri"] is None and cleared["collection_uri"] == "http://testserver/categories/pets"
    assert Category.objects.get(slug="pets").uri is None


@pytest.mark.parametrize(("uri", "reason"), [
    ("pets", "Enter an absolute URI"),
    (THESAURUS_URI + "taken", "category with this URI already exists"),
    (3, "Expected a string, got int."),
])
def test_the_api_refuses_a_bad_or_taken_uri_with_the_field(as_editor, uri, reason):
    services.category_create(name="Other", uri=THESAURUS_URI + "taken")
    services.category_create(name="Pets", slug="pets")
    response = as_editor.patch("/api/categories/pets/", {"uri": uri}, format="json")
    assert response.status_code == 400
    assert reason in " ".join(response.json()["uri"])
    assert Category.objects.get(slug="pets").uri is None


def test_a_category_cannot_be_its_own_parent_even_while_renamed(as_editor):
    services.category_create(name="Cereals", slug="cereals")
    response = as_editor.patch("/api/categories/cereals/", {"parent": "cereals"}, format="json")
    assert response.status_code == 400
    assert response.json()["parent"] == ["A category cannot be inside itself: Cereals → Cereals."]
    renamed = as_editor.patch("/api/categories/cereals/", {"parent": "cereals", "name": "Grains"}, format="json")
    assert renamed.json()["parent"] == ["A category cannot be inside itself: Grains → Grains."]
    assert Category.objects.get(slug="cereals").parent is None


def test_an_empty_uri_from_the_api_is_none_so_many_groups_may_have_none(as_editor):
    services.category_create(name="Other")
    assert as_editor.post("/api/categories/", {"name": "Pets", "uri": ""}, format="json").status_code == 201
    assert Category.objects.get(slug="pets").uri is None


def test_a_category_cannot_be_put_inside_itself(as_editor):
    education = services.category_create(name="Education", slug="education")
    services.category_create(name="Teaching", slug="teaching", parent=education)
    response = as_editor.patch("/api/categories/education/", {"parent": "teaching"}, format="json")
    assert response.status_code == 400
    assert "A category cannot be inside itself: Education → Teaching → Education." in response.json()["parent"]
    assert Category.objects.get(slug="education").parent is None
    assert as_editor.patch("/api/categories/teaching/", {"parent": None}, format="json").json()["parent"] is None
    assert as_editor.patch("/api/categories/teaching/", {"parent": "nowhere"}, format="json").status_code == 400
    assert as_editor.patch("/api/categories/teaching/", {"parent": ""}, format="json").json() == {
        "parent": ["Give a slug, or null for none."]}
    assert as_editor.patch("/api/categories/teaching/", {"parent": 3}, format="json").status_code == 400


def test_a_category_left_inside_itself_by_an_earlier_version_is_taken_out_by_the_migration(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("glossary.migrations.0026_no_category_inside_itself")
    cereals = services.category_create(name="Cereals", slug="cereals")
    grains = services.category_create(name="Grains", slug="grains", parent=cereals)
    Category.objects.filter(pk=cereals.pk).update(parent=cereals)  # as the old rule let it be saved
    migration.take_out_of_themselves(apps, None)
    assert dict(Category.objects.values_list("slug", "parent__slug")) == {"cereals": None, "grains": "cereals"}
    assert grains.parent_id == cereals.pk


def test_a_misspelt_field_is_refused_naming_it_and_the_fields_and_nothing_is_written(as_editor):
    response = as_editor.post("/api/categories/", {"name": "Bad colour", "colour": "red"}, format="json")
    assert response.status_code == 400
    [message] = response.json()["colour"]
    assert message.startswith("No such field here; the fields are: ") and "color" in message
    assert not Category.objects.filter(name="Bad colour").exists()
    nested = as_editor.post("/api/terms/", {"name": "Soil", "labels": [
        {"text": "Soil", "language": "en", "kind": "preferred", "lang": "en"}]}, format="json")
    assert nested.status_code == 400 and "lang" in nested.json()["labels"]["0"]  # the label at index 0
    assert not Term.objects.filter(name="Soil").exists()
    # What a read answers may come back whole: its read-only fields are fields too.
    created = as_editor.post("/api/categories/", {"name": "Soils", "color": "#336699"}, format="json").json()
    again = as_editor.put(f"/api/categories/{created['slug']}/", {**created, "description": "Ground."}, format="json")
    assert again.status_code == 200 and again.json()["description"] == "Ground."
