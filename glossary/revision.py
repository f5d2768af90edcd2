"""The glossary revision token: changes with every write, read by caches to detect staleness."""

import uuid

from glossary.models import Revision

REVISION_PK = 1


def revision_bump() -> None:
    """Give the glossary a new revision token, inside the current transaction."""
    token = uuid.uuid4()
    if not Revision.objects.filter(pk=REVISION_PK).update(token=token):
        Revision.objects.update_or_create(pk=REVISION_PK, defaults={"token": token})


def revision_current() -> str:
    """The current revision token (one cheap query); '' before the first write."""
    token = Revision.objects.filter(pk=REVISION_PK).values_list("token", flat=True).first()
    return str(token) if token else ""
