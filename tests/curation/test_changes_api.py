"""GET /api/changes/: the same changes for machines, after a time, paginated; bad times are 400s."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from glossary import services
from glossary.models import Term
from tests.api.conftest import token_client
from tests.curation.changes_glossary import NOW, history, stamp  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon():
    return APIClient()


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["term"] for row in response.json()["results"]]


def test_each_change_names_the_term_what_happened_when_and_where(anon, history):
    response = anon.get("/api/changes/")
    body = response.json()
    assert body["count"] == 4 and body["next"] is None and body["previous"] is None
    assert body["results"][0] == {
        "term": "bard", "name": "Bard", "name_language": "en", "uri": "http://testserver/terms/bard",
        "change": "deprecated", "at": "2026-11-19T12:00:00Z", "category": "models",
        "url": "http://testserver/terms/bard/", "replaced_by": "gemini",
    }
    assert [(row["term"], row["change"], row["category"], row["replaced_by"]) for row in body["results"]] == [
        ("bard", "deprecated", "models", "gemini"), ("gemini", "created", "models", None),
        ("attention", "modified", "concepts", None), ("transformer", "created", "concepts", None),
    ]


def test_a_term_without_category_has_null(anon, make_term):
    make_term("Loose")
    assert anon.get("/api/changes/").json()["results"][0]["category"] is None


def test_since_is_exclusive_and_until_inclusive(anon, history):
    gemini_at = (NOW - timedelta(days=1, hours=2)).isoformat()
    assert slugs(anon.get("/api/changes/", {"since": gemini_at})) == ["bard"]
    assert slugs(anon.get("/api/changes/", {"until": gemini_at})) == ["gemini", "attention", "transformer"]
    assert slugs(anon.get("/api/changes/", {"since": "2026-11-11T00:00:00Z", "until": "2026-11-19T10:00:00Z"})) == [
        "gemini", "attention"]
    assert slugs(anon.get("/api/changes/", {"since": "2026-11-19T12:00:00Z"})) == []


@pytest.mark.parametrize("since", [
    "2026-11-18T00:00:00Z", "2026-11-18T02:00:00+02:00", "2026-11-17T19:00:00-05:00",
    "2026-11-18T00:00:00", "2026-11-18", "2026-11-18T00:00:00.000000Z", "20261118T000000Z",
])
def test_since_takes_iso_8601_in_any_offset_and_without_one_utc(anon, history, since):
    assert slugs(anon.get("/api/changes/", {"since": since})) == ["bard", "gemini", "attention"]


def test_times_beyond_what_utc_can_hold_mean_before_or_after_everything(anon, history):
    assert len(slugs(anon.get("/api/changes/", {"since": "0001-01-01T00:00:00+01:00"}))) == 4
    assert slugs(anon.get("/api/changes/", {"until": "0001-01-01T00:00:00+23:59"})) == []
    assert slugs(anon.get("/api/changes/", {"since": "9999-12-31T23:59:59-01:00"})) == []
    assert len(slugs(anon.get("/api/changes/", {"until": "9999-12-31T23:59:59-23:59"}))) == 4


@pytest.mark.parametrize("value, message", [
    ("yesterday", "Not an ISO 8601 date and time"),
    ("2026-13-01T00:00:00Z", "Out of range (month must be in 1..12)"),
    ("2024-01-01T12:99:00Z", "Out of range (minute must be in 0..59)"),
    ("0000-01-01T00:00:00Z", "Out of range"),
    ("10000-01-01T00:00:00Z", "Not an ISO 8601 date and time"),
    ("", "Not an ISO 8601 date and time"),
    ("2026-11-01T00:00:00Z" + " " * 60, "Enter a date and time in ISO 8601"),
    ("2026-11-01\x00", "NUL character"),
])
@pytest.mark.parametrize("name", ["since", "until"])
def test_a_bad_time_is_a_400_naming_the_parameter(anon, history, name, value, message):
    response = anon.get("/api/changes/", {name: value})
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [name]
    assert message in body[name][0]


def test_category_filters_and_a_bad_one_is_a_400(anon, history):
    assert slugs(anon.get("/api/changes/", {"category": "concepts"})) == ["attention", "transformer"]
    assert slugs(anon.get("/api/changes/", {"category": "none-such"})) == []
    assert list(anon.get("/api/changes/", {"category": "not a slug"}).json()) == ["category"]


def test_no_draft_or_other_unpublished_term_for_anyone(anon, history, staff_user):
    hidden = {term.slug for term in history["hidden"]}
    for client in (anon, token_client(staff_user)):
        assert not hidden & set(slugs(client.get("/api/changes/", {"page_size": 200})))


def test_a_draft_replacement_is_not_named(anon, history, make_term):
    draft = make_term("Secret successor", status="draft")
    services.term_update(term=Term.objects.get(pk=history["bard"].pk), replaced_by=draft)
    row = anon.get("/api/changes/").json()["results"][0]
    assert (row["term"], row["change"], row["replaced_by"]) == ("bard", "deprecated", None)


def test_changes_are_paginated(anon, history):
    body = anon.get("/api/changes/", {"page_size": 3}).json()
    assert body["count"] == 4 and len(body["results"]) == 3
    assert body["next"] == "http://testserver/api/changes/?page=2&page_size=3"
    assert slugs(anon.get("/api/changes/", {"page_size": 3, "page": 2})) == ["transformer"]


def test_names_come_in_the_readers_language(anon, history):
    rows = anon.get("/api/changes/", {"lang": "fi"}).json()["results"]
    assert (rows[3]["name"], rows[3]["name_language"]) == ("Muuntaja", "fi")
    assert (rows[1]["name"], rows[1]["name_language"]) == ("Gemini", "en")
    rows = anon.get("/api/changes/", HTTP_ACCEPT_LANGUAGE="fi").json()["results"]
    assert rows[3]["name"] == "Muuntaja"


def test_the_root_and_the_schema_announce_the_endpoint(anon):
    assert anon.get("/api/").json()["changes"] == "http://testserver/api/changes/"
    operation = anon.get("/api/schema/?format=json").json()["paths"]["/api/changes/"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["since"] == {"type": "string", "format": "date-time"}
    assert parameters["until"] == {"type": "string", "format": "date-time"}
    assert {"200", "400", "401", "404"} <= set(operation["responses"])


def test_the_number_of_queries_does_not_grow_with_the_changes(anon, make_term, history, django_assert_max_num_queries):
    # change log, count, terms + category, replacements, their labels, labels, definitions
    with django_assert_max_num_queries(7) as few:
        anon.get("/api/changes/?page_size=200")
    for i in range(30):
        stamp(make_term(f"Old {i}", status="deprecated", replaced_by=history["gemini"]), created=NOW - timedelta(days=40))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(slugs(anon.get("/api/changes/?page_size=200"))) == 34


def test_an_imported_concept_modified_at_its_source_is_listed_as_modified_then(anon, make_term):
    # A thesaurus's concept: dct:created 2021, dct:modified 2024, published here by today's import.
    concept = make_term("Secondary method")
    stamp(concept, created=NOW - timedelta(days=2000), updated=NOW - timedelta(days=700), published=NOW)
    fresh = make_term("Temperate migration")  # created at its source long ago, unchanged since: new here today
    stamp(fresh, created=NOW - timedelta(days=3000), updated=NOW, published=NOW)
    rows = {row["term"]: (row["change"], row["at"]) for row in anon.get("/api/changes/").json()["results"]}
    assert rows["secondary-method"] == ("modified", (NOW - timedelta(days=700)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert rows["temperate-migration"][0] == "created"
