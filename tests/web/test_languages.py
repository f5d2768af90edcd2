"""Reading the glossary in a language, and what a term page says about a concept's identity."""

import re

import pytest

from glossary import rules, services
from glossary.models import TermStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def multilingual(make_term, is_a, relate):
    llm = make_term(
        "Large language model",
        short_definition="A language model with very many parameters.",
        body="Often called [[GPT]] in the press.",
        labels=[
            {"text": "Large language model", "language": "en", "kind": "preferred"},
            {"text": "LLM", "language": "en", "kind": "alternative", "subkind": "abbreviation"},
            {"text": "Suuri kielimalli", "language": "fi", "kind": "preferred"},
            {"text": "Großes Sprachmodell", "language": "de", "kind": "preferred"},
            {"text": "LLM-Modell", "language": "de", "kind": "alternative"},
        ],
        notes=[
            {"kind": "definition", "language": "de", "text": "Ein Sprachmodell mit sehr vielen Parametern."},
            {"kind": "scope_note", "language": "en", "text": "Text models only."},
            {"kind": "editorial_note", "language": "en", "text": "Check the German label."},
        ],
        mappings=[{"kind": "exact", "uri": "http://www.wikidata.org/entity/Q115305900", "label": "large language model"}],
        uri="http://example.org/concepts/llm",
        notation="LM.1",
    )
    model = make_term("Language model", short_definition="A model of text.")
    relate(llm, is_a, model)
    gpt3 = make_term("GPT-3", labels=[{"text": "GPT-3", "language": "en", "kind": "preferred"},
                                       {"text": "GPT", "language": "en", "kind": "alternative"}])
    gpt4 = make_term("GPT-4", labels=[{"text": "GPT-4", "language": "en", "kind": "preferred"},
                                       {"text": "GPT", "language": "en", "kind": "alternative"}])
    return {"llm": llm, "model": model, "gpt3": gpt3, "gpt4": gpt4}


def h1(response):
    return re.search(r'<h1 id="term-title" lang="([^"]*)" dir="auto">([^<]*)</h1>', response.content.decode()).groups()


def test_a_term_page_answers_in_the_language_asked_with_lang(client, multilingual):
    assert h1(client.get("/terms/large-language-model/", {"lang": "fi"})) == ("fi", "Suuri kielimalli")
    assert h1(client.get("/terms/large-language-model/")) == ("en", "Large language model")


def test_without_lang_the_accept_language_header_chooses(client, multilingual):
    response = client.get("/terms/large-language-model/", HTTP_ACCEPT_LANGUAGE="de-CH, fi;q=0.8, en;q=0.5")
    assert h1(response) == ("de", "Großes Sprachmodell")
    assert "Ein Sprachmodell mit sehr vielen Parametern." in response.content.decode()
    assert "Accept-Language" in response["Vary"]


def test_the_page_cache_keeps_one_copy_per_language(client, multilingual):
    assert h1(client.get("/terms/large-language-model/", HTTP_ACCEPT_LANGUAGE="fi"))[1] == "Suuri kielimalli"
    assert h1(client.get("/terms/large-language-model/", HTTP_ACCEPT_LANGUAGE="de"))[1] == "Großes Sprachmodell"
    assert h1(client.get("/terms/large-language-model/", HTTP_ACCEPT_LANGUAGE="fi"))[1] == "Suuri kielimalli"


def test_a_term_without_a_label_in_that_language_falls_back_and_says_so(client, multilingual):
    html = client.get("/terms/language-model/", {"lang": "fi"}).content.decode()
    assert h1(client.get("/terms/language-model/", {"lang": "fi"})) == ("en", "Language model")
    assert "No label in suomi yet: shown in en." in html
    assert "No definition in suomi yet: shown in en." in html


def test_the_chosen_language_stays_in_internal_links_and_search_forms(client, multilingual):
    html = client.get("/terms/large-language-model/", {"lang": "fi"}).content.decode()
    assert 'href="/terms/language-model/?lang=fi"' in html
    assert '<input type="hidden" name="lang" value="fi">' in html
    assert not re.search(r'href="/static/[^"]*lang=', html)


def test_the_page_tells_its_scripts_the_language_its_links_keep(client, multilingual):
    # The one rule (glossary.language.kept_language) for the server's links and the scripts' (lang.js).
    def told(**request):
        html = client.get("/terms/large-language-model/", **request).content.decode()
        found = re.search(r'<html lang="[^"]*"(?: data-keep-lang="([^"]*)")?>', html)
        assert found and '<script src="/static/glossary/lang.js"></script>' in html
        return found.group(1)

    assert told(data={"lang": "fi"}) == "fi"
    assert told(data={"lang": "en"}) is None  # the glossary's own: nothing to keep
    assert told(HTTP_ACCEPT_LANGUAGE="fi") is None  # the browser's, not a choice made in the page


def test_a_page_whose_links_keep_the_language_says_its_whole_length(client, multilingual):
    # Its links grow by "?lang=fi" after CommonMiddleware counted its length: browsers stopped
    # reading at the old count, so the end of the page and its scripts were lost.
    response = client.get("/terms/large-language-model/", {"lang": "fi"})
    assert int(response["Content-Length"]) == len(response.content)
    assert response.content.decode().rstrip().endswith("</html>")


def listed(response) -> list[str]:
    return re.findall(r'<a class="term-row-name" href="[^"]*" lang="[^"]*" dir="auto">([^<]*)</a>', response.content.decode())


def letters(response) -> set[str]:
    return set(re.findall(r'aria-label="Terms starting with ([^"]+)">', response.content.decode()))


def test_the_a_to_z_files_and_orders_terms_by_their_names_in_the_readers_language(client, multilingual):
    # Filed under G in German ("Großes Sprachmodell"), under L in English, under S in Finnish;
    # a term without a German name keeps its own, in its place among the others.
    assert listed(client.get("/terms/", {"lang": "de", "letter": "G"})) == ["GPT-3", "GPT-4", "Großes Sprachmodell"]
    assert listed(client.get("/terms/", {"lang": "de", "letter": "L"})) == ["Language model"]
    assert listed(client.get("/terms/", {"letter": "L"})) == ["Language model", "Large language model"]
    assert listed(client.get("/terms/", {"lang": "fi"})) == ["GPT-3", "GPT-4", "Language model", "Suuri kielimalli"]
    assert listed(client.get("/terms/", {"letter": "G"}, HTTP_ACCEPT_LANGUAGE="de-AT")) == [
        "GPT-3", "GPT-4", "Großes Sprachmodell"]
    assert "S" in letters(client.get("/", {"lang": "fi"})) and "S" not in letters(client.get("/"))
    assert "G" in letters(client.get("/terms/", {"lang": "de"}))


def test_a_term_is_listed_by_the_name_its_page_shows(make_term):
    # The list's rule in SQL (selectors.with_listed_name) and the pages' (language.localize) agree,
    # whichever tag the reader asks for and the labels have.
    from django.db.models import F

    from glossary.language import localize
    from glossary.models import Term
    from glossary.selectors import with_listed_name

    term = make_term(labels=[
        {"text": "Hub", "language": "en", "kind": "preferred"},
        {"text": "Knoten", "language": "de", "kind": "preferred"},
        {"text": "Chnode", "language": "de-CH", "kind": "preferred"},
        {"text": "Nó", "language": "pt-BR", "kind": "preferred"},
        {"text": "Nodo", "language": "es-MX", "kind": "preferred"},
        {"text": "Nudo", "language": "es-AR", "kind": "preferred"},
        {"text": "Nodus", "language": "la", "kind": "alternative"},
    ])
    for reader in ["de", "DE-ch", "de-AT", "pt", "pt-PT", "es", "es-mx", "la", "fr", "en-GB"]:
        shown = localize(Term.objects.prefetch_related("labels").get(pk=term.pk), reader)
        terms, listed = with_listed_name(Term.objects.filter(pk=term.pk), reader)
        as_listed = terms.annotate(name_=F(listed.name), key=F(listed.key), filed=F(listed.initial)).values_list(
            "name_", "key", "filed").get()
        # …and is sorted and filed by that name, in its language.
        assert as_listed == (shown.name, rules.sort_key(shown.name, shown.name_language),
                             rules.initial_of(shown.name, shown.name_language)), reader


def test_the_language_switcher_lists_the_glossarys_languages_by_their_own_names(client, multilingual):
    html = client.get("/terms/", {"lang": "de", "letter": "l"}).content.decode()
    switcher = html[html.index('class="language-switcher"'):html.index("</nav>", html.index('class="language-switcher"'))]
    assert 'href="?letter=l&amp;lang=fi"' in switcher or 'href="?letter=l&lang=fi"' in switcher
    assert ">Deutsch <" in switcher and ">suomi <" in switcher and ">English <" in switcher
    assert re.search(r'lang="de" aria-current="true"', switcher)


def test_languages_thesauri_use_are_named_in_themselves_regions_and_scripts_apart(client, make_term):
    """Django's list has no "zh", "se" (Northern Sami, in YSO), "la" (Latin, in biology), "lo", "mt"…:
    the switcher showed their bare tags. And "de-CH" showed as "Deutsch", as "de" does."""
    from glossary.language import language_name

    make_term("Soil", labels=[{"text": "Soil", "language": "en", "kind": "preferred"}] + [
        {"text": f"Soil {tag}", "language": tag, "kind": "preferred"} for tag in ("zh", "zh-Hant", "se", "la", "de-CH")])
    html = client.get("/terms/", {"lang": "se"}).content.decode()
    switcher = html[html.index('class="language-switcher"'):html.index("</nav>", html.index('class="language-switcher"'))]
    for name in ("中文 <", "中文 (繁體) <", "davvisámegiella <", "Latina <", "Deutsch (Schweiz) <", "English <"):
        assert ">" + name in switcher, name
    assert [language_name(tag) for tag in ("und", "x-private", "qaa", "")] == ["und", "x-private", "qaa", ""]


def test_lists_and_search_results_show_names_in_the_readers_language(client, multilingual):
    html = client.get("/terms/", {"lang": "fi"}).content.decode()
    assert ">Suuri kielimalli<" in html
    html = client.get("/search/", {"q": "sprachmodell", "lang": "de"}).content.decode()
    assert "<mark>Sprachmodell</mark>" in html


def test_the_term_page_lists_labels_in_other_languages_and_hides_hidden_labels(client, multilingual):
    services.label_create(term=multilingual["llm"], text="larg langauge model", language="en", kind="hidden")
    html = client.get("/terms/large-language-model/").content.decode()
    section = html[html.index("In other languages"):]
    assert "Deutsch" in section and "Großes Sprachmodell" in section and "LLM-Modell" in section
    assert "Suuri kielimalli" in section
    assert "larg langauge model" not in html


def test_the_term_page_shows_its_uri_notation_notes_and_other_vocabularies(client, staff_user, multilingual):
    html = client.get("/terms/large-language-model/").content.decode()
    assert 'value="http://example.org/concepts/llm" readonly' in html
    assert "<code>LM.1</code>" in html
    assert "Text models only." in html
    assert "Check the German label." not in html  # editorial notes are for curators
    mappings = html[html.index("In other vocabularies"):]
    assert 'href="http://www.wikidata.org/entity/Q115305900"' in mappings and "exact match" in mappings
    client.force_login(staff_user)
    assert "Check the German label." in client.get("/terms/large-language-model/").content.decode()


def test_a_term_without_its_own_uri_shows_the_one_exports_mint(client, multilingual, settings):
    settings.GLOSSARY_BASE_URI = "https://glossary.example.org/"
    html = client.get("/terms/language-model/").content.decode()
    assert 'value="https://glossary.example.org/terms/language-model" readonly' in html


def test_a_shared_alternative_label_leads_to_a_may_refer_to_list_in_search(client, multilingual):
    html = client.get("/search/", {"q": "GPT"}).content.decode()
    box = html[html.index("may refer to"):]
    assert 'href="/terms/gpt-3/">GPT-3<' in box and 'href="/terms/gpt-4/">GPT-4<' in box


def test_a_wiki_link_to_a_shared_label_lists_every_term_it_may_mean(client, multilingual):
    html = client.get("/terms/large-language-model/").content.decode()
    assert re.search(
        r'<span class="wikilink-ambiguous">GPT \(may refer to: <a class="wikilink" href="/terms/gpt-3/">GPT-3</a>, '
        r'<a class="wikilink" href="/terms/gpt-4/">GPT-4</a>\)</span>', html)


def test_the_path_form_with_a_shared_label_asks_which_term(client, multilingual):
    response = client.get("/terms/language-model/path/", {"to": "gpt"}, follow=True)
    assert "“gpt” may refer to “GPT-3”, “GPT-4”; pick one of them." in response.content.decode()


def test_autocomplete_matches_labels_of_every_language(client, multilingual):
    found = client.get("/api/terms/autocomplete/", {"q": "suuri"}).json()
    assert found == [{"slug": "large-language-model", "name": "Large language model", "matched": "Suuri kielimalli"}]
    shared = {s["slug"] for s in client.get("/api/terms/autocomplete/", {"q": "gpt"}).json()}
    assert shared == {"gpt-3", "gpt-4"}


def test_autocomplete_names_its_suggestions_in_the_readers_language(client, multilingual, django_assert_num_queries):
    german = [{"slug": "large-language-model", "name": "Großes Sprachmodell", "matched": "LLM"}]
    assert client.get("/api/terms/autocomplete/", {"q": "llm", "lang": "de"}).json() == german
    assert client.get("/api/terms/autocomplete/", {"q": "llm"}, HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9").json() == german
    # A term without a name in that language keeps the glossary's; the glossary's language costs nothing more.
    assert client.get("/api/terms/autocomplete/", {"q": "language m", "lang": "de"}).json()[0]["name"] == "Language model"
    with django_assert_num_queries(1):
        client.get("/api/terms/autocomplete/", {"q": "llm", "lang": "en"})
    with django_assert_num_queries(2):  # and one query more for another language
        client.get("/api/terms/autocomplete/", {"q": "llm", "lang": "de"})


def test_the_api_answers_in_the_readers_language(client, multilingual):
    body = client.get("/api/terms/large-language-model/", {"lang": "de"}).json()
    assert body["name"] == "Large language model" and body["name_language"] == "en"  # the stored name
    assert body["in_language"] == {
        "language": "de", "name": "Großes Sprachmodell", "name_language": "de",
        "definition": "Ein Sprachmodell mit sehr vielen Parametern.", "definition_language": "de",
    }
    listed = client.get("/api/terms/", HTTP_ACCEPT_LANGUAGE="fi").json()["results"]
    shown = {item["slug"]: item["in_language"]["name"] for item in listed}
    assert shown["large-language-model"] == "Suuri kielimalli" and shown["language-model"] == "Language model"
    assert body["uri"] == "http://example.org/concepts/llm" and body["notation"] == "LM.1"


def test_a_deprecated_terms_page_in_another_language_names_its_replacement(client, make_term, multilingual):
    old = make_term("Big language model")
    services.term_update(term=old, status=TermStatus.DEPRECATED, replaced_by=multilingual["llm"])
    html = client.get("/terms/big-language-model/", {"lang": "fi"}).content.decode()
    assert "Deprecated." in html and 'href="/terms/large-language-model/?lang=fi"' in html


def test_graph_pages_and_the_graph_api_name_terms_in_the_readers_language(client, multilingual):
    import json

    html = client.get("/graph/large-language-model/", {"lang": "fi"}).content.decode()
    payload = json.loads(re.search(r'<script id="[^"]*" type="application/json">(.*?)</script>', html, re.S).group(1))
    names = {node["id"]: node["name"] for node in payload["nodes"]}
    assert names["large-language-model"] == "Suuri kielimalli" and names["language-model"] == "Language model"
    data = client.get("/api/graph/neighborhood/large-language-model/", HTTP_ACCEPT_LANGUAGE="de").json()
    assert {n["id"]: n["name"] for n in data["nodes"]}["large-language-model"] == "Großes Sprachmodell"


def test_the_path_between_two_terms_is_told_in_the_readers_language(client, multilingual):
    # LLM is a language model: the sentence, its ends and the API's explanation in German.
    html = client.get("/graph/path/", {"from": "llm", "to": "language-model", "lang": "de"}).content.decode()
    summary = html[html.index('class="graph-explanation-summary"'):html.index("</ol>")]
    assert ">Großes Sprachmodell</a> reaches <a" in summary
    assert "<li><bdi>Großes Sprachmodell</bdi> is a <bdi>Language model</bdi></li>" in summary
    assert "<title>Großes Sprachmodell → Language model: path" in html
    data = client.get("/api/graph/path/", {"from": "llm", "to": "language-model"}, HTTP_ACCEPT_LANGUAGE="de").json()
    assert data["explanation"] == "Großes Sprachmodell is a Language model"
    assert {n["id"]: n["name"] for n in data["nodes"]}["large-language-model"] == "Großes Sprachmodell"
    english = client.get("/api/graph/path/", {"from": "llm", "to": "language-model"}).json()
    assert english["explanation"] == "Large language model is a Language model"
    none = client.get("/api/graph/path/", {"from": "llm", "to": "gpt-3", "lang": "de"})
    assert none.status_code == 404 and none.json()["detail"] == "No path between “Großes Sprachmodell” and “GPT-3”."


def test_the_glossarys_languages_are_one_distinct_over_languages_not_over_every_label(multilingual):
    """Read on each page after any change: with the model's ordering in the DISTINCT it returned
    one row per preferred label (0.4 s at 100,000 terms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from glossary.language import glossary_languages

    with CaptureQueriesContext(connection) as captured:
        languages = glossary_languages()
    assert languages[0] == "en" and len(languages) == len(set(languages)) > 1
    [query] = [q["sql"] for q in captured.captured_queries if "glossary_label" in q["sql"]]
    assert "ORDER BY" not in query and "lower(" not in query.lower(), query


def test_a_redirect_keeps_the_language_chosen(client, multilingual):
    """The path box on a term page, a name in the URL, a concept URI in the search box: each
    answers with a redirect, and the page it leads to is in the reader's language too."""
    to_path = client.get("/terms/large-language-model/path/", {"to": "GPT-3", "lang": "fi"})
    assert to_path.status_code == 302
    assert to_path["Location"] == "/graph/path/?from=large-language-model&to=gpt-3&lang=fi"
    by_uri = client.get("/search/", {"q": "http://example.org/concepts/llm", "lang": "fi"})
    assert by_uri["Location"] == "/terms/large-language-model/?lang=fi"
    by_name = client.get("/terms/LLM/", {"lang": "fi"})
    assert by_name["Location"] == "/terms/large-language-model/?lang=fi"  # its own query kept, once
    assert client.get("/terms/LLM/")["Location"] == "/terms/large-language-model/"


def test_only_the_sites_own_pages_get_the_language_in_a_redirect():
    from glossary.language import keep_language_in_location as keep

    assert keep("/graph/path/?from=a#steps", "de") == "/graph/path/?from=a&lang=de#steps"
    assert keep("/terms/a/", "zh-Hant") == "/terms/a/?lang=zh-Hant"
    for unchanged in ("/terms/a/?lang=fi", "/admin/login/", "/api/terms/", "//evil.example/", "https://example.org/"):
        assert keep(unchanged, "de") == unchanged


def test_a_regional_reader_gets_the_regional_names_everywhere_the_term_page_gives_them(client, make_term, relate, is_a):
    """A reader of en-GB whose glossary (in en) has en-GB labels: the term page said "Colour
    model" while the lists, the suggestions and the graph said "Color model". A reader of en-US,
    with no en-US label, gets the terms' own names, and nothing is read for it."""
    from glossary.language import names_in, tags_named_for

    colour = make_term("Color model", labels=[{"text": "Color model", "language": "en", "kind": "preferred"},
                                              {"text": "Colour model", "language": "en-GB", "kind": "preferred"}])
    relate(colour, is_a, make_term("Model"))
    assert tags_named_for("en-GB") == ["en-GB"] and tags_named_for("en-US") == tags_named_for("en") == []
    assert re.search(r'<h1 id="term-title" lang="en-GB"[^>]*>Colour model<', client.get(
        "/terms/color-model/", {"lang": "en-GB"}).content.decode())
    assert listed(client.get("/terms/", {"lang": "en-GB"})) == ["Colour model", "Model"]
    assert [s["name"] for s in client.get("/api/terms/autocomplete/", {"q": "col", "lang": "en-GB"}).json()] == [
        "Colour model"]
    graph = client.get("/api/graph/neighborhood/color-model/", {"lang": "en-GB"}).json()
    assert {node["name"] for node in graph["nodes"]} == {"Colour model", "Model"}
    assert names_in("en-US", ["color-model"]) == {}


LONG_DEFINITION = ("A coastal ecosystem where fresh water from rivers meets and mixes with salt water from the sea, "
                   "forming a gradient of salinity that supports distinctive communities of plants and animals, "
                   "acts as a nursery for many fish species, filters sediments and pollutants, and buffers the land "
                   "against storms; see also aquatic food webs and tidal wetlands.")


def lead_and_more(response) -> tuple[str, list[str]]:
    html = response.content.decode()
    lead = re.search(r'<p class="lead definition"[^>]*>([^<]*)</p>', html)
    more = re.findall(r'<p class="definition definition-more"[^>]*>([^<]*)</p>', html)
    return (lead.group(1) if lead else ""), more


def test_a_definition_an_import_cut_short_is_shown_whole_on_the_term_page(client, make_term):
    from glossary.exchange.skos_read import _shorten

    assert len(LONG_DEFINITION) > 300
    estuary = make_term("Estuary", short_definition=_shorten(LONG_DEFINITION),
                        notes=[{"kind": "definition", "language": "en", "text": LONG_DEFINITION},
                               {"kind": "definition", "language": "en", "text": "Where a river meets the sea."}])
    lead, more = lead_and_more(client.get(estuary.get_absolute_url()))
    assert lead == LONG_DEFINITION.replace("'", "&#x27;")
    assert more == ["Where a river meets the sea."]  # a second definition in that language is shown too
    # Lists keep the short one.
    listed_page = client.get("/terms/").content.decode()
    assert _shorten(LONG_DEFINITION) in listed_page and LONG_DEFINITION not in listed_page


def test_a_term_defined_only_in_another_language_shows_that_definition_and_says_so(client, make_term):
    cheese = make_term("Fromage affiné", labels=[{"text": "Fromage affiné", "language": "fr", "kind": "preferred"}],
                       notes=[{"kind": "definition", "language": "fr", "text": "Un fromage mûri en cave."},
                              {"kind": "definition", "language": "de", "text": "Ein gereifter Käse."}])
    response = client.get(cheese.get_absolute_url())
    lead, _more = lead_and_more(response)
    assert lead == "Un fromage mûri en cave."  # the name's language first
    assert 'lang="fr"' in re.search(r'<p class="lead definition"[^>]*>', response.content.decode()).group(0)
    assert "No definition in English yet: shown in fr." in response.content.decode()
    api = client.get(f"/api/terms/{cheese.slug}/").json()["in_language"]
    assert (api["definition"], api["definition_language"]) == ("Un fromage mûri en cave.", "fr")
    lead, _more = lead_and_more(client.get(cheese.get_absolute_url(), {"lang": "de"}))
    assert lead == "Ein gereifter Käse."


def test_readers_see_names_sorted_and_filed_as_their_language_does(client, make_term):
    """A French reader of a thesaurus with French labels: "bétail" before "bovin", "Église" under E
    beside "eau"; an Arabic reader: أ, إ and آ under ا; a Chinese reader: a name under the first
    letter of its pinyin. By code point "bétail" came after "bovin", and É, أ and 大 each had a
    button of their own."""
    for en, fr, ar, zh in [("Livestock", "bétail", "ماشية", "牲畜"), ("Bovine", "bovin", "بقري", "牛科"),
                           ("Church", "Église", "كنيسة", "教堂"), ("Water", "eau", "ماء", "水"),
                           ("Lion", "lion", "أسد", "狮子"), ("Machine", "machine", "آلة", "机器"),
                           ("Human", "humain", "إنسان", "人类"), ("Large language model", "grand modèle de langage",
                                                                "نموذج لغوي كبير", "大语言模型")]:
        make_term(labels=[{"text": text, "language": tag, "kind": "preferred"}
                          for text, tag in ((en, "en"), (fr, "fr"), (ar, "ar"), (zh, "zh"))])
    listed = lambda reader, **params: client.get("/terms/", {"lang": reader, **params})  # noqa: E731
    page_names = lambda r: [t.name for t in r.context["page"]]  # noqa: E731

    french = listed("fr")
    assert page_names(french)[:4] == ["Livestock", "Bovine", "Water", "Church"]  # bétail, bovin, eau, Église
    assert page_names(listed("fr", letter="e")) == ["Water", "Church"]
    assert page_names(listed("fr", letter="É")) == ["Water", "Church"]  # the letter as the index files it
    index = re.findall(r'aria-label="Terms starting with (.)">', french.content.decode())
    assert index == ["B", "E", "G", "H", "L", "M"], index  # no É of its own

    arabic = listed("ar")
    index = re.findall(r'aria-label="Terms starting with (.)">', arabic.content.decode())
    assert index[0] == "ا" and not {"أ", "إ", "آ"} & set(index), index
    assert sorted(page_names(listed("ar", letter="أ"))) == ["Human", "Lion", "Machine"]  # أسد, آلة, إنسان
    assert page_names(listed("zh", letter="D")) == ["Large language model"]  # 大语言模型: dà
    assert page_names(listed("zh", letter="R")) == ["Human"]  # 人类: rén


def test_categories_come_in_the_order_the_readers_language_sorts_their_names(client, make_term):
    for name, names in [("Apples", {"sv": "Äpplen", "fr": "pommes"}), ("Berries", {"sv": "Bär", "fr": "baies"}),
                        ("Zucchini", {"sv": "Zucchini", "fr": "courgettes"}), ("Schools", {"sv": "Skolor", "fr": "écoles"}),
                        ("Water", {"sv": "Vatten", "fr": "eau"})]:
        category = services.category_create(name=name, names=names)
        make_term(f"A term in {name}", category=category)

    def shown(reader):
        html = client.get("/categories/", {"lang": reader}).content.decode()
        return re.findall(r'<h2><a href="/categories/[^"/]+/[^"]*" dir="auto">([^<]+)</a></h2>', html)

    assert shown("sv") == ["Bär", "Skolor", "Vatten", "Zucchini", "Äpplen"]  # Ä after Z
    assert shown("fr") == ["baies", "courgettes", "eau", "écoles", "pommes"]  # é with the e
