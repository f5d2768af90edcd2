"""GET /api/export/ and the admin pages: export selected terms, import with preview and confirm."""

import json
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from glossary.exchange import jobs
from glossary.models import ImportJob, ImportJobStatus, Term
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


def upload(doc, name="glossary.json"):
    return SimpleUploadedFile(name, json.dumps(doc).encode(), content_type="application/json")


def run_tasks():
    """What `make run`'s task worker does: run every queued background task, then stop."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


@pytest.fixture
def curator(client, transactional_db, staff_user):
    """A signed-in staff client; transactional: the worker sees the jobs the requests committed."""
    client.force_login(staff_user)
    return client


def test_admin_import_previews_then_imports_on_confirm_in_the_background(curator):
    assert "Import glossary" in curator.get("/admin/glossary/term/").content.decode()
    before = row_counts()
    uploaded = curator.post("/admin/glossary/term/import/", {"file": upload(small_document())})
    job = ImportJob.objects.get()
    assert uploaded.status_code == 302 and uploaded["Location"] == f"/admin/glossary/term/import/{job.pk}/"
    waiting = curator.get(uploaded["Location"]).content.decode()
    assert "Waiting for the background worker" in waiting and 'http-equiv="refresh"' in waiting
    run_tasks()
    preview = curator.get(uploaded["Location"]).content.decode()
    assert "Preview of glossary.json" in preview and "Confirm and import" in preview
    assert 'http-equiv="refresh"' not in preview
    assert row_counts() == before
    confirmed = curator.post(f"/admin/glossary/term/import/{job.pk}/confirm/")
    assert confirmed.status_code == 302
    assert not Term.objects.filter(slug="large-language-model").exists()  # queued, not run in the request
    run_tasks()
    done = curator.get(uploaded["Location"]).content.decode()
    assert "Imported glossary.json" in done
    assert Term.objects.filter(slug="large-language-model").exists()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and bytes(job.content) == b""


def test_admin_import_shows_every_problem_under_the_uploaded_name_and_offers_no_confirm(curator):
    doc = small_document()
    doc["relations"][0]["target"] = "no-such-term"
    curator.post("/admin/glossary/term/import/", {"file": upload(doc, name="my terms.json")})
    run_tasks()
    html = curator.get(f"/admin/glossary/term/import/{ImportJob.objects.get().pk}/").content.decode()
    assert "problem in my terms.json" in html
    assert "relations[0].target: no term &#x27;no-such-term&#x27;" in html
    assert "glossary-import-" not in html and "/tmp" not in html  # no temporary file name
    assert "Confirm and import" not in html
    assert curator.post(f"/admin/glossary/term/import/{ImportJob.objects.get().pk}/confirm/").status_code == 404
    assert Term.objects.count() == 0


def test_an_unreadable_upload_is_reported_under_its_own_name(curator):
    curator.post("/admin/glossary/term/import/", {"file": SimpleUploadedFile("broken.json", b"{not json")})
    run_tasks()
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.INVALID
    assert job.errors and all("broken.json" in error for error in job.errors), job.errors


def test_the_upload_waits_in_the_database_and_leaves_no_file_behind(curator, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    content = json.dumps(small_document()).encode()
    curator.post("/admin/glossary/term/import/", {"file": upload(small_document())})
    job = ImportJob.objects.get()
    assert bytes(job.content) == content and job.file_name == "glossary.json"
    run_tasks()
    assert ImportJob.objects.get().status == ImportJobStatus.READY
    assert list(tmp_path.iterdir()) == []


def test_progress_of_a_running_import_is_shown(curator, monkeypatch):
    curator.post("/admin/glossary/term/import/", {"file": upload(small_document())})
    job = ImportJob.objects.get()
    progress = jobs.JobProgress(job.pk)
    items = list(progress(["a", "b", "c"], desc="checking terms", unit="term"))
    assert items == ["a", "b", "c"]
    monkeypatch.setattr(jobs, "task_state", lambda job: "RUNNING")
    html = curator.get(f"/admin/glossary/term/import/{job.pk}/").content.decode()
    assert "Checking terms: 3 of 3 terms (100 %)" in html
    assert '<progress max="3" value="3">' in html


def test_a_task_that_crashed_is_reported_and_stops_refreshing(curator, monkeypatch):
    curator.post("/admin/glossary/term/import/", {"file": upload(small_document())})
    monkeypatch.setattr(jobs, "read_file", lambda path: 1 / 0)
    run_tasks()
    html = curator.get(f"/admin/glossary/term/import/{ImportJob.objects.get().pk}/").content.decode()
    assert "stopped on an unexpected error" in html and 'http-equiv="refresh"' not in html


def test_uploads_expire_after_a_day_unless_a_task_is_running(curator, settings):
    for _ in range(2):
        curator.post("/admin/glossary/term/import/", {"file": upload(small_document())})
    old, running = ImportJob.objects.order_by("pk")
    ImportJob.objects.filter(pk=old.pk).update(status=ImportJobStatus.READY)
    ImportJob.objects.update(created_at=timezone.now() - timedelta(hours=settings.IMPORT_JOB_HOURS + 1))
    curator.get("/admin/glossary/term/import/")  # expired uploads go when the page is opened
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [running.pk]
    call_command("expire_import_jobs", verbosity=0)
    assert ImportJob.objects.count() == 1


def test_a_too_large_upload_is_refused(curator, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 0
    response = curator.post("/admin/glossary/term/import/", {"file": upload(small_document())})
    assert response.status_code == 200 and "larger than 0 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_admin_import_page_is_for_staff_with_change_rights(client, editor, reader):
    client.force_login(reader)
    assert client.get("/admin/glossary/term/import/").status_code == 302  # to the admin login
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    assert client.get("/admin/glossary/term/import/").status_code == 200


def test_a_preview_folds_warnings_that_say_the_same_of_other_concepts_under_the_first(client, staff_user, db):
    from glossary.exchange.admin_views import alike

    two_collections = [f"<http://example.org/thes/c{n:05d}>: is a member of the collections “Environment” and "
                       f"“Geography {n % 3}”; a term has one category, kept in “Environment”" for n in range(400)]
    other = "<http://example.org/thes/c99999>: dct:isReplacedBy <http://x.org/a> is neither in the file nor in the glossary"
    warnings = [two_collections[0], other, *two_collections[1:]]
    assert alike(warnings) == [two_collections, [other]]
    job = ImportJob.objects.create(file_name="thesaurus.ttl", status=ImportJobStatus.READY,
                                   report={"rows": [["terms", 400, 0, 0, 0]], "warnings": warnings})
    client.force_login(staff_user)
    html = client.get(f"/admin/glossary/term/import/{job.pk}/").content.decode()
    assert "401 warnings" in html and "and 399 more like it</summary>" in html
    # The first of the kind, the others folded under it, then the next kind.
    assert html.count("<details") == 1 and html.index("c00000") < html.index("c00399") < html.index("c99999")
    assert "Confirm and import" in html


def test_export_api_serves_the_csv_files_as_one_zip_without_drafts_for_readers(client, make_term):
    import io
    import zipfile

    make_term("Published term", slug="published-term")
    make_term("Secret draft", slug="secret-draft", status="draft")
    response = client.get("/api/export/?format=csv")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('.zip"')
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "terms.csv" in archive.namelist() and "relations.csv" in archive.namelist()
        terms = archive.read("terms.csv").decode("utf-8-sig")
    assert "published-term" in terms and "secret-draft" not in terms
