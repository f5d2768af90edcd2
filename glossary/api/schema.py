"""OpenAPI generation: every operation documents the errors it can answer with, and their bodies.

drf-spectacular only documents the success response by default. The error responses follow
from how the API works rather than from each view, so they are added here once:

* 400 for writes and for any operation with query parameters (all of them are validated), or an
  If-Match header (a value that is no entity tag);
* 401 everywhere: a wrong ``Authorization: Token`` header is refused even on a public read;
* 403 for writes (authenticated without the model permission, or a session without CSRF token);
* 404 for operations with a path parameter, and for paginated lists (a page past the end);
* 409 for writes that lost a race with a concurrent one (a unique constraint caught it).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import SAFE_METHODS

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error with a human-readable reason.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Rejected input. Each key names the offending field (or query parameter) and holds its "
        "messages; nested fields (e.g. one alias of a term) hold nested errors of the same shape. "
        "`non_field_errors` holds the rules that involve several fields (duplicates, cycles); "
        "`detail` describes a request that could not be read at all (malformed JSON)."
    ),
    "properties": {
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
        "detail": {"type": "string"},
    },
    "additionalProperties": {},
    "example": {"target": ["A term cannot be related to itself."]},
}

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class GlossaryAutoSchema(AutoSchema):
    def get_auth(self):
        # Reads are public (drf-spectacular cannot tell from DjangoModelPermissionsOrAnonReadOnly):
        # credentials are optional there, and only widen what is visible (drafts for staff).
        auth = super().get_auth()
        if self.method in SAFE_METHODS and auth and {} not in auth:
            auth.append({})
        return auth

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        locations = {(p.get("in"), p.get("name")) for p in operation.get("parameters", [])}
        has_query = any(where == "query" for where, _ in locations)
        has_path = any(where == "path" for where, _ in locations)
        takes_if_match = ("header", "If-Match") in locations  # a value that is no entity tag is a 400
        errors = {"401": ("ErrorResponse", "Authentication credentials were given but are invalid, or are required.")}
        if self.method in WRITE_METHODS - {"DELETE"} or has_query or takes_if_match:
            errors["400"] = ("ValidationErrorResponse", "Invalid input; nothing was changed.")
        if self.method in WRITE_METHODS:
            errors["403"] = ("ErrorResponse", "You lack the permission for this change.")
        if self.method in WRITE_METHODS - {"DELETE"}:
            errors["409"] = ("ErrorResponse", "A concurrent change conflicted with this one; nothing was changed.")
        if has_path or ("query", "page") in locations:
            errors["404"] = ("ErrorResponse", "No such object (or page), or not visible to you.")
        responses = operation.setdefault("responses", {})
        for code, (component, description) in sorted(errors.items()):
            responses.setdefault(
                code,
                {"description": description, "content": {"application/json": {"schema": self._error_ref(component)}}},
            )
        if has_query:
            # Answered by the HTTP server (gunicorn's request-line limit), before the app sees it.
            responses.setdefault("414", {"description": "The address is longer than the server accepts (4,094 bytes)."})
        return operation

    def _error_ref(self, name: str) -> dict:
        schema = ERROR_SCHEMA if name == "ErrorResponse" else VALIDATION_ERROR_SCHEMA
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref
