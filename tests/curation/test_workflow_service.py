"""The review workflow's rule through the service, `term_transition`: every status change for
every role, refusals that change nothing, comments, and publishing only over public relations."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from glossary import services
from glossary.models import Term

STATUSES = ["draft", "in_review", "changes_requested", "published", "deprecated"]
PAIRS = [(a, b) for a, b in itertools.permutations(STATUSES, 2)]
EDITOR_MAY = {("draft", "in_review"), ("in_review", "draft"), ("changes_requested", "in_review"),
              ("changes_requested", "draft")}
REVIEWER_MAY = EDITOR_MAY | {
    ("in_review", "published"), ("in_review", "changes_requested"), ("draft", "published"),
    ("changes_requested", "published"), ("published", "deprecated"), ("deprecated", "published"),
    ("published", "draft"),
}
ALLOWED = {"anonymous": set(), "reader": set(), "editor": EDITOR_MAY, "reviewer": REVIEWER_MAY,
           "superuser": REVIEWER_MAY}


def allowed(role, pair):
    return pair in ALLOWED[role]


@pytest.fixture
def user_as(editor_member, reviewer_member, staff_user, reader):
    return {"anonymous": AnonymousUser(), "reader": reader, "editor": editor_member,
            "reviewer": reviewer_member, "superuser": staff_user}.__getitem__


def stored(term):
    return Term.objects.values("status", "updated_at", "review_comment").get(pk=term.pk)


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("current,target", PAIRS)
def test_each_status_change_is_allowed_exactly_for_the_roles_that_may_make_it(
    make_term, user_as, role, current, target
):
    term = make_term("Subject", status=current)
    before = stored(term)
    if allowed(role, (current, target)):
        services.term_transition(term=term, status=target, user=user_as(role), comment="Because.")
        assert stored(term)["status"] == target
    else:
        with pytest.raises((ValidationError, PermissionDenied)):
            services.term_transition(term=term, status=target, user=user_as(role), comment="Because.")
        assert stored(term) == before


@pytest.mark.parametrize("current,target,role,message", [
    ("in_review", "published", "editor",
     "Only a reviewer may publish a term (it is in review); submit it for review and a reviewer will publish it."),
    ("published", "deprecated", "editor", "Only a reviewer may deprecate a term (it is published)."),
    ("in_review", "changes_requested", "editor", "Only a reviewer may request changes to a term (it is in review)."),
    ("draft", "deprecated", "reviewer",
     "A term cannot go from draft to deprecated; from draft it can go to in review, published."),
])
def test_a_refused_transition_says_why_on_the_status_field(make_term, user_as, current, target, role, message):
    term = make_term("Subject", status=current)
    with pytest.raises(ValidationError) as refused:
        services.term_transition(term=term, status=target, user=user_as(role), comment="Because.")
    assert refused.value.message_dict == {"status": [message]}
    assert stored(term)["status"] == current


def test_an_unknown_status_is_refused_with_the_list_of_statuses(make_term, reviewer_member):
    term = make_term("Subject", status="draft")
    with pytest.raises(ValidationError, match="“approved” is not a status"):
        services.term_transition(term=term, status="approved", user=reviewer_member)


def test_requesting_changes_needs_a_comment_and_keeps_it_for_the_author(make_term, reviewer_member):
    term = make_term("Subject", status="in_review")
    for blank in ("", "   "):
        with pytest.raises(ValidationError, match="requesting changes needs a comment"):
            services.term_transition(term=term, status="changes_requested", user=reviewer_member, comment=blank)
    assert stored(term)["status"] == "in_review"
    services.term_transition(term=term, status="changes_requested", user=reviewer_member,
                             comment=" Cite a source. ")
    assert stored(term)["review_comment"] == "Cite a source."
    assert term._change_reason == "Cite a source."


def test_publishing_clears_the_request_and_names_the_step_as_the_history_reason(make_term, reviewer_member):
    term = make_term("Subject", status="in_review")
    services.term_transition(term=term, status="changes_requested", user=reviewer_member, comment="Shorter.")
    services.term_transition(term=term, status="published", user=reviewer_member)
    assert stored(term)["review_comment"] == ""
    assert term._change_reason == "Published"


def test_submitting_records_a_default_reason(make_term, editor_member):
    term = make_term("Subject", status="draft")
    services.term_transition(term=term, status="in_review", user=editor_member)
    assert term._change_reason == "Submitted for review"


def test_publishing_a_term_related_to_unpublished_terms_is_refused_naming_them(
    make_term, reviewer_member, is_a, related_to, relate
):
    term = make_term("Subject", status="in_review")
    relate(term, is_a, make_term("Parent draft", status="draft"))
    relate(make_term("Sibling in review", status="in_review"), related_to, term)  # symmetric: either way
    relate(make_term("Child draft", status="draft"), is_a, term)  # pointing at it: not its concern
    relate(term, is_a, make_term("Public parent"))
    before = stored(term)
    with pytest.raises(ValidationError) as refused:
        services.term_transition(term=term, status="published", user=reviewer_member)
    assert refused.value.message_dict["status"] == [
        "This term cannot be published while its relations point at terms readers cannot see: "
        "“Parent draft”, “Sibling in review”. Publish those first, or remove the relations."
    ]
    assert stored(term) == before


def test_a_deprecated_term_republished_needs_public_relations_too(make_term, reviewer_member, is_a, relate):
    term = make_term("Subject", status="deprecated")
    relate(term, is_a, make_term("Parent draft", status="draft"))
    with pytest.raises(ValidationError, match="“Parent draft”"):
        services.term_transition(term=term, status="published", user=reviewer_member)


def test_a_new_term_starts_as_a_draft_or_in_review_for_an_editor(editor_member, reviewer_member):
    assert services.term_create(name="One", status="draft", user=editor_member).status == "draft"
    assert services.term_create(name="Two", status="in_review", user=editor_member).status == "in_review"
    with pytest.raises(ValidationError, match="Only a reviewer may publish"):
        services.term_create(name="Three", status="published", user=editor_member)
    with pytest.raises(ValidationError, match="A new term cannot start as deprecated"):
        services.term_create(name="Four", status="deprecated", user=reviewer_member)
    assert services.term_create(name="Five", status="published", user=reviewer_member).status == "published"
    assert not Term.objects.filter(name__in=["Three", "Four"]).exists()


def test_editors_change_drafts_and_returned_terms_only(make_term, editor_member):
    for status in ("draft", "changes_requested"):
        term = make_term(f"Editable {status}", status=status)
        services.term_update(term=term, short_definition="Better.", user=editor_member)
        assert Term.objects.get(pk=term.pk).short_definition == "Better."
    for status, reason in (("in_review", "in review: withdraw it"), ("published", "only a reviewer may change it"),
                           ("deprecated", "only a reviewer may change it")):
        term = make_term(f"Locked {status}", status=status)
        with pytest.raises(PermissionDenied, match=reason):
            services.term_update(term=Term.objects.get(pk=term.pk), short_definition="Sneaky.", user=editor_member)
        assert Term.objects.get(pk=term.pk).short_definition == ""


def test_an_editor_may_withdraw_a_term_from_review_through_an_update(make_term, editor_member):
    term = make_term("Subject", status="in_review")
    services.term_update(term=term, status="draft", user=editor_member)
    assert stored(term)["status"] == "draft"


def test_reviewers_change_terms_in_any_status(make_term, reviewer_member):
    term = make_term("Subject", status="published")
    services.term_update(term=term, short_definition="Clearer.", user=reviewer_member)
    assert Term.objects.get(pk=term.pk).short_definition == "Clearer."


def test_a_refused_transition_in_an_update_keeps_the_other_fields_too(make_term, editor_member):
    term = make_term("Subject", status="draft")
    with pytest.raises(ValidationError):
        services.term_update(term=term, status="published", short_definition="Changed.", user=editor_member)
    assert Term.objects.values_list("status", "short_definition").get(pk=term.pk) == ("draft", "")


def test_a_comment_the_database_cannot_hold_is_refused(make_term, editor_member):
    term = make_term("Subject", status="draft")
    with pytest.raises(ValidationError) as refused:
        services.term_transition(term=term, status="in_review", user=editor_member, comment="a\x00b")
    assert list(refused.value.message_dict) == ["comment"]
    assert stored(term)["status"] == "draft"
