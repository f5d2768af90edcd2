"""Term search shared by the web UI (/search/, /terms/?q=) and the API (?search=).

Interface: `search_terms(query, user=None, queryset=None)` returns a Term queryset annotated
with `rank` (higher is better) and ordered best first. This first version ranks exact name/alias,
then prefix, then substring matches on any backend.
"""

from django.db.models import Case, IntegerField, Q, Value, When

from glossary.models import Term


def search_terms(query: str, *, user=None, queryset=None):
    """Terms matching ``query``, best first, each annotated with ``rank``."""
    query = (query or "").strip()
    terms = queryset if queryset is not None else Term.objects.visible_to(user)
    if not query:
        return terms.none()
    matches = (
        Q(name__icontains=query)
        | Q(aliases__name__icontains=query)
        | Q(short_definition__icontains=query)
        | Q(body__icontains=query)
    )
    ids = terms.filter(matches).values("pk")
    return (
        terms.filter(pk__in=ids)
        .annotate(
            rank=Case(
                When(Q(name__iexact=query) | Q(aliases__name__iexact=query), then=Value(100)),
                When(Q(name__istartswith=query) | Q(aliases__name__istartswith=query), then=Value(50)),
                When(Q(name__icontains=query) | Q(aliases__name__icontains=query), then=Value(20)),
                When(short_definition__icontains=query, then=Value(10)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("-rank", "name")
        .distinct()
    )
