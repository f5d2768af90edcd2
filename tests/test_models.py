"""The domain rules of DESIGN.md §2, enforced through the services (and the database)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from glossary import services
from glossary.models import Alias, Relation, Term, TermStatus


def error_messages(excinfo):
    return " ".join(excinfo.value.messages)


# Terms -------------------------------------------------------------------------------------


def test_term_slug_is_generated_from_the_name(make_term):
    assert make_term("Retrieval-Augmented Generation").slug == "retrieval-augmented-generation"


def test_generated_slugs_stay_unique(make_term):
    make_term("GPT 4", slug="gpt-4")
    assert make_term("GPT-4!").slug == "gpt-4-2"
    assert make_term("GPT--4").slug == "gpt-4-3"


def test_term_names_are_unique_case_insensitively(make_term):
    make_term("Hallucination")
    with pytest.raises(ValidationError) as excinfo:
        make_term("hallucination")
    assert "name" in excinfo.value.message_dict


def test_the_database_refuses_a_case_variant_name_even_without_validation(make_term):
    make_term("Transformer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.create(name="TRANSFORMER", slug="transformer-2")


def test_short_definition_is_limited_to_300_characters(make_term):
    with pytest.raises(ValidationError) as excinfo:
        make_term("Long", short_definition="x" * 301)
    assert "short_definition" in excinfo.value.message_dict


def test_term_absolute_url_is_its_public_page(make_term):
    assert make_term("Fine-tuning").get_absolute_url() == "/terms/fine-tuning/"


def test_only_a_deprecated_term_can_have_a_replacement(make_term):
    gemini = make_term("Gemini")
    with pytest.raises(ValidationError) as excinfo:
        make_term("Bard", replaced_by=gemini)
    assert "replaced_by" in excinfo.value.message_dict
    bard = make_term("Bard", replaced_by=gemini, status=TermStatus.DEPRECATED)
    assert bard.replaced_by == gemini


def test_a_term_cannot_replace_itself(make_term):
    bard = make_term("Bard", status=TermStatus.DEPRECATED)
    with pytest.raises(ValidationError) as excinfo:
        services.term_update(term=bard, replaced_by=bard)
    assert "replaced_by" in excinfo.value.message_dict


def test_visible_to_hides_drafts_from_anonymous_and_shows_them_to_staff(make_term, staff_user):
    from django.contrib.auth.models import AnonymousUser

    make_term("Public")
    make_term("Hidden", status=TermStatus.DRAFT)
    assert [t.name for t in Term.objects.visible_to(AnonymousUser())] == ["Public"]
    assert sorted(t.name for t in Term.objects.visible_to(staff_user)) == ["Hidden", "Public"]


# Aliases ------------------------------------------------------------------------------------


def test_alias_cannot_repeat_another_terms_name(make_term):
    make_term("llm")
    rag = make_term("Retrieval-augmented generation")
    with pytest.raises(ValidationError) as excinfo:
        services.alias_create(term=rag, name="LLM")
    assert "already the name of the term “llm”" in excinfo.value.message_dict["name"][0]


def test_term_name_cannot_repeat_an_existing_alias(make_term):
    llm = make_term("Large language model")
    services.alias_create(term=llm, name="LLM", kind="abbreviation")
    with pytest.raises(ValidationError) as excinfo:
        make_term("llm")
    assert "already an alias of “Large language model”" in excinfo.value.message_dict["name"][0]


def test_alias_names_are_unique_case_insensitively_across_terms(make_term):
    services.alias_create(term=make_term("Retrieval-augmented generation"), name="RAG")
    other = make_term("Red-amber-green")
    with pytest.raises(ValidationError) as excinfo:
        services.alias_create(term=other, name="rag")
    assert "name" in excinfo.value.message_dict
    assert Alias.objects.count() == 1


def test_alias_cannot_equal_its_own_terms_name(make_term):
    term = make_term("Attention")
    with pytest.raises(ValidationError):
        services.alias_create(term=term, name="attention")


def test_term_set_aliases_replaces_the_list(make_term):
    term = make_term("Large language model", aliases=[{"name": "LLM", "kind": "abbreviation"}, {"name": "LLMs"}])
    services.term_set_aliases(term=term, aliases=[{"name": "llm", "kind": "abbreviation"}, {"name": "Big LM"}])
    assert sorted(term.aliases.values_list("name", flat=True)) == ["Big LM", "llm"]


# Relation types -----------------------------------------------------------------------------


def test_symmetric_type_must_have_equal_labels(make_type):
    with pytest.raises(ValidationError) as excinfo:
        services.relation_type_create(slug="sym", label="is like", inverse_label="is unlike", symmetric=True)
    assert "label and inverse label must be equal" in error_messages(excinfo)


def test_symmetric_type_cannot_be_acyclic(db):
    with pytest.raises(ValidationError):
        services.relation_type_create(slug="x", label="is near", symmetric=True, acyclic=True)


def test_a_type_with_a_cycle_cannot_be_made_acyclic(make_term, make_type, relate):
    uses = make_type("uses", "uses", "is used by")
    a, b = make_term("A"), make_term("B")
    relate(a, uses, b)
    relate(b, uses, a)
    with pytest.raises(ValidationError) as excinfo:
        services.relation_type_update(relation_type=uses, acyclic=True)
    assert "A → B → A" in error_messages(excinfo) or "B → A → B" in error_messages(excinfo)


# Relations ----------------------------------------------------------------------------------


def test_relation_to_itself_is_refused(make_term, is_a):
    term = make_term("Loop")
    with pytest.raises(ValidationError) as excinfo:
        services.relation_create(source=term, type=is_a, target=term)
    assert "cannot be related to itself" in error_messages(excinfo)
    assert Relation.objects.count() == 0


def test_the_database_refuses_a_self_loop_even_without_validation(make_term, is_a):
    term = make_term("Loop")
    with pytest.raises(IntegrityError), transaction.atomic():
        Relation.objects.create(source=term, type=is_a, target=term)


def test_duplicate_relation_is_refused(make_term, is_a, relate):
    llm, genai = make_term("LLM"), make_term("Generative AI")
    relate(llm, is_a, genai)
    with pytest.raises(ValidationError) as excinfo:
        relate(llm, is_a, genai)
    assert "already exists" in error_messages(excinfo)
    assert Relation.objects.count() == 1


def test_symmetric_relation_is_stored_once(make_term, related_to, relate):
    a, b = make_term("Mamba"), make_term("Transformer")
    relate(a, related_to, b)
    with pytest.raises(ValidationError) as excinfo:
        relate(b, related_to, a)
    assert "stored once" in error_messages(excinfo)
    assert Relation.objects.count() == 1


def test_non_symmetric_type_allows_both_directions(make_term, make_type, relate):
    uses = make_type("uses", "uses", "is used by")
    a, b = make_term("A"), make_term("B")
    relate(a, uses, b)
    relate(b, uses, a)
    assert Relation.objects.count() == 2


def test_relation_closing_a_two_step_cycle_names_the_cycle(make_term, is_a, relate):
    fine_tuning, transfer = make_term("Fine-tuning"), make_term("Transfer learning")
    relate(transfer, is_a, fine_tuning)
    with pytest.raises(ValidationError) as excinfo:
        relate(fine_tuning, is_a, transfer)
    assert "would create a cycle: Fine-tuning → Transfer learning → Fine-tuning" in error_messages(excinfo)
    assert excinfo.value.error_dict["__all__"][0].code == "cycle"


def test_relation_closing_a_long_cycle_names_every_step(make_term, is_a, relate):
    a, b, c, d = (make_term(n) for n in "ABCD")
    relate(a, is_a, b)
    relate(b, is_a, c)
    relate(c, is_a, d)
    with pytest.raises(ValidationError) as excinfo:
        relate(d, is_a, a)
    assert "would create a cycle: D → A → B → C → D" in error_messages(excinfo)
    assert Relation.objects.count() == 3


def test_cycles_are_allowed_in_types_that_are_not_acyclic(make_term, make_type, relate):
    uses = make_type("uses", "uses", "is used by")
    a, b, c = (make_term(n) for n in "ABC")
    relate(a, uses, b)
    relate(b, uses, c)
    relate(c, uses, a)
    assert Relation.objects.filter(type=uses).count() == 3


def test_cycle_check_is_per_type(make_term, is_a, make_type, relate):
    part_of = make_type("part-of", "is part of", "has part", acyclic=True, transitive=True)
    a, b = make_term("A"), make_term("B")
    relate(a, is_a, b)
    relate(b, part_of, a)
    assert Relation.objects.count() == 2


def test_changing_a_relations_type_rechecks_the_cycle(make_term, is_a, make_type, relate):
    uses = make_type("uses", "uses", "is used by")
    a, b = make_term("A"), make_term("B")
    relate(a, is_a, b)
    back = relate(b, uses, a)
    with pytest.raises(ValidationError) as excinfo:
        services.relation_update(relation=back, type=is_a)
    assert "would create a cycle" in error_messages(excinfo)
    back.refresh_from_db()
    assert back.type == uses


def test_deleting_a_term_deletes_its_relations(make_term, is_a, relate):
    a, b = make_term("A"), make_term("B")
    relate(a, is_a, b)
    services.term_delete(term=b)
    assert Relation.objects.count() == 0


# References ---------------------------------------------------------------------------------


def test_reference_url_must_be_valid(make_term):
    with pytest.raises(ValidationError) as excinfo:
        services.reference_create(title="Bad", url="not a url", terms=[make_term("A")])
    assert "url" in excinfo.value.message_dict


def test_reference_attaches_to_terms(make_term):
    t = make_term("Transformer")
    ref = services.reference_create(
        title="Transformer explainer", url="https://poloclub.github.io/transformer-explainer/", kind="article", terms=[t]
    )
    assert list(t.references.all()) == [ref]


# Natural keys ---------------------------------------------------------------------------------


def test_natural_keys_are_slugs(make_term, is_a, relate):
    a, b = make_term("Masked language modeling"), make_term("Self-supervised learning")
    relation = relate(a, is_a, b)
    assert Term.objects.get_by_natural_key("masked-language-modeling") == a
    assert relation.natural_key() == ("masked-language-modeling", "is-a", "self-supervised-learning")
    assert Relation.objects.get_by_natural_key(*relation.natural_key()) == relation


def test_alias_language_must_be_a_language_tag(make_term):
    term = make_term("Hallucination")
    with pytest.raises(ValidationError) as excinfo:
        services.alias_create(term=term, name="Halluzination", kind="translation", language='x"Ñ')
    assert "language" in excinfo.value.message_dict
    assert services.alias_create(term=term, name="Halluzination", kind="translation", language="de-AT").language == "de-AT"
