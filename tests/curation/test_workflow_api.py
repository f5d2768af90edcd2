"""The review workflow through the API: a transition is a change of `status`, checked against the
caller's role; a refusal is a 400 on `status` and changes nothing; the queue is `?status=in_review`."""

import pytest

from glossary.models import Term
from tests.curation.test_workflow_service import PAIRS, allowed

ROLES = ["anonymous", "reader", "editor", "reviewer", "superuser"]


def row(slug):
    return Term.objects.values("status", "updated_at", "short_definition", "review_comment").get(slug=slug)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("current,target", PAIRS)
def test_patching_the_status_makes_exactly_the_allowed_transitions(make_term, api_as, role, current, target):
    make_term("Subject", slug="subject", status=current)
    before = row("subject")
    response = api_as(role).patch("/api/terms/subject/", {"status": target, "comment": "Because."}, format="json")
    if allowed(role, (current, target)):
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == target == row("subject")["status"]
    else:
        expected = {"anonymous": 401, "reader": 403}.get(role, 400)
        assert response.status_code == expected, response.json()
        if expected == 400:
            assert list(response.json()) == ["status"]
        assert row("subject") == before


def test_an_editor_publishing_gets_the_reason_in_the_status_field(make_term, api_as):
    make_term("Subject", slug="subject", status="in_review")
    response = api_as("editor").patch("/api/terms/subject/", {"status": "published"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"status": [
        "Only a reviewer may publish a term (it is in review); submit it for review and a reviewer will publish it."
    ]}


def test_a_refused_transition_leaves_the_other_fields_of_the_request_unwritten(make_term, api_as):
    make_term("Subject", slug="subject", status="draft")
    before = row("subject")
    response = api_as("editor").patch("/api/terms/subject/", {"status": "published", "short_definition": "New."},
                                      format="json")
    assert response.status_code == 400
    assert row("subject") == before


def test_requesting_changes_without_a_comment_is_refused_and_with_one_the_author_reads_it(make_term, api_as):
    make_term("Subject", slug="subject", status="in_review")
    reviewer = api_as("reviewer")
    refused = reviewer.patch("/api/terms/subject/", {"status": "changes_requested"}, format="json")
    assert refused.status_code == 400 and "needs a comment" in refused.json()["status"][0]
    done = reviewer.patch("/api/terms/subject/", {"status": "changes_requested", "comment": "Add an example."},
                          format="json")
    assert done.status_code == 200
    assert "comment" not in done.json()
    assert api_as("editor").get("/api/terms/subject/").json()["review_comment"] == "Add an example."


def test_publishing_a_term_related_to_a_draft_is_a_400_naming_the_draft(workflow_glossary, api_as, relate):
    relate(workflow_glossary["pending"], workflow_glossary["is_a"], workflow_glossary["draft"])
    response = api_as("reviewer").patch("/api/terms/zephyrine/", {"status": "published"}, format="json")
    assert response.status_code == 400
    assert "“Draft idea”" in response.json()["status"][0]
    assert row("zephyrine")["status"] == "in_review"


@pytest.mark.parametrize("status,role,expected", [
    ("draft", "editor", 201), ("in_review", "editor", 201), ("published", "editor", 400),
    ("deprecated", "reviewer", 400), ("published", "reviewer", 201), ("changes_requested", "superuser", 400),
])
def test_a_new_term_starts_in_a_status_the_caller_may_give_it(api_as, status, role, expected):
    response = api_as(role).post("/api/terms/", {"name": "Fresh", "status": status}, format="json")
    assert response.status_code == expected, response.json()
    assert Term.objects.filter(name="Fresh").exists() == (expected == 201)


def test_a_new_term_without_a_status_is_a_draft_for_an_editor_and_published_for_a_reviewer(api_as):
    assert api_as("editor").post("/api/terms/", {"name": "By editor"}, format="json").json()["status"] == "draft"
    assert api_as("reviewer").post("/api/terms/", {"name": "By reviewer"}, format="json").json()["status"] == "published"


@pytest.mark.parametrize("status,expected", [
    ("draft", 200), ("changes_requested", 200), ("in_review", 403), ("published", 403), ("deprecated", 403),
])
def test_an_editor_changes_the_content_of_drafts_and_returned_terms_only(make_term, api_as, status, expected):
    make_term("Subject", slug="subject", status=status)
    response = api_as("editor").patch("/api/terms/subject/", {"short_definition": "Edited."}, format="json")
    assert response.status_code == expected, response.json()
    assert (row("subject")["short_definition"] == "Edited.") == (expected == 200)
    if expected == 403:
        assert "detail" in response.json()


def test_a_reviewer_changes_published_content(make_term, api_as):
    make_term("Subject", slug="subject")
    assert api_as("reviewer").patch("/api/terms/subject/", {"short_definition": "Edited."},
                                    format="json").status_code == 200


def test_the_review_queue_is_the_status_filter_for_staff_and_empty_for_everyone_else(workflow_glossary, api_as):
    for role in ("editor", "reviewer", "superuser"):
        queue = api_as(role).get("/api/terms/", {"status": "in_review"}).json()
        assert [t["slug"] for t in queue["results"]] == ["zephyrine"], role
        returned = api_as(role).get("/api/terms/", {"status": "changes_requested"}).json()
        assert [t["slug"] for t in returned["results"]] == ["quillwort"], role
    for role in ("anonymous", "reader"):
        for status in ("in_review", "changes_requested"):
            assert api_as(role).get("/api/terms/", {"status": status}).json()["count"] == 0


def test_the_review_queue_keeps_to_a_fixed_number_of_queries(workflow_glossary, make_term, api_as,
                                                            django_assert_max_num_queries):
    client = api_as("reviewer")
    client.get("/api/terms/", {"status": "in_review"})
    with django_assert_max_num_queries(12) as few:
        client.get("/api/terms/", {"status": "in_review"})
    for i in range(10):
        make_term(f"Queued {i}", status="in_review")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/terms/", {"status": "in_review"}).json()["count"] == 11


def test_the_schema_documents_the_statuses_and_the_write_only_comment(api_as):
    schema = api_as("anonymous").get("/api/schema/", {"format": "json"}).json()
    statuses = schema["components"]["schemas"]["TermStatusEnum"]["enum"]
    assert statuses == ["draft", "in_review", "changes_requested", "published", "deprecated"]
    patch = schema["components"]["schemas"]["PatchedTermDetailRequest"]["properties"]
    assert patch["comment"]["writeOnly"] is True and patch["comment"]["maxLength"] == 2000
    assert "comment" not in schema["components"]["schemas"]["TermDetail"]["properties"]
    assert schema["components"]["schemas"]["TermDetail"]["properties"]["review_comment"]["readOnly"] is True
