"""Reading the glossary in a language: which one a reader asked for, and a term's words in it.

A reader's language is ``?lang=`` when given (a valid tag), else the best match of the
``Accept-Language`` header among the languages the glossary has labels in, else the glossary's
own language (``GLOSSARY_LANGUAGE``). A term lacking a label or definition in that language
falls back to the glossary's language, and says so (``*_fallback``).

`ReaderLanguageMiddleware` decides once per request (``request.reader_language``) and, when the
reader chose with ``?lang=``, keeps that choice in the page's internal links and search forms,
so following a link does not drop it.
"""

import functools
import itertools
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from glossary.changelog import kept_until_next_change
from glossary.models import Label, LabelKind, default_language, language_tag

LANG_PARAM = "lang"
# Internal links that a language choice follows: pages, not the admin, the API or static files.
_INTERNAL_LINK = re.compile(r'(<a\b[^>]*?\shref=")(/(?!static/|admin/|api/)[^"#]*)(#[^"]*)?(")')
_INTERNAL_PATH = re.compile(r"/(?!/|static/|admin/|api/)")
_NAMES_A_LANGUAGE = re.compile(rf"[?&;]{LANG_PARAM}=")  # a URL that already says its language
_GET_FORM_END = re.compile(r"(<form\b(?:(?!method=\"post\")[^>])*>)(.*?)(</form>)", re.DOTALL | re.IGNORECASE)


def glossary_languages() -> list[str]:
    """The language tags the glossary has preferred labels in, the glossary's own first."""

    def read():
        # Without the model's ordering, which DISTINCT would otherwise apply to every label's
        # text: 100,000 rows instead of one per language (0.4 s on each page after any write).
        found = set(Label.objects.filter(kind=LabelKind.PREFERRED).exclude(language="").order_by()
                    .values_list("language", flat=True).distinct())
        own = default_language()
        return [own] + sorted(found - {own}, key=str.lower)

    return kept_until_next_change("glossary-languages", read)


# Tags that name no language: Babel would make "und" American English.
NO_LANGUAGE = ("", "und", "mul", "mis", "zxx", "x", "i")


@functools.lru_cache(maxsize=1024)
def language_name(tag: str) -> str:
    """A language's name in itself: Unicode CLDR's (Babel), which knows the languages thesauri
    are written in (“suomi”, “中文”, “davvisámegiella”, “Latina”) and tells regions and scripts
    apart (“Deutsch (Schweiz)”, “中文 (繁體)”); else Django's; else the tag."""
    if tag.split("-")[0].lower() not in NO_LANGUAGE:
        try:
            locale = Locale.parse(tag, sep="-")
            return locale.get_display_name(locale) or tag
        except (ValueError, TypeError, UnknownLocaleError):
            pass
    info = LANG_INFO.get(tag.lower()) or LANG_INFO.get(tag.split("-")[0].lower()) or {}
    return info.get("name_local") or tag


def tags_serving(available, wanted: str) -> list[str]:
    """The tags of ``available`` that serve a reader of ``wanted``, best first: the same tag, then
    the same primary language alone, then its other variants in the order given."""
    wanted_lower = wanted.lower()
    primary = wanted_lower.split("-")[0]
    same = [tag for tag in available if tag.lower() == wanted_lower]
    alone = [tag for tag in available if tag.lower() == primary != wanted_lower]
    variants = [tag for tag in available if tag.lower().split("-")[0] == primary and tag.lower() not in (wanted_lower, primary)]
    return same + alone + variants


def tags_named_for(language: str, available=None) -> list[str]:
    """The label tags (of ``available``, else of the whole glossary) whose preferred labels name
    terms for a reader of ``language``, best first (`tags_serving`), down to the glossary's own
    language, where the terms' own names serve: [] for a reader of the glossary's language, or
    of one no label is in. A reader of en-GB gets the en-GB labels there are, then the names;
    one of en-US, with no en-US label, the names. The rule lists, trees, graphs and suggestions
    name terms by, as `localize` does on a term's page."""
    tags = tags_serving(sorted(glossary_languages() if available is None else available), language)
    own = default_language().lower()
    return list(itertools.takewhile(lambda tag: tag.lower() != own, tags))


def best_tag(available, wanted: str) -> str | None:
    """The tag of ``available`` that serves a reader of ``wanted`` best (`tags_serving`), or None."""
    return next(iter(tags_serving(available, wanted)), None)


def choose_language(query_value, accept_header: str) -> tuple[str, bool]:
    """(language, chosen explicitly) for a request's ``?lang=`` and ``Accept-Language``."""
    value = (query_value or "").strip()
    if value and len(value) <= 16 and language_tag.regex.match(value):
        return value, True
    wanted = parse_accept_lang_header(accept_header or "")
    languages = glossary_languages() if wanted else []
    for tag, _quality in wanted:
        if tag == "*":
            break
        match = best_tag(languages, tag)
        if match:
            return match, False
    return default_language(), False


@dataclass
class Localized:
    """A term's words for a reader of one language."""

    name: str
    name_language: str
    name_fallback: bool
    definition: str
    definition_language: str
    definition_fallback: bool
    # With ``full``: the term's other definitions in ``definition_language``.
    more_definitions: list = field(default_factory=list)


def _shortens(short: str, text: str) -> bool:
    """Whether ``short`` is ``text`` cut to fit a short definition (an import's summary ending in “…”)."""
    return short.endswith("…") and len(text) >= len(short) and text.startswith(short[:-1])


def localize(term, language: str, *, full: bool = False) -> Localized:
    """``term``'s name and definition in ``language``, falling back to the glossary's language,
    then to a definition in another language (the name's first) where it has none in either.

    With ``full`` (a term's own page), a short definition cut from a longer one is shown whole,
    and ``more_definitions`` holds its other definitions in that language.

    Uses the prefetched ``labels`` (and ``reader_definitions`` when the caller prefetched the
    definition notes), so it costs no query.
    """
    own = default_language()
    preferred = {label.language: label.text for label in term.labels.all() if label.kind == LabelKind.PREFERRED}
    tag = best_tag(list(preferred), language)
    if tag is not None:
        name, name_language = preferred[tag], tag
    else:
        name, name_language = term.name, next((lang for lang, text in preferred.items() if text == term.name), own)
    definitions: dict[str, list[str]] = {}
    for note in getattr(term, "reader_definitions", []):
        definitions.setdefault(note.language, []).append(note.text)
    definition, definition_language = term.short_definition, own
    if best_tag([own], language) is None:
        tag = best_tag(list(definitions), language)
        if tag is not None:
            definition, definition_language = definitions[tag][0], tag
    if not definition and definitions:
        tag = best_tag(list(definitions), name_language) or sorted(definitions)[0]
        definition, definition_language = definitions[tag][0], tag
    more = []
    if full:
        same_language = definitions.get(definition_language, [])
        definition = next((text for text in same_language if _shortens(definition, text)), definition)
        more = [text for text in same_language if text != definition]
    return Localized(
        name=name, name_language=name_language,
        name_fallback=best_tag([name_language], language) is None,
        definition=definition, definition_language=definition_language,
        definition_fallback=bool(definition) and best_tag([definition_language], language) is None,
        more_definitions=more,
    )


def category_name(category, language: str) -> str:
    """A category's name for a reader of ``language``: its name in that language (`tags_named_for`
    its ``names``, so an en-GB reader gets en-GB, then the name), else its own ``name``.
    ``category`` is a `Category` or a dict with ``name`` and ``names`` (the graph's)."""
    if isinstance(category, dict):
        name, names = category["name"], category.get("names") or {}
    else:
        name, names = category.name, category.names or {}
    # With the glossary's own language among them, where ``name`` serves: an en reader of an en
    # glossary is not given its en-GB name.
    tags = tags_named_for(language, [*names, default_language()]) if names else []
    return names[tags[0]] if tags else name


def names_in(language: str, slugs) -> dict:
    """slug → preferred label in ``language``, for the terms that have one; one query.

    Each term by `tags_named_for` its own labels; empty (and no query) for a reader of the
    glossary's own language, whom the terms' names serve.
    """
    if language.lower() == default_language().lower():
        return {}
    found = {}
    rows = Label.objects.filter(kind=LabelKind.PREFERRED, term__slug__in=list(slugs),
                                language__istartswith=language.split("-")[0])
    for slug, tag, text in rows.values_list("term__slug", "language", "text"):
        found.setdefault(slug, {})[tag] = text
    named = {slug: tags_named_for(language, by_tag) for slug, by_tag in found.items()}
    return {slug: found[slug][tags[0]] for slug, tags in named.items() if tags}


def keep_language_in_location(location: str, language: str) -> str:
    """A redirect's ``Location`` with ``lang=<language>`` added, when it leads to another of the
    site's pages (as the page's links do) and names no language of its own."""
    path, hash_mark, fragment = location.partition("#")
    if not _INTERNAL_PATH.match(path) or _NAMES_A_LANGUAGE.search(path):
        return location
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}{urlencode({LANG_PARAM: language})}{hash_mark}{fragment}"


def keep_language_in_links(html: str, language: str) -> str:
    """``html`` with ``lang=<language>`` added to internal links and a hidden field in GET forms."""
    pair = urlencode({LANG_PARAM: language})

    def link(match):
        start, url, fragment, end = match.groups()
        if _NAMES_A_LANGUAGE.search(url):
            return match.group(0)
        joiner = "&amp;" if "?" in url else "?"
        return f"{start}{url}{joiner}{pair}{fragment or ''}{end}"

    def form(match):
        start, inner, end = match.groups()
        if f'name="{LANG_PARAM}"' in inner:
            return match.group(0)
        return f'{start}{inner}<input type="hidden" name="{LANG_PARAM}" value="{language}">{end}'

    return _GET_FORM_END.sub(form, _INTERNAL_LINK.sub(link, html))


class ReaderLanguageMiddleware:
    """Decide the reader's language, then keep an explicit choice in the page's links and redirects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(("/admin/", "/static/")):
            return self.get_response(request)
        resolve_reader_language(request)
        kept = kept_language(request)
        response = self.get_response(request)
        if not request.reader_language_explicit:
            patch_vary_headers(response, ["Accept-Language"])
        elif kept and 300 <= response.status_code < 400 and response.has_header("Location"):
            response["Location"] = keep_language_in_location(response["Location"], kept)
        elif kept and response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            response.content = keep_language_in_links(response.content.decode(response.charset), kept)
            if response.has_header("Content-Length"):
                # Set by CommonMiddleware for the page before its links grew: a client would
                # stop reading there and lose the end of the page (its scripts among it).
                response["Content-Length"] = str(len(response.content))
        return response


def resolve_reader_language(request) -> str:
    """Decide ``request.reader_language`` (once; the page cache asks before the views do)."""
    if not hasattr(request, "reader_language"):
        request.reader_language, request.reader_language_explicit = choose_language(
            request.GET.get(LANG_PARAM), request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        )
    return request.reader_language


def kept_language(request) -> str:
    """The language a page's links keep (its own, by the middleware; those its scripts make, by
    lang.js, told by the page): the reader's explicit choice (``?lang=``) when it is not the
    glossary's own language; "" otherwise."""
    language = resolve_reader_language(request)
    return language if request.reader_language_explicit and language != default_language() else ""


def reader_language(request) -> str:
    """The language chosen for ``request`` (the glossary's own outside a request)."""
    return getattr(request, "reader_language", None) or settings.GLOSSARY_LANGUAGE


def language_context(request):
    """Template context: the reader's language, the switcher's choices, the current query without lang."""
    language = reader_language(request)
    others = [(k, v) for k, v in request.GET.lists() if k not in (LANG_PARAM, "page")]
    base_query = urlencode([(k, v) for k, values in others for v in values])
    return {
        "reader_language": language,
        "kept_language": kept_language(request),
        "reader_language_name": language_name(language),
        "glossary_language": default_language(),
        "language_choices": [
            {"tag": tag, "name": language_name(tag), "current": best_tag([tag], language) == tag and tag.lower() == language.lower(),
             "query": "&".join(filter(None, [base_query, urlencode({LANG_PARAM: tag})]))}
            for tag in glossary_languages()
        ],
    }
