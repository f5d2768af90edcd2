"""Revert: staff bring a term back to an earlier version through the services; a refused revert changes nothing."""

from django.urls import reverse

from glossary import services
from glossary.models import ChangeSetKind, Relation, Term
from glossary.versions import term_versions


def revert_url(term, number):
    return reverse("glossary:term-revert", kwargs={"slug": term.slug, "number": number})


def test_a_revert_brings_back_fields_labels_and_relations_as_a_new_version(staff_client, staff_user, llm):
    response = staff_client.post(revert_url(llm, 1))
    assert response.status_code == 302

    llm.refresh_from_db()
    assert llm.short_definition == "A model of text." and llm.body == ""
    assert not llm.labels.filter(text="LLM").exists()
    assert not llm.relations_out.exists()
    versions = term_versions(llm)
    assert len(versions) == 5
    last = versions[-1]
    assert last.reason == "Reverted to version 1"
    assert last.user == staff_user
    assert last.change_set.kind == ChangeSetKind.REVERT
    assert last.state.labels == versions[0].state.labels
    assert last.state.fields["short_definition"] == versions[0].state.fields["short_definition"]


def test_a_revert_brings_back_a_removed_relation_and_notes(staff_client, llm, is_a):
    services.note_create(term=llm, kind="example", language="en", text="ChatGPT.")
    number = len(term_versions(llm))
    services.relation_delete(relation=llm.relations_out.get())
    services.term_update(term=llm, notes=[])

    staff_client.post(revert_url(llm, number))
    assert llm.relations_out.get().target.slug == "foundation-model"
    assert list(llm.notes.values_list("text", flat=True)) == ["ChatGPT."]


def mammal_with_a_revert_that_closes_a_cycle(make_term, is_a):
    """Mammal's version 3: "a vertebrate is a mammal, a mammal is an animal" — then, with the last gone,
    "an animal is a vertebrate" was added: bringing version 3 back would close a cycle."""
    animal, mammal, vertebrate = make_term("Animal"), make_term("Mammal"), make_term("Vertebrate")
    services.relation_create(source=vertebrate, type=is_a, target=mammal)             # mammal v2
    services.relation_create(source=mammal, type=is_a, target=animal)                 # mammal v3
    services.relation_delete(relation=mammal.relations_out.get(target=animal))        # mammal v4
    services.relation_create(source=animal, type=is_a, target=vertebrate)
    return mammal


def test_a_revert_that_would_close_a_cycle_is_refused_and_changes_nothing(staff_client, make_term, is_a):
    mammal = mammal_with_a_revert_that_closes_a_cycle(make_term, is_a)
    services.term_update(term=mammal, short_definition="Has fur.")

    def snapshot():
        return (sorted(Relation.objects.values_list("source", "type", "target")), len(term_versions(mammal)),
                Term.objects.get(pk=mammal.pk).short_definition)

    before = snapshot()
    page = staff_client.post(revert_url(mammal, 3), follow=True).content.decode()
    assert "Version 3 was not restored" in page and "would create a cycle" in page
    assert snapshot() == before


def test_readers_and_non_staff_editors_cannot_revert(client, editor, llm):
    assert client.post(revert_url(llm, 1)).status_code == 403
    client.force_login(editor)
    assert client.post(revert_url(llm, 1)).status_code == 403
    assert len(term_versions(llm)) == 4


def test_revert_needs_a_post_with_a_csrf_token(staff_user, llm):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff_user)
    assert strict.get(revert_url(llm, 1)).status_code == 405
    assert strict.post(revert_url(llm, 1)).status_code == 403
    assert len(term_versions(llm)) == 4


def test_reverting_to_an_unknown_version_is_a_404(staff_client, llm):
    assert staff_client.post(revert_url(llm, 42)).status_code == 404


def test_rows_from_before_the_history_count_in_every_version(staff_client, seed):
    """The seed is loaded without signals: its labels and relations have no historical rows."""
    rag = Term.objects.get(slug="retrieval-augmented-generation")
    labels, relations = set(rag.labels.values_list("text", flat=True)), rag.relations_out.count()
    services.term_update(term=rag, short_definition="Reworded.")
    services.label_create(term=rag, text="RAG pipeline", language="en")

    first = term_versions(rag)[0]
    assert {text for text, *_ in first.state.labels} == labels
    assert len([r for r in first.state.relations if r[0] == rag.pk]) == relations

    assert staff_client.post(revert_url(rag, 1)).status_code == 302
    assert set(rag.labels.values_list("text", flat=True)) == labels
    assert rag.relations_out.count() == relations
