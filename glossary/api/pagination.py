"""Page-number pagination whose parameters are validated, not silently corrected.

DRF's own paginator quietly falls back to the default for ``page_size=0`` or ``page_size=abc``
and caps it above the maximum; a client (and a schema-driven fuzzer) should instead hear that the
value is wrong, with the bounds the schema documents.
"""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from glossary.search import more_may_match

MAX_PAGE_SIZE = 200
MAX_PAGE = 10**6


def _bounded_int(request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not 1 <= value <= maximum:
        raise ValidationError({name: [f"Enter a whole number from 1 to {maximum}."]})
    return value


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return _bounded_int(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        # Validated here so that a bad ?page= is a 400; a page past the end stays DRF's 404.
        _bounded_int(request, self.page_query_param, 1, MAX_PAGE)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": MAX_PAGE, "default": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size, "default": self.page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class TermPagination(PageNumberPagination):
    """Pages of terms, saying whether more terms may match a search than it kept.

    A search keeps its best matches (`Result.more`), so its ``count`` can stop short of all that
    match; ``more`` tells a client so, as the search page does. It is false for a plain list.
    """

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["more"] = more_may_match(self.page.paginator.object_list)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["more"] = {
            "type": "boolean",
            "description": "With ?search=: more terms may match than the search kept (its best, "
                           "counted in `count`); add a word or a filter to narrow them. Else false.",
        }
        schema["required"].append("more")
        return schema
