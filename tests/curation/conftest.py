"""Fixtures for the curation tests: a small glossary with a term in each workflow status, clients
for each role, and a term with some history."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from glossary import services
from glossary.models import Category


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def workflow_glossary(make_term, is_a, related_to, relate, editor_member, reviewer_member):
    """Published “Base model” and “Other model”; “Zephyrine” in review and “Quillwort” sent back
    for changes, both with relations to the published ones; “Draft idea” a plain draft."""
    category = Category.objects.create(name="Models", slug="models")
    base = make_term("Base model", category=category, short_definition="A published model.")
    other = make_term("Other model", category=category, short_definition="Another published model.")
    pending = make_term("Zephyrine", status="draft", category=category,
                        short_definition="Zephyrine is waiting for its review.")
    returned = make_term("Quillwort", status="draft", category=category,
                         short_definition="Quillwort went back to its author.")
    draft = make_term("Draft idea", status="draft", short_definition="Not submitted yet.")
    relate(pending, is_a, base)
    relate(returned, is_a, base)
    relate(other, related_to, pending)
    for term in (pending, returned):
        services.term_transition(term=term, status="in_review", user=editor_member)
    services.term_transition(term=returned, status="changes_requested", user=reviewer_member,
                             comment="Cite a source for the definition.")
    return {"category": category, "base": base, "other": other, "pending": pending, "returned": returned,
            "draft": draft, "is_a": is_a}


@pytest.fixture
def api_as(editor_member, reviewer_member, staff_user, reader):
    """API clients by role name: anonymous, reader, editor, reviewer, superuser."""
    users = {"reader": reader, "editor": editor_member, "reviewer": reviewer_member, "superuser": staff_user}
    return lambda role: APIClient() if role == "anonymous" else token_client(users[role])


@pytest.fixture
def admin_as(editor_member, reviewer_member, staff_user):
    """Admin (session) clients by role name: editor, reviewer, superuser."""
    users = {"editor": editor_member, "reviewer": reviewer_member, "superuser": staff_user}

    def login(role):
        client = Client()
        client.force_login(users[role])
        return client

    return login


@pytest.fixture
def staff_client(staff_user):
    """Signed in as staff; a client of its own, so tests can compare it with the anonymous `client`."""
    staff = Client()
    staff.force_login(staff_user)
    return staff


@pytest.fixture
def staff_api(staff_user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user).key}")
    return api


@pytest.fixture
def editor_api(editor):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    return api


@pytest.fixture
def llm(make_term, is_a):
    """A term edited three times: created, definition reworded, an alias and an is-a relation added."""
    foundation = make_term("Foundation model", short_definition="A large model.")
    term = make_term("Large language model", short_definition="A model of text.")
    services.term_update(term=term, short_definition="A large model of human text.", body="Predicts the next token.")
    services.label_create(term=term, text="LLM", language="en", kind="alternative", subkind="abbreviation")
    services.relation_create(source=term, type=is_a, target=foundation)
    term.refresh_from_db()
    return term
