"""CSV for spreadsheets: a folder of terms.csv, labels.csv, relations.csv and friends.

Only terms.csv is needed to import; the other files are read when present. A missing ``slug``
column (or an empty slug cell) is filled from the name, so a hand-made sheet of names and
definitions is enough. When labels.csv (notes.csv, mappings.csv) is present, each term of
terms.csv gets exactly the labels (notes, mappings) listed there. aliases.csv from version 1
exports is still read.

Cells a spreadsheet would evaluate as a formula (starting with =, +, -, @, tab or carriage
return) are written with a leading apostrophe, which spreadsheets show as text (OWASP's advice
against CSV injection); reading strips that apostrophe again, so a round trip changes nothing.
"""

import csv
import json
from pathlib import Path

from django.conf import settings

from glossary import rules
from glossary.exchange.document import (
    ALIAS_FIELDS,
    CATEGORY_FIELDS,
    NESTED_FIELDS,
    REFERENCE_FIELDS,
    RELATION_FIELDS,
    RELATION_TYPE_FIELDS,
    TERM_FIELDS,
    Document,
    ExchangeError,
    Item,
    labels_from_aliases,
)

BOOLEAN_FIELDS = ("symmetric", "transitive", "acyclic")
# Cells that stand for "no value" rather than an empty text.
NULLABLE_FIELDS = ("uri", "category", "replaced_by", "created_at", "updated_at", "names", "parent", *BOOLEAN_FIELDS)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# file name → (columns in order, columns that must be present)
FILES = {
    "categories.csv": (CATEGORY_FIELDS, ("slug", "name")),
    "relation_types.csv": (RELATION_TYPE_FIELDS, ("slug", "label")),
    "terms.csv": (tuple(f for f in TERM_FIELDS if f not in NESTED_FIELDS), ("name",)),
    "labels.csv": (("term", *NESTED_FIELDS["labels"]), ("term", "text")),
    "notes.csv": (("term", *NESTED_FIELDS["notes"]), ("term", "text")),
    "mappings.csv": (("term", *NESTED_FIELDS["mappings"]), ("term", "uri")),
    "relations.csv": (RELATION_FIELDS, ("source", "type", "target")),
    "references.csv": (REFERENCE_FIELDS, ("url", "title")),
}


# Read only: version 1 exports had aliases.csv.
LEGACY_ALIASES = ("aliases.csv", (("term", *ALIAS_FIELDS), ("term", "name")))


def neutralise(text: str) -> str:
    """``text`` as a cell no spreadsheet evaluates: a formula-like start gets an apostrophe.

    Text that already starts with an apostrophe before such a character gets one more, so that
    `restore` can always take exactly one away.
    """
    if text.startswith(FORMULA_START) or (text.startswith("'") and neutralise(text[1:]) != text[1:]):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The text `neutralise` was given."""
    if text.startswith("'") and neutralise(text[1:]) != text[1:]:
        return text[1:]
    return text


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, dict):
        # A category's names in other languages, as a JSON object: {"fr": "Apprentissage"}.
        return neutralise(json.dumps(value, ensure_ascii=False))
    return neutralise(value)


def write_csv_folder(snapshot: dict, folder) -> list[Path]:
    """Write the snapshot as one CSV file per section into ``folder``; return the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = {
        "categories.csv": snapshot["categories"],
        "relation_types.csv": snapshot["relation_types"],
        "terms.csv": snapshot["terms"],
        **{
            f"{name}.csv": [{"term": t["slug"], **row} for t in snapshot["terms"] for row in t[name]]
            for name in NESTED_FIELDS
        },
        "relations.csv": snapshot["relations"],
        "references.csv": snapshot["references"],
    }
    written = []
    for name, (columns, _) in FILES.items():
        path = folder / name
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            for row in rows[name]:
                writer.writerow([_cell(row.get(column)) for column in columns])
        written.append(path)
    return written


def _parse_cell(column, value):
    value = restore(value)
    value = value.strip() if column not in ("body", "description", "note", "short_definition", "text") else value
    if column in NULLABLE_FIELDS and value == "":
        return None
    if column in BOOLEAN_FIELDS:
        return {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(
            value.lower(), value
        )
    if column == "terms":
        return value.split()
    if column == "names":
        try:
            return json.loads(value)
        except ValueError:
            return value  # the check says what is wrong with it
    return value


def _read_file(path, columns, required, errors):
    """(line number, row dict) for each non-blank record of one CSV file."""
    name = path.name
    rows = []
    line = 1
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            if not header:
                errors.append(f"{name}: the file is empty; expected the header {','.join(columns)}")
                return []
            unknown = [h for h in header if h not in columns]
            missing = [c for c in required if c not in header]
            repeated = sorted({h for h in header if header.count(h) > 1})
            problems = (
                [f"unknown column {h!r}" for h in unknown]
                + [f"missing column {c!r}" for c in missing]
                + [f"column {h!r} appears twice" for h in repeated]
            )
            if problems:
                errors.append(f"{name} line 1: {'; '.join(problems)} (the columns are {', '.join(columns)})")
                return []
            line = reader.line_num + 1
            for record in reader:
                if any(cell.strip() for cell in record):
                    if len(record) != len(header):
                        errors.append(f"{name} line {line}: {len(record)} cells, but the header has {len(header)}")
                    else:
                        rows.append((line, {c: _parse_cell(c, v) for c, v in zip(header, record)}))
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        errors.append(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    except csv.Error as exc:
        errors.append(f"{name} line {line}: malformed CSV: {exc}")
    return rows


def read_csv_folder(path) -> Document:
    """Read a folder of our CSV files (or a single terms file) into a `Document`."""
    path = Path(path)
    if path.is_file():
        files = {"terms.csv": path}
    else:
        files = {name: path / name for name in [*FILES, LEGACY_ALIASES[0]] if (path / name).is_file()}
        if "terms.csv" not in files:
            raise ExchangeError([f"{path}: no terms.csv in this folder"])
    errors = []
    spec = {**FILES, LEGACY_ALIASES[0]: LEGACY_ALIASES[1]}
    rows = {name: _read_file(p, *spec[name], errors) for name, p in files.items()}
    document = Document()

    def items(name):
        return [Item(data, f"{files[name].name} line {line}", "csv") for line, data in rows.get(name, [])]

    document.categories = items("categories.csv")
    document.relation_types = items("relation_types.csv")
    document.relations = items("relations.csv")
    document.references = items("references.csv")
    document.terms = items("terms.csv")
    for term in document.terms:
        if not term.data.get("slug") and term.data.get("name"):
            term.data["slug"] = rules.slug_of(term.data["name"])
    by_slug = {term.data.get("slug"): term for term in document.terms}
    for name in NESTED_FIELDS:
        if f"{name}.csv" not in files:
            continue
        for term in document.terms:
            term.lists[name] = []
        for row in items(f"{name}.csv"):
            owner = by_slug.get(row.data.pop("term"))
            if owner is None:
                errors.append(f"{row.at('term')}: no term with this slug in terms.csv")
            else:
                owner.lists[name].append(row)
    if "aliases.csv" in files and "labels.csv" not in files:
        aliases = {}
        for row in items("aliases.csv"):
            if row.data.get("term") not in by_slug:
                errors.append(f"{row.at('term')}: no term with this slug in terms.csv")
            aliases.setdefault(row.data.pop("term"), []).append(row)
        for slug, term in by_slug.items():
            rows = aliases.get(slug, [])
            labels = labels_from_aliases(term.data.get("name"), [r.data for r in rows], settings.GLOSSARY_LANGUAGE)
            places = ([term.where] if term.data.get("name") else []) + [r.where for r in rows]
            term.lists["labels"] = [Item(label, place, "csv") for label, place in zip(labels, places)]
    if errors:
        raise ExchangeError(errors)
    return document
