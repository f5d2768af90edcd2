"""How a name someone typed resolves to a term: the one rule every path uses.

Forms, URLs (`/terms/llm/`), `[[wiki links]]`, the graph explorer, the path and learning-path
pages all call `resolve_names` (or `resolve_name`), so "LLM", "llm", "large-language-model" and
"Large language model" lead to the same term everywhere. In order of precedence, a text matches:

1. a term's slug, exactly, or its concept URI, exactly (``http://…``, ``https://…``, ``urn:…``, as
   kept from a SKOS import or given in the admin or the API);
2. a preferred label in any language, ignoring case and spaces around and between words;
3. an alternative or hidden label, the same way;
4. a term's notation (a thesaurus's code for the concept, ``A02196``, ``006.3``), ignoring case.

At each step current terms come before deprecated ones (a deprecated concept may keep the label
its successor now carries). When several terms remain at the first step that matches — an
alternative label shared by two concepts, say — the text is ambiguous and the caller gets every
candidate ("may refer to") instead of an arbitrary one. Only terms the user may see take part
(drafts are for staff).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from glossary.rules import fold


@dataclass(frozen=True)
class TermRef:
    slug: str
    name: str


@dataclass
class Resolution:
    """What a typed text names: one ``term``, several ``candidates``, or neither."""

    text: str
    term: TermRef | None = None
    candidates: list[TermRef] = field(default_factory=list)
    matched: str = ""  # the label that matched, when it is not the term's name

    @property
    def ambiguous(self) -> bool:
        return self.term is None and len(self.candidates) > 1


# The form names are compared in: stripped, inner spaces collapsed, case folded. The one rule
# (`rules.fold`) that `Label.folded` stores, so a typed name is looked up as it is stored.
normalise_name = fold


URI_SCHEMES = ("http://", "https://", "urn:")


def resolve_names(texts: Iterable[str], *, user) -> dict[str, Resolution]:
    """Resolve every text at once (one query); keyed by `normalise_name`."""
    from glossary.models import Label, LabelKind, Term, TermStatus
    from glossary.search import notation_key

    texts = list(texts)
    wanted = {normalise_name(t) for t in texts} - {""}
    resolutions = {key: Resolution(key) for key in wanted}
    if not wanted:
        return resolutions
    # A URI is compared as written (case matters in it): the key it is answered under, by URI.
    uris = {t.strip(): normalise_name(t) for t in texts if t.strip().lower().startswith(URI_SCHEMES)}
    # The terms named, each found through an index: by slug, by URI, and by a label's folded text
    # (an OR across the join of terms and labels would read both tables whole). Every label of
    # those terms comes back; the loop below keeps the ones that name a wanted text.
    named = (
        Term.objects.filter(slug__in=wanted).order_by().values("pk")
        .union(Label.objects.filter(folded__in=wanted).order_by().values("term_id"))
    )
    if uris:
        named = named.union(Term.objects.filter(uri__in=list(uris)).order_by().values("pk"))
    # By notation through the search's index on it (migration 0025), as the search compares codes.
    coded = Term.objects.filter(notation__ne="").alias(code=notation_key(Term.objects.db)).filter(code__in=wanted)
    named = named.union(coded.order_by().values("pk"))
    rows = (
        Term.objects.visible_to(user)
        .filter(pk__in=named)
        .values_list("slug", "name", "status", "uri", "notation", "labels__text", "labels__folded", "labels__kind")
        .order_by("name", "slug")
        .distinct()
    )
    # (text, rank) → terms; rank 0 slug or URI, then current/deprecated preferred, then other
    # labels, then notations.
    found: dict[tuple[str, int], list[tuple[TermRef, str]]] = {}
    for slug, name, status, uri, notation, text, key, kind in rows:
        ref = TermRef(slug, name)
        deprecated = status == TermStatus.DEPRECATED
        for named_by in (slug, uris.get(uri)):
            if named_by in resolutions:
                found.setdefault((named_by, 0), []).append((ref, ""))
        if notation and fold(notation) in resolutions:
            found.setdefault((fold(notation), 5), []).append((ref, notation))
        if text is not None and key in resolutions:
            rank = (1 if kind == LabelKind.PREFERRED else 3) + deprecated
            found.setdefault((key, rank), []).append((ref, text))
    for key, resolution in resolutions.items():
        for rank in range(6):
            hits = list(dict.fromkeys(found.get((key, rank), [])))
            if not hits:
                continue
            terms = list(dict.fromkeys(ref for ref, _ in hits))
            if len(terms) == 1:
                resolution.term = terms[0]
                label = hits[0][1]
                resolution.matched = "" if label == terms[0].name else label
            else:
                resolution.candidates = terms
            break
    return resolutions


def resolve_name(text: str, *, user) -> Resolution:
    """`resolve_names` for a single text."""
    key = normalise_name(text)
    return resolve_names([text], user=user).get(key, Resolution(key))
