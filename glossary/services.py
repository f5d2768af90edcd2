"""Writes to the glossary. Every write validates the whole object (`full_clean`) first.

DRF, the admin, imports and the shell all come through here, so the model rules hold
everywhere. Writes of relations of an acyclic or symmetric type are serialised per type
(`select_for_update` on the RelationType row) so concurrent writers cannot together close a
cycle or store a symmetric pair twice.
"""

import hashlib
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import formats, timezone

from glossary import releases, rules, versions as term_versions, workflow
from glossary.history import change_set
from glossary.models import (
    LABEL_FIELDS,
    MAPPING_FIELDS,
    NAME_ORDER_FIELDS,
    NOTE_FIELDS,
    Category,
    ChangeSetKind,
    Label,
    LabelKind,
    Mapping as TermMapping,
    MappingKind,
    Note,
    NoteKind,
    Reference,
    ReferenceKind,
    Relation,
    RelationType,
    Release,
    Term,
    TermStatus,
    default_language,
    name_languages,
)


def unique_slug(model, name: str, *, exclude_pk: int | None = None, max_length: int = 200) -> str:
    """A slug for ``name`` that no other row of ``model`` has: ``foo``, ``foo-2``, ``foo-3`` …"""
    base = rules.slug_of(name, max_length - 6) or "item"
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
def category_create(*, name: str, slug: str = "", description: str = "", color: str = "#64748b",
                    names: dict | None = None, parent: Category | None = None, uri: str | None = None) -> Category:
    category = Category(name=name, slug=slug or unique_slug(Category, name, max_length=100), uri=uri,
                        description=description, color=color, names=names or {}, parent=parent)
    return _apply(category, {})


@transaction.atomic
def category_update(*, category: Category, versions: Collection[str] | None = None, **fields: Any) -> Category:
    """Change ``category``; with ``versions`` (`row_version`), only if it has not changed since."""
    _check_row_version(category, versions)
    return _apply(category, fields)


@transaction.atomic
def category_delete(*, category: Category, versions: Collection[str] | None = None) -> None:
    _check_row_version(category, versions)
    category.delete()


# Terms --------------------------------------------------------------------------------------


def _label_dicts(labels: Iterable[Mapping[str, Any]]) -> list[dict]:
    """Labels as plain dicts with every field, text stripped and inner spaces collapsed."""
    return [
        {
            "text": " ".join(str(item.get("text", "")).split()),
            "language": item.get("language") or "",
            "kind": item.get("kind") or LabelKind.ALTERNATIVE,
            "subkind": item.get("subkind") or "",
        }
        for item in labels
    ]


def _with_name(labels: list[dict], name: str, language: str, *, replace: bool) -> list[dict]:
    """``labels`` with ``name`` as the preferred label in ``language``.

    ``replace``: an existing preferred label in that language gives way (a rename); otherwise a
    different one is a contradiction between the name and the labels given with it.
    """
    for label in labels:
        if label["kind"] == LabelKind.PREFERRED and label["language"].lower() == language.lower():
            if label["text"] != name:
                if not replace and rules.fold(label["text"]) != rules.fold(name):
                    raise ValidationError({"name": ValidationError(
                        "The name “%(name)s” differs from the preferred label “%(label)s” given in "
                        "labels for the same language; give one of them.",
                        code="name_label_mismatch", params={"name": name, "label": label["text"]},
                    )})
                label["text"] = name
            return labels
    # The name's text may already be an alternative label in that language: it is promoted.
    labels = [
        label for label in labels
        if not (label["language"].lower() == language.lower() and rules.fold(label["text"]) == rules.fold(name))
    ]
    return [*labels, {"text": name, "language": language, "kind": LabelKind.PREFERRED, "subkind": ""}]


def _label_errors(term: Term, labels: list[dict]) -> list[str]:
    """The rules of one term's own labels: each label's fields, one preferred per language, no repeats."""
    errors = []
    for i, label in enumerate(labels):
        try:
            Label(term=term, **label).clean_fields(exclude=["term"])
        except ValidationError as error:
            errors.extend(f"labels[{i}].{field}: {message}" for field, messages in error.message_dict.items()
                          for message in messages)
    data = [rules.LabelData(label["text"], label["language"], label["kind"]) for label in labels]
    return errors + [message for _index, message in rules.term_label_errors(data)]


def term_save_labels(*, term: Term, labels: list[dict], stored: list[Label]) -> list[Label]:
    """Store exactly ``labels`` (complete dicts, already checked) for a saved term whose labels were ``stored``."""
    existing = {(label.language.lower(), rules.fold(label.text)): label for label in stored}
    wanted = {(label["language"].lower(), rules.fold(label["text"])): label for label in labels}
    stale = [label.pk for key, label in existing.items() if key not in wanted]
    if stale:
        Label.objects.filter(pk__in=stale).delete()
    # Demotions first, so that the one-preferred-per-language constraint holds after each row.
    ordered = sorted(wanted.items(), key=lambda item: item[1]["kind"] == LabelKind.PREFERRED)
    result = []
    for key, fields in ordered:
        label = existing.get(key) or Label(term=term)
        if label.pk and all(getattr(label, f) == fields[f] for f in LABEL_FIELDS):
            result.append(label)
            continue
        for name, value in fields.items():
            setattr(label, name, value)
        label.save()
        result.append(label)
    return result


def _display_name(labels: list[dict]) -> str:
    shown = rules.display_label(
        [rules.LabelData(label["text"], label["language"], label["kind"]) for label in labels],
        name_languages(),
    )
    return shown.text if shown else ""


def _renamed(labels: list[dict], name: str, language: str) -> bool:
    """Whether ``name`` in ``language`` says something new about ``labels``.

    Compared with the preferred label in that language; when there is none, with the name the
    term is shown by — so sending back the name of a term known only in another language (as
    a GET returned it) changes nothing.
    """
    for label in labels:
        if label["kind"] == LabelKind.PREFERRED and label["language"].lower() == language.lower():
            return label["text"] != name
    return rules.fold(name) != rules.fold(_display_name(labels))


def _checked_rows(term: Term, related: str, model, rows: Iterable[Mapping[str, Any]], fields: tuple) -> list | None:
    """``rows`` (notes, mappings) as unsaved rows of ``term``, each fully checked; None when they
    are the term's ``related`` rows already (in any order), so that nothing needs writing."""
    errors = []
    objects = []
    for i, row in enumerate(rows):
        obj = model(term=term, **{f: row.get(f, model._meta.get_field(f).get_default()) for f in fields})
        try:
            obj.full_clean(exclude=["term"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.extend(f"{related}[{i}].{field}: {message}" for field, messages in error.message_dict.items()
                          for message in messages)
        objects.append(obj)
    keys = [tuple(getattr(o, f) for f in fields) for o in objects]
    errors += [f"{related}[{i}]: given twice" for i, key in enumerate(keys) if key in keys[:i]]
    if errors:
        raise ValidationError({related: errors})
    if term.pk and set(keys) == {tuple(getattr(o, f) for f in fields) for o in getattr(term, related).all()}:
        return None
    return objects


def _store_rows(term: Term, related: str, objects: list) -> None:
    """Make the term's ``related`` rows exactly ``objects`` (from `_checked_rows`)."""
    getattr(term, related).all().delete()
    for obj in objects:  # one by one, so each new row gets its historical row (a term has a few)
        obj.save()


# What a save compares to tell whether it changes anything: every stored field but the time of the
# last save, which any save moves.
UNCOMPARED_TERM_FIELDS = {"updated_at"}


# Edit versions: several curators editing one term ------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def term_version(updated_at: datetime) -> str:
    """The version of a term's content a writer starts from: the moment it last changed (its
    ``updated_at``, which every change of its fields, labels, notes or mappings moves), in
    microseconds. The admin's form carries it, and the API's ETag ends with it."""
    return str((updated_at - _EPOCH) // timedelta(microseconds=1))


class EditConflict(ValidationError):
    """The term changed since the version the writer started from: nothing was written.

    ``current`` is the version it is at now: a writer who has looked may start from it.
    """

    def __init__(self, message: str, *, current: str):
        super().__init__(message, code="edit_conflict")
        self.current = current


def _check_version(term: Term, stored: dict, versions: Collection[str] | None) -> None:
    """Refuse a write that starts from a version of ``term`` other than the ``stored`` row's (one
    of ``versions``; None: the writer names none, and writes over whatever is there). The row is
    locked, so no other write slips in between this check and the write."""
    current = term_version(stored["updated_at"])
    if versions is None or current in versions:
        return
    when, who = term_versions.last_change(term.pk)
    raise _edit_conflict(stored["name"], when or stored["updated_at"], who, current)


def _edit_conflict(name: str, when: datetime | None, who, current: str) -> EditConflict:
    """The refusal of a write from a stale copy of ``name``, saying who changed it and when."""
    by = f" by {who.get_username()}" if who is not None else ""
    at = f" ({formats.date_format(timezone.localtime(when), 'DATETIME_FORMAT')})" if when is not None else ""
    return EditConflict(
        f"“{name}” was changed{by}{at} since your copy of it was read; saving yours would undo that change.",
        current=current,
    )


# The other rows curators edit one at a time (categories, relation types, relations, labels,
# references) have no time of their last change: their version is a digest of what is stored.

def _row_content(model, pk, *, lock: bool = False, read=None) -> list | None:
    """What ``model``'s row ``pk`` holds, in field order, and a reference's cited terms (None: no
    such row). ``lock`` holds the row until the transaction ends; ``read``, the row as read in
    this request with all its cited terms prefetched, gives those (never a reader's view of them,
    which leaves out the drafts they may not see)."""
    rows = model.objects.select_for_update() if lock else model.objects
    row = rows.filter(pk=pk).values_list(*(f.attname for f in model._meta.concrete_fields)).first()
    if row is None:
        return None
    content = list(row)
    for field in model._meta.many_to_many:
        prefetched = getattr(read, "_prefetched_objects_cache", {}).get(field.name)
        if prefetched is not None:
            content.append(sorted(other.pk for other in prefetched))
        else:
            content.append(sorted(field.remote_field.through.objects.filter(**{field.m2m_field_name(): pk})
                                  .values_list(field.m2m_reverse_name(), flat=True)))
    return content


def _digest(content: list) -> str:
    return hashlib.blake2b(repr(content).encode(), digest_size=8).hexdigest()


def row_version(obj, *, all_prefetched: bool = False) -> str:
    """The version of a category's, relation type's, relation's, label's or reference's content
    (a digest of its stored row): the admin's form carries it, and the API's ETag is it. With
    ``all_prefetched``, ``obj``'s prefetched many-to-many rows are all of them (the admin's)."""
    content = _row_content(type(obj), obj.pk, read=obj if all_prefetched else None)
    return _digest(content) if content is not None else ""


def _check_row_version(obj, versions: Collection[str] | None) -> None:
    """Refuse a write to ``obj`` that starts from a version of it other than the stored one (one
    of ``versions``; None: the writer names none, and writes over whatever is there). The row is
    locked first, so no other write slips in between this check and the write."""
    if versions is None or not obj.pk:
        return
    content = _row_content(type(obj), obj.pk, lock=True)
    current = _digest(content) if content is not None else ""
    if current in versions:
        return
    latest = obj.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    stored = type(obj)(**dict(zip((f.attname for f in type(obj)._meta.concrete_fields), content or [])))
    raise _edit_conflict(str(stored) if content else str(obj), latest and latest.history_date,
                         latest and latest.history_user, current)


def _stored_term(term: Term, *, lock: bool) -> dict:
    """The term's row as stored, by field; ``lock`` holds the row until the transaction ends (two
    reviewers at once)."""
    rows = Term.objects.select_for_update() if lock else Term.objects
    return rows.values(*(f.attname for f in Term._meta.concrete_fields)).get(pk=term.pk)


def _save_term(term: Term, fields: Mapping[str, Any], *, name, name_language, labels, notes=None,
               mappings=None, stored: dict | None = None, versions: Collection[str] | None = None) -> Term:
    """Apply ``fields``, the name and the labels to ``term`` together, checking every rule first.

    Given the ``stored`` row of an existing term (`_stored_term`), a save that would change
    nothing — fields, labels, notes and mappings all as stored — writes nothing: no new version
    in the history, no entry in the list of changes. With ``versions``, a valid change from
    another version than the stored one is refused (`_check_version`; an invalid one is told
    what is wrong with it first).
    """
    stored_labels = list(term.labels.all()) if term.pk else []
    before = [{f: getattr(label, f) for f in LABEL_FIELDS} for label in stored_labels]
    current = _label_dicts(labels if labels is not None else before)
    if name is not None:
        name, language = " ".join(name.split()), name_language or default_language()
        if _renamed(current, name, language):
            current = _with_name(current, name, language, replace=labels is None)
    for attribute, value in fields.items():
        setattr(term, attribute, value)
    errors = _label_errors(term, current)
    if errors:
        raise ValidationError({"labels": errors})
    term.name = _display_name(current)
    if not term.name:
        raise ValidationError({"name": ValidationError("A term needs a name (a preferred label).", code="required")})
    term.note_publication()
    term.full_clean()
    conflicts = term.preferred_label_conflicts(
        [rules.LabelData(label["text"], label["language"], label["kind"]) for label in current]
    )
    if conflicts:
        raise ValidationError({"labels": conflicts})
    new_notes = _checked_rows(term, "notes", Note, notes, NOTE_FIELDS) if notes is not None else None
    new_mappings = (_checked_rows(term, "mappings", TermMapping, mappings, MAPPING_FIELDS)
                    if mappings is not None else None)
    if stored is not None:
        _check_version(term, stored, versions)
    if (stored is not None and new_notes is None and new_mappings is None
            and _label_keys(current) == _label_keys(_label_dicts(before))
            and all(getattr(term, f.attname) == stored[f.attname] for f in Term._meta.concrete_fields
                    if f.attname not in UNCOMPARED_TERM_FIELDS)):
        for attname in UNCOMPARED_TERM_FIELDS:
            setattr(term, attname, stored[attname])
        return term
    term.save()
    term_save_labels(term=term, labels=current, stored=stored_labels)
    if new_notes is not None:
        _store_rows(term, "notes", new_notes)
    if new_mappings is not None:
        _store_rows(term, "mappings", new_mappings)
    return term


def _label_keys(labels: list[dict]) -> set:
    return {tuple(label[f] for f in LABEL_FIELDS) for label in labels}


@transaction.atomic
def term_create(
    *,
    name: str | None = None,
    name_language: str | None = None,
    slug: str = "",
    labels: Iterable[Mapping[str, Any]] | None = None,
    notes: Iterable[Mapping[str, Any]] | None = None,
    mappings: Iterable[Mapping[str, Any]] | None = None,
    status: str = TermStatus.PUBLISHED,
    user=None,
    comment: str = "",
    **fields: Any,
) -> Term:
    """A new term. ``name`` is its preferred label in ``name_language`` (default: the glossary's);
    ``labels`` (dicts with text, language, kind, subkind) are all its labels.

    With a ``user`` (the admin, the API), the status it starts in is checked against the user's
    role like any transition; without one (imports, the shell) it is taken as given.
    """
    labels = list(labels) if labels is not None else None
    shown = name or _display_name(_label_dicts(labels or []))
    term = Term(slug=slug or unique_slug(Term, shown or "term"))
    if user is not None:
        _transition(term, current=None, status=status, user=user, comment=comment)
    term.status = status
    return _save_term(term, fields, name=name, name_language=name_language, labels=labels, notes=notes,
                      mappings=mappings)


def _refuse_unless_may_edit(user, *statuses: str | None) -> None:
    """With a ``user``: PermissionDenied unless they may change the content of terms in each of
    ``statuses`` (the workflow's rule; None: no term). Without one the change is taken as given."""
    if user is None or workflow.can_review(user):
        return
    for status in statuses:
        problem = status is not None and workflow.edit_error(status=status, may_review=False)
        if problem:
            raise PermissionDenied(problem)


@transaction.atomic
def term_update(
    *,
    term: Term,
    name: str | None = None,
    name_language: str | None = None,
    labels: Iterable[Mapping[str, Any]] | None = None,
    notes: Iterable[Mapping[str, Any]] | None = None,
    mappings: Iterable[Mapping[str, Any]] | None = None,
    user=None,
    comment: str = "",
    versions: Collection[str] | None = None,
    **fields: Any,
) -> Term:
    """Change ``term``; a new ``name`` renames its preferred label; ``labels``, ``notes`` and
    ``mappings``, when given, replace the term's.

    With a ``user``, the workflow applies: a change of ``status`` is a transition
    (`term_transition`'s rule), and other fields change only where the user may edit the term
    (editors: drafts and terms sent back to them). Without one the change is taken as given.
    With ``versions`` (`term_version`), the change is refused (`EditConflict`) unless the term is
    still at one of them: a curator's copy that someone else's change made stale.
    """
    status = fields.pop("status", None)
    row = _stored_term(term, lock=user is not None or versions is not None)
    if user is not None:
        stored = row["status"]
        if fields or any(value is not None for value in (name, labels, notes, mappings)):
            _refuse_unless_may_edit(user, stored)
        if status is not None and status != stored:
            _transition(term, current=stored, status=status, user=user, comment=comment)
        term._history_user = user
    elif status is not None:
        fields["status"] = status
    fields["updated_at"] = timezone.now()
    return _save_term(term, fields, name=name, name_language=name_language,
                      labels=list(labels) if labels is not None else None, notes=notes, mappings=mappings,
                      stored=row, versions=versions)


@transaction.atomic
def term_transition(*, term: Term, status: str, user, comment: str = "",
                    versions: Collection[str] | None = None) -> Term:
    """Move ``term`` to ``status`` (submit, publish, request changes, deprecate, …) as ``user`` may.

    The rule is `glossary.workflow.transition_error`; a refusal is a ValidationError on
    ``status`` and changes nothing. The comment (or the step's name) is the history's reason;
    a request for changes keeps it on the term for its author. With ``versions``, the step is
    refused if the term changed since (a reviewer publishes what they read).
    """
    row = _stored_term(term, lock=True)
    _check_version(term, row, versions)
    current = row["status"]
    _transition(term, current=current, status=status, user=user, comment=comment)
    term.updated_at = timezone.now()
    term.note_publication()
    term.full_clean()
    term.save()
    return term


def _transition(term: Term, *, current: str | None, status: str, user, comment: str) -> None:
    """Check ``current → status`` for ``user`` and set on ``term`` what it changes (not saved)."""
    comment = (comment or "").strip()
    unwritable = rules.text_error(comment)
    if unwritable:
        raise ValidationError({"comment": ValidationError(f"The comment {unwritable}.", code="nul")})
    needed = "glossary.add_term" if current is None else "glossary.change_term"
    if user is not None and not (user.is_active and user.has_perm(needed)):
        raise PermissionDenied("You may not change the status of terms.")
    problem = workflow.transition_error(
        current=current, target=status, may_review=user is None or workflow.can_review(user), comment=comment,
        unpublished_targets=_unpublished_targets(term) if status == TermStatus.PUBLISHED else (),
    )
    if problem:
        raise ValidationError({"status": ValidationError(problem, code="transition")})
    term.status = status
    if status == TermStatus.CHANGES_REQUESTED:
        term.review_comment = comment
    elif status == TermStatus.PUBLISHED:
        term.review_comment = ""
    # django-simple-history records these as the reason and the author of the version the save makes
    # (outside a request too: a script or a task acting for someone).
    term._change_reason = comment or workflow.default_reason(current, status)
    if user is not None:
        term._history_user = user


def _unpublished_targets(term: Term) -> list[str]:
    """Names of the terms readers cannot see that ``term``'s relations point at: its outgoing
    relations, and its symmetric ones either way (stored once, in either direction)."""
    if term.pk is None:
        return []
    public = Term.objects.public()
    ahead = Relation.objects.filter(source_id=term.pk).exclude(target__in=public).values_list("target__name", flat=True)
    beside = (Relation.objects.filter(target_id=term.pk, type__symmetric=True).exclude(source__in=public)
              .values_list("source__name", flat=True))
    return sorted({*ahead, *beside})


@transaction.atomic
def term_delete(*, term: Term, versions: Collection[str] | None = None) -> None:
    """Delete ``term`` and its relations; with ``versions``, only if it has not changed since."""
    if versions is not None:
        _check_version(term, _stored_term(term, lock=True), versions)
    term.delete()


@transaction.atomic
def term_revert(*, term: Term, version, user=None) -> Term:
    """Bring ``term`` back to ``version`` (a `glossary.versions.Version`) through the services above.

    Fields, labels, notes, mappings and relations go back; the workflow status and replacement
    stay as they are (they change by transitions). Every rule applies as to any edit — a relation
    that would now close a cycle refuses the whole revert — and the revert is a new version.
    """
    state = version.state
    with change_set(kind=ChangeSetKind.REVERT, comment=f"Reverted to version {version.number}", user=user):
        fields = {name: state.fields[name] for name in ("notation", "short_definition", "body", "uri")}
        category = state.fields["category_id"]
        fields["category"] = Category.objects.filter(pk=category).first() if category else None
        term_update(
            term=term, user=user, **fields,  # with a user, the workflow's rule: who may change it now
            labels=[dict(zip(LABEL_FIELDS, label)) for label in state.labels],
            notes=[dict(zip(NOTE_FIELDS, note)) for note in state.notes],
            mappings=[dict(zip(MAPPING_FIELDS, mapping)) for mapping in state.mappings],
        )
        _revert_relations(term, state.relations)
    return term


def _revert_relations(term: Term, wanted_rows) -> None:
    """Make the relations at either end of ``term`` exactly ``wanted_rows`` (source, type, target, note ids)."""
    current = {
        (r.source_id, r.type_id, r.target_id): r
        for r in Relation.objects.filter(Q(source=term) | Q(target=term)).select_related("type", "source", "target")
    }
    wanted = {(s, t, o): note for s, t, o, note in wanted_rows}
    for key, relation in current.items():
        if key not in wanted:
            relation_delete(relation=relation)
    missing = [key for key in wanted if key not in current]
    terms = Term.objects.in_bulk({pk for s, _t, o in missing for pk in (s, o)})
    types = RelationType.objects.in_bulk({t for _s, t, _o in missing})
    for key, note in wanted.items():
        if key in current:
            if current[key].note != note:
                relation_update(relation=current[key], note=note)
            continue
        source, type_id, target = key
        if source not in terms or target not in terms or type_id not in types:
            raise ValidationError(
                "A relation of that version links to a term or relation type that no longer exists; "
                "it cannot be brought back.", code="gone",
            )
        relation_create(source=terms[source], type=types[type_id], target=terms[target], note=note)


def _resync_name(term: Term) -> None:
    """After a single label changed: the term's name follows its preferred labels."""
    labels = [{f: getattr(label, f) for f in LABEL_FIELDS} for label in term.labels.all()]
    name = _display_name(labels)
    if not name:
        raise ValidationError({"kind": ValidationError(
            "A term needs a preferred label; make another label preferred first.", code="required"
        )})
    if name != term.name:
        term.name = name
        term.updated_at = timezone.now()
        term.full_clean()
        term.save(update_fields=["name", "updated_at", *NAME_ORDER_FIELDS])
    else:
        _touch(term)


def _touch(term: Term) -> None:
    """One of the term's own rows (a label, note or mapping) changed: so did the term, now — the
    list of changes shows it modified. Only the time moves (the row's own history tells what)."""
    term.updated_at = timezone.now()
    Term.objects.filter(pk=term.pk).update(updated_at=term.updated_at)


@transaction.atomic
def label_create(*, term: Term, text: str, language: str = "", kind: str = LabelKind.ALTERNATIVE,
                 subkind: str = "", user=None) -> Label:
    _refuse_unless_may_edit(user, term.status)
    label = _apply(Label(term=term), {"text": text, "language": language, "kind": kind, "subkind": subkind})
    _resync_name(term)
    return label


@transaction.atomic
def label_update(*, label: Label, user=None, versions: Collection[str] | None = None, **fields: Any) -> Label:
    """Change ``label``; with a ``user``, only where they may edit the term it was on and the term
    it is on now (a label may move); with ``versions`` (`row_version`), only if it has not changed
    since."""
    if user is not None and label.pk:
        stored = Label.objects.filter(pk=label.pk).values_list("term__status", flat=True).first()
        _refuse_unless_may_edit(user, stored, fields.get("term", label.term).status)
    _check_row_version(label, versions)
    _apply(label, fields)
    _resync_name(label.term)
    return label


@transaction.atomic
def label_delete(*, label: Label, user=None, versions: Collection[str] | None = None) -> None:
    term = label.term
    _refuse_unless_may_edit(user, term.status)
    _check_row_version(label, versions)
    label.delete()
    _resync_name(term)


@transaction.atomic
def note_create(*, term: Term, kind: str = NoteKind.NOTE, language: str = "", text: str) -> Note:
    note = _apply(Note(term=term), {"kind": kind, "language": language, "text": text})
    _touch(term)
    return note


@transaction.atomic
def note_update(*, note: Note, **fields: Any) -> Note:
    _apply(note, fields)
    _touch(note.term)
    return note


@transaction.atomic
def note_delete(*, note: Note) -> None:
    note.delete()
    _touch(note.term)


@transaction.atomic
def mapping_create(*, term: Term, kind: str = MappingKind.EXACT, uri: str, label: str = "") -> TermMapping:
    mapping = _apply(TermMapping(term=term), {"kind": kind, "uri": uri, "label": label})
    _touch(term)
    return mapping


@transaction.atomic
def mapping_update(*, mapping: TermMapping, **fields: Any) -> TermMapping:
    _apply(mapping, fields)
    _touch(mapping.term)
    return mapping


@transaction.atomic
def mapping_delete(*, mapping: TermMapping) -> None:
    mapping.delete()
    _touch(mapping.term)


# Relation types -----------------------------------------------------------------------------


@transaction.atomic
def relation_type_create(*, slug: str = "", label: str, inverse_label: str = "", **fields: Any) -> RelationType:
    if fields.get("symmetric") and not inverse_label:
        inverse_label = label
    rtype = RelationType(slug=slug or unique_slug(RelationType, label, max_length=60),
                         label=label, inverse_label=inverse_label)
    return _apply(rtype, fields)


@transaction.atomic
def relation_type_update(*, relation_type: RelationType, versions: Collection[str] | None = None,
                         **fields: Any) -> RelationType:
    """Change ``relation_type``; with ``versions`` (`row_version`), only if it has not changed since."""
    if relation_type.pk:
        # Turning a type acyclic checks its existing relations; no new ones may slip in meanwhile.
        RelationType.objects.select_for_update().filter(pk=relation_type.pk).first()
    _check_row_version(relation_type, versions)
    return _apply(relation_type, fields)


@transaction.atomic
def relation_type_delete(*, relation_type: RelationType, versions: Collection[str] | None = None) -> None:
    _check_row_version(relation_type, versions)
    relation_type.delete()


# Relations ----------------------------------------------------------------------------------


def _lock_types(*types: RelationType | None) -> None:
    ids = sorted({t.pk for t in types if t is not None and t.pk and (t.acyclic or t.symmetric)})
    if ids:
        list(RelationType.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


# A relation's ends and type come as objects, so checking that their rows exist (a query each) and
# running the constraints on them again would only repeat what `Relation.clean` states, by the rules.
RELATION_ENDS = ["source", "type", "target"]


def _apply_relation(relation: Relation, fields: Mapping[str, Any]) -> Relation:
    for name, value in fields.items():
        setattr(relation, name, value)
    relation.full_clean(exclude=RELATION_ENDS)
    relation.save()
    return relation


def _refuse_unless_may_relate(user, *ends: tuple[str, str] | None) -> None:
    """With a ``user``: PermissionDenied unless they may write a relation between terms of each
    ``(source status, target status)`` of ``ends`` (the workflow's rule; None: no relation)."""
    if user is None or workflow.can_review(user):
        return
    for statuses in ends:
        problem = statuses is not None and workflow.relation_edit_error(
            source_status=statuses[0], target_status=statuses[1], may_review=False)
        if problem:
            raise PermissionDenied(problem)


@transaction.atomic
def relation_create(*, source: Term, type: RelationType, target: Term, note: str = "", user=None) -> Relation:
    _refuse_unless_may_relate(user, (source.status, target.status))
    _lock_types(type)
    return _apply_relation(Relation(source=source, type=type, target=target, note=note), {})


@transaction.atomic
def relation_update(*, relation: Relation, user=None, versions: Collection[str] | None = None,
                    **fields: Any) -> Relation:
    """Change ``relation``; with a ``user``, only where they may write it as it was and as it will be;
    with ``versions`` (`row_version`), only if it has not changed since."""
    if user is not None and relation.pk and not workflow.can_review(user):
        stored = Relation.objects.filter(pk=relation.pk).values_list("source__status", "target__status").first()
        ends = (fields.get("source", relation.source).status, fields.get("target", relation.target).status)
        _refuse_unless_may_relate(user, stored, ends)
    previous_type = None
    if relation.pk:
        previous_type = RelationType.objects.filter(relations__pk=relation.pk).first()
    _lock_types(previous_type, fields.get("type", relation.type))
    _check_row_version(relation, versions)
    return _apply_relation(relation, fields)


@transaction.atomic
def relation_delete(*, relation: Relation, user=None, versions: Collection[str] | None = None) -> None:
    _refuse_unless_may_relate(user, (relation.source.status, relation.target.status))
    _check_row_version(relation, versions)
    relation.delete()


# References ---------------------------------------------------------------------------------


def _refuse_unless_may_cite(user, terms: Iterable[Term]) -> None:
    """With a ``user``: PermissionDenied unless they may change what ``terms`` cite (the
    workflow's rule for references). Without one the change is taken as given."""
    if user is None or workflow.can_review(user):
        return
    problem = workflow.reference_edit_error(cited_by=[(term.name, term.status) for term in terms], may_review=False)
    if problem:
        raise PermissionDenied(problem)


REFERENCE_CONTENT = ("title", "url", "kind")


@transaction.atomic
def reference_create(
    *, title: str, url: str, kind: str = ReferenceKind.ARTICLE, terms: Iterable[Term] = (), user=None
) -> Reference:
    terms = list(terms)
    _refuse_unless_may_cite(user, terms)
    reference = _apply(Reference(), {"title": title, "url": url, "kind": kind})
    reference.terms.set(terms)
    return reference


@transaction.atomic
def reference_update(*, reference: Reference, terms: Iterable[Term] | None = None, user=None,
                     versions: Collection[str] | None = None, **fields: Any) -> Reference:
    """Change ``reference``; with a ``user``, only where they may: its content where they may edit
    every term citing it, its citations where they may edit each term gained or lost; with
    ``versions`` (`row_version`), only if it has not changed since."""
    if user is not None and reference.pk and not workflow.can_review(user):
        stored = Reference.objects.filter(pk=reference.pk).values(*REFERENCE_CONTENT).first() or {}
        wanted = {name: fields.get(name, getattr(reference, name)) for name in REFERENCE_CONTENT}
        cited = list(Term.objects.filter(references=reference).only("name", "status"))
        if any(stored.get(name) != value for name, value in wanted.items()):
            _refuse_unless_may_cite(user, cited)
        if terms is not None:
            terms = list(terms)
            _refuse_unless_may_cite(user, set(terms).symmetric_difference(cited))
    _check_row_version(reference, versions)
    _apply(reference, fields)
    if terms is not None:
        reference.terms.set(list(terms))
    return reference


@transaction.atomic
def reference_delete(*, reference: Reference, user=None, versions: Collection[str] | None = None) -> None:
    if user is not None:
        _refuse_unless_may_cite(user, Term.objects.filter(references=reference).only("name", "status"))
    _check_row_version(reference, versions)
    reference.delete()


# Releases -----------------------------------------------------------------------------------

# A release reads the whole public glossary and may store it all: at 100,000 terms that outlasts
# the statement time limit meant for page requests.
RELEASE_STATEMENT_SECONDS = 600


def _release_transaction() -> None:
    """Prepare the running transaction for reading the glossary and writing release entries.

    On PostgreSQL, a transaction of its own reads one consistent glossary (repeatable read: no
    write committed in between makes it see a relation without its term), and the statements
    get a time limit fit for the whole glossary. Writers of entries are serialised.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if len(connection.atomic_blocks) == 1:  # outermost: nothing was read in it yet
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute(f"SET LOCAL statement_timeout = {RELEASE_STATEMENT_SECONDS * 1000}")
    releases.lock_entries()


@transaction.atomic
def release_create(*, name: str, user=None, note: str = "", full: bool = False) -> Release:
    """Publish a named, frozen snapshot of the public glossary: from the latest release and what
    the change log names since, or (when it cannot tell, or ``full``) by reading it whole."""
    _release_transaction()
    release = Release(name=name, note=note, created_by=user if user is not None and user.pk else None)
    release.full_clean(exclude=["manifest", "term_index"])
    releases.fill_release(release, full=full)
    release.save()
    return release


@transaction.atomic
def release_delete(*, release: Release) -> None:
    """Delete a release, and the entries no other release shares."""
    _release_transaction()
    ids = releases.unpack_ids(release.manifest)
    release.delete()
    releases.forget_unused_entries(ids)
