"""Writes to the glossary. Every write validates the whole object (`full_clean`) first.

DRF, the admin, imports and the shell all come through here, so the model rules hold
everywhere. Writes of relations of an acyclic or symmetric type are serialised per type
(`select_for_update` on the RelationType row) so concurrent writers cannot together close a
cycle or store a symmetric pair twice.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from glossary.models import (
    Alias,
    AliasKind,
    Category,
    Reference,
    ReferenceKind,
    Relation,
    RelationType,
    Term,
    TermStatus,
)


def unique_slug(model, name: str, *, exclude_pk: int | None = None, max_length: int = 200) -> str:
    """A slug for ``name`` that no other row of ``model`` has: ``foo``, ``foo-2``, ``foo-3`` …"""
    base = slugify(name)[: max_length - 6].strip("-") or "item"
    taken = model.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(instance, fields: Mapping[str, Any]):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


# Categories ---------------------------------------------------------------------------------


@transaction.atomic
def category_create(*, name: str, slug: str = "", description: str = "", color: str = "#64748b") -> Category:
    category = Category(name=name, slug=slug or unique_slug(Category, name, max_length=100),
                        description=description, color=color)
    return _apply(category, {})


@transaction.atomic
def category_update(*, category: Category, **fields: Any) -> Category:
    return _apply(category, fields)


@transaction.atomic
def category_delete(*, category: Category) -> None:
    category.delete()


# Terms --------------------------------------------------------------------------------------


@transaction.atomic
def term_create(
    *,
    name: str,
    slug: str = "",
    short_definition: str = "",
    body: str = "",
    category: Category | None = None,
    status: str = TermStatus.PUBLISHED,
    replaced_by: Term | None = None,
    aliases: Iterable[Mapping[str, Any]] | None = None,
) -> Term:
    term = Term(
        name=name.strip(),
        slug=slug or unique_slug(Term, name),
        short_definition=short_definition,
        body=body,
        category=category,
        status=status,
        replaced_by=replaced_by,
    )
    _apply(term, {})
    if aliases is not None:
        term_set_aliases(term=term, aliases=aliases)
    return term


@transaction.atomic
def term_update(*, term: Term, aliases: Iterable[Mapping[str, Any]] | None = None, **fields: Any) -> Term:
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    fields["updated_at"] = timezone.now()
    _apply(term, fields)
    if aliases is not None:
        term_set_aliases(term=term, aliases=aliases)
    return term


@transaction.atomic
def term_delete(*, term: Term) -> None:
    term.delete()


@transaction.atomic
def term_set_aliases(*, term: Term, aliases: Iterable[Mapping[str, Any]]) -> list[Alias]:
    """Make ``term``'s aliases exactly ``aliases`` (dicts with name, kind, language)."""
    wanted = {}
    for item in aliases:
        name = str(item.get("name", "")).strip()
        wanted[name.lower()] = {
            "name": name,
            "kind": item.get("kind") or AliasKind.SYNONYM,
            "language": item.get("language") or "",
        }
    existing = {alias.name.lower(): alias for alias in term.aliases.all()}
    for key, alias in existing.items():
        if key not in wanted:
            alias.delete()
    result = []
    for key, fields in wanted.items():
        alias = existing.get(key) or Alias(term=term)
        result.append(_apply(alias, fields))
    return result


@transaction.atomic
def alias_create(*, term: Term, name: str, kind: str = AliasKind.SYNONYM, language: str = "") -> Alias:
    return _apply(Alias(term=term), {"name": name.strip(), "kind": kind, "language": language})


@transaction.atomic
def alias_update(*, alias: Alias, **fields: Any) -> Alias:
    return _apply(alias, fields)


@transaction.atomic
def alias_delete(*, alias: Alias) -> None:
    alias.delete()


# Relation types -----------------------------------------------------------------------------


@transaction.atomic
def relation_type_create(*, slug: str = "", label: str, inverse_label: str = "", **fields: Any) -> RelationType:
    if fields.get("symmetric") and not inverse_label:
        inverse_label = label
    rtype = RelationType(slug=slug or unique_slug(RelationType, label, max_length=60),
                         label=label, inverse_label=inverse_label)
    return _apply(rtype, fields)


@transaction.atomic
def relation_type_update(*, relation_type: RelationType, **fields: Any) -> RelationType:
    if relation_type.pk:
        # Turning a type acyclic checks its existing relations; no new ones may slip in meanwhile.
        RelationType.objects.select_for_update().filter(pk=relation_type.pk).first()
    return _apply(relation_type, fields)


@transaction.atomic
def relation_type_delete(*, relation_type: RelationType) -> None:
    relation_type.delete()


# Relations ----------------------------------------------------------------------------------


def _lock_types(*types: RelationType | None) -> None:
    ids = sorted({t.pk for t in types if t is not None and t.pk and (t.acyclic or t.symmetric)})
    if ids:
        list(RelationType.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def relation_create(*, source: Term, type: RelationType, target: Term, note: str = "") -> Relation:
    _lock_types(type)
    relation = Relation(source=source, type=type, target=target, note=note)
    return _apply(relation, {})


@transaction.atomic
def relation_update(*, relation: Relation, **fields: Any) -> Relation:
    previous_type = None
    if relation.pk:
        previous_type = RelationType.objects.filter(relations__pk=relation.pk).first()
    _lock_types(previous_type, fields.get("type", relation.type))
    return _apply(relation, fields)


@transaction.atomic
def relation_delete(*, relation: Relation) -> None:
    relation.delete()


# References ---------------------------------------------------------------------------------


@transaction.atomic
def reference_create(
    *, title: str, url: str, kind: str = ReferenceKind.ARTICLE, terms: Iterable[Term] = ()
) -> Reference:
    reference = _apply(Reference(), {"title": title, "url": url, "kind": kind})
    reference.terms.set(list(terms))
    return reference


@transaction.atomic
def reference_update(*, reference: Reference, terms: Iterable[Term] | None = None, **fields: Any) -> Reference:
    _apply(reference, fields)
    if terms is not None:
        reference.terms.set(list(terms))
    return reference


@transaction.atomic
def reference_delete(*, reference: Reference) -> None:
    reference.delete()
