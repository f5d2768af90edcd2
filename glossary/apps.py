from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _repair_search_index(using, **kwargs):
    """A migration that rebuilt a SQLite table dropped its search triggers: put them back."""
    from django.db import connections

    from glossary.search_index import repair_sqlite

    repair_sqlite(connections[using])


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = "Glossary"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from glossary import history, signals  # noqa: F401  (connect the history and the change log)

        from glossary.search_index import sqlite_functions

        connection_created.connect(sqlite_functions)
        post_migrate.connect(_repair_search_index, sender=self)
