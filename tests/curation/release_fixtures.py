"""A small hand-made glossary for the release tests (import the fixtures you use into the module).

Foundation model ← is a — LLM ← uses — RAG — related to — Hallucination; a deprecated term
replaced by LLM; a draft that uses LLM and shares RAG's reference; RAG has a Finnish name, a
scope note and a mapping.
"""

import pytest

from glossary import services
from glossary.models import Category, RelationType


@pytest.fixture
def small_glossary(make_term, is_a, related_to, relate):
    technique = Category.objects.create(name="Technique", slug="technique")
    uses = RelationType.objects.create(slug="uses", label="uses", inverse_label="is used by")
    foundation = make_term("Foundation model", short_definition="A large model adaptable to many tasks.")
    llm = make_term("Large language model", short_definition="A language model with many parameters.",
                    aliases=[{"name": "LLM", "kind": "abbreviation"}])
    rag = make_term(
        "Retrieval-augmented generation", category=technique,
        short_definition="Retrieval of documents to ground a generated answer.",
        labels=[
            {"text": "Retrieval-augmented generation", "language": "en", "kind": "preferred"},
            {"text": "RAG", "language": "en", "kind": "alternative", "subkind": "abbreviation"},
            {"text": "Hakuavusteinen generointi", "language": "fi", "kind": "preferred"},
        ],
        notes=[{"kind": "scope_note", "language": "en", "text": "Open-book answering."}],
        mappings=[{"kind": "exact", "uri": "http://www.wikidata.org/entity/Q120816234"}],
    )
    hallucination = make_term("Hallucination", short_definition="A fluent but false statement.")
    old = make_term("Big language model", status="deprecated", replaced_by=llm,
                    short_definition="Former name of the large language model.")
    draft = make_term("Secret draft", status="draft", short_definition="Not ready for readers.")
    relations = {
        "llm_is_a_foundation": relate(llm, is_a, foundation, note="The usual kind."),
        "rag_uses_llm": relate(rag, uses, llm),
        "hallucination_related_rag": relate(hallucination, related_to, rag),
        "draft_uses_llm": relate(draft, uses, llm),
    }
    reference = services.reference_create(title="RAG paper", url="https://arxiv.org/abs/2005.11401", kind="paper",
                                          terms=[rag, draft])
    return {
        "technique": technique, "uses": uses, "is_a": is_a, "related_to": related_to,
        "foundation": foundation, "llm": llm, "rag": rag, "hallucination": hallucination, "old": old,
        "draft": draft, "reference": reference, **relations,
    }
