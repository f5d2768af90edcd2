"""The History page of a term: versions, a readable diff between any two, and who may see what."""

import pytest
from django.urls import reverse

from glossary import services
from glossary.models import Term
from glossary.versions import term_versions


def history_url(term, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("glossary:term-history", kwargs={"slug": term.slug}) + (f"?{query}" if query else "")


def test_the_term_page_links_to_its_history(client, llm):
    page = client.get(llm.get_absolute_url()).content.decode()
    assert f'href="{history_url(llm)}"' in page


def test_the_history_page_lists_every_version_newest_first(client, llm):
    page = client.get(history_url(llm)).content.decode()
    numbers = [int(chunk.split("<")[0]) for chunk in page.split("<strong>Version ")[1:]]
    assert numbers == [4, 3, 2, 1]
    assert "label added" in page and "relation added" in page


def test_the_diff_shows_changed_fields_word_by_word(client, llm):
    page = client.get(history_url(llm, **{"from": 1, "to": 2})).content.decode()
    assert "Version 1 → version 2" in page
    assert "Short definition" in page
    assert "A<ins> large</ins> model of <ins>human </ins>text." in page
    assert "<ins>Predicts the next token.</ins>" in page  # the body, from nothing


def test_the_diff_shows_labels_and_relations_added(client, llm):
    page = client.get(history_url(llm, **{"from": 2, "to": 4})).content.decode()
    assert '<li class="added"><ins><span lang="en" dir="auto">LLM</span></ins>' in page
    assert 'is a <a href="/terms/foundation-model/">Foundation model</a>' in page
    assert "Short definition" not in page


def test_the_other_end_of_a_relation_shows_it_under_the_inverse_label(client, llm):
    from glossary.models import Term

    foundation = Term.objects.get(slug="foundation-model")
    page = client.get(history_url(foundation, to=2)).content.decode()
    assert 'has subtype <a href="/terms/large-language-model/">Large language model</a>' in page


def test_the_diff_of_removed_things_shows_them_removed(client, llm):
    services.term_update(term=llm, body="")
    relation = llm.relations_out.get()
    services.relation_delete(relation=relation)
    page = client.get(history_url(llm, **{"from": 4, "to": 6})).content.decode()
    assert "<del>Predicts the next token.</del>" in page
    assert '<li class="removed"><del>is a <a href="/terms/foundation-model/">Foundation model</a></del>' in page


def test_every_text_in_a_diff_is_escaped(client, make_term):
    term = make_term("Escaping", short_definition="plain")
    services.term_update(term=term, short_definition="<script>alert(1)</script> & more")
    page = client.get(history_url(term, to=2)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_unknown_version_is_a_404(client, llm):
    assert client.get(history_url(llm, to=99)).status_code == 404
    assert client.get(history_url(llm, to="x")).status_code == 404


def test_readers_see_only_versions_in_which_the_term_was_public(client, staff_client, make_term):
    term = make_term("Mixture of experts", status="draft", short_definition="Secret wording.")
    services.term_update(term=term, status="published", short_definition="Public wording.")
    services.term_update(term=term, short_definition="Better public wording.")

    reader_page = client.get(history_url(term)).content.decode()
    assert "<strong>Version 1</strong>" not in reader_page
    assert "<strong>Version 2</strong>" in reader_page and "<strong>Version 3</strong>" in reader_page
    assert client.get(history_url(term, **{"from": 1, "to": 2})).status_code == 404
    assert "Secret" not in client.get(history_url(term, to=2)).content.decode()

    staff_page = staff_client.get(history_url(term)).content.decode()
    assert "<strong>Version 1</strong>" in staff_page
    assert "<del>Secret</del>" in staff_client.get(history_url(term, to=2)).content.decode()


def test_readers_get_a_404_for_the_history_of_a_draft(client, staff_client, make_term):
    term = make_term("Unreleased", status="draft")
    assert client.get(history_url(term)).status_code == 404
    assert staff_client.get(history_url(term)).status_code == 200


def test_readers_do_not_see_relations_to_drafts_in_a_diff(client, make_term, is_a):
    public = make_term("Public idea")
    draft = make_term("Hidden idea", status="draft")
    services.relation_create(source=public, type=is_a, target=draft)
    page = client.get(history_url(public, to=2)).content.decode()
    assert "Hidden idea" not in page


def test_an_import_version_names_its_change_set_file_and_counts(client, db, tmp_path):
    from tests.curation.test_history_recording import _import_file
    from django.core.management import call_command
    from glossary.models import Term

    path = _import_file(tmp_path, [("cat", "A feline.")])
    call_command("import_glossary", str(path), quiet=True, stdout=open("/dev/null", "w"))
    page = client.get(history_url(Term.objects.get(slug="cat"))).content.decode()
    assert "team-glossary.json" in page and "terms 1 created" in page


def test_staff_see_a_revert_button_per_earlier_version_and_readers_none(client, staff_client, llm):
    assert "Revert to version" not in client.get(history_url(llm)).content.decode()
    page = staff_client.get(history_url(llm)).content.decode()
    assert page.count('href="?revert=') == len(term_versions(llm)) - 1
    assert 'method="post"' not in page.split("</header>", 1)[1]  # nothing reverts in one click


def test_a_revert_is_confirmed_first_above_what_it_would_change_and_only_staff_are_asked(
        client, staff_client, llm):
    services.term_update(term=llm, short_definition="A newer wording.")
    first, latest = term_versions(llm)[0].number, term_versions(llm)[-1].number
    page = staff_client.get(history_url(llm, revert=first)).content.decode()
    assert f"Revert to version {first}?" in page
    assert f'action="{reverse("glossary:term-revert", kwargs={"slug": llm.slug, "number": first})}"' in page
    assert f"Version {latest} → version {first}" in page and "<del>newer</del>" in page  # what the revert undoes
    assert Term.objects.get(pk=llm.pk).short_definition == "A newer wording."  # the GET changed nothing
    for refused in (latest, 999, "x"):  # the current version, one that is not there, not a number
        assert 'class="panel revert-confirm"' not in staff_client.get(history_url(llm, revert=refused)).content.decode()
    assert 'class="panel revert-confirm"' not in client.get(history_url(llm, revert=first)).content.decode()


@pytest.mark.parametrize("extra_versions", [0, 12])
def test_the_history_page_reads_a_fixed_number_of_queries(client, llm, extra_versions, django_assert_max_num_queries):
    for i in range(extra_versions):
        services.term_update(term=llm, short_definition=f"Wording {i}.")
        services.label_create(term=llm, text=f"Alias {i}", language="en")
    with django_assert_max_num_queries(18):
        assert client.get(history_url(llm, **{"from": 1, "to": 3})).status_code == 200


def test_a_term_loaded_without_history_has_a_version_0_as_it_is(client, seed, is_a):
    from glossary.models import Term

    rag = Term.objects.get(slug="retrieval-augmented-generation")
    services.label_create(term=rag, text="RAG pipeline", language="en")
    page = client.get(history_url(rag, to=1)).content.decode()
    assert "Version 0 → version 1" in page
    assert '<li class="added"><ins><span lang="en" dir="auto">RAG pipeline</span></ins>' in page
    assert page.count('<li class="added">') == 1  # the seed's own labels were there before


def test_the_seed_loader_records_the_seed_as_every_terms_first_version(client, db):
    from django.core.management import call_command
    from glossary.models import Term

    call_command("load_seed_if_empty", stdout=open("/dev/null", "w"))
    rag = Term.objects.get(slug="retrieval-augmented-generation")
    services.term_update(term=rag, short_definition=rag.short_definition + " Grounded.")
    versions = term_versions(rag)
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].reason == "Recorded when the history began"
    page = client.get(history_url(rag, to=2)).content.decode()
    assert "Version 1 → version 2" in page and "<ins> Grounded.</ins>" in page
    assert "Labels" not in page
