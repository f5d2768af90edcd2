"""Reading graph query parameters, shared by the API and the pages.

Every function raises Django's ``ValidationError`` keyed by the parameter name, so the API can
answer 400 ``{"param": ["reason"]}`` and a page can show the same reason next to its form.
"""

import re

import networkx as nx
from django.core.exceptions import ValidationError

from glossary.resolver import normalise_name, resolve_names
from graphviz_app import queries
from graphviz_app.queries import DIRECTIONS

DEPTH_MIN, DEPTH_MAX, DEPTH_DEFAULT = 1, 3, 1
NODE_CAP_DEFAULT, NODE_CAP_MAX = 300, 1000
NAME_MAX_LENGTH = 200
TREE_LIMIT_DEFAULT = 200
MAX_OFFSET = 10**7
SLUG_LIST_PATTERN = r"^[-a-zA-Z0-9_]+(,[-a-zA-Z0-9_]+)*$"
# As documented: an empty value (`?types=`) means the parameter is not given.
SLUG_LIST_OR_EMPTY_PATTERN = r"^([-a-zA-Z0-9_]+(,[-a-zA-Z0-9_]+)*)?$"
_slug_list = re.compile(SLUG_LIST_PATTERN)


def _error(param, message, code="invalid"):
    return ValidationError({param: ValidationError(message, code=code)})


def parse_int(raw, param, *, default, low, high) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise _error(param, f"Must be a whole number from {low} to {high}.") from None
    if not low <= value <= high:
        raise _error(param, f"Must be from {low} to {high}; got {value}.", code="out_of_range")
    return value


def parse_depth(raw) -> int:
    return parse_int(raw, "depth", default=DEPTH_DEFAULT, low=DEPTH_MIN, high=DEPTH_MAX)


def parse_limit(raw, param="limit") -> int:
    return parse_int(raw, param, default=NODE_CAP_DEFAULT, low=1, high=NODE_CAP_MAX)


def parse_direction(raw) -> str:
    if raw in (None, ""):
        return "both"
    if raw not in DIRECTIONS:
        raise _error("direction", f"Must be one of {', '.join(DIRECTIONS)}; got “{raw}”.")
    return raw


def parse_slug_list(raw, param, known, *, what) -> list[str] | None:
    """Comma-separated slugs that must all be in ``known``; None when the parameter is absent.

    Repeated parameters (``?types=a&types=b``, as HTML checkboxes send them) are accepted too.
    """
    values = raw if isinstance(raw, list) else ([raw] if raw not in (None, "") else [])
    values = [v for v in values if v != ""]
    if not values:
        return None
    joined = ",".join(values)
    if not _slug_list.match(joined):
        raise _error(param, f"Give {what} slugs separated by commas, e.g. “is-a,uses”; got “{joined}”.")
    slugs = list(dict.fromkeys(joined.split(",")))
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise _error(param, f"Unknown {what}: {', '.join(unknown)}.", code="unknown")
    return slugs


LAYOUTS = ("force", "hierarchical")
PIN_PATTERN = r"^([-a-zA-Z0-9_]+)@(-?[0-9]{1,6}),(-?[0-9]{1,6})$"
_pin = re.compile(PIN_PATTERN)


def parse_layout(raw) -> str:
    if raw in (None, ""):
        return "force"
    if raw not in LAYOUTS:
        raise _error("layout", f"Must be one of {', '.join(LAYOUTS)}; got “{raw}”.")
    return raw


def parse_flag(raw, param) -> bool:
    """A checkbox: absent or empty is off; "1", "on", "true" or "yes" is on."""
    if raw in (None, ""):
        return False
    if str(raw).lower() in ("1", "on", "true", "yes"):
        return True
    if str(raw).lower() in ("0", "off", "false", "no"):
        return False
    raise _error(param, f"Must be 1 or 0; got “{raw}”.")


def parse_pins(values, G) -> dict:
    """``slug@x,y`` values (nodes the reader placed by hand) → ``{slug: (x, y)}``."""
    pins = {}
    for value in values:
        for item in value.split(";"):
            match = _pin.match(item)
            if not match:
                raise _error("pin", f"Give pins as slug@x,y (whole numbers), e.g. “llm@120,-40”; got “{item}”.")
            slug, x, y = match.groups()
            if slug not in G:
                raise _error("pin", f"Unknown term: {slug}.", code="unknown")
            pins[slug] = (int(x), int(y))
    return pins


def parse_view_changes(query, G) -> dict:
    """What a reader did to a graph view, as its URL keeps it: ``expand``, ``hide`` and ``pin``."""
    return {
        "expand": parse_slug_list(query.getlist("expand"), "expand", G, what="term") or [],
        "hide": parse_slug_list(query.getlist("hide"), "hide", G, what="term") or [],
        "pins": parse_pins(query.getlist("pin"), G),
    }


def parse_transitive_type(raw, G, param="type", default=None) -> str:
    """A relation type a hierarchy can follow: it must exist and be transitive. Not given: the
    glossary's broader type (`queries.hierarchy_type`)."""
    key = raw or default or queries.hierarchy_type(G)
    meta = G.graph.get("types", {}).get(key)
    if meta is None:
        raise _error(param, f"Unknown relation type: {key}.", code="unknown")
    if not meta.get("transitive"):
        raise _error(param, f"“{key}” is not transitive; a hierarchy needs a transitive type such as is-a or part-of.")
    return key


def parse_types(query, G, param="types") -> list[str] | None:
    return parse_slug_list(query.getlist(param), param, G.graph.get("types", {}), what="relation type")


def parse_categories(query, G, param="category") -> list[str] | None:
    return parse_slug_list(query.getlist(param), param, G.graph.get("categories", {}), what="category")


class TermNotFound(nx.NodeNotFound):
    """No visible term by that name; ``param`` says which parameter named it."""

    def __init__(self, param, text):
        super().__init__(f"No term called “{text}”.")
        self.param = param


def resolve_terms(snapshot, given: dict, *, user) -> dict:
    """Terms given by slug, name or alias (``{param: typed text}``), resolved in one query.

    The glossary's one resolver decides (`glossary.resolver`), so "LLM" names the same term here
    as in a URL or a ``[[link]]``. A missing value or a label shared by several terms is a bad
    parameter (400, the candidates named); a name that matches nothing raises `TermNotFound`, a ``NodeNotFound`` (404).
    """
    texts = {param: " ".join(str(raw or "").split()) for param, raw in given.items()}
    for param, text in texts.items():
        if not text:
            raise _error(param, "Name a term (its name, an alias or its slug).", code="required")
        if len(text) > NAME_MAX_LENGTH:
            raise _error(param, f"Names have at most {NAME_MAX_LENGTH} characters.", code="max_length")
    resolutions = resolve_names(texts.values(), user=user)
    slugs = {}
    for param, text in texts.items():
        resolution = resolutions[normalise_name(text)]
        if resolution.ambiguous:
            names = ", ".join(f"“{c.name}” ({c.slug})" for c in resolution.candidates)
            raise _error(param, f"“{text}” may refer to {names}; give one of them.", code="ambiguous")
        if resolution.term is None or resolution.term.slug not in snapshot.G:
            raise TermNotFound(param, text)
        slugs[param] = resolution.term.slug
    return slugs


def resolve_term(snapshot, raw, param, *, user) -> str:
    """`resolve_terms` for one parameter."""
    return resolve_terms(snapshot, {param: raw}, user=user)[param]
