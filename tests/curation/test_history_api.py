"""The history in the API: versions, diffs and revert under /api/terms/<slug>/history/."""

import pytest

from glossary import services
from glossary.versions import term_versions
from tests.curation.test_history_revert import mammal_with_a_revert_that_closes_a_cycle


def test_the_api_lists_versions_newest_first(client, llm):
    data = client.get(f"/api/terms/{llm.slug}/history/").json()
    assert [v["number"] for v in data] == [4, 3, 2, 1]
    assert data[0]["changed"] == ["relation added"]
    assert data[-1]["status"] == "published"


def test_the_api_diff_has_fields_words_labels_and_relations(client, llm):
    data = client.get(f"/api/terms/{llm.slug}/history/diff/?from=1&to=4").json()
    assert data["from"] == 1 and data["to"] == 4
    short = next(f for f in data["fields"] if f["field"] == "short_definition")
    assert {"op": "insert", "text": " large"} in short["words"]
    assert data["labels"]["added"] == [{"text": "LLM", "language": "en", "kind": "alternative", "subkind": "abbreviation"}]
    assert data["relations"]["added"] == [{"direction": "out", "type": "is a", "note": "",
                                           "term": {"slug": "foundation-model", "name": "Foundation model"}}]


def test_the_api_diff_refuses_bad_parameters_and_unknown_versions(client, llm):
    assert client.get(f"/api/terms/{llm.slug}/history/diff/?to=abc").status_code == 400
    assert client.get(f"/api/terms/{llm.slug}/history/diff/?to=40").status_code == 404
    assert client.get("/api/terms/no-such-term/history/").status_code == 404


def test_readers_get_only_public_versions_from_the_api(client, staff_api, make_term):
    term = make_term("Sparse attention", status="draft")
    services.term_update(term=term, status="published")
    assert [v["number"] for v in client.get(f"/api/terms/{term.slug}/history/").json()] == [2]
    assert client.get(f"/api/terms/{term.slug}/history/diff/?from=1&to=2").status_code == 404
    assert [v["number"] for v in staff_api.get(f"/api/terms/{term.slug}/history/").json()] == [2, 1]


def test_staff_revert_through_the_api(staff_api, llm):
    response = staff_api.post(f"/api/terms/{llm.slug}/history/1/revert/")
    assert response.status_code == 200, response.content
    assert response.json()["reason"] == "Reverted to version 1"
    assert response.json()["number"] == 5
    llm.refresh_from_db()
    assert llm.short_definition == "A model of text."


def test_a_refused_api_revert_is_a_400_naming_the_cycle(staff_api, make_term, is_a):
    mammal = mammal_with_a_revert_that_closes_a_cycle(make_term, is_a)
    response = staff_api.post(f"/api/terms/{mammal.slug}/history/3/revert/")
    assert response.status_code == 400
    assert "would create a cycle" in str(response.json())
    assert len(term_versions(mammal)) == 4


def test_an_api_revert_to_a_version_the_term_does_not_have_is_a_400(staff_api, llm):
    response = staff_api.post(f"/api/terms/{llm.slug}/history/9/revert/")
    assert response.status_code == 400
    assert response.json() == {"number": ["The term has no version 9."]}
    assert staff_api.post("/api/terms/no-such-term/history/1/revert/").status_code == 404


def test_only_staff_may_revert_through_the_api(client, editor_api, llm):
    assert client.post(f"/api/terms/{llm.slug}/history/1/revert/").status_code in (401, 403)
    assert editor_api.post(f"/api/terms/{llm.slug}/history/1/revert/").status_code == 403
    assert len(term_versions(llm)) == 4


def test_the_history_endpoints_are_in_the_schema(client, db):
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/terms/{slug}/history/", "/api/terms/{slug}/history/diff/",
                 "/api/terms/{slug}/history/{number}/revert/"):
        assert path in schema["paths"], path
    revert = schema["paths"]["/api/terms/{slug}/history/{number}/revert/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404"} <= set(revert)


@pytest.mark.parametrize("extra_versions", [0, 10])
def test_the_history_api_reads_a_fixed_number_of_queries(client, llm, extra_versions, django_assert_max_num_queries):
    for i in range(extra_versions):
        services.term_update(term=llm, short_definition=f"Wording {i}.")
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/terms/{llm.slug}/history/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(f"/api/terms/{llm.slug}/history/diff/?from=1").status_code == 200
