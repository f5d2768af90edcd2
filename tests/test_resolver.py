"""One resolver turns a typed name into a term, for every path that takes a term by name."""
import pytest

from glossary.resolver import normalise_name, resolve_name, resolve_names


def test_a_term_resolves_by_slug_by_name_in_any_case_and_by_alias(make_term, db):
    llm = make_term("Large language model", aliases=[{"name": "LLM", "kind": "abbreviation"}])
    for typed in ("large-language-model", "large language MODEL", "  Large   language model ", "llm"):
        resolution = resolve_name(typed, user=None)
        assert resolution.term is not None and resolution.term.slug == llm.slug, typed
    assert resolve_name("llm", user=None).matched == "LLM"


def test_a_name_outranks_another_terms_slug_only_when_the_slug_is_not_exact(make_term, db):
    rag = make_term("RAG pipeline", slug="rag")
    make_term("Retrieval", aliases=[{"name": "RAG pipelines"}])
    assert resolve_name("rag", user=None).term.slug == rag.slug


def test_drafts_resolve_for_staff_only(make_term, staff_user, db):
    make_term("Secret plan", status="draft")
    assert resolve_name("secret plan", user=None).term is None
    assert resolve_name("secret plan", user=staff_user).term.slug == "secret-plan"


def test_many_names_resolve_in_one_query(make_term, django_assert_num_queries, db):
    make_term("Attention", aliases=[{"name": "self-attention"}])
    make_term("Transformer")
    with django_assert_num_queries(1):
        found = resolve_names(["attention", "Self-Attention", "transformer", "nothing"], user=None)
    assert {k: (r.term.slug if r.term else None) for k, r in found.items()} == {
        "attention": "attention", "self-attention": "attention", "transformer": "transformer", "nothing": None,
    }


def test_names_compare_with_spaces_collapsed_and_case_folded():
    assert normalise_name("  Straße   Model ") == "strasse model"


def many_terms(n=3000):
    """``n`` published terms with an English preferred label and an abbreviation each, and statistics."""
    from glossary.models import Label, Term
    from glossary.planner import refresh_statistics

    terms = Term.objects.bulk_create(
        Term(name=f"Concept {i:05d}", slug=f"concept-{i:05d}", status="published") for i in range(n))
    Label.objects.bulk_create(
        [Label(term=t, text=t.name, language="en", kind="preferred") for t in terms]
        + [Label(term=t, text=f"C{i:05d}", language="en", kind="alternative") for i, t in enumerate(terms)])
    refresh_statistics()
    return terms


def test_resolving_names_reads_the_slug_and_label_indexes_not_the_tables(db):
    from tests.plans import reads_not_by_key, statements_of

    many_terms()
    found, statements = statements_of(
        resolve_names, ["concept-00042", "CONCEPT 01234", "c02000", "nothing like it"], user=None)
    assert {key: r.term.slug if r.term else None for key, r in found.items()} == {
        "concept-00042": "concept-00042", "concept 01234": "concept-01234", "c02000": "concept-02000",
        "nothing like it": None,
    }
    assert len(statements) == 1
    # An OR across the join of terms and labels read both tables (or every published term, on
    # SQLite): 90 ms at 100,000 terms. A notation is looked up through its expression index
    # (SQLite calls its key <expr>).
    assert reads_not_by_key(statements, ["id", "slug", "folded", "term_id", "notation", "<expr>"]) == []


@pytest.mark.parametrize("name, typed", [
    ("Großes Sprachmodell", ["großes sprachmodell", "GROSSES SPRACHMODELL", "Grosses  Sprachmodell"]),
    ("Λόγος", ["λόγος", "ΛΌΓΟΣ", "Λόγοσ"]),  # a final ς folds to σ, as Σ does
    ("Élément", ["élément", "ÉLÉMENT"]),  # SQLite's own UPPER and LIKE fold ASCII letters only
])
def test_a_name_resolves_in_any_case_in_any_script_on_both_databases(make_term, db, name, typed):
    term = make_term(name)
    for text in [name, *typed]:
        resolution = resolve_name(text, user=None)
        assert resolution.term is not None and resolution.term.slug == term.slug, text


def test_every_way_a_label_is_written_keeps_its_folded_text(make_term, db, tmp_path):
    """`Label.folded` is what names resolve through: each write path sets it from the text."""
    import json

    from django.core.management import call_command

    from glossary.exchange.formats import read_file
    from glossary.exchange.importer import import_document
    from glossary.management.commands.load_seed_if_empty import SEED
    from glossary.models import Label
    from tests.exchange.conftest import small_document

    def folded(text):
        return Label.objects.get(text=text).folded

    term = make_term("Großes Modell", aliases=[{"name": "GM"}])  # the services
    assert folded("Großes Modell") == "grosses modell" and folded("GM") == "gm"
    label = Label.objects.get(text="GM")
    label.text = "ÜBER   Modell"
    label.save()  # a plain save: the admin's, a history revert's
    assert folded("ÜBER   Modell") == "über modell"
    Label.objects.bulk_create([Label(term=term, text="Straße", language="de")])
    assert folded("Straße") == "strasse"
    label.text = "Λόγος"
    Label.objects.bulk_update([label], ["text"])
    assert folded("Λόγος") == "λόγοσ"

    call_command("loaddata", SEED, verbosity=0)  # raw rows, as the seed is loaded
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(small_document(terms=[
        {"slug": "sprachmodell", "name": "Sprachmodell", "aliases": [{"name": "Maßstab", "language": "de"}]},
    ], relations=[], references=[])), encoding="utf-8")
    import_document(read_file(path))  # plain tuples, COPY on PostgreSQL
    assert folded("Maßstab") == "massstab"
    call_command("generate_glossary", terms=20, relations=0, seed=5, verbosity=0)  # bulk_create
    assert [(l.text, l.folded) for l in Label.objects.all() if l.folded != normalise_name(l.text)] == []
    assert resolve_name("GROSSES SPRACHMODELL", user=None).term.slug == "large-language-model"


def test_a_concept_uri_names_its_term_as_written_everywhere_a_name_is_taken(make_term, db, client, staff_user):
    """A URI pasted from another tool (Skosmos, VocBench, Wikidata-style with capitals) names one term:
    in the resolver, the API's lookup, the graph's parameters and the search box."""
    soil = make_term("Soil", uri="http://aims.example.org/thes/C_1000")
    make_term("Water", uri="http://aims.example.org/thes/c_1001")
    make_term("Secret", uri="urn:x-glossary:secret", status="draft")
    assert resolve_name(" http://aims.example.org/thes/C_1000 ", user=None).term.slug == soil.slug
    assert resolve_name("http://aims.example.org/thes/c_1000", user=None).term is None  # case matters in a URI
    assert resolve_name("urn:x-glossary:secret", user=None).term is None  # drafts stay staff's
    assert resolve_name("urn:x-glossary:secret", user=staff_user).term.slug == "secret"
    lookup = client.get("/api/terms/lookup/", {"label": "http://aims.example.org/thes/c_1001"}).json()
    assert lookup["term"]["slug"] == "water"
    response = client.get("/search/", {"q": "http://aims.example.org/thes/C_1000", "lang": "de"})
    assert response.status_code == 302 and response["Location"] == "/terms/soil/?lang=de"
    assert client.get("/search/", {"q": "http://aims.example.org/thes/nothing"}).status_code == 200
    path = client.get("/api/graph/path/", {"from": "http://aims.example.org/thes/C_1000", "to": "Water"})
    assert path.status_code == 404 and "No path" in path.json()["detail"]


def test_a_notation_names_its_term_after_every_label_and_a_shared_one_is_ambiguous(client, make_term):
    from glossary.resolver import resolve_name

    soil = make_term("Soil erosion", notation="A02196")
    assert resolve_name("a02196", user=None).term.slug == soil.slug
    assert resolve_name("A02196", user=None).matched == "A02196"
    response = client.get("/terms/A02196/")
    assert response.status_code in (301, 302) and response["Location"].startswith(soil.get_absolute_url())
    # A label is a stronger claim than a code; a code two terms share names neither.
    coded_name = make_term("B1", notation="X1")
    make_term("Other", notation="B1")
    assert resolve_name("B1", user=None).term.slug == coded_name.slug
    make_term("Third", notation="x1")
    assert resolve_name("x1", user=None).ambiguous
