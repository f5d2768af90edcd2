"""The OpenAPI schema documents every response and every input constraint; the docs work offline."""

import pytest

pytestmark = pytest.mark.django_db

OUR_PREFIXES = ("/api/terms", "/api/relations", "/api/relation-types", "/api/categories", "/api/references", "/api/auth")


@pytest.fixture
def schema(anon):
    response = anon.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        if path.startswith(OUR_PREFIXES):
            for method, operation in item.items():
                yield path, method, operation


def param(operation, name):
    return next(p for p in operation["parameters"] if p["name"] == name)


def test_every_operation_documents_its_errors_with_bodies(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        assert "401" in codes, (method, path)
        if method in ("post", "put", "patch"):
            assert {"400", "403"} <= codes, (method, path)
        if method == "delete":
            assert "403" in codes, (method, path)
        if any(p["name"] == "If-Match" for p in operation.get("parameters", [])):
            assert "400" in codes, (method, path)  # an If-Match that is no entity tag
        if "{" in path:
            assert "404" in codes, (method, path)
        if any(p["in"] == "query" for p in operation.get("parameters", [])):
            # A long query string can meet the HTTP server's limit before the app.
            assert "414" in codes, (method, path)
        for code in codes - {"204", "304", "414"}:
            assert "application/json" in operation["responses"][code]["content"], (method, path, code)
    assert schema["components"]["schemas"]["ErrorResponse"]["required"] == ["detail"]
    assert "non_field_errors" in schema["components"]["schemas"]["ValidationErrorResponse"]["properties"]


def test_reads_declare_optional_credentials_and_writes_require_them(schema):
    term = schema["paths"]["/api/terms/"]
    assert {} in term["get"]["security"]
    assert {} not in term["post"]["security"]


def test_list_parameters_carry_their_constraints(schema):
    terms = schema["paths"]["/api/terms/"]["get"]
    page_size = param(terms, "page_size")["schema"]
    assert (page_size["minimum"], page_size["maximum"]) == (1, 200)
    assert set(param(terms, "ordering")["schema"]["enum"]) == {
        "name", "-name", "updated_at", "-updated_at", "created_at", "-created_at"
    }
    assert param(terms, "status")["schema"]["enum"] == [
        "draft", "in_review", "changes_requested", "published", "deprecated"]
    # one character a name can start with, or a letter of a few (Czech "CH")
    assert param(terms, "letter")["schema"]["pattern"] == r"^(\S|\w{2,3})$"
    assert param(terms, "category")["schema"]["pattern"] == "^[-a-zA-Z0-9_]+$"
    autocomplete = schema["paths"]["/api/terms/autocomplete/"]["get"]
    assert param(autocomplete, "q")["required"] is True
    assert "maxLength" not in param(terms, "search")["schema"]  # long text is cut, not refused


def test_request_bodies_carry_lengths_patterns_and_required_fields(schema):
    components = schema["components"]["schemas"]
    term = components["TermDetailRequest"]
    # A term is named by `name` or by a preferred label in `labels`: neither alone is required.
    assert "required" not in term
    assert term["properties"]["name"]["maxLength"] == 200
    assert components["LabelRequest"]["required"] == ["text"]
    assert term["properties"]["short_definition"]["maxLength"] == 300
    assert term["properties"]["slug"]["pattern"] == "^[-a-zA-Z0-9_]+$"
    assert "body_html" not in term["properties"]
    relation = components["RelationRequest"]
    assert set(relation["required"]) == {"source", "type", "target"}
    assert relation["properties"]["note"]["maxLength"] == 500
    assert components["CategoryRequest"]["properties"]["color"]["pattern"] == "^#[0-9a-fA-F]{6}$"
    assert components["ReferenceRequest"]["properties"]["url"]["format"] == "uri"


def test_docs_page_uses_only_local_assets(anon):
    html = anon.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_the_term_list_documents_whether_a_search_kept_all_that_matched(schema):
    response = schema["paths"]["/api/terms/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page = schema["components"]["schemas"][response["$ref"].rsplit("/", 1)[1]]
    assert "more" in page["required"] and page["properties"]["more"]["type"] == "boolean"
    relations = schema["paths"]["/api/relations/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "more" not in schema["components"]["schemas"][relations["$ref"].rsplit("/", 1)[1]]["properties"]
