"""Keep the database's query planner informed after a bulk write.

PostgreSQL plans from table statistics that autovacuum refreshes some time after a large write
(never, where it is switched off). Until then a glossary just filled by an import of 100,000
terms still looks empty to the planner, which then picks plans fit for an empty table: a list of
relations took about 6 s instead of 0.3 s. So a bulk write refreshes the statistics of the
glossary's tables as soon as it commits.

Not on SQLite: its planner, given statistics, starts the list of relations from the dozen
relation types and sorts all 500,000 relations (3 s), where without them it reads the first page
in order (0.4 ms). Without statistics it would read the public terms of the A–Z list and of the
newest changes through the status index and sort them all; those lists tell it not to
(`TermQuerySet.public(paged_in_order=True)`) and it walks the order's index instead.
"""

import logging

from django.apps import apps
from django.db import DatabaseError, connections, transaction

logger = logging.getLogger(__name__)


def glossary_tables() -> list[str]:
    """Every table of the glossary app: its models, their history and their many-to-many links."""
    tables = set()
    for model in apps.get_app_config("glossary").get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return sorted(tables)


def refresh_statistics(*, using: str = "default") -> None:
    """ANALYZE the glossary's tables now (PostgreSQL); a failure is logged, never raised."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    names = ", ".join(connection.ops.quote_name(table) for table in glossary_tables())
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {names}")
    except DatabaseError:
        # The write itself has committed; stale statistics cost speed, not correctness.
        logger.warning("Could not refresh the planner's statistics after a bulk write.", exc_info=True)


def refresh_statistics_on_commit(*, using: str = "default") -> None:
    """Refresh the statistics once the running transaction (a bulk write) has committed."""
    transaction.on_commit(lambda: refresh_statistics(using=using), using=using, robust=True)
