"""Releases: frozen snapshots of the public glossary, stored once however many there are.

Storage. A release's content is the export snapshot of the public glossary
(`glossary_snapshot(terms=Term.objects.public())`, the export's one visibility rule) cut into
entries: one per term (with its labels, notes, mappings and the URLs of its references), one
per term's outgoing relations, one per category, relation type and reference. Each entry is
canonical JSON keyed by a hash of its kind and text (`ReleaseEntry.digest`), so an entry that
did not change since any earlier release is not stored again: a release of an unchanged
glossary adds no entry at all.

Manifest. A release lists its entries by id, as runs of consecutive ids (gap, length),
zlib-compressed. Entries stored together get consecutive ids, so the first release of a
glossary is one run (a few bytes whatever its size), and a release that changed 1 % of it
splits the runs where the changed entries were replaced: a few thousand runs, a few kilobytes.
There is no join table of (release, entry) rows growing with every release.

Diff. Two manifests are compared as sets of ids: an entry in both is unchanged (equal ids mean
equal content), so only the entries in one of them are read, and paired by their key into
added, removed and changed. "current" is the glossary now: its snapshot is cut into entries the
same way and their digests looked up among the stored ones.

Incremental. A release also stores the change log position it was read at and a term index (per
public term: its entries' ids and its replacement), so the next release, and "current", recompute
only the terms the log names since the latest release (`incremental_state`) and reuse every other
entry id; when the log cannot tell, the whole glossary is read (`full_state`).

Relations are grouped per source term rather than stored one per row: a relation row of its own
would cost more in row overhead and hash index than its content, and the diff still names each
relation added, removed or changed (the groups that differ are compared relation by relation).
"""

import hashlib
import itertools
import json
import sys
import zlib
from array import array
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from glossary.exchange.document import (
    CATEGORY_FIELDS,
    FORMAT_NAME,
    FORMAT_VERSION,
    NESTED_FIELDS,
    REFERENCE_FIELDS,
    RELATION_FIELDS,
    RELATION_TYPE_FIELDS,
    TERM_FIELDS,
)
from glossary.exchange.snapshot import category_data, glossary_snapshot, relation_type_data, with_parents
from glossary.exchange.write import insert_rows
from glossary.language import best_tag
from glossary.models import (
    CURRENT, Category, Change, ChangeAction, ChangeKind, Reference, Relation, RelationType, Release, ReleaseEntry,
    ReleaseEntryKind, Term,
)

Kind = ReleaseEntryKind
BATCH = 5000
# Ids in a run at least this long are read with one range condition instead of listing each.
RANGE_MIN = 64
# Fields whose change alone does not make a term (relation) "changed" for a reader: a save that
# changed nothing else, or a relation deleted and made again.
STAMPS = ("created_at", "updated_at")
SECTION_OF = {
    Kind.TERM: "terms", Kind.RELATIONS: "relations", Kind.RELATION_TYPE: "relation_types",
    Kind.CATEGORY: "categories", Kind.REFERENCE: "references",
}
SECTIONS = ("terms", "relations", "relation_types", "categories", "references")
# What names an item of each section in a diff, besides its key.
TITLE_FIELD = {"terms": "name", "relation_types": "label", "categories": "name", "references": "title"}
KEY_FIELD = {"terms": "slug", "relation_types": "slug", "categories": "slug", "references": "url"}
RELATION_ITEM_FIELDS = ("type", "target", "note", "created_at")


# Entries ------------------------------------------------------------------------------------


def canonical(data) -> str:
    """The one text of ``data`` that is hashed and stored: sorted keys, no spaces."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# Entries are small (a few hundred bytes of JSON), too small for zlib to find much to share
# within one, so they are compressed against a preset dictionary of what they all hold: the
# field names and usual values of our JSON format. Stored content starts with its format byte;
# a new dictionary would be a new format, never a change to this one.
CONTENT_FORMAT = b"\x01"
ZDICT = (
    '{"color":"#","description":"","name":"","slug":""}'
    '{"acyclic":false,"color":"#","description":"","inverse_label":"","label":"","skos_mapping":"none",'
    '"slug":"","symmetric":false,"transitive":false}'
    '{"kind":"article","title":"","url":"https://"}'
    '[{"created_at":"2026-01-01T00:00:00.000000+00:00","note":"","target":"","type":"is-a"},'
    '{"created_at":"2026-01-01T00:00:00.000000+00:00","note":"","target":"","type":"related-to"}]'
    '{"body":"","category":null,"created_at":"2026-01-01T00:00:00.000000+00:00","labels":['
    '{"kind":"alternative","language":"en","subkind":"abbreviation","text":""},'
    '{"kind":"hidden","language":"en","subkind":"misspelling","text":""},'
    '{"kind":"preferred","language":"en","subkind":"","text":""}],'
    '"mappings":[{"kind":"exact","label":"","uri":"http://www.wikidata.org/entity/"}],"name":"","notation":"",'
    '"notes":[{"kind":"definition","language":"en","text":""},{"kind":"scope_note","language":"en","text":""}],'
    '"references":["https://"],"replaced_by":null,"short_definition":"","slug":"","status":"published",'
    '"updated_at":"2026-01-01T00:00:00.000000+00:00","uri":null}'
).encode()


def compress(text: str) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, ZDICT)
    return CONTENT_FORMAT + packer.compress(text.encode()) + packer.flush()


def decompress(content: bytes) -> str:
    content = bytes(content)
    if content[:1] != CONTENT_FORMAT:
        raise ValueError(f"unknown release entry format {content[:1]!r}")
    unpacker = zlib.decompressobj(-15, zdict=ZDICT)
    return (unpacker.decompress(content[1:]) + unpacker.flush()).decode()


@dataclass(frozen=True)
class Entry:
    kind: int
    key: str
    text: str
    digest: bytes


def make_entry(kind: int, key: str, data) -> Entry:
    text = canonical(data)
    # The key too: two terms' relations may have the same text (the same targets, notes and times)
    # and must still be two entries, each under its own source.
    digest = hashlib.blake2b(f"{int(kind)}\n{key}\n{text}".encode(), digest_size=16).digest()
    return Entry(int(kind), key, text, digest)


def snapshot_entries(snapshot: dict) -> list[Entry]:
    """The entries a snapshot (the JSON export's dict) is stored as."""
    reference_urls = defaultdict(list)
    for reference in snapshot["references"]:
        for slug in reference["terms"]:
            reference_urls[slug].append(reference["url"])
    entries = [make_entry(Kind.CATEGORY, c["slug"], c) for c in snapshot["categories"]]
    entries += [make_entry(Kind.RELATION_TYPE, t["slug"], t) for t in snapshot["relation_types"]]
    entries += [
        make_entry(Kind.TERM, t["slug"], {**t, "references": sorted(reference_urls.get(t["slug"], []))})
        for t in snapshot["terms"]
    ]
    for source, relations in itertools.groupby(snapshot["relations"], key=lambda r: r["source"]):
        group = [{f: r[f] for f in RELATION_ITEM_FIELDS} for r in relations]
        entries.append(make_entry(Kind.RELATIONS, source, group))
    entries += [
        make_entry(Kind.REFERENCE, r["url"], {f: r[f] for f in REFERENCE_FIELDS if f != "terms"})
        for r in snapshot["references"]
    ]
    return entries


def _ordered(data: dict, fields) -> dict:
    return {f: data[f] for f in fields if f in data}


def snapshot_from_entries(rows) -> dict:
    """The export snapshot (what `glossary_snapshot` returns) from (kind, key, content) rows.

    Fields come back in the export's order and rows sorted by their keys, so the writers
    produce the files an export of the glossary at that moment would have.
    """
    by_kind = defaultdict(list)
    for kind, key, content in rows:
        by_kind[kind].append((key, json.loads(decompress(content))))
    for items in by_kind.values():
        items.sort(key=lambda item: item[0])
    reference_terms = defaultdict(list)
    terms = []
    for slug, data in by_kind[Kind.TERM]:
        for url in data.pop("references"):
            reference_terms[url].append(slug)
        for name, fields in NESTED_FIELDS.items():
            data[name] = [_ordered(row, fields) for row in data[name]]
        terms.append(_ordered(data, TERM_FIELDS))
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "categories": [_ordered(data, CATEGORY_FIELDS) for _, data in by_kind[Kind.CATEGORY]],
        "relation_types": [_ordered(data, RELATION_TYPE_FIELDS) for _, data in by_kind[Kind.RELATION_TYPE]],
        "terms": terms,
        "relations": [
            _ordered({"source": source, **relation}, RELATION_FIELDS)
            for source, group in by_kind[Kind.RELATIONS] for relation in group
        ],
        "references": [
            _ordered({**data, "terms": sorted(reference_terms[url])}, REFERENCE_FIELDS)
            for url, data in by_kind[Kind.REFERENCE]
        ],
    }


# Manifests ----------------------------------------------------------------------------------


def _runs(ids):
    """(first, last) of each run of consecutive numbers in sorted ``ids``."""
    for _, run in itertools.groupby(enumerate(ids), key=lambda pair: pair[1] - pair[0]):
        run = [i for _, i in run]
        yield run[0], run[-1]


def pack_ids(ids) -> bytes:
    """Entry ids as a manifest: runs of consecutive ids as (gap since the last run, length) pairs
    of little-endian 64-bit integers, zlib-compressed."""
    numbers, end = array("Q"), 0
    for first, last in _runs(sorted(set(ids))):
        numbers.extend((first - end, last - first + 1))
        end = last + 1
    if sys.byteorder == "big":
        numbers.byteswap()
    return zlib.compress(numbers.tobytes(), 9)


def unpack_ids(manifest: bytes) -> list[int]:
    """The sorted entry ids a manifest lists."""
    numbers = array("Q")
    numbers.frombytes(zlib.decompress(bytes(manifest)))
    if sys.byteorder == "big":
        numbers.byteswap()
    ids, end = [], 0
    for gap, length in zip(numbers[::2], numbers[1::2]):
        ids.extend(range(end + gap, end + gap + length))
        end += gap + length
    return ids


def _id_filters(ids):
    """Filters that together select ``ids`` (sorted), each small enough for one query.

    Long runs of consecutive ids (entries stored by one release) become one range each.
    """
    singles, ranges = [], []
    for first, last in _runs(ids):
        if last - first + 1 >= RANGE_MIN:
            ranges.append(Q(pk__range=(first, last)))
        else:
            singles.extend(range(first, last + 1))
    for start in range(0, len(ranges), 100):
        yield _any(ranges[start:start + 100])
    for start in range(0, len(singles), BATCH):
        yield Q(pk__in=singles[start:start + BATCH])


def _any(filters):
    combined = Q()
    for condition in filters:
        combined |= condition
    return combined


def read_entries(ids, *fields):
    """Rows of ``fields`` of the entries with these ids (any order)."""
    for condition in _id_filters(sorted(ids)):
        yield from ReleaseEntry.objects.filter(condition).values_list(*fields).iterator(chunk_size=BATCH)


def known_ids(digests) -> dict[bytes, int]:
    """digest → id of the stored entries among ``digests``."""
    found = {}
    digests = list(digests)
    for start in range(0, len(digests), BATCH):
        rows = ReleaseEntry.objects.filter(digest__in=digests[start:start + BATCH]).values_list("digest", "pk")
        found.update((bytes(digest), pk) for digest, pk in rows)
    return found


def digests_of(ids) -> dict[bytes, int]:
    """digest → id of the entries with these ids (a release's, read by runs of ids)."""
    return {bytes(digest): pk for digest, pk in read_entries(ids, "digest", "pk")}


def store_entries(entries, *, hint=()) -> tuple[list[int], int, int]:
    """(ids of ``entries``, how many had to be stored, their bytes): what is stored is not again.

    ``hint`` are the ids of entries most of them probably are (the latest release's): read by
    runs, they cost far less than looking each digest up. The new entries get the ids after the
    largest one; only writers of entries insert them, one at a time (`lock_entries`).
    """
    known = digests_of(hint)
    rest = [e.digest for e in entries if e.digest not in known]
    if rest and (known or ReleaseEntry.objects.exists()):  # an older release may hold some of them
        known.update(known_ids(rest))
    new = [e for e in entries if e.digest not in known]
    last = ReleaseEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rows = [(e.digest, e.kind, e.key, compress(e.text)) for e in new]
    insert_rows(ReleaseEntry, ["digest", "kind", "key", "content"], rows)
    known.update((bytes(digest), pk) for digest, pk in
                 ReleaseEntry.objects.filter(pk__gt=last).values_list("digest", "pk").iterator(chunk_size=BATCH))
    stored = sum(len(digest) + len(key.encode()) + len(content) for digest, _, key, content in rows)
    return [known[e.digest] for e in entries], len(rows), stored


def lock_entries() -> None:
    """Serialise writers of entries (PostgreSQL): two releases storing one new entry at once
    would otherwise both insert it. Readers are not blocked."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(ReleaseEntry._meta.db_table)} IN EXCLUSIVE MODE")


def fill_release(release: Release, *, full: bool = False) -> None:
    """Snapshot the public glossary into ``release`` (not saved): its manifest, index, log position
    and counts. From the latest release and the change log since when they tell what changed
    (`incremental_state`), else (or with ``full``) by reading the whole public glossary."""
    release.seq, release.open_txids = log_position()
    latest = Release.objects.first()
    state = None if full or latest is None else incremental_state(latest)
    if state is None:
        state = full_state()
        hint = unpack_ids(latest.manifest) if latest else ()
    else:
        hint = state.dropped
    fresh = state.fresh_entries()
    ids, new_count, new_bytes = store_entries(fresh, hint=hint)
    id_of = {entry.digest: pk for entry, pk in zip(fresh, ids)}
    index = dict(state.kept)
    for pk, (term, relations, replacement) in state.fresh.items():
        index[pk] = (id_of[term.digest], id_of[relations.digest] if relations else 0, replacement)
    listed = {i for row in index.values() for i in row[:2] if i} | {id_of[e.digest] for e in state.tables}
    release.manifest = pack_ids(listed)
    release.term_index = pack_index(index)
    release.term_count = len(index)
    release.relation_count = state.relation_count
    release.entry_count = len(listed)
    release.new_entry_count = new_count
    release.new_entry_bytes = new_bytes


def forget_unused_entries(ids) -> int:
    """Delete those of ``ids`` that no release lists any more; return how many."""
    used = set()
    for manifest in Release.objects.values_list("manifest", flat=True).iterator(chunk_size=10):
        used.update(unpack_ids(manifest))
    unused = sorted(set(ids) - used)
    table = connection.ops.quote_name(ReleaseEntry._meta.db_table)
    with connection.cursor() as cursor:
        # Plain SQL: the ORM would load every row to send delete signals nobody needs here.
        for start in range(0, len(unused), BATCH):
            batch = unused[start:start + BATCH]
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(batch))})", batch)
    return len(unused)


def release_snapshot(release: Release) -> dict:
    """The release as the export snapshot the writers take."""
    return snapshot_from_entries(read_entries(unpack_ids(release.manifest), "kind", "key", "content"))


# The public glossary now, whole or from the latest release and the change log ----------------

# Recomputing more terms than this share of the glossary (at least FULL_AFTER_MIN): read it whole.
FULL_AFTER_SHARE = 0.25
FULL_AFTER_MIN = 1000


@dataclass
class State:
    """The public glossary now as entries.

    ``kept``: the public terms whose entries the latest release holds unchanged, as index rows
    (`pack_index`); ``fresh``: the public terms read now, pk → (term entry, relations entry or
    None, replacement's pk or 0); ``tables``: the category, relation type and reference entries;
    ``dropped``: the latest release's ids that may have been replaced (where to look first for
    entries already stored); ``terms``: the fresh terms' data by slug.
    """

    kept: dict
    fresh: dict
    tables: list
    relation_count: int
    terms: dict
    dropped: list = field(default_factory=list)
    full: bool = True

    def fresh_entries(self) -> list[Entry]:
        entries = list(self.tables)
        for term, relations, _ in self.fresh.values():
            entries.append(term)
            if relations is not None:
                entries.append(relations)
        return entries


def _split(snapshot: dict, chosen) -> tuple[dict, list]:
    """(pk → (term entry, relations entry or None, replacement pk or 0), the other entries) of a
    snapshot of the ``chosen`` terms."""
    by_key = {(e.kind, e.key): e for e in snapshot_entries(snapshot)}
    fresh = {}
    for pk, slug, replacement in chosen.values_list("pk", "slug", "replaced_by_id").iterator(chunk_size=BATCH):
        term = by_key.pop((Kind.TERM, slug), None)
        if term is not None:
            fresh[pk] = (term, by_key.pop((Kind.RELATIONS, slug), None), replacement or 0)
    return fresh, [e for e in by_key.values() if e.kind not in (Kind.TERM, Kind.RELATIONS)]


def full_state() -> State:
    """The whole public glossary, read as the export reads it."""
    public = Term.objects.public()
    snapshot = glossary_snapshot(terms=public)
    fresh, tables = _split(snapshot, public)
    return State(kept={}, fresh=fresh, tables=tables, relation_count=len(snapshot["relations"]),
                 terms={t["slug"]: t for t in snapshot["terms"]})


def public_tables() -> list[Entry]:
    """The category, relation type and reference entries of the public glossary — those its public
    terms use, as in `full_state` — read without reading the terms."""
    public = Term.objects.public()
    in_use = Category.objects.filter(pk__in=public.values("category_id")).values_list("slug", flat=True)
    categories = Category.objects.filter(slug__in=with_parents(in_use)).select_related("parent").order_by("slug")
    used = Relation.objects.filter(type=OuterRef("pk"), source__in=public.values("pk"), target__in=public.values("pk"))
    relation_types = RelationType.objects.filter(Exists(used)).order_by("slug")
    linked = Reference.terms.through.objects.filter(reference=OuterRef("pk"), term__in=public.values("pk"))
    fields = [f for f in REFERENCE_FIELDS if f != "terms"]
    references = Reference.objects.filter(Exists(linked)).order_by("url").values(*fields)
    return (
        [make_entry(Kind.CATEGORY, c.slug, category_data(c)) for c in categories]
        + [make_entry(Kind.RELATION_TYPE, t.slug, relation_type_data(t)) for t in relation_types]
        + [make_entry(Kind.REFERENCE, r["url"], r) for r in references]
    )


def _chunks(values):
    values = sorted(v for v in values if v is not None)
    for start in range(0, len(values), BATCH):
        yield values[start:start + BATCH]


def _pks(queryset, field_name: str, values, column: str = "pk") -> set:
    """``column`` of the rows of ``queryset`` whose ``field_name`` is among ``values``."""
    found = set()
    for chunk in _chunks(values):
        found.update(queryset.filter(**{f"{field_name}__in": chunk}).values_list(column, flat=True))
    return found


def changed_terms(base: Release) -> set | None:
    """Pks of the terms whose entries may differ from ``base``'s, from the change log since it was
    taken; None when the log cannot tell: trimmed past it, an import (a "bulk" entry) or a deleted
    category (its terms lose it without an entry of their own) since, or no position stored."""
    if base.seq is None:
        return None
    since = Q(seq__gt=base.seq)
    if base.open_txids:  # writers running when it was taken: their entries may have smaller seqs
        since |= Q(seq__lte=base.seq, txid__in=base.open_txids)
    if base.seq and not Change.objects.filter(seq__lte=base.seq).exists():
        return None
    terms, categories, relation_types, others = set(), set(), set(), set()
    rows = Change.objects.filter(since).values_list("kind", "action", "object_id", "source_id", "target_id")
    for kind, action, object_id, source_id, target_id in rows.iterator(chunk_size=BATCH):
        if kind in (ChangeKind.BULK, ChangeKind.TRIM):
            return None
        if kind == ChangeKind.TERM:
            terms.add(object_id)
        elif kind == ChangeKind.RELATION:
            terms.update((source_id, target_id))
        elif kind == ChangeKind.CATEGORY:
            if action == ChangeAction.REMOVED:
                return None
            categories.add(object_id)
        elif kind == ChangeKind.RELATION_TYPE:
            relation_types.add(object_id)  # its slug is in the relations of that type
        else:
            others.add(object_id)  # maybe a reference: its URL is in its terms' entries
    terms |= _pks(Term.objects.all(), "category_id", categories)
    terms |= _pks(Relation.objects.all(), "type_id", relation_types, "source_id")
    terms |= _pks(Reference.terms.through.objects.all(), "reference_id", others, "term_id")
    terms.discard(None)
    return terms


def _renamed_or_shown_or_hidden(terms, index) -> set:
    """Those of ``terms`` whose slug or visibility may differ from ``index``'s release: the ones
    other terms' entries name (a relation's target, a replacement) only while public, by slug."""
    then = {}
    for chunk in _chunks(index[pk][0] for pk in terms if pk in index):
        then.update(ReleaseEntry.objects.filter(pk__in=chunk).values_list("pk", "key"))
    now = {}
    for chunk in _chunks(terms):
        now.update(Term.objects.public().filter(pk__in=chunk).values_list("pk", "slug"))
    return {pk for pk in terms if now.get(pk) != (then.get(index[pk][0]) if pk in index else None)}


def incremental_state(base: Release) -> State | None:
    """The public glossary now from ``base`` (the latest release): its entries of the terms the
    change log names since are recomputed, the small tables always, every other entry is reused.
    None when the log cannot tell what changed, or names too much of the glossary."""
    terms = changed_terms(base)
    if terms is None:
        return None
    index = unpack_index(base.term_index)
    # A term's entries name the terms its relations and its replacement point at, by slug and
    # while those are public: whoever points at a term renamed, shown or hidden is recomputed too
    # (once: nothing names them). Replacements from the index: one deleted since cleared its
    # terms' rows without an entry of theirs (a replacement set since is a change of the term).
    moved = _renamed_or_shown_or_hidden(terms, index)
    terms |= _pks(Relation.objects.all(), "target_id", moved, "source_id")
    terms |= {pk for pk, (_, _, replacement) in index.items() if replacement in moved}
    if len(terms) > max(FULL_AFTER_MIN, FULL_AFTER_SHARE * len(index)):
        return None
    indexed = {i for row in index.values() for i in row[:2] if i}
    dropped = [i for i in unpack_ids(base.manifest) if i not in indexed]  # the small tables
    old_relations = []
    for pk in terms:
        row = index.pop(pk, None)
        if row is not None:
            dropped.extend(i for i in row[:2] if i)
            if row[1]:
                old_relations.append(row[1])
    fresh = {}
    if terms:
        public = Term.objects.public()
        chosen = public.filter(pk__in=sorted(terms))
        fresh, _ = _split(glossary_snapshot(terms=chosen, targets=public), chosen)
    relation_count = base.relation_count + sum(len(json.loads(r.text)) for _, r, _ in fresh.values() if r)
    relation_count -= sum(len(json.loads(decompress(c))) for (c,) in read_entries(old_relations, "content"))
    return State(
        kept=index, fresh=fresh, tables=public_tables(), relation_count=relation_count, dropped=dropped,
        terms={term.key: json.loads(term.text) for term, _, _ in fresh.values()}, full=False,
    )


def log_position() -> tuple[int, list]:
    """The last change log entry this transaction sees and, on PostgreSQL, the writers running at
    its snapshot (their entries, committed later, may have smaller seqs): one statement."""
    table = connection.ops.quote_name(Change._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT (SELECT max(seq) FROM {table}),"
                " ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(pg_current_snapshot()) AS x)"
            )
            seq, open_txids = cursor.fetchone()
        else:
            cursor.execute(f"SELECT max(seq) FROM {table}")
            seq, open_txids = cursor.fetchone()[0], []
    return seq or 0, sorted(open_txids)


def pack_index(index: dict) -> bytes:
    """A release's term index — term pk → (its entry's id, its relations entry's id or 0, its
    replacement's pk or 0) — as four columns in pk order, each delta-coded, zlib-compressed."""
    pks = sorted(index)
    numbers = array("q")
    for column in (pks, *([index[pk][i] for pk in pks] for i in range(3))):
        numbers.extend(b - a for a, b in zip([0, *column], column))
    if sys.byteorder == "big":
        numbers.byteswap()
    return zlib.compress(numbers.tobytes(), 9)


def unpack_index(data: bytes) -> dict:
    numbers = array("q")
    numbers.frombytes(zlib.decompress(bytes(data)))
    if sys.byteorder == "big":
        numbers.byteswap()
    count = len(numbers) // 4
    columns = [itertools.accumulate(numbers[i * count:(i + 1) * count]) for i in range(4)]
    return {pk: (term, relations, replacement) for pk, term, relations, replacement in zip(*columns)}


# Diff ---------------------------------------------------------------------------------------


@dataclass
class Side:
    """One end of a comparison: a release, or the glossary now (``release`` None)."""

    name: str
    release: Release | None
    ids: set
    # The glossary now: the entries no release has stored, by (kind, key), and its terms by slug.
    unstored: dict = field(default_factory=dict)
    terms: dict = field(default_factory=dict)

    @property
    def is_current(self) -> bool:
        return self.release is None


def release_side(release: Release) -> Side:
    return Side(release.name, release, set(unpack_ids(release.manifest)))


def current_side(*, against: Side | None = None) -> Side:
    """The public glossary now, as entries: those a release holds by their ids, the others in memory.

    From the latest release and the change log when they tell what changed (`incremental_state`):
    its entries of unchanged terms by id, the recomputed ones looked up by digest. Else the whole
    glossary is read and only ``against``'s entries are looked up, by runs of ids: an entry that
    only some third release holds is as good in memory, and costs no lookup.
    """
    latest = Release.objects.first()
    state = incremental_state(latest) if latest is not None else None
    if state is None:
        state = full_state()
        known = digests_of(against.ids) if against is not None else {}
    else:
        known = known_ids(e.digest for e in state.fresh_entries())
    fresh = state.fresh_entries()
    return Side(
        CURRENT, None,
        ids={i for row in state.kept.values() for i in row[:2] if i} | {known[e.digest] for e in fresh if e.digest in known},
        unstored={(e.kind, e.key): e for e in fresh if e.digest not in known},
        terms=state.terms,
    )


@dataclass
class SectionDiff:
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)


@dataclass
class ReleaseDiff:
    """What changed from ``old`` to ``new``, per section; ``terms`` holds the data of every term
    named in it (the newer version), for pages that show names in the reader's language."""

    old: Side
    new: Side
    sections: dict
    terms: dict

    def summary(self) -> dict:
        return {
            name: {change: len(getattr(section, change)) for change in ("added", "removed", "changed")}
            for name, section in self.sections.items()
        }

    @property
    def empty(self) -> bool:
        return not any(sum(counts.values()) for counts in self.summary().values())


def _contents(side: Side, ids) -> dict:
    """(kind, key) → (digest, data) of ``side``'s entries with ``ids`` and its unstored ones."""
    found = {
        (kind, key): (bytes(digest), json.loads(decompress(content)))
        for kind, key, digest, content in read_entries(ids, "kind", "key", "digest", "content")
    }
    found.update({key: (entry.digest, json.loads(entry.text)) for key, entry in side.unstored.items()})
    return found


def _changed_fields(old: dict, new: dict, ignore=()) -> list[str]:
    return [name for name in new if name not in ignore and old.get(name) != new.get(name)]


def _item(section: str, data: dict) -> dict:
    return {KEY_FIELD[section]: data[KEY_FIELD[section]], TITLE_FIELD[section]: data[TITLE_FIELD[section]]}


def _relations_diff(source: str, old: list, new: list, out: SectionDiff) -> None:
    before = {(r["type"], r["target"]): r for r in old}
    after = {(r["type"], r["target"]): r for r in new}
    for key in sorted(before.keys() | after.keys()):
        item = {"source": source, "type": key[0], "target": key[1]}
        if key not in after:
            out.removed.append(item)
        elif key not in before:
            out.added.append(item)
        else:
            fields = _changed_fields(before[key], after[key], ignore=STAMPS)
            if fields:
                out.changed.append({**item, "fields": fields})


def diff_sides(old: Side, new: Side) -> ReleaseDiff:
    """Compare two sides: only the entries that are not in both are read."""
    before = _contents(old, old.ids - new.ids)
    after = _contents(new, new.ids - old.ids)
    sections = {name: SectionDiff() for name in SECTIONS}
    terms = {}
    for kind, key in sorted(before.keys() | after.keys()):
        was, now = before.get((kind, key)), after.get((kind, key))
        if was is not None and now is not None and was[0] == now[0]:
            continue
        name = SECTION_OF[kind]
        section = sections[name]
        if kind == Kind.RELATIONS:
            _relations_diff(key, was[1] if was else [], now[1] if now else [], section)
            continue
        data = (now or was)[1]
        if kind == Kind.TERM:
            terms[key] = data
        if was is None:
            section.added.append(_item(name, data))
        elif now is None:
            section.removed.append(_item(name, data))
        else:
            fields = _changed_fields(was[1], data, ignore=(KEY_FIELD[name], *STAMPS))
            if fields:
                section.changed.append({**_item(name, data), "fields": fields})
            elif kind == Kind.TERM:
                del terms[key]
    return ReleaseDiff(old, new, sections, terms)


def term_data(side: Side, slugs) -> dict:
    """slug → the term's data in ``side``, for those of ``slugs`` it holds (one query at most)."""
    slugs = set(slugs)
    found = {slug: side.terms[slug] for slug in slugs if slug in side.terms}
    rest = slugs - found.keys()
    if rest:
        rows = ReleaseEntry.objects.filter(kind=Kind.TERM, key__in=rest).values_list("pk", "key", "content")
        found.update((key, json.loads(decompress(content))) for pk, key, content in rows if pk in side.ids)
    return found


def display_name(data: dict, language: str) -> str:
    """A term's name in ``language`` from its release data (preferred labels), else its name."""
    preferred = {label["language"]: label["text"] for label in data.get("labels", []) if label["kind"] == "preferred"}
    tag = best_tag(list(preferred), language)
    return preferred[tag] if tag is not None else data["name"]
