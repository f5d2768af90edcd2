"""Writes through the API: they go through the services, so every model rule gives a 400 naming
the field (or non_field_errors) and leaves every table as it was."""

import pytest

from glossary.models import Label, Relation, Term

pytestmark = pytest.mark.django_db


def test_create_term_with_labels_category_uri_and_generated_slug(as_editor, glossary):
    response = as_editor.post(
        "/api/terms/",
        {
            "name": "Hallucination",
            "category": "technique",
            "uri": "http://www.yso.fi/onto/yso/p39213",
            "notation": "H.1",
            "short_definition": "Confident output not supported by the input.",
            "labels": [{"text": "Confabulation", "language": "en", "kind": "alternative", "subkind": "synonym"},
                       {"text": "Hallusinaatio", "language": "fi", "kind": "preferred"}],
            "notes": [{"kind": "example", "language": "en", "text": "A cited book that does not exist."}],
            "mappings": [{"kind": "close", "uri": "http://www.wikidata.org/entity/Q1145226", "label": "hallucination"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "hallucination"
    assert body["name"] == "Hallucination" and body["name_language"] == "en"
    assert {(l["text"], l["language"], l["kind"]) for l in body["labels"]} == {
        ("Hallucination", "en", "preferred"), ("Confabulation", "en", "alternative"), ("Hallusinaatio", "fi", "preferred"),
    }
    assert body["uri"] == body["concept_uri"] == "http://www.yso.fi/onto/yso/p39213"
    assert body["notation"] == "H.1"
    assert body["notes"] == [{"kind": "example", "language": "en", "text": "A cited book that does not exist."}]
    assert body["mappings"][0]["kind"] == "close"
    assert body["relations_out"] == [] and body["body_html"] == ""
    assert response["Location"] == "http://testserver/api/terms/hallucination/"
    assert Term.objects.get(slug="hallucination").category.slug == "technique"


def test_put_replaces_the_labels(as_editor, glossary):
    response = as_editor.put(
        "/api/terms/large-language-model/",
        {"name": "Large language model", "labels": [
            {"text": "Large language model", "language": "en", "kind": "preferred"},
            {"text": "Big LM", "language": "en", "kind": "alternative"},
        ]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert sorted(glossary["llm"].labels.values_list("text", flat=True)) == ["Big LM", "Large language model"]


def test_a_get_response_put_back_changes_nothing(as_editor, glossary):
    url = "/api/terms/large-language-model/"
    body = as_editor.get(url).json()
    before = sorted(glossary["llm"].labels.values_list("text", "language", "kind", "subkind"))
    response = as_editor.put(url, {k: v for k, v in body.items() if k in (
        "name", "name_language", "uri", "notation", "status", "category", "replaced_by", "short_definition",
        "labels", "body", "notes", "mappings")}, format="json")
    assert response.status_code == 200, response.json()
    assert sorted(glossary["llm"].labels.values_list("text", "language", "kind", "subkind")) == before


def test_patch_changes_one_field_and_keeps_the_labels(as_editor, glossary):
    response = as_editor.patch("/api/terms/large-language-model/", {"short_definition": "New."}, format="json")
    assert response.status_code == 200
    assert response.json()["short_definition"] == "New."
    assert sorted(a["text"] for a in response.json()["labels"]) == ["LLM", "Large language model"]


def test_patching_the_name_renames_the_preferred_label_in_the_given_language(as_editor, glossary):
    response = as_editor.patch("/api/terms/large-language-model/",
                               {"name": "Suuri kielimalli", "name_language": "fi"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Large language model"
    assert glossary["llm"].labels.filter(language="fi", kind="preferred").get().text == "Suuri kielimalli"


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
    "name taken, other case": ({"name": "large LANGUAGE model"}, "name", "already the name of the current term"),
    "preferred label taken": ({"labels": [{"text": "ragtruth", "language": "en", "kind": "preferred"}]},
                              "name", "“RAGTruth”"),
    "name differs from the labels": ({"name": "Chatbot", "labels": [{"text": "Bot", "language": "en", "kind": "preferred"}]},
                                     "name", "differs from the preferred label"),
    "preferred label taken in another language": (
        {"name": "Chatbot", "labels": [{"text": "Chatbot", "language": "en", "kind": "preferred"},
                                       {"text": "RAGTruth", "language": "en", "kind": "alternative"},
                                       {"text": "LLM", "language": "en", "kind": "alternative"}],
         "name_language": "en"},
        None, None),
    "two preferred labels in one language": (
        {"name": "Chatbot", "labels": [{"text": "Chatbot", "language": "en", "kind": "preferred"},
                                       {"text": "Bot", "language": "en", "kind": "preferred"}]},
        "labels", "one preferred label per language"),
    "bad label language": ({"name": "Chatbot", "labels": [{"text": "Bot", "language": 'x"Ñ'}]}, "labels", "language tag"),
    "unknown category": ({"name": "Chatbot", "category": "nope"}, "category", "does not exist"),
    "unknown replacement": ({"name": "Chatbot", "status": "deprecated", "replaced_by": "nope"}, "replaced_by", "does not exist"),
    "replacement of a published term": ({"name": "Chatbot", "replaced_by": "ragtruth"}, "replaced_by", "deprecated"),
    "bad status": ({"name": "Chatbot", "status": "approved"}, "status", "not a valid choice"),
    "name too long": ({"name": "x" * 201}, "name", "200"),
    "blank name": ({"name": "   "}, "name", "blank"),
    "bad label kind": ({"name": "Chatbot", "labels": [{"text": "Bot", "kind": "nickname"}]}, "labels", "not a valid choice"),
    "uri with a pipe": ({"name": "Chatbot", "uri": "https://example.org/a|b"}, "uri", "percent-encode"),
    "nul in the definition": ({"name": "Chatbot", "short_definition": "a\x00b"}, "short_definition", "NUL"),
    "short definition too long": ({"name": "Chatbot", "short_definition": "x" * 301}, "short_definition", "300"),
}


@pytest.mark.parametrize("payload, field, message", REFUSED_TERMS.values(), ids=REFUSED_TERMS.keys())
def test_refused_term_is_400_on_the_field_and_changes_nothing(as_editor, glossary, row_counts, payload, field, message):
    before = row_counts()
    response = as_editor.post("/api/terms/", payload, format="json")
    if field is None:  # accepted: alternative labels may be shared, even with another term's name
        assert response.status_code == 201, response.json()
        return
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert row_counts() == before


def test_rename_onto_another_terms_name_leaves_the_term_unchanged(as_editor, glossary):
    response = as_editor.patch("/api/terms/ragtruth/", {"name": "Foundation Model", "short_definition": "Changed."},
                               format="json")
    assert response.status_code == 400
    assert "Foundation model" in str(response.json()["name"])
    assert Term.objects.get(slug="ragtruth").short_definition.startswith("A benchmark")


def test_a_preferred_label_clash_on_update_keeps_the_old_labels(as_editor, glossary):
    response = as_editor.patch(
        "/api/terms/large-language-model/",
        {"short_definition": "Changed.", "labels": [
            {"text": "Large language model", "language": "en", "kind": "preferred"},
            {"text": "Retrieval-augmented generation", "language": "en", "kind": "preferred"},
        ]}, format="json",
    )
    assert response.status_code == 400
    assert "labels" in response.json()
    assert sorted(Label.objects.filter(term=glossary["llm"]).values_list("text", flat=True)) == ["LLM", "Large language model"]
    assert Term.objects.get(slug="large-language-model").short_definition == "A language model with many parameters."


def test_a_label_clash_with_another_current_term_names_both_terms(as_editor, glossary):
    response = as_editor.patch(
        "/api/terms/large-language-model/",
        {"labels": [{"text": "Large language model", "language": "en", "kind": "preferred"},
                    {"text": "Retrieval-augmented generation", "language": "de", "kind": "preferred"}]},
        format="json",
    )
    assert response.status_code == 201 or response.status_code == 200
    response = as_editor.patch(
        "/api/terms/ragtruth/",
        {"labels": [{"text": "RAGTruth", "language": "en", "kind": "preferred"},
                    {"text": "retrieval-augmented generation", "language": "de", "kind": "preferred"}]},
        format="json",
    )
    assert response.status_code == 400
    message = str(response.json()["labels"])
    assert "“Large language model”" in message and "“RAGTruth”" in message
