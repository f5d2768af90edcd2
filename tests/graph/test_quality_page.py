"""The quality report (/quality/): what a curator may want to fix, over the terms the reader may see."""

import re

import networkx as nx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossary import services
from glossary.models import LabelKind, NoteKind, Relation, Term
from graphviz_app import health, queries

pytestmark = pytest.mark.django_db

ACYCLIC = {"label": "x", "inverse_label": "y", "acyclic": True}


def section(html: str, anchor: str) -> str:
    """The text of the report's section ``anchor``, tags removed."""
    start = html.index(f'id="{anchor}"')
    end = html.find("</section>", start)
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:end]).split())


def language_row(html: str, tag: str) -> str:
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]
    return next(row for row in rows if re.search(rf"\b{tag}\b", row.split(":")[0]))


@pytest.fixture
def curated(make_term, is_a, related_to, relate):
    """A small glossary with one problem of each kind (and terms without it)."""
    category = services.category_create(name="Models")
    llm = make_term("Large language model", short_definition="A model of text.", category=category,
                    labels=[{"text": "Large language model", "language": "en", "kind": LabelKind.PREFERRED},
                            {"text": "Grand modèle de langage", "language": "fr", "kind": LabelKind.PREFERRED}])
    services.note_create(term=llm, kind=NoteKind.DEFINITION, language="fr", text="Un modèle du texte.")
    gpt = make_term("GPT-4", short_definition="A model.", category=category)
    rag = make_term("RAG", short_definition="Retrieval first.", category=category)
    relate(gpt, is_a, llm)
    relate(rag, related_to, llm)
    lonely = make_term("Lonely idea", short_definition="", category=None)
    gemini = make_term("Gemini", short_definition="Google's model.", category=category)
    relate(gemini, is_a, llm)
    make_term("Bard", short_definition="Old name.", category=category, status="deprecated", replaced_by=gemini)
    make_term("Obsolete thing", short_definition="Gone.", category=category, status="deprecated")
    return {"llm": llm, "gpt": gpt, "rag": rag, "lonely": lonely}


def test_cycles_read_the_edges_once_for_every_acyclic_type():
    """At 500,000 relations, reading every edge again for each acyclic type took seconds."""

    class Counted(nx.MultiDiGraph):
        reads = 0

        @property
        def edges(self):
            Counted.reads += 1
            return super().edges

    types = {f"t{i}": ACYCLIC for i in range(6)} | {"free": {"label": "f", "inverse_label": "f"}}
    G = Counted(types=types)
    G.add_edges_from([("a", "b", "t0"), ("b", "a", "t0"), ("a", "b", "t3"), ("b", "c", "free"), ("c", "b", "free")])
    G.add_edges_from([("c", "d", "t5"), ("d", "e", "t5"), ("e", "c", "t5")])
    cycles = queries.acyclic_type_cycles(G)
    assert Counted.reads == 1
    assert set(cycles) == {"t0", "t5"}
    assert cycles["t5"][0] == cycles["t5"][-1] and set(cycles["t5"]) == {"c", "d", "e"}


def test_the_report_lists_each_problem_and_not_the_terms_without_it(client, curated):
    html = client.get("/quality/").content.decode()
    orphans = section(html, "orphans")
    assert "Lonely idea" in orphans and "Large language model" not in orphans
    assert "Obsolete thing" in section(html, "deprecated") and "Bard" not in section(html, "deprecated")
    undefined = section(html, "without-definition")
    assert "Lonely idea" in undefined and "GPT-4" not in undefined
    uncategorised = section(html, "without-category")
    assert "Lonely idea" in uncategorised and "RAG" not in uncategorised
    assert "None." in section(html, "cycles")
    assert section(html, "hubs").index("Large language model") < section(html, "hubs").index("Gemini")
    assert 'href="/terms/lonely-idea/"' in html


def test_a_cycle_that_came_in_before_the_rule_is_shown_with_its_terms(client, curated, is_a):
    # Only raw rows can close one: every write path refuses it.
    Relation.objects.bulk_create([Relation(source=curated["llm"], type=is_a, target=curated["gpt"])])
    services.term_update(term=curated["rag"], short_definition="Retrieval, then generation.")  # the log moves
    cycles = section(client.get("/quality/").content.decode(), "cycles").replace(" :", ":")
    assert "is a:" in cycles
    assert cycles.split("is a:")[1].strip() in ("GPT-4 → Large language model → GPT-4",
                                                "Large language model → GPT-4 → Large language model")


def test_languages_count_names_and_definitions_and_list_the_terms_without_a_name(client, curated):
    html = client.get("/quality/").content.decode()
    english, french = language_row(html, "en"), language_row(html, "fr")
    assert "7 (100%)" in english and "6 (86%)" in english  # Lonely idea has no short definition
    assert "the glossary's own" in english.lower()
    assert french.startswith("français fr") and "1 (14%)" in french
    assert "6:" in french and "GPT-4" in french and "Large language model" not in french.split("6:")[1]


def test_names_are_in_the_readers_language(client, curated, make_term, relate, related_to):
    make_term("Orphan", short_definition="Alone.",
              labels=[{"text": "Orphan", "language": "en", "kind": LabelKind.PREFERRED},
                      {"text": "Orphelin", "language": "fr", "kind": LabelKind.PREFERRED}])
    html = client.get("/quality/?lang=fr").content.decode()
    assert "Orphelin" in section(html, "orphans")
    assert "Grand modèle de langage" in section(html, "hubs")


def test_drafts_count_for_staff_only(client, curated, staff_user, make_term):
    make_term("Secret draft", short_definition="", status="draft")
    anonymous = client.get("/quality/").content.decode()
    assert "Secret draft" not in anonymous and "7 terms you can see" in anonymous
    client.force_login(staff_user)
    staff = client.get("/quality/").content.decode()
    assert "Secret draft" in section(staff, "orphans") and "8 terms you can see" in staff


def test_the_report_follows_each_change(client, curated, relate, related_to):
    assert "Lonely idea" in section(client.get("/quality/").content.decode(), "orphans")
    relate(curated["lonely"], related_to, curated["rag"])
    services.term_update(term=curated["lonely"], short_definition="Not alone any more.")
    html = client.get("/quality/").content.decode()
    assert "Lonely idea" not in section(html, "orphans")
    assert "Lonely idea" not in section(html, "without-definition")


def test_long_lists_are_cut_and_say_how_many_more(client, make_term):
    for i in range(130):
        make_term(f"Alone {i:03}", short_definition="x")
    orphans = section(client.get("/quality/").content.decode(), "orphans")
    assert "Alone 039" in orphans and "Alone 040" not in orphans and "and 90 more" in orphans


def test_the_reports_queries_do_not_grow_with_the_glossary(client, make_term):
    def more(count):
        for _ in range(count):
            term = make_term(short_definition="")
            services.label_create(term=term, text=f"{term.name} (de)", language="de", kind=LabelKind.PREFERRED)

    def queries_after_a_change():
        services.term_update(term=make_term(short_definition=""), short_definition="")  # nothing kept from before
        with CaptureQueriesContext(connection) as run:
            assert client.get("/quality/?lang=de").status_code == 200
        return len(run)

    more(1)
    queries_after_a_change()  # the graph is built; later reads follow the change log
    few = queries_after_a_change()
    more(40)
    assert queries_after_a_change() == few


def test_the_footer_links_the_report(client, curated):
    assert 'href="/quality/"' in client.get("/").content.decode()


def test_an_empty_glossary_has_an_empty_report(client, db):
    response = client.get("/quality/")
    assert response.status_code == 200
    assert "No term has a relation yet." in response.content.decode()


@pytest.mark.parametrize("seed", range(40))
def test_a_cycle_is_found_exactly_when_networkx_finds_one(seed):
    """Peeling off what no cycle holds must not change the answer: random graphs with tails into
    and out of their cycles, against networkx's own check."""
    import random

    rng = random.Random(seed)
    nodes = range(rng.randint(2, 12))
    pairs = list({(rng.choice(nodes), rng.choice(nodes)) for _ in range(rng.randint(1, 20))})
    pairs = [(u, v) for u, v in pairs if u != v]
    cycle = health.one_cycle(pairs)
    if nx.is_directed_acyclic_graph(nx.DiGraph(pairs)):
        assert cycle is None
    else:
        assert cycle[0] == cycle[-1] and all(pair in pairs for pair in zip(cycle, cycle[1:]))


# The whole lists: ?lacking= on /terms/ and /api/terms/ -------------------------------------------


def slugs_listed(client, query):
    response = client.get(f"/api/terms/?{query}&page_size=100")
    assert response.status_code == 200, response.content
    return sorted(term["slug"] for term in response.json()["results"])


def test_each_list_of_the_report_is_the_term_lists_lacking_filter(client, curated):
    assert slugs_listed(client, "lacking=relations") == ["bard", "lonely-idea", "obsolete-thing"]
    assert slugs_listed(client, "lacking=definition") == ["lonely-idea"]
    assert slugs_listed(client, "lacking=category") == ["lonely-idea"]
    assert slugs_listed(client, "lacking=replacement") == ["obsolete-thing"]
    assert "large-language-model" not in slugs_listed(client, "lacking=name-fr")
    assert len(slugs_listed(client, "lacking=name-fr")) == 6
    assert slugs_listed(client, "lacking=definition-fr") == slugs_listed(client, "lacking=name-fr")
    html = client.get("/quality/").content.decode()
    for what in ("relations", "definition", "category", "replacement"):
        assert f'href="/terms/?lacking={what}"' in html
    assert 'href="/terms/?lacking=name-fr"' in html and 'href="/terms/?lacking=definition-fr"' in html


def test_the_web_list_says_what_the_terms_lack_and_keeps_it_while_filtering(client, curated):
    html = client.get("/terms/?lacking=name-fr").content.decode()
    assert "Terms with no name in français (fr)" in html and "6 terms" in html
    assert '<input type="hidden" name="lacking" value="name-fr">' in html
    assert "Grand modèle" not in html
    filtered = client.get("/terms/?lacking=name-fr&q=model").content.decode()
    assert "Gemini" in filtered and "GPT-4" in filtered  # found, and lacking a French name
    assert "Large language model" not in filtered and "2 terms matching" in filtered  # found, but named in French


def test_a_relation_only_staff_can_see_does_not_count_for_readers(client, curated, make_term, relate, related_to,
                                                                  staff_user):
    draft = make_term("Hidden partner", short_definition="A draft.", status="draft")
    relate(curated["lonely"], related_to, draft)
    assert "lonely-idea" in slugs_listed(client, "lacking=relations")
    client.force_login(staff_user)
    assert "lonely-idea" not in slugs_listed(client, "lacking=relations")


def test_a_replacement_readers_cannot_see_is_no_replacement_for_them(client, curated, make_term, staff_user):
    successor = make_term("Successor draft", short_definition="Not yet.", status="draft")
    services.term_update(term=Term.objects.get(slug="obsolete-thing"), replaced_by=successor)
    assert slugs_listed(client, "lacking=replacement") == ["obsolete-thing"]
    client.force_login(staff_user)
    assert slugs_listed(client, "lacking=replacement") == []


@pytest.mark.parametrize("value", ["nothing", "name-", "name-f", "name-fr_FR", "relations-fr", "name-fr-"])
def test_an_unknown_lack_is_a_400_that_says_what_to_ask_for(client, curated, value):
    response = client.get(f"/api/terms/?lacking={value}")
    assert response.status_code == 400 and "name-fr" in response.json()["lacking"][0]
    page = client.get(f"/terms/?lacking={value}")
    assert page.status_code == 400 and "name-fr" in page.content.decode()
    long = client.get(f"/api/terms/?lacking=name-{'-abcdefgh' * 6}")
    assert long.status_code == 400 and "40 characters" in long.json()["lacking"][0]


def test_the_report_counts_what_the_lists_hold(client, curated):
    html = client.get("/quality/").content.decode()
    assert "3" == re.search(r'id="orphans-title">.*?<span class="chip">(\d+)</span>', html, re.S).group(1)
    assert 'href="/terms/?lacking=relations">List all 3 in the term list' in html
    assert 'href="/terms/?lacking=replacement">Open it in the term list' in html


def test_the_admin_term_list_filters_by_what_terms_lack_and_the_report_links_it_for_staff(client, curated, staff_user):
    client.force_login(staff_user)
    page = client.get("/admin/glossary/term/?lacking=name-fr").content.decode()
    assert "No name in français (fr)" in page and "6 results" in page
    assert "Lonely idea" in page and "Large language model" not in page
    assert "1 result" in client.get("/admin/glossary/term/?lacking=replacement").content.decode()
    assert client.get("/admin/glossary/term/?lacking=nonsense").status_code == 302  # the admin's "?e=1"
    report = client.get("/quality/").content.decode()
    assert 'href="/admin/glossary/term/?lacking=relations">in the admin</a>' in report
    assert 'href="/admin/glossary/term/?lacking=name-fr">in the admin</a>' in report
    client.logout()
    assert "/admin/glossary/term/?lacking=" not in client.get("/quality/").content.decode()


def test_a_translation_round_trip_through_the_admin_filter_export_and_import(client, curated, staff_user, tmp_path):
    """Filter the terms without a French name, export them all, name them in French, import the
    file: they gain their names, and the terms the file does not hold keep theirs."""
    import json

    from django.core.management import call_command

    client.force_login(staff_user)
    unnamed = Term.objects.filter(pk__in=[t.pk for t in Term.objects.all()
                                          if not t.labels.filter(kind="preferred", language="fr").exists()])
    response = client.post("/admin/glossary/term/?lacking=name-fr", {
        "action": "export_selected_terms", "select_across": "1", "index": "0",
        "_selected_action": list(unnamed.values_list("pk", flat=True))})
    data = json.loads(response.content)
    assert sorted(t["slug"] for t in data["terms"]) == sorted(unnamed.values_list("slug", flat=True))
    for term in data["terms"]:
        term["labels"].append({"text": f"{term['name']} (fr)", "language": "fr", "kind": "preferred"})
    path = tmp_path / "translated.json"
    path.write_text(json.dumps(data))
    call_command("import_glossary", str(path), quiet=True, stdout=open("/dev/null", "w"))
    assert client.get("/api/terms/?lacking=name-fr").json()["count"] == 0
    llm = Term.objects.get(slug="large-language-model")
    assert llm.labels.get(kind="preferred", language="fr").text == "Grand modèle de langage"
    assert llm.notes.filter(language="fr").count() == 1
    assert Term.objects.get(slug="gpt-4").labels.get(kind="preferred", language="fr").text == "GPT-4 (fr)"


# Names that refer to several terms ----------------------------------------------------------------


def alternative(term, text, language="en"):
    services.label_create(term=term, text=text, language=language, kind=LabelKind.ALTERNATIVE)


def test_names_several_terms_share_are_listed_with_their_terms_as_the_resolver_sees_them(client, curated):
    alternative(curated["gpt"], "Chat model")
    alternative(curated["rag"], "chat  MODEL")  # the same name, folded
    alternative(curated["gpt"], "TCP/IP")
    alternative(curated["rag"], "TCP/IP")
    # A preferred label wins over an alternative one: "RAG" names one term, however many carry it.
    alternative(curated["gpt"], "RAG")
    html = client.get("/quality/").content.decode()
    shared = section(html, "shared-names")
    assert re.search(r'id="shared-names-title">.*?<span class="chip">2</span>', html, re.S)
    assert "Chat model : GPT-4 , RAG" in shared and "TCP/IP : GPT-4 , RAG" in shared
    assert "RAG : " not in shared.replace("chat  MODEL", "")
    assert 'href="/terms/Chat%20model/"' in html and 'href="/search/?q=TCP%2FIP"' in html
    may_refer = client.get("/terms/Chat%20model/")
    assert may_refer.status_code == 200 and "GPT-4" in may_refer.content.decode()


def test_a_name_shared_with_a_draft_is_ambiguous_for_staff_only(client, curated, make_term, staff_user):
    draft = make_term("Secret draft", short_definition="x", status="draft")
    alternative(draft, "Chat model")
    alternative(curated["gpt"], "Chat model")
    assert "None." in section(client.get("/quality/").content.decode(), "shared-names")
    client.force_login(staff_user)
    assert "Secret draft" in section(client.get("/quality/").content.decode(), "shared-names")


def test_the_lists_are_in_the_readers_order_and_match_the_list_they_link_to(client, make_term):
    """A French reader sees the first terms as the French term list orders them, not by the
    glossary's own names shown in French (which read as no order at all)."""
    for name, french in (("Apple", "Pomme"), ("Mango", "Mangue"), ("Zebra", "Baleine")):
        make_term(name, short_definition="", labels=[
            {"text": name, "language": "en", "kind": LabelKind.PREFERRED},
            {"text": french, "language": "fr", "kind": LabelKind.PREFERRED}])

    def order(text, names):
        return sorted(names, key=text.index)

    english = client.get("/quality/").content.decode()
    assert order(section(english, "without-definition"), ["Apple", "Mango", "Zebra"]) == ["Apple", "Mango", "Zebra"]
    french = client.get("/quality/?lang=fr").content.decode()
    shown = order(section(french, "without-definition"), ["Pomme", "Mangue", "Baleine"])
    assert shown == ["Baleine", "Mangue", "Pomme"]
    listed = client.get("/terms/?lacking=definition&lang=fr").content.decode()
    assert order(listed[listed.index("<main"):], shown) == shown
    # The languages table lists the terms with no name in a language in the reader's order too.
    make_term("Kiwi", short_definition="Defined.", labels=[
        {"text": "Kiwi", "language": "en", "kind": LabelKind.PREFERRED},
        {"text": "Kiwi", "language": "de", "kind": LabelKind.PREFERRED}])
    german_row = language_row(client.get("/quality/?lang=fr").content.decode(), "de")
    assert order(german_row, ["Pomme", "Mangue", "Baleine"]) == ["Baleine", "Mangue", "Pomme"]
    german_row = language_row(client.get("/quality/").content.decode(), "de")
    assert order(german_row, ["Apple", "Mango", "Zebra"]) == ["Apple", "Mango", "Zebra"]


# Notations held by several terms ----------------------------------------------------------------


def test_a_glossary_without_notations_has_no_section_for_them(client, curated):
    assert 'id="shared-notations"' not in client.get("/quality/").content.decode()


def test_notations_held_by_several_terms_are_listed_with_their_terms(client, make_term, staff_user):
    """Compared as the search compares them (ignoring case), each linked to the search that finds
    them all; a draft's code counts for staff only."""
    make_term("Soil erosion", notation="A00012")
    make_term("Gully erosion", notation="a00012")
    make_term("Sheet erosion", notation="A00013")
    make_term("Wind erosion", notation="B7")
    make_term("Draft erosion", notation="B7", status="draft")
    html = client.get("/quality/").content.decode()
    listed = section(html, "shared-notations")
    assert "Notations held by several terms 1 A notation" in listed
    assert "A00012 : Gully erosion , Soil erosion" in listed
    assert "A00013" not in listed and "B7" not in listed
    assert '/search/?q=A00012"' in html
    client.force_login(staff_user)
    listed = section(client.get("/quality/").content.decode(), "shared-notations")
    assert "Notations held by several terms 2 A notation" in listed
    assert "B7 : Draft erosion , Wind erosion" in listed
    # The search finds every term the code names.
    found = client.get("/api/terms/", {"search": "a00012"}).json()["results"]
    assert sorted(term["slug"] for term in found) == ["gully-erosion", "soil-erosion"]


def test_the_terms_of_a_shared_notation_are_in_the_readers_order(client, make_term):
    for name, french, code in (("Apple", "Pomme", "F1"), ("Zebra", "Baleine", "f1")):
        make_term(name, notation=code, labels=[{"text": name, "language": "en", "kind": LabelKind.PREFERRED},
                                               {"text": french, "language": "fr", "kind": LabelKind.PREFERRED}])
    assert "F1 : Apple , Zebra" in section(client.get("/quality/").content.decode(), "shared-notations")
    assert "F1 : Baleine , Pomme" in section(client.get("/quality/?lang=fr").content.decode(), "shared-notations")
