"""Where a name sorts and which letter it is filed under (`Term.sort_key`, `Term.initial`, the same
on labels) are stored with it, from the name, by every way a term or a label is written."""

import json

import pytest
from django.core.management import call_command

from glossary import rules, services
from glossary.models import Label, Term


def stored_wrong(model, text_field, language_of):
    """The rows whose stored place is not the one their text has; [] when every row is right."""
    return [(getattr(row, text_field), row.sort_key, row.initial) for row in model.objects.all()
            if (row.sort_key, row.initial) != (rules.sort_key(getattr(row, text_field), language_of(row)),
                                               rules.initial_of(getattr(row, text_field), language_of(row)))]


def test_every_way_a_term_or_label_is_written_keeps_its_place_in_the_a_to_z(make_term, db, tmp_path, settings):
    from glossary.exchange.formats import read_file
    from glossary.exchange.importer import import_document
    from glossary.management.commands.load_seed_if_empty import SEED
    from tests.exchange.conftest import small_document

    term = make_term("Élan", aliases=[{"name": "Ärm", "language": "sv"}])  # the services
    assert (term.sort_key, term.initial) == (rules.sort_key("Élan", "en"), "E")
    assert Label.objects.get(text="Ärm").initial == "Ä"  # in Swedish, a letter of its own
    services.term_update(term=term, name="Öl")  # a rename
    assert Term.objects.get(pk=term.pk).initial == "O"
    term.name = "Zeal"
    term.save()  # a plain save: the admin's, a history revert's
    assert Term.objects.get(pk=term.pk).initial == "Z"
    Term.objects.bulk_create([Term(name="Ångström", slug="angstrom")])
    Term.objects.bulk_update([Term(pk=term.pk, name="Ψ")], ["name"])
    Label.objects.bulk_create([Label(term=term, text="Ärm", language="de")])
    assert Label.objects.get(text="Ärm", language="de").initial == "A"
    call_command("loaddata", SEED, verbosity=0)  # raw rows, as the seed is loaded
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(small_document(terms=[
        {"slug": "elevage", "name": "Élevage", "aliases": [{"name": "Äppelträd", "language": "sv"}]},
    ], relations=[], references=[])), encoding="utf-8")
    import_document(read_file(path))  # plain tuples, COPY on PostgreSQL
    assert Term.objects.get(slug="elevage").initial == "E"
    call_command("generate_glossary", terms=20, relations=0, seed=5, verbosity=0)  # bulk_create
    assert stored_wrong(Term, "name", lambda _: "en") == []
    assert stored_wrong(Label, "text", lambda label: label.language) == []


def test_refile_names_follows_a_change_of_the_glossarys_language(make_term, client, settings):
    """Term names sort and file in the glossary's language: after GLOSSARY_LANGUAGE changes,
    ``manage.py refile_names`` files them again, and the pages show it at once."""
    make_term("Äly")
    assert Term.objects.get().initial == "A"
    assert 'aria-label="Terms starting with A"' in client.get("/").content.decode()
    settings.GLOSSARY_LANGUAGE = "fi"
    call_command("refile_names", verbosity=0)
    assert Term.objects.get().initial == "Ä"
    html = client.get("/").content.decode()  # the kept letters were read again
    assert 'aria-label="Terms starting with Ä"' in html and 'aria-label="Terms starting with A"' not in html


@pytest.mark.parametrize("text, language, letter", [
    ("Église", "fr", "E"), ("ärm", "de", "A"), ("ärm", "sv", "Ä"), ("ñu", "es", "Ñ"), ("ñu", "en", "N"),
    ("ёлка", "ru", "Е"), ("йод", "ru", "Й"), ("إنسان", "ar", "ا"), ("大语言模型", "zh", "D"), ("chléb", "cs", "CH"),
    ("λόγος", "en", "Λ"), ("3D", "en", "3"), ("“quoted”", "en", "“"), ("", "en", ""),
])
def test_a_name_is_filed_under_the_letter_its_languages_alphabet_has(text, language, letter):
    assert rules.initial_of(text, language) == letter


def test_names_sort_as_their_language_does():
    assert sorted(["bovin", "Église", "bétail", "eau", "zèbre"], key=lambda n: rules.sort_key(n, "fr")) == [
        "bétail", "bovin", "eau", "Église", "zèbre"]
    # Swedish puts Ä after Z, German with A.
    assert sorted(["Ära", "Zebra", "Anna"], key=lambda n: rules.sort_key(n, "sv")) == ["Anna", "Zebra", "Ära"]
    assert sorted(["Ära", "Zebra", "Anna"], key=lambda n: rules.sort_key(n, "de")) == ["Anna", "Ära", "Zebra"]
    assert len(rules.sort_key("x" * 200, "en")) <= rules.SORT_KEY_LENGTH


def test_a_letter_of_two_is_a_letter_of_the_index_where_the_alphabet_has_it(make_term, client, settings):
    """Czech files "chléb" under CH, a letter after H, not under C."""
    settings.GLOSSARY_LANGUAGE = "cs"
    for name in ("Chléb", "Cibule", "Hrách", "Čaj"):
        make_term(name)
    names = lambda r: [t.name for t in r.context["page"]]  # noqa: E731
    assert names(client.get("/terms/", {"letter": "ch"})) == ["Chléb"]
    assert names(client.get("/terms/", {"letter": "c"})) == ["Cibule"]
    assert names(client.get("/terms/")) == ["Cibule", "Čaj", "Hrách", "Chléb"]
    assert [t["name"] for t in client.get("/api/terms/", {"letter": "CH"}).json()["results"]] == ["Chléb"]
    assert client.get("/terms/", {"letter": "chle"}).status_code == 400


@pytest.mark.parametrize("asked, language, letter", [
    ("é", "fr", "E"), ("ä", "sv", "Ä"), ("ä", "de", "A"), ("ch", "cs", "CH"), ("ab", "en", "AB"), ("ё", "en", "Е"),
])
def test_the_letter_asked_for_is_the_letter_of_the_index_it_is_filed_under(asked, language, letter):
    assert rules.letter_asked(asked, language) == letter


@pytest.mark.django_db
def test_the_database_orders_sort_keys_byte_by_byte():
    """The keys are hex digits: PostgreSQL compares them in the "C" collation (the database's own
    only made each comparison slower, 114 ms against 72 for a reader's order of 100,000 terms)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT table_name, collation_name FROM information_schema.columns "
                           "WHERE column_name = 'sort_key' AND table_name IN ('glossary_term', 'glossary_label') "
                           "ORDER BY table_name")
            assert cursor.fetchall() == [("glossary_label", "C"), ("glossary_term", "C")]
    Term.objects.bulk_create(Term(name=name, slug=f"t{i}") for i, name in enumerate(
        ["zèbre", "Église", "eau", "bovin", "bétail", "Ärm", "9 lives", "λόγος", "ёлка", "大语言模型", "a", "Ab", "á"]))
    # The database's order of the keys is the collation's order of the names.
    assert list(Term.objects.order_by("sort_key").values_list("name", flat=True)) == [
        "9 lives", "a", "á", "Ab", "Ärm", "bétail", "bovin", "eau", "Église", "zèbre", "λόγος", "ёлка", "大语言模型"]
