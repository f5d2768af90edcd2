"""Reads of the glossary, shared by the REST API and the web UI.

Every function takes the requesting ``user`` so that drafts stay invisible to anyone but staff,
on every path: lists, details, search, autocomplete, and relations whose either end is a draft.
Querysets come back with what their callers display already joined or prefetched, so the number
of SQL queries does not grow with the number of rows or relations.
"""

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Length, Lower, Substr, Upper
from django.shortcuts import get_object_or_404

from glossary.models import Alias, Category, Reference, Relation, RelationType, Term
from glossary.search import search_terms

AUTOCOMPLETE_LIMIT = 10

# ?ordering= values and the SQL order each one means; the name sorts ignoring case, like the A–Z index.
TERM_ORDERINGS = {
    "name": (Lower("name"), "pk"),
    "-name": (Lower("name").desc(), "-pk"),
    "updated_at": ("updated_at", "pk"),
    "-updated_at": ("-updated_at", "-pk"),
    "created_at": ("created_at", "pk"),
    "-created_at": ("-created_at", "-pk"),
}


def replacement_visible_to(user) -> Prefetch:
    """Prefetch ``replaced_by`` among the terms the user may see: a draft replacement reads as None."""
    return Prefetch("replaced_by", queryset=Term.objects.visible_to(user))


def relations_visible_to(user) -> QuerySet:
    """Relations whose source and target the user may both see, with their type and ends joined."""
    visible = Term.objects.visible_to(user)
    return Relation.objects.filter(source__in=visible, target__in=visible).select_related(
        "type", "source", "target"
    )


def term_list(
    *,
    user,
    search: str = "",
    category: str = "",
    status: str = "",
    letter: str = "",
    ordering: str = "",
) -> QuerySet:
    """Terms the user may see, filtered; ranked by relevance when searching, else by ``ordering``.

    ``category`` is a category slug; ``letter`` a single letter or digit (the A–Z index);
    ``ordering`` one of :data:`TERM_ORDERINGS` (default: by name).
    """
    terms = Term.objects.visible_to(user)
    if category:
        terms = terms.filter(category__slug=category)
    if status:
        terms = terms.filter(status=status)
    if letter:
        terms = terms.annotate(initial=Upper(Substr("name", 1, 1))).filter(initial=letter.upper())
    if search:
        terms = search_terms(search, user=user, queryset=terms)
        if ordering:
            terms = terms.order_by(*TERM_ORDERINGS[ordering])
    else:
        terms = terms.order_by(*TERM_ORDERINGS[ordering or "name"])
    return terms.select_related("category").prefetch_related(
        replacement_visible_to(user),
        Prefetch("aliases", queryset=Alias.objects.order_by(Lower("name"))),
    )


def term_detail_queryset(*, user, terms: QuerySet | None = None) -> QuerySet:
    """``terms`` (default: those the user may see) with all the detail view shows, in 6 queries.

    ``relations_out``, ``relations_in`` and ``replaced_by`` hold only terms the user may see.
    """
    visible = relations_visible_to(user)
    terms = terms if terms is not None else Term.objects.visible_to(user)
    return terms.select_related("category").prefetch_related(
        replacement_visible_to(user),
        Prefetch("aliases", queryset=Alias.objects.order_by(Lower("name"))),
        Prefetch("relations_out", queryset=visible.order_by("type__slug", Lower("target__name"))),
        Prefetch("relations_in", queryset=visible.order_by("type__slug", Lower("source__name"))),
        Prefetch("references", queryset=Reference.objects.order_by("title")),
    )


def term_get(*, slug: str, user) -> Term:
    """The term with this slug, fully prefetched, or Http404 (also for a draft the user may not see)."""
    return get_object_or_404(term_detail_queryset(user=user), slug=slug)


def term_reload(*, term: Term, user) -> Term:
    """``term`` read again with its details, whatever its status: its editor sees what they wrote."""
    return term_detail_queryset(user=user, terms=Term.objects.all()).get(pk=term.pk)


def term_autocomplete(*, query: str, user, limit: int = AUTOCOMPLETE_LIMIT) -> list[dict]:
    """Up to ``limit`` suggestions ``{slug, name, matched}`` whose name or an alias starts with ``query``.

    One SQL query (a UNION of names and aliases). Exact matches come first, then shorter ones;
    a term matched both by its name and by an alias appears once, showing its name.
    """
    query = query.strip()
    if not query:
        return []
    visible = Term.objects.visible_to(user)

    def ranked(matched_field):
        return {
            "matched": F(matched_field),
            "inexact": Case(When(**{f"{matched_field}__iexact": query}, then=0), default=1),
            "length": Length(matched_field),
        }

    by_name = (
        visible.filter(name__istartswith=query)
        .values_list("slug", "name")
        .annotate(**ranked("name"), via_alias=Value(0))
        .order_by()
    )
    by_alias = (
        Alias.objects.filter(term__in=visible, name__istartswith=query)
        .values_list("term__slug", "term__name")
        .annotate(**ranked("name"), via_alias=Value(1))
        .order_by()
    )
    # Twice the limit: a term can come back once by its name and once by an alias.
    rows = by_name.union(by_alias, all=True).order_by("inexact", "length", "via_alias", "matched")[: 2 * limit]
    suggestions = {}  # slug → suggestion, in rank order of the term's best row
    for slug, name, matched, _inexact, _length, via_alias in rows:
        if slug not in suggestions or not via_alias:
            suggestions[slug] = {"slug": slug, "name": name, "matched": matched}
    return list(suggestions.values())[:limit]


def relation_list(*, user, source: str = "", target: str = "", type: str = "") -> QuerySet:
    """Relations the user may see (both ends visible), filtered by term and type slugs."""
    relations = relations_visible_to(user)
    if source:
        relations = relations.filter(source__slug=source)
    if target:
        relations = relations.filter(target__slug=target)
    if type:
        relations = relations.filter(type__slug=type)
    return relations.order_by("pk")


def relation_type_list(*, user) -> QuerySet:
    """Relation types with the number of relations of each that the user may see."""
    visible = Term.objects.visible_to(user)
    seen = Q(relations__source__in=visible, relations__target__in=visible)
    return RelationType.objects.annotate(relation_count=Count("relations", filter=seen)).order_by("slug")


def category_list(*, user) -> QuerySet:
    """Categories with the number of terms in each that the user may see."""
    visible = Term.objects.visible_to(user)
    return Category.objects.annotate(
        term_count=Count("terms", filter=Q(terms__in=visible), distinct=True)
    ).order_by("name")


def reference_list(*, user) -> QuerySet:
    """References the user may see, with the slugs of the terms the user may see prefetched.

    A reference attached only to drafts is as hidden as they are; one attached to nothing is public.
    """
    terms = Term.objects.visible_to(user).only("pk", "slug").order_by("slug")
    links = Reference.terms.through.objects.filter(reference=OuterRef("pk"))
    references = Reference.objects.filter(~Exists(links) | Exists(links.filter(term__in=terms)))
    return references.prefetch_related(Prefetch("terms", queryset=terms)).order_by("title", "pk")
