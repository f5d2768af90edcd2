"""Every write path records the history: services, admin, API and import, each as one change set."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from glossary import services
from glossary.models import ChangeSet, ChangeSetKind, Label, Reference, Relation, RelationType, Term
from glossary.versions import term_versions


def test_a_service_edit_records_a_version_with_its_fields_and_labels(make_term):
    term = make_term("Tokenizer", short_definition="Splits text.")
    services.term_update(term=term, short_definition="Splits text into tokens.")

    versions = term_versions(term)
    assert len(versions) == 2
    assert versions[0].state.fields["short_definition"] == "Splits text."
    assert ("Tokenizer", "en", "preferred", "") in versions[0].state.labels
    assert versions[1].state.fields["short_definition"] == "Splits text into tokens."
    assert versions[1].changed == ["term changed"]


def test_one_service_call_is_one_change_set_and_one_version(make_term):
    term = make_term("Embedding", labels=[
        {"text": "Embedding", "language": "en", "kind": "preferred"},
        {"text": "Upotus", "language": "fi", "kind": "preferred"},
    ])
    versions = term_versions(term)
    assert len(versions) == 1
    assert set(versions[0].changed) == {"term added", "label added"}
    assert Term.history.get(id=term.pk).change_set_id == Label.history.filter(term_id=term.pk).first().change_set_id


def test_a_relation_is_in_the_history_of_both_its_ends(make_term, is_a):
    a, b = make_term("Alpaca"), make_term("Camelid")
    services.relation_create(source=a, type=is_a, target=b)

    for term in (a, b):
        last = term_versions(term)[-1]
        assert last.changed == ["relation added"]
        assert {(s, t, o) for s, t, o, _note in last.state.relations} == {(a.pk, is_a.pk, b.pk)}


def test_a_deleted_relation_leaves_a_removed_version(make_term, is_a):
    a, b = make_term("Alpaca"), make_term("Camelid")
    relation = services.relation_create(source=a, type=is_a, target=b)
    services.relation_delete(relation=relation)
    last = term_versions(b)[-1]
    assert last.changed == ["relation removed"]
    assert last.state.relations == frozenset()


def test_relation_types_categories_and_references_have_history(make_term):
    rtype = services.relation_type_create(label="inspired by", inverse_label="inspired")
    services.relation_type_update(relation_type=rtype, description="Loosely.")
    category = services.category_create(name="Methods")
    term = make_term("Attention")
    reference = services.reference_create(title="Paper", url="https://example.org/p", terms=[term])

    assert [h.history_type for h in RelationType.history.filter(id=rtype.pk).order_by("history_date")] == ["+", "~"]
    assert category.history.count() == 1
    historical = Reference.history.filter(id=reference.pk).order_by("-history_date", "-history_id").first()
    assert [row.term_id for row in historical.terms.all()] == [term.pk]


def test_an_admin_edit_records_the_user_and_one_change_set(client, staff_user, make_term):
    term = make_term("Perplexity")
    client.force_login(staff_user)
    data = {"name": "Perplexity", "slug": term.slug, "uri": "", "notation": "", "status": "published",
            "short_definition": "How surprised a model is.", "body": "", "category": "", "replaced_by": ""}
    for prefix in ("labels", "notes", "mappings", "relations_out", "relations_in"):
        data |= {f"{prefix}-TOTAL_FORMS": "1" if prefix == "notes" else "0", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {"notes-0-kind": "example", "notes-0-language": "en", "notes-0-text": "A perplexity of 10."}
    response = client.post(reverse("admin:glossary_term_change", args=[term.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    last = term_versions(term)[-1]
    assert last.user == staff_user
    assert last.state.fields["short_definition"] == "How surprised a model is."
    assert ("example", "en", "A perplexity of 10.") in last.state.notes
    assert last.change_set.user == staff_user and last.change_set.kind == ChangeSetKind.EDIT


def test_an_api_edit_records_the_token_user(editor_api, editor, make_term):
    term = make_term("Beam search")
    response = editor_api.patch(f"/api/terms/{term.slug}/", {"short_definition": "Keeps the best k."}, format="json")
    assert response.status_code == 200, response.content

    last = term_versions(term)[-1]
    assert last.user == editor
    assert last.state.fields["short_definition"] == "Keeps the best k."


def test_an_api_relation_is_recorded_with_its_user(editor_api, editor, make_term, is_a):
    a, b = make_term("GPT-4"), make_term("Language model")
    response = editor_api.post("/api/relations/", {"source": a.slug, "type": "is-a", "target": b.slug}, format="json")
    assert response.status_code == 201, response.content
    assert Relation.history.get(source_id=a.pk).history_user == editor


def test_a_change_reason_set_on_the_term_is_recorded(make_term):
    term = make_term("Draft idea", status="draft")
    term._change_reason = "Looks good to me"
    services.term_update(term=term, status="published")
    assert term_versions(term)[-1].reason == "Looks good to me"


def _import_file(tmp_path, terms, relations=()):
    document = {
        "format": "glossary-graph", "version": 2,
        "categories": [],
        "relation_types": [{"slug": "is-a", "label": "is a", "inverse_label": "has subtype", "acyclic": True,
                            "transitive": True, "skos_mapping": "broader", "symmetric": False}],
        "terms": [{"slug": slug, "short_definition": definition, "body": "", "status": "published",
                   "labels": [{"text": slug.title(), "language": "en", "kind": "preferred", "subkind": ""}]}
                  for slug, definition in terms],
        "relations": [{"source": s, "type": "is-a", "target": t, "note": ""} for s, t in relations],
        "references": [],
    }
    path = tmp_path / "team-glossary.json"
    path.write_text(json.dumps(document))
    return path


def test_an_import_is_one_change_set_naming_its_file_and_counts(db, tmp_path):
    path = _import_file(tmp_path, [("cat", "A small feline."), ("feline", "A cat-like animal.")], [("cat", "feline")])
    call_command("import_glossary", str(path), quiet=True, stdout=open("/dev/null", "w"))

    change_set = ChangeSet.objects.get()
    assert change_set.kind == ChangeSetKind.IMPORT
    assert change_set.file_name == "team-glossary.json"
    assert change_set.counts["terms"] == {"created": 2}
    assert change_set.counts["relations"] == {"created": 1}
    for slug in ("cat", "feline"):
        versions = term_versions(Term.objects.get(slug=slug))
        assert [v.change_set for v in versions] == [change_set]
        assert {"term added", "label added", "relation added"} <= set(versions[0].changed)
    cat = term_versions(Term.objects.get(slug="cat"))[0].state
    assert cat.fields["short_definition"] == "A small feline."
    assert cat.labels == {("Cat", "en", "preferred", "")}


def test_a_re_import_records_only_what_changed(db, tmp_path):
    path = _import_file(tmp_path, [("cat", "A small feline."), ("dog", "A canine.")])
    call_command("import_glossary", str(path), quiet=True, stdout=open("/dev/null", "w"))
    call_command("import_glossary", str(path), quiet=True, stdout=open("/dev/null", "w"))
    assert ChangeSet.objects.count() == 1  # nothing changed: no change set

    path = _import_file(tmp_path, [("cat", "A small domestic feline."), ("dog", "A canine.")])
    call_command("import_glossary", str(path), quiet=True, stdout=open("/dev/null", "w"))
    second = ChangeSet.objects.order_by("pk").last()
    assert second.counts == {"terms": {"updated": 1}}
    cat, dog = Term.objects.get(slug="cat"), Term.objects.get(slug="dog")
    assert [v.change_set for v in term_versions(cat)][-1] == second
    assert len(term_versions(dog)) == 1
    assert term_versions(cat)[-1].state.fields["short_definition"] == "A small domestic feline."


def test_a_refused_import_leaves_no_change_set(db, tmp_path):
    path = _import_file(tmp_path, [("a", ""), ("b", "")], [("a", "b"), ("b", "a")])
    with pytest.raises(Exception):
        call_command("import_glossary", str(path), quiet=True, stdout=open("/dev/null", "w"))
    assert not ChangeSet.objects.exists()
    assert not Term.history.exists()


def test_history_rows_do_not_grow_the_change_log(make_term):
    from glossary.models import Change

    before = Change.objects.count()
    make_term("Quantization")
    kinds = list(Change.objects.order_by("seq").values_list("kind", flat=True)[before:])
    assert kinds and set(kinds) <= {"term"}


def test_the_admin_shows_a_terms_history_with_its_change_sets(staff_client, llm):
    page = staff_client.get(reverse("admin:glossary_term_history", args=[llm.pk])).content.decode()
    assert "Large language model" in page and "Change set" in page
    assert staff_client.get(reverse("admin:glossary_changeset_changelist")).status_code == 200


def test_the_admin_cannot_revert_past_the_services(staff_client, llm):
    historical = Term.history.filter(id=llm.pk).earliest("history_date")
    url = reverse("admin:glossary_term_simple_history", args=[llm.pk, historical.history_id])
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, {"name": "Hacked", "slug": llm.slug}).status_code == 405
    llm.refresh_from_db()
    assert llm.name == "Large language model"


def test_an_admin_import_is_a_change_set_of_its_uploader_and_file(client, transactional_db, staff_user, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from glossary.models import ImportJob
    from tests.exchange.test_web import run_tasks

    client.force_login(staff_user)
    path = _import_file(tmp_path, [("cat", "A feline.")])
    client.post("/admin/glossary/term/import/", {"file": SimpleUploadedFile("cats.json", path.read_bytes())})
    run_tasks()
    client.post(f"/admin/glossary/term/import/{ImportJob.objects.get().pk}/confirm/")
    run_tasks()

    change_set = ChangeSet.objects.get()
    assert (change_set.kind, change_set.file_name, change_set.user) == (ChangeSetKind.IMPORT, "cats.json", staff_user)
    assert term_versions(Term.objects.get(slug="cat"))[0].user == staff_user


def test_an_import_publishes_the_public_terms_it_writes_and_only_them(db, tmp_path):
    path = _import_file(tmp_path, [("cat", "A small feline."), ("dog", "A canine.")])
    document = json.loads(path.read_text())
    document["terms"][1]["status"] = "draft"
    path.write_text(json.dumps(document))
    call_command("import_glossary", str(path), quiet=True, stdout=open("/dev/null", "w"))
    cat, dog = Term.objects.get(slug="cat"), Term.objects.get(slug="dog")
    assert cat.published_at == cat.updated_at and dog.published_at is None

    document["terms"][1]["status"] = "published"  # the draft published by a later import
    path.write_text(json.dumps(document))
    call_command("import_glossary", str(path), quiet=True, stdout=open("/dev/null", "w"))
    dog.refresh_from_db()
    assert dog.published_at == dog.updated_at
    assert Term.objects.get(slug="cat").published_at == cat.published_at  # its first publication stays


def test_historical_tables_index_only_what_history_is_read_by(db):
    """An import writes over a million historical rows: each index on them is paid on every one.

    History is read per row and per term (its id, the term of a label, the ends of a relation),
    never across rows by date or by author, so neither has an index.
    """
    from glossary.history import recorded_models

    for _model, history in recorded_models():
        assert not _indexed_columns(history) & {"history_date", "history_user_id"}, history._meta.db_table
    assert "term_id" in _indexed_columns(Label.history.model)
    assert {"source_id", "target_id"} <= _indexed_columns(Relation.history.model)


def _indexed_columns(model) -> set:
    """The columns of ``model``'s table that are in a secondary index."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table).values()
    return {column for index in constraints if index["index"] and not index["primary_key"]
            for column in index["columns"]}


def _recorded(term):
    """How much history and change log there is about ``term``."""
    from glossary.models import Change, Mapping, Note

    return (len(term_versions(term)), Term.history.filter(id=term.pk).count(),
            Label.history.filter(term_id=term.pk).count(), Note.history.filter(term_id=term.pk).count(),
            Mapping.history.filter(term_id=term.pk).count(), Change.objects.count(), ChangeSet.objects.count())


def test_a_save_that_changes_nothing_records_nothing(make_term):
    term = make_term("Tokenizer", short_definition="Splits text into tokens.")
    services.term_update(term=term, notes=[{"kind": "scope_note", "language": "en", "text": "Text models only."}],
                         mappings=[{"kind": "exact", "uri": "http://www.wikidata.org/entity/Q1", "label": ""}])
    term.refresh_from_db()
    before, saved_at = _recorded(term), term.updated_at

    same = Term.objects.get(pk=term.pk)
    services.term_update(
        term=same, name="Tokenizer", short_definition="Splits text into tokens.",
        labels=[{"text": label.text, "language": label.language, "kind": label.kind, "subkind": label.subkind}
                for label in term.labels.all()],
        notes=[{"kind": "scope_note", "language": "en", "text": "Text models only."}],
        mappings=[{"kind": "exact", "uri": "http://www.wikidata.org/entity/Q1", "label": ""}],
    )
    assert _recorded(term) == before
    assert same.updated_at == saved_at
    term.refresh_from_db()
    assert term.updated_at == saved_at


def test_a_real_change_beside_unchanged_notes_leaves_the_notes_history_alone(make_term):
    from glossary.models import Note

    term = make_term("Tokenizer")
    notes = [{"kind": "scope_note", "language": "en", "text": "Text models only."}]
    services.term_update(term=term, notes=notes)
    note_versions = Note.history.filter(term_id=term.pk).count()

    services.term_update(term=term, short_definition="Splits text into tokens.", notes=notes)
    assert Note.history.filter(term_id=term.pk).count() == note_versions
    assert term_versions(term)[-1].changed == ["term changed"]

    services.term_update(term=term, notes=[{"kind": "scope_note", "language": "en", "text": "Any model."}])
    assert term_versions(term)[-1].changed != ["term changed"]
    assert list(term.notes.values_list("text", flat=True)) == ["Any model."]


def test_saving_the_admin_form_unchanged_adds_no_version(staff_client, llm):
    from tests.test_admin import term_form

    before = _recorded(llm)
    data = term_form(llm.name, llm.slug, short_definition=llm.short_definition, body=llm.body)
    labels = list(llm.labels.all())
    data.update({"labels-TOTAL_FORMS": str(len(labels)), "labels-INITIAL_FORMS": str(len(labels))})
    for i, label in enumerate(labels):
        data.update({f"labels-{i}-id": label.pk, f"labels-{i}-term": llm.pk, f"labels-{i}-text": label.text,
                     f"labels-{i}-language": label.language, f"labels-{i}-kind": label.kind,
                     f"labels-{i}-subkind": label.subkind})
    response = staff_client.post(reverse("admin:glossary_term_change", args=[llm.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _recorded(llm) == before

    data["short_definition"] = "A very large model of human text."
    assert staff_client.post(reverse("admin:glossary_term_change", args=[llm.pk]), data).status_code == 302
    assert len(term_versions(llm)) == before[0] + 1


def test_an_api_patch_of_the_stored_values_adds_no_version(staff_api, llm):
    before = _recorded(llm)
    response = staff_api.patch(f"/api/terms/{llm.slug}/", {"short_definition": llm.short_definition},
                               format="json")
    assert response.status_code == 200
    assert _recorded(llm) == before


@pytest.mark.parametrize("change", ["label", "note", "mapping"])
def test_a_change_to_a_terms_own_rows_alone_shows_the_term_modified(make_term, change):
    """Through the admin's inlines, the API or the shell alike: the term's time moves, its fields stay."""
    from datetime import timedelta

    term = make_term("Tokenizer", short_definition="Splits text into tokens.")
    Term.objects.filter(pk=term.pk).update(updated_at=term.updated_at - timedelta(days=3))
    term.refresh_from_db()
    earlier = term.updated_at
    if change == "label":
        services.label_create(term=term, text="Tokeniser", language="en", kind="alternative")
    elif change == "note":
        services.note_create(term=term, kind="scope_note", language="en", text="Text models only.")
    else:
        services.mapping_create(term=term, uri="http://www.wikidata.org/entity/Q1")
    term.refresh_from_db()
    assert term.updated_at > earlier
    assert term.short_definition == "Splits text into tokens."
    assert term_versions(term)[-1].changed == [f"{change} added"]


def test_a_term_update_reads_the_terms_own_labels_once(make_term):
    """Comparing with what is stored and storing the new labels share one read of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    term = Term.objects.get(pk=make_term("Tokenizer").pk)
    with CaptureQueriesContext(connection) as queries:
        services.term_update(term=term, short_definition="Splits text.", labels=[
            {"text": "Tokenizer", "language": "en", "kind": "preferred"},
            {"text": "Tokeniser", "language": "en", "kind": "alternative"},
        ])
    own = [q["sql"] for q in queries.captured_queries
           if q["sql"].startswith("SELECT") and 'FROM "glossary_label"' in q["sql"]
           and f'WHERE "glossary_label"."term_id" = {term.pk}' in q["sql"]]
    assert len(own) == 1, own
    assert sorted(term.labels.values_list("text", flat=True)) == ["Tokeniser", "Tokenizer"]
