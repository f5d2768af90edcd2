"""What a SKOS file says that the glossary does not keep is said at import (and in the dry run
and the admin's preview), once per property with how often it occurs — never dropped in silence;
and what our own exports write is all read back."""

import pytest

from glossary import services
from glossary.models import Category, Term
from tests.web.test_category_names import PREFIXES, import_file, import_turtle

pytestmark = pytest.mark.django_db

EXTRA = """
@prefix dct: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
th:scheme a skos:ConceptScheme ; skos:prefLabel "Education thesaurus"@en ; skos:hasTopConcept th:c1 .
th:other a skos:ConceptScheme ; dct:title "Other thesaurus"@en .
th:c1 a skos:Concept ; skos:prefLabel "Curriculum"@en ; skos:inScheme th:scheme ; skos:topConceptOf th:scheme ;
    dct:subject "education" ; owl:sameAs <http://other.example.org/curriculum> .
th:c2 a skos:Concept ; skos:prefLabel "Syllabus"@en ; skos:inScheme th:scheme, th:other ; skos:broader th:c1 ;
    skos:broaderTransitive th:c1 ; dct:subject "teaching" .
th:g1 a skos:Collection ; skos:prefLabel "Plans"@en ; skos:notation "P1" ; skos:member th:c2 .
"""


def test_properties_nothing_reads_are_named_once_with_their_count(tmp_path):
    out = import_turtle(tmp_path, EXTRA, name="extra.ttl")
    assert ("dct:subject: on 2 concepts (the first: <http://vocabularies.example.org/thesaurus/c1>); "
            "not read, so not kept") in out
    assert "owl:sameAs: on 1 concept (the first: <http://vocabularies.example.org/thesaurus/c1>)" in out
    assert "skos:notation: on 1 collection (the first: <http://vocabularies.example.org/thesaurus/g1>)" in out
    assert "broaderTransitive" not in out  # what skos:broader already says
    assert Term.objects.count() == 2  # reported, not refused


def test_concept_schemes_are_named_with_their_concepts(tmp_path):
    out = import_turtle(tmp_path, EXTRA, name="extra.ttl")
    assert ("<http://vocabularies.example.org/thesaurus/scheme>: the concept scheme “Education thesaurus” is "
            "not kept: its 2 concepts come in as the glossary's") in out
    assert "the concept scheme “Other thesaurus” is not kept: its 1 concept come" in out


def test_the_dry_run_says_the_same_before_anything_is_written(tmp_path):
    path = tmp_path / "extra.ttl"
    path.write_text(PREFIXES + EXTRA, encoding="utf-8")
    out = import_file(path, dry_run=True)
    assert "dct:subject: on 2 concepts" in out and "the concept scheme “Education thesaurus” is not kept" in out
    assert not Term.objects.exists()


def test_iso_25964_sub_and_super_groups_nest_categories(tmp_path):
    import_turtle(tmp_path, """
th:d1 a skos:Collection ; skos:prefLabel "Education"@en ; isothes:subGroup th:mt1 .
th:mt1 a isothes:ConceptGroup ; skos:prefLabel "Curricula"@en ; skos:member th:c1 .
th:mt2 a isothes:ConceptGroup ; skos:prefLabel "Teaching"@en ; isothes:superGroup th:d1 ; skos:member th:c2 .
th:c1 a skos:Concept ; skos:prefLabel "Syllabus"@en .
th:c2 a skos:Concept ; skos:prefLabel "Lecture"@en .
""")
    assert dict(Category.objects.values_list("name", "parent__name")) == {
        "Education": None, "Curricula": "Education", "Teaching": "Education"}


def test_our_own_skos_export_is_read_back_whole(seed, export, run_import, settings, make_type, relate):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    term = Term.objects.get(slug="large-language-model")
    services.term_update(term=term, notes=[
        {"kind": kind, "language": "en", "text": f"A {kind} of the term."}
        for kind in ("definition", "scope_note", "example", "note", "history_note", "editorial_note", "change_note")],
        mappings=[{"kind": "exact", "uri": "http://www.wikidata.org/entity/Q115305900", "label": "LLM (Wikidata)"}])
    services.label_create(term=term, text="Large langauge model", language="en", kind="hidden", subkind="misspelling")
    services.category_update(category=term.category, uri="http://vocabularies.example.org/thesaurus/models",
                             names={"fr": "Modèles"})
    relate(term, make_type("cites", "cites", "is cited by"), Term.objects.get(slug="transformer"))
    out, err, error = run_import(export("skos", name="ours.ttl"))
    assert error is None, err
    assert "not kept" not in out and "not read" not in out, out


def test_what_is_not_kept_comes_before_the_other_warnings(tmp_path):
    out = import_turtle(tmp_path, EXTRA + 'th:c3 a skos:Concept ; skos:prefLabel "Plan"@en, "Plan B"@en .\n')
    lines = [line for line in out.splitlines() if line.startswith("warning:")]
    assert "not kept" in lines[0] and "has a second skos:prefLabel" in lines[-1]
