"""Requests built to break the server get a 400 (or a normal answer), never a 500."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from glossary.models import Term

DEEP_JSON = "[" * 100_000


@pytest.fixture
def hallucination(make_term):
    return make_term("Hallucination", short_definition="Confident nonsense.")


@pytest.fixture
def as_staff_client(staff_user):
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("path", [
    "/api/terms/", "/api/terms/hallucination/", "/api/relations/", "/api/categories/",
    "/api/relation-types/", "/api/references/", "/api/auth/token/",
])
def test_deeply_nested_json_is_a_400(staff_user, hallucination, path):
    client = Client(raise_request_exception=False)
    token = Token.objects.create(user=staff_user).key
    method = client.put if path.endswith("hallucination/") else client.post
    response = method(path, DEEP_JSON, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 400, response.content[:200]
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize("url", [
    "/terms/hallucination/path/?to=%00",
    "/search/?q=%00",
    "/terms/?q=a%00b",
    "/graph/path/?from=hallucination&to=%00",
    "/graph/?types=%00",
    "/api/terms/?search=%00",
    "/api/graph/path/?from=%00&to=hallucination",
    "/?x%00=1",
])
def test_a_nul_byte_in_the_query_string_is_a_400(hallucination, url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize("url", ["/admin/glossary/term/?q=%00", "/admin/glossary/term/?status__exact=%00",
                                 "/admin/glossary/relation/?q=x%00"])
def test_a_nul_byte_in_an_admin_filter_is_a_400(as_staff_client, hallucination, url):
    assert as_staff_client.get(url).status_code == 400


def test_api_nul_refusal_names_the_parameter_in_drfs_error_shape(hallucination):
    response = Client().get("/api/terms/?search=%00&page=1")
    assert response.json() == {"search": ["Contains a NUL character (%00), which no parameter accepts."]}
    assert Client().get("/api/graph/?a%00=1").json() == {
        "non_field_errors": ["A parameter name contains a NUL character (%00)."]
    }


def test_a_page_refusing_a_nul_byte_names_the_parameter(hallucination):
    html = Client().get("/search/?q=%00").content.decode()
    assert "<strong>q</strong>: Contains a NUL character" in html


def test_a_nul_byte_inside_a_json_body_is_refused_on_its_field(staff_user):
    client = Client(raise_request_exception=False)
    token = Token.objects.create(user=staff_user).key
    response = client.post("/api/terms/", {"name": "Bad\u0000name"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 400 and "name" in response.json()
    assert not Term.objects.exists()
