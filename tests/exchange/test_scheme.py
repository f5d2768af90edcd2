"""The glossary is one vocabulary: a SKOS file of one concept scheme makes the glossary that
scheme (URI, title in each language, description), exports write it back, the home page shows
its title, and a file of another scheme does not take its place."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from glossary.models import Scheme, Term
from tests.exchange.conftest import empty_glossary
from tests.web.test_category_names import import_file, import_turtle

pytestmark = pytest.mark.django_db

TH = "http://vocabularies.example.org/thesaurus"
ONE_SCHEME = """
@prefix dct: <http://purl.org/dc/terms/> .
<http://vocabularies.example.org/thesaurus> a skos:ConceptScheme ;
    skos:prefLabel "Example Thesaurus"@en, "Thésaurus exemple"@fr, "مكنز المثال"@ar ;
    dct:description "A thesaurus of education and science."@en ;
    dct:license <https://creativecommons.org/licenses/by-sa/3.0/igo/> ;
    skos:hasTopConcept th:c1 .
th:c1 a skos:Concept ; skos:prefLabel "Curriculum"@en ; skos:inScheme <http://vocabularies.example.org/thesaurus> ;
    skos:topConceptOf <http://vocabularies.example.org/thesaurus> .
th:c2 a skos:Concept ; skos:prefLabel "Syllabus"@en ; skos:broader th:c1 ;
    skos:inScheme <http://vocabularies.example.org/thesaurus> .
"""


@pytest.fixture
def thesaurus(tmp_path):
    return import_turtle(tmp_path, ONE_SCHEME)


def test_a_file_of_one_scheme_makes_the_glossary_that_scheme(thesaurus):
    scheme = Scheme.current()
    assert (scheme.uri, scheme.title, scheme.description) == (
        TH, "Example Thesaurus", "A thesaurus of education and science.")
    assert scheme.titles == {"fr": "Thésaurus exemple", "ar": "مكنز المثال"}
    assert "scheme: 1 created" in thesaurus
    assert "not kept: its" not in thesaurus  # the scheme is kept
    assert "dct:license: on 1 concept scheme" in thesaurus  # what of it is not


def test_the_skos_export_writes_the_scheme_back_and_reads_back_unchanged(thesaurus, tmp_path, settings):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    target = tmp_path / "out.ttl"
    call_command("export_glossary", format="skos", output=str(target), stderr=io.StringIO())
    g = Graph().parse(target, format="turtle")
    scheme = URIRef(TH)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    assert (scheme, SKOS.prefLabel, Literal("Thésaurus exemple", lang="fr")) in g
    assert (scheme, DCTERMS.title, Literal("Example Thesaurus", lang="en")) in g
    assert (URIRef(TH + "/c2"), SKOS.inScheme, scheme) in g
    assert (scheme, SKOS.hasTopConcept, URIRef(TH + "/c1")) in g
    assert "scheme: 0 created, 0 updated, 1 unchanged" in import_file(target)
    empty_glossary()
    Scheme.objects.all().delete()
    import_file(target)
    assert (Scheme.current().uri, Scheme.current().titles["ar"]) == (TH, "مكنز المثال")


def test_the_scheme_survives_a_json_round_trip(thesaurus, tmp_path):
    target = tmp_path / "out.json"
    call_command("export_glossary", format="json", output=str(target), stderr=io.StringIO())
    assert json.loads(target.read_text())["scheme"]["uri"] == TH
    Scheme.objects.all().delete()
    import_file(target)
    assert Scheme.current().title == "Example Thesaurus"


def test_a_glossary_without_a_scheme_exports_as_before(seed, tmp_path, settings):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    target = tmp_path / "out.json"
    call_command("export_glossary", format="json", output=str(target), stderr=io.StringIO())
    assert "scheme" not in json.loads(target.read_text())
    skos = tmp_path / "out.ttl"
    call_command("export_glossary", format="skos", output=str(skos), stderr=io.StringIO())
    g = Graph().parse(skos, format="turtle")
    assert (URIRef("https://glossary.example.org/"), DCTERMS.title, Literal("Glossary Graph", lang="en")) in g
    out = import_file(skos)  # our own minted scheme is not taken for one of the glossary's own
    assert "scheme:" not in out and not Scheme.objects.exists()


def test_a_file_of_another_scheme_does_not_take_the_glossarys_place(thesaurus, tmp_path):
    out = import_turtle(tmp_path, ONE_SCHEME.replace("<http://vocabularies.example.org/thesaurus>",
                                                     "<http://other.example.org/vocab>")
                        .replace("Example Thesaurus", "Other"), name="other.ttl")
    assert (f"<http://other.example.org/vocab>: the glossary is the concept scheme <{TH}>; "
            "this file's scheme is not kept") in out
    assert Scheme.current().title == "Example Thesaurus"
    assert Term.objects.count() == 2  # the concepts matched by URI came in all the same


def test_bad_scheme_fields_in_a_json_file_are_refused_with_their_place(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "glossary-graph", "version": 2,
                                "scheme": {"uri": "not a uri", "titles": {"en": "Mine"}, "colour": "red"}}))
    with pytest.raises(CommandError) as refused:
        import_file(path)
    message = str(refused.value)
    assert "scheme.colour: unknown field" in message
    assert not Scheme.objects.exists()
    path.write_text(json.dumps({"format": "glossary-graph", "version": 2,
                                "scheme": {"uri": "not a uri", "titles": {"en": "Mine"}}}))
    with pytest.raises(CommandError) as refused:
        import_file(path)
    assert "scheme.uri: Enter an absolute URI" in str(refused.value)
    assert not Scheme.objects.exists()


def test_the_home_page_shows_the_schemes_title_in_the_readers_language(thesaurus, client):
    page = client.get("/?lang=fr").content.decode()
    assert '<h1 id="home-title" dir="auto">Thésaurus exemple</h1>' in page
    assert "<title>Thésaurus exemple — Glossary Graph</title>" in page
    assert '<p class="lead" dir="auto">A thesaurus of education and science.</p>' in page
    assert '<h1 id="home-title" dir="auto">Example Thesaurus</h1>' in client.get("/?lang=de").content.decode()


def test_the_admin_edits_the_scheme(admin_client):
    response = admin_client.post("/admin/glossary/scheme/add/", {
        "title": "Our Vocabulary", "titles": "fr: Notre vocabulaire", "uri": "https://vocab.example.org/",
        "description": ""})
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert (Scheme.current().title, Scheme.current().titles) == ("Our Vocabulary", {"fr": "Notre vocabulaire"})
    added_again = admin_client.get("/admin/glossary/scheme/add/")  # one row: "add" edits it
    assert added_again.status_code == 302 and added_again["Location"] == "/admin/glossary/scheme/1/change/"


def test_the_schemes_changes_are_recorded_with_their_change_set(thesaurus, admin_client, admin_user):
    created = Scheme.history.get()
    assert (created.history_type, created.change_set.kind, created.title) == ("+", "import", "Example Thesaurus")
    admin_client.post("/admin/glossary/scheme/1/change/", {
        "title": "Example Thesaurus (2nd edition)", "titles": "fr: Thésaurus exemple", "uri": TH,
        "description": "A thesaurus of education and science."})
    changed = Scheme.history.latest("history_date")
    assert (changed.history_type, changed.title, changed.history_user) == (
        "~", "Example Thesaurus (2nd edition)", admin_user)
    assert admin_client.get("/admin/glossary/scheme/1/history/").status_code == 200
    page = admin_client.get("/admin/glossary/scheme/1/change/").content.decode()
    assert "Change concept scheme" in page and "_addanother" not in page
