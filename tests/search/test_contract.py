"""The search contract: one table of queries and the term each must find, on every backend.

The same table runs on SQLite (FTS5) and on PostgreSQL (full-text + unaccent); nothing here is
skipped on either. Each row: what a reader types, the slug expected, and how high it must be
(1 = first; 3 = among the first three). ``None`` means the query must find nothing.
"""

import pytest

from glossary.search import search, suggest

pytestmark = pytest.mark.django_db

# query, expected slug (None: nothing found), must be within the first N, what the row is about
CONTRACT = [
    # The issue's own table.
    ("large language models", "large-language-model", 1, "plural of a multi-word label"),
    ("hallucinations", "hallucination", 1, "plural"),
    ("retrieval augmented generation", "retrieval-augmented-generation", 1, "unhyphenated"),
    ("fine-tune", "fine-tuning", 1, "another form of the word"),
    ("rag", "retrieval-augmented-generation", 1, "abbreviation, not 'averaged'"),
    ("halu", "hallucination", 1, "a beginning typed with a typo"),
    # Hyphens, spaces and case.
    ("fine tuning", "fine-tuning", 1, "space for hyphen"),
    ("Finetuning", "fine-tuning", 1, "no hyphen at all"),
    ("FINE-TUNING", "fine-tuning", 1, "upper case"),
    ("pre training", "pre-training", 1, "space for hyphen"),
    ("pretraining", "pre-training", 1, "alternative label"),
    ("self supervised learning", "self-supervised-learning", 1, "two hyphens dropped"),
    ("next token prediction", "next-token-prediction", 1, "hyphen in the middle"),
    ("opensource model", "open-source-model", 1, "hyphen dropped, words joined"),
    ("gpt 3.5", "gpt-3-5", 1, "punctuation in a name"),
    # Plurals and other word forms.
    ("neural networks", "neural-network", 1, "plural"),
    ("transformers", "transformer", 1, "plural"),
    ("foundation models", "foundation-model", 1, "plural"),
    ("state space models", "state-space-model", 1, "plural, three words"),
    ("masked language modelling", "masked-language-modeling", 1, "British spelling (alternative label)"),
    # Beginnings of labels.
    ("retriev", "retrieval-augmented-generation", 3, "beginning of a label"),
    ("backprop", "backpropagation", 1, "abbreviation that is also a beginning"),
    ("summar", "summarization", 1, "beginning"),
    ("multiling", "multilingual-capability", 1, "beginning"),
    ("mamb", "mamba", 1, "beginning of a short name"),
    ("hallucination det", "hallucination-detection", 1, "last word being typed"),
    # One typo.
    ("transfomer", "transformer", 1, "missing letter"),
    ("hallucinaton", "hallucination", 1, "missing letter"),
    ("atention", "attention", 1, "missing letter"),
    ("chatbto", "chatbot", 1, "swapped letters"),
    ("gradient decent", "gradient-descent", 1, "missing letter in the second word"),
    ("retreival augmented", "retrieval-augmented-generation", 3, "swapped letters"),
    # Two typos.
    ("halucinaton", "hallucination", 1, "two missing letters"),
    ("bakpropogation", "backpropagation", 1, "missing and wrong letter"),
    ("promt enginering", "prompt-engineering", 1, "one typo in each word"),
    ("Gmeinii", "gemini", 1, "swapped and extra letter"),
    ("sumarisation", "summarization", 1, "typo of the British spelling"),
    # Abbreviations.
    ("LLM", "large-language-model", 1, "abbreviation"),
    ("nlp", "natural-language-processing", 1, "abbreviation in lower case"),
    ("SSM", "state-space-model", 1, "abbreviation"),
    ("matmul", "matrix-multiplication", 1, "abbreviation"),
    ("GPT", "gpt-4", 3, "abbreviation shared by three terms"),
    ("gpt4", "gpt-4", 1, "hidden label (a misspelling)"),
    # Accents and other languages.
    ("Künstliche Intelligenz", "artificial-intelligence", 1, "German preferred label"),
    ("kunstliche intelligenz", "artificial-intelligence", 1, "German, accent dropped"),
    ("generation augmentee par recuperation", "retrieval-augmented-generation", 1, "French, accents dropped"),
    ("Réseau de neurones", "neural-network", 1, "French, beginning"),
    ("tekoaly", "artificial-intelligence", 1, "Finnish, accent dropped"),
    ("Halluzination", "hallucination", 1, "German"),
    ("feinabstimmung", "fine-tuning", 1, "German, lower case"),
    ("donnees d'entrainement", "training-data", 1, "French, apostrophe and accents"),
    # Words only in a definition or body.
    ("dartmouth", "artificial-intelligence", 1, "a word only in the body"),
    ("trillions of tokens", "training-data", 1, "words only in the short definition"),
    ("Textmengen", "large-language-model", 1, "a word only in the German definition"),
    ("averaged", "attention", 1, "a word only in the body"),
    # Nothing.
    ("xyzzy plugh", None, 0, "no such words"),
    ("qqqqqqqqqq", None, 0, "no such word, nothing close"),
]


def _found(query):
    return [hit.slug for hit in search(query).hits]


def test_the_query_table_finds_the_expected_term_high_enough(seed):
    failures = {}
    for query, expected, within, _ in CONTRACT:
        found = _found(query)
        if expected is None:
            if found:
                failures[query] = f"expected nothing, found {found[:3]}"
        elif expected not in found[:within]:
            failures[query] = f"expected {expected} within {within}, found {found[:5]}"
    assert failures == {}


def test_the_table_has_at_least_forty_queries():
    assert len(CONTRACT) >= 40
    assert len({query for query, *_ in CONTRACT}) == len(CONTRACT)


def test_rag_does_not_list_attention_whose_text_says_averaged(seed):
    assert "attention" not in _found("rag")


def test_autocomplete_follows_the_table_for_labels(seed):
    # The rows about labels (not definitions) hold for autocomplete as well.
    label_rows = [row for row in CONTRACT if row[1] and "definition" not in row[3] and "body" not in row[3]]
    failures = {}
    for query, expected, within, _ in label_rows:
        found = [s["slug"] for s in suggest(query)]
        if expected not in found[:within]:
            failures[query] = found[:5]
    assert failures == {}


@pytest.mark.parametrize("typed", ["halu", "halluc", "hallucinaton", "transfomer"])
def test_autocomplete_suggests_the_term_for_beginnings_and_one_typo(seed, typed):
    expected = "transformer" if typed == "transfomer" else "hallucination"
    assert suggest(typed)[0]["slug"] == expected
