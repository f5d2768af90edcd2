"""GET /api/export/ and the admin pages: export selected terms, import with preview and confirm."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from glossary.models import Term
from tests.exchange.conftest import row_counts, small_document


def body(response):
    return b"".join(response.streaming_content)


def test_export_api_streams_json_with_a_filename_and_hides_drafts_from_the_public(client, make_term):
    make_term("Published term", slug="published-term")
    make_term("Secret draft", slug="secret-draft", status="draft")
    response = client.get("/api/export/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="glossary-')
    assert response["Content-Disposition"].endswith('.json"')
    slugs = [t["slug"] for t in json.loads(body(response))["terms"]]
    assert slugs == ["published-term"]


def test_export_api_gives_staff_the_drafts_too(client, staff_user, make_term):
    make_term("Secret draft", slug="secret-draft", status="draft")
    client.force_login(staff_user)
    data = json.loads(body(client.get("/api/export/?format=json")))
    assert [t["slug"] for t in data["terms"]] == ["secret-draft"]


def test_export_api_serves_skos_in_each_rdf_syntax(client, seed):
    for skos_format, media_type, rdflib_format in (
        ("turtle", "text/turtle", "turtle"), ("xml", "application/rdf+xml", "xml"),
        ("json-ld", "application/ld+json", "json-ld"),
    ):
        response = client.get("/api/export/", {"format": "skos", "skos_format": skos_format})
        assert response["Content-Type"].startswith(media_type)
        g = Graph().parse(data=body(response), format=rdflib_format)
        assert len(set(g.subjects(RDF.type, SKOS.Concept))) == Term.objects.public().count()


def test_export_api_serves_graphml(client, seed):
    response = client.get("/api/export/?format=graphml")
    assert response["Content-Type"].startswith("application/graphml+xml")
    assert response["Content-Disposition"].endswith('.graphml"')
    assert b"<graphml" in body(response)


def test_export_api_refuses_an_unknown_format_naming_the_parameter(client, db):
    response = client.get("/api/export/?format=pdf")
    assert response.status_code == 400
    assert "format" in response.json()
    blank = client.get("/api/export/?skos_format=")
    assert blank.status_code == 400 and list(blank.json()) == ["skos_format"]


def test_export_api_reads_the_glossary_with_a_constant_number_of_queries(client, seed, django_assert_max_num_queries):
    # terms, labels, notes, mappings, relations, categories, types, reference links, references …
    with django_assert_max_num_queries(12):
        body(client.get("/api/export/?format=json"))


def test_admin_action_exports_only_the_selected_terms(client, staff_user, make_term, is_a, relate):
    a, b = make_term("Alpha", slug="alpha"), make_term("Beta", slug="beta")
    relate(a, is_a, b)
    make_term("Gamma", slug="gamma")
    client.force_login(staff_user)
    response = client.post("/admin/glossary/term/", {
        "action": "export_selected_terms", "_selected_action": [a.pk, b.pk]})
    assert response["Content-Disposition"].startswith('attachment; filename="glossary-terms-')
    data = json.loads(response.content)
    assert [t["slug"] for t in data["terms"]] == ["alpha", "beta"]
    assert [(r["source"], r["target"]) for r in data["relations"]] == [("alpha", "beta")]
    assert [t["slug"] for t in data["relation_types"]] == ["is-a"]


def upload(doc):
    return SimpleUploadedFile("glossary.json", json.dumps(doc).encode(), content_type="application/json")


def test_admin_import_previews_then_imports_on_confirm(client, staff_user):
    client.force_login(staff_user)
    assert "Import glossary" in client.get("/admin/glossary/term/").content.decode()
    before = row_counts()
    preview = client.post("/admin/glossary/term/import/", {"file": upload(small_document())})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Preview of glossary.json" in html and "Confirm and import" in html
    assert row_counts() == before
    done = client.post("/admin/glossary/term/import/", {"confirm": "1"})
    assert done.status_code == 302
    assert Term.objects.filter(slug="large-language-model").exists()


def test_admin_import_shows_every_problem_and_offers_no_confirm(client, staff_user):
    client.force_login(staff_user)
    doc = small_document()
    doc["relations"][0]["target"] = "no-such-term"
    html = client.post("/admin/glossary/term/import/", {"file": upload(doc)}).content.decode()
    assert "relations[0].target: no term &#x27;no-such-term&#x27;" in html
    assert "Confirm and import" not in html
    assert Term.objects.count() == 0


def test_admin_import_page_is_for_staff_with_change_rights(client, editor, reader):
    client.force_login(reader)
    assert client.get("/admin/glossary/term/import/").status_code == 302  # to the admin login
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    assert client.get("/admin/glossary/term/import/").status_code == 200
