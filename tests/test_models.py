"""The domain rules of DESIGN.md §2, enforced through the services (and the database)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from glossary import services
from glossary.models import Label, Relation, Term, TermStatus


def error_messages(excinfo):
    return " ".join(excinfo.value.messages)


# Terms -------------------------------------------------------------------------------------


def test_term_slug_is_generated_from_the_name(make_term):
    assert make_term("Retrieval-Augmented Generation").slug == "retrieval-augmented-generation"


def test_slugs_spell_names_of_any_script_in_latin_letters(make_term):
    # Django's slugify alone drops every letter it cannot spell in ASCII: "Λόγος" became "item".
    assert make_term("Λόγος").slug == "logos"
    assert make_term("Ёлка").slug == "elka"
    assert make_term("Straße").slug == "strasse"
    assert make_term("Søren's model").slug == "sorens-model"
    assert make_term("大语言模型").slug == "dayuyanmoxing"
    assert make_term("λόγος (έννοια)").slug == "logos-ennoia"


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


# Labels -------------------------------------------------------------------------------------


def labels(term):
    return sorted(term.labels.values_list("text", "language", "kind"))


def test_a_terms_name_is_its_preferred_label_in_the_glossarys_language(make_term):
    term = make_term("Large language model")
    assert labels(term) == [("Large language model", "en", "preferred")]
    services.term_update(term=term, name="Large Language Model")
    assert labels(term) == [("Large Language Model", "en", "preferred")]


def test_an_alternative_label_may_be_shared_between_terms(make_term):
    gpt3 = make_term("GPT-3", aliases=[{"name": "GPT", "kind": "abbreviation"}])
    gpt4 = make_term("GPT-4")
    services.label_create(term=gpt4, text="gpt", language="en", kind="alternative")
    assert Label.objects.filter(text__iexact="gpt").count() == 2
    assert gpt3.labels.get(text="GPT").subkind == "abbreviation"


def test_a_preferred_label_of_a_current_term_is_refused_on_another_naming_both(make_term):
    make_term("Hallucination", aliases=[{"name": "Halluzination", "kind": "translation", "language": "de"}])
    other = make_term("Confabulation")
    with pytest.raises(ValidationError) as excinfo:
        services.label_create(term=other, text="halluzination", language="de", kind="preferred")
    message = error_messages(excinfo)
    assert "“Hallucination”" in message and "“Confabulation”" in message
    # The same text in another language is another label.
    services.label_create(term=other, text="Halluzination", language="de-AT", kind="preferred")


def test_a_deprecated_term_may_keep_the_label_a_newer_term_now_carries(make_term):
    old = make_term("Bard")
    services.term_update(term=old, status=TermStatus.DEPRECATED)
    new = make_term("bard")
    assert new.name == "bard" and Term.objects.filter(name__iexact="bard").count() == 2
    with pytest.raises(ValidationError) as excinfo:
        services.term_update(term=old, status=TermStatus.PUBLISHED)
    assert "name" in excinfo.value.message_dict


def test_a_term_has_one_preferred_label_per_language(make_term):
    term = make_term("Fine-tuning")
    with pytest.raises(ValidationError) as excinfo:
        services.term_update(term=term, labels=[
            {"text": "Fine-tuning", "language": "en", "kind": "preferred"},
            {"text": "Finetuning", "language": "en", "kind": "preferred"},
        ])
    assert "one preferred label per language" in error_messages(excinfo)
    assert labels(term) == [("Fine-tuning", "en", "preferred")]


def test_a_label_text_is_used_once_per_term_and_language(make_term):
    term = make_term("Attention", aliases=[{"name": "Self-attention"}])
    with pytest.raises(ValidationError) as excinfo:
        services.label_create(term=term, text="self-attention", language="en", kind="hidden")
    assert "given twice" in error_messages(excinfo)
    services.label_create(term=term, text="Self-attention", language="de", kind="alternative")


def test_the_name_follows_the_preferred_labels(make_term):
    term = make_term("Hallucination")
    services.term_update(term=term, labels=[
        {"text": "Hallusinaatio", "language": "fi", "kind": "preferred"},
        {"text": "Hallucination", "language": "en", "kind": "alternative"},
    ])
    term.refresh_from_db()
    assert term.name == "Hallusinaatio"
    label = services.label_create(term=term, text="AI hallucination", language="en", kind="preferred")
    term.refresh_from_db()
    assert term.name == "AI hallucination"
    with pytest.raises(ValidationError):
        # The last preferred label cannot go: the term would have no name.
        services.label_update(label=term.labels.get(text="Hallusinaatio"), kind="alternative")
        services.label_update(label=label, kind="alternative")


def test_sending_back_the_name_of_a_term_known_only_in_another_language_changes_nothing(make_term):
    term = make_term(labels=[{"text": "Kissa", "language": "fi", "kind": "preferred"}])
    assert term.name == "Kissa"
    services.term_update(term=term, name="Kissa", name_language="fi")
    services.term_update(term=term, name="Kissa")
    assert labels(term) == [("Kissa", "fi", "preferred")]


def test_a_name_that_contradicts_the_labels_given_with_it_is_refused(make_term):
    term = make_term("Transformer")
    with pytest.raises(ValidationError) as excinfo:
        services.term_update(term=term, name="Transformer model",
                             labels=[{"text": "Transformer", "language": "en", "kind": "preferred"}])
    assert "name" in excinfo.value.message_dict


def test_labels_notes_and_mappings_are_replaced_by_the_lists_given(make_term):
    term = make_term("Large language model", aliases=[{"name": "LLM", "kind": "abbreviation"}, {"name": "LLMs"}])
    services.term_update(
        term=term,
        labels=[{"text": "Large language model", "language": "en", "kind": "preferred"},
                {"text": "llm", "language": "en", "kind": "alternative", "subkind": "abbreviation"}],
        notes=[{"kind": "definition", "language": "de", "text": "Ein großes Sprachmodell."}],
        mappings=[{"kind": "exact", "uri": "http://www.wikidata.org/entity/Q115305900"}],
    )
    assert sorted(term.labels.values_list("text", flat=True)) == ["Large language model", "llm"]
    assert list(term.notes.values_list("kind", "language")) == [("definition", "de")]
    assert term.mappings.get().uri.endswith("Q115305900")


def test_mapping_and_term_uris_must_be_writable_in_every_rdf_syntax(make_term):
    with pytest.raises(ValidationError) as excinfo:
        make_term("Pipe", uri="https://example.org/a|b")
    assert "uri" in excinfo.value.message_dict
    term = make_term("Pipe", uri="https://example.org/a%7Cb")
    with pytest.raises(ValidationError) as excinfo:
        services.mapping_create(term=term, uri='https://example.org/"quoted"')
    assert "uri" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.reference_create(title="Bad", url="https://example.org/{x}")


def test_term_uris_are_unique_but_optional(make_term):
    make_term("One")
    make_term("Two", uri="")
    make_term("Three", uri="https://example.org/3")
    with pytest.raises(ValidationError) as excinfo:
        make_term("Four", uri="https://example.org/3")
    assert "uri" in excinfo.value.message_dict
    assert Term.objects.filter(uri__isnull=True).count() == 2


def test_text_with_a_nul_character_is_refused_with_the_field_named(make_term):
    with pytest.raises(ValidationError) as excinfo:
        make_term("Null", short_definition="before\x00after")
    assert "NUL" in " ".join(excinfo.value.message_dict["short_definition"])


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


def test_label_language_must_be_a_language_tag(make_term):
    term = make_term("Hallucination")
    with pytest.raises(ValidationError) as excinfo:
        services.label_create(term=term, text="Halluzination", kind="preferred", language='x"Ñ')
    assert "language" in excinfo.value.message_dict
    assert services.label_create(term=term, text="Halluzination", kind="preferred", language="de-AT").language == "de-AT"


def test_a_terms_checks_find_a_taken_name_and_label_through_indexes_not_by_reading_every_term(db):
    # name__iexact and text__iexact compared UPPER(…), which no index holds: every term save
    # read all terms and labels (120 ms at 100,000 terms).
    from glossary.rules import LabelData
    from tests.plans import reads_not_by_key, statements_of
    from tests.test_resolver import many_terms

    many_terms()
    newcomer = Term(name="CONCEPT 00042", slug="newcomer", status="published")

    def name_errors():
        try:
            newcomer.full_clean()
        except ValidationError as error:
            return error.message_dict
        return {}

    errors, statements = statements_of(name_errors)
    assert "name" in errors
    conflicts, more = statements_of(newcomer.preferred_label_conflicts, [LabelData("concept  01234", "en", "preferred")])
    assert len(conflicts) == 1 and "Concept 01234" in conflicts[0]
    keys = ["id", "slug", "uri", "name", "<expr>", "folded", "term_id"]
    assert reads_not_by_key([s for s in statements + more if s[0].lstrip().upper().startswith("SELECT")], keys) == []
