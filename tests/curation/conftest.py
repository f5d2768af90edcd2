"""Fixtures for the curation tests: signed-in clients and a term with some history."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from glossary import services


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
