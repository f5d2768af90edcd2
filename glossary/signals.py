"""Bump the glossary revision in the same transaction as any change, however it was made.

Signals rather than service calls so that the admin, `loaddata`, the shell and cascades are
covered too; bulk paths that skip signals call `revision_bump()` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from glossary.models import Category, Label, Mapping, Note, Reference, Relation, RelationType, Term
from glossary.revision import revision_bump

WATCHED = (Category, Term, Label, Note, Mapping, RelationType, Relation, Reference)


@receiver(post_save)
@receiver(post_delete)
def _bump_on_change(sender, **kwargs):
    if sender in WATCHED:
        revision_bump()


@receiver(m2m_changed, sender=Reference.terms.through)
def _bump_on_reference_terms(sender, action, **kwargs):
    if action.startswith("post_"):
        revision_bump()
