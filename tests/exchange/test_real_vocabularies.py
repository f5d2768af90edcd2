"""SKOS as real thesauri write it: each shape imports, or is refused, exactly as issue 10 says."""

import time

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from glossary import services
from glossary.models import Label, Mapping, Note, Reference, Relation, Term
from tests.exchange.conftest import empty_glossary, row_counts

PREFIXES = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix skosxl: <http://www.w3.org/2008/05/skos-xl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix yso: <http://www.yso.fi/onto/yso/> .
@prefix wd: <http://www.wikidata.org/entity/> .
"""

# A multilingual excerpt shaped like a public thesaurus: labels in fi/sv/en/se and en-GB, notes,
# notations, matches, links to concepts outside the excerpt, a deprecated concept.
THESAURUS = PREFIXES + """
yso:p1 a skos:Concept ;
    skos:prefLabel "tekoäly"@fi, "artificiell intelligens"@sv, "artificial intelligence"@en, "dáhkujierpmálašvuohta"@se ;
    skos:altLabel "AI"@en, "AI"@sv, "keinoäly"@fi ;
    skos:hiddenLabel "artifical intelligence"@en ;
    skos:notation "006.3" ;
    skos:definition "Computer systems that perform tasks that call for intelligence."@en,
                    "Tietokonejärjestelmät, jotka suorittavat älykkyyttä vaativia tehtäviä."@fi ;
    skos:scopeNote "Käytetään yleiskäsitteenä."@fi ;
    skos:example "Chess programs."@en ;
    skos:historyNote "Added in 2008."@en ;
    skos:editorialNote "Check the Sami label."@en ;
    skos:exactMatch wd:Q11660 ;
    skos:closeMatch <http://id.loc.gov/authorities/subjects/sh85008180> ;
    skos:broader yso:p1225 ;
    skos:related yso:p9999 .

yso:p2 a skos:Concept ;
    skos:prefLabel "koneoppiminen"@fi, "maskininlärning"@sv, "machine learning"@en, "machine learning"@en-GB ;
    skos:altLabel "ML"@en ;
    skos:broader yso:p1 ;
    skos:narrowMatch <http://example.org/other/deep-learning> ;
    skos:relatedMatch <http://example.org/other/statistics> ;
    skos:broadMatch <http://example.org/other/computing> .

wd:Q11660 rdfs:label "artificial intelligence" .

yso:p3 a skos:Concept ;
    owl:deprecated true ;
    rdfs:label "tekoälytutkimus"@fi ;
    dct:isReplacedBy yso:p1 .

yso:p4 a skos:Concept ;
    skosxl:prefLabel [ skosxl:literalForm "neuroverkot"@fi ] ;
    skos:prefLabel "neural networks"@en ;
    skos:altLabel "ML"@en ;
    skos:broader yso:p2 .
"""


@pytest.fixture
def write_ttl(tmp_path):
    def write(text, name="vocab.ttl"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def labels(slug_or_uri):
    term = Term.objects.get(uri=slug_or_uri) if ":" in slug_or_uri else Term.objects.get(slug=slug_or_uri)
    return set(term.labels.values_list("text", "language", "kind"))


def test_a_multilingual_thesaurus_excerpt_is_kept_whole(db, write_ttl, run_import):
    out, err, error = run_import(write_ttl(THESAURUS))
    assert error is None, err
    ai = Term.objects.get(uri="http://www.yso.fi/onto/yso/p1")
    assert ai.name == "artificial intelligence" and ai.notation == "006.3"
    assert labels(ai.uri) == {
        ("tekoäly", "fi", "preferred"), ("artificiell intelligens", "sv", "preferred"),
        ("artificial intelligence", "en", "preferred"), ("dáhkujierpmálašvuohta", "se", "preferred"),
        ("AI", "en", "alternative"), ("AI", "sv", "alternative"), ("keinoäly", "fi", "alternative"),
        ("artifical intelligence", "en", "hidden"),
    }
    assert ai.short_definition == "Computer systems that perform tasks that call for intelligence."
    assert set(ai.notes.values_list("kind", "language")) == {
        ("definition", "fi"), ("scope_note", "fi"), ("example", "en"), ("history_note", "en"), ("editorial_note", "en")}
    assert set(ai.mappings.values_list("kind", "uri", "label")) == {
        ("exact", "http://www.wikidata.org/entity/Q11660", "artificial intelligence"),
        ("close", "http://id.loc.gov/authorities/subjects/sh85008180", ""),
        # Links to concepts outside the excerpt are kept as the mappings that say the same.
        ("broad", "http://www.yso.fi/onto/yso/p1225", ""),
        ("related", "http://www.yso.fi/onto/yso/p9999", ""),
    }
    ml = Term.objects.get(uri="http://www.yso.fi/onto/yso/p2")
    assert ("machine learning", "en-GB", "preferred") in labels(ml.uri)
    assert set(ml.mappings.values_list("kind", flat=True)) == {"narrow", "related", "broad"}
    assert Relation.objects.filter(source=ml, type__slug="broader", target=ai).exists()
    assert "warning: <http://www.yso.fi/onto/yso/p1> skos:broader <http://www.yso.fi/onto/yso/p1225>: the object is neither in the file nor in the glossary; kept as skos:broadMatch" in out


def test_concepts_labelled_in_other_scripts_get_slugs_spelt_from_their_labels(db, write_ttl, run_import):
    _, err, error = run_import(write_ttl(PREFIXES + """
<http://example.org/c/17> a skos:Concept ; skos:prefLabel "Νευρωνικό δίκτυο"@el .
<http://example.org/c/18> a skos:Concept ; skos:prefLabel "Нейронная сеть"@ru ; skos:broader <http://example.org/c/17> .
<http://example.org/c/19> a skos:Concept ; skos:prefLabel "神经网络"@zh .
"""))
    assert error is None, err
    assert dict(Term.objects.values_list("uri", "slug")) == {
        "http://example.org/c/17": "neyroniko-diktyo",
        "http://example.org/c/18": "neyronnaya-set",
        "http://example.org/c/19": "shenjingwangluo",
    }


def test_a_deprecated_concept_with_only_an_rdfs_label_is_imported_and_reported(db, write_ttl, run_import):
    out, err, error = run_import(write_ttl(THESAURUS))
    assert error is None, err
    old = Term.objects.get(uri="http://www.yso.fi/onto/yso/p3")
    assert (old.name, old.status, old.replaced_by.uri) == ("tekoälytutkimus", "deprecated", "http://www.yso.fi/onto/yso/p1")
    assert "<http://www.yso.fi/onto/yso/p3>: has no skos:prefLabel; its rdfs:label is used" in out


def test_one_alternative_label_on_two_concepts_is_kept_on_both(db, write_ttl, run_import):
    _, err, error = run_import(write_ttl(THESAURUS))
    assert error is None, err
    assert set(Label.objects.filter(text="ML").values_list("term__uri", flat=True)) == {
        "http://www.yso.fi/onto/yso/p2", "http://www.yso.fi/onto/yso/p4"}
    assert ("neuroverkot", "fi", "preferred") in labels("http://www.yso.fi/onto/yso/p4")


def test_a_uri_where_text_belongs_is_skipped_with_a_warning_not_a_traceback(db, write_ttl, run_import):
    path = write_ttl(PREFIXES + """
yso:p5 a skos:Concept ; skos:prefLabel "robotics"@en ; skos:altLabel yso:p6 ; skos:definition <http://example.org/def> .
""")
    out, err, error = run_import(path)
    assert error is None, err
    assert labels("http://www.yso.fi/onto/yso/p5") == {("robotics", "en", "preferred")}
    assert "skos:altLabel should be text but is <http://www.yso.fi/onto/yso/p6>; skipped" in out
    assert "skos:definition should be text" in out


def test_a_definition_written_as_a_resource_is_read_from_its_rdf_value(db, write_ttl, run_import):
    # AGROVOC's shape (the SKOS Reference allows any resource as a note): the text is its rdf:value.
    path = write_ttl(PREFIXES + """
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
yso:p8 a skos:Concept ; skos:prefLabel "soil"@en, "sol"@fr ;
    skos:definition [ rdf:value "The loose top layer of the earth's surface."@en ; dct:source <http://example.org/src> ],
                    [ rdf:value "Couche superficielle de la croûte terrestre."@fr ] ;
    skos:scopeNote <http://example.org/notes/1> ;
    skos:example [ dct:source <http://example.org/src> ] .
<http://example.org/notes/1> rdf:value "For soils of farmland."@en .
""")
    out, err, error = run_import(path)
    assert error is None, err
    term = Term.objects.get(uri="http://www.yso.fi/onto/yso/p8")
    assert term.short_definition == "The loose top layer of the earth's surface."
    assert set(term.notes.values_list("kind", "language", "text")) == {
        ("definition", "fr", "Couche superficielle de la croûte terrestre."),
        ("scope_note", "en", "For soils of farmland."),
    }
    assert "skos:definition should be text" not in out
    assert "skos:example should be text but is a blank node without an rdf:value; skipped" in out


def test_a_second_preferred_label_in_one_language_becomes_an_alternative_one(db, write_ttl, run_import):
    out, err, error = run_import(write_ttl(PREFIXES + 'yso:p7 a skos:Concept ; skos:prefLabel "car"@en, "automobile"@en .\n'))
    assert error is None, err
    assert labels("http://www.yso.fi/onto/yso/p7") == {("automobile", "en", "preferred"), ("car", "en", "alternative")}
    assert "has a second skos:prefLabel in en (“car”); it is kept as an alternative label" in out


def test_a_broader_cycle_is_refused_naming_it_and_nothing_is_written(db, write_ttl, run_import):
    path = write_ttl(PREFIXES + """
yso:a a skos:Concept ; skos:prefLabel "alpha"@en ; skos:broader yso:b .
yso:b a skos:Concept ; skos:prefLabel "beta"@en ; skos:broader yso:c .
yso:c a skos:Concept ; skos:prefLabel "gamma"@en ; skos:broader yso:a .
""")
    _, err, error = run_import(path)
    assert error is not None
    assert "“broader” may not form a cycle; this relation would create a cycle: alpha → beta → gamma → alpha" in err
    assert "skos:broader" in err
    assert Term.objects.count() == 0


def test_two_current_concepts_with_one_preferred_label_are_refused_naming_both(db, write_ttl, run_import):
    path = write_ttl(PREFIXES + """
yso:x1 a skos:Concept ; skos:prefLabel "mouse"@en, "hiiri"@fi .
yso:x2 a skos:Concept ; skos:prefLabel "Mouse"@en .
""")
    _, err, error = run_import(path)
    assert error is not None
    # Two concepts of one name are told apart by the other's URI, not as “Mouse” and “mouse”.
    assert ("<http://www.yso.fi/onto/yso/x2> labels: “Mouse” is already the preferred label of “mouse”"
            " (<http://www.yso.fi/onto/yso/x1>) in language “en”; this term cannot have it too") in err
    assert Term.objects.count() == 0


def test_a_deprecated_concept_may_share_the_preferred_label_of_its_successor(db, write_ttl, run_import):
    path = write_ttl(PREFIXES + """
yso:y1 a skos:Concept ; skos:prefLabel "mouse"@en ; owl:deprecated true ; dct:isReplacedBy yso:y2 .
yso:y2 a skos:Concept ; skos:prefLabel "mouse"@en .
""")
    _, err, error = run_import(path)
    assert error is None, err
    assert Term.objects.filter(name="mouse").count() == 2


def test_a_concept_broader_than_itself_is_refused(db, write_ttl, run_import):
    _, err, error = run_import(write_ttl(PREFIXES + 'yso:z a skos:Concept ; skos:prefLabel "zeta"@en ; skos:broader yso:z .\n'))
    assert error is not None
    assert "<http://www.yso.fi/onto/yso/z> skos:broader <http://www.yso.fi/onto/yso/z> (object): A term cannot be related to itself." in err


def test_a_multilingual_vocabulary_survives_import_and_skos_export(db, write_ttl, run_import, export):
    """The round trip of issue 10: URIs, hierarchy, labels with tags, definitions, notes, matches, deprecation."""
    source = Graph().parse(data=THESAURUS, format="turtle")
    _, err, error = run_import(write_ttl(THESAURUS))
    assert error is None, err
    exported = Graph().parse(export("skos", base_uri="https://glossary.example.org/"), format="turtle")
    concepts = set(source.subjects(predicate=None, object=SKOS.Concept))
    assert concepts <= set(exported.subjects(predicate=None, object=SKOS.Concept))

    def pairs(g, predicate):
        return {(s, o) for s, o in g.subject_objects(predicate) if s in concepts and o in concepts}

    assert pairs(exported, SKOS.broader) == pairs(source, SKOS.broader)
    assert pairs(exported, SKOS.related) == pairs(source, SKOS.related)
    for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, SKOS.definition, SKOS.scopeNote,
                      SKOS.example, SKOS.historyNote, SKOS.editorialNote, SKOS.notation):
        assert set(source.triples((None, predicate, None))) <= set(exported.triples((None, predicate, None))), predicate
    for predicate in (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch, SKOS.relatedMatch, SKOS.broadMatch):
        assert set(source.triples((None, predicate, None))) <= set(exported.triples((None, predicate, None))), predicate
    # Links outside the excerpt come back as the matches they were kept as.
    assert (URIRef("http://www.yso.fi/onto/yso/p1"), SKOS.broadMatch, URIRef("http://www.yso.fi/onto/yso/p1225")) in exported
    p3 = URIRef("http://www.yso.fi/onto/yso/p3")
    assert (p3, OWL.deprecated, Literal(True)) in exported
    assert (p3, DCTERMS.isReplacedBy, URIRef("http://www.yso.fi/onto/yso/p1")) in exported
    assert (p3, SKOS.prefLabel, Literal("tekoälytutkimus", lang="fi")) in exported


def test_re_import_matches_concepts_by_uri_before_slug(db, write_ttl, run_import):
    _, err, error = run_import(write_ttl(THESAURUS))
    assert error is None, err
    ai = Term.objects.get(uri="http://www.yso.fi/onto/yso/p1")
    services.term_update(term=ai, slug="ai")  # a curator renames the slug
    out, err, error = run_import(write_ttl(THESAURUS.replace('"tekoäly"@fi', '"tekoäly (ala)"@fi'), "v2.ttl"))
    assert error is None, err
    assert Term.objects.filter(uri="http://www.yso.fi/onto/yso/p1").get().slug == "ai"
    assert ("tekoäly (ala)", "fi", "preferred") in labels("ai")
    assert Term.objects.count() == 4


def test_importing_the_same_vocabulary_twice_changes_nothing(db, write_ttl, run_import):
    path = write_ttl(THESAURUS)
    run_import(path)
    counts = row_counts()
    out, err, error = run_import(path)
    assert error is None, err
    assert row_counts() == counts
    for model in ("terms", "labels", "notes", "mappings", "relations"):
        assert f"{model}: 0 created, 0 updated" in out, out


def test_a_file_that_is_not_rdf_gets_one_line_with_the_parsers_line_number(db, tmp_path, run_import):
    path = tmp_path / "broken.rdf"
    path.write_text('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<oops>\n</rdf:RDF>\n')
    _, err, error = run_import(path)
    assert error is not None
    assert err.strip().count("\n") == 0
    assert err.startswith("broken.rdf line 4: not valid RDF/XML")


# Import attacks: an import reads the bytes it is given and nothing else -------------------


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:skos="http://www.w3.org/2004/02/skos/core#">
  <skos:Concept rdf:about="http://example.org/lol"><skos:prefLabel>&lol9;</skos:prefLabel></skos:Concept>
</rdf:RDF>
"""


def test_an_xml_entity_bomb_is_refused_at_once(db, tmp_path, run_import):
    path = tmp_path / "lolz.rdf"
    path.write_text(BILLION_LAUGHS)
    started = time.monotonic()
    _, err, error = run_import(path)
    assert time.monotonic() - started < 5
    assert error is not None
    assert "entity declarations or external references is refused" in err
    assert Term.objects.count() == 0


def test_an_xml_external_entity_is_never_read(db, tmp_path, run_import):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    path = tmp_path / "xxe.rdf"
    path.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY s SYSTEM "file://{secret}">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:skos="http://www.w3.org/2004/02/skos/core#">
  <skos:Concept rdf:about="http://example.org/x"><skos:prefLabel>&s;</skos:prefLabel></skos:Concept>
</rdf:RDF>
""")
    _, err, error = run_import(path)
    assert error is not None and "refused" in err
    assert not Label.objects.filter(text__contains="SECRET").exists()


@pytest.mark.parametrize("context", ["http://127.0.0.1:9/context.jsonld", "file:///etc/passwd", "./local.jsonld"])
def test_a_json_ld_context_naming_another_document_is_refused_without_fetching_it(db, tmp_path, run_import,
                                                                                 monkeypatch, context):
    import urllib.request

    def no_fetching(*args, **kwargs):
        raise AssertionError("the import tried to fetch a context")

    monkeypatch.setattr(urllib.request, "urlopen", no_fetching)
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "%s", "@id": "http://example.org/c", "@type": "skos:Concept"}' % context)
    _, err, error = run_import(path)
    assert error is not None
    assert "$.@context names another document" in err and "never loaded" in err


def test_a_json_ld_file_with_an_inline_context_is_read(db, tmp_path, run_import):
    path = tmp_path / "inline.jsonld"
    path.write_text("""{"@context": {"skos": "http://www.w3.org/2004/02/skos/core#"},
      "@id": "http://example.org/c", "@type": "skos:Concept",
      "skos:prefLabel": {"@value": "inline", "@language": "en"}}""")
    _, err, error = run_import(path)
    assert error is None, err
    assert Term.objects.get().uri == "http://example.org/c"


def test_an_import_past_its_time_limit_stops_and_writes_nothing(db, write_ttl, run_import, settings):
    settings.GLOSSARY_IMPORT_MAX_SECONDS = 0
    _, err, error = run_import(write_ttl(THESAURUS))
    assert error is not None
    assert "took longer than 0 s (GLOSSARY_IMPORT_MAX_SECONDS)" in err
    assert Term.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(db, write_ttl, run_import, settings):
    settings.GLOSSARY_IMPORT_MAX_BYTES = 1000
    _, err, error = run_import(write_ttl(THESAURUS))
    assert error is not None and "larger than the import limit" in err


def test_a_timestamp_without_a_zone_is_read_as_utc(db, write_json, run_import):
    from tests.exchange.conftest import small_document

    doc = small_document()
    doc["terms"][1]["created_at"] = "2020-05-17T10:00:00"
    _, err, error = run_import(write_json(doc))
    assert error is None, err
    assert Term.objects.get(slug="foundation-model").created_at.isoformat() == "2020-05-17T10:00:00+00:00"


def test_a_cycle_over_a_long_chain_is_named_by_its_first_steps_and_a_count(db, write_json, run_import):
    from tests.exchange.conftest import small_document

    terms = [{"slug": f"t{i}", "name": f"T{i}"} for i in range(300)]
    relations = [{"source": f"t{i}", "type": "is-a", "target": f"t{(i + 1) % 300}"} for i in range(300)]
    _, err, error = run_import(write_json(small_document(terms=terms, relations=relations, references=[])))
    assert error is not None
    line = next(line for line in err.splitlines() if "cycle" in line)
    assert len(line) < 400 and "T7 → … (292 more terms) … → T0" in line


def test_reference_urls_that_turtle_cannot_hold_are_exported_percent_encoded(make_term, export, client):
    term = make_term("Tokenizer")
    # A row from before URLs were checked for this: it must not break the export.
    reference = Reference.objects.create(title="Odd", url='https://example.org/a|b{c}"d"')
    reference.terms.add(term)
    g = Graph().parse(export("skos", base_uri="https://glossary.example.org/"), format="turtle")
    assert URIRef("https://example.org/a%7Cb%7Bc%7D%22d%22") in set(g.objects())
    response = client.get("/api/export/?format=skos")
    assert response.status_code == 200
    assert b"a%7Cb%7Bc%7D%22d%22" in b"".join(response.streaming_content)


def test_the_command_line_skos_export_asks_for_a_base_uri_when_none_is_set(make_term, tmp_path, settings):
    from django.core.management import CommandError, call_command

    settings.GLOSSARY_BASE_URI = ""
    make_term("Tokenizer")
    with pytest.raises(CommandError, match="GLOSSARY_BASE_URI is not set"):
        call_command("export_glossary", format="skos", output=str(tmp_path / "x.ttl"))
    assert not (tmp_path / "x.ttl").exists()


def test_web_exports_mint_uris_from_the_sites_own_address(make_term, client, settings):
    settings.GLOSSARY_BASE_URI = ""
    settings.ALLOWED_HOSTS = ["glossary.example.org"]
    make_term("Tokenizer")
    body = b"".join(client.get("/api/export/?format=skos", HTTP_HOST="glossary.example.org").streaming_content)
    assert b"<http://glossary.example.org/terms/>" in body and b"term:tokenizer" in body


def test_json_export_of_a_multilingual_vocabulary_imports_into_an_empty_instance_identically(
        db, write_ttl, run_import, export):
    _, err, error = run_import(write_ttl(THESAURUS))
    assert error is None, err
    first = export("json").read_bytes()
    empty_glossary()
    path = export("json").parent / "round.json"
    path.write_bytes(first)
    _, err, error = run_import(path)
    assert error is None, err
    assert export("json").read_bytes() == first
    assert Note.objects.count() and Mapping.objects.count()


@pytest.mark.django_db(transaction=True)
def test_an_import_is_bound_by_its_own_time_limit_not_the_page_requests_statement_limit(write_ttl, run_import,
                                                                                          settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    seen = []
    from glossary.exchange import importer

    original = importer.Plan

    class Watching(original):
        def check(self):
            with connection.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                seen.append(cursor.fetchone()[0])
            return super().check()

    importer.Plan = Watching
    try:
        settings.GLOSSARY_IMPORT_MAX_SECONDS = 1234
        _, err, error = run_import(write_ttl(THESAURUS))
    finally:
        importer.Plan = original
    assert error is None, err
    assert seen == ["1234s"]


AGROVOC_SHAPED = PREFIXES + """
<http://aims.example.org/c_1> a skos:Concept ; skos:prefLabel "قمح"@ar, "trigo"@es, "blé"@fr .
<http://aims.example.org/c_2> a skos:Concept ; skos:prefLabel "أرز"@ar, "arroz"@es .
<http://aims.example.org/c_3> a skos:Concept ; skos:prefLabel "maize"@en, "maïs"@fr .
"""


def names_by_uri():
    return dict(Term.objects.values_list("uri", "name"))


def test_without_a_label_in_the_glossarys_language_a_concept_is_named_in_the_first_fallback_it_has(
        db, write_ttl, run_import, settings):
    settings.GLOSSARY_NAME_FALLBACK = ["fr", "es"]
    _, err, error = run_import(write_ttl(AGROVOC_SHAPED))
    assert error is None, err
    assert names_by_uri() == {"http://aims.example.org/c_1": "blé", "http://aims.example.org/c_2": "arroz",
                              "http://aims.example.org/c_3": "maize"}
    assert Term.objects.get(uri="http://aims.example.org/c_1").slug == "ble"


def test_without_fallbacks_the_alphabetically_first_language_names_it(db, write_ttl, run_import, settings):
    settings.GLOSSARY_NAME_FALLBACK = []
    _, err, error = run_import(write_ttl(AGROVOC_SHAPED))
    assert error is None, err
    assert names_by_uri()["http://aims.example.org/c_1"] == "قمح"


def test_a_changed_fallback_renames_on_the_next_import_and_keeps_the_slug(db, write_ttl, run_import, settings):
    path = write_ttl(AGROVOC_SHAPED)
    settings.GLOSSARY_NAME_FALLBACK = []
    run_import(path)
    slug = Term.objects.get(uri="http://aims.example.org/c_1").slug
    settings.GLOSSARY_NAME_FALLBACK = ["es"]
    out, err, error = run_import(path)
    assert error is None, err
    term = Term.objects.get(uri="http://aims.example.org/c_1")
    assert (term.name, term.slug) == ("trigo", slug)


def test_a_term_written_through_the_services_is_named_by_the_same_fallbacks(db, settings):
    settings.GLOSSARY_NAME_FALLBACK = ["fr"]
    term = services.term_create(labels=[{"text": "trigo", "language": "es", "kind": "preferred"},
                                                 {"text": "blé", "language": "fr", "kind": "preferred"}])
    assert term.name == "blé"
