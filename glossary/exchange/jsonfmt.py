"""Our lossless JSON format: write a snapshot, read a file back into a `Document`."""

import json

from django.conf import settings

from glossary.exchange.document import (
    ALIAS_FIELDS,
    CATEGORY_FIELDS,
    FORMAT_NAME,
    FORMAT_VERSION,
    NESTED_FIELDS,
    READABLE_VERSIONS,
    REFERENCE_FIELDS,
    RELATION_FIELDS,
    RELATION_TYPE_FIELDS,
    SCHEME_FIELDS,
    SECTIONS,
    TERM_FIELDS,
    Document,
    ExchangeError,
    Item,
    labels_from_aliases,
)

MEDIA_TYPE = "application/json"

ALLOWED = {
    "categories": CATEGORY_FIELDS,
    "relation_types": RELATION_TYPE_FIELDS,
    "terms": TERM_FIELDS,
    "relations": RELATION_FIELDS,
    "references": REFERENCE_FIELDS,
}
# Version 1 terms had aliases where version 2 has labels, notes and mappings.
ALLOWED_V1_TERMS = tuple(f for f in TERM_FIELDS if f not in NESTED_FIELDS) + ("aliases",)


def iter_json(snapshot: dict):
    """The snapshot as JSON text in chunks (for streaming), one row per line."""
    yield "{\n"
    yield f'"format": {json.dumps(FORMAT_NAME)},\n"version": {FORMAT_VERSION}'
    if snapshot.get("scheme"):
        yield f',\n"scheme": {json.dumps(snapshot["scheme"], ensure_ascii=False)}'
    for section in SECTIONS:
        rows = snapshot[section]
        yield f',\n{json.dumps(section)}: ['
        for i, row in enumerate(rows):
            yield ("\n" if i == 0 else ",\n") + json.dumps(row, ensure_ascii=False)
        yield "\n]" if rows else "]"
    yield "\n}\n"


def read_json(data: bytes, name="file") -> Document:
    """Parse our JSON format; structural problems are reported with their JSON path."""
    try:
        raw = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ExchangeError([f"{name} line {exc.lineno} column {exc.colno}: malformed JSON: {exc.msg}"]) from None
    except UnicodeDecodeError as exc:
        raise ExchangeError([f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except RecursionError:
        raise ExchangeError([f"{name}: the JSON is nested too deeply to be a glossary"]) from None
    if not isinstance(raw, dict):
        raise ExchangeError([f"{name}: expected a JSON object with the sections {', '.join(SECTIONS)}"])
    errors = []
    if raw.get("format") != FORMAT_NAME:
        errors.append(f'format: expected "{FORMAT_NAME}", found {json.dumps(raw.get("format"))[:80]}')
    version = raw.get("version")
    if version not in READABLE_VERSIONS:
        errors.append(f"version: this instance reads versions 1 and {FORMAT_VERSION}, found {json.dumps(version)[:80]}")
    unknown = set(raw) - set(SECTIONS) - {"format", "version", "scheme"}
    errors.extend(f"{key}: unknown section" for key in sorted(unknown))

    document = Document()
    if "scheme" in raw:
        if not isinstance(raw["scheme"], dict):
            errors.append("scheme: expected an object")
        else:
            errors.extend(f"scheme.{key}: unknown field" for key in sorted(set(raw["scheme"]) - set(SCHEME_FIELDS)))
            document.scheme = Item(raw["scheme"], "scheme")
    for section in SECTIONS:
        rows = raw.get(section, [])
        if not isinstance(rows, list):
            errors.append(f"{section}: expected a list")
            continue
        allowed = set(ALLOWED_V1_TERMS if section == "terms" and version == 1 else ALLOWED[section])
        items = getattr(document, section)
        for i, row in enumerate(rows):
            where = f"{section}[{i}]"
            if not isinstance(row, dict):
                errors.append(f"{where}: expected an object")
                continue
            errors.extend(f"{where}.{key}: unknown field" for key in sorted(set(row) - allowed))
            item = Item(row, where)
            if section == "terms":
                errors.extend(_read_term_lists(item, version))
            items.append(item)
    if errors:
        raise ExchangeError(errors)
    return document


def _read_term_lists(item, version):
    """Give a term item its labels, notes and mappings as Items; return shape errors."""
    row, where = item.data, item.where
    if version == 1 and "aliases" in row:
        errors = _nested_shape_errors(row["aliases"], f"{where}.aliases", ALIAS_FIELDS)
        if not errors:
            name = row.get("name") if isinstance(row.get("name"), str) else None
            aliases = row.pop("aliases")
            labels = labels_from_aliases(name, aliases, settings.GLOSSARY_LANGUAGE)
            places = ([f"{where}.name"] if name else []) + [f"{where}.aliases[{j}]" for j in range(len(aliases))]
            item.lists["labels"] = [Item(label, place) for label, place in zip(labels, places)]
        return errors
    errors = []
    for name, fields in NESTED_FIELDS.items():
        if name not in row:
            continue
        shape = _nested_shape_errors(row[name], f"{where}.{name}", fields)
        errors.extend(shape)
        if not shape:
            item.lists[name] = [Item(value, f"{where}.{name}[{j}]") for j, value in enumerate(row[name])]
    return errors


def _nested_shape_errors(values, where, fields):
    if not isinstance(values, list):
        return [f"{where}: expected a list"]
    errors = []
    for j, value in enumerate(values):
        if not isinstance(value, dict):
            errors.append(f"{where}[{j}]: expected an object")
        else:
            errors.extend(f"{where}[{j}].{key}: unknown field" for key in sorted(set(value) - set(fields)))
    return errors
