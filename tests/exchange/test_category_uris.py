"""A group keeps the URI it has in its thesaurus: read from a SKOS collection, matched on the next
import (so a group renamed at the source is renamed here, not copied), written back by every
export, and edited in the admin and the API under the model's rules."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from glossary import services
from glossary.exchange.snapshot import category_data
from glossary.models import Category, Term
from tests.exchange.conftest import empty_glossary
from tests.web.test_category_names import import_file, import_turtle

pytestmark = pytest.mark.django_db

TH = "http://vocabularies.example.org/thesaurus/"

THESAURUS = """
th:domain1 a skos:Collection ; skos:prefLabel "Education"@en, "Éducation"@fr ; skos:member th:mt1 .
th:mt1 a isothes:ConceptGroup ; skos:prefLabel "Pets"@en ; skos:member th:c1, th:c2 .
[] a skos:Collection ; skos:prefLabel "Loose ends"@en ; skos:member th:c3 .
th:c1 a skos:Concept ; skos:prefLabel "Dog"@en .
th:c2 a skos:Concept ; skos:prefLabel "Cat"@en .
th:c3 a skos:Concept ; skos:prefLabel "String"@en .
"""


@pytest.fixture
def thesaurus(tmp_path):
    return import_turtle(tmp_path, THESAURUS)


def test_a_collection_keeps_its_uri_and_a_blank_one_has_none(thesaurus):
    assert dict(Category.objects.values_list("name", "uri")) == {
        "Education": TH + "domain1", "Pets": TH + "mt1", "Loose ends": None}


def test_a_group_renamed_at_the_source_is_renamed_here_not_copied(thesaurus, tmp_path):
    out = import_turtle(tmp_path, THESAURUS.replace('"Pets"@en', '"Companion animals"@en'), name="next.ttl")
    assert sorted(Category.objects.values_list("slug", "name")) == [
        ("education", "Education"), ("loose-ends", "Loose ends"), ("pets", "Companion animals")]
    assert set(Term.objects.filter(name__in=["Dog", "Cat"]).values_list("category__slug", flat=True)) == {"pets"}
    assert Category.objects.get(slug="pets").parent.slug == "education"
    assert "categories: 0 created, 1 updated, 2 unchanged" in out


def test_the_skos_export_writes_each_group_under_its_own_uri(thesaurus, tmp_path, settings):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    target = tmp_path / "out.ttl"
    call_command("export_glossary", format="skos", output=str(target), stderr=io.StringIO())
    g = Graph().parse(target, format="turtle")
    domain, group = URIRef(TH + "domain1"), URIRef(TH + "mt1")
    assert (group, RDF.type, SKOS.Collection) in g and (group, SKOS.prefLabel, Literal("Pets", lang="en")) in g
    assert (domain, SKOS.member, group) in g
    assert (group, SKOS.member, URIRef(TH + "c1")) in g
    loose = URIRef("https://glossary.example.org/categories/loose-ends")  # minted: it had none
    assert (loose, SKOS.member, URIRef(TH + "c3")) in g
    empty_glossary()
    import_file(target)
    assert Category.objects.get(uri=TH + "mt1").parent.uri == TH + "domain1"
    assert Category.objects.get(name="Loose ends").uri == "https://glossary.example.org/categories/loose-ends"


def test_reimporting_our_own_export_does_not_pin_the_minted_uris(thesaurus, tmp_path, settings):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    target = tmp_path / "out.ttl"
    call_command("export_glossary", format="skos", output=str(target), stderr=io.StringIO())
    out = import_file(target)
    assert Category.objects.get(name="Loose ends").uri is None
    assert "categories: 0 created, 0 updated, 3 unchanged" in out


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_uri_survives_a_json_and_a_csv_round_trip(thesaurus, tmp_path, fmt):
    target = tmp_path / f"out-{fmt}"
    call_command("export_glossary", format=fmt, output=str(target), stderr=io.StringIO())
    if fmt == "csv":
        rows = {row["slug"]: row for row in csv.DictReader(open(target / "categories.csv", encoding="utf-8"))}
        assert rows["pets"]["uri"] == TH + "mt1" and rows["loose-ends"]["uri"] == ""
    empty_glossary()
    import_file(target)
    assert dict(Category.objects.values_list("slug", "uri")) == {
        "education": TH + "domain1", "pets": TH + "mt1", "loose-ends": None}


def test_a_category_without_a_uri_exports_as_before_so_stored_releases_still_match():
    assert "uri" not in category_data(services.category_create(name="Methods"))
    assert category_data(services.category_create(name="Pets", uri=TH + "mt1"))["uri"] == TH + "mt1"


def _json_file(tmp_path, categories, terms=()):
    path = tmp_path / "file.json"
    path.write_text(json.dumps({"format": "glossary-graph", "version": 2, "categories": categories,
                                "terms": list(terms)}))
    return path


def test_a_json_file_naming_a_group_by_another_slug_finds_it_by_uri(tmp_path):
    services.category_create(name="Pets", slug="pets", uri=TH + "mt1")
    path = _json_file(tmp_path, [{"slug": "animals", "name": "Animals", "uri": TH + "mt1"},
                                 {"slug": "dogs", "name": "Dogs", "parent": "animals"}],
                      [{"slug": "rex", "name": "Rex", "category": "animals"}])
    out = import_file(path)
    assert "categories[0]: is the glossary's category 'pets' (same URI); updated under that slug" in out
    assert sorted(Category.objects.values_list("slug", "name", "parent__slug")) == [
        ("dogs", "Dogs", "pets"), ("pets", "Animals", None)]
    assert Term.objects.get(slug="rex").category.slug == "pets"


@pytest.mark.parametrize(("categories", "message"), [
    ([{"slug": "a", "name": "A", "uri": TH + "x"}, {"slug": "b", "name": "B", "uri": TH + "x"}],
     f"categories[1].uri: '{TH}x' appears twice (first at categories[0])"),
    ([{"slug": "a", "name": "A", "uri": "not a uri"}], "categories[0].uri: Enter an absolute URI"),
    ([{"slug": "a", "name": "A", "uri": "https://example.org/a b"}], "categories[0].uri: A URI cannot contain a space"),
    ([{"slug": "pets", "name": "P"}, {"slug": "b", "name": "B", "uri": TH + "mt1"}],
     "categories[1]: is the glossary's category 'pets', as categories[0] is"),
])
def test_a_file_with_a_bad_or_shared_uri_is_refused_naming_the_place_and_nothing_changes(tmp_path, categories, message):
    services.category_create(name="Pets", slug="pets", uri=TH + "mt1")
    with pytest.raises(CommandError) as refused:
        import_file(_json_file(tmp_path, categories))
    assert message in str(refused.value)
    assert list(Category.objects.values_list("slug", "name", "uri")) == [("pets", "Pets", TH + "mt1")]


# The admin and the page (the API: tests/api/test_resources.py) ----------------------------------------------------------------


def test_the_admin_edits_a_groups_uri(admin_client):
    pets = services.category_create(name="Pets", slug="pets")
    response = admin_client.post(f"/admin/glossary/category/{pets.pk}/change/", {
        "name": "Pets", "slug": "pets", "uri": TH + "mt1", "description": "", "color": "#64748b", "names": "",
        "parent": ""})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Category.objects.get(slug="pets").uri == TH + "mt1"
    response = admin_client.post(f"/admin/glossary/category/{pets.pk}/change/", {
        "name": "Pets", "slug": "pets", "uri": "mt1", "description": "", "color": "#64748b", "names": "", "parent": ""})
    assert response.status_code == 200 and "Enter an absolute URI" in response.content.decode()
    assert Category.objects.get(slug="pets").uri == TH + "mt1"


def test_the_category_page_offers_the_groups_uri_to_copy(client, settings):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    services.category_create(name="Pets", slug="pets", uri=TH + "mt1")
    services.category_create(name="Methods", slug="methods")
    page = client.get("/categories/pets/").content.decode()
    assert f'<input id="collection-uri" class="js-copy-source" type="text" value="{TH}mt1" readonly>' in page
    minted = client.get("/categories/methods/").content.decode()
    assert 'value="https://glossary.example.org/categories/methods" readonly>' in minted
    assert "glossary/copy" in minted  # the Copy button's script


def test_a_new_group_that_takes_a_renamed_groups_old_label_is_a_group_of_its_own(thesaurus, tmp_path):
    renamed = THESAURUS.replace('"Pets"@en', '"Companion animals"@en') + (
        'th:mt9 a skos:Collection ; skos:prefLabel "Pets"@en ; skos:member th:c3 .\n')
    import_turtle(tmp_path, renamed, name="next.ttl")
    assert sorted(Category.objects.values_list("slug", "name", "uri")) == [
        ("education", "Education", TH + "domain1"), ("loose-ends", "Loose ends", None),
        ("pets", "Companion animals", TH + "mt1"), ("pets-2", "Pets", TH + "mt9")]
    assert Term.objects.get(name="String").category.slug == "pets-2"


@pytest.mark.parametrize("renamed", [
    {"domain3": "Culture and heritage", "mt3": "Culture"},  # a group takes its domain's former name
    {"domain3": "Culture (mt3)", "mt3": "Culture"},  # two groups swap names
])
def test_groups_may_take_each_others_former_names_in_one_import(tmp_path, renamed):
    services.category_create(name="Culture", slug="culture", uri=TH + "domain3")
    services.category_create(name="Culture (mt3)", slug="culture-2", uri=TH + "mt3")
    import_file(_json_file(tmp_path, [{"slug": slug, "name": name, "uri": TH + slug}
                                      for slug, name in renamed.items()]))
    assert dict(Category.objects.values_list("uri", "name")) == {TH + slug: name for slug, name in renamed.items()}


def test_collections_without_a_colour_each_get_one_of_their_own_and_keep_it_on_a_reimport(tmp_path):
    taken = set(Category.objects.values_list("color", flat=True))
    import_turtle(tmp_path, THESAURUS + """
th:tools a skos:Collection ; skos:prefLabel "Tools"@en ; skos:member th:c4 .
th:c4 a skos:Concept ; skos:prefLabel "Hammer"@en .
""")
    colors = dict(Category.objects.filter(name__in=["Education", "Pets", "Loose ends", "Tools"])
                  .values_list("name", "color"))
    assert len(colors) == 4 and len(set(colors.values())) == 4  # told apart in the graph's legend
    assert Category._meta.get_field("color").default not in colors.values()
    assert not taken & set(colors.values())
    # A re-import keeps the colours given (a curator may have changed one since).
    services.category_update(category=Category.objects.get(name="Tools"), color="#123456")
    import_turtle(tmp_path, THESAURUS)
    assert Category.objects.get(name="Tools").color == "#123456"
    assert dict(Category.objects.filter(name__in=colors).exclude(name="Tools").values_list("name", "color")) == {
        name: color for name, color in colors.items() if name != "Tools"}
