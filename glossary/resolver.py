"""How a name someone typed resolves to a term: the one rule every path uses.

Forms, URLs (`/terms/llm/`), `[[wiki links]]`, the graph explorer, the path and learning-path
pages all call `resolve_names` (or `resolve_name`), so "LLM", "llm", "large-language-model" and
"Large language model" lead to the same term everywhere. In order of precedence, a text matches:

1. a term's slug, exactly;
2. a term's name (its preferred label), ignoring case and surrounding spaces;
3. an alias (alternative label), ignoring case — when several terms share it, the text is
   ambiguous and the caller gets every candidate ("may refer to") instead of an arbitrary one.

Only terms the user may see take part (drafts are for staff).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q


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


def normalise_name(text) -> str:
    """The form names are compared in: stripped, inner spaces collapsed, case folded."""
    return " ".join(str(text or "").split()).casefold()


def resolve_names(texts: Iterable[str], *, user) -> dict[str, Resolution]:
    """Resolve every text at once (a constant number of queries); keyed by `normalise_name`."""
    from glossary.models import Term

    wanted = {normalise_name(t) for t in texts} - {""}
    resolutions = {key: Resolution(key) for key in wanted}
    if not wanted:
        return resolutions
    matches = Q(slug__in=wanted)
    for key in wanted:
        # iexact rather than __in on Lower(): the lookup the case-insensitive name indexes answer.
        matches |= Q(name__iexact=key) | Q(aliases__name__iexact=key)
    # One query: each matching term with the alias that matched (or its aliases, when its name did).
    rows = (
        Term.objects.visible_to(user)
        .filter(matches)
        .values_list("slug", "name", "aliases__name")
        .order_by("name", "slug")
        .distinct()
    )
    by_alias = []
    for slug, name, alias in rows:
        ref = TermRef(slug, name)
        for key in (slug, normalise_name(name)):
            if key in resolutions and resolutions[key].term is None:
                resolutions[key].term = ref
        if alias is not None and normalise_name(alias) in resolutions:
            by_alias.append((normalise_name(alias), alias, ref))
    for key, alias, ref in by_alias:
        resolution = resolutions[key]
        if resolution.term is None and ref not in resolution.candidates:
            resolution.candidates.append(ref)
            resolution.matched = alias
    for resolution in resolutions.values():
        if resolution.term is None and len(resolution.candidates) == 1:
            resolution.term = resolution.candidates[0]
    return resolutions


def resolve_name(text: str, *, user) -> Resolution:
    """`resolve_names` for a single text."""
    key = normalise_name(text)
    return resolve_names([key], user=user).get(key, Resolution(key))
