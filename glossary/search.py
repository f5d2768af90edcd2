"""Term search shared by the web UI (/search/, /terms/?q=) and the API (?search=).

Interface: `search_terms(query, user=None, queryset=None)` returns a Term queryset annotated
with `rank` (a float, higher is better) and ordered best first.

Ranking, on every backend: an exact name or alias first, then a name or alias starting with the
query, then one containing it, then matches in the definition and body. On PostgreSQL full-text
search (name and aliases weight A, short definition B, body C) and trigram similarity on names
and aliases join in, so stemmed words match ("embeddings" finds "embedding") and typos still find
the term ("halucinaton" → Hallucination). The indexes behind them are created by migration
0003_search_indexes; the expressions here must stay identical to the indexed ones.
"""

import difflib
import re

from django.contrib.postgres.lookups import TrigramSimilar, TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils.html import escape
from django.utils.safestring import mark_safe

from glossary.models import Label, Term

MAX_QUERY_LENGTH = 200
SEARCH_CONFIG = "english"

EXACT, PREFIX, CONTAINS, DEFINITION, BODY = 100.0, 50.0, 20.0, 10.0, 1.0
# Full-text rank and trigram similarity are both in 0..1; scaled so that a close spelling of a
# name (similarity ≈ 0.5–0.9) outranks a mere mention in another term's body.
TEXT_WEIGHT, TRIGRAM_WEIGHT = 10.0, 30.0


def term_search_vector():
    """The weighted document of a term's own columns; the GIN index is on exactly this."""
    return (
        SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("short_definition", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def label_search_vector():
    """A label's document; indexed with GIN like the term's."""
    return SearchVector("text", config=SEARCH_CONFIG)


def normalise_query(query) -> str:
    return " ".join(str(query or "").split())[:MAX_QUERY_LENGTH]


def search_terms(query: str, *, user=None, queryset=None):
    """Terms matching ``query``, best first, each annotated with ``rank``."""
    query = normalise_query(query)
    terms = queryset if queryset is not None else Term.objects.visible_to(user)
    if not query:
        return terms.none()
    if connections[terms.db].vendor == "postgresql":
        return _search_postgresql(terms, query)
    return _search_fallback(terms, query)


def _labels(**lookups):
    return Exists(Label.objects.filter(term=OuterRef("pk"), **lookups))


def _name_rank(query):
    """The exact > prefix > contains tiers, for names and aliases alike."""
    return Case(
        When(Q(name__iexact=query) | _labels(text__iexact=query), then=Value(EXACT)),
        When(Q(name__istartswith=query) | _labels(text__istartswith=query), then=Value(PREFIX)),
        When(Q(name__icontains=query) | _labels(text__icontains=query), then=Value(CONTAINS)),
        When(short_definition__icontains=query, then=Value(DEFINITION)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _search_fallback(terms, query):
    matches = (
        Q(name__icontains=query)
        | _labels(text__icontains=query)
        | Q(short_definition__icontains=query)
        | Q(body__icontains=query)
    )
    rank = _name_rank(query) + Case(When(body__icontains=query, then=Value(BODY)), default=Value(0.0))
    return terms.filter(matches).annotate(rank=rank).order_by("-rank", "name")


def _spelling_similarity(query, field="name"):
    """How closely the row's name is spelt like ``query``, 0..1.

    Word similarity finds the query inside a longer name ("transfomer" in "Transformer model");
    whole-name similarity breaks its ties in favour of the shorter, closer name, so
    "halucinaton" ranks Hallucination above Hallucination detection.
    """
    return (TrigramWordSimilarity(query, field) + TrigramSimilarity(field, query)) / 2


def _search_postgresql(terms, query):
    text_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    labels = Label.objects.filter(term=OuterRef("pk"))
    best_alias_similarity = Subquery(
        labels.annotate(s=_spelling_similarity(query, "text"))
        .order_by("-s")
        .values("s")[:1],
        output_field=FloatField(),
    )
    # Each candidate set is its own subquery so PostgreSQL can answer it from its GIN index
    # (an OR across columns and tables inside one WHERE would force a scan of every term).
    by_text = Term.objects.annotate(_doc=term_search_vector()).filter(_doc=text_query)
    by_name = Term.objects.filter(TrigramSimilar(F("name"), query) | TrigramWordSimilar(F("name"), query))
    by_alias = Label.objects.annotate(_doc=label_search_vector()).filter(
        Q(_doc=text_query)
        | TrigramSimilar(F("text"), query)
        | TrigramWordSimilar(F("text"), query)
        | Q(text__icontains=query)
    )
    matches = (
        Q(pk__in=by_text.values("pk"))
        | Q(pk__in=by_name.values("pk"))
        | Q(pk__in=by_alias.values("term_id"))
        | Q(name__icontains=query)
    )
    similarity = Greatest(_spelling_similarity(query), Coalesce(best_alias_similarity, Value(0.0)))
    return (
        terms.annotate(_text=term_search_vector())
        .filter(matches)
        .annotate(
            rank=_name_rank(query)
            + TEXT_WEIGHT * SearchRank(F("_text"), text_query)
            + TRIGRAM_WEIGHT * similarity
        )
        .order_by("-rank", "name")
    )


def closest_names(query: str, *, user=None, limit: int = 5):
    """Visible terms whose name or an alias is spelt most like ``query``, for "did you mean"."""
    query = normalise_query(query)
    terms = Term.objects.visible_to(user)
    if not query:
        return []
    if connections[terms.db].vendor == "postgresql":
        best_alias = Subquery(
            Label.objects.filter(term=OuterRef("pk"))
            .annotate(s=TrigramSimilarity("text", query))
            .order_by("-s")
            .values("s")[:1],
            output_field=FloatField(),
        )
        return list(
            terms.annotate(s=Greatest(TrigramSimilarity("name", query), Coalesce(best_alias, Value(0.0))))
            .filter(s__gt=0.1)
            .order_by("-s", "name")[:limit]
        )
    # SQLite is for development: comparing in Python against every name is fine at that size.
    spellings = {}
    for term in terms.prefetch_related("labels"):
        spellings.setdefault(term.name.lower(), term)
        for label in term.labels.all():
            spellings.setdefault(label.text.lower(), term)
    found = []
    for spelling in difflib.get_close_matches(query.lower(), spellings, n=limit * 2, cutoff=0.5):
        if spellings[spelling] not in found:
            found.append(spellings[spelling])
    return found[:limit]


def highlight(text: str, query: str):
    """``text`` escaped, with each word of ``query`` (2+ characters) wrapped in <mark>."""
    words = sorted({w for w in normalise_query(query).split() if len(w) > 1}, key=len, reverse=True)
    if not text or not words:
        return escape(text or "")
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))
