"""Bad input: the import refuses it all, names the place of every problem, and changes nothing."""

import copy

import pytest

from tests.exchange.conftest import row_counts, small_document


def assert_refused(run_import, path, *expected, **options):
    before = row_counts()
    _, err, error = run_import(path, **options)
    assert error is not None, "the import should have failed"
    assert "nothing was imported" in str(error)
    for text in expected:
        assert text in err, f"{text!r} not in:\n{err}"
    assert row_counts() == before


def with_change(change):
    doc = small_document()
    change(doc)
    return doc


@pytest.fixture
def stored(db, write_json, run_import):
    """The small document already imported, so refusals must also leave existing rows alone."""
    run_import(write_json(small_document(), "first.json"))


def test_malformed_json_is_refused_with_its_line_and_column(stored, write_json, run_import):
    assert_refused(run_import, write_json('{"format": "glossary-graph",\n  "terms": [}'), "glossary.json line 2 column")


def test_a_relation_to_an_unknown_slug_is_refused_naming_the_relation(stored, write_json, run_import):
    doc = with_change(lambda d: d["relations"].append(
        {"source": "large-language-model", "type": "is-a", "target": "no-such-term"}))
    assert_refused(run_import, write_json(doc), "relations[1].target: no term 'no-such-term'")


def test_a_relation_closing_a_cycle_with_stored_ones_is_refused_with_the_cycle(stored, write_json, run_import):
    doc = small_document(relations=[{"source": "foundation-model", "type": "is-a", "target": "large-language-model"}])
    assert_refused(
        run_import, write_json(doc),
        "relations[0]: “is a” may not form a cycle",
        "Foundation model → Large language model → Foundation model",
    )


def test_a_cycle_within_the_file_is_refused(db, write_json, run_import):
    doc = with_change(lambda d: d["terms"].append({"slug": "model", "name": "Model"}) or d["relations"].extend([
        {"source": "foundation-model", "type": "is-a", "target": "model"},
        {"source": "model", "type": "is-a", "target": "large-language-model"},
    ]))
    assert_refused(run_import, write_json(doc), "would create a cycle:")


def test_a_preferred_label_another_current_term_has_is_refused_naming_both(stored, write_json, run_import):
    doc = with_change(lambda d: d.update(version=2) or d["terms"][1].update(labels=[
        {"text": "Foundation model", "language": "en", "kind": "preferred"},
        {"text": "Großes Sprachmodell", "language": "de", "kind": "preferred"},
    ]) or d["terms"][0].pop("aliases") and d["terms"][0].update(labels=[
        {"text": "Large language model", "language": "en", "kind": "preferred"},
        {"text": "großes sprachmodell", "language": "de", "kind": "preferred"},
    ]))
    assert_refused(run_import, write_json(doc),
                   "terms[1].labels: “Großes Sprachmodell” is already the preferred label of “Large language model” "
                   "in language “de”; “Foundation model” cannot have it too")


def test_an_alternative_label_may_be_shared_with_another_term(stored, write_json, run_import):
    doc = with_change(lambda d: d["terms"][1].update(aliases=[{"name": "llm"}, {"name": "LARGE language model"}]))
    _, err, error = run_import(write_json(doc))
    assert error is None, err


def test_two_terms_with_one_preferred_label_in_a_language_are_refused(db, write_json, run_import):
    doc = with_change(lambda d: d["terms"][1].update(name="LARGE LANGUAGE MODEL"))
    assert_refused(run_import, write_json(doc), "is already the preferred label of “Large language model”")


def test_an_empty_name_is_refused(stored, write_json, run_import):
    doc = with_change(lambda d: d["terms"][0].update(name="  "))
    assert_refused(run_import, write_json(doc), "terms[0].name: is empty")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["terms"][0].update(status="approved"), "terms[0].status: 'approved' is not one of draft, in_review, changes_requested, published, deprecated"),
        (lambda d: d["terms"][0].update(short_definition="x" * 301), "terms[0].short_definition: Ensure this value has at most 300 characters"),
        (lambda d: d["terms"][0].update(slug="not a slug"), "terms[0].slug: Enter a valid “slug”"),
        (lambda d: d["terms"][0].update(category="nope"), "terms[0].category: no category 'nope'"),
        (lambda d: d["terms"][0].update(colour="red"), "terms[0].colour: unknown field"),
        (lambda d: d["references"][0].update(url="not a url"), "references[0].url: Enter a valid URL."),
        (lambda d: d["relation_types"][0].update(color="blue"), "relation_types[0].color: Enter a colour as #rrggbb"),
        (lambda d: d["relation_types"][1].update(inverse_label="other"), "relation_types[1].inverse_label: a symmetric relation type reads the same both ways"),
        (lambda d: d["relations"].append(copy.deepcopy(d["relations"][0])), "relations[1]: a duplicate of relations[0]"),
        (lambda d: d["relations"].append({"source": "foundation-model", "type": "is-a", "target": "foundation-model"}), "relations[1].target: A term cannot be related to itself."),
        (lambda d: d["relations"].extend([
            {"source": "foundation-model", "type": "related-to", "target": "large-language-model"},
            {"source": "large-language-model", "type": "related-to", "target": "foundation-model"}]),
         "relations[2]: a symmetric duplicate of relations[1]"),
        (lambda d: d["terms"].append(copy.deepcopy(d["terms"][1])), "terms[2].slug: 'foundation-model' appears twice (first at terms[1])"),
        (lambda d: d.update(version=3), "version: this instance reads versions 1 and 2, found 3"),
        (lambda d: d["terms"][1].update(replaced_by="large-language-model"), "terms[1].replaced_by: Only a deprecated term can have a replacement"),
        (lambda d: d["terms"][1].update(short_definition="nul \x00 inside"), "terms[1].short_definition: contains a NUL character"),
        # JSON's "\ud800" escape, half of a pair: it crashed the import with a UnicodeEncodeError.
        (lambda d: d["terms"][1].update(name="half \ud800 pair"), "terms[1].name: contains a lone surrogate (U+D800)"),
        (lambda d: d["terms"][1].update(aliases=[{"name": "x\udfff"}]), "contains a lone surrogate (U+DFFF)"),
        (lambda d: d["terms"][1].update(uri="https://example.org/{x}"), "terms[1].uri: A URI cannot contain '{', '}'"),
    ],
)
def test_each_broken_rule_is_reported_at_its_place(stored, write_json, run_import, change, expected):
    assert_refused(run_import, write_json(with_change(change)), expected)


def test_every_problem_is_reported_not_just_the_first(db, write_json, run_import):
    def break_twice(d):
        d["terms"][0]["name"] = ""
        d["relations"][0]["target"] = "missing"
    assert_refused(run_import, write_json(with_change(break_twice)), "terms[0].name: is empty", "relations[0].target: no term 'missing'")


def test_an_unknown_file_type_asks_for_the_format(db, tmp_path, run_import):
    path = tmp_path / "notes.txt"
    path.write_text("just some words")
    assert_refused(run_import, path, "cannot tell the format; pass --format")


def test_json_nested_too_deeply_is_refused_in_one_line(db, write_json, run_import):
    assert_refused(run_import, write_json("[" * 100_000 + "]" * 100_000), "glossary.json: the JSON is nested too deeply")
