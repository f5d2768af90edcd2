"""The review workflow in the admin: the review box's buttons make exactly the allowed steps, the
queue of terms awaiting review, read-only pages for what an editor may not change."""

import pytest
from django.urls import reverse

from glossary.models import Term
from tests.curation.test_workflow_service import PAIRS, allowed
from tests.test_admin import term_form

ADMIN_ROLES = ["editor", "reviewer", "superuser"]


def transition_url(term):
    return reverse("admin:glossary_term_transition", args=[term.pk])


def change_url(term):
    return reverse("admin:glossary_term_change", args=[term.pk])


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize("current,target", PAIRS)
def test_a_workflow_button_makes_exactly_the_allowed_transitions(make_term, admin_as, role, current, target):
    term = make_term("Subject", status=current)
    before = Term.objects.values().get(pk=term.pk)
    response = admin_as(role).post(transition_url(term), {"status": target, "comment": "Because."}, follow=True)
    assert response.redirect_chain[0] == (change_url(term), 302)
    shown = [str(m) for m in response.context["messages"]]
    if allowed(role, (current, target)):
        assert Term.objects.get(pk=term.pk).status == target
        assert shown == [f"“Subject” is now {Term(status=target).get_status_display().lower()}."]
    else:
        assert Term.objects.values().get(pk=term.pk) == before
        assert shown[0].startswith("Nothing was changed: ")


def test_the_review_box_offers_an_editor_submit_and_a_reviewer_publish_and_request_changes(make_term, admin_as):
    draft = make_term("Draft term", status="draft")
    page = admin_as("editor").get(change_url(draft)).content.decode()
    assert 'value="in_review"' in page and "Submit for review" in page
    assert 'value="published"' not in page
    pending = make_term("Pending term", status="in_review")
    page = admin_as("reviewer").get(change_url(pending)).content.decode()
    for status in ("published", "changes_requested", "draft"):
        assert f'name="status" value="{status}"' in page


def test_requesting_changes_without_a_comment_in_the_admin_changes_nothing(make_term, admin_as):
    term = make_term("Subject", status="in_review")
    response = admin_as("reviewer").post(transition_url(term), {"status": "changes_requested", "comment": ""},
                                         follow=True)
    assert "needs a comment" in str(list(response.context["messages"])[0])
    assert Term.objects.get(pk=term.pk).status == "in_review"


def test_the_author_reads_the_reviewers_comment_on_the_change_page(make_term, admin_as):
    term = make_term("Subject", status="in_review")
    admin_as("reviewer").post(transition_url(term), {"status": "changes_requested", "comment": "Cite a paper."})
    page = admin_as("editor").get(change_url(term)).content.decode()
    assert "Changes requested:</strong> Cite a paper." in page


def test_the_transition_url_answers_only_posts_from_staff_with_rights(make_term, admin_as, client, reader):
    term = make_term("Subject", status="in_review")
    assert admin_as("reviewer").get(transition_url(term)).status_code == 405
    assert client.post(transition_url(term), {"status": "published"}).status_code == 302  # to the login page
    client.force_login(reader)
    assert client.post(transition_url(term), {"status": "published"}).status_code == 302
    assert Term.objects.get(pk=term.pk).status == "in_review"
    missing = reverse("admin:glossary_term_transition", args=[term.pk + 1000])
    assert admin_as("reviewer").post(missing, {"status": "published"}).status_code == 404


def test_the_awaiting_review_link_counts_the_queue_and_filters_the_list(workflow_glossary, admin_as):
    changelist = reverse("admin:glossary_term_changelist")
    page = admin_as("reviewer").get(changelist).content.decode()
    assert f'href="{changelist}?status__exact=in_review" class="awaiting-review">Awaiting review (1)' in page
    queue = admin_as("reviewer").get(changelist, {"status__exact": "in_review"})
    assert [t.name for t in queue.context["cl"].result_list] == ["Zephyrine"]


@pytest.mark.parametrize("status,editable", [
    ("draft", True), ("changes_requested", True), ("in_review", False), ("published", False), ("deprecated", False),
])
def test_an_editor_edits_drafts_in_the_admin_and_only_views_the_others(make_term, admin_as, status, editable):
    term = make_term("Subject", slug="subject", status=status)
    client = admin_as("editor")
    page = client.get(change_url(term))
    assert page.context["has_change_permission"] is editable
    response = client.post(change_url(term), term_form("Subject", "subject", short_definition="Edited."))
    assert response.status_code == (302 if editable else 403)
    assert (Term.objects.get(pk=term.pk).short_definition == "Edited.") is editable


def test_the_status_on_the_change_form_is_left_to_the_buttons(make_term, admin_as):
    term = make_term("Subject", slug="subject", status="draft")
    response = admin_as("editor").post(change_url(term), term_form("Subject", "subject", status="published"))
    assert response.status_code == 302
    assert Term.objects.get(pk=term.pk).status == "draft"


def test_an_editor_adds_a_term_as_a_draft_or_for_review_only(admin_as):
    client = admin_as("editor")
    form = client.get(reverse("admin:glossary_term_add")).context["adminform"].form
    assert [value for value, _label in form.fields["status"].choices] == ["draft", "in_review"]
    assert form.fields["status"].initial == "draft"
    refused = client.post(reverse("admin:glossary_term_add"), term_form("Sneaky", "sneaky", status="published"))
    assert refused.status_code == 200 and not Term.objects.filter(slug="sneaky").exists()
    client.post(reverse("admin:glossary_term_add"), term_form("Honest", "honest", status="draft"))
    assert Term.objects.get(slug="honest").status == "draft"
