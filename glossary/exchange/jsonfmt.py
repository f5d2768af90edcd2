"""Our lossless JSON format: write a snapshot, read a file back into a `Document`."""

import json

from glossary.exchange.document import (
    ALIAS_FIELDS,
    CATEGORY_FIELDS,
    FORMAT_NAME,
    FORMAT_VERSION,
    REFERENCE_FIELDS,
    RELATION_FIELDS,
    RELATION_TYPE_FIELDS,
    SECTIONS,
    TERM_FIELDS,
    Document,
    ExchangeError,
    Item,
)

MEDIA_TYPE = "application/json"

ALLOWED = {
    "categories": CATEGORY_FIELDS,
    "relation_types": RELATION_TYPE_FIELDS,
    "terms": TERM_FIELDS,
    "relations": RELATION_FIELDS,
    "references": REFERENCE_FIELDS,
}


def iter_json(snapshot: dict):
    """The snapshot as JSON text in chunks (for streaming), one row per line."""
    yield "{\n"
    yield f'"format": {json.dumps(FORMAT_NAME)},\n"version": {FORMAT_VERSION}'
    for section in SECTIONS:
        rows = snapshot[section]
        yield f',\n{json.dumps(section)}: ['
        for i, row in enumerate(rows):
            yield ("\n" if i == 0 else ",\n") + json.dumps(row, ensure_ascii=False)
        yield "\n]" if rows else "]"
    yield "\n}\n"


def read_json(stream, name="file") -> Document:
    """Parse our JSON format; structural problems are reported with their JSON path."""
    try:
        raw = json.load(stream)
    except json.JSONDecodeError as exc:
        raise ExchangeError([f"{name} line {exc.lineno} column {exc.colno}: malformed JSON: {exc.msg}"])
    except UnicodeDecodeError as exc:
        raise ExchangeError([f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})"])
    if not isinstance(raw, dict):
        raise ExchangeError([f"{name}: expected a JSON object with the sections {', '.join(SECTIONS)}"])
    errors = []
    if raw.get("format") != FORMAT_NAME:
        errors.append(f'format: expected "{FORMAT_NAME}", found {json.dumps(raw.get("format"))}')
    if raw.get("version") != FORMAT_VERSION:
        errors.append(f"version: this instance reads version {FORMAT_VERSION}, found {json.dumps(raw.get('version'))}")
    unknown = set(raw) - set(SECTIONS) - {"format", "version"}
    errors.extend(f"{key}: unknown section" for key in sorted(unknown))

    document = Document()
    for section in SECTIONS:
        rows = raw.get(section, [])
        if not isinstance(rows, list):
            errors.append(f"{section}: expected a list")
            continue
        allowed = set(ALLOWED[section])
        items = getattr(document, section)
        for i, row in enumerate(rows):
            where = f"{section}[{i}]"
            if not isinstance(row, dict):
                errors.append(f"{where}: expected an object")
                continue
            errors.extend(f"{where}.{key}: unknown field" for key in sorted(set(row) - allowed))
            aliases = None
            if section == "terms" and "aliases" in row:
                shape_errors = _alias_shape_errors(row["aliases"], where)
                errors.extend(shape_errors)
                if not shape_errors:
                    aliases = [Item(alias, f"{where}.aliases[{j}]") for j, alias in enumerate(row["aliases"])]
            items.append(Item(row, where, aliases=aliases))
    if errors:
        raise ExchangeError(errors)
    return document


def _alias_shape_errors(aliases, where):
    if not isinstance(aliases, list):
        return [f"{where}.aliases: expected a list"]
    errors = []
    for j, alias in enumerate(aliases):
        if not isinstance(alias, dict):
            errors.append(f"{where}.aliases[{j}]: expected an object")
        else:
            errors.extend(
                f"{where}.aliases[{j}].{key}: unknown field" for key in sorted(set(alias) - set(ALIAS_FIELDS))
            )
    return errors
