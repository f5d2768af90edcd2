"""Reads of the glossary, shared by the REST API and the web UI.

Every function takes the requesting ``user`` so that drafts stay invisible to anyone but staff,
on every path: lists, details, search, autocomplete, and relations whose either end is a draft.
Querysets come back with what their callers display already joined or prefetched, so the number
of SQL queries does not grow with the number of rows or relations.
"""

import itertools
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db import models
from django.db.models import (
    Case, Count, Exists, F, FilteredRelation, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When,
)
from django.db.models.functions import Coalesce, Lower
from django.shortcuts import get_object_or_404

from glossary import releases, rules
from glossary.changelog import kept_until_next_change
from glossary.language import glossary_languages, language_name, names_in, tags_named_for
from glossary.resolver import resolve_names
from glossary.models import (
    CURRENT, Category, Label, LabelKind, Mapping, Note, NoteKind, Reference, Relation, RelationType, Release, Term,
    TermStatus, default_language, sees_unpublished,
)
from glossary.search import AUTOCOMPLETE_LIMIT, RankedTerms, Result, Scope, search, suggest, terms_of

@dataclass(frozen=True)
class Listed:
    """What terms are listed by for a reader (`with_listed_name`): the field with the name shown,
    the one with its sort key and the one with the letter it is filed under (`rules.name_order`),
    and the language the A–Z index is in."""

    name: str
    key: str
    initial: str
    language: str


def _by_name(key: str, *, descending: bool = False) -> tuple:
    """The A–Z order by ``key`` (a term's sort key, or that of the name it is listed by:
    `with_listed_name`): as readers of the name's language sort, case and accents after letters."""
    return (F(key).desc(), "-pk") if descending else (key, "pk")


# ?ordering= values and the SQL order each one means.
TERM_ORDERINGS = {
    "name": _by_name("sort_key"),
    "-name": _by_name("sort_key", descending=True),
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
    seen = _none_hidden(user, "source", "target")
    relations = Relation.objects.all() if seen is None else Relation.objects.filter(seen)
    return relations.select_related("type", "source", "target")


def _none_hidden(user, *terms: str) -> Q | None:
    """The condition that none of the terms at these paths is hidden from the user; None when no
    term is."""
    hidden = Term.objects.hidden_from(user)
    if hidden.query.is_empty():
        return None
    condition = Q()
    for path in terms:
        condition &= ~Q(**{f"{path}__in": hidden})
    return condition


def index_language(language: str | None) -> str:
    """The language of the A–Z index a reader of ``language`` sees (`with_listed_name`): that of
    the labels terms are listed by, else the glossary's."""
    tags = tags_named_for(language) if language else []
    return tags[0] if tags else default_language()


def with_listed_name(terms: QuerySet, language: str | None) -> tuple[QuerySet, Listed]:
    """``terms`` with what each is listed by, sorted by and filed under in the A–Z index, for a
    reader of ``language``, and those fields (`Listed`): its preferred label in that language as
    the reader's pages show it (`glossary.language.localize`: the tags that serve the reader, best
    first), else its name. In the glossary's own language, or one no term has a name in, the name
    itself (and its indexes) serves (`tags_named_for`). One outer join a tag, each on the
    one-preferred-label-a-language index."""
    tags = tags_named_for(language) if language else []
    if not tags:
        return terms, Listed("name", "sort_key", "initial", index_language(language))
    joins = {f"listed_{i}": FilteredRelation("labels", condition=Q(labels__kind=LabelKind.PREFERRED,
                                                                    labels__language=tag))
             for i, tag in enumerate(tags)}
    fields = {f"listed_{own}": Coalesce(*(F(f"{join}__{label}") for join in joins), own)
              for own, label in (("name", "text"), ("sort_key", "sort_key"), ("initial", "initial"))}
    return (terms.alias(**joins).alias(**fields),
            Listed("listed_name", "listed_sort_key", "listed_initial", index_language(language)))


# ?lacking= of the term lists: what a term lacks, as the quality report counts it.
LACKING = {
    "relations": "no relation to a term you can see",
    "definition": "no short definition",
    "category": "no category",
    "replacement": "no replacement: deprecated, naming no term to use instead",
}
# …or a name or a definition in one language: "name-fr", "definition-pt-BR".
LACKING_IN = ("name", "definition")
LACKING_PATTERN = rf"^({'|'.join(LACKING)}|({'|'.join(LACKING_IN)})-[A-Za-z]{{2,3}}(-[A-Za-z0-9]{{1,8}})*)$"
LACKING_EXPECTED = ("Use relations, definition, category or replacement, or name-<language> or "
                    "definition-<language> with a language tag, e.g. name-fr or definition-pt-BR.")


def lacking_described(what: str) -> str:
    """``?lacking=`` in words: "no relation to a term you can see", "no name in français (fr)"."""
    if what in LACKING:
        return LACKING[what]
    kind, tag = what.split("-", 1)
    return f"no {kind} in {language_name(tag)} ({tag})"


def terms_lacking(terms: QuerySet, what: str, *, user) -> QuerySet:
    """The terms of ``terms`` lacking ``what`` (a key of :data:`LACKING`, or ``name-<tag>`` /
    ``definition-<tag>``) for ``user``: a relation or a replacement only they cannot see is none.
    The one rule for the quality report and the term lists' ``?lacking=``."""
    if what == "relations":
        linked = relations_visible_to(user)
        return terms.exclude(Exists(linked.filter(source=OuterRef("pk")))).exclude(
            Exists(linked.filter(target=OuterRef("pk"))))
    if what == "category":
        return terms.filter(category__isnull=True)
    if what == "replacement":
        return terms.filter(Q(replaced_by__isnull=True) | Q(replaced_by__in=Term.objects.hidden_from(user)),
                            status=TermStatus.DEPRECATED)
    kind, _, tag = what.partition("-")
    if kind == "definition" and (not tag or tag == default_language()):
        return terms.filter(short_definition="")
    if kind == "definition":
        return terms.exclude(Exists(Note.objects.filter(term=OuterRef("pk"), kind=NoteKind.DEFINITION, language=tag)))
    if kind == "name" and tag:
        return terms.exclude(Exists(Label.objects.filter(term=OuterRef("pk"), kind=LabelKind.PREFERRED, language=tag)))
    raise ValueError(f"Nothing to lack: {what!r}")


def term_list(
    *,
    user,
    search: str = "",
    category: str = "",
    status: str = "",
    letter: str = "",
    ordering: str = "",
    language: str | None = None,
    lacking: str = "",
) -> QuerySet | RankedTerms:
    """Terms the user may see, filtered; ranked by relevance when searching, else by ``ordering``.

    ``category`` is a category slug; ``letter`` a single letter or digit (the A–Z index);
    ``lacking`` what the terms lack (`terms_lacking`, as the quality report lists them);
    ``ordering`` one of :data:`TERM_ORDERINGS` (default: by name). With a reader's ``language``,
    the letter and the order by name go by the names in it (`with_listed_name`), as the pages show them.
    """
    if search:
        _, terms = term_search(query=search, user=user, category=category, status=status, letter=letter,
                               lacking=lacking)
        return terms.order_by(*TERM_ORDERINGS[ordering]) if ordering else terms
    terms = Term.objects.visible_to(user, paged_in_order=True)
    if lacking:
        terms = terms_lacking(terms, lacking, user=user)
    if category:
        terms = terms.filter(category__slug__in=with_groups(category))
    if status:
        terms = terms.filter(status=status)
    terms, listed = with_listed_name(terms, language)
    if letter:
        terms = terms.filter(**{listed.initial: rules.letter_asked(letter, listed.language)})
    ordering = ordering or "name"
    if ordering in ("name", "-name"):
        terms = terms.order_by(*_by_name(listed.key, descending=ordering == "-name"))
    else:
        terms = terms.order_by(*TERM_ORDERINGS[ordering])
    return with_labels(terms.select_related("category").prefetch_related(replacement_visible_to(user)))


def with_groups(category: str) -> list[str]:
    """A category slug and the slugs of the categories inside it (`rules.categories_inside`):
    what ``?category=`` selects everywhere. Read once until the next change."""
    parents = kept_until_next_change(
        "category-parents", lambda: dict(Category.objects.values_list("slug", "parent__slug")))
    return sorted(rules.categories_inside(parents, [category]))


def term_search(*, query: str, user, category: str = "", status: str = "", letter: str = "",
                lacking: str = "") -> tuple[Result, RankedTerms]:
    """The search's ranked result and its terms in that order, with what a list shows of each.

    The filters apply while searching, so a narrow filter still gets all of its matches; what the
    terms lack (`terms_lacking`) is asked of the ranked hits.
    """
    categories = tuple(with_groups(category)) if category else ()
    result = search(query, scope=Scope(user=user, categories=categories, status=status, letter=letter))
    if lacking and result.hits:
        kept = set(terms_lacking(Term.objects.filter(pk__in=result.ids), lacking, user=user).values_list("pk", flat=True))
        result = replace(result, hits=[hit for hit in result.hits if hit.term_id in kept])
    return result, terms_of(result, user=user).map_terms(
        lambda terms: with_labels(terms.select_related("category").prefetch_related(replacement_visible_to(user)))
    )


def with_labels(terms: QuerySet) -> QuerySet:
    """``terms`` with what a list shows of each in any language: labels and definitions (2 queries)."""
    return terms.prefetch_related(
        Prefetch("labels", queryset=Label.objects.order_by("language", "kind", Lower("text"))),
        Prefetch("notes", queryset=Note.objects.filter(kind="definition"), to_attr="reader_definitions"),
    )


def term_detail_queryset(*, user, terms: QuerySet | None = None) -> QuerySet:
    """``terms`` (default: those the user may see) with all the detail view shows, in 10 queries
    (11 when one has a replacement).

    ``relations_out`` and ``relations_in`` hold only relations whose other end the user may see,
    with that end's preferred labels (its name in every language); ``replaced_by`` is None when
    the replacement is a draft the user may not see.
    """
    visible = relations_visible_to(user)
    preferred_labels = Label.objects.filter(kind="preferred")
    terms = terms if terms is not None else Term.objects.visible_to(user)
    return terms.select_related("category__parent").prefetch_related(
        replacement_visible_to(user),
        Prefetch("labels", queryset=Label.objects.order_by("language", "kind", Lower("text"))),
        Prefetch("notes", queryset=Note.objects.order_by("kind", "language", "pk")),
        Prefetch("mappings", queryset=Mapping.objects.order_by("kind", "uri")),
        Prefetch("relations_out", queryset=visible.order_by("type__slug", "target__sort_key").prefetch_related(
            Prefetch("target__labels", queryset=preferred_labels))),
        Prefetch("relations_in", queryset=visible.order_by("type__slug", "source__sort_key").prefetch_related(
            Prefetch("source__labels", queryset=preferred_labels))),
        Prefetch("references", queryset=Reference.objects.order_by("title")),
    )


def term_get(*, slug: str, user) -> Term:
    """The term with this slug, fully prefetched, or Http404 (also for a draft the user may not see)."""
    return get_object_or_404(term_detail_queryset(user=user), slug=slug)


def term_reload(*, term: Term, user) -> Term:
    """``term`` read again with its details, whatever its status: its editor sees what they wrote."""
    return term_detail_queryset(user=user, terms=Term.objects.all()).get(pk=term.pk)


def terms_replaced_by(*, term: Term, user) -> QuerySet:
    """The deprecated terms that name ``term`` as their replacement, for its page ("replaces Bard")."""
    return Term.objects.visible_to(user).filter(replaced_by=term).order_by("sort_key", "pk")


def term_autocomplete(*, query: str, user, limit: int = AUTOCOMPLETE_LIMIT, language: str | None = None) -> list[dict]:
    """Up to ``limit`` suggestions ``{slug, name, matched}``: the search's rules on labels only.

    ``matched`` is the label that matched (any language; never a hidden one), else the name.
    With a reader's ``language``, ``name`` is the term's name in it where it has one (one more
    query; none in the glossary's own language), as on every page the reader then opens.
    """
    suggestions = suggest(query, user=user, limit=limit)
    if language and suggestions:
        names = names_in(language, {item["slug"] for item in suggestions})
        for item in suggestions:
            item["name"] = names.get(item["slug"], item["name"])
    return suggestions


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


def _count_of(rows: QuerySet, column: str, user, *terms: str):
    """The number of ``rows`` whose ``column`` is the outer row, less those with a term the user
    may not see at one of the paths ``terms``, as a subquery.

    A subquery rather than a join and GROUP BY: the list's count of types or categories (the
    paginator's) then reads those rows alone, not every relation or term (230 ms at 500,000
    relations). Counted as all rows less the hidden ones rather than "the rows none of whose
    ends is hidden": the first is COUNT(*) over one index range, which PostgreSQL reads from the
    index alone, and hidden terms are few, their rows found through them; the second reads
    every row of the range from the table (335 ms for 19 types at 500,000 relations).
    """

    def counted(**conditions):
        rows_here = rows.filter(**conditions, **{column: OuterRef("pk")})
        return Coalesce(Subquery(rows_here.order_by().values(column).annotate(n=Count("*")).values("n")), 0)

    total = counted()
    hidden = Term.objects.hidden_from(user)
    if hidden.query.is_empty():
        return total
    # Inclusion–exclusion over the paths, each term as its own IN: rows with a hidden term at
    # some path = Σ over non-empty sets of paths of (−1)^(size+1) × rows hidden at all of them.
    for size in range(1, len(terms) + 1):
        for paths in itertools.combinations(terms, size):
            part = counted(**{f"{path}__in": hidden for path in paths})
            total = total - part if size % 2 else total + part
    return total


def until_next_change(name: str, *, user, compute):
    """``compute()`` for the user's audience (readers or staff), kept until the next change.

    For what the pages count over the whole glossary (totals, the A–Z letters, the categories'
    counts): a signed-in reader, whose pages are never cached whole, no longer pays for those
    counts on every request (at 100,000 terms, most of a page's time).
    """
    audience = "staff" if sees_unpublished(user) else "public"
    return kept_until_next_change(f"glossary-{name}:{audience}", compute)


def glossary_totals(*, user) -> dict[str, int]:
    """How many terms, relations and references the user may see (the home page's figures)."""

    def count():
        visible = Term.objects.visible_to(user)
        return {
            "terms": visible.count(),
            "relations": relations_visible_to(user).count(),
            "references": Reference.objects.filter(terms__in=visible).distinct().count(),
        }

    return until_next_change("totals", user=user, compute=count)


def language_coverage(*, user, language: str | None = None, sample: int = 12) -> list[dict]:
    """For each language the glossary names terms in (`glossary_languages`, its own first): how
    many of the terms ``user`` may see have a preferred label in it and a definition in it, and the
    first ``sample`` of those without a preferred label in it (`first_listed` for a reader of
    ``language``): the quality report's table.

    A definition in the glossary's own language is the term's ``short_definition``; in another,
    a definition note in it. Counted once per audience, listed once per audience and reader's
    language, until the next change.
    """

    def count():
        visible = Term.objects.visible_to(user)
        total = visible.count()
        own = default_language()
        named = dict(Label.objects.filter(kind=LabelKind.PREFERRED, term__in=visible).order_by()
                     .values_list("language").annotate(n=Count("pk")))
        defined = dict(Note.objects.filter(kind=NoteKind.DEFINITION, term__in=visible).order_by()
                       .values_list("language").annotate(n=Count("term", distinct=True)))
        defined[own] = total - terms_lacking(visible, "definition", user=user).count()
        return [{"tag": tag, "name": language_name(tag), "own": tag == own, "total": total,
                 "named": named.get(tag, 0), "defined": defined.get(tag, 0)} for tag in glossary_languages()]

    def unnamed(rows):
        visible = Term.objects.visible_to(user)
        return {row["tag"]: first_listed(terms_lacking(visible, f"name-{row['tag']}", user=user), language, sample)
                for row in rows if row["named"] < row["total"]}  # else none lacks it

    rows = until_next_change("language-coverage", user=user, compute=count)
    lacking = until_next_change(f"language-coverage-{sample}-{language or ''}", user=user, compute=lambda: unnamed(rows))
    return [{**row, "lacking": lacking.get(row["tag"], [])} for row in rows]


def in_listed_order(terms: QuerySet, language: str | None) -> QuerySet:
    """``terms`` A–Z as the term list orders them for a reader of ``language`` (`with_listed_name`)."""
    terms, listed = with_listed_name(terms, language)
    return terms.order_by(*_by_name(listed.key))


def first_listed(terms: QuerySet, language: str | None, sample: int) -> list[tuple[str, str]]:
    """The first ``sample`` of ``terms`` as (slug, name), in the reader's order (`in_listed_order`),
    so a sample and the list it links to agree."""
    return list(in_listed_order(terms, language).values_list("slug", "name")[:sample])


def lacking_listed(*, user, language: str | None = None, sample: int = 40) -> dict[str, tuple[int, list]]:
    """For each of :data:`LACKING`: how many terms ``user`` may see lack it (`terms_lacking`), and
    the first ``sample`` of them (`first_listed` for ``language``) — the quality report's lists.
    Counted once per audience, listed once per audience and language, until the next change."""

    def lacking(what):
        return terms_lacking(Term.objects.visible_to(user), what, user=user)

    counts = until_next_change("lacking-counts", user=user, compute=lambda: {what: lacking(what).count() for what in LACKING})
    listed = until_next_change(f"lacking-{sample}-{language or ''}", user=user,
                               compute=lambda: {what: first_listed(lacking(what), language, sample) for what in LACKING})
    return {what: (counts[what], listed[what]) for what in LACKING}


# How many labels held by several terms `ambiguous_names` asks the resolver about, at most.
SHARED_LABELS_CHECKED = 2000


def ambiguous_names(*, user, sample: int = 40) -> dict:
    """The names that lead a reader to a "may refer to" page: labels that `resolver.resolve_names`
    (the one rule) finds on several terms the user may see — how many, and the first ``sample``
    A–Z with their terms. At most :data:`SHARED_LABELS_CHECKED` labels held by several terms are
    asked about (``capped``). Kept once per audience until the next change."""

    def compute():
        shared = (Label.objects.filter(term__in=Term.objects.visible_to(user)).order_by().values("folded")
                  .annotate(terms=Count("term", distinct=True)).filter(terms__gt=1).order_by("folded")
                  .values_list("folded", flat=True))
        keys = list(shared[:SHARED_LABELS_CHECKED])
        found = []
        for start in range(0, len(keys), 500):
            found += [r for r in resolve_names(keys[start:start + 500], user=user).values() if r.ambiguous]
        found.sort(key=lambda r: r.text)
        shown = dict(Label.objects.filter(folded__in=[r.text for r in found[:sample]]).order_by()
                     .values_list("folded").annotate(text=Min("text")))
        return {
            "count": len(found), "capped": len(keys) == SHARED_LABELS_CHECKED,
            "names": [{"text": shown.get(r.text, r.text), "terms": [(t.slug, t.name) for t in r.candidates]}
                      for r in found[:sample]],
        }

    return until_next_change(f"ambiguous-names-{sample}", user=user, compute=compute)


def shared_notations(*, user, language: str | None = None, sample: int = 40) -> dict | None:
    """Notations (codes) held by several terms ``user`` may see, compared as the search compares
    them (ignoring case; `search` finds them all for the code): how many, and the first
    ``sample`` in code order, each as written and with its terms A–Z for a reader of ``language``
    (`in_listed_order`). A code that names several concepts names none (qSKOS's "ambiguous
    notation references"). None when no term the user may see has a notation. Kept once per
    audience and language until the next change."""

    def compute():
        coded = Term.objects.visible_to(user).exclude(notation="").order_by()
        if not coded.exists():
            return None
        # Shared codes are few in any scheme worth its name: all of them, in one pass, to count.
        shared = list(coded.values(code=Lower("notation")).annotate(n=Count("pk")).filter(n__gt=1)
                      .order_by("code").values_list("code", flat=True))
        codes = shared[:sample]
        rows = {}
        holders = in_listed_order(coded.annotate(code=Lower("notation")).filter(code__in=codes), language)
        for slug, name, notation, code in holders.values_list("slug", "name", "notation", "code"):
            rows.setdefault(code, []).append((slug, name, notation))
        return {"count": len(shared),
                "notations": [{"text": min(n for *_, n in rows[code]), "terms": [(slug, name) for slug, name, _ in rows[code]]}
                              for code in codes if code in rows]}

    return until_next_change(f"shared-notations-{sample}-{language or ''}", user=user, compute=compute)


def initials_used(*, user, language: str | None = None) -> tuple[set[str], str]:
    """The letters (`rules.initial_of`) the names of the terms the user may see are filed under,
    and the language of that index; with a reader's ``language``, the names in it
    (`with_listed_name`)."""
    terms, listed = with_listed_name(Term.objects.visible_to(user).order_by(), language)

    def read():
        # Without the model's ordering, which DISTINCT would otherwise apply to every name.
        filed = terms.annotate(filed_under=F(listed.initial)).values_list("filed_under", flat=True)
        return set(filed.distinct()) - {""}

    key = "initials" if listed.name == "name" else f"initials-{language.lower()}"
    return until_next_change(key, user=user, compute=read), listed.language


def categories_counted(*, user) -> list[Category]:
    """`category_list` read whole, for the pages and the API list that show every category with its count."""
    return until_next_change("categories", user=user, compute=lambda: list(category_list(user=user)))


def relation_types_counted(*, user) -> list[RelationType]:
    """`relation_type_list` read whole, for the API's list of types with their counts."""
    return until_next_change("relation-types", user=user, compute=lambda: list(relation_type_list(user=user)))


def relations_of_type_counted(*, user):
    """A relation type's number of relations the user may see: an expression to annotate types with."""
    return _count_of(Relation.objects, "type", user, "source", "target")


def terms_of_category_counted(*, user):
    """A category's number of terms the user may see: an expression to annotate categories with."""
    return _count_of(Term.objects, "category", user, "pk")


def with_relation_counts(terms: QuerySet, *, user) -> QuerySet:
    """``terms`` with ``out_count`` and ``in_count``: the relations from and to each term whose other
    end the user may see. Counted for the rows read only (an index range each), so a page of
    terms costs a page of counts, not a join of every term with every relation (1.4 s at 100,000
    terms / 500,000 relations)."""
    return terms.annotate(out_count=_count_of(Relation.objects, "source", user, "target"),
                          in_count=_count_of(Relation.objects, "target", user, "source"))


def relation_type_list(*, user) -> QuerySet:
    """Relation types with the number of relations of each that the user may see."""
    return RelationType.objects.annotate(relation_count=relations_of_type_counted(user=user)).order_by("slug")


def category_list(*, user) -> QuerySet:
    """Categories with the number of terms in each that the user may see."""
    return (Category.objects.annotate(term_count=terms_of_category_counted(user=user))
            .prefetch_related("parent").order_by("name"))  # the parents in a query of their own, not a join


def terms_found(text: str, *, user) -> list[int]:
    """The ids of the terms a curator's search box finds for ``text``, best first: a term whose slug
    or URI is exactly the text, then the search's hits (`search.search`: labels in every language,
    names, notations, definitions; up to its `MAX_RESULTS`). Each is an index look-up, never a
    scan for the text inside every row."""
    text = text.strip()
    if not text:
        return []
    visible = Term.objects.visible_to(user).order_by()
    exact = visible.filter(Q(slug=text) | Q(uri=text)).values_list("pk", flat=True)
    ids = list(exact)
    seen = set(ids)
    ids += [pk for pk in search(text, scope=Scope(user=user)).ids if pk not in seen]
    return ids


def reference_list(*, user) -> QuerySet:
    """References the user may see, with the slugs of the terms the user may see prefetched.

    A reference attached only to drafts is as hidden as they are; one attached to nothing is public.
    """
    terms = Term.objects.visible_to(user).only("pk", "slug").order_by("slug")
    links = Reference.terms.through.objects.filter(reference=OuterRef("pk"))
    references = Reference.objects.filter(~Exists(links) | Exists(links.filter(term__in=terms)))
    return references.prefetch_related(Prefetch("terms", queryset=terms)).order_by("title", "pk")


class TermChange(models.TextChoices):
    """What last happened to a term, as the change list tells it."""

    CREATED = "created", "Created"
    MODIFIED = "modified", "Modified"
    DEPRECATED = "deprecated", "Deprecated"


# A term saved again more than this long after it was created reads as "modified". Saves within
# it belong to its creation: the admin writes the term and then its labels, an import stamps both
# times alike, and a curator fixing a typo at once has not changed the term for its readers.
MODIFIED_AFTER = timedelta(minutes=10)


def term_changes(*, category: str = "", since: datetime | None = None, until: datetime | None = None) -> QuerySet:
    """Public terms as the glossary's recent changes, newest first; the one query behind
    /changes/, its Atom feed and /api/changes/.

    A term appears once, for its latest change, at ``updated_at``: ``change`` is "deprecated" for
    a deprecated term, "modified" when it was saved again more than :data:`MODIFIED_AFTER` after
    it was first published (its creation, for terms from before publication was recorded and for
    terms published here after their last change, as an import's), else "created": a draft
    published today is new today. Drafts (any status outside the public ones) never appear, not
    even to staff: this is the record of what readers can see. ``since`` is exclusive ("after"),
    ``until`` inclusive; ``category`` a category slug. Each term comes with its category, labels
    and definitions, and its replacement (a public one only) with its preferred labels.
    """
    # Published here after its last change (an import keeps a thesaurus's dct:created and
    # dct:modified): judged by its own creation, as its source dates it.
    since_new = Case(When(published_at__lte=F("updated_at") + MODIFIED_AFTER, then=F("published_at")),
                     default=F("created_at"))
    terms = Term.objects.public(paged_in_order=True).annotate(change=Case(
        When(status=TermStatus.DEPRECATED, then=Value(TermChange.DEPRECATED)),
        When(updated_at__gt=since_new + MODIFIED_AFTER, then=Value(TermChange.MODIFIED)),
        default=Value(TermChange.CREATED),
        output_field=models.CharField(),
    ))
    if category:
        terms = terms.filter(category__slug__in=with_groups(category))
    if since is not None:
        terms = terms.filter(updated_at__gt=since)
    if until is not None:
        terms = terms.filter(updated_at__lte=until)
    replacements = Term.objects.public().prefetch_related(
        Prefetch("labels", queryset=Label.objects.filter(kind=LabelKind.PREFERRED))
    )
    return with_labels(
        terms.select_related("category")
        .prefetch_related(Prefetch("replaced_by", queryset=replacements))
        .order_by("-updated_at", "-pk")
    )


# Releases -----------------------------------------------------------------------------------


def release_list() -> QuerySet:
    """Releases, newest first, without their manifests (lists never unpack them)."""
    return Release.objects.select_related("created_by").defer("manifest")


def release_get(*, name: str) -> Release:
    """The release of that name, in any case; 404 if none."""
    return get_object_or_404(Release.objects.select_related("created_by"), name__iexact=name)


def release_previous(*, release: Release) -> Release | None:
    """The release made just before ``release``."""
    earlier = Q(created_at__lt=release.created_at) | Q(created_at=release.created_at, pk__lt=release.pk)
    return release_list().filter(earlier).first()


def release_side(*, name: str) -> releases.Side:
    """One end of a comparison by name: a release, or "current" for the public glossary now."""
    if name.lower() == CURRENT:
        return releases.current_side()
    return releases.release_side(release_get(name=name))


def release_diff(*, old: str, new: str) -> releases.ReleaseDiff:
    """What changed between two releases (either may be "current"); 404 for an unknown name."""
    if old.lower() == new.lower():
        side = release_side(name=old)
        return releases.diff_sides(side, side)
    # A release first: the glossary now is then cut into entries against it.
    named = [name for name in (old, new) if name.lower() != CURRENT]
    sides = {name: releases.release_side(release_get(name=name)) for name in named}
    for name in (old, new):
        if name not in sides:
            sides[name] = releases.current_side(against=sides[named[0]])
    return releases.diff_sides(sides[old], sides[new])
