"""Writes through the API: they go through the services, so every model rule gives a 400 naming
the field (or non_field_errors) and leaves every table as it was."""

import pytest

from glossary.models import Alias, Relation, Term

pytestmark = pytest.mark.django_db


def test_create_term_with_aliases_category_and_generated_slug(as_editor, glossary):
    response = as_editor.post(
        "/api/terms/",
        {
            "name": "Hallucination",
            "category": "technique",
            "short_definition": "Confident output not supported by the input.",
            "aliases": [{"name": "Confabulation", "kind": "synonym"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "hallucination"
    assert body["aliases"] == [{"name": "Confabulation", "kind": "synonym", "language": ""}]
    assert body["relations_out"] == [] and body["body_html"] == ""
    assert response["Location"] == "http://testserver/api/terms/hallucination/"
    assert Term.objects.get(slug="hallucination").category.slug == "technique"


def test_put_replaces_the_aliases(as_editor, glossary):
    response = as_editor.put(
        "/api/terms/large-language-model/",
        {"name": "Large language model", "aliases": [{"name": "Big LM"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert list(glossary["llm"].aliases.values_list("name", flat=True)) == ["Big LM"]


def test_patch_changes_one_field_and_keeps_the_aliases(as_editor, glossary):
    response = as_editor.patch("/api/terms/large-language-model/", {"short_definition": "New."}, format="json")
    assert response.status_code == 200
    assert response.json()["short_definition"] == "New."
    assert [a["name"] for a in response.json()["aliases"]] == ["LLM"]


def test_deprecate_a_term_with_its_replacement(as_editor, glossary):
    response = as_editor.patch(
        "/api/terms/ragtruth/", {"status": "deprecated", "replaced_by": "foundation-model"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["replaced_by"] == "foundation-model"


def test_delete_term_removes_its_relations(as_editor, glossary):
    response = as_editor.delete("/api/terms/retrieval-augmented-generation/")
    assert response.status_code == 204
    assert not Term.objects.filter(slug="retrieval-augmented-generation").exists()
    assert not Relation.objects.filter(pk=glossary["rag_uses_llm"].pk).exists()


def test_create_relation_by_slugs(as_editor, glossary):
    response = as_editor.post(
        "/api/relations/",
        {"source": "ragtruth", "type": "uses", "target": "foundation-model", "note": "for scoring"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["source"], body["type"], body["target"], body["label"]) == ("ragtruth", "uses", "foundation-model", "uses")
    assert Relation.objects.get(pk=body["id"]).note == "for scoring"


def test_update_and_delete_a_relation(as_editor, glossary):
    pk = glossary["rag_uses_llm"].pk
    response = as_editor.patch(f"/api/relations/{pk}/", {"note": "to write"}, format="json")
    assert response.status_code == 200 and response.json()["note"] == "to write"
    assert as_editor.delete(f"/api/relations/{pk}/").status_code == 204
    assert not Relation.objects.filter(pk=pk).exists()


REFUSED_RELATIONS = {
    "self-loop": ({"source": "ragtruth", "type": "uses", "target": "ragtruth"}, "target", "itself"),
    "duplicate": ({"source": "retrieval-augmented-generation", "type": "uses", "target": "large-language-model"},
                  "non_field_errors", "already exists"),
    "symmetric duplicate": ({"source": "retrieval-augmented-generation", "type": "related-to", "target": "ragtruth"},
                            "non_field_errors", "stored once"),
    "cycle": ({"source": "foundation-model", "type": "is-a", "target": "large-language-model"},
              "non_field_errors", "Foundation model → Large language model → Foundation model"),
    "unknown source": ({"source": "no-such-term", "type": "uses", "target": "ragtruth"}, "source", "does not exist"),
    "unknown type": ({"source": "ragtruth", "type": "no-such-type", "target": "foundation-model"}, "type", "does not exist"),
    "draft target (hidden from non-staff)": ({"source": "ragtruth", "type": "uses", "target": "secret-draft"},
                                             "target", "does not exist"),
    "missing type": ({"source": "ragtruth", "target": "foundation-model"}, "type", "required"),
}


@pytest.mark.parametrize("payload, field, message", REFUSED_RELATIONS.values(), ids=REFUSED_RELATIONS.keys())
def test_refused_relation_is_400_on_the_field_and_changes_nothing(as_editor, glossary, row_counts, payload, field, message):
    before = row_counts()
    response = as_editor.post("/api/relations/", payload, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert row_counts() == before


def test_changing_a_relation_into_a_cycle_is_refused(as_editor, glossary, row_counts):
    before = row_counts()
    response = as_editor.put(
        f"/api/relations/{glossary['llm_is_a_foundation'].pk}/",
        {"source": "foundation-model", "type": "is-a", "target": "foundation-model"},
        format="json",
    )
    assert response.status_code == 400
    assert "target" in response.json()
    assert row_counts() == before


REFUSED_TERMS = {
    "name taken, other case": ({"name": "large LANGUAGE model"}, "name", "already exists"),
    "name is another term's alias": ({"name": "RAG"}, "name", "alias"),
    "alias is another term's name": ({"name": "Chatbot", "aliases": [{"name": "RAGTruth"}]}, "aliases", "RAGTruth"),
    "alias is another term's alias": ({"name": "Chatbot", "aliases": [{"name": "llm"}]}, "aliases", "Large language model"),
    "unknown category": ({"name": "Chatbot", "category": "nope"}, "category", "does not exist"),
    "unknown replacement": ({"name": "Chatbot", "status": "deprecated", "replaced_by": "nope"}, "replaced_by", "does not exist"),
    "replacement of a published term": ({"name": "Chatbot", "replaced_by": "ragtruth"}, "replaced_by", "deprecated"),
    "bad status": ({"name": "Chatbot", "status": "approved"}, "status", "not a valid choice"),
    "name too long": ({"name": "x" * 201}, "name", "200"),
    "blank name": ({"name": "   "}, "name", "blank"),
    "bad alias kind": ({"name": "Chatbot", "aliases": [{"name": "Bot", "kind": "nickname"}]}, "aliases", "not a valid choice"),
    "short definition too long": ({"name": "Chatbot", "short_definition": "x" * 301}, "short_definition", "300"),
}


@pytest.mark.parametrize("payload, field, message", REFUSED_TERMS.values(), ids=REFUSED_TERMS.keys())
def test_refused_term_is_400_on_the_field_and_changes_nothing(as_editor, glossary, row_counts, payload, field, message):
    before = row_counts()
    response = as_editor.post("/api/terms/", payload, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert row_counts() == before


def test_rename_onto_an_alias_leaves_the_term_unchanged(as_editor, glossary):
    response = as_editor.patch("/api/terms/ragtruth/", {"name": "LLM", "short_definition": "Changed."}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    assert Term.objects.get(slug="ragtruth").short_definition.startswith("A benchmark")


def test_alias_collision_on_update_keeps_the_old_aliases(as_editor, glossary):
    response = as_editor.patch(
        "/api/terms/large-language-model/", {"short_definition": "Changed.", "aliases": [{"name": "RAG"}]}, format="json"
    )
    assert response.status_code == 400
    assert "aliases" in response.json()
    assert list(Alias.objects.filter(term=glossary["llm"]).values_list("name", flat=True)) == ["LLM"]
    assert Term.objects.get(slug="large-language-model").short_definition == "A language model with many parameters."


def test_alias_with_a_malformed_language_tag_is_refused(as_editor, glossary):
    response = as_editor.patch(
        "/api/terms/large-language-model/",
        {"aliases": [{"name": "Großes Sprachmodell", "kind": "translation", "language": 'x"Ñ'}]},
        format="json",
    )
    assert response.status_code == 400
    assert "language" in str(response.json()["aliases"])
    assert list(Alias.objects.filter(term=glossary["llm"]).values_list("name", flat=True)) == ["LLM"]
