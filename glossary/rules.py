"""The glossary's rules as pure functions over plain data, each with its one wording.

`Model.clean()`, the services and the bulk importer all call these, so the admin, the API,
imports and the shell refuse the same things in the same words. Nothing here touches the
database: callers pass names, label tuples and edge lists, and turn the returned messages into
``ValidationError``s or import errors with a place.
"""

import functools
import re
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass

import icu
import networkx as nx
from anyascii import anyascii
from django.utils.text import slugify

PREFERRED, ALTERNATIVE, HIDDEN = "preferred", "alternative", "hidden"
LABEL_KINDS = (PREFERRED, ALTERNATIVE, HIDDEN)
# How many steps of a cycle an error names before it says how many more there are.
CYCLE_STEPS_SHOWN = 8


@dataclass(frozen=True)
class LabelData:
    """A label as the rules see it: its text, language tag ('' = untagged) and kind."""

    text: str
    language: str
    kind: str

    @property
    def key(self) -> tuple[str, str]:
        """Labels are compared by language and text, ignoring case and surrounding spaces."""
        return (self.language.lower(), fold(self.text))


def fold(text: str) -> str:
    """Text as labels and names are compared: spaces collapsed, case folded."""
    return " ".join(str(text or "").split()).casefold()


def slug_of(name: str, max_length: int = 200) -> str:
    """The slug a new row takes from its name: Latin letters first, so names in any script read
    in the URL ("Λόγος" → "logos", "Ёлка" → "elka", "Straße" → "strasse", "大语言模型" →
    "dayuyanmoxing") instead of losing every letter Django's slugify cannot spell in ASCII.
    '' when nothing of the name can be spelt; callers pick their fallback."""
    return slugify(anyascii(str(name or "")))[:max_length].strip("-")


# The A–Z order and index -----------------------------------------------------------------
# Names sort and file as readers of their language expect (ICU's collation and alphabetic index,
# from CLDR): "bétail" before "bovin" and "Église" under E in French; Ä a letter of its own in
# Swedish, under A in German; "ёлка" under Е in Russian; أ and إ under ا in Arabic; a Chinese
# name under the first letter of its pinyin. The sort key is stored with the name (`Term.sort_key`,
# `Label.sort_key`) so that lists are ordered by an index, on either database.

# Other scripts each index offers letters of, so that a Greek or Arabic name in an English
# glossary is filed under its own letter rather than under "…".
INDEX_SCRIPTS = ("en", "el", "ru", "ar", "he", "hi", "th", "ko", "ja")
# The sort key as stored: hex digits (which sort as their bytes under any collation), cut to a
# length that orders any real name and fits an index entry.
SORT_KEY_LENGTH = 500
# What ?letter= takes: a letter as the index files names under (one character, or a few letters
# where a language's alphabet has such a letter: Czech "CH"), a digit, or the quotation mark a name
# starts with.
INDEX_INITIAL = r"^(\S|\w{2,3})$"


@functools.lru_cache(maxsize=128)
def _locale(language: str):
    return icu.Locale.forLanguageTag(language) if language else icu.Locale.getRoot()


@functools.lru_cache(maxsize=128)
def _collator(language: str):
    return icu.Collator.createInstance(_locale(language))


@functools.lru_cache(maxsize=128)
def _alphabetic_index(language: str, *, other_scripts: bool):
    index = icu.AlphabeticIndex(_locale(language))
    if other_scripts:
        index.maxLabelCount = 1000
        for other in INDEX_SCRIPTS:
            index.addLabels(_locale(other))
    return index.buildImmutableIndex()


def _normal_buckets(index) -> list[str]:
    buckets = (index.getBucket(i) for i in range(index.bucketCount))
    return [label for label, kind in buckets if kind == icu.UAlphabeticIndexLabelType.NORMAL]


def sort_key(name: str, language: str = "") -> str:
    """What ``name``, in ``language`` (a BCP 47 tag; '' for none), is ordered by in A–Z lists."""
    return _collator(language).getSortKey(" ".join(str(name or "").split())).hex()[:SORT_KEY_LENGTH]


def initial_of(name: str, language: str = "") -> str:
    """The letter ``name``, in ``language``, is filed under in the A–Z index: its letter in that
    language's alphabet ("Église" → "E" in French; "ärm" → "Ä" in Swedish, "A" in German), else the
    letter of its own script ("λόγος" → "Λ"); a name that starts with no letter any alphabet files
    ("3D", "“quoted”", a Chinese name outside Chinese) by its first character, in capitals."""
    text = " ".join(str(name or "").split())
    if not text:
        return ""
    index = _alphabetic_index(language, other_scripts=True)
    label, kind = index.getBucket(index.getBucketIndex(text))
    return label if kind == icu.UAlphabeticIndexLabelType.NORMAL else text[:1].upper()[:1]


def name_order(name: str, language: str = "") -> tuple[str, str]:
    """A name's place in the A–Z lists, as terms and labels store it: its sort key and the letter
    it is filed under, in ``language``."""
    return sort_key(name, language), initial_of(name, language)


def letter_asked(letter: str, language: str = "") -> str:
    """The letter of the A–Z index ``?letter=`` asks for, in ``language``: the one it is filed under
    ("é" → "E" in French, "ä" → "Ä" in Swedish), or for a few letters, the index's letter they are
    ("ch" → "CH" in Czech); a few letters that are no letter of the index ("ab") name none."""
    filed = initial_of(letter, language)
    return filed if len(letter) == 1 or filed == letter.upper() else letter.upper()


def alphabet(language: str = "") -> list[str]:
    """The letters of ``language``'s own A–Z index, in order (A–Z; A–Z, Å, Ä, Ö in Swedish; А–Я)."""
    return _normal_buckets(_alphabetic_index(language, other_scripts=False))


def initials_in_order(initials: Iterable[str], language: str = "") -> list[str]:
    """``initials`` (`initial_of`) as the A–Z index lists them: letters, then digits, then the rest,
    each in ``language``'s order."""
    kind = lambda c: 0 if c[:1].isalpha() else 1 if c[:1].isnumeric() else 2  # noqa: E731
    return sorted(initials, key=lambda c: (kind(c), sort_key(c, language)))


# Text ---------------------------------------------------------------------------------------


# Half of a UTF-16 pair on its own: JSON's "\ud800" escape reads as one, and it has no UTF-8 form.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def text_error(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None. NUL cannot be stored by PostgreSQL; a lone
    surrogate by neither database (nor sorted)."""
    if "\x00" in value:
        return "contains a NUL character (\\x00), which text cannot hold"
    surrogate = _LONE_SURROGATE.search(value)
    if surrogate:
        return f"contains a lone surrogate (U+{ord(surrogate.group()):04X}), which text cannot hold"
    return None


# Labels -------------------------------------------------------------------------------------


def display_label(labels: Iterable[LabelData], languages: Iterable[str]) -> LabelData | None:
    """The preferred label a term is shown by: in the first of ``languages`` (the glossary's own,
    then its fallbacks, `models.name_languages`) that has one, the glossary's own before an
    untagged one; else in the alphabetically first other tag, so the choice is stable.
    """
    preferred = {label.language.lower(): label for label in labels if label.kind == PREFERRED}
    own, *fallbacks = [language.lower() for language in languages]
    for language in (own, "", *fallbacks):
        if language in preferred:
            return preferred[language]
    return preferred[min(preferred)] if preferred else None


def term_label_errors(labels: list[LabelData]) -> list[tuple[int, str]]:
    """Problems among one term's own labels, as (index of the offending label, message).

    SKOS: at most one preferred label per language (S14); a text is used once per language,
    whatever its kind — preferred, alternative and hidden labels are disjoint (S13).
    """
    errors = []
    preferred = {}
    seen = {}
    for i, label in enumerate(labels):
        if label.kind == PREFERRED:
            if label.language.lower() in preferred:
                other = labels[preferred[label.language.lower()]]
                errors.append((i, two_preferred_message(label.language, other.text, label.text)))
                continue
            preferred[label.language.lower()] = i
        if label.key in seen:
            errors.append((i, repeated_label_message(label.text, label.language)))
        else:
            seen[label.key] = i
    return errors


def two_preferred_message(language: str, first: str, second: str) -> str:
    return (
        f"A term has one preferred label per language: “{first}” and “{second}” are both preferred "
        f"in {language_name(language)}; make one of them an alternative label."
    )


def repeated_label_message(text: str, language: str) -> str:
    return f"“{text}” is given twice in {language_name(language)} for this term."


def preferred_label_taken_message(text: str, language: str, owner: str, other: str, other_key: str = "") -> str:
    """One wording for a preferred label that another current term already carries. Two terms of
    one name (two concepts "weed" of a thesaurus) are told apart by ``other_key``: its URI or slug."""
    same = bool(other_key) and fold(owner) == fold(other)
    holder = f"“{other}” ({other_key})" if same else f"“{other}”"
    return (
        f"“{text}” is already the preferred label of {holder} in {language_name(language)}; "
        f"{'this term' if same else f'“{owner}”'} cannot have it too (deprecate one of them, or use an "
        f"alternative label)."
    )


def language_name(language: str) -> str:
    return f"language “{language}”" if language else "untagged text"


def preferred_label_clashes(rows: Iterable[tuple[Hashable, str, str, str]]) -> list[tuple[Hashable, Hashable, str, str]]:
    """Pairs of current terms sharing a preferred label in one language.

    ``rows`` are ``(term key, language, text, term name)`` for the preferred labels of current
    (non-deprecated) terms. Returns ``(later term key, earlier term key, message wording args…)``
    as ``(key, other key, text, language)`` for every label a second term repeats.
    """
    first_owner = {}
    clashes = []
    for key, language, text, _name in rows:
        owner = first_owner.setdefault((language.lower(), fold(text)), key)
        if owner != key:
            clashes.append((key, owner, text, language))
    return clashes


# Relations ----------------------------------------------------------------------------------


def self_loop_message() -> str:
    return "A term cannot be related to itself."


def symmetric_duplicate_message(a: str, label: str, b: str) -> str:
    return f"“{a} {label} {b}” already exists; a symmetric relation is stored once."


def duplicate_relation_message() -> str:
    return "This relation already exists."


def cycle_message(label: str, names: list[str]) -> str:
    """The refusal of a relation closing a cycle; long cycles are cut to their first steps."""
    return f"“{label}” may not form a cycle; this relation would create a cycle: {cycle_text(names)}."


def existing_cycle_message(names: list[str]) -> str:
    return f"Existing relations of this type already form a cycle: {cycle_text(names)}. Remove one of them first."


def cycle_text(names: list[str]) -> str:
    """“a → b → c → a”, or its first steps and how many more when the cycle is long."""
    if len(names) <= CYCLE_STEPS_SHOWN + 2:
        return " → ".join(names)
    hidden = len(names) - CYCLE_STEPS_SHOWN - 1
    return " → ".join(names[:CYCLE_STEPS_SHOWN]) + f" → … ({hidden} more terms) … → {names[-1]}"


def shortest_path(neighbours: Callable[[Hashable], Iterable[Hashable]], start, goal) -> list | None:
    """The nodes of a shortest path ``start → … → goal`` following ``neighbours``, or None.

    >>> edges = {1: [2], 2: [3], 3: []}
    >>> shortest_path(edges.__getitem__, 1, 3)
    [1, 2, 3]
    >>> shortest_path(edges.__getitem__, 3, 1) is None
    True
    """
    parent = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = []
            while node is not None:
                path.append(node)
                node = parent[node]
            return path[::-1]
        for following in neighbours(node):
            if following not in parent:
                parent[following] = node
                queue.append(following)
    return None


def meeting_path(forward: Callable, backward: Callable, start, goal) -> list | None:
    """A shortest path ``start → … → goal``, searched from both ends at once; None if there is none.

    ``forward(nodes)`` gives the edges ``(u, v)`` leaving ``nodes``, ``backward(nodes)`` the edges
    entering them. Each round expands the smaller of the two frontiers by one step, so the search
    reads about what lies between the two ends rather than all that either end reaches — the
    relations of one type need not be read, one call per step (a query when they live in a database).

    >>> edges = [(1, 2), (2, 3), (3, 4), (9, 4)]
    >>> out = lambda nodes: [e for e in edges if e[0] in nodes]
    >>> into = lambda nodes: [e for e in edges if e[1] in nodes]
    >>> meeting_path(out, into, 1, 4)
    [1, 2, 3, 4]
    >>> meeting_path(out, into, 4, 1) is None
    True
    """
    if start == goal:
        return [start]
    before = {start: None}  # node → the node it was reached from, from the start
    after = {goal: None}  # node → the node it leads to, towards the goal
    ahead, behind = {start}, {goal}
    while ahead and behind:
        if len(ahead) <= len(behind):
            reached = set()
            for u, v in forward(ahead):
                if v not in before:
                    before[v] = u
                    reached.add(v)
                    if v in after:
                        return _joined(before, after, v)
            ahead = reached
        else:
            reached = set()
            for u, v in backward(behind):
                if u not in after:
                    after[u] = v
                    reached.add(u)
                    if u in before:
                        return _joined(before, after, u)
            behind = reached
    return None


def _joined(before: dict, after: dict, middle) -> list:
    path = [middle]
    while before[path[0]] is not None:
        path.insert(0, before[path[0]])
    while after[path[-1]] is not None:
        path.append(after[path[-1]])
    return path


def path_in_edges(edges: Iterable[tuple], start, goal) -> list | None:
    """`shortest_path` over a plain list of directed ``(source, target)`` edges.

    >>> path_in_edges([(1, 2), (2, 3)], 1, 3)
    [1, 2, 3]
    """
    successors = defaultdict(list)
    for source, target in edges:
        successors[source].append(target)
    return shortest_path(lambda node: successors.get(node, ()), start, goal)


def find_cycles(edges: Iterable[tuple]) -> list[list]:
    """One cycle, closed (``[a, b, a]``), for each group of nodes that lie on cycles together.

    Every independent cycle among ``edges`` gets named once, so a file with three unrelated
    cycles is refused with three messages rather than one at a time.

    >>> find_cycles([(1, 2), (2, 1), (3, 4), (4, 5), (5, 3), (6, 7), (8, 8)])
    [[1, 2, 1], [3, 4, 5, 3], [8, 8]]
    """
    G = nx.DiGraph()
    G.add_edges_from(edges)
    if nx.is_directed_acyclic_graph(G):
        return []
    cycles = []
    for component in nx.strongly_connected_components(G):
        if len(component) == 1:  # a cycle only if the node leads to itself
            node = next(iter(component))
            if G.has_edge(node, node):
                cycles.append([node, node])
        else:
            cycle = [u for u, _ in nx.find_cycle(G.subgraph(component))]
            start = cycle.index(min(cycle, key=str))
            cycle = cycle[start:] + cycle[:start]
            cycles.append(cycle + cycle[:1])
    return sorted(cycles, key=lambda c: str(c[0]))


def find_cycle(edges: Iterable[tuple]) -> list | None:
    """One cycle among directed ``edges``, closed, or None.

    >>> find_cycle([(1, 2), (2, 3), (3, 1)])
    [1, 2, 3, 1]
    >>> find_cycle([(1, 2), (2, 3)]) is None
    True
    """
    cycles = find_cycles(edges)
    return cycles[0] if cycles else None


def categories_inside(parents: Mapping[Hashable, Hashable | None], chosen: Iterable[Hashable]) -> set:
    """The ``chosen`` categories and those inside them at any depth (a domain, its microthesauri,
    theirs): what filtering by a category selects. ``parents`` maps each category to the one it
    is inside, or None; a chosen key not in it stays in (None: terms without a category).

    >>> sorted(categories_inside({"edu": None, "school": "edu", "exams": "school", "art": None}, ["edu"]))
    ['edu', 'exams', 'school']
    """
    return inside_of(parents)(chosen)


def inside_of(parents: Mapping[Hashable, Hashable | None]) -> Callable[[Iterable[Hashable]], set]:
    """`categories_inside` for one ``parents``, to be asked many times: its children are listed once."""
    children = defaultdict(list)
    for child, parent in parents.items():
        if parent is not None:
            children[parent].append(child)

    def inside(chosen: Iterable[Hashable]) -> set:
        found, todo = set(chosen), list(chosen)
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    return inside


def category_loop_message(names: list[str]) -> str:
    """A category that would end up inside itself (``names``: the loop, closed, child first)."""
    return f"A category cannot be inside itself: {cycle_text(names)}."


# Terms --------------------------------------------------------------------------------------


def replacement_error(*, status: str, replaced_by, own) -> str | None:
    """Why a term cannot have ``replaced_by`` as its replacement, or None."""
    if replaced_by is None:
        return None
    if own is not None and replaced_by == own:
        return "A term cannot be replaced by itself."
    if status != "deprecated":
        return "Only a deprecated term can have a replacement; set the status to deprecated."
    return None


def display_name_taken_message(name: str, other: str) -> str:
    return (
        f"“{name}” is already the name of the current term “{other}” (names are compared ignoring "
        "case); deprecate one of them or pick another name."
    )
