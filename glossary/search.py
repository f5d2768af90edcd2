"""Term search: one behaviour for the web UI (/search/, /terms/?q=), the API (?search=) and
autocomplete, on SQLite and PostgreSQL alike.

Ranking, best first (deprecated terms after all current ones):

1. EXACT — a label (preferred, alternative or hidden, any language) equals the query, ignoring
   case, accents, spaces, hyphens and punctuation: "fine tuning" = "Fine-tuning" = "Finetuning";
   or the term's notation (its code in a thesaurus) is the query, ignoring case: "006.3", "a0012".
2. PREFIX — a label starts with the query, compared the same way ("halu", "retriev"); or the
   notation starts with a query that holds a digit ("006." finds 006.3 and 006.31; "qa" alone
   would put every notation beginning so ahead of the labels).
3. WORDS — every word of the query is a word of one label, stemmed ("hallucinations",
   "large language models"); the last word may be the beginning of a word.
4. TEXT — every word of the query is a whole word of the definition, body or a definition in
   another language ("rag" does not match "averaged").
5. CLOSE — when no label matches as typed: the query with its misspelt words (words no label
   has) corrected to the closest words of any label (one typo in words of 4–5 letters, two from 6; the word being typed to
   the closest beginnings of words), then tiers 1–4 again.

How it stays fast at 100,000 terms: each engine answers "which labels and terms match" from its
own indexes with a bounded number of rows per tier (no ranking expression over every row — the
cause of the old 653 ms); the tiers are then decided here, in Python, on those few rows, with
the same code for both backends. The engines: SQLite FTS5 tables kept by triggers
(glossary/search_index.py); PostgreSQL expression indexes with unaccent and English stemming
(migration 0008_search_index). Close spellings are looked up in the vocabulary of label words
(a table both backends keep with triggers), cached per process and read again when it grows.
"""

import bisect
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.db import connections, router
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, Lower
from django.utils.html import escape
from django.utils.safestring import mark_safe
from rapidfuzz import process
from rapidfuzz.distance import OSA

from glossary import rules
from glossary.models import Term, TermStatus, default_language

MAX_QUERY_LENGTH = 200
# Rows each tier may bring per query, and results a search returns at most.
CANDIDATES_PER_TIER = 100
MAX_RESULTS = 100
MAX_WORDS = 8
# A word being typed matches the words it begins from this length on: shorter beginnings
# ("mo") begin too many words to be worth reading; labels beginning with them still match.
MIN_WORD_BEGINNING = 4
AUTOCOMPLETE_LIMIT = 10

EXACT, PREFIX, WORDS, TEXT, CLOSE = 1, 2, 3, 4, 5
TIER_NAMES = {EXACT: "exact", PREFIX: "prefix", WORDS: "words", TEXT: "text", CLOSE: "close"}
KIND_ORDER = {"preferred": 0, "alternative": 1, "hidden": 2}


def _class_of(codepoints) -> str:
    """A regex character class body of ``codepoints`` (ranges of \\u…/\\U… escapes): the same
    text is read by Python's re and by PostgreSQL's regular expressions."""
    ranges: list[list[int]] = []
    for point in codepoints:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])

    def escaped(point):
        return f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"

    return "".join(escaped(a) if a == b else f"{escaped(a)}-{escaped(b)}" for a, b in ranges)


@functools.cache
def marks() -> str:
    """Every combining mark (Unicode categories Mn, Mc, Me; all lie in these planes) as a regex
    class body. A mark belongs to the word it is in: Hindi "हिन्दी" and Thai "ภาษา" are one word
    each, not cut at every vowel sign. Built on first use (a scan of 130,000 code points, 30 ms),
    not when the module is imported."""
    return _class_of(point for plane in (range(0x20000), range(0xE0000, 0xE1000)) for point in plane
                     if unicodedata.category(chr(point))[0] == "M")


@functools.cache
def _word():
    """A word: letters, digits and marks; "_" parts words (`_words_in`). PostgreSQL's
    glossary_search_key() and glossary_search_words() read words the same way (migration 0019)."""
    return re.compile(f"[\\w{marks()}]+")


_ASCII_WORD = re.compile("[A-Za-z0-9]+")


def _words_in(text: str):
    """The words of ``text`` as matches (one character class: fast enough for the index's triggers)."""
    return _word().finditer(text.replace("_", " "))


def _plain_words(text: str) -> list[str]:
    if text.isascii():  # most labels and definitions: the same words, read faster
        return _ASCII_WORD.findall(text)
    return _word().findall(text.replace("_", " "))


# Letters that decomposing leaves whole but that are read as plain ones: "Straße" is found as
# "strasse", "Søren" as "soren" (the letters PostgreSQL's unaccent rules also spell out). A
# word's final sigma "ς" is "σ": Python lowers "ΛΟΓΟΣ" to "λογος" but PostgreSQL to "λογοσ".
_PLAIN_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
                                "þ": "th", "ı": "i", "ħ": "h", "ŧ": "t", "ς": "σ"})
# The marks a word is compared without: accents (the combining diacritical blocks), Hebrew
# points, Arabic harakat and tatweel. Not the marks that make another letter or syllable
# (Japanese dakuten: テ/デ; Devanagari virama and nukta; Thai vowels and tones). PostgreSQL's
# `glossary_search_fold()` drops the same class (migration 0019), so both sides agree.
DROPPED_MARKS = ("\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f"  # accents
                 "\\u0591-\\u05bd\\u05bf\\u05c1\\u05c2\\u05c4\\u05c5\\u05c7"  # Hebrew points
                 "\\u0640\\u064b-\\u065f\\u0670")  # Arabic tatweel and harakat
_DROPPED = re.compile(f"[{DROPPED_MARKS}]+")


def fold(text: str) -> str:
    """``text`` in lower case without accents: how words are compared, in queries and (on SQLite,
    where FTS5 folds the accents of Latin letters only) in the index too.

    Decomposed (NFKD: "ﬁ" is "fi", "Ｇ" is "g"), its accents dropped, then composed again (NFC),
    so a Korean syllable or a Japanese "デ" is one character again, as PostgreSQL keeps it.
    """
    if text.isascii():  # most labels: nothing to decompose (the index's triggers call this per row)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_PLAIN_LETTERS))
    return unicodedata.normalize("NFC", _DROPPED.sub("", decomposed))


@functools.lru_cache(maxsize=65536)
def search_key(text: str) -> str:
    """The form labels are compared in for EXACT and PREFIX: folded, letters and digits only."""
    return "".join(_plain_words(fold(text)))


# Chinese, Japanese, Thai, Lao, Khmer and Burmese are written without spaces between words, and a
# Korean word carries its particles ("모델의"): a run of Han, kana, Hangul, Thai, Lao, Khmer or
# Myanmar letters is read as its overlapping pairs of characters ("大型语言模型": 大型 型语 语言 言模
# 模型), so "语言模型" finds it from the middle, and "ภาษา" finds "แบบจำลองภาษาขนาดใหญ่".
# PostgreSQL's glossary_search_words() pairs them the same way (migrations 0019, 0020).
PAIRED = ("\\u0e00-\\u0eff\\u1000-\\u109f\\u1780-\\u17ff"  # Thai, Lao; Myanmar; Khmer
          "\\u3005\\u3040-\\u30ff\\u31f0-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff"
          "\\U00020000-\\U0003134f")
_PAIRED_OR_NOT = re.compile(f"([{PAIRED}]+)|[^{PAIRED}]+")
_ANY_PAIRED = re.compile(f"[{PAIRED}]")


def _paired(word: str) -> list[str]:
    pieces = []
    for match in _PAIRED_OR_NOT.finditer(word):
        run = match.group(1)
        if run is None or len(run) == 1:
            pieces.append(match.group(0))
        else:
            pieces.extend(run[i : i + 2] for i in range(len(run) - 1))
    return pieces


def _words(text: str) -> list[str]:
    folded = fold(text)
    words = _plain_words(folded)
    if text.isascii() or not _ANY_PAIRED.search(folded):
        return words
    return [piece for word in words for piece in _paired(word)]


@functools.lru_cache(maxsize=65536)
def words_of(text: str) -> tuple[str, ...]:
    """The words of ``text`` as the index holds them: folded; runs of the scripts written without
    spaces (`PAIRED`) in pairs."""
    return tuple(_words(text))


def indexed_words(text: str) -> str:
    """``text``'s words, one space apart: what the full-text indexes hold (SQLite's triggers call
    this as glossary_search_words() for every label, name, definition and body: not cached).

    ASCII text is only lowered: FTS5's tokenizer reads the same words in it (runs of letters and
    digits), and a bulk import does not pay for splitting them twice.
    """
    return text.lower() if text.isascii() else " ".join(_words(text))


def normalise_query(query) -> str:
    """The query as shown back: spaces collapsed, NUL and control characters dropped, bounded."""
    text = "".join(char if char.isprintable() else " " for char in str(query or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


@dataclass(frozen=True)
class Query:
    """What the engines look up: the key, and per word the spellings to accept."""

    key: str
    words: tuple[tuple[str, ...], ...]
    prefix: bool = True  # the last word may be the beginning of a word
    text: str = ""  # as typed (normalised): what a notation is compared with

    @classmethod
    def parse(cls, text: str) -> "Query":
        return cls(search_key(text), tuple((word,) for word in words_of(text)[:MAX_WORDS]), text=text)


@dataclass(frozen=True)
class Scope:
    """Which terms may be found: those ``user`` may see, of category slugs (a category and those
    inside it, `selectors.with_groups`), status, initial letter."""

    user: object = None
    categories: tuple = ()
    status: str = ""
    letter: str = ""
    labels_only: bool = False  # autocomplete: names, not definitions
    per_tier: int = CANDIDATES_PER_TIER


@dataclass(frozen=True)
class Row:
    """One match an engine found: through a label (its text and kind), the term's notation (its
    text) or the term's text."""

    source: str  # key, prefix, words, text, notation, notation-prefix
    term_id: int
    slug: str
    name: str
    status: str
    text: str | None = None
    kind: str | None = None


@dataclass
class Hit:
    """A term found: its rank (tier, then the order within the tier) and the label that matched."""

    term_id: int
    slug: str
    name: str
    deprecated: bool
    tier: int
    order: tuple
    matched: str | None = None  # the label that matched, unless hidden

    @property
    def sort_key(self):
        return (self.deprecated, self.tier, self.order, self.name.lower(), self.term_id)


@dataclass
class Result:
    """The hits of a search, best first, and the corrected query when only close spellings matched."""

    hits: list[Hit] = field(default_factory=list)
    corrected: str = ""
    # Whether more terms may match than the search kept (its hits are the best of those it read).
    more: bool = False

    @property
    def ids(self) -> list[int]:
        return [hit.term_id for hit in self.hits]


def _label_tier(query: Query, row: Row) -> tuple[int, tuple]:
    key = search_key(row.text)
    kind = KIND_ORDER.get(row.kind, 1)
    if key == query.key:
        return EXACT, (kind, len(row.text))
    if len(query.key) >= 2 and key.startswith(query.key):
        return PREFIX, (len(key), kind)
    return WORDS, (len(words_of(row.text)) - len(query.words), len(row.text), kind)


def _name_tier(query: Query, name: str) -> tuple[int, tuple] | None:
    """A term's name counts as its preferred label even where the label row is missing."""
    key = search_key(name)
    if key == query.key:
        return EXACT, (0, len(name))
    if len(query.key) >= 2 and key.startswith(query.key):
        return PREFIX, (len(key), 0)
    return None


def rank(query: Query, rows, *, tier_floor: int = 0) -> dict[int, Hit]:
    """The best hit of each term among ``rows``; with ``tier_floor``, every hit is at least that tier."""
    hits: dict[int, Hit] = {}
    for row in rows:
        matched = None
        if row.source == "text":
            tier, order = _name_tier(query, row.name) or (TEXT, ())
        elif row.source == "notation":
            tier, order, matched = EXACT, (0, len(row.text)), row.text
        elif row.source == "notation-prefix":
            tier, order, matched = PREFIX, (len(row.text), 0, row.text.lower()), row.text  # in code order
        else:
            tier, order = _label_tier(query, row)
            matched = row.text if row.kind != "hidden" else None
        if tier_floor:
            tier, order = tier_floor, (tier, order)
        hit = Hit(row.term_id, row.slug, row.name, row.status == TermStatus.DEPRECATED, tier, order, matched)
        best = hits.get(row.term_id)
        if best is None or hit.sort_key < best.sort_key:
            hits[row.term_id] = hit
    return hits


class Vocabulary:
    """The folded words of every label, for correcting misspelt query words.

    A misspelt word is compared with the known words that begin with the same letter (typos
    are rarer there), of a length it could reach: a slice of the vocabulary, not all of it.
    """

    def __init__(self, raw_words):
        words = sorted({word for raw in raw_words for word in words_of(raw)})
        self.sorted = words
        self.known = set(words)
        self.by_start: dict[tuple[str, int], list[str]] = {}
        for word in words:
            self.by_start.setdefault((word[:1], len(word)), []).append(word)
        self._beginning_cache: dict[tuple[str, int], tuple[list[str], dict[str, str]]] = {}

    def knows(self, word: str, *, prefix: bool) -> bool:
        if word in self.known:
            return True
        if not prefix:
            return False
        at = bisect.bisect_left(self.sorted, word)
        return at < len(self.sorted) and self.sorted[at].startswith(word)

    def closest(self, word: str) -> list[str]:
        """Known words within one typo (4–5 letters) or two (6 and more) of ``word``, closest first."""
        allowed = typos_allowed(word)
        found = []
        for length in range(len(word) - allowed, len(word) + allowed + 1):
            found += process.extract(word, self.by_start.get((word[:1], length), ()), scorer=OSA.distance,
                                     score_cutoff=allowed, limit=None)
        return _closest_first(word, [(candidate, distance) for candidate, distance, _ in found])

    def closest_beginnings(self, word: str) -> list[tuple[str, str]]:
        """(beginning, a word it begins) pairs: beginnings of known words spelt like ``word``.

        For the word being typed: "halu" → "hallu", "hall".
        """
        allowed = typos_allowed(word)
        found, example = [], {}
        for length in range(max(len(word) - allowed, 1), len(word) + allowed + 1):
            beginnings, words = self._beginnings(word[:1], length)
            for beginning, distance, _ in process.extract(word, beginnings, scorer=OSA.distance,
                                                          score_cutoff=allowed, limit=None):
                found.append((beginning, distance))
                example[beginning] = words[beginning]
        return [(beginning, example[beginning]) for beginning in _closest_first(word, found)]

    def _beginnings(self, letter: str, length: int) -> tuple[list[str], dict[str, str]]:
        """The distinct ``length``-letter beginnings of the words starting with ``letter``, each with one such word."""
        key = (letter, length)
        if key not in self._beginning_cache:
            start = bisect.bisect_left(self.sorted, letter)
            end = bisect.bisect_left(self.sorted, letter + "\U0010ffff")
            found: dict[str, str] = {}
            for known in self.sorted[start:end]:
                if len(known) >= length:
                    found.setdefault(known[:length], known)
            self._beginning_cache[key] = (list(found), found)
        return self._beginning_cache[key]


def typos_allowed(word: str) -> int:
    """How many typos a word of this length may hold and still be recognised."""
    return 0 if len(word) < 4 else 1 if len(word) < 6 else 2


def _closest_first(word: str, found: list[tuple[str, int]], keep: int = 3) -> list[str]:
    # Fewest typos first; then the same first letter (typos are rarer at the start of a word),
    # then the longer beginning (a missing letter is the commonest typo), then alphabetical.
    found.sort(key=lambda item: (item[1], item[0][:1] != word[:1], -len(item[0]), item[0]))
    return [text for text, _ in found[:keep]]


_vocabularies: dict[str, tuple[tuple, Vocabulary]] = {}


def vocabulary(alias: str) -> Vocabulary:
    """The label vocabulary of database ``alias``, read again whenever a word was added."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT id, word FROM glossary_search_word ORDER BY id DESC LIMIT 1")
        latest = tuple(cursor.fetchone() or ())
        cached = _vocabularies.get(alias)
        if cached is not None and cached[0] == latest:
            return cached[1]
        cursor.execute("SELECT word FROM glossary_search_word")
        loaded = Vocabulary(word for (word,) in cursor.fetchall())
    _vocabularies[alias] = (latest, loaded)
    return loaded


def forget_vocabularies() -> None:
    """Drop the cached vocabularies (tests: the next search reads them, as after any new word)."""
    _vocabularies.clear()


def _correct(query: Query, vocab: Vocabulary) -> tuple[Query, list[str]] | None:
    """``query`` with its unknown words replaced by close known ones, or None if none is close.

    The last word, when it may be a beginning, is replaced by close beginnings of known words.
    """
    words, shown, changed = [], [], False
    for position, (word,) in enumerate(query.words):
        typing = query.prefix and position == len(query.words) - 1
        if vocab.knows(word, prefix=typing):
            words.append((word,))
            shown.append(word)
            continue
        if typing:
            pairs = vocab.closest_beginnings(word)
            candidates, example = [beginning for beginning, _ in pairs], pairs[0][1] if pairs else ""
        else:
            candidates = vocab.closest(word)
            example = candidates[0] if candidates else ""
        if not candidates:
            return None
        changed = True
        words.append(tuple(candidates))
        shown.append(example)
    if not changed:
        return None
    key = "".join(spellings[0] for spellings in words)
    return Query(key, tuple(words), prefix=query.prefix), shown


def _engine(alias: str):
    vendor = connections[alias].vendor
    return postgresql_rows if vendor == "postgresql" else sqlite_rows


def search(text: str, *, scope: Scope = Scope(), limit: int = MAX_RESULTS) -> Result:
    """The terms matching ``text`` within ``scope``, best first (see the module docstring)."""
    query = Query.parse(normalise_query(text))
    if not query.key:
        return Result()
    alias = router.db_for_read(Term)
    rows_for = _engine(alias)
    rows = rows_for(alias, query, scope)
    hits = rank(query, rows)
    result = Result()
    # Close spellings are looked for when no label matches as typed; then the words no label
    # has are taken for misspellings.
    corrected = None if any(hit.tier <= WORDS for hit in hits.values()) else _correct(query, vocabulary(alias))
    if corrected is not None:
        close_query, shown = corrected
        close_hits = rank(close_query, rows_for(alias, close_query, scope), tier_floor=CLOSE)
        for term_id, hit in close_hits.items():
            hits.setdefault(term_id, hit)
        # The vocabulary holds the words of every label, unpublished terms' too: a spelling is
        # offered only when it finds something the reader may see.
        if close_hits and not any(hit.tier < CLOSE for hit in hits.values()):
            result.corrected = " ".join(shown)
    result.hits = sorted(hits.values(), key=lambda hit: hit.sort_key)[:limit]
    # A tier that brought all the rows it may (`Scope.per_tier`) had more to bring.
    per_source = Counter(row.source for row in rows)
    result.more = len(hits) > limit or any(count >= scope.per_tier for count in per_source.values())
    return result


class RankedTerms(Sequence):
    """The terms of a search result in its order, fetched a slice (a page) at a time.

    Paginators need only the length and slices, so no count query and no ordering expression
    over the ids is built; each slice is one query on ``terms`` (plus its prefetches).
    ``order_by`` gives up the ranking for another order.
    """

    model = Term  # for DRF's model permissions

    def __init__(self, result: Result, terms):
        self.result = result
        self.terms = terms

    def __len__(self):
        return len(self.result.hits)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            found = self[index : index + 1 or None]
            if not found:
                raise IndexError(index)
            return found[0]
        ids = self.result.ids[index]
        fetched = {term.pk: term for term in self.terms.filter(pk__in=ids)} if ids else {}
        return [fetched[pk] for pk in ids if pk in fetched]

    def __iter__(self):
        return iter(self[:])

    def order_by(self, *fields):
        """The same terms in another order (one query for it), still a result: what it kept and
        whether more may match stay known."""
        order = self.terms.filter(pk__in=self.result.ids).order_by(*fields).values_list("pk", flat=True)
        hit_of = {hit.term_id: hit for hit in self.result.hits}
        return RankedTerms(replace(self.result, hits=[hit_of[pk] for pk in order]), self.terms)

    def map_terms(self, change):
        """The same result over ``change(terms)`` (e.g. with more joined or prefetched)."""
        return RankedTerms(self.result, change(self.terms))


def more_may_match(terms) -> bool:
    """Whether ``terms`` are a search's, which kept only its best matches (`Result.more`)."""
    return isinstance(terms, RankedTerms) and terms.result.more


def terms_of(result: Result, *, user=None) -> RankedTerms:
    """The terms of ``result`` that ``user`` may see (`TermQuerySet.visible_to`, the one rule), in order."""
    return RankedTerms(result, Term.objects.visible_to(user))


def search_terms(text: str, *, user=None, **filters):
    """The terms matching ``text`` that ``user`` may see, best first (filters: see `Scope`)."""
    return terms_of(search(text, scope=Scope(user=user, **filters)), user=user)


def suggest(text: str, *, user=None, limit: int = AUTOCOMPLETE_LIMIT) -> list[dict]:
    """Autocomplete: up to ``limit`` terms ``{slug, name, matched}`` found by their labels."""
    result = search(text, scope=Scope(user=user, labels_only=True, per_tier=3 * limit), limit=limit)
    return [{"slug": hit.slug, "name": hit.name, "matched": hit.matched or hit.name} for hit in result.hits]


# Engines --------------------------------------------------------------------------------------
# Each returns Rows: labels whose key equals the query key ("key"), starts with it ("prefix"),
# or that hold all its words ("words"); terms whose name, definition or body holds all its words
# ("text"). At most CANDIDATES_PER_TIER rows per tier: no ranking over every matching row.


def _scope_sql(scope: Scope, alias: str) -> tuple[str, list]:
    """Conditions on the candidate's term ``t``: the reader may see it (`TermQuerySet.visible_to`,
    the one rule, looked up by primary key for each candidate) and it passes the filters."""
    visible = Term.objects.visible_to(scope.user)
    sql, params = "", []
    if visible.query.where:
        subquery, subquery_params = (
            visible.filter(pk=RawSQL("t.id", ())).order_by().values("pk").query.get_compiler(using=alias).as_sql()
        )
        # A scalar subquery, not EXISTS: PostgreSQL would turn EXISTS into a join and, on a small
        # table, hash every visible term; this is one primary-key lookup per candidate, always.
        sql += f" AND ({subquery}) IS NOT NULL"
        params += list(subquery_params)
    if scope.status:
        sql += " AND t.status = %s"
        params.append(scope.status)
    if scope.categories:
        marks = ", ".join(["%s"] * len(scope.categories))
        sql += f" AND t.category_id IN (SELECT id FROM glossary_category WHERE slug IN ({marks}))"
        params += list(scope.categories)
    if scope.letter:  # filed under it in the A–Z index, by the name (`Term.initial`)
        sql += " AND t.initial = %s"
        params.append(rules.letter_asked(scope.letter, default_language()))
    return sql, params


TERM_COLUMNS = "t.id, t.slug, t.name, t.status"
# A notation compared without regard to case, as migration 0025 indexes it (lower() of both
# sides: SQLite's lowers ASCII letters only, on the notation and the query alike).
NOTATION_KEY = {"postgresql": 'lower(t.notation) COLLATE "C"', "sqlite": "lower(t.notation)"}


def notation_key(alias: str):
    """`NOTATION_KEY` as an ORM expression on the term's ``notation``, for queries written with
    the ORM (`resolver.resolve_names`) to use the same index."""
    code = Lower("notation")
    return Collate(code, "C") if connections[alias].vendor == "postgresql" else code


_DIGIT = re.compile(r"\d")


def _notation_parts(vendor: str, query: Query, scope: Scope, scoped: str, scope_params: list) -> list[tuple[str, list]]:
    """The SELECTs (and their parameters) of the terms whose notation is the query, and of those
    whose notation begins with it when it holds a digit; each an index range, at most a tier's rows."""
    if not query.text:
        return []
    key = NOTATION_KEY[vendor]

    def select(source, condition, params, order=""):
        return (f"SELECT '{source}', {TERM_COLUMNS}, t.notation, NULL FROM glossary_term t "
                f"WHERE t.notation <> '' AND {condition}{scoped}{order} LIMIT {int(scope.per_tier)}",
                [*params, *scope_params])

    parts = [select("notation", f"{key} = lower(%s)", [query.text])]
    if query.prefix and len(query.text) >= 2 and _DIGIT.search(query.text):
        parts.append(select("notation-prefix", f"{key} >= lower(%s) AND {key} < lower(%s) || %s",
                            [query.text, query.text, "\U0010ffff"], order=f" ORDER BY {key}"))
    return parts


def _fts_words(query: Query) -> str:
    """An FTS5 query: every word (any of its spellings), the last one also as a prefix."""
    groups = []
    for position, spellings in enumerate(query.words):
        options = [f'"{word}"' for word in spellings]
        if query.prefix and position == len(query.words) - 1:
            options += [f'"{word}"*' for word in spellings if len(word) >= MIN_WORD_BEGINNING]
        groups.append(f"({' OR '.join(options)})")
    return " AND ".join(groups)


def sqlite_rows(alias: str, query: Query, scope: Scope) -> list[Row]:
    """Matching rows from the FTS5 tables of glossary/search_index.py, in one statement."""
    params: list = []
    parts = []
    scoped, scope_params = _scope_sql(scope, alias)

    def part(source, select_from, match_sql, match):
        params.extend([match, *scope_params])
        parts.append(f"SELECT * FROM (SELECT '{source}', {TERM_COLUMNS}, {select_from} "
                     f"WHERE {match_sql} MATCH %s{scoped} LIMIT {int(scope.per_tier)})")

    labels = "l.text, l.kind FROM {} s JOIN glossary_label l ON l.id = s.rowid JOIN glossary_term t ON t.id = l.term_id"
    part("key", labels.format("glossary_search_label_key"), "s.key", f'"{query.key}"')
    if len(query.key) >= 2 and query.prefix:
        part("prefix", labels.format("glossary_search_label_key"), "s.key", f'"{query.key}"*')
    part("words", labels.format("glossary_search_label_word"), "s.text", _fts_words(query))
    if not scope.labels_only:
        whole_words = _fts_words(Query(query.key, query.words, prefix=False))
        part("text", "NULL, NULL FROM glossary_search_term s JOIN glossary_term t ON t.id = s.rowid",
             "glossary_search_term", whole_words)
        part("text", "NULL, NULL FROM glossary_search_note s JOIN glossary_note n ON n.id = s.rowid "
             "JOIN glossary_term t ON t.id = n.term_id", "glossary_search_note", whole_words)
    for sql, notation_params in _notation_parts("sqlite", query, scope, scoped, scope_params):
        parts.append(f"SELECT * FROM ({sql})")
        params.extend(notation_params)
    with connections[alias].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return [Row(*row) for row in cursor.fetchall()]


def _tsquery(query: Query, *, prefix: bool) -> str:
    """A to_tsquery() text: every word (any of its spellings); words are letters and digits only."""
    groups = []
    for position, spellings in enumerate(query.words):
        options = list(spellings)
        if prefix and position == len(query.words) - 1:
            options += [f"{word}:*" for word in spellings if len(word) >= MIN_WORD_BEGINNING]
        groups.append(f"({' | '.join(options)})")
    return " & ".join(groups)


LABEL_KEY = 'glossary_search_key(l.text) COLLATE "C"'
# Over `glossary_search_words` (migration 0018): split into words as `words_of` splits a query.
LABEL_WORDS = "to_tsvector('glossary_search', glossary_search_words(l.text))"
TERM_TEXT = "to_tsvector('glossary_search', glossary_search_words(t.name || ' ' || t.short_definition || ' ' || t.body))"
NOTE_TEXT = "to_tsvector('glossary_search', glossary_search_words(n.text))"


def postgresql_rows(alias: str, query: Query, scope: Scope) -> list[Row]:
    """Matching rows from the expression indexes of migration 0008_search_index, in one statement.

    The expressions are the indexed ones, written the same way, or PostgreSQL cannot use them.
    """
    params: list = []
    parts = []
    scoped, scope_params = _scope_sql(scope, alias)

    def part(source, select_from, condition, value, order=""):
        params.extend([value, *scope_params])
        parts.append(f"(SELECT '{source}', {TERM_COLUMNS}, {select_from} WHERE {condition}{scoped}{order} "
                     f"LIMIT {int(scope.per_tier)})")

    labels = "l.text, l.kind FROM glossary_label l JOIN glossary_term t ON t.id = l.term_id"
    # The query's key is folded by the same function as the labels' (unaccent's rules, not
    # Python's); both are constants once planned, so the index answers.
    part("key", labels, f"{LABEL_KEY} = glossary_search_key(%s)", query.key)
    if len(query.key) >= 2 and query.prefix:
        # Keys hold letters and digits only, so the pattern needs no escaping. In key order the
        # shortest labels with this beginning come first, and the index scan stops at the limit.
        part("prefix", labels, f"{LABEL_KEY} LIKE glossary_search_key(%s) || '%%'", query.key,
             order=f" ORDER BY {LABEL_KEY}")
    part("words", labels, f"{LABEL_WORDS} @@ to_tsquery('glossary_search', %s)", _tsquery(query, prefix=query.prefix))
    if not scope.labels_only:
        whole_words = _tsquery(query, prefix=False)
        part("text", "NULL, NULL FROM glossary_term t", f"{TERM_TEXT} @@ to_tsquery('glossary_search', %s)", whole_words)
        part("text", "NULL, NULL FROM glossary_note n JOIN glossary_term t ON t.id = n.term_id",
             f"n.kind = 'definition' AND {NOTE_TEXT} @@ to_tsquery('glossary_search', %s)", whole_words)
    for sql, notation_params in _notation_parts("postgresql", query, scope, scoped, scope_params):
        parts.append(f"({sql})")
        params.extend(notation_params)
    with connections[alias].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return [Row(*row) for row in cursor.fetchall()]


# Showing matches ------------------------------------------------------------------------------


def _stem(word: str) -> str:
    """Enough of a query word to recognise its other forms in a text (hallucinations → hallucinat)."""
    for ending in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def highlight(text: str, query: str):
    """``text`` escaped, with each word that matches a word of ``query`` wrapped in <mark>.

    A text word matches when it begins with the query word's stem (so plurals and "-ing" forms
    light up, compared without case or accents); "rag" never lights up "averaged". A run of Han,
    kana, Hangul, Thai, Lao, Khmer or Myanmar matches when it holds a pair of the query's: "语言模型"
    lights up "大型语言模型".
    """
    stems = sorted({_stem(word) for word in words_of(normalise_query(query)) if len(word) > 1}, key=len, reverse=True)
    if not text or not stems:
        return escape(text or "")
    pairs = [stem for stem in stems if _PAIRED_OR_NOT.match(stem).group(1) == stem]
    out, last = [], 0
    for match in _words_in(text):
        folded = fold(match.group(0))
        if any(folded.startswith(stem) for stem in stems) or any(pair in folded for pair in pairs):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group(0))}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))
