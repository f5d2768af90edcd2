"""The Atom feed of what changed (Django's syndication framework): /changes/ as feed entries.

The same selection as the page (`selectors.term_changes`, public terms only, the same filters),
newest first. Entries link to the term pages with absolute URLs; a term changed again is a new
entry (its id holds the time of the change). Atom titles are text and summaries HTML, so the
generator's XML escaping covers titles, and summaries are HTML-escaped once more before it.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from glossary import selectors
from glossary.models import Category
from glossary.language import LANG_PARAM, category_name, reader_language
from glossary.views import ChangeFilterForm, with_change_labels

FEED_SIZE = 50


class InvalidFilters(Exception):
    """The feed's query parameters are not valid: the answer is the site's 400 page naming them."""

    def __init__(self, form):
        super().__init__("invalid filters")
        self.form = form


@dataclass
class ChangeSelection:
    """What one request of the feed asked for, and the entries it gets."""

    terms: list
    category_name: str
    language: str
    query: str  # the filters as a query string (the language too, when the reader chose it)


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    author_name = "Glossary Graph"
    subtitle = "Terms recently created, modified and deprecated, newest first."

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilters as error:
            return render(request, "glossary/bad_request.html", {"form": error.form}, status=400)

    def get_object(self, request, *args, **kwargs):
        form = ChangeFilterForm(request.GET)
        if not form.is_valid():
            raise InvalidFilters(form)
        selection = form.selection()
        language = reader_language(request)
        chosen = {LANG_PARAM: language} if getattr(request, "reader_language_explicit", False) else {}
        filters = {name: request.GET[name] for name in ("category", "from", "to") if request.GET.get(name)}
        base_url = request.build_absolute_uri("/").rstrip("/")
        terms = with_change_labels(selectors.term_changes(**selection)[:FEED_SIZE], language)
        for term in terms:
            page = term.get_absolute_url()
            term.entry_link = f"{page}?{urlencode(chosen)}" if chosen else page
            term.category_shown = category_name(term.category, language) if term.category else ""
            # One entry per change, not per term: a term changed again shows up as news again.
            term.entry_id = f"{base_url}{page}#changed-{term.updated_at:%Y%m%dT%H%M%S.%fZ}"
        category = Category.objects.filter(slug=selection["category"]).first() if selection["category"] else None
        return ChangeSelection(
            terms=terms,
            category_name=category_name(category, language) if category else "",
            language=language,
            query=urlencode({**filters, **chosen}),
        )

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = obj.language  # one Feed instance serves every request: not an attribute
        return feed

    def title(self, obj):
        where = f" in {obj.category_name}" if obj.category_name else ""
        return f"Glossary Graph — what changed{where}"

    def link(self, obj):
        return self._with_query(reverse("glossary:changes"), obj)

    def feed_url(self, obj):
        return self._with_query(reverse("glossary:changes-feed"), obj)

    def items(self, obj):
        return obj.terms

    def item_title(self, term):
        return term.shown.name  # Atom titles are text: the XML escaping is all they need

    def item_description(self, term):
        what = term.change_label
        if term.replacement is not None:
            what += f"; use {term.replacement.shown_name} instead"
        return escape(f"{what}. {term.shown.definition}" if term.shown.definition else f"{what}.")

    def item_link(self, term):
        return term.entry_link

    def item_guid(self, term):
        return term.entry_id

    def item_pubdate(self, term):
        return term.created_at

    def item_updateddate(self, term):
        return term.updated_at

    def item_categories(self, term):
        return [term.category_shown] if term.category_shown else []

    @staticmethod
    def _with_query(url, obj):
        return f"{url}?{obj.query}" if obj.query else url
