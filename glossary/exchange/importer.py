"""Import an exchange document: read → check (`check.Plan`) → write (`write.write_plan`), all or nothing.

This is the bulk path beside `glossary.services`: going through the services row by row would
take hours for 100,000 terms, so the same rules (`glossary.rules`) are checked on the whole
document at once. Every problem is reported with its place and nothing is written unless there
is none; what had to be interpreted is reported as warnings. An import is bounded in time
(``GLOSSARY_IMPORT_MAX_SECONDS``): past it, it stops and writes nothing.
"""

import time

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction

from glossary.exchange.check import Plan, Report, no_progress
from glossary.exchange.document import ExchangeError
from glossary.exchange.write import write_plan
from glossary.history import change_set
from glossary.models import ChangeSetKind, RelationType
from glossary.changelog import changelog_record_bulk

__all__ = ["ImportReport", "import_document"]

ImportReport = Report
# How many items pass between two looks at the clock.
CLOCK_EVERY = 1000


def _with_deadline(progress, seconds):
    """``progress`` that also stops the import once it has run for ``seconds``."""
    deadline = time.monotonic() + seconds

    def timed(iterable, **kwargs):
        for i, item in enumerate(progress(iterable, **kwargs)):
            if i % CLOCK_EVERY == 0 and time.monotonic() > deadline:
                raise ExchangeError([
                    f"the import took longer than {seconds} s (GLOSSARY_IMPORT_MAX_SECONDS) and was "
                    "stopped; nothing was imported — split the file or raise the limit"
                ])
            yield item

    return timed


def import_document(document, *, dry_run=False, progress=no_progress, max_seconds=None, file_name="",
                    user=None) -> Report:
    """Validate ``document`` against the database and, unless ``dry_run``, write it atomically.

    The import is one change set of the history, naming ``file_name``, ``user`` and the counts.
    Raises `ExchangeError` listing every problem; in that case nothing has been written.
    """
    seconds = max_seconds or settings.GLOSSARY_IMPORT_MAX_SECONDS
    progress = _with_deadline(progress, seconds)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One COPY of 500,000 rows outlasts the per-statement limit meant for page requests;
            # the import has its own bound, for the whole of it.
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(seconds) * 1000}")
        if not dry_run:
            # Serialise with concurrent writers of acyclic/symmetric relations (see services).
            list(RelationType.objects.select_for_update()
                 .filter(models.Q(acyclic=True) | models.Q(symmetric=True)).order_by("pk"))
        plan = Plan(document, progress, dry_run).check()
        if plan.errors:
            raise ExchangeError(plan.errors)
        if not dry_run:
            counts = {name: {k: v for k, v in c.items() if k != "unchanged" and v}
                      for name, c in plan.report.counts.items()}
            try:
                with change_set(kind=ChangeSetKind.IMPORT, user=user, file_name=file_name,
                                comment=f"Imported {file_name}" if file_name else "Import",
                                counts={name: c for name, c in counts.items() if c}) as scope:
                    write_plan(plan, scope)
            except IntegrityError as exc:
                raise ExchangeError([f"the database refused the import: {exc}"]) from exc
            if plan.report.changes:
                changelog_record_bulk()
    return plan.report
