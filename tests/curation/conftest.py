"""A small glossary with a term in each workflow status, and clients for each role."""

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
