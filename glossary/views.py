"""Server-rendered pages: home, the A–Z term list, term pages, categories and search.

Reads go through `glossary.selectors` (drafts stay hidden from anyone but staff) and
`glossary.search`; the views validate query parameters with small forms, so bad input gets a
400 page naming the parameter instead of an error.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from glossary import rules, selectors
from glossary.markup import render_markdown
from glossary.resolver import URI_SCHEMES, resolve_name
from glossary.rules import INDEX_INITIAL, letter_asked
from glossary.exchange.uris import base_uri_for
from glossary.language import best_tag, category_name, language_name, localize, reader_language
from glossary.models import (
    PUBLIC_STATUSES, Category, NoteKind, Scheme, Term, TermStatus, default_language, hex_color,
)
from glossary.search import highlight, more_may_match, normalise_query, search_key

FAVICON = Path(__file__).resolve().parent / "static" / "glossary" / "favicon.ico"
PAGE_SIZE = 25
RECENT_COUNT = 8
# The path page belongs to the graph app; its address is fixed by the design (DESIGN.md §3).
GRAPH_PATH_URL = "/graph/path/"


class SearchTextField(forms.CharField):
    """Whatever was typed is a query: control characters (NUL too) become spaces, long text is cut."""

    def to_python(self, value):
        return normalise_query(super().to_python(value))


class TermFilterForm(forms.Form):
    q = SearchTextField(required=False)
    category = forms.SlugField(required=False, max_length=100)
    letter = forms.RegexField(
        required=False, regex=INDEX_INITIAL,
        error_messages={"invalid": "Use a letter of the A–Z index, a digit or another character."},
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *TermStatus.choices])
    lacking = forms.RegexField(required=False, regex=selectors.LACKING_PATTERN, max_length=40,
                               error_messages={"invalid": selectors.LACKING_EXPECTED})


def _safe_color(value: str) -> str:
    """Colours go into style attributes; fixtures skip model validation, so check them again."""
    return value if hex_color.regex.match(value or "") else "#64748b"


def _with_safe_colors(categories):
    categories = list(categories)
    for category in categories:
        category.safe_color = _safe_color(category.color)
    return categories


def _in_readers_order(categories, request) -> list:
    """``categories`` in the order of the names the reader sees them by (`category_name`)."""
    language = reader_language(request)
    # As the reader's language sorts: "école" with the e in French; "Äpplen" after Z in Swedish.
    return sorted(categories, key=lambda c: (rules.sort_key(category_name(c, language), language), c.pk))


def _with_hosts(references):
    """Each reference with its host shown, and a link only to http(s) addresses."""
    references = list(references)
    for ref in references:
        parts = urlsplit(ref.url)
        ref.host = parts.hostname or ""
        ref.safe_url = ref.url if parts.scheme in ("http", "https") else ""
    return references


def _page(request, items):
    """One page of terms, each with its words in the reader's language (`localize`).

    ``term.shown`` holds the localized name and definition, ``term.shown_labels`` the
    alternative labels in the language the name is shown in.
    """
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    language = reader_language(request)
    for term in page:
        term.shown = localize(term, language)
        # `replaced_by` is prefetched among the terms the reader may see: a draft one is None.
        term.replacement = term.replaced_by if term.status == TermStatus.DEPRECATED else None
        term.shown_labels = [
            label for label in term.labels.all()
            if label.kind == "alternative" and label.language == term.shown.name_language
        ]
    return page


def _query_without_page(request) -> str:
    params = [(k, v) for k, v in request.GET.items() if k != "page" and v]
    return urlencode(params)


def _bad_request(request, form):
    return render(request, "glossary/bad_request.html", {"form": form}, status=400)


def _initials(request) -> list[dict]:
    """The A–Z index: every letter of the index's language (A–Z; then Å, Ä, Ö in Swedish; А–Я in
    Russian), with whether any visible term is filed under it; then the other letters names are
    filed under (Λ, Ж …), digits, and any other character a name starts with (a quotation mark)."""
    used, language = selectors.initials_used(user=request.user, language=reader_language(request))
    own = rules.alphabet(language)
    letters = [*own, *rules.initials_in_order(used.difference(own), language)]
    # The other letters start a row of their own: a Greek Ε or Cyrillic Е beside the Latin E would
    # look like the same letter twice.
    return [{"letter": letter, "enabled": letter in used, "starts_row": i == len(own)}
            for i, letter in enumerate(letters)]


def home(request):
    totals = selectors.glossary_totals(user=request.user)
    scheme = Scheme.current()  # the vocabulary this glossary is, when it was given a title
    recent = with_change_labels(selectors.term_changes()[:RECENT_COUNT], reader_language(request))
    return render(
        request,
        "glossary/home.html",
        {
            "initials": _initials(request),
            # The top of the tree: a thesaurus's domains, each counting its groups' terms too.
            "categories": _with_safe_colors([c for c in _with_groups(_in_readers_order(
                selectors.categories_counted(user=request.user), request)) if c.total]),
            "totals": totals,
            "recent": recent,
            "scheme_title": scheme.title and category_name({"name": scheme.title, "names": scheme.titles},
                                                           reader_language(request)),
            "scheme": scheme,
        },
    )


def term_list(request):
    form = TermFilterForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, form)
    filters = form.cleaned_data
    if not (request.user.is_active and request.user.is_staff):
        filters["status"] = ""
    terms = selectors.term_list(
        user=request.user,
        search=filters["q"],
        category=filters["category"],
        status=filters["status"],
        letter=filters["letter"],
        language=reader_language(request),
        lacking=filters["lacking"],
    )
    categories = _in_readers_order(selectors.categories_counted(user=request.user), request)
    _with_groups(categories)
    category = next((c for c in categories if c.slug == filters["category"]), None) if filters["category"] else None
    return render(
        request,
        "glossary/term_list.html",
        {
            "form": form,
            "page": _page(request, terms),
            "query_string": _query_without_page(request),
            "initials": _initials(request),
            "letter": letter_asked(filters["letter"] or "", selectors.index_language(reader_language(request))),
            "category": category,
            "categories": categories,
            "status_choices": status_choices(request.user),
            "lacking": selectors.lacking_described(filters["lacking"]) if filters["lacking"] else "",
            "more_results": more_may_match(terms),
        },
    )


def status_choices(user) -> list[tuple[str, str]]:
    """The statuses a status filter offers: those of the terms the user may see."""
    if user.is_active and user.is_staff:
        return TermStatus.choices
    return [(value, label) for value, label in TermStatus.choices if value in PUBLIC_STATUSES]


@dataclass
class RelationGroup:
    """Relations of one type seen from one term: "is a" outgoing, "has subtype" incoming."""

    label: str
    type_slug: str
    color: str
    description: str
    direction: str
    terms: list = field(default_factory=list)


def group_relations(term, language=None) -> list[RelationGroup]:
    """The term's relations grouped by type and direction; incoming ones under the inverse label.

    A symmetric relation is stored once but read the same both ways, so its two directions
    share one group. Other terms are named in ``language`` (default: the glossary's).
    """
    language = language or default_language()
    groups: dict[tuple, RelationGroup] = {}
    sides = [(r, r.target, "out") for r in term.relations_out.all()]
    sides += [(r, r.source, "in") for r in term.relations_in.all()]
    for relation, other, direction in sides:
        rtype = relation.type
        if rtype.symmetric:
            direction = "both"
        label = rtype.inverse_label if direction == "in" else rtype.label
        key = (rtype.slug, direction)
        if key not in groups:
            groups[key] = RelationGroup(label, rtype.slug, _safe_color(rtype.color), rtype.description, direction)
        shown = localize(other, language)
        groups[key].terms.append({"term": other, "note": relation.note, "name": shown.name,
                                  "order": (rules.sort_key(shown.name, shown.name_language), other.pk)})
    for group in groups.values():
        group.terms.sort(key=lambda item: item["order"])
    return sorted(groups.values(), key=lambda g: (g.direction == "in", g.label.lower()))


def resolve_or_redirect(request, text, url_name):
    """A URL that names a term by a name or alias instead of its slug (`/terms/llm/`).

    Redirects to the same page of the term the resolver finds (the query string kept); a label
    several terms share gets a "may refer to" page listing them; anything else is a 404.
    """
    if "\x00" in text:  # a URL path may hold one (queries are refused earlier); PostgreSQL refuses it
        raise Http404("No term by that name.")
    resolution = resolve_name(text, user=request.user)
    if resolution.term is not None:
        url = reverse(url_name, kwargs={"slug": resolution.term.slug})
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    if resolution.ambiguous:
        candidates = [
            {"name": ref.name, "url": reverse(url_name, kwargs={"slug": ref.slug})} for ref in resolution.candidates
        ]
        return render(request, "glossary/may_refer_to.html", {"text": text, "matched": resolution.matched,
                                                              "candidates": candidates})
    raise Http404("No term by that name.")


def term_by_name(request, name):
    """`/terms/<anything that is not a slug>/`, e.g. a name with spaces: resolved like any other name."""
    return resolve_or_redirect(request, name, "glossary:term-detail")


@dataclass
class LanguageLabels:
    """A term's shown labels in one language (hidden labels are for search only)."""

    language: str
    name: str
    preferred: list = field(default_factory=list)
    alternative: list = field(default_factory=list)
    definitions: list = field(default_factory=list)


# Notes a reader sees, in this order; editorial and change notes are for curators.
READER_NOTES = ("scope_note", "example", "note", "history_note")
CURATOR_NOTES = ("editorial_note", "change_note")


def labels_by_language(term, language: str) -> tuple[list, list]:
    """(alternative labels in the reader's language, the other languages' labels and definitions)."""
    own = default_language()
    groups: dict[str, LanguageLabels] = {}
    for label in term.labels.all():
        if label.kind == "hidden":
            continue
        group = groups.setdefault(label.language, LanguageLabels(label.language, language_name(label.language) if label.language else "no language"))
        getattr(group, label.kind).append(label)
    for note in term.notes.all():
        if note.kind == "definition" and note.language in groups:
            groups[note.language].definitions.append(note.text)
    shown = best_tag(list(groups), language) or own
    here = groups.pop(shown, None)
    also_known_as = [label for label in (here.alternative if here else [])]
    if here is not None and shown != own and own in groups:
        # The glossary's own names stay in view: the term's name there, then its own alternatives.
        also_known_as += groups[own].preferred
    others = sorted(groups.values(), key=lambda g: (g.language != own, g.language))
    return also_known_as, others


def notes_for_reader(term, language: str, *, staff: bool) -> list[tuple[str, list]]:
    """(kind label, notes) pairs in the reader's language — or the glossary's when it has none there."""
    kinds = READER_NOTES + (CURATOR_NOTES if staff else ())
    notes = [note for note in term.notes.all() if note.kind in kinds]
    tag = best_tag({note.language for note in notes}, language) or best_tag({note.language for note in notes}, default_language())
    chosen = [note for note in notes if note.language == tag] if tag else [note for note in notes if not note.language]
    return [
        (label, [note for note in chosen if note.kind == kind])
        for kind, label in NoteKind.choices
        if kind in kinds and any(note.kind == kind for note in chosen)
    ]


def term_detail(request, slug):
    try:
        term = selectors.term_get(slug=slug, user=request.user)
    except Http404:
        return resolve_or_redirect(request, slug, "glossary:term-detail")
    language = reader_language(request)
    groups = group_relations(term, language)
    staff = request.user.is_active and request.user.is_staff
    term.reader_definitions = [note for note in term.notes.all() if note.kind == "definition"]
    also_known_as, other_languages = labels_by_language(term, language)
    return render(
        request,
        "glossary/term_detail.html",
        {
            "term": term,
            "replaces": selectors.terms_replaced_by(term=term, user=request.user),
            "localized": localize(term, language, full=True),
            "also_known_as": also_known_as,
            "other_languages": other_languages,
            "notes": notes_for_reader(term, language, staff=staff),
            "mappings": term.mappings.all(),
            "concept_uri": term.concept_uri(base_uri_for(request)),
            "body_html": render_markdown(term.body, user=request.user),
            "relation_groups": groups,
            "relation_count": sum(len(group.terms) for group in groups),
            "references": _with_hosts(term.references.all()),
            # Prefetched among the terms the reader may see: a draft replacement is None.
            "replacement": term.replaced_by,
            "is_staff": staff,
        },
    )


@require_GET
def term_path(request, slug):
    """The "how is this related to …?" form: resolve the typed name, then open the path page."""
    term = selectors.term_get(slug=slug, user=request.user)
    wanted = normalise_query(request.GET.get("to"))
    resolution = resolve_name(wanted, user=request.user)
    if resolution.term is None:
        if resolution.ambiguous:
            names = ", ".join(f"“{ref.name}”" for ref in resolution.candidates)
            message = f"“{wanted}” may refer to {names}; pick one of them."
        elif wanted:
            message = f"No term named “{wanted}”; pick one of the suggestions."
        else:
            message = "Type the name of another term."
        messages.error(request, message)
        return redirect(f"{term.get_absolute_url()}#path")
    return redirect(f"{GRAPH_PATH_URL}?{urlencode({'from': term.slug, 'to': resolution.term.slug})}")


def _with_groups(categories) -> list:
    """The categories that are inside no other, each with its ``groups`` (the ones inside it,
    in the order given) and ``total``: its terms and theirs, as ``?category=`` selects them."""
    categories = list(categories)
    by_pk = {c.pk: c for c in categories}
    inside = rules.inside_of({c.pk: c.parent_id for c in categories})
    for category in categories:
        category.groups = []
    for category in categories:
        if category.parent_id in by_pk:
            by_pk[category.parent_id].groups.append(category)
        category.total = sum(by_pk[pk].term_count for pk in inside([category.pk]))
    return [c for c in categories if c.parent_id not in by_pk]


def category_list(request):
    categories = _with_safe_colors(_in_readers_order(selectors.categories_counted(user=request.user), request))
    return render(request, "glossary/category_list.html", {"categories": _with_groups(categories)})


def category_detail(request, slug):
    everything = _in_readers_order(selectors.categories_counted(user=request.user), request)
    category = next((c for c in everything if c.slug == slug), None)
    if category is None:
        raise Http404("No such category.")
    _with_safe_colors(everything)
    _with_groups(everything)
    by_pk = {c.pk: c for c in everything}
    parents, above = [], by_pk.get(category.parent_id)
    while above is not None and above not in parents:
        parents.insert(0, above)
        above = by_pk.get(above.parent_id)
    terms = selectors.term_list(user=request.user, category=slug, language=reader_language(request))
    return render(
        request,
        "glossary/category_detail.html",
        {"category": category, "parents": parents, "page": _page(request, terms), "query_string": "",
         "collection_uri": category.collection_uri(base_uri_for(request))},
    )


def search(request):
    form = TermFilterForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, form)
    query = normalise_query(form.cleaned_data["q"])
    categories = _in_readers_order(selectors.categories_counted(user=request.user), request)
    _with_groups(categories)
    context = {"form": form, "query": query, "categories": categories,
               "status_choices": status_choices(request.user)}
    if not query:
        context["initials"] = _initials(request)
        return render(request, "glossary/search.html", context)
    resolution = resolve_name(query, user=request.user)
    if resolution.term is not None and query.lower().startswith(URI_SCHEMES):
        return redirect("glossary:term-detail", slug=resolution.term.slug)  # a concept URI names one term
    result, terms = selectors.term_search(
        query=query, user=request.user, category=form.cleaned_data["category"], status=form.cleaned_data["status"]
    )
    page = _page(request, terms)
    hits = {hit.term_id: hit for hit in result.hits}
    marked = f"{query} {result.corrected}"
    for term in page:
        term.name_html = highlight(term.shown.name, marked)
        term.definition_html = highlight(term.shown.definition, marked)
        matched = hits[term.pk].matched if term.pk in hits else None
        shown = {search_key(term.shown.name), *(search_key(label.text) for label in term.shown_labels)}
        term.matched_label = matched if matched and search_key(matched) not in shown else ""
        if term.matched_label:
            term.matched_html = highlight(matched, marked)
    context.update(page=page, query_string=_query_without_page(request), corrected=result.corrected,
                   more_results=result.more, may_refer_to=resolution.candidates if resolution.ambiguous else [])
    return render(request, "glossary/search.html", context)


class ChangeFilterForm(forms.Form):
    """The filters of /changes/ and its feed: a category, and the first and last day (both included)."""

    category = forms.SlugField(required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Named like the query parameters, and "from" is a Python keyword: added here, not as attributes.
        self.fields["from"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        self.fields["to"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def clean(self):
        data = super().clean()
        first, last = data.get("from"), data.get("to")
        if first and last and last < first:
            self.add_error("to", "Pick a day on or after the “from” day.")
        return data

    def selection(self) -> dict:
        """The selector's arguments: the days become times in the site's time zone."""
        first, last = self.cleaned_data["from"], self.cleaned_data["to"]
        since = until = None
        if first and first > date.min:  # `since` is exclusive: the moment before the first day
            since = timezone.make_aware(datetime.combine(first, time.min)) - timedelta(microseconds=1)
        if last and last < date.max:
            until = timezone.make_aware(datetime.combine(last, time.max))
        return {"category": self.cleaned_data["category"], "since": since, "until": until}

    def category_query(self) -> dict:
        return {"category": self.cleaned_data["category"]} if self.cleaned_data["category"] else {}

    def periods(self, today: date) -> list[dict]:
        """The "past N days" links (the category kept), the one shown now marked ``current``."""
        starts = [(label, today - timedelta(days=days - 1)) for label, days in CHANGE_PERIODS]
        return [
            {"label": label, "query": urlencode({**self.category_query(), "from": start.isoformat()}),
             "current": self.cleaned_data["from"] == start and not self.cleaned_data["to"]}
            for label, start in starts
        ]


# The periods offered above the list of changes: (label, days back from today, today included).
CHANGE_PERIODS = [("Past 7 days", 7), ("Past 30 days", 30), ("Past year", 365)]


def with_change_labels(terms, language: str):
    """``terms`` from `selectors.term_changes` with their words in ``language``: ``shown`` (name and
    definition), ``change_label``, and ``replacement`` with its ``shown_name`` for a deprecated term."""
    terms = list(terms)
    labels = dict(selectors.TermChange.choices)
    for term in terms:
        term.shown = localize(term, language)
        term.change_label = labels[term.change]
        # `replaced_by` is prefetched among public terms: a draft replacement is None.
        term.replacement = term.replaced_by if term.change == selectors.TermChange.DEPRECATED else None
        if term.replacement is not None:
            term.replacement.shown_name = localize(term.replacement, language).name
    return terms


def changes(request):
    """/changes/: recently created, modified and deprecated terms, newest first, by day."""
    form = ChangeFilterForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, form)
    selection = form.selection()
    page = Paginator(selectors.term_changes(**selection), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_change_labels(page.object_list, reader_language(request))
    categories = _in_readers_order(Category.objects.all(), request)
    feed_query = urlencode(form.category_query())
    return render(
        request,
        "glossary/changes.html",
        {
            "form": form,
            "page": page,
            "query_string": _query_without_page(request),
            "categories": categories,
            "category": next((c for c in categories if c.slug == selection["category"]), None),
            "periods": form.periods(timezone.localdate()),
            "feed_url": reverse("glossary:changes-feed") + (f"?{feed_query}" if feed_query else ""),
        },
    )


@cache
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for on pages that name no icon (the admin, DRF's pages)."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=604800"
    return response
