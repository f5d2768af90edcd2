"""A category's name in other languages, and categories inside others (a thesaurus's domains and
microthesauri): imported from a multilingual thesaurus's collections, edited in the admin and
the API, exported again, and shown to readers."""

import csv
import re
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from glossary import services
from glossary.exchange.snapshot import category_data
from glossary.selectors import with_groups
from glossary.models import Category, RelationType, Term
from graphviz_app.engine import graph_snapshot_for
from graphviz_app.render import vis_payload
from tests.exchange.conftest import empty_glossary

pytestmark = pytest.mark.django_db

PREFIXES = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix isothes: <http://purl.org/iso25964/skos-thes#> .
@prefix th: <http://vocabularies.example.org/thesaurus/> .
"""

UNESCO_SHAPED = """

th:domain4 a skos:Collection ;
    skos:prefLabel "Education"@en, "Éducation"@fr, "Educación"@es, "التربية"@ar, "Образование"@ru ;
    skos:member th:c1, th:c2 .
th:domain5 a skos:Collection ;
    skos:prefLabel "Science"@en, "Sciences"@fr, "Ciencias"@fr, "Wissenschaft"@x-private ;
    skos:member th:c3 .
th:c1 a skos:Concept ; skos:prefLabel "Curriculum"@en, "Programme d'études"@fr .
th:c2 a skos:Concept ; skos:prefLabel "Teaching method"@en, "Méthode d'enseignement"@fr .
th:c3 a skos:Concept ; skos:prefLabel "Physics"@en, "Physique"@fr ; skos:related th:c1 .
"""


def import_turtle(tmp_path, body, name="thesaurus.ttl"):
    """Import ``body`` (Turtle, after the shared prefixes) as a file; what the import printed."""
    path = tmp_path / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return import_file(path)


def import_file(path, **options):
    """What the import printed; a refused import raises CommandError with its errors as the message."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_glossary", str(path), stdout=out, stderr=err, quiet=True, **options)
    except CommandError as exc:
        raise CommandError(f"{exc}\n{err.getvalue()}") from None
    return out.getvalue()


@pytest.fixture
def unesco(tmp_path):
    return import_turtle(tmp_path, UNESCO_SHAPED)


# Import and export ------------------------------------------------------------------------------


def test_a_collections_labels_in_other_languages_become_the_categorys_names(unesco):
    education = Category.objects.get(name="Education")
    assert education.names == {"fr": "Éducation", "es": "Educación", "ar": "التربية", "ru": "Образование"}


def test_two_labels_in_one_language_and_a_tag_that_is_none_are_warned_of_not_dropped_silently(unesco):
    science = Category.objects.get(name="Science")
    assert science.names == {"fr": "Ciencias"}
    assert "has two skos:prefLabel in fr; “Ciencias” is kept, “Sciences” is not" in unesco
    assert "has the language tag 'x-private', which is not one; skipped" in unesco


def test_the_names_go_out_in_skos_and_come_back_in_an_empty_glossary(unesco, tmp_path, settings):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    target = tmp_path / "out.ttl"
    call_command("export_glossary", format="skos", output=str(target), stderr=io.StringIO())
    g = Graph().parse(target, format="turtle")
    collection = next(c for c in g.subjects(RDF.type, SKOS.Collection) if (c, SKOS.prefLabel, Literal("Education", lang="en")) in g)
    assert (collection, SKOS.prefLabel, Literal("Образование", lang="ru")) in g
    empty_glossary()
    import_file(target)
    assert Category.objects.get(name="Education").names["ru"] == "Образование"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_names_survive_a_json_and_a_csv_round_trip(unesco, tmp_path, fmt):
    target = tmp_path / f"out-{fmt}"
    call_command("export_glossary", format=fmt, output=str(target), stderr=io.StringIO())
    if fmt == "csv":
        rows = {row["slug"]: row for row in csv.DictReader(open(target / "categories.csv", encoding="utf-8"))}
        assert json.loads(rows[Category.objects.get(name="Education").slug]["names"])["ar"] == "التربية"
    empty_glossary()
    import_file(target)
    assert Category.objects.get(name="Education").names == {
        "fr": "Éducation", "es": "Educación", "ar": "التربية", "ru": "Образование"}


def test_a_category_without_names_exports_as_before_so_stored_releases_still_match():
    category = services.category_create(name="Methods")
    assert "names" not in category_data(category)


@pytest.mark.parametrize(("names", "reason"), [
    (["fr", "Méthodes"], "Enter an object of language tag → name"),
    ({"français": "Méthodes"}, "is not a language tag"),
    ({"en": "Methods"}, "is the glossary's own language"),
    ({"fr": "  "}, "must be a non-empty text"),
    ({"fr": "x" * 101}, "at most 100"),
])
def test_bad_names_in_a_file_are_refused_naming_the_place_and_nothing_changes(tmp_path, names, reason):
    services.category_create(name="Methods", slug="methods")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "glossary-graph", "version": 2,
                                "categories": [{"slug": "methods", "name": "Methods", "names": names}]}))
    with pytest.raises(CommandError) as refused:
        import_file(path)
    assert "categories[0].names" in str(refused.value) and reason in str(refused.value)
    assert Category.objects.get(slug="methods").names == {}


# Pages, graphs and feeds ------------------------------------------------------------------------


@pytest.fixture
def learning(make_term, is_a, relate):
    category = services.category_create(name="Learning", slug="learning", color="#2a9d8f",
                                        names={"fr": "Apprentissage", "de": "Lernen", "en-GB": "Learning (GB)"})
    fine_tuning = make_term("Fine-tuning", category=category,
                            labels=[{"text": "Fine-tuning", "language": "en", "kind": "preferred"},
                                    {"text": "Affinage", "language": "fr", "kind": "preferred"}])
    relate(fine_tuning, is_a, make_term("Training", category=category))
    return category


def test_a_term_page_names_its_category_in_the_readers_language(client, learning):
    page = client.get("/terms/fine-tuning/?lang=fr").content.decode()
    assert ">Apprentissage</a>" in page and ">Learning</a>" not in page
    assert ">Learning</a>" in client.get("/terms/fine-tuning/").content.decode()


def test_a_reader_of_a_language_the_category_has_no_name_in_gets_its_name(client, learning):
    assert ">Learning</a>" in client.get("/terms/fine-tuning/?lang=fi").content.decode()


def test_a_regional_reader_gets_the_regional_name(client, learning):
    assert ">Learning (GB)</a>" in client.get("/terms/fine-tuning/?lang=en-GB").content.decode()


def test_the_category_page_lists_and_filters_name_it_in_the_readers_language(client, learning):
    assert "<h1 dir=\"auto\">Lernen</h1>" in client.get("/categories/learning/?lang=de").content.decode()
    assert ">Lernen</a>" in client.get("/categories/?lang=de").content.decode()
    assert ">Lernen</a>" in client.get("/?lang=de").content.decode()
    assert ">Lernen (2)</option>" in client.get("/terms/?lang=de").content.decode()
    assert ">Lernen</option>" in client.get("/search/?q=training&lang=de").content.decode()
    assert ">Lernen</label>" in client.get("/graph/?lang=de").content.decode()


def test_the_graph_legend_and_node_panel_name_the_category_in_the_readers_language(learning):
    H = graph_snapshot_for(None).G
    payload = vis_payload(H, "/terms/__slug__/", language="fr")
    assert payload["legend"]["categories"] == [{"name": "Apprentissage", "color": "#2a9d8f"}]
    assert {node["category"] for node in payload["nodes"]} == {"Apprentissage"}
    assert vis_payload(H, "/terms/__slug__/")["legend"]["categories"][0]["name"] == "Learning"


def test_a_renamed_category_is_seen_by_the_next_graph_read(learning):
    graph_snapshot_for(None)
    learning.names = {**learning.names, "fr": "Apprentissage automatique"}
    services.category_update(category=learning)
    payload = vis_payload(graph_snapshot_for(None).G, "/terms/__slug__/", language="fr")
    assert payload["legend"]["categories"][0]["name"] == "Apprentissage automatique"


def test_the_changes_feed_names_the_category_in_the_readers_language(client, learning):
    feed = client.get("/changes/feed/?lang=fr&category=learning").content.decode()
    assert 'term="Apprentissage"' in feed
    assert "in Apprentissage" in feed


# Editing ----------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    return client


def category_form(**fields):
    return {"name": "Learning", "slug": "learning", "description": "", "color": "#2a9d8f", **fields}


def test_the_admin_edits_names_one_per_line(admin_client, learning):
    url = reverse("admin:glossary_category_change", args=[learning.pk])
    shown = admin_client.get(url).content.decode()
    assert "de: Lernen\nen-GB: Learning (GB)\nfr: Apprentissage</textarea>" in shown
    response = admin_client.post(url, category_form(names="fr: Apprentissage automatique\n\nes:  Aprendizaje  "))
    assert response.status_code == 302
    learning.refresh_from_db()
    assert learning.names == {"fr": "Apprentissage automatique", "es": "Aprendizaje"}


def test_the_admin_refuses_a_line_it_cannot_read_and_keeps_what_was_typed(admin_client, learning):
    url = reverse("admin:glossary_category_change", args=[learning.pk])
    response = admin_client.post(url, category_form(names="fr Apprentissage\nen: Learning"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Line 1: write a language tag, a colon and the name" in page
    assert "fr Apprentissage\nen: Learning</textarea>" in page
    response = admin_client.post(url, category_form(names="en: Learning"))
    assert "is the glossary&#x27;s own language" in response.content.decode()
    learning.refresh_from_db()
    assert learning.names == {"fr": "Apprentissage", "de": "Lernen", "en-GB": "Learning (GB)"}


def test_categories_are_listed_in_the_order_of_the_names_the_reader_sees(client, make_term):
    # Deployment comes before Learning in English; Apprentissage before Mise en production in French.
    learning = services.category_create(name="Learning", slug="learning", names={"fr": "Apprentissage"})
    deployment = services.category_create(name="Deployment", slug="deployment", names={"fr": "Mise en production"})
    make_term("Fine-tuning", category=learning)
    make_term("Serving", category=deployment)

    def order(url, *names):
        page = client.get(url).content.decode()
        return sorted(names, key=page.index)

    assert order("/categories/", "Learning", "Deployment") == ["Deployment", "Learning"]
    for url in ("/categories/?lang=fr", "/?lang=fr", "/terms/?lang=fr", "/search/?lang=fr", "/changes/?lang=fr"):
        assert order(url, "Apprentissage", "Mise en production") == ["Apprentissage", "Mise en production"], url


GROUPS = """
th:domain1 a skos:Collection ; skos:prefLabel "Education"@en, "Éducation"@fr ; skos:member th:mt1 .
th:mt1 a isothes:ConceptGroup ; skos:prefLabel "Education"@en, "Éducation"@fr ; skos:member th:c1, th:c2 .
th:mt2 a skos:OrderedCollection ; skos:prefLabel "Teaching"@en ; skos:memberList ( th:c2 th:c3 ) .
th:loop a skos:OrderedCollection ; skos:prefLabel "Broken"@en ; skos:memberList th:l1 .
th:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> th:c3 ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> th:l1 .
th:c1 a skos:Concept ; skos:prefLabel "Curriculum"@en .
th:c2 a skos:Concept ; skos:prefLabel "Teaching method"@en .
th:c3 a skos:Concept ; skos:prefLabel "Lecture"@en .
"""


def test_concept_groups_and_ordered_collections_become_categories_and_a_shared_label_is_told_apart(tmp_path):
    out = import_turtle(tmp_path, GROUPS)
    assert sorted(Category.objects.values_list("slug", "name")) == [
        ("broken", "Broken"), ("education", "Education"), ("education-2", "Education (mt1)"), ("teaching", "Teaching")]
    assert "has the name “Education” of another collection; its category is named “Education (mt1)”" in out
    categories = dict(Term.objects.values_list("name", "category__name"))
    assert categories == {"Curriculum": "Education (mt1)", "Teaching method": "Education (mt1)", "Lecture": "Teaching"}
    assert "is a member of the collections “Education (mt1)” and “Teaching”; a term has one category, “Education (mt1)”" in out
    assert "skos:memberList is a list that loops back on itself; its members are skipped" in out
    assert Category.objects.get(slug="education-2").parent.slug == "education"
    assert Category.objects.get(slug="teaching").parent is None


def test_a_concept_in_a_domain_and_in_one_of_its_groups_takes_the_group_without_a_warning(tmp_path):
    out = import_turtle(tmp_path, """
th:crops a skos:Collection ; skos:prefLabel "Crops and plants"@en ; skos:member th:cereals, th:c1, th:c2 .
th:cereals a skos:Collection ; skos:prefLabel "Cereals"@en ; skos:member th:grains, th:c1 .
th:grains a skos:Collection ; skos:prefLabel "Grains"@en ; skos:member th:c1 .
th:c1 a skos:Concept ; skos:prefLabel "Wheat"@en .
th:c2 a skos:Concept ; skos:prefLabel "Fern"@en .
""")
    categories = dict(Term.objects.values_list("name", "category__name"))
    assert categories == {"Wheat": "Grains", "Fern": "Crops and plants"}
    assert "a term has one category" not in out
    assert [t.name for t in Term.objects.filter(category__slug__in=with_groups("crops-and-plants"))] == ["Fern", "Wheat"]


# Categories inside others -----------------------------------------------------------------------


@pytest.fixture
def domains(make_term):
    education = services.category_create(name="Education", slug="education", names={"fr": "Éducation"})
    curricula = services.category_create(name="Curricula", slug="curricula", parent=education)
    teaching = services.category_create(name="Teaching", slug="teaching", parent=education)
    make_term("Syllabus", category=curricula)
    make_term("Lecture", category=teaching)
    make_term("Seminar", category=teaching)
    return education


def test_the_categories_page_lists_a_domains_groups_inside_its_card(client, domains):
    page = client.get("/categories/").content.decode()
    cards = page.split('<li class="card"')[1:]
    assert len(cards) == 1 and ">Curricula</a>" in cards[0] and ">Teaching</a>" in cards[0]
    assert "2 groups · 3 terms</p>" in cards[0]


def test_the_home_page_lists_the_domains_with_their_groups_terms(client, domains, make_term):
    services.category_create(name="Empty", slug="empty")
    make_term("Loose", category=services.category_create(name="Flat", slug="flat"))
    page = client.get("/").content.decode()
    listed = page.split('<ul class="category-list">')[1].split("</ul>")[0]
    assert '>Education</a> <span class="count" aria-label="3 terms">3</span>' in listed
    assert '>Flat</a> <span class="count" aria-label="1 term">1</span>' in listed
    assert "Teaching" not in listed and "Curricula" not in listed and "Empty" not in listed


def test_a_domains_page_lists_its_groups_and_a_groups_page_names_its_domain(client, domains):
    page = client.get("/categories/education/?lang=fr").content.decode()
    assert '<h2 class="category-groups-head">Groups</h2>' in page
    assert ">Teaching</a> <span class=\"count\" aria-label=\"2 terms\">2</span>" in page
    assert "No terms in this category yet." not in page
    group = client.get("/categories/teaching/?lang=fr").content.decode()
    assert '<a href="/categories/education/?lang=fr" dir="auto">Éducation</a></li><li><a href="/categories/teaching/' in group


def test_groups_survive_json_csv_and_skos_round_trips(domains, tmp_path, settings):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    for fmt in ("json", "csv", "skos"):
        target = tmp_path / f"out-{fmt}"
        call_command("export_glossary", format=fmt, output=str(target), stderr=io.StringIO())
        empty_glossary()
        import_file(target)
        assert dict(Category.objects.values_list("slug", "parent__slug")) == {
            "education": None, "curricula": "education", "teaching": "education"}, fmt


def test_an_export_of_some_terms_holds_the_domains_of_their_groups(domains, tmp_path):
    from glossary.exchange.snapshot import glossary_snapshot
    snapshot = glossary_snapshot(terms=Term.objects.filter(slug="lecture"))
    assert [(c["slug"], c.get("parent")) for c in snapshot["categories"]] == [("education", None), ("teaching", "education")]


@pytest.mark.parametrize(("categories", "message"), [
    ([{"slug": "a", "name": "A", "parent": "nowhere"}], "categories[0].parent: no category 'nowhere'"),
    ([{"slug": "a", "name": "A", "parent": "b"}, {"slug": "b", "name": "B", "parent": "a"}],
     "A category cannot be inside itself: A → B → A."),
    ([{"slug": "a", "name": "A", "parent": "a"}], "categories[0].parent: A category cannot be inside itself: A → A."),
])
def test_a_file_with_a_missing_or_looping_parent_is_refused(tmp_path, categories, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "glossary-graph", "version": 2, "categories": categories}))
    with pytest.raises(CommandError) as refused:
        import_file(path)
    assert message in str(refused.value)
    assert not Category.objects.exists()


def test_an_import_records_a_new_category_or_relation_type_as_created_once(tmp_path):
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"format": "glossary-graph", "version": 2, "categories": [
        {"slug": "education", "name": "Education"}, {"slug": "teaching", "name": "Teaching", "parent": "education"}],
        "relation_types": [{"slug": "uses", "label": "uses", "inverse_label": "is used by"}]}))
    import_file(path)
    assert sorted(Category.history.values_list("slug", "history_type", "parent__slug")) == [
        ("education", "+", None), ("teaching", "+", "education")]
    assert list(RelationType.history.values_list("slug", "history_type")) == [("uses", "+")]


def test_accents_do_not_send_a_category_to_the_end_of_the_list(client):
    services.category_create(name="Childhood", slug="childhood", names={"fr": "Enfance"})
    services.category_create(name="School", slug="school", names={"fr": "École"})
    page = client.get("/categories/?lang=fr").content.decode()
    assert page.index(">École</a>") < page.index(">Enfance</a>")


def test_filtering_by_a_domain_selects_the_terms_of_its_groups_everywhere(client, domains):
    def slugs(url):
        return sorted(re.findall(r'href="/terms/([\w-]+)/"', client.get(url).content.decode()))

    everything = ["lecture", "seminar", "syllabus"]
    assert slugs("/terms/?category=education") == everything
    assert slugs("/terms/?category=teaching") == ["lecture", "seminar"]
    assert slugs("/categories/education/") == everything
    assert slugs("/search/?q=lecture&category=education") == ["lecture"]
    assert slugs("/changes/?category=education") == everything
    api = client.get("/api/terms/?category=education").json()
    assert sorted(t["slug"] for t in api["results"]) == everything
    graph = client.get("/api/graph/?category=education").json()
    assert sorted(n["id"] for n in graph["nodes"]) == everything
    page = client.get("/categories/").content.decode()
    assert "2 groups · 3 terms</p>" in page
    assert ">Education (3)</option>" in client.get("/terms/").content.decode()


def test_a_terms_breadcrumb_names_the_domain_of_its_group(client, domains):
    page = client.get("/terms/lecture/?lang=fr").content.decode()
    start = page.index('aria-label="Breadcrumb"')
    crumbs = page[start:page.index("</nav>", start)]
    assert crumbs.index(">Éducation</a>") < crumbs.index(">Teaching</a>") < crumbs.index(">Lecture</a>")


def test_two_collections_holding_each_other_are_warned_of_and_one_stays_outside(tmp_path):
    out = import_turtle(tmp_path, """
th:a a skos:Collection ; skos:prefLabel "Arts"@en ; skos:member th:b .
th:b a skos:Collection ; skos:prefLabel "Crafts"@en ; skos:member th:a .
""")
    assert dict(Category.objects.values_list("slug", "parent__slug")) == {"arts": "crafts", "crafts": None}
    assert "<http://vocabularies.example.org/thesaurus/b>: is a member of “Arts”, which is inside it; it is kept outside" in out


def test_a_reimported_thesaurus_that_took_a_group_out_of_its_domain_takes_it_out_here(tmp_path):
    groups = """
th:g a skos:Collection ; skos:prefLabel "Teaching"@en ; skos:member th:c .
th:c a skos:Concept ; skos:prefLabel "Lecture"@en .
"""
    import_turtle(tmp_path, 'th:d a skos:Collection ; skos:prefLabel "Education"@en ; skos:member th:g .' + groups)
    assert Category.objects.get(slug="teaching").parent.slug == "education"
    out = import_turtle(tmp_path, 'th:d a skos:Collection ; skos:prefLabel "Education"@en .' + groups)
    assert Category.objects.get(slug="teaching").parent is None
    assert "categories: 0 created, 1 updated, 1 unchanged" in out


def test_large_counts_are_written_with_thousands_separators(client, domains):
    teaching = Category.objects.get(slug="teaching")
    Term.objects.bulk_create([Term(name=f"Bulk {i}", slug=f"bulk-{i}", category=teaching, status="published")
                              for i in range(1200)])
    home = client.get("/").content.decode()
    assert '<a href="/terms/">1,203</a>' in home
    assert '>Education</a> <span class="count" aria-label="1,203 terms">1,203</span>' in home
    assert "1,203 terms" in client.get("/terms/").content.decode()
    assert "1,203 terms, with those of its groups" in client.get("/categories/education/").content.decode()
