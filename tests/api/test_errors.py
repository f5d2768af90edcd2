"""Errors keep one shape everywhere, and no input yields a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from glossary.api.exceptions import exception_handler

pytestmark = pytest.mark.django_db


def test_malformed_json_is_400_with_detail(as_editor, glossary, row_counts):
    before = row_counts()
    response = as_editor.post("/api/terms/", data='{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert row_counts() == before


def test_a_json_list_instead_of_an_object_is_400(as_editor, glossary):
    response = as_editor.post("/api/terms/", data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_form_bodies_are_415(as_editor, glossary):
    response = as_editor.post("/api/terms/", data="name=Chatbot", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_wrong_method_is_405_with_allow(as_editor, glossary):
    response = as_editor.delete("/api/terms/")
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert as_editor.post("/api/terms/autocomplete/", {"q": "x"}, format="json").status_code == 405


@pytest.mark.parametrize("payload", [{"name": 12}, {"name": True}, {"name": "X", "labels": "RAG"},
                                     {"name": "X", "labels": [{"text": None}]}, {"name": "X", "category": ""},
                                     {"name": "X", "body": ["a"]}, {"name": "X", "replaced_by": 3}])
def test_values_of_the_wrong_type_are_refused_not_coerced(as_editor, glossary, row_counts, payload):
    before = row_counts()
    response = as_editor.post("/api/terms/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) & set(payload)
    assert row_counts() == before


@pytest.mark.parametrize("url", ["/api/terms/bad%20slug/", "/api/relations/abc/", "/api/relations/99999999999999999999999/",
                                 "/api/references/%00/", "/api/terms/caf%C3%A9/", "/api/no-such-endpoint/",
                                 "/api/relations/%0A%3C/"])
def test_malformed_lookups_are_json_404(anon, glossary, url):
    response = anon.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_nul_characters_in_queries_are_refused_not_crashing(anon, glossary):
    for params in ({"search": "a\x00b"}, {"q": "a\x00"}):
        url = "/api/terms/autocomplete/" if "q" in params else "/api/terms/"
        response = anon.get(url, params)
        assert response.status_code == 400


def test_handler_maps_django_errors_to_drf_shape():
    by_field = exception_handler(ValidationError({"name": ["Taken."], "__all__": ["Cycle."]}), {})
    assert by_field.status_code == 400
    assert by_field.data == {"name": ["Taken."], "non_field_errors": ["Cycle."]}
    plain = exception_handler(ValidationError("Cycle: a → b → a."), {})
    assert plain.data == {"non_field_errors": ["Cycle: a → b → a."]}
    missing = exception_handler(Http404("No Term matches."), {})
    assert missing.status_code == 404 and missing.data == {"detail": "No Term matches."}
