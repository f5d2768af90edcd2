"""A small hand-made glossary for the web UI tests, built through the services."""

import pytest

from glossary import services


@pytest.fixture
def instance_of(make_type):
    return make_type("instance-of", "is an instance of", "has instance")


@pytest.fixture
def glossary(make_term, is_a, related_to, instance_of, relate):
    """Foundation model ← GPT-4 (instance), LLM is-a foundation model, RAG related to LLM, Bard deprecated."""
    models = services.category_create(name="Model", color="#d97706")
    concepts = services.category_create(name="Concept")
    fm = make_term("Foundation model", short_definition="A large model trained on broad data.", category=concepts)
    llm = make_term(
        "Large language model",
        short_definition="A foundation model for text.",
        body="An LLM is a [[Foundation model]] trained on text; see [[RAG|retrieval]] and [[Nonexistent idea]].",
        category=concepts,
        aliases=[{"name": "LLM", "kind": "abbreviation"}],
    )
    gpt4 = make_term("GPT-4", short_definition="OpenAI's model.", category=models)
    gemini = make_term("Gemini", short_definition="Google's model.", category=models)
    bard = make_term("Bard", short_definition="Old name of Gemini.", category=models, status="deprecated", replaced_by=gemini)
    rag = make_term(
        "Retrieval-augmented generation",
        short_definition="Generate answers from retrieved documents.",
        aliases=[{"name": "RAG", "kind": "abbreviation"}],
    )
    draft = make_term("Secret draft", short_definition="Not ready.", status="draft")
    relate(gpt4, instance_of, fm, note="A general-purpose model.")
    relate(llm, is_a, fm)
    relate(rag, related_to, llm)
    services.reference_create(
        title="Attention is all you need", url="https://arxiv.org/abs/1706.03762", kind="paper", terms=[llm]
    )
    return {"fm": fm, "llm": llm, "gpt4": gpt4, "gemini": gemini, "bard": bard, "rag": rag, "draft": draft,
            "models": models, "concepts": concepts}
