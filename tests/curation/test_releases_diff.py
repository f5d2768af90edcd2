"""The diff of two releases, or of a release and the glossary now, on a small hand-made glossary."""

import pytest

from glossary import releases, selectors, services
from glossary.models import Release
from tests.curation.release_fixtures import small_glossary  # noqa: F401

pytestmark = pytest.mark.django_db

RAG = "retrieval-augmented-generation"
LLM = "large-language-model"


def edit(g, make_term, relate):
    """The edits between the two releases of these tests."""
    agent = make_term("Agent", short_definition="A model that acts.")
    services.term_delete(term=g["hallucination"])
    services.term_update(
        term=g["rag"], short_definition="Grounding answers in retrieved documents.",
        labels=[
            {"text": "Retrieval-augmented generation", "language": "en", "kind": "preferred"},
            {"text": "RAG", "language": "en", "kind": "alternative", "subkind": "abbreviation"},
            {"text": "Retrieval augmented generation", "language": "en", "kind": "hidden"},
            {"text": "Hakuavusteinen generointi", "language": "fi", "kind": "preferred"},
        ],
    )
    relate(agent, g["uses"], g["llm"])
    services.relation_delete(relation=g["rag_uses_llm"])
    services.relation_update(relation=g["llm_is_a_foundation"], note="A kind of foundation model.")
    services.category_update(category=g["technique"], name="Techniques")
    services.term_update(term=g["foundation"])  # saved again unchanged: writes nothing
    draft = make_term("Another draft", status="draft")
    relate(draft, g["uses"], g["llm"])


EXPECTED_TERMS = {
    "added": [{"slug": "agent", "name": "Agent"}],
    "removed": [{"slug": "hallucination", "name": "Hallucination"}],
    "changed": [{"slug": RAG, "name": "Retrieval-augmented generation", "fields": ["labels", "short_definition"]}],
}
EXPECTED_RELATIONS = {
    "added": [{"source": "agent", "type": "uses", "target": LLM}],
    "removed": [{"source": "hallucination", "type": "related-to", "target": RAG},
                {"source": RAG, "type": "uses", "target": LLM}],
    "changed": [{"source": LLM, "type": "is-a", "target": "foundation-model", "fields": ["note"]}],
}


def as_dict(section):
    return {"added": section.added, "removed": section.removed, "changed": section.changed}


@pytest.fixture
def two_releases(small_glossary, make_term, relate):
    first = services.release_create(name="v1", user=None)
    edit(small_glossary, make_term, relate)
    second = services.release_create(name="v2", user=None)
    return first, second


def test_diff_names_terms_added_removed_and_changed_with_the_fields_that_changed(two_releases):
    diff = selectors.release_diff(old="v1", new="v2")
    assert as_dict(diff.sections["terms"]) == EXPECTED_TERMS


def test_diff_names_relations_added_removed_and_changed(two_releases):
    diff = selectors.release_diff(old="v1", new="v2")
    assert as_dict(diff.sections["relations"]) == EXPECTED_RELATIONS


def test_diff_names_other_rows_that_changed(two_releases):
    diff = selectors.release_diff(old="v1", new="v2")
    assert as_dict(diff.sections["categories"]) == {
        "added": [], "removed": [], "changed": [{"slug": "technique", "name": "Techniques", "fields": ["name"]}]}
    assert diff.summary()["references"] == {"added": 0, "removed": 0, "changed": 0}
    # As in the export, a release carries the relation types its relations use: with Hallucination
    # went the last public "related to".
    assert as_dict(diff.sections["relation_types"]) == {
        "added": [], "removed": [{"slug": "related-to", "label": "is related to"}], "changed": []}


def test_the_diff_the_other_way_round_swaps_added_and_removed(two_releases):
    back = selectors.release_diff(old="v2", new="v1")
    terms = back.sections["terms"]
    assert (terms.added, terms.removed) == (EXPECTED_TERMS["removed"], EXPECTED_TERMS["added"])
    relations = back.sections["relations"]
    assert (relations.added, relations.removed) == (EXPECTED_RELATIONS["removed"], EXPECTED_RELATIONS["added"])


def test_a_release_against_itself_or_the_unchanged_glossary_has_no_differences(two_releases):
    assert selectors.release_diff(old="v1", new="V1").empty
    assert selectors.release_diff(old="v2", new="current").empty
    assert selectors.release_diff(old="current", new="current").empty


def test_diff_against_current_is_the_diff_of_a_release_made_now(small_glossary, make_term, relate):
    services.release_create(name="v1", user=None)
    edit(small_glossary, make_term, relate)
    diff = selectors.release_diff(old="v1", new="current")
    assert as_dict(diff.sections["terms"]) == EXPECTED_TERMS
    assert as_dict(diff.sections["relations"]) == EXPECTED_RELATIONS
    back = selectors.release_diff(old="current", new="v1")
    assert back.sections["terms"].added == EXPECTED_TERMS["removed"]


def test_publishing_a_draft_adds_it_and_drafting_a_term_removes_it(small_glossary):
    services.release_create(name="v1", user=None)
    services.term_update(term=small_glossary["draft"], status="published")
    services.term_update(term=small_glossary["foundation"], status="draft")
    diff = selectors.release_diff(old="v1", new="current")
    assert diff.sections["terms"].added == [{"slug": "secret-draft", "name": "Secret draft"}]
    assert diff.sections["terms"].removed == [{"slug": "foundation-model", "name": "Foundation model"}]
    # The published draft's relation appears; the relation to the term now a draft goes.
    assert diff.sections["relations"].added == [{"source": "secret-draft", "type": "uses", "target": LLM}]
    assert diff.sections["relations"].removed == [{"source": LLM, "type": "is-a", "target": "foundation-model"}]


def test_deprecating_a_term_is_a_change_of_its_status(small_glossary):
    services.release_create(name="v1", user=None)
    services.term_update(term=small_glossary["hallucination"], status="deprecated", replaced_by=small_glossary["rag"])
    changed = selectors.release_diff(old="v1", new="current").sections["terms"].changed
    assert changed == [{"slug": "hallucination", "name": "Hallucination", "fields": ["replaced_by", "status"]}]


def test_a_diff_reads_only_the_entries_one_release_has_and_the_other_has_not(two_releases, monkeypatch):
    first, second = two_releases
    read = []
    original = releases.read_entries

    def recording(ids, *fields):
        read.extend(ids)
        return original(ids, *fields)

    monkeypatch.setattr(releases, "read_entries", recording)
    selectors.release_diff(old="v1", new="v2")
    a, b = set(releases.unpack_ids(first.manifest)), set(releases.unpack_ids(second.manifest))
    assert sorted(read) == sorted(a ^ b)
    # Both versions of rag, the category and llm's relations; what only one has: agent and its
    # relations, hallucination and its relations, rag's relations, "related to". The six entries in
    # common (foundation model, saved again unchanged, among them) are not read.
    assert len(a ^ b) == 12 and len(a & b) == 6


def test_a_diff_takes_the_same_number_of_queries_however_much_changed(
        two_releases, make_term, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # two releases, the entries of each side that differ
        selectors.release_diff(old="v1", new="v2")
    for i in range(30):
        make_term(f"Later term {i}")
    services.release_create(name="v3", user=None)
    with django_assert_max_num_queries(4):
        diff = selectors.release_diff(old="v1", new="v3")
    assert diff.summary()["terms"]["added"] == 31


def test_diff_of_an_unknown_release_is_not_found(two_releases):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.release_diff(old="v1", new="v9")
    assert Release.objects.count() == 2
