"""/api/releases/: listing, publishing (staff only), reading, diffing and downloading releases."""

import io
import json
import tempfile
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from django.contrib.auth.models import Permission, User
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from glossary import services
from glossary.exchange.csvfmt import read_csv_folder
from glossary.exchange.importer import import_document
from glossary.exchange.jsonfmt import read_json
from glossary.models import Relation, Release, Term
from tests.api.conftest import token_client
from tests.curation.release_fixtures import small_glossary  # noqa: F401
from tests.exchange.conftest import empty_glossary

pytestmark = pytest.mark.django_db

DRAFT_MARKS = (b"secret-draft", b"Secret draft", b"Not ready for readers")


@pytest.fixture
def anon():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def v1(small_glossary):
    return services.release_create(name="v1", user=None, note="The first one.")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# Publishing ---------------------------------------------------------------------------------


def test_staff_publish_a_release_and_get_it_back(small_glossary, staff_user):
    response = token_client(staff_user).post("/api/releases/", {"name": "2026-12", "note": "December"}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["name"], data["note"], data["created_by"]) == ("2026-12", "December", "admin")
    assert (data["term_count"], data["relation_count"]) == (5, 3)
    assert response["Location"] == data["url"] == "http://testserver/api/releases/2026-12/"
    assert set(data["downloads"]) == {"json", "csv", "graphml", "skos-turtle", "skos-xml", "skos-json-ld"}
    assert Release.objects.get().created_by == staff_user


def test_anonymous_publishing_is_401(anon, small_glossary):
    response = anon.post("/api/releases/", {"name": "v1"}, format="json")
    assert response.status_code == 401 and "detail" in response.json()
    assert not Release.objects.exists()


@pytest.fixture
def staff_without_permission(db):
    return User.objects.create_user("clerk", "clerk@example.com", "clerk-pass-123", is_staff=True)


@pytest.mark.parametrize("who", ["reader", "editor", "staff_without_permission"])
def test_publishing_needs_a_staff_user_with_the_permission_to_add_releases(who, request, small_glossary):
    user = request.getfixturevalue(who)
    response = token_client(user).post("/api/releases/", {"name": "v1"}, format="json")
    assert response.status_code == 403 and "detail" in response.json()
    assert not Release.objects.exists()


def test_staff_with_the_add_release_permission_may_publish(staff_without_permission, small_glossary):
    staff_without_permission.user_permissions.add(Permission.objects.get(codename="add_release"))
    user = User.objects.get(pk=staff_without_permission.pk)
    assert token_client(user).post("/api/releases/", {"name": "v1"}, format="json").status_code == 201


@pytest.mark.parametrize("payload, field", [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "no spaces"}, "name"),
    ({"name": "x" * 65}, "name"),
    ({"name": "current"}, "name"),
    ({"name": "v1"}, "name"),  # taken
    ({"name": "V1"}, "name"),  # taken, ignoring case
    ({"name": "v2", "note": "x" * 2001}, "note"),
    ({"name": "v2", "note": "nul \x00 byte"}, "note"),
    ({"name": 12}, "name"),  # a number is not a name, even if it reads as one
    ({"name": "v2", "note": 0}, "note"),
])
def test_a_bad_or_taken_name_is_a_400_naming_the_field(payload, field, v1, staff_user):
    response = token_client(staff_user).post("/api/releases/", payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Release.objects.count() == 1


# Reading ------------------------------------------------------------------------------------


def test_anyone_lists_releases_newest_first_in_a_constant_number_of_queries(
        anon, small_glossary, django_assert_max_num_queries):
    for i in range(3):
        services.release_create(name=f"v{i}", user=None)
    with django_assert_max_num_queries(3) as few:
        response = anon.get("/api/releases/")
    assert [r["name"] for r in response.json()["results"]] == ["v2", "v1", "v0"]
    for i in range(3, 8):
        services.release_create(name=f"v{i}", user=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert anon.get("/api/releases/").json()["count"] == 8


def test_a_release_is_read_by_its_name_in_any_case(anon, v1):
    assert anon.get("/api/releases/V1/").json()["note"] == "The first one."
    response = anon.get("/api/releases/v2/")
    assert response.status_code == 404 and "detail" in response.json()


def test_the_diff_api_names_what_changed_since_a_release(anon, v1, small_glossary, make_term):
    make_term("Agent")
    services.term_update(term=small_glossary["rag"], short_definition="Something else.")
    data = anon.get("/api/releases/v1/diff/current/").json()
    assert data["from"]["name"] == "v1" and data["from"]["url"] == "http://testserver/api/releases/v1/"
    assert data["to"] == {"name": "current", "created_at": None, "url": None}
    assert data["terms"]["added"] == [{"slug": "agent", "name": "Agent"}]
    assert data["terms"]["changed"] == [{"slug": "retrieval-augmented-generation",
                                         "name": "Retrieval-augmented generation", "fields": ["short_definition"]}]
    assert data["summary"]["terms"] == {"added": 1, "removed": 0, "changed": 1}
    assert data["truncated"] is False


def test_the_diff_api_cuts_each_list_at_the_limit_and_says_so(anon, v1, make_term):
    for i in range(3):
        make_term(f"Later {i}")
    data = anon.get("/api/releases/v1/diff/current/", {"limit": 2}).json()
    assert len(data["terms"]["added"]) == 2 and data["summary"]["terms"]["added"] == 3
    assert data["truncated"] is True and data["limit"] == 2
    for bad in ("0", "x", "1000001"):
        response = anon.get("/api/releases/v1/diff/current/", {"limit": bad})
        assert response.status_code == 400 and list(response.json()) == ["limit"]


def test_the_diff_api_of_an_unknown_release_is_a_404(anon, v1):
    for url in ("/api/releases/v9/diff/current/", "/api/releases/v1/diff/v9/", "/api/releases/v1/diff/no%20such/"):
        response = anon.get(url)
        assert response.status_code == 404 and "detail" in response.json(), url


def test_the_diff_api_takes_a_constant_number_of_queries(anon, v1, make_term, django_assert_max_num_queries):
    make_term("One more")
    services.release_create(name="v2", user=None)
    with django_assert_max_num_queries(6) as few:
        anon.get("/api/releases/v1/diff/v2/")
    for i in range(20):
        make_term(f"Later {i}")
    services.release_create(name="v3", user=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert anon.get("/api/releases/v1/diff/v3/").json()["summary"]["terms"]["added"] == 21


# Downloads ----------------------------------------------------------------------------------


def download(client, name, fmt, skos_format=None):
    params = {"format": fmt, **({"skos_format": skos_format} if skos_format else {})}
    response = client.get(f"/api/releases/{name}/export/", params)
    assert response.status_code == 200, response.content
    return response, body(response)


def test_no_draft_is_in_any_download_of_a_release(anon, v1, staff_user):
    signed_in = token_client(staff_user)  # staff see drafts elsewhere; a release never holds them
    for fmt, skos_format in (("json", None), ("csv", None), ("graphml", None), ("skos", "turtle"),
                             ("skos", "xml"), ("skos", "json-ld")):
        _, data = download(signed_in, "v1", fmt, skos_format)
        if fmt == "csv":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        assert not any(mark in data for mark in DRAFT_MARKS), (fmt, skos_format)


def test_a_json_download_imports_into_an_empty_glossary_and_exports_the_same_bytes(anon, v1, small_glossary):
    response, data = download(anon, "v1", "json")
    assert response["Content-Disposition"] == 'attachment; filename="glossary-v1.json"'
    services.term_update(term=small_glossary["rag"], short_definition="Changed after the release.")
    empty_glossary()
    import_document(read_json(data, name="glossary-v1.json"))
    assert Term.objects.count() == 5 and Relation.objects.count() == 3
    exported = anon.get("/api/export/", {"format": "json"})
    assert body(exported) == data


@pytest.mark.parametrize("skos_format, media_type, rdflib_format", [
    ("turtle", "text/turtle", "turtle"), ("xml", "application/rdf+xml", "xml"),
    ("json-ld", "application/ld+json", "json-ld"),
])
def test_skos_downloads_parse_with_rdflib(skos_format, media_type, rdflib_format, anon, v1):
    response, data = download(anon, "v1", "skos", skos_format)
    assert response["Content-Type"].startswith(media_type)
    graph = Graph().parse(data=data, format=rdflib_format)
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == 5
    assert URIRef("http://testserver/terms/secret-draft") not in concepts


def test_graphml_download_reads_back_with_networkx(anon, v1):
    response, data = download(anon, "v1", "graphml")
    assert response["Content-Type"].startswith("application/graphml+xml")
    graph = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    assert graph.number_of_nodes() == 5 and graph.number_of_edges() == 3


def test_csv_download_is_a_zip_of_the_csv_files_that_read_back(anon, v1):
    response, data = download(anon, "v1", "csv")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="glossary-v1.zip"'
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "terms.csv" in archive.namelist() and "relations.csv" in archive.namelist()
        archive.extractall(folder)
        document = read_csv_folder(Path(folder))
    assert len(document.terms) == 5 and len(document.relations) == 3


def test_a_download_is_the_release_not_the_glossary_now(anon, v1, small_glossary):
    services.term_update(term=small_glossary["rag"], short_definition="Changed after the release.")
    _, data = download(anon, "v1", "json")
    rag = next(t for t in json.loads(data)["terms"] if t["slug"] == "retrieval-augmented-generation")
    assert rag["short_definition"] == "Retrieval of documents to ground a generated answer."


def test_a_download_in_an_unknown_format_is_a_400_and_of_an_unknown_release_a_404(anon, v1):
    response = anon.get("/api/releases/v1/export/", {"format": "pdf"})
    assert response.status_code == 400 and list(response.json()) == ["format"]
    assert anon.get("/api/releases/v9/export/").status_code == 404


# Schema -------------------------------------------------------------------------------------


def test_the_schema_documents_the_release_endpoints_and_their_errors(anon):
    schema = anon.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    listing = paths["/api/releases/"]
    assert {"400", "401", "403"} <= set(listing["post"]["responses"])
    request_schema = listing["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    name = schema["components"]["schemas"][request_schema]["properties"]["name"]
    assert (name["maxLength"], name["pattern"]) == (64, "^[A-Za-z0-9][A-Za-z0-9._-]*$")
    diff = paths["/api/releases/{name}/diff/{other}/"]["get"]
    assert {"200", "400", "401", "404"} <= set(diff["responses"])
    assert {p["name"] for p in diff["parameters"]} >= {"name", "other", "limit"}
    assert {"200", "400", "401", "404"} <= set(paths["/api/releases/{name}/export/"]["get"]["responses"])
    assert {"200", "401", "404"} <= set(paths["/api/releases/{name}/"]["get"]["responses"])
