"""Helpers for the import/export tests: row counts, running the commands, small documents."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from glossary.models import Category, Label, Reference, Relation, RelationType, Term


def row_counts():
    return {m.__name__: m.objects.count() for m in (Category, RelationType, Term, Label, Relation, Reference)}


def empty_glossary():
    """Delete every glossary row: the state of a fresh instance."""
    Relation.objects.all().delete()
    Reference.objects.all().delete()
    Term.objects.all().delete()
    RelationType.objects.all().delete()
    Category.objects.all().delete()


@pytest.fixture
def export(tmp_path):
    """export("json") → the bytes written by export_glossary (csv: the folder)."""

    def run(fmt="json", name=None, **options):
        target = tmp_path / (name or f"export-{fmt}-{len(list(tmp_path.iterdir()))}")
        call_command("export_glossary", format=fmt, output=str(target), stderr=io.StringIO(), **options)
        return target

    return run


@pytest.fixture
def run_import():
    """run_import(path, ...) → (stdout, stderr, error or None)."""

    def run(path, **options):
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_glossary", str(path), stdout=out, stderr=err, quiet=True, **options)
        except CommandError as exc:
            return out.getvalue(), err.getvalue(), exc
        return out.getvalue(), err.getvalue(), None

    return run


def small_document(**sections):
    """A valid JSON-format document: two terms joined by is-a; override any section."""
    doc = {
        "format": "glossary-graph",
        "version": 1,
        "categories": [{"slug": "concept", "name": "Concept"}],
        "relation_types": [
            {"slug": "is-a", "label": "is a", "inverse_label": "has subtype", "acyclic": True,
             "transitive": True, "skos_mapping": "broader"},
            {"slug": "related-to", "label": "is related to", "inverse_label": "is related to",
             "symmetric": True, "skos_mapping": "related"},
        ],
        "terms": [
            {"slug": "large-language-model", "name": "Large language model", "category": "concept",
             "short_definition": "A big model of text.", "aliases": [{"name": "LLM", "kind": "abbreviation"}]},
            {"slug": "foundation-model", "name": "Foundation model", "short_definition": "A base model."},
        ],
        "relations": [{"source": "large-language-model", "type": "is-a", "target": "foundation-model", "note": ""}],
        "references": [{"url": "https://example.org/llm", "title": "LLMs", "kind": "article",
                        "terms": ["large-language-model"]}],
    }
    doc.update(sections)
    return doc


@pytest.fixture
def write_json(tmp_path):
    def write(doc, name="glossary.json"):
        path = tmp_path / name
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
        return path

    return write
