"""A small hand-made glossary for the graph tests, built through the services."""

import pytest

from glossary import services
from graphviz_app.engine import clear_graph_cache


@pytest.fixture(autouse=True)
def _cold_graph_cache():
    clear_graph_cache()
    yield
    clear_graph_cache()


@pytest.fixture
def llm_graph(make_term, make_type, is_a, related_to, relate):
    """gpt-4 —instance-of→ foundation-model —is-a→ llm; fine-tuning —mitigates→ hallucination;
    llm —related-to— hallucination; rag —requires→ llm —requires→ neural-net; rag —requires→ neural-net.
    """
    category = services.category_create(name="Model", color="#ff8800")
    instance_of = make_type("instance-of", "is an instance of", "has instance")
    mitigates = make_type("mitigates", "mitigates", "is mitigated by")
    requires = make_type("requires", "requires", "is required by", acyclic=True, transitive=True)
    t = {
        slug: make_term(name, slug=slug, short_definition=f"About {name}.", category=category if slug == "gpt-4" else None)
        for slug, name in [
            ("gpt-4", "GPT-4"), ("foundation-model", "foundation model"), ("llm", "LLM"),
            ("fine-tuning", "fine-tuning"), ("hallucination", "hallucination"), ("rag", "RAG"),
            ("neural-net", "neural network"), ("lonely", "lonely term"),
        ]
    }
    relate(t["gpt-4"], instance_of, t["foundation-model"])
    relate(t["foundation-model"], is_a, t["llm"])
    relate(t["fine-tuning"], mitigates, t["hallucination"])
    relate(t["llm"], related_to, t["hallucination"])
    relate(t["rag"], requires, t["llm"])
    relate(t["llm"], requires, t["neural-net"])
    relate(t["rag"], requires, t["neural-net"])
    return t
