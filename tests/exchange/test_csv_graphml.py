"""CSV folders for spreadsheets and GraphML for Gephi/yEd/networkx."""

import networkx as nx

from glossary.models import Label, Mapping, Note, Relation, Term
from tests.exchange.conftest import empty_glossary, row_counts


def meaning():
    return (
        set(Term.objects.values_list("slug", "uri", "notation", "name", "short_definition", "body", "status",
                                     "category__slug", "replaced_by__slug")),
        set(Label.objects.values_list("term__slug", "text", "kind", "language", "subkind")),
        set(Note.objects.values_list("term__slug", "kind", "language", "text")),
        set(Mapping.objects.values_list("term__slug", "kind", "uri", "label")),
        set(Relation.objects.values_list("source__slug", "type__slug", "target__slug", "note")),
    )


def test_seed_glossary_survives_csv_export_and_import_into_an_empty_database(seed, export, run_import):
    before = meaning()
    folder = export("csv")
    assert sorted(p.name for p in folder.iterdir()) == [
        "categories.csv", "labels.csv", "mappings.csv", "notes.csv", "references.csv", "relation_types.csv",
        "relations.csv", "terms.csv"]
    empty_glossary()
    _, err, error = run_import(folder)
    assert error is None, err
    assert meaning() == before
    out, _, _ = run_import(folder)
    assert "terms: 0 created, 0 updated" in out


def write(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_hand_made_terms_sheet_with_names_only_is_enough(db, tmp_path, run_import):
    folder = write(tmp_path / "sheet", "terms.csv", "name,short_definition\nPrompt,The text given to a model.\nToken,A piece of text.\n")
    _, err, error = run_import(folder)
    assert error is None, err
    assert set(Term.objects.values_list("slug", flat=True)) == {"prompt", "token"}


def test_a_terms_sheet_in_other_scripts_gets_readable_slugs(db, tmp_path, run_import):
    folder = write(tmp_path / "sheet", "terms.csv", "name,short_definition\nΕνσωμάτωση,Διάνυσμα.\nТокен,Часть текста.\n")
    _, err, error = run_import(folder)
    assert error is None, err
    assert set(Term.objects.values_list("slug", "name")) == {("ensomatosi", "Ενσωμάτωση"), ("token", "Токен")}


def test_a_csv_row_with_an_empty_name_is_refused_with_its_file_and_line(db, tmp_path, run_import):
    folder = write(tmp_path / "sheet", "terms.csv", 'slug,name\nprompt,Prompt\ntoken,"A\ntwo-line name"\nempty,\n')
    before = row_counts()
    _, err, error = run_import(folder)
    assert error is not None
    assert "terms.csv line 5, column name: is empty" in err
    assert row_counts() == before


def test_a_csv_file_with_the_wrong_columns_is_refused_naming_them(db, tmp_path, run_import):
    folder = write(tmp_path / "sheet", "terms.csv", "slug,title\nprompt,Prompt\n")
    before = row_counts()
    _, err, error = run_import(folder)
    assert error is not None
    assert "terms.csv line 1: unknown column 'title'; missing column 'name'" in err
    assert row_counts() == before


def test_a_csv_relation_to_an_unknown_term_is_refused_with_its_line(db, tmp_path, run_import):
    folder = write(tmp_path / "sheet", "terms.csv", "slug,name\nprompt,Prompt\n")
    write(folder, "relation_types.csv", "slug,label,inverse_label\nuses,uses,is used by\n")
    write(folder, "relations.csv", "source,type,target\nprompt,uses,ghost\n")
    _, err, error = run_import(folder)
    assert error is not None
    assert "relations.csv line 2, column target: no term 'ghost'" in err
    assert Term.objects.count() == 0


def test_graphml_export_reads_back_with_networkx(seed, export):
    G = nx.read_graphml(export("graphml"), force_multigraph=True)
    assert G.number_of_nodes() == Term.objects.count()
    assert G.number_of_edges() == Relation.objects.count()
    rag = G.nodes["retrieval-augmented-generation"]
    assert rag["name"] == "Retrieval-augmented generation" and rag["status"] == "published"
    assert G.has_edge("retrieval-augmented-generation", "hallucination", key="mitigates")
    assert G.edges["retrieval-augmented-generation", "hallucination", "mitigates"]["label"] == "mitigates"


def test_cells_a_spreadsheet_would_evaluate_are_neutralised_and_read_back_as_they_were(make_term, export, run_import):
    hostile = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2", "@SUM(A1)", "'=already quoted", "plain"]
    for i, text in enumerate(hostile):
        make_term(f"Term {i}", short_definition=text)
    folder = export("csv")
    cells = (folder / "terms.csv").read_text(encoding="utf-8")
    for text in hostile[:4]:
        assert f",{text}," not in cells and f",\"{text}" not in cells
    assert "'+1+1" in cells and "''=already quoted" in cells
    before = set(Term.objects.values_list("short_definition", flat=True))
    empty_glossary()
    _, err, error = run_import(folder)
    assert error is None, err
    assert set(Term.objects.values_list("short_definition", flat=True)) == before


def test_a_version_1_csv_folder_with_aliases_is_still_read(db, tmp_path, run_import):
    folder = write(tmp_path / "v1", "terms.csv", "slug,name\nllm,Large language model\n")
    write(folder, "aliases.csv", "term,name,kind,language\nllm,LLM,abbreviation,\nllm,Großes Sprachmodell,translation,de\n")
    _, err, error = run_import(folder)
    assert error is None, err
    assert sorted(Label.objects.values_list("text", "language", "kind", "subkind")) == [
        ("Großes Sprachmodell", "de", "preferred", ""), ("LLM", "en", "alternative", "abbreviation"),
        ("Large language model", "en", "preferred", ""),
    ]
