"""The admin: every model's pages render and save through the services; refusals are form errors."""

import pytest
from django.db import connection
from django.urls import reverse

from glossary import services
from glossary.models import Category, Label, Reference, Relation, RelationType, Term
from tests.admin_forms import posted_back
from tests.plans import postgres_plan_nodes, sqlite_plan_steps, statements_of

MODELS = ["category", "term", "label", "relationtype", "relation", "reference"]


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def term_form(name, slug, *, labels=(), notes=(), mappings=(), outgoing=(), incoming=(), **fields):
    """POST data for the term add/change form with its inlines (no existing rows sent back)."""
    data = {"name": name, "slug": slug, "uri": "", "notation": "", "status": "published", "short_definition": "",
            "body": "", "category": "", "replaced_by": "", **fields}
    for prefix, rows in (("labels", labels), ("notes", notes), ("mappings", mappings),
                         ("relations_out", outgoing), ("relations_in", incoming)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
    return data


@pytest.mark.parametrize("model", MODELS)
def test_changelist_and_add_pages_render(admin_client, seed, model):
    assert admin_client.get(reverse(f"admin:glossary_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:glossary_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_change_pages_render(admin_client, seed, model):
    obj = {"category": Category, "term": Term, "label": Label, "relationtype": RelationType,
           "relation": Relation, "reference": Reference}[model].objects.first()
    response = admin_client.get(reverse(f"admin:glossary_{model}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_term_changelist_shows_relation_counts_without_n_plus_one(admin_client, make_term, is_a, relate,
                                                                  django_assert_max_num_queries):
    hub = make_term("Hub")
    for i in range(3):
        relate(make_term(f"Leaf {i}"), is_a, hub)
    url = reverse("admin:glossary_term_changelist")
    with django_assert_max_num_queries(12) as few:
        response = admin_client.get(url)
    assert response.status_code == 200
    for i in range(3, 30):
        relate(make_term(f"Leaf {i}"), is_a, hub)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)
    row = response.content.decode()
    assert '<td class="field-in_count">30</td>' in row


def test_the_term_list_sorts_names_as_the_a_to_z_does(admin_client, make_term):
    """By default and when the name column is clicked (either way): "bétail" before "bovin" and
    "Église" among the E, where the order by code point put them after "bovin" and "zèbre"."""
    for name in ("zèbre", "bovin", "Église", "bétail", "eau"):
        make_term(name)
    url = reverse("admin:glossary_term_changelist")
    names = lambda params: [t.name for t in admin_client.get(url, params).context["cl"].result_list]  # noqa: E731
    assert names({}) == ["bétail", "bovin", "eau", "Église", "zèbre"]
    assert names({"o": "1"}) == ["bétail", "bovin", "eau", "Église", "zèbre"]
    assert names({"o": "-1"}) == ["zèbre", "Église", "eau", "bovin", "bétail"]


def test_term_search_covers_labels_in_every_language(admin_client, make_term):
    term = make_term("Retrieval-augmented generation", aliases=[{"name": "RAG", "kind": "abbreviation"}])
    make_term("Other")
    response = admin_client.get(reverse("admin:glossary_term_changelist"), {"q": "RAG"})
    assert list(response.context["cl"].result_list) == [term]
    make_term("Hallucination", aliases=[{"name": "Hallusinaatio", "kind": "translation", "language": "fi"}])
    response = admin_client.get(reverse("admin:glossary_term_changelist"), {"q": "hallusinaatio"})
    assert [t.name for t in response.context["cl"].result_list] == ["Hallucination"]


def test_add_term_with_labels_a_note_a_mapping_and_a_relation(admin_client, make_term, is_a):
    genai = make_term("Generative AI")
    data = term_form(
        "Large language model", "large-language-model", uri="https://example.org/concepts/llm",
        labels=[{"text": "LLM", "language": "en", "kind": "alternative", "subkind": "abbreviation"},
                {"text": "Suuri kielimalli", "language": "fi", "kind": "preferred", "subkind": ""}],
        notes=[{"kind": "scope_note", "language": "en", "text": "Text models only."}],
        mappings=[{"kind": "exact", "uri": "http://www.wikidata.org/entity/Q115305900", "label": ""}],
        outgoing=[{"type": is_a.pk, "target": genai.pk, "note": "per the seed document"}],
    )
    response = admin_client.post(reverse("admin:glossary_term_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    llm = Term.objects.get(slug="large-language-model")
    assert sorted(llm.labels.values_list("text", "language", "kind")) == [
        ("LLM", "en", "alternative"), ("Large language model", "en", "preferred"), ("Suuri kielimalli", "fi", "preferred"),
    ]
    assert llm.uri == "https://example.org/concepts/llm"
    assert llm.notes.get().kind == "scope_note" and llm.mappings.get().kind == "exact"
    assert Relation.objects.filter(source=llm, type=is_a, target=genai).exists()


def test_renaming_a_term_in_the_admin_renames_its_preferred_label(admin_client, make_term):
    term = make_term("Large language modle")
    response = admin_client.post(reverse("admin:glossary_term_change", args=[term.pk]),
                                 term_form("Large language model", term.slug))
    assert response.status_code == 302
    assert list(term.labels.values_list("text", flat=True)) == ["Large language model"]


def test_relation_inline_that_closes_a_cycle_is_a_form_error(admin_client, make_term, is_a, relate):
    ft, tl = make_term("Fine-tuning"), make_term("Transfer learning")
    relate(tl, is_a, ft)
    data = term_form("Fine-tuning", "fine-tuning", outgoing=[{"type": is_a.pk, "target": tl.pk, "note": ""}])
    response = admin_client.post(reverse("admin:glossary_term_change", args=[ft.pk]), data)
    assert response.status_code == 200
    assert "would create a cycle: Fine-tuning → Transfer learning → Fine-tuning" in response.content.decode()
    assert Relation.objects.count() == 1


def test_inlines_that_together_close_a_cycle_are_refused_without_a_server_error(admin_client, make_term, is_a):
    other = make_term("Other")
    data = term_form(
        "New", "new",
        outgoing=[{"type": is_a.pk, "target": other.pk, "note": ""}],
        incoming=[{"type": is_a.pk, "source": other.pk, "note": ""}],
    )
    response = admin_client.post(reverse("admin:glossary_term_add"), data)
    assert response.status_code == 200  # the form again, not a redirect that loses the typed rows
    assert "Nothing was saved" in response.content.decode()
    assert "would create a cycle" in response.content.decode()
    assert not Term.objects.filter(slug="new").exists()
    assert Relation.objects.count() == 0


def test_a_refused_save_shows_the_form_again_with_every_typed_row(admin_client, make_term, is_a):
    other = make_term("Other")
    data = term_form(
        "New", "new", short_definition="Typed with care.",
        labels=[{"text": "NW", "language": "en", "kind": "alternative", "subkind": "abbreviation"}],
        outgoing=[{"type": is_a.pk, "target": other.pk, "note": "first note"}],
        incoming=[{"type": is_a.pk, "source": other.pk, "note": "second note"}],
    )
    response = admin_client.post(reverse("admin:glossary_term_add"), data)
    assert response.context["adminform"].form.non_field_errors()[0].startswith("Nothing was saved: ")
    assert response.context["adminform"].form["short_definition"].value() == "Typed with care."
    typed = {formset.formset.prefix: [form["note" if "relations" in formset.formset.prefix else "text"].value()
                                      for form in formset.formset.forms]
             for formset in response.context["inline_admin_formsets"] if formset.formset.prefix != "notes"
             and formset.formset.prefix != "mappings"}
    assert typed == {"labels": ["NW"], "relations_out": ["first note"], "relations_in": ["second note"]}
    html = response.content.decode()
    assert 'value="first note"' in html and 'value="second note"' in html and 'value="NW"' in html


def test_relation_admin_refuses_self_loop_duplicate_and_cycle(admin_client, make_term, is_a, relate):
    a, b = make_term("A"), make_term("B")
    relate(a, is_a, b)
    url = reverse("admin:glossary_relation_add")
    cases = {
        "cannot be related to itself": {"source": a.pk, "type": is_a.pk, "target": a.pk},
        "already exists": {"source": a.pk, "type": is_a.pk, "target": b.pk},
        "would create a cycle: B → A → B": {"source": b.pk, "type": is_a.pk, "target": a.pk},
    }
    for message, data in cases.items():
        response = admin_client.post(url, {**data, "note": ""})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert Relation.objects.count() == 1


def test_symmetric_duplicate_is_a_form_error(admin_client, make_term, related_to, relate):
    a, b = make_term("A"), make_term("B")
    relate(a, related_to, b)
    response = admin_client.post(
        reverse("admin:glossary_relation_add"), {"source": b.pk, "type": related_to.pk, "target": a.pk, "note": ""}
    )
    assert response.status_code == 200
    assert "stored once" in response.content.decode()


def test_a_label_taking_another_terms_preferred_label_is_a_form_error(admin_client, make_term):
    make_term("Large language model", aliases=[{"name": "Großes Sprachmodell", "kind": "translation", "language": "de"}])
    other = make_term("Big model")
    url = reverse("admin:glossary_label_add")
    response = admin_client.post(url, {"term": other.pk, "text": "großes sprachmodell", "language": "de",
                                       "kind": "preferred", "subkind": ""})
    assert response.status_code == 200
    assert "already the preferred label of “Large language model”" in response.content.decode()
    # As an alternative label it may be shared.
    response = admin_client.post(url, {"term": other.pk, "text": "Großes Sprachmodell", "language": "de",
                                       "kind": "alternative", "subkind": ""})
    assert response.status_code == 302
    assert Label.objects.filter(text="Großes Sprachmodell").count() == 2


def test_add_category_relation_type_and_reference(admin_client, make_term):
    term = make_term("Transformer")
    response = admin_client.post(reverse("admin:glossary_category_add"),
                                 {"name": "Architecture", "slug": "architecture", "description": "", "color": "#336699"})
    assert response.status_code == 302
    response = admin_client.post(reverse("admin:glossary_relationtype_add"), {
        "slug": "uses", "label": "uses", "inverse_label": "is used by", "description": "",
        "color": "#123456", "skos_mapping": "none",
    })
    assert response.status_code == 302
    response = admin_client.post(reverse("admin:glossary_reference_add"), {
        "title": "Transformer explainer", "url": "https://poloclub.github.io/transformer-explainer/",
        "kind": "article", "terms": [term.pk],
    })
    assert response.status_code == 302
    assert Category.objects.filter(slug="architecture").exists()
    assert RelationType.objects.filter(slug="uses").exists()
    assert list(Reference.objects.get().terms.all()) == [term]


def test_symmetric_relation_type_with_different_labels_is_a_form_error(admin_client):
    response = admin_client.post(reverse("admin:glossary_relationtype_add"), {
        "slug": "similar", "label": "is similar to", "inverse_label": "is not similar to",
        "symmetric": "on", "description": "", "color": "#123456", "skos_mapping": "none",
    })
    assert response.status_code == 200
    assert "label and inverse label must be equal" in response.content.decode()


def test_term_change_page_links_to_the_public_page(admin_client, make_term):
    term = make_term("Attention")
    response = admin_client.get(reverse("admin:glossary_term_change", args=[term.pk]))
    assert 'href="/terms/attention/"' in response.content.decode()


def test_deleting_a_term_through_the_admin(admin_client, make_term):
    term = make_term("Obsolete")
    response = admin_client.post(reverse("admin:glossary_term_delete", args=[term.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Term.objects.exists()


@pytest.mark.parametrize("model, service, make", [
    ("term", "term_delete", lambda make_term, is_a, relate: make_term()),
    ("category", "category_delete", lambda make_term, is_a, relate: Category.objects.create(
        name=f"C{Category.objects.count()}", slug=f"c{Category.objects.count()}")),
    ("relationtype", "relation_type_delete", lambda make_term, is_a, relate: RelationType.objects.create(
        slug=f"t{RelationType.objects.count()}", label="x", inverse_label="y")),
    ("relation", "relation_delete", lambda make_term, is_a, relate: relate(make_term(), is_a, make_term())),
    ("label", "label_delete", lambda make_term, is_a, relate: Label.objects.create(
        term=make_term(), text=f"A{Label.objects.count()}", language="en", kind="alternative")),
    ("reference", "reference_delete", lambda make_term, is_a, relate: Reference.objects.create(
        title="R", url=f"https://example.org/{Reference.objects.count()}")),
])
def test_bulk_delete_goes_through_the_service_for_each_object(admin_client, make_term, is_a, relate,
                                                               model, service, make):
    from unittest import mock

    objects = [make(make_term, is_a, relate), make(make_term, is_a, relate)]
    model_class = type(objects[0])
    with mock.patch.object(services, service, wraps=getattr(services, service)) as spy:
        response = admin_client.post(reverse(f"admin:glossary_{model}_changelist"), {
            "action": "delete_selected", "_selected_action": [o.pk for o in objects], "post": "yes"})
    assert response.status_code == 302
    assert spy.call_count == 2
    assert not model_class.objects.filter(pk__in=[o.pk for o in objects]).exists()


# Searching and counting at scale ---------------------------------------------------------------
# At 100,000 terms a "contains" over seven columns and every label took 10 s for a common word,
# and counting each term's relations by a join of every term with every relation 1.4 s a page.


def contains_patterns(statements, text) -> list[str]:
    """The statements that look for ``text`` inside every row (a LIKE '%text%' pattern, which no
    index serves)."""
    return [sql for sql, params in statements
            if any(isinstance(value, str) and value.lower().strip("%") == text.lower() and value.startswith("%")
                   for value in params or ())]


def test_term_search_finds_terms_as_the_site_search_does_without_a_contains_scan(admin_client, make_term):
    spruce = make_term("Ёлка", short_definition="A conifer.")
    make_term("Pine", short_definition="Another conifer.")
    url = reverse("admin:glossary_term_changelist")
    response, statements = statements_of(admin_client.get, url, {"q": "elka"})  # typed without the diaeresis
    assert list(response.context["cl"].result_list) == [spruce]
    assert contains_patterns(statements, "elka") == []
    response = admin_client.get(url, {"q": "conifer"})  # a word of the definitions
    assert {t.name for t in response.context["cl"].result_list} == {"Ёлка", "Pine"}


def test_term_search_finds_a_term_by_its_exact_slug_uri_or_notation(admin_client, make_term):
    term = make_term("Thesaurus concept", uri="http://example.org/vocab/c_1234", notation="C-1234")
    make_term("Other concept")
    url = reverse("admin:glossary_term_changelist")
    for text in ("thesaurus-concept", "http://example.org/vocab/c_1234", "C-1234"):
        response = admin_client.get(url, {"q": text})
        assert list(response.context["cl"].result_list) == [term], text


def test_term_autocomplete_lists_the_best_match_first(admin_client, make_term):
    # Alphabetically "Attention" (whose definition says "token") comes first; the term named
    # "Token" is the better answer to "token".
    make_term("Attention", short_definition="Weighs each token against the others.")
    make_term("Token", short_definition="A piece of text.")
    url = reverse("admin:autocomplete")
    params = {"app_label": "glossary", "model_name": "relation", "field_name": "target", "term": "token"}
    response, statements = statements_of(admin_client.get, url, params)
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["Token", "Attention"]
    assert contains_patterns(statements, "token") == []


def test_relation_and_label_searches_go_through_the_term_search(admin_client, make_term, is_a, relate):
    llm = make_term("Large language model", aliases=[{"name": "Suuri kielimalli", "kind": "translation",
                                                      "language": "fi"}])
    model = make_term("Model")
    other = make_term("Other")
    relation = relate(llm, is_a, model)
    relate(other, is_a, model)
    response, statements = statements_of(admin_client.get, reverse("admin:glossary_relation_changelist"),
                                         {"q": "kielimalli"})
    assert list(response.context["cl"].result_list) == [relation]
    assert contains_patterns(statements, "kielimalli") == []
    response = admin_client.get(reverse("admin:glossary_relation_changelist"), {"q": "has subtype"})  # a type's name
    assert len(response.context["cl"].result_list) == 2
    response, statements = statements_of(admin_client.get, reverse("admin:glossary_label_changelist"),
                                         {"q": "kielimalli"})
    assert {label.text for label in response.context["cl"].result_list} == {"Large language model", "Suuri kielimalli"}
    assert contains_patterns(statements, "kielimalli") == []


@pytest.mark.parametrize("model, table", [("term", "glossary_term"), ("relationtype", "glossary_relationtype"),
                                          ("category", "glossary_category")])
def test_changelist_counts_are_counted_per_row_shown_not_by_grouping_the_table(admin_client, seed, model, table):
    response, statements = statements_of(admin_client.get, reverse(f"admin:glossary_{model}_changelist"))
    assert response.status_code == 200
    assert [sql for sql, _ in statements if f'GROUP BY "{table}"' in sql] == []


def test_label_list_pages_in_index_order_without_sorting_every_label(admin_client, seed):
    response, statements = statements_of(admin_client.get, reverse("admin:glossary_label_changelist"))
    assert response.status_code == 200
    page = [(sql, params) for sql, params in statements if sql.startswith('SELECT "glossary_label"."id"')]
    assert len(page) == 1
    if connection.vendor == "sqlite":
        steps = sqlite_plan_steps(*page[0])
        assert not [step for step in steps if "TEMP B-TREE" in step], steps
    else:
        with connection.cursor() as cursor:  # the seed is small: sorting it is cheaper, unless forbidden
            cursor.execute("SET LOCAL enable_sort = off")
        nodes = postgres_plan_nodes(*page[0])
        assert not [node for node in nodes if "Sort" in node["Node Type"]], nodes
    first = response.context["cl"].result_list[0]
    assert first == Label.objects.order_by("-pk").first()  # newest first


# A hub term ---------------------------------------------------------------------------------------
# A concept with hundreds of narrower ones: every relation was a form (63 s to render 1,674 of
# them at 100,000 terms), and the page could not be saved (more fields than Django accepts).


@pytest.fixture
def hub(make_term, is_a, relate, monkeypatch):
    from glossary.admin import FirstRowsFormSet

    monkeypatch.setattr(FirstRowsFormSet, "max_shown", 3)
    hub = make_term("Hub")
    for i in range(5):
        relate(hub, is_a, make_term(f"Leaf {i}"), note=f"note {i}")
    return hub


def test_a_hub_terms_page_shows_its_first_relations_and_links_to_all(admin_client, hub):
    response = admin_client.get(reverse("admin:glossary_term_change", args=[hub.pk]))
    outgoing = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.fk.name == "source")
    assert [form.instance.note for form in outgoing.initial_forms] == ["note 0", "note 1", "note 2"]
    page = response.content.decode()
    link = f'{reverse("admin:glossary_relation_changelist")}?source__id__exact={hub.pk}'
    assert "The first 3 of 5 outgoing relations" in page and f'href="{link}"' in page
    listed = admin_client.get(link)
    assert listed.context["cl"].result_count == 5


def test_saving_a_hub_term_edits_the_rows_shown_and_leaves_the_others(admin_client, hub):
    url = reverse("admin:glossary_term_change", args=[hub.pk])
    data = posted_back(admin_client.get(url))
    shown = list(Relation.objects.filter(source=hub).order_by("pk").values_list("pk", flat=True)[:3])
    data["relations_out-0-note"] = "edited"
    data["relations_out-1-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    notes = dict(Relation.objects.filter(source=hub).values_list("pk", "note"))
    assert notes[shown[0]] == "edited" and shown[1] not in notes
    assert sorted(notes.values()) == ["edited", "note 2", "note 3", "note 4"]  # the rows not shown are kept


def test_a_hub_terms_form_cannot_reach_another_terms_relation(admin_client, hub, make_term, is_a, relate):
    url = reverse("admin:glossary_term_change", args=[hub.pk])
    data = posted_back(admin_client.get(url))
    elsewhere = relate(make_term("Elsewhere"), is_a, make_term("Far"), note="theirs")
    data["relations_out-2-id"] = str(elsewhere.pk)  # slipped in for a row that was shown
    data["relations_out-2-note"] = "forged"
    response = admin_client.post(url, data)
    assert response.status_code == 200 and response.context["errors"]
    assert Relation.objects.get(pk=elsewhere.pk).note == "theirs"
    assert Relation.objects.filter(source=hub).count() == 5


def test_a_term_with_labels_in_many_languages_can_be_saved_in_the_admin(admin_client, make_term):
    # A multilingual thesaurus's concept: 200 labels are some 1,400 fields, over Django's default
    # limit of 1,000 fields a request (a "400 Bad Request" on saving).
    term = make_term("Polyglot concept")
    languages = [a + b for a in "abcdefghij" for b in "abcdefghijklmnopqrst"]  # 200 tags of the right shape
    Label.objects.bulk_create(Label(term=term, text=f"Nimi {i}", language=language, kind="alternative")
                              for i, language in enumerate(languages))
    url = reverse("admin:glossary_term_change", args=[term.pk])
    data = posted_back(admin_client.get(url))
    assert len(data) > 1000
    data["short_definition"] = "A concept named in many languages."
    response = admin_client.post(url, data)
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.short_definition == "A concept named in many languages." and term.labels.count() == 201


def test_rows_sent_back_unchanged_are_not_checked_again(admin_client, make_term):
    term = make_term("Polyglot")
    url = reverse("admin:glossary_term_change", args=[term.pk])

    def save_unchanged():
        data = posted_back(admin_client.get(url))
        response, statements = statements_of(admin_client.post, url, data)
        assert response.status_code == 302
        return len(statements)

    Label.objects.bulk_create(Label(term=term, text=f"Nimi {i}", language=f"a{chr(97 + i)}", kind="alternative")
                              for i in range(5))
    few = save_unchanged()
    Label.objects.bulk_create(Label(term=term, text=f"Name {i}", language=f"b{chr(97 + i)}", kind="alternative")
                              for i in range(20))
    # One query a row: the formset finding the row by its id. Checking the row against its
    # siblings read them all once more for each row.
    assert save_unchanged() - few <= 20


def test_a_changed_row_is_still_checked(admin_client, make_term):
    make_term("Retrieval-augmented generation")
    term = make_term("Other", aliases=[{"name": "Something", "kind": "alternative"}])
    url = reverse("admin:glossary_term_change", args=[term.pk])
    data = posted_back(admin_client.get(url))
    row = next(key for key, value in data.items() if key.startswith("labels-") and value == "Something")
    data[row] = "Retrieval-augmented generation"
    data[row.replace("-text", "-kind")] = "preferred"
    data[row.replace("-text", "-language")] = "en"
    response = admin_client.post(url, data)
    assert response.status_code == 200 and response.context["errors"]
    assert set(term.labels.values_list("text", flat=True)) == {"Other", "Something"}


@pytest.mark.parametrize("n", [2, 20])
def test_a_terms_page_reads_as_much_for_many_relations_as_for_few(admin_client, make_term, is_a, related_to,
                                                                  relate, django_assert_num_queries, n):
    # Each relation row read every relation type again for its type menu, and its other end again
    # for its name: 54 more queries on a term with 25 relations each way (577 ms at 100,000 terms).
    hub = make_term("Hub")
    for i in range(n):
        relate(hub, is_a, make_term(f"Leaf {i}"))
        relate(make_term(f"Source {i}"), related_to, hub)
    url = reverse("admin:glossary_term_change", args=[hub.pk])
    admin_client.get(url)
    # session, user, change log, the term (twice: the workflow box, the form), its labels, notes,
    # mappings; per side: the ids of the rows shown, those rows with their ends, all the rows'
    # count (for "the first 25 of N"), the relation types once
    with django_assert_num_queries(16):
        page = admin_client.get(url)
    html = page.content.decode()
    assert f'<option value="{Term.objects.get(name="Leaf 1").pk}" selected>Leaf 1</option>' in html
    assert html.count('<option value="{}" selected>is a</option>'.format(is_a.pk)) == n


def test_the_delete_page_of_a_type_in_use_says_how_many_relations_are_in_the_way_without_listing_them(
        admin_client, make_term, is_a, relate, django_assert_max_num_queries):
    hub = make_term("Hub")
    for n in range(30):
        relate(make_term(f"Leaf {n}"), is_a, hub)
    url = reverse("admin:glossary_relationtype_delete", args=[is_a.pk])
    with django_assert_max_num_queries(15):  # not a query (nor a line) per relation
        page = admin_client.get(url)
    html = page.content.decode()
    assert "Cannot delete relation type" in html
    assert "30 relations of this type" in html and f"type__id__exact={is_a.pk}" in html
    assert "Leaf 7" not in html
    assert "Cannot delete" in admin_client.post(url, {"post": "yes"}).content.decode()  # still refused
    assert RelationType.objects.filter(pk=is_a.pk).exists()
    unused = RelationType.objects.create(slug="unused", label="unused", inverse_label="unused by")
    page = admin_client.get(reverse("admin:glossary_relationtype_delete", args=[unused.pk]))
    assert "Are you sure" in page.content.decode()


def test_a_choice_of_type_category_or_term_offers_no_button_that_deletes_the_chosen_one(admin_client, make_term,
                                                                                        is_a, relate):
    category = Category.objects.create(name="Models", slug="models")
    term = make_term("Lagoon", category=category)
    relate(term, is_a, make_term("Wetland"))
    for url in (reverse("admin:glossary_term_change", args=[term.pk]),
                reverse("admin:glossary_relation_change", args=[Relation.objects.get().pk])):
        html = admin_client.get(url).content.decode()
        assert "delete-related" not in html and "change-related" in html  # editing the chosen one stays
    assert admin_client.get(reverse("admin:glossary_relationtype_delete", args=[is_a.pk])).status_code == 200


def test_a_category_chosen_as_its_own_parent_in_the_admin_is_a_form_error_and_nothing_is_saved(admin_client):
    cereals = services.category_create(name="Cereals", slug="cereals")
    url = reverse("admin:glossary_category_change", args=[cereals.pk])
    data = posted_back(admin_client.get(url)) | {"parent": str(cereals.pk)}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "A category cannot be inside itself: Cereals → Cereals." in response.content.decode()
    assert Category.objects.get(pk=cereals.pk).parent is None
