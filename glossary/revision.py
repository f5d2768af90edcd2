"""The glossary revision token: changes with every write, read by caches to detect staleness."""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from glossary.models import Revision

REVISION_PK = 1
# The token read once for a whole read-only request (see `revision_pinned`).
_pinned: ContextVar[str | None] = ContextVar("glossary_revision", default=None)


def revision_bump() -> None:
    """Give the glossary a new revision token, inside the current transaction."""
    token = uuid.uuid4()
    if not Revision.objects.filter(pk=REVISION_PK).update(token=token):
        Revision.objects.update_or_create(pk=REVISION_PK, defaults={"token": token})


def revision_current() -> str:
    """The current revision token (one cheap query); '' before the first write."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    token = Revision.objects.filter(pk=REVISION_PK).values_list("token", flat=True).first()
    return str(token) if token else ""


@contextmanager
def revision_pinned():
    """Read the token once for a read-only request: its cache key, graph and ETag all use it.

    Only for requests that write nothing: a write inside would change the token unseen.
    """
    token = _pinned.set(None)
    try:
        _pinned.set(revision_current())
        yield
    finally:
        _pinned.reset(token)
