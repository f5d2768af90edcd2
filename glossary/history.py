"""Recording the glossary's history: who changed what, when, why, and as part of which change set.

simple-history writes a historical row for every save and delete of a glossary model (services,
admin, API, loaddata alike) and takes the user from the request (its middleware). This module adds
the change set: every historical row written while a change set is open links to it. An import or
a revert opens its own (`change_set`), with its kind, comment, file name and counts; otherwise a
request is one change set, and outside requests (the shell, tasks) one transaction — one service
call — is one. A change set's row is created at its first historical row, so reads cost nothing. Bulk writes that skip signals
(`glossary.exchange.write`) write their historical rows themselves with `history_columns`.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connection
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from glossary.models import ChangeSet, ChangeSetKind

# Columns every historical row has besides the model's own, in the order `history_values` gives them.
HISTORY_COLUMNS = ["history_date", "history_type", "history_user", "history_change_reason", "change_set"]


@dataclass
class Scope:
    """An open change set: its row is created at the first historical row written in it."""

    kind: str = ChangeSetKind.EDIT
    comment: str = ""
    user: object = None
    file_name: str = ""
    counts: dict = field(default_factory=dict)
    request: object = None
    key: frozenset | None = None
    row: ChangeSet | None = None
    committed: bool = False

    def author(self):
        user = self.user if self.user is not None else getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None

    def change_set(self) -> ChangeSet:
        """The change set's row, created in the current transaction when there is none yet.

        A row created by a transaction that was rolled back since is gone: its commit hook was
        discarded with it (Django drops the hooks of a rolled-back transaction or savepoint), so
        the next write makes a new one.
        """
        if self.row is not None and (self.committed or self._pending()):
            return self.row
        self.committed = False
        self.row = ChangeSet.objects.create(kind=self.kind, comment=self.comment, user=self.author(),
                                            file_name=self.file_name, counts=self.counts)
        connection.on_commit(self._mark_committed)
        return self.row

    def _pending(self) -> bool:
        return any(hook == self._mark_committed for _sids, hook, _robust in connection.run_on_commit)

    def _mark_committed(self):
        self.committed = True


_open: ContextVar[Scope | None] = ContextVar("glossary_change_set", default=None)
_transaction_scope: ContextVar[Scope | None] = ContextVar("glossary_transaction_change_set", default=None)


@contextmanager
def change_set(*, kind: str, comment: str = "", user=None, file_name: str = "", counts: dict | None = None):
    """Group every historical row written inside into one change set (created at the first write)."""
    scope = Scope(kind=kind, comment=comment, user=user, file_name=file_name, counts=counts or {})
    token = _open.set(scope)
    try:
        yield scope
    finally:
        _open.reset(token)


def current_scope() -> Scope | None:
    """The open change set: an explicit one, else the current request's (one per request)."""
    scope = _open.get()
    if scope is not None:
        return scope
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        if not hasattr(request, "_glossary_change_set"):
            request._glossary_change_set = Scope(request=request)
        return request._glossary_change_set
    return _scope_of_transaction()


def _scope_of_transaction() -> Scope | None:
    """One change set per transaction (per savepoint inside another, as in tests); none in autocommit."""
    if not connection.in_atomic_block:
        return None
    key = frozenset(connection.savepoint_ids)
    scope = _transaction_scope.get()
    if scope is None or scope.key != key or scope.row is None or not scope._pending():
        scope = Scope(key=key)
        _transaction_scope.set(scope)
    return scope


@receiver(pre_create_historical_record)
def _link_to_change_set(sender, history_instance, **kwargs):
    scope = current_scope()
    if scope is None:
        return
    history_instance.change_set = scope.change_set()
    if not history_instance.history_change_reason and scope.comment:
        history_instance.history_change_reason = scope.comment
    if history_instance.history_user_id is None and scope.author() is not None:
        history_instance.history_user = scope.author()


def history_values(scope: Scope | None, history_type: str) -> tuple:
    """The values of `HISTORY_COLUMNS` for a historical row written by a bulk path inside ``scope``."""
    if scope is None:
        return (timezone.now(), history_type, None, None, None)
    author = scope.author()
    return (timezone.now(), history_type, author.pk if author else None, scope.comment or None,
            scope.change_set().pk)


BASELINE_REASON = "Recorded when the history began"


def record_baseline(connection, models) -> None:
    """A "created" historical row for every row of ``models`` that has none (loaded without signals).

    For data that predates the history (the migration that added it) or came in raw (loaddata of
    the seed): without it, the first change to such a row would have nothing to compare with.
    ``models`` are (model, historical model) pairs, real or a migration's.
    """
    quote = connection.ops.quote_name
    now = timezone.now()
    with connection.cursor() as cursor:
        for model, history in models:
            own = [quote(f.column) for f in model._meta.concrete_fields]
            table, history_table = quote(model._meta.db_table), quote(history._meta.db_table)
            cursor.execute(
                f"INSERT INTO {history_table} ({', '.join(own)}, history_date, history_type, history_change_reason) "
                f"SELECT {', '.join('t.' + c for c in own)}, %s, '+', %s FROM {table} t "
                f"WHERE NOT EXISTS (SELECT 1 FROM {history_table} h WHERE h.id = t.id)",
                [now, BASELINE_REASON],
            )


def recorded_models():
    """The glossary's models that keep a history, with their historical models."""
    from django.apps import apps

    return [(model, model.history.model) for model in apps.get_app_config("glossary").get_models()
            if hasattr(model._meta, "simple_history_manager_attribute")]
