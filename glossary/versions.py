"""Reading a term's history: its versions, its state at each, and the difference between two.

A term's history is every historical row of the term itself, its labels, notes and mappings, and
the relations at either end of it. Rows written by one change set (a request, an import, a
revert) make one version; the term's state at a version is the latest row of each of those
objects up to it — what simple-history's ``as_of`` gives, rebuilt in one pass over rows read
once (a fixed number of queries however long the history).
"""

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from glossary.models import (
    LABEL_FIELDS,
    MAPPING_FIELDS,
    NOTE_FIELDS,
    PUBLIC_STATUSES,
    Category,
    ChangeSet,
    Label,
    Mapping,
    Note,
    Relation,
    RelationType,
    Term,
    sees_unpublished,
)

# The term's own fields a version shows, in order, with how a reader calls them.
TERM_FIELDS = {
    "name": "Name",
    "slug": "Slug",
    "uri": "URI",
    "notation": "Notation",
    "short_definition": "Short definition",
    "body": "Definition",
    "status": "Status",
    "category_id": "Category",
    "replaced_by_id": "Replaced by",
}
# Long texts are compared word by word.
WORDY_FIELDS = ("short_definition", "body")
LABEL_KEY, NOTE_KEY, MAPPING_KEY = LABEL_FIELDS, NOTE_FIELDS, MAPPING_FIELDS


@dataclass(frozen=True)
class TermState:
    """A term as it was: its fields and the sets of its labels, notes, mappings and relations."""

    fields: dict
    labels: frozenset = frozenset()
    notes: frozenset = frozenset()
    mappings: frozenset = frozenset()
    # (source id, type id, target id, note)
    relations: frozenset = frozenset()

    @property
    def is_public(self) -> bool:
        return self.fields.get("status") in PUBLIC_STATUSES


@dataclass
class Version:
    """One change set's worth of changes to a term, and the term's state after it."""

    number: int
    date: datetime
    user: object
    reason: str
    change_set: ChangeSet | None
    changed: list[str]
    state: TermState

    @property
    def is_public(self) -> bool:
        return self.state.is_public


def history_term_get(*, slug: str, user) -> Term:
    """The term whose history ``user`` asks for: one they may see (with its labels, for its name)."""
    return get_object_or_404(Term.objects.visible_to(user).prefetch_related("labels"), slug=slug)


def version_visible_to(version: Version, user) -> bool:
    """Readers see the versions in which the term was public; staff see every version."""
    return version.is_public or sees_unpublished(user)


@dataclass
class _Row:
    what: str  # term, label, note, mapping, relation
    row: object

    @property
    def group(self):
        row = self.row
        # Without a change set, rows of one moment (a bulk write, the baseline) are one version.
        return ("set", row.change_set_id) if row.change_set_id else (row.history_date, row.history_user_id)


def _rows(term_id: int) -> list[_Row]:
    """Every historical row of the term and of what hangs on it, oldest first (five queries)."""
    def read(model, what, condition):
        rows = model.history.filter(condition).select_related("history_user", "change_set")
        return [_Row(what, row) for row in rows]

    rows = (read(Term, "term", Q(id=term_id)) + read(Label, "label", Q(term_id=term_id))
            + read(Note, "note", Q(term_id=term_id)) + read(Mapping, "mapping", Q(term_id=term_id))
            + read(Relation, "relation", Q(source_id=term_id) | Q(target_id=term_id)))
    return sorted(rows, key=lambda r: (r.row.history_date, r.row.history_id))


def last_change(term_id: int) -> tuple[datetime | None, object]:
    """When the term's own content (its row, labels, notes, mappings) last changed, and by whom
    (None when unknown): the latest of its historical rows (four small reads)."""
    latest = [
        model.history.filter(condition).select_related("history_user").order_by("-history_date", "-history_id").first()
        for model, condition in ((Term, Q(id=term_id)), (Label, Q(term_id=term_id)), (Note, Q(term_id=term_id)),
                                 (Mapping, Q(term_id=term_id)))
    ]
    rows = [row for row in latest if row is not None]
    if not rows:
        return None, None
    row = max(rows, key=lambda r: r.history_date)
    return row.history_date, row.history_user


def _state(latest: dict) -> TermState:
    """The state made of the latest historical row of each object (deleted ones left out)."""
    alive = {key: row for key, row in latest.items() if row.history_type != "-"}

    def rows(what, names):
        return frozenset(tuple(getattr(row, n) for n in names) for (kind, _), row in alive.items() if kind == what)

    term = alive.get(("term", None))
    return TermState(
        fields={name: getattr(term, name) for name in TERM_FIELDS} if term else {},
        labels=rows("label", LABEL_KEY),
        notes=rows("note", NOTE_KEY),
        mappings=rows("mapping", MAPPING_KEY),
        relations=rows("relation", ("source_id", "type_id", "target_id", "note")),
    )


_CHANGE_WORDS = {"+": "added", "~": "changed", "-": "removed"}


def _key(what: str, row) -> tuple:
    return (what, None if what == "term" else row.id)


# What a row must hold for `_state`, per kind of object (besides history_type).
_STATE_FIELDS = {
    "term": tuple(TERM_FIELDS),
    "label": LABEL_KEY,
    "note": NOTE_KEY,
    "mapping": MAPPING_KEY,
    "relation": ("source_id", "type_id", "target_id", "note"),
}


def _existing(what: str, row) -> SimpleNamespace:
    """``row``'s values as an object that existed (history type "~")."""
    return SimpleNamespace(**{name: getattr(row, name) for name in _STATE_FIELDS[what]}, history_type="~")


def _baseline(term: Term, rows: list[_Row]) -> dict:
    """What already existed before the first recorded version (four queries).

    Rows written without signals before the history began (loaddata, bulk loads, data from before
    history was recorded) have no historical row, or a first one that is not "created": they
    existed before, as they are now or as that first row shows them.
    """
    first = {}
    for r in rows:
        first.setdefault(_key(r.what, r.row), r)
    baseline = {key: _existing(r.what, r.row) for key, r in first.items() if r.row.history_type != "+"}
    current = [("term", term)]
    for what, model, condition in (("label", Label, Q(term_id=term.pk)), ("note", Note, Q(term_id=term.pk)),
                                   ("mapping", Mapping, Q(term_id=term.pk)),
                                   ("relation", Relation, Q(source_id=term.pk) | Q(target_id=term.pk))):
        current += [(what, SimpleNamespace(**values))
                    for values in model.objects.filter(condition).values("id", *_STATE_FIELDS[what])]
    for what, row in current:
        if _key(what, row) not in first:
            baseline[_key(what, row)] = _existing(what, row)
    return baseline


def term_versions(term: Term) -> list[Version]:
    """Every version of ``term``, oldest first, numbered from 1 (0: as it was before its history began)."""
    rows = _rows(term.pk)
    groups: dict = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    latest = _baseline(term, rows)
    versions = []
    if not any(r.what == "term" for r in rows):
        # The term itself has not changed since its history began (it came in raw, without
        # signals): as it is now, it is version 0.
        versions.append(Version(number=0, date=None, user=None, reason="As it was when its history began",
                                change_set=None, changed=[], state=_state(latest)))
    offset = 0 if versions else 1
    for rows in sorted(groups.values(), key=lambda rows: (rows[0].row.history_date, rows[0].row.history_id)):
        changed = []
        for r in rows:
            latest[_key(r.what, r.row)] = r.row
            words = f"{r.what} {_CHANGE_WORDS.get(r.row.history_type, 'changed')}"
            if words not in changed:
                changed.append(words)
        last = rows[-1].row
        reason = next((r.row.history_change_reason for r in rows if r.row.history_change_reason), "")
        user = next((r.row.history_user for r in rows if r.row.history_user_id), None)
        versions.append(Version(number=len(versions) + offset, date=last.history_date, user=user, reason=reason,
                                change_set=last.change_set, changed=changed, state=_state(latest)))
    return versions


def visible_versions(term: Term, user) -> list[Version]:
    """The versions of ``term`` that ``user`` may see (`version_visible_to`), newest first."""
    return [v for v in reversed(term_versions(term)) if version_visible_to(v, user)]


def version_get(versions: list[Version], number) -> Version:
    """The version numbered ``number`` among ``versions``; 404 when there is none."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Http404("No such version.") from None
    for version in versions:
        if version.number == number:
            return version
    raise Http404("No such version.")


# Differences ---------------------------------------------------------------------------------

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``old`` → ``new`` as (op, text) pieces, op one of equal / delete / insert, word by word."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", "".join(b[j1:j2])))
    return pieces


@dataclass
class Names:
    """What the ids in states are called, looked up once for a diff (three queries)."""

    terms: dict = field(default_factory=dict)  # id → (slug, name), only terms the reader may see
    categories: dict = field(default_factory=dict)
    types: dict = field(default_factory=dict)  # id → (label, inverse label)

    @classmethod
    def of(cls, states: list[TermState], term: Term, user) -> "Names":
        term_ids, category_ids = set(), set()
        for state in states:
            term_ids.update(pk for s, _t, o, _n in state.relations for pk in (s, o))
            term_ids.add(state.fields.get("replaced_by_id"))
            category_ids.add(state.fields.get("category_id"))
        type_ids = {t for state in states for _s, t, _o, _n in state.relations}
        terms = Term.objects.visible_to(user).filter(pk__in=term_ids - {None}).values_list("pk", "slug", "name")
        return cls(
            terms={pk: (slug, name) for pk, slug, name in terms} | {term.pk: (term.slug, term.name)},
            categories=dict(Category.objects.filter(pk__in=category_ids - {None}).values_list("pk", "name")),
            types={pk: (label, inverse) for pk, label, inverse in
                   RelationType.objects.filter(pk__in=type_ids).values_list("pk", "label", "inverse_label")},
        )

    def relation(self, term_id: int, relation: tuple) -> dict | None:
        """A relation as the term's page reads it (from this term), or None if the reader may not see its other end."""
        source, type_id, target, note = relation
        outgoing = source == term_id
        other = self.terms.get(target if outgoing else source)
        if other is None:
            return None
        label, inverse = self.types.get(type_id, ("(removed relation type)",) * 2)
        return {"direction": "out" if outgoing else "in", "type": label if outgoing else inverse,
                "term": {"slug": other[0], "name": other[1]}, "note": note}

    def value(self, name: str, value):
        if name == "category_id":
            return self.categories.get(value, "") if value else ""
        if name == "replaced_by_id":
            return self.terms.get(value, ("", ""))[1] if value else ""
        return "" if value is None else value


def _added_removed(old: frozenset, new: frozenset, names: tuple) -> dict:
    def rows(items):
        return [dict(zip(names, item)) for item in sorted(items, key=lambda item: tuple(map(str, item)))]

    return {"added": rows(new - old), "removed": rows(old - new)}


def version_diff(term: Term, old: Version, new: Version, names: Names) -> dict:
    """What changed from version ``old`` to version ``new`` of ``term``."""
    fields = []
    for name, label in TERM_FIELDS.items():
        before, after = names.value(name, old.state.fields.get(name)), names.value(name, new.state.fields.get(name))
        if before == after:
            continue
        change = {"field": name.removesuffix("_id"), "label": label, "old": before, "new": after}
        if name in WORDY_FIELDS:
            change["words"] = [{"op": op, "text": text} for op, text in word_diff(before, after)]
        fields.append(change)

    def relations(items):
        shown = (names.relation(term.pk, item) for item in items)
        return sorted((r for r in shown if r), key=lambda r: (r["type"], r["term"]["name"].lower()))

    return {
        "from": old.number,
        "to": new.number,
        "fields": fields,
        "labels": _added_removed(old.state.labels, new.state.labels, LABEL_KEY),
        "notes": _added_removed(old.state.notes, new.state.notes, NOTE_KEY),
        "mappings": _added_removed(old.state.mappings, new.state.mappings, MAPPING_KEY),
        "relations": {
            "added": relations(new.state.relations - old.state.relations),
            "removed": relations(old.state.relations - new.state.relations),
        },
    }


def empty_version() -> Version:
    """The state before a term existed, to diff its first version against."""
    return Version(number=0, date=None, user=None, reason="", change_set=None, changed=[],
                   state=TermState(fields={}))


def may_revert(user) -> bool:
    """Reverting is an edit by staff: staff who may change terms."""
    return sees_unpublished(user) and user.has_perm("glossary.change_term")


def diff_between(term: Term, versions: list[Version], user, old=None, new=None) -> dict:
    """The diff of ``term`` from version ``old`` to ``new`` among the ``versions`` ``user`` may see.

    ``new`` defaults to the newest, ``old`` to the one before ``new`` (0: before the term existed).
    Http404 for a number that is not one of them.
    """
    if not versions:
        raise Http404("No such version.")
    newer = version_get(versions, new) if new not in (None, "") else versions[0]
    if old in (None, ""):
        older = next((v for v in versions if v.number < newer.number), empty_version())
    elif str(old) == "0" and not any(v.number == 0 for v in versions):
        older = empty_version()
    else:
        older = version_get(versions, old)
    names = Names.of([older.state, newer.state], term, user)
    return version_diff(term, older, newer, names) | {"old": older, "new": newer}
