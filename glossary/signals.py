"""Append to the change log in the same transaction as any change to the glossary, however made.

Signals rather than service calls so that the admin, `loaddata`, the shell and cascades are
covered too; bulk paths that skip signals call `changelog_record_bulk()` themselves. Every model
of the glossary app is followed, including ones added later (but the log itself and uploads
awaiting import): terms, relations, relation types and categories by what they are; any other
model with a foreign key to Term as a change of that term; the rest as "other" — no meaning for
the graph, but caches of pages depend on them too.
"""

from functools import cache

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalChanges

from glossary.changelog import changelog_record
from glossary.models import (
    Category, Change, ChangeAction, ChangeKind, ChangeSet, ImportJob, Relation, RelationType, ReleaseEntry, Term,
)

# Rows of the glossary app that are not glossary content: the log itself, uploads awaiting import,
# the history (change sets and historical rows describe changes; they change nothing shown) and the
# shared content of releases (a release itself is logged: pages list releases).
UNLOGGED = (Change, ImportJob, ChangeSet, ReleaseEntry)
RELATION_FIELDS = ("source_id", "type_id", "target_id")
OWN_KINDS = {Term: ChangeKind.TERM, RelationType: ChangeKind.RELATION_TYPE, Category: ChangeKind.CATEGORY}
_BEFORE = "_changelog_before"


@cache
def _role(model) -> tuple[str, tuple[str, ...]] | None:
    """How changes of ``model`` are logged: (kind, fields whose previous values matter)."""
    model = model._meta.concrete_model
    # Migrations' historical models run before the log's table exists, and log nothing.
    if (model._meta.app_label != "glossary" or model in UNLOGGED or issubclass(model, HistoricalChanges)
            or model._meta.apps is not apps):
        return None
    if model is Relation:
        return ChangeKind.RELATION, RELATION_FIELDS
    if model in OWN_KINDS:
        return OWN_KINDS[model], ()
    term_keys = tuple(
        f.attname for f in model._meta.concrete_fields
        if f.many_to_one and f.related_model._meta.concrete_model is Term
    )
    return (ChangeKind.TERM, term_keys) if term_keys else (ChangeKind.OTHER, ())


@receiver(pre_save)
def _remember_previous_values(sender, instance, using, **kwargs):
    role = _role(sender)
    if role and role[1] and instance.pk is not None:
        # An update may move a relation or an alias: the entry must name where it was, too.
        previous = sender._base_manager.using(using).filter(pk=instance.pk).values_list(*role[1]).first()
        setattr(instance, _BEFORE, previous)


def _record_row(sender, instance, action, using):
    role = _role(sender)
    if role is None:
        return
    kind, fields = role
    before = instance.__dict__.pop(_BEFORE, None)
    if kind == ChangeKind.RELATION:
        now = tuple(getattr(instance, f) for f in fields)
        if before is not None and before != now:
            _record_relation(ChangeAction.REMOVED, before, instance.pk, using)
            action = ChangeAction.ADDED
        _record_relation(action, now, instance.pk, using)
    elif kind == ChangeKind.TERM and fields:
        terms = {getattr(instance, f) for f in fields} | set(before or ())
        for term in sorted(t for t in terms if t is not None):
            changelog_record(ChangeKind.TERM, ChangeAction.CHANGED, object_id=term, using=using)
    else:
        changelog_record(kind, action, object_id=instance.pk, using=using)


def _record_relation(action, ends, pk, using):
    source, rtype, target = ends
    changelog_record(ChangeKind.RELATION, action, object_id=pk, source_id=source, type_id=rtype,
                     target_id=target, using=using)


@receiver(post_save)
def _record_save(sender, instance, created, using, **kwargs):
    _record_row(sender, instance, ChangeAction.ADDED if created else ChangeAction.CHANGED, using)


@receiver(post_delete)
def _record_delete(sender, instance, using, **kwargs):
    _record_row(sender, instance, ChangeAction.REMOVED, using)


@receiver(m2m_changed)
def _record_links(sender, instance, action, model, pk_set, using, **kwargs):
    if not action.startswith("post_") or _role(sender) is None:
        return
    if isinstance(instance, Term):
        terms = [instance.pk]
    elif model._meta.concrete_model is Term and pk_set:
        terms = sorted(pk_set)
    else:
        changelog_record(ChangeKind.OTHER, ChangeAction.CHANGED, object_id=instance.pk, using=using)
        return
    for term in terms:
        changelog_record(ChangeKind.TERM, ChangeAction.CHANGED, object_id=term, using=using)
