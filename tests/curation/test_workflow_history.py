"""Workflow steps are versions in the term's history, with who made them and their comment."""

import pytest
from django.core.exceptions import ValidationError

from glossary import services
from glossary.versions import term_versions, visible_versions


def test_each_transition_is_a_version_with_its_user_and_comment(make_term, editor_member, reviewer_member):
    term = make_term("Sparse attention", status="draft", short_definition="Attending to a few positions.")
    services.term_transition(term=term, status="in_review", user=editor_member)
    services.term_transition(term=term, status="changes_requested", user=reviewer_member,
                             comment="Say which positions.")
    services.term_transition(term=term, status="in_review", user=editor_member)
    services.term_transition(term=term, status="published", user=reviewer_member, comment="Clear now.")

    steps = [(v.reason, v.user, v.state.fields["status"]) for v in term_versions(term)[-4:]]
    assert steps == [
        ("Submitted for review", editor_member, "in_review"),
        ("Say which positions.", reviewer_member, "changes_requested"),
        ("Submitted for review again", editor_member, "in_review"),
        ("Clear now.", reviewer_member, "published"),
    ]


def test_a_refused_transition_leaves_no_version(make_term, editor_member):
    term = make_term("Speculative decoding", status="in_review", short_definition="Drafting tokens ahead.")
    before = len(term_versions(term))
    with pytest.raises(ValidationError):
        services.term_transition(term=term, status="changes_requested", user=editor_member)
    assert len(term_versions(term)) == before


def test_readers_see_only_the_published_steps(make_term, editor_member, reviewer_member, reader):
    term = make_term("Beam search", status="draft", short_definition="Keeping the best few sequences.")
    services.term_transition(term=term, status="in_review", user=editor_member)
    services.term_transition(term=term, status="published", user=reviewer_member)
    assert [v.reason for v in visible_versions(term, reader)] == ["Published"]
    assert [v.reason for v in visible_versions(term, reviewer_member)][:2] == ["Published", "Submitted for review"]
