"""SKOS: export parsed back with rdflib, the seed's round trip, and a vocabulary from another tool."""

import json

from django.core.management import CommandError
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

import pytest

from glossary.models import Category, Label, Mapping, Note, Relation, RelationType, Term
from tests.exchange.conftest import empty_glossary, row_counts

SKOSMOS_STYLE = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ai: <http://vocab.example.org/ai/> .

ai: a skos:ConceptScheme ; skos:prefLabel "AI vocabulary"@en ; skos:hasTopConcept ai:p100 .

ai:p100 a skos:Concept ; skos:inScheme ai: ; skos:topConceptOf ai: ;
    skos:prefLabel "Machine learning"@en, "Koneoppiminen"@fi ;
    skos:altLabel "ML"@en ;
    skos:narrower ai:p200 ;
    skos:definition "Methods that let computers learn from data."@en ;
    dct:created "2015-03-01"^^xsd:date .

ai:p200 a skos:Concept ; skos:inScheme ai: ;
    skos:prefLabel "Deep learning"@en, "Syväoppiminen"@fi ;
    skos:broader ai:p100 ;
    skos:related ai:p300 ;
    skos:definition "%s"@en ;
    skos:scopeNote "Mostly neural networks."@en ;
    dct:source <https://example.org/deep-learning-book> .

ai:p300 a skos:Concept ; skos:inScheme ai: ;
    skos:prefLabel "Neural network"@en ;
    skos:altLabel "Artificial neural network"@en, "Neuroverkko"@fi ;
    skos:hiddenLabel "nueral network"@en ;
    skos:related ai:p200 .

ai:p400 a skos:Concept ; skos:inScheme ai: ;
    skos:prefLabel "Perceptron network"@en ;
    owl:deprecated true ;
    dct:isReplacedBy ai:p300 .

ai:g1 a skos:Collection ; skos:prefLabel "Methods"@en ; skos:member ai:p100, ai:p200 .
""" % ("Deep learning trains neural networks with many layers. " * 8).strip()


def test_skos_export_parsed_by_rdflib_has_a_concept_per_term_and_the_broader_and_related_triples(seed, export, settings):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    g = Graph().parse(export("skos"), format="turtle")
    assert len(set(g.subjects(RDF.type, SKOS.Concept))) == Term.objects.count()
    assert len(list(g.triples((None, SKOS.broader, None)))) == Relation.objects.filter(type__skos_mapping="broader").count()
    # skos:related both ways, as tools that do not infer its symmetry (Skosmos) read it from either end.
    related = {(str(s).rsplit("/", 1)[1], str(t).rsplit("/", 1)[1]) for s, t in g.subject_objects(SKOS.related)}
    stored = set(Relation.objects.filter(type__skos_mapping="related").values_list("source__slug", "target__slug"))
    assert stored and related == stored | {(t, s) for s, t in stored}
    assert len(set(g.subjects(RDF.type, SKOS.Collection))) == Category.objects.count()


def test_skos_export_declares_other_types_as_labelled_sub_properties_of_semantic_relation(make_term, make_type, relate, export, settings):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    mitigates = make_type("mitigates", "mitigates", "is mitigated by")
    relate(make_term("RAG", slug="rag"), mitigates, make_term("Hallucination", slug="hallucination"))
    g = Graph().parse(export("skos"), format="turtle")
    prop = g.namespace_manager.expand_curie("rel:mitigates")
    assert str(prop) == "https://glossary.example.org/relation-types/mitigates"
    assert (prop, g.namespace_manager.expand_curie("rdfs:subPropertyOf"), SKOS.semanticRelation) in g
    assert str(g.value(prop, g.namespace_manager.expand_curie("rdfs:label"))) == "mitigates"
    rag = g.namespace_manager.expand_curie("term:rag")
    assert (rag, prop, g.namespace_manager.expand_curie("term:hallucination")) in g


@pytest.mark.parametrize(("skos_format", "rdflib_format"), [("xml", "xml"), ("json-ld", "json-ld")])
def test_skos_export_in_other_rdf_syntaxes_parses_back(make_term, export, skos_format, rdflib_format):
    make_term("Transformer", slug="transformer")
    g = Graph().parse(export("skos", skos_format=skos_format, base_uri="https://glossary.example.org"),
                      format=rdflib_format)
    assert len(set(g.subjects(RDF.type, SKOS.Concept))) == 1


def snapshot_of_meaning():
    return (
        set(Term.objects.values_list("slug", "name", "short_definition", "body", "status", "notation")),
        set(Label.objects.values_list("term__slug", "text", "kind", "language", "subkind")),
        set(Note.objects.values_list("term__slug", "kind", "language", "text")),
        set(Mapping.objects.values_list("term__slug", "kind", "uri", "label")),
        # A symmetric relation has no direction: SKOS says skos:related both ways, and either end
        # may come back as its source.
        {(min(s, t), ty, max(s, t)) if symmetric else (s, ty, t)
         for s, ty, t, symmetric in Relation.objects.values_list("source__slug", "type__slug", "target__slug",
                                                                 "type__symmetric")},
        set(RelationType.objects.values_list("slug", "label", "inverse_label", "symmetric", "acyclic", "skos_mapping")),
        set(Term.objects.values_list("slug", "category__slug", "replaced_by__slug")),
    )


@pytest.mark.parametrize(("skos_format", "name"), [("turtle", "seed.ttl"), ("xml", "seed.rdf"), ("json-ld", "seed.jsonld")])
def test_seed_glossary_survives_skos_export_and_import_into_an_empty_database(
        seed, export, run_import, settings, skos_format, name):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    before = snapshot_of_meaning()
    path = export("skos", name=name, skos_format=skos_format)
    empty_glossary()
    _, err, error = run_import(path)
    assert error is None, err
    assert snapshot_of_meaning() == before


def test_importing_our_skos_export_again_changes_nothing(seed, export, run_import, settings):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    counts = row_counts()
    out, err, error = run_import(export("skos", name="seed.ttl"))
    assert error is None, err
    assert row_counts() == counts
    assert "terms: 0 created, 0 updated" in out and "relations: 0 created, 0 updated" in out


def test_a_skosmos_style_vocabulary_becomes_a_glossary(db, tmp_path, run_import):
    path = tmp_path / "ai.ttl"
    path.write_text(SKOSMOS_STYLE, encoding="utf-8")
    _, err, error = run_import(path)
    assert error is None, err
    dl = Term.objects.get(name="Deep learning")
    assert dl.slug == "deep-learning" and dl.uri == "http://vocab.example.org/ai/p200"
    assert len(dl.short_definition) <= 300 and dl.short_definition.endswith("…")
    assert dl.notes.get(kind="definition", language="en").text.startswith("Deep learning trains neural networks")
    assert dl.notes.get(kind="scope_note").text == "Mostly neural networks."
    assert dl.category.name == "Methods"
    assert set(dl.labels.values_list("text", "kind", "language")) == {
        ("Deep learning", "preferred", "en"), ("Syväoppiminen", "preferred", "fi")}
    nn = Term.objects.get(slug="neural-network")
    assert set(nn.labels.values_list("text", "kind", "language")) == {
        ("Neural network", "preferred", "en"), ("Artificial neural network", "alternative", "en"),
        ("Neuroverkko", "alternative", "fi"), ("nueral network", "hidden", "en")}
    assert Term.objects.get(slug="machine-learning").labels.filter(text="ML", subkind="abbreviation").exists()
    assert set(Relation.objects.values_list("source__slug", "type__slug", "target__slug")) == {
        ("deep-learning", "broader", "machine-learning"), ("deep-learning", "related-to", "neural-network")}
    # Named as thesauri name it: a broader concept is not always a kind ("Paris" → "France").
    broader = RelationType.objects.get(slug="broader")
    assert (broader.label, broader.inverse_label, broader.acyclic, broader.transitive) == (
        "broader", "narrower", True, True)
    old = Term.objects.get(slug="perceptron-network")
    assert (old.status, old.replaced_by) == ("deprecated", nn)
    assert dl.references.get().url == "https://example.org/deep-learning-book"
    assert Term.objects.get(slug="machine-learning").created_at.year == 2015


def test_skos_broader_maps_to_the_stored_broader_type(make_type, tmp_path, run_import):
    make_type("subclass-of", "is a subclass of", "has subclass", acyclic=True, skos_mapping="broader")
    path = tmp_path / "ai.ttl"
    path.write_text(SKOSMOS_STYLE, encoding="utf-8")
    _, err, error = run_import(path)
    assert error is None, err
    assert Relation.objects.filter(type__slug="subclass-of").count() == 1
    assert not RelationType.objects.filter(slug="is-a").exists()


def test_malformed_turtle_is_refused_in_one_line_with_its_line_number_and_changes_nothing(seed, tmp_path, run_import):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n<a> skos:prefLabel ", encoding="utf-8")
    before = row_counts()
    _, err, error = run_import(path)
    assert error is not None
    assert err.strip().count("\n") == 0, err
    assert err.startswith("broken.ttl line 3: not valid Turtle")
    assert row_counts() == before


def test_a_skos_concept_without_any_label_is_named_after_its_uri_with_a_warning(db, tmp_path, run_import):
    path = tmp_path / "nolabel.ttl"
    path.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<http://x.example/c1> a skos:Concept ; skos:definition \"No label.\"@en .\n", encoding="utf-8")
    out, err, error = run_import(path)
    assert error is None, err
    assert Term.objects.get().name == "c1"
    assert "warning: <http://x.example/c1>: has no skos:prefLabel or rdfs:label" in out


@pytest.mark.parametrize("skos_format", ["turtle", "xml", "json-ld"])
def test_each_rdf_syntax_holds_the_same_triples_as_rdflib_writes_without_its_whole_graph_serializer(
        seed, make_term, make_type, is_a, relate, monkeypatch, skos_format):
    from glossary.exchange import skos_write
    from glossary.exchange.snapshot import glossary_snapshot

    tricky = make_term(
        "Quote \"and\" back\\slash <&>", uri="http://vocab.example.org/ai/p.1?a=1&b=2", notation="006.3",
        short_definition="Line one.\r\nLine two, with “curly” quotes and a tab\t, <tags> & ]]>.",
        labels=[{"text": "Quote \"and\" back\\slash <&>", "language": "en", "kind": "preferred"},
                {"text": "تعرية التربة", "language": "ar", "kind": "preferred"},
                {"text": "Ünïcödé 😀", "language": "de-CH", "kind": "alternative", "subkind": "synonym"}],
        mappings=[{"kind": "exact", "uri": "http://www.wikidata.org/entity/Q42", "label": "forty-two"}],
    )
    relate(tricky, is_a, Term.objects.get(slug="large-language-model"))
    # A type whose slug is no XML name: RDF/XML needs a namespace of its own to name it.
    relate(tricky, make_type("3d-printed-by"), Term.objects.get(slug="transformer"))
    snapshot = glossary_snapshot(terms=None, with_scheme=True)
    expected = skos_write.snapshot_to_graph(snapshot, "http://testserver/")

    def refuse(*args, **kwargs):
        raise AssertionError("rdflib's serializer was used")

    monkeypatch.setattr(Graph, "serialize", refuse)
    monkeypatch.setattr(skos_write, "STATEMENTS_PER_CHUNK", 7)
    chunks = list(skos_write.iter_skos(snapshot, skos_format, base="http://testserver/"))
    assert len(chunks) > 3  # written as it goes
    text = "".join(chunks)
    written = Graph().parse(data=text, format=skos_format)
    assert len(written) == len(expected) and set(written) == set(expected)
    if skos_format == "turtle":
        assert "<http://vocab.example.org/ai/p.1?a=1&b=2>" in text and "term:large-language-model" in text
    elif skos_format == "xml":
        assert "<skos:prefLabel xml:lang=\"en\">Quote \"and\" back\\slash &lt;&amp;&gt;</skos:prefLabel>" in text
    else:
        assert json.loads(text)["@context"]["skos"] == str(SKOS)


def test_a_property_rdf_xml_cannot_name_refuses_that_export_before_any_byte_and_the_others_work(
        seed, make_type, relate, export, client):
    rag, hallucination = Term.objects.get(slug="retrieval-augmented-generation"), Term.objects.get(slug="hallucination")
    relate(rag, make_type("42"), hallucination)
    response = client.get("/api/export/", {"format": "skos", "skos_format": "xml"})
    assert response.status_code == 400
    [message] = response.json()["skos_format"]
    assert message.startswith("http://testserver/relation-types/42: RDF/XML cannot name this property")
    assert "choose Turtle or JSON-LD" in message
    with pytest.raises(CommandError, match="relation-types/42: RDF/XML cannot name"):
        export("skos", skos_format="xml", base_uri="http://testserver")
    for skos_format in ("turtle", "json-ld"):
        g = Graph().parse(export("skos", skos_format=skos_format, base_uri="http://testserver"), format=skos_format)
        assert len(list(g.subjects(URIRef("http://testserver/relation-types/42")))) == 1


def test_text_xml_cannot_hold_refuses_the_rdf_xml_export_naming_the_concept_and_the_others_keep_it(
        make_term, export, client):
    make_term("Pasted", slug="pasted", short_definition="From a word processor:\x0bline two.")
    response = client.get("/api/export/", {"format": "skos", "skos_format": "xml"})
    assert response.status_code == 400
    assert response.json()["skos_format"] == [
        "http://testserver/terms/pasted skos:definition: '\\x0b' is a control character XML cannot hold;"
        " choose Turtle or JSON-LD, or remove it"]
    for skos_format in ("turtle", "json-ld"):
        g = Graph().parse(export("skos", skos_format=skos_format, base_uri="http://testserver"), format=skos_format)
        assert "From a word processor:\x0bline two." in {str(o) for o in g.objects(None, SKOS.definition)}


def test_a_lone_surrogate_escape_in_turtle_is_refused_at_its_concept(db, tmp_path, run_import):
    """Turtle's "\\uD800" reads as half a UTF-16 pair, which no database stores: named, not a traceback."""
    path = tmp_path / "broken.ttl"
    path.write_text('@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
                    '<http://ex.org/a> a skos:Concept ; skos:prefLabel "ok"@en ; skos:altLabel "alt \\uDFFF"@en .\n',
                    encoding="utf-8")
    _, err, error = run_import(path)
    assert error is not None
    assert "<http://ex.org/a> label: contains a lone surrogate (U+DFFF), which text cannot hold" in err
    assert not Term.objects.exists()
