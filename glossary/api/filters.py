"""Query parameters of the list endpoints, as serializers.

A serializer both validates the parameters (a bad value is a 400 naming the parameter, never a
silently ignored filter) and documents them: drf-spectacular turns its fields into OpenAPI
parameters with their enums, patterns and lengths. An unknown but well-formed slug filters down
to nothing rather than failing, as a search would.
"""

from datetime import datetime
from datetime import timezone as dt_timezone

from django.utils import timezone
from rest_framework import serializers

from glossary.models import TermStatus
from glossary.rules import INDEX_INITIAL
from glossary.search import normalise_query
from glossary.selectors import LACKING_EXPECTED, LACKING_PATTERN, TERM_ORDERINGS

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


def slug_param(help_text: str) -> serializers.RegexField:
    return serializers.RegexField(SLUG_PATTERN, max_length=200, required=False, help_text=help_text)


class SearchText(serializers.CharField):
    """Whatever was typed is a query: control characters (NUL too) become spaces, long text is cut.

    A search box answers "no match" rather than 400, as the web page does.
    """

    def __init__(self, *, required=False, **kwargs):
        super().__init__(required=required, allow_blank=True, trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        return normalise_query(super().to_internal_value(data))


class TermListParams(serializers.Serializer):
    search = SearchText(
        help_text="Words to find in labels (any language), definitions and bodies; at most 100 results, "
        "ranked: a label equal to the query (ignoring case, accents, spaces and hyphens), a label "
        "starting with it, labels holding all its words (stemmed), definitions holding them as whole "
        "words, then close spellings; deprecated terms after current ones. The same search as /search/.",
    )
    category = slug_param("Only terms of the category with this slug, or of a category inside it.")
    status = serializers.ChoiceField(choices=TermStatus.choices, required=False, help_text="Only terms with this status.")
    letter = serializers.RegexField(
        INDEX_INITIAL,
        required=False,
        max_length=3,
        help_text="A–Z index: only terms filed under this letter as the glossary's language files names "
        "(in English \"e\" or \"É\" lists \"Église\"; in Swedish \"Ä\" is a letter of its own; Czech has "
        "\"CH\"), or under the letter of their own script (Λ, Ж), digit or other character (a quotation "
        "mark), in either case.",
    )
    ordering = serializers.ChoiceField(
        choices=list(TERM_ORDERINGS),
        required=False,
        help_text="Sort order; a leading '-' reverses it. Default: by name, or by relevance with ?search=.",
    )
    lacking = serializers.RegexField(
        LACKING_PATTERN,
        required=False,
        max_length=40,
        error_messages={"invalid": LACKING_EXPECTED},
        help_text="Only terms lacking something, as the quality report (/quality/) lists them: `relations` "
        "(no relation to a term you can see), `definition` (no short definition), `category`, `replacement` "
        "(deprecated with no term to use instead), `name-<language>` (no preferred label in it, e.g. "
        "`name-fr`) or `definition-<language>`.",
    )


class AutocompleteParams(serializers.Serializer):
    q = SearchText(required=True, help_text="What has been typed: the beginning of a label in any language, or a misspelling of one.")


class LookupParams(serializers.Serializer):
    label = serializers.CharField(
        max_length=500, help_text="A term's slug, name or alias, in any case; or its concept URI, as written."
    )


class RelationListParams(serializers.Serializer):
    source = slug_param("Only relations from the term with this slug.")
    target = slug_param("Only relations to the term with this slug.")
    type = slug_param("Only relations of the relation type with this slug.")


TIME_EXAMPLE = "e.g. 2026-11-01T09:30:00Z"


class ChangeTime(serializers.DateTimeField):
    """An ISO 8601 date and time, given in UTC; without an offset it is in the site's time zone.

    A valid time that Python's datetime cannot hold once in UTC (0001-01-01T00:00:00+01:00) is
    before or after every stored time, so it becomes the earliest or latest UTC time: the schema
    calls it valid, and it is.
    """

    def to_internal_value(self, value):
        if not isinstance(value, str) or len(value) > 64:
            raise serializers.ValidationError(f"Enter a date and time in ISO 8601, {TIME_EXAMPLE}.")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as error:
            problem = "Not an ISO 8601 date and time" if str(error).startswith("Invalid isoformat") \
                else f"Out of range ({error})"
            raise serializers.ValidationError(f"{problem}; {TIME_EXAMPLE}.") from error
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        try:
            return parsed.astimezone(dt_timezone.utc)
        except OverflowError:
            edge = datetime.min if parsed.year == datetime.min.year else datetime.max
            return edge.replace(tzinfo=dt_timezone.utc)


class ChangeListParams(serializers.Serializer):
    since = ChangeTime(
        required=False,
        help_text="Only changes after this time (exclusive), ISO 8601: 2026-11-01T09:30:00Z; without an "
        "offset, UTC. To follow the glossary, keep the largest `at` you received and ask with it next time.",
    )
    until = ChangeTime(required=False, help_text="Only changes at or before this time (inclusive), ISO 8601.")
    category = slug_param("Only terms of the category with this slug, or of a category inside it.")


def validated_params(serializer_class, request) -> dict:
    """The request's query parameters checked by ``serializer_class``; a 400 names each bad one."""
    # A plain dict, not the QueryDict: DRF reads an empty form value as "not given", but
    # `?status=` is a value, and not a valid one.
    params = serializer_class(data=request.query_params.dict())
    params.is_valid(raise_exception=True)
    return {name: value for name, value in params.validated_data.items() if value not in (None, "")}
