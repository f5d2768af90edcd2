"""One resolver turns a typed name into a term, for every path that takes a term by name."""
from glossary.resolver import normalise_name, resolve_name, resolve_names


def test_a_term_resolves_by_slug_by_name_in_any_case_and_by_alias(make_term, db):
    llm = make_term("Large language model", aliases=[{"name": "LLM", "kind": "abbreviation"}])
    for typed in ("large-language-model", "large language MODEL", "  Large   language model ", "llm"):
        resolution = resolve_name(typed, user=None)
        assert resolution.term is not None and resolution.term.slug == llm.slug, typed
    assert resolve_name("llm", user=None).matched == "LLM"


def test_a_name_outranks_another_terms_slug_only_when_the_slug_is_not_exact(make_term, db):
    rag = make_term("RAG pipeline", slug="rag")
    make_term("Retrieval", aliases=[{"name": "RAG pipelines"}])
    assert resolve_name("rag", user=None).term.slug == rag.slug


def test_drafts_resolve_for_staff_only(make_term, staff_user, db):
    make_term("Secret plan", status="draft")
    assert resolve_name("secret plan", user=None).term is None
    assert resolve_name("secret plan", user=staff_user).term.slug == "secret-plan"


def test_many_names_resolve_in_one_query(make_term, django_assert_num_queries, db):
    make_term("Attention", aliases=[{"name": "self-attention"}])
    make_term("Transformer")
    with django_assert_num_queries(1):
        found = resolve_names(["attention", "Self-Attention", "transformer", "nothing"], user=None)
    assert {k: (r.term.slug if r.term else None) for k, r in found.items()} == {
        "attention": "attention", "self-attention": "attention", "transformer": "transformer", "nothing": None,
    }


def test_names_compare_with_spaces_collapsed_and_case_folded():
    assert normalise_name("  Straße   Model ") == "strasse model"
