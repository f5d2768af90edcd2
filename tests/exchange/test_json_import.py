"""Our JSON format: lossless round trip, idempotency, merge, dry run, one bulk change logged."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossary.exchange.formats import read_file
from glossary.exchange.importer import import_document
from glossary.models import Change, ChangeKind, Label, Relation, Term
from tests.exchange.conftest import empty_glossary, row_counts, small_document


def test_json_export_then_import_into_an_empty_database_exports_identical_bytes(seed, export, run_import):
    first = export("json").read_bytes()
    empty_glossary()
    path = export("json").parent / "seed.json"
    path.write_bytes(first)
    _, err, error = run_import(path)
    assert error is None, err
    assert export("json").read_bytes() == first


def test_json_export_lists_everything_by_slug_in_a_stable_order(make_term, is_a, relate, export):
    b = make_term("Foundation model", slug="foundation-model")
    a = make_term("Large language model", slug="large-language-model", aliases=[{"name": "LLM"}])
    relate(a, is_a, b, note="every LLM is one")
    data = json.loads(export("json").read_text())
    assert [t["slug"] for t in data["terms"]] == ["foundation-model", "large-language-model"]
    assert data["version"] == 2
    assert data["terms"][1]["labels"] == [
        {"text": "Large language model", "language": "en", "kind": "preferred", "subkind": ""},
        {"text": "LLM", "language": "en", "kind": "alternative", "subkind": "synonym"},
    ]
    assert data["terms"][1]["uri"] is None and data["terms"][1]["notes"] == [] and data["terms"][1]["mappings"] == []
    assert data["relations"] == [
        {"source": "large-language-model", "type": "is-a", "target": "foundation-model",
         "note": "every LLM is one", "created_at": data["relations"][0]["created_at"]}
    ]
    assert export("json").read_bytes() == export("json").read_bytes()


def test_importing_the_same_file_twice_changes_nothing_the_second_time(db, write_json, run_import):
    path = write_json(small_document())
    run_import(path)
    counts, entries = row_counts(), Change.objects.count()
    out, _, error = run_import(path)
    assert error is None
    assert row_counts() == counts
    assert Change.objects.count() == entries
    assert "terms: 0 created, 0 updated, 2 unchanged" in out
    assert "relations: 0 created, 0 updated, 1 unchanged" in out


def test_import_logs_one_bulk_change_so_caches_and_graphs_see_it(db, write_json, run_import):
    before = Change.objects.count()
    run_import(write_json(small_document()))
    assert list(Change.objects.values_list("kind", flat=True))[before:] == [ChangeKind.BULK]


def test_import_merges_into_a_database_holding_other_terms(make_term, is_a, relate, write_json, run_import):
    other = make_term("Hallucination", slug="hallucination")
    kept = relate(make_term("Confabulation"), is_a, other)
    out, err, error = run_import(write_json(small_document()))
    assert error is None, err
    assert set(Term.objects.values_list("slug", flat=True)) == {
        "hallucination", "confabulation", "large-language-model", "foundation-model"}
    assert Relation.objects.filter(pk=kept.pk).exists()
    assert "terms: 2 created" in out
    assert "relation types: 1 created, 0 updated, 1 unchanged" in out


def test_import_updates_changed_terms_and_sets_their_labels_exactly(db, write_json, run_import):
    run_import(write_json(small_document()))
    doc = small_document()
    doc["terms"][0]["short_definition"] = "A language model with billions of parameters."
    doc["terms"][0]["aliases"] = [{"name": "LLMs", "kind": "abbreviation"}]
    out, _, error = run_import(write_json(doc, "changed.json"))
    assert error is None
    term = Term.objects.get(slug="large-language-model")
    assert term.short_definition == "A language model with billions of parameters."
    assert sorted(term.labels.values_list("text", flat=True)) == ["LLMs", "Large language model"]
    assert "terms: 0 created, 1 updated, 1 unchanged" in out
    assert "labels: 1 created, 0 updated, 2 unchanged, 1 removed" in out


def test_a_version_2_term_with_only_a_name_keeps_its_other_labels(db, write_json, run_import):
    run_import(write_json(small_document()))
    doc = small_document()
    doc["version"] = 2
    doc["terms"] = [{"slug": "large-language-model", "name": "Large Language Model"},
                    {"slug": "foundation-model", "name": "Foundation model"}]
    out, err, error = run_import(write_json(doc, "renamed.json"))
    assert error is None, err
    term = Term.objects.get(slug="large-language-model")
    assert term.name == "Large Language Model"
    assert sorted(term.labels.values_list("text", "kind")) == [("LLM", "alternative"), ("Large Language Model", "preferred")]


def test_dry_run_prints_what_would_change_and_writes_nothing(db, write_json, run_import):
    before = row_counts()
    out, _, error = run_import(write_json(small_document()), dry_run=True)
    assert error is None
    assert row_counts() == before
    assert "terms: 2 created, 0 updated, 0 unchanged" in out
    assert "labels: 3 created" in out
    assert "Dry run: nothing was written." in out


def test_a_symmetric_relation_given_the_other_way_round_is_the_stored_one(
    make_term, related_to, relate, write_json, run_import
):
    a, b = make_term("Alpha", slug="alpha"), make_term("Beta", slug="beta")
    relate(a, related_to, b)
    doc = small_document(relations=[{"source": "beta", "type": "related-to", "target": "alpha"}],
                         terms=[{"slug": "alpha", "name": "Alpha"}, {"slug": "beta", "name": "Beta"}],
                         references=[])
    out, err, error = run_import(write_json(doc))
    assert error is None, err
    assert Relation.objects.count() == 1
    assert "relations: 0 created, 0 updated, 1 unchanged" in out


def test_a_deprecated_term_keeps_its_replacement(db, write_json, run_import):
    doc = small_document(terms=[
        {"slug": "bard", "name": "Bard", "status": "deprecated", "replaced_by": "gemini"},
        {"slug": "gemini", "name": "Gemini"},
    ], relations=[], references=[])
    _, err, error = run_import(write_json(doc))
    assert error is None, err
    assert Term.objects.get(slug="bard").replaced_by.slug == "gemini"
    assert Label.objects.filter(kind="preferred").count() == Label.objects.count() == 2


def test_import_moves_a_term_into_a_new_category(db, write_json, run_import):
    run_import(write_json(small_document()))
    doc = small_document()
    doc["categories"].append({"slug": "model", "name": "Model"})
    doc["terms"][1]["category"] = "model"
    doc["terms"][0]["category"] = None
    _, err, error = run_import(write_json(doc, "moved.json"))
    assert error is None, err
    assert Term.objects.get(slug="foundation-model").category.slug == "model"
    assert Term.objects.get(slug="large-language-model").category is None


def test_import_runs_a_constant_number_of_queries_whatever_the_size(db, write_json):
    def queries(n):
        terms = [{"slug": f"t-{n}-{i}", "name": f"T {n} {i}", "aliases": [{"name": f"a-{n}-{i}"}]} for i in range(n)]
        relations = [{"source": f"t-{n}-{i}", "type": "is-a", "target": f"t-{n}-{i + 1}"} for i in range(n - 1)]
        document = read_file(write_json(small_document(terms=terms, relations=relations, references=[]), f"{n}.json"))
        with CaptureQueriesContext(connection) as captured:
            import_document(document)
        return len(captured)

    queries(2)  # creates the category and relation types
    assert queries(3) == queries(40)
