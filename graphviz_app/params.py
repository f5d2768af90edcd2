"""Reading graph query parameters, shared by the API and the pages.

Every function raises Django's ``ValidationError`` keyed by the parameter name, so the API can
answer 400 ``{"param": ["reason"]}`` and a page can show the same reason next to its form.
"""

import re

import networkx as nx
from django.core.exceptions import ValidationError

from graphviz_app.queries import DIRECTIONS

DEPTH_MIN, DEPTH_MAX, DEPTH_DEFAULT = 1, 3, 1
NODE_CAP_DEFAULT, NODE_CAP_MAX = 300, 1000
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


def parse_types(query, G, param="types") -> list[str] | None:
    return parse_slug_list(query.getlist(param), param, G.graph.get("types", {}), what="relation type")


def parse_categories(query, G, param="category") -> list[str] | None:
    return parse_slug_list(query.getlist(param), param, G.graph.get("categories", {}), what="category")


def resolve_term(snapshot, raw, param) -> str:
    """A term given by slug or by name (any case), as people type it in a form.

    A missing value is a bad parameter; a term that is not there raises ``NodeNotFound`` (404).
    """
    value = (raw or "").strip()
    if not value:
        raise _error(param, "Name a term (its name or slug).", code="required")
    if value in snapshot.G:
        return value
    slug = snapshot.slug_by_name.get(value.lower())
    if slug is None:
        raise nx.NodeNotFound(f"No term called “{value}”.")
    return slug
