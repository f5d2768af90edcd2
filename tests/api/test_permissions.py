"""Who may write: anonymous → 401, authenticated without permission → 403, editor → done.
And who may read drafts: staff only, on every read path."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def writes(glossary):
    """One write of each kind on each resource: (method, url, payload, expected success status)."""
    pk = glossary["rag_uses_llm"].pk
    ref = glossary["reference"].pk
    return [
        ("post", "/api/terms/", {"name": "Chatbot"}, 201),
        ("patch", "/api/terms/ragtruth/", {"short_definition": "x"}, 200),
        ("put", "/api/terms/ragtruth/", {"name": "RAGTruth"}, 200),
        ("delete", "/api/terms/foundation-model/", None, 204),
        ("post", "/api/relations/", {"source": "ragtruth", "type": "uses", "target": "large-language-model"}, 201),
        ("patch", f"/api/relations/{pk}/", {"note": "x"}, 200),
        ("delete", f"/api/relations/{pk}/", None, 204),
        ("post", "/api/relation-types/", {"label": "evaluates", "inverse_label": "is evaluated by"}, 201),
        ("patch", "/api/relation-types/uses/", {"description": "x"}, 200),
        ("post", "/api/categories/", {"name": "Benchmark"}, 201),
        ("put", "/api/categories/technique/", {"name": "Techniques"}, 200),
        ("delete", "/api/categories/technique/", None, 204),
        ("post", "/api/references/", {"title": "T", "url": "https://example.org/t", "terms": ["ragtruth"]}, 201),
        ("patch", f"/api/references/{ref}/", {"kind": "video"}, 200),
        ("delete", f"/api/references/{ref}/", None, 204),
    ]


def test_anonymous_writes_are_401_with_a_token_challenge(anon, glossary, row_counts):
    before = row_counts()
    for method, url, payload, _ok in writes(glossary):
        response = getattr(anon, method)(url, payload, format="json")
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"] == "Token"
    assert row_counts() == before


def test_writes_without_permission_are_403(as_reader, glossary, row_counts):
    before = row_counts()
    for method, url, payload, _ok in writes(glossary):
        response = getattr(as_reader, method)(url, payload, format="json")
        assert response.status_code == 403, (method, url)
    assert row_counts() == before


def test_editor_with_model_permissions_may_write_everything(as_editor, glossary):
    for method, url, payload, ok in writes(glossary):
        response = getattr(as_editor, method)(url, payload, format="json")
        assert response.status_code == ok, (method, url, response.content)


def test_bad_token_is_401_even_on_a_public_read(glossary):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/terms/").status_code == 401


def test_session_writes_need_the_csrf_token(editor, glossary):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post("/api/terms/", {"name": "Chatbot"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_token_endpoint_exchanges_credentials_for_a_token(anon, editor):
    response = anon.post("/api/auth/token/", {"username": "editor", "password": "editor-pass-123"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/terms/", {"name": "Chatbot"}, format="json").status_code == 201


def test_token_endpoint_refuses_wrong_credentials_and_missing_fields(anon, editor):
    wrong = anon.post("/api/auth/token/", {"username": "editor", "password": "nope"}, format="json")
    assert wrong.status_code == 401
    assert "Unable to log in" in wrong.json()["detail"]
    missing = anon.post("/api/auth/token/", {"username": "editor"}, format="json")
    assert missing.status_code == 400
    assert "password" in missing.json()


def test_drafts_are_invisible_to_anonymous_and_non_staff_readers(anon, as_editor, glossary):
    for client in (anon, as_editor):
        listed = [t["slug"] for t in client.get("/api/terms/", {"page_size": 200}).json()["results"]]
        assert "secret-draft" not in listed
        assert client.get("/api/terms/secret-draft/").status_code == 404
        assert client.get("/api/terms/", {"search": "secret"}).json()["count"] == 0
        assert client.get("/api/terms/", {"status": "draft"}).json()["count"] == 0
        assert client.get("/api/terms/autocomplete/", {"q": "secr"}).json() == []
        relations = client.get("/api/relations/", {"page_size": 200}).json()["results"]
        assert all("secret-draft" not in (r["source"], r["target"]) for r in relations)
        assert client.get(f"/api/relations/{glossary['draft_uses_llm'].pk}/").status_code == 404
        incoming = client.get("/api/terms/large-language-model/").json()["relations_in"]
        assert [r["term"]["slug"] for r in incoming] == ["retrieval-augmented-generation"]
        assert client.get(f"/api/references/{glossary['reference'].pk}/").json()["terms"] == [
            "retrieval-augmented-generation"
        ]


def test_staff_see_drafts_everywhere(as_staff, glossary):
    assert as_staff.get("/api/terms/secret-draft/").status_code == 200
    assert as_staff.get("/api/terms/", {"status": "draft"}).json()["count"] == 1
    assert as_staff.get("/api/terms/autocomplete/", {"q": "secr"}).json()[0]["slug"] == "secret-draft"
    incoming = as_staff.get("/api/terms/large-language-model/").json()["relations_in"]
    assert {r["term"]["slug"] for r in incoming} == {"retrieval-augmented-generation", "secret-draft"}


def test_category_counts_only_visible_terms(anon, as_staff, make_term, glossary):
    make_term("Hidden technique", status="draft", category=glossary["category"])
    assert anon.get("/api/categories/technique/").json()["term_count"] == 1
    assert as_staff.get("/api/categories/technique/").json()["term_count"] == 2


def test_a_non_staff_editor_creating_a_draft_sees_what_was_written(as_editor, glossary):
    response = as_editor.post("/api/terms/", {"name": "Work in progress", "status": "draft"}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert User.objects.get(username="editor").is_staff is False
