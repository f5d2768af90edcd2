"""One place that turns domain errors into HTTP responses, for every DRF view of the project.

Services raise Django's ``ValidationError`` (from ``full_clean``); DRF only knows its own. Here
they become a 400 with DRF's shape: ``{"field": ["message"]}``, and ``non_field_errors`` for the
cross-field rules (cycles, symmetric duplicates) that Django files under ``__all__``.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from glossary.services import EditConflict


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since the copy named by If-Match."
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource is still in use."
    default_code = "conflict"


def validation_error_detail(exc: DjangoValidationError) -> dict:
    """DRF's error shape for a Django ValidationError: messages by field, non_field_errors for the rest."""
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def exception_handler(exc, context):
    """DRF's handler, also understanding Django's ValidationError (400; a stale If-Match: 412),
    ProtectedError and IntegrityError (409)."""
    if isinstance(exc, EditConflict):
        # Only a write with If-Match names a version (`glossary.services.term_update`).
        exc = PreconditionFailed(
            " ".join(exc.messages) + " Nothing was written: read it again (GET) for its current ETag."
        )
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, ProtectedError):
        count = len(exc.protected_objects)
        exc = Conflict(
            f"Still used by {count} related object{'s' if count != 1 else ''}; delete or change those first."
        )
    elif isinstance(exc, IntegrityError):
        # Only a concurrent write can get here: the services validate every constraint first.
        exc = Conflict("A concurrent change conflicts with this one; nothing was changed. Try again.")
    return drf_exception_handler(exc, context)
