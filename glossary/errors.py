"""Answers for requests that cannot be served normally: bad bytes in the query, the database down.

Each answer is JSON under /api/ (``{"detail": …}`` as DRF's errors are) and an HTML page
elsewhere, rendered without touching the database: no context processors, no session.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

API_PREFIX = "/api/"
# Seconds a client should wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def error_response(request, status: int, title: str, detail: str | dict, headers: dict | None = None):
    """``detail`` as JSON for the API, as a small page (under ``title``) for everything else.

    ``detail`` is a message (``{"detail": …}`` in JSON) or DRF's field-error shape
    (``{"field": ["message"]}``).
    """
    body = detail if isinstance(detail, dict) else {"detail": detail}
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(body, status=status)
    else:
        # (field, messages) pairs; a message about the whole request has no field to name.
        errors = [("" if field in ("detail", "non_field_errors") else field, [m] if isinstance(m, str) else m)
                  for field, m in body.items()]
        page = loader.get_template("glossary/error.html").render({"request": request, "title": title, "errors": errors})
        response = HttpResponse(page, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


NUL_MESSAGE = "Contains a NUL character (%00), which no parameter accepts."


def nul_errors(query) -> dict:
    """``{parameter: [message]}`` for each query parameter holding a NUL character (in its name: non_field_errors)."""
    errors = {}
    for key, values in query.lists():
        if "\x00" in key:
            errors["non_field_errors"] = ["A parameter name contains a NUL character (%00)."]
        elif any("\x00" in value for value in values):
            errors[key] = [NUL_MESSAGE]
    return errors


class RejectNulBytesMiddleware:
    """Refuse query strings holding NUL characters (``%00``) before any view reads them.

    No parameter of this site may contain one, and PostgreSQL refuses them in text, so a view or
    admin filter passing one on would fail with a DataError instead of answering.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        errors = nul_errors(request.GET)
        if errors:
            return error_response(request, 400, "That request is not valid", errors)
        return self.get_response(request)


def server_error(request):
    """handler500: a database that cannot be reached is a 503 with Retry-After, anything else a 500.

    Django calls this while handling the exception, for errors raised in a view or a middleware,
    so a database outage anywhere in the request (the read cache's look at the change log included) lands here.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        return error_response(
            request, 503, "Temporarily unavailable",
            "The glossary's database cannot be reached at the moment; please try again shortly.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return error_response(
        request, 500, "Something went wrong", "The server could not answer this request; the error has been logged."
    )
