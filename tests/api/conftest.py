"""Fixtures for the REST API tests: clients for each kind of caller, and a small glossary."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from glossary.models import Category, Label, Reference, Relation, RelationType, Term

MODELS = (Term, Label, Category, Relation, RelationType, Reference)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def as_editor(editor):
    """Token-authenticated, holding every glossary permission, not staff (drafts stay hidden)."""
    return token_client(editor)


@pytest.fixture
def as_reader(reader):
    """Token-authenticated, without any permission."""
    return token_client(reader)


@pytest.fixture
def as_staff(staff_user):
    return token_client(staff_user)


@pytest.fixture
def row_counts():
    """A snapshot function of the row count of every glossary table, to prove a refusal changed nothing."""
    return lambda: {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def glossary(make_term, is_a, related_to, relate):
    """LLM is a foundation model; RAG (alias of Retrieval-augmented generation) uses LLM; a draft too."""
    category = Category.objects.create(name="Technique", slug="technique")
    foundation = make_term("Foundation model", short_definition="A large model adaptable to many tasks.")
    llm = make_term(
        "Large language model",
        short_definition="A language model with many parameters.",
        body="Built on the **transformer**. <script>alert(1)</script>",
        aliases=[{"name": "LLM", "kind": "abbreviation"}],
    )
    rag = make_term(
        "Retrieval-augmented generation",
        category=category,
        short_definition="Retrieval of documents to ground a generated answer.",
        aliases=[{"name": "RAG", "kind": "abbreviation"}],
    )
    ragtruth = make_term("RAGTruth", short_definition="A benchmark of hallucinations in RAG output.")
    draft = make_term("Secret draft", status="draft", short_definition="Not ready.")
    uses = RelationType.objects.create(slug="uses", label="uses", inverse_label="is used by")
    relations = {
        "llm_is_a_foundation": relate(llm, is_a, foundation),
        "rag_uses_llm": relate(rag, uses, llm),
        "ragtruth_related_rag": relate(ragtruth, related_to, rag),
        "draft_uses_llm": relate(draft, uses, llm),
    }
    reference = Reference.objects.create(title="RAG paper", url="https://arxiv.org/abs/2005.11401", kind="paper")
    reference.terms.set([rag, draft])
    return {
        "category": category, "foundation": foundation, "llm": llm, "rag": rag, "ragtruth": ragtruth,
        "draft": draft, "uses": uses, "is_a": is_a, "related_to": related_to, "reference": reference,
        **relations,
    }
