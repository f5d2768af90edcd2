"""The seed glossary loads into an empty database and satisfies every model rule."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Q

from glossary.models import Category, Label, Mapping, Note, Reference, Relation, RelationType, Term, TermStatus

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "llm_glossary.json"
# The links of the seed's source document (titles and URLs), kept with the tests: the suite reads
# nothing outside the repository.
SOURCE_LINKS = Path(__file__).resolve().parent / "data" / "seed_links.json"


@pytest.fixture
def loaded(seed):
    """The seed, loaded once with loaddata and re-inserted in bulk afterwards (see conftest)."""


def test_every_seed_object_passes_full_validation(loaded):
    for model in (Category, RelationType, Term, Label, Note, Mapping, Relation, Reference):
        objects = list(model.objects.all())
        assert objects, f"the seed has no {model.__name__}"
        for obj in objects:
            obj.full_clean()


def test_seed_has_no_orphan_term(loaded):
    orphans = Term.objects.filter(relations_out__isnull=True, relations_in__isnull=True)
    assert list(orphans.values_list("slug", flat=True)) == []


def test_seed_has_the_relation_types_of_the_design(loaded):
    expected = {
        "is-a": dict(acyclic=True, transitive=True, skos_mapping="broader"),
        "part-of": dict(acyclic=True, transitive=True),
        "instance-of": {}, "uses": {}, "trained-with": {}, "mitigates": {}, "evaluates": {},
        "fine-tuned-from": dict(acyclic=True),
        "requires": dict(acyclic=True, transitive=True),
        "alternative-to": dict(symmetric=True),
        "related-to": dict(symmetric=True, skos_mapping="related"),
    }
    types = {t.slug: t for t in RelationType.objects.all()}
    for slug, flags in expected.items():
        assert slug in types, slug
        for flag, value in flags.items():
            assert getattr(types[slug], flag) == value, (slug, flag)
        assert Relation.objects.filter(type=types[slug]).exists(), f"no relation of type {slug}"


@pytest.mark.parametrize("source, type_slug, target", [
    ("large-language-model", "is-a", "generative-ai"),
    ("gpt-4", "instance-of", "foundation-model"),
    ("retrieval-augmented-generation", "mitigates", "hallucination"),
    ("fine-tuning", "mitigates", "hallucination"),
    ("transformer", "uses", "attention"),
    ("retrieval-augmented-generation", "uses", "information-retrieval"),
    ("masked-language-modeling", "is-a", "self-supervised-learning"),
])
def test_seed_states_the_documents_claims(loaded, source, type_slug, target):
    assert Relation.objects.filter(source__slug=source, type__slug=type_slug, target__slug=target).exists()


def test_seed_has_the_usual_abbreviations(loaded):
    for alias, slug in [("LLM", "large-language-model"), ("RAG", "retrieval-augmented-generation"),
                        ("GenAI", "generative-ai"), ("MLM", "masked-language-modeling")]:
        assert Label.objects.get(text__iexact=alias, kind="alternative", language="en").term.slug == slug


def test_bard_is_deprecated_and_replaced_by_gemini(loaded):
    bard = Term.objects.get(slug="bard")
    assert bard.status == TermStatus.DEPRECATED
    assert bard.replaced_by.slug == "gemini"


def test_every_link_of_the_source_document_is_a_reference(loaded):
    urls = {link["url"] for link in json.loads(SOURCE_LINKS.read_text())["links"]}
    assert len(urls) > 30, "the source document's links should all be listed"
    stored = set(Reference.objects.values_list("url", flat=True))
    assert urls - stored == set()
    assert not Reference.objects.filter(terms__isnull=True).exists()


def test_every_wiki_link_in_a_body_resolves(loaded):
    known = {n.lower() for n in Term.objects.values_list("name", flat=True)}
    known |= {n.lower() for n in Label.objects.values_list("text", flat=True)}
    known |= set(Term.objects.values_list("slug", flat=True))
    for term in Term.objects.exclude(Q(body="")):
        for target in re.findall(r"\[\[([^\]|]+)(?:\|[^\]]*)?\]\]", term.body):
            assert target.strip().lower() in known, (term.slug, target)


def test_fixture_uses_natural_keys_only():
    data = json.loads(SEED.read_text())
    assert all("pk" not in item for item in data)


def test_loading_the_seed_twice_changes_nothing(loaded):
    counts = [m.objects.count() for m in (Term, Label, Note, Mapping, Relation, Reference)]
    call_command("loaddata", str(SEED), verbosity=0)
    assert [m.objects.count() for m in (Term, Label, Note, Mapping, Relation, Reference)] == counts


def test_every_seed_term_has_its_name_as_its_english_preferred_label(loaded):
    preferred = dict(Label.objects.filter(kind="preferred", language="en").values_list("term__slug", "text"))
    assert preferred == dict(Term.objects.values_list("slug", "name"))


def test_seed_reads_in_other_languages_and_shares_one_abbreviation(loaded):
    languages = set(Label.objects.filter(kind="preferred").values_list("language", flat=True))
    assert {"en", "de", "fr", "fi"} <= languages
    assert Note.objects.filter(kind="definition", language="de", term__slug="large-language-model").exists()
    sharing = set(Label.objects.filter(text="GPT").values_list("term__slug", flat=True))
    assert sharing == {"gpt-3", "gpt-3-5", "gpt-4"}


def test_load_seed_if_empty_leaves_existing_data_alone(make_term):
    make_term("Only term")
    call_command("load_seed_if_empty", verbosity=0)
    assert Term.objects.count() == 1


def test_load_seed_if_empty_loads_into_an_empty_database(db):
    call_command("load_seed_if_empty", verbosity=0)
    assert Term.objects.count() > 40


def test_with_glossary_seed_off_an_empty_database_stays_empty_for_ones_own_vocabulary(db, settings):
    settings.GLOSSARY_SEED = False
    out = io.StringIO()
    call_command("load_seed_if_empty", stdout=out)
    assert not Term.objects.exists() and not RelationType.objects.exists() and not Category.objects.exists()
    assert "GLOSSARY_SEED is off" in out.getvalue()
