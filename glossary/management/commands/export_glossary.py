"""manage.py export_glossary --format json|skos|csv|graphml [--skos-format …] -o PATH"""

import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from glossary.exchange.csvfmt import write_csv_folder
from glossary.exchange.document import ExchangeError
from glossary.exchange.formats import EXPORT_FORMATS, SKOS_FORMATS, export_file
from glossary.exchange.snapshot import glossary_snapshot
from glossary.exchange.uris import base_uri_for, normalised_base


class Command(BaseCommand):
    help = (
        "Export the whole glossary: json (lossless, re-importable), skos (Turtle, RDF/XML or JSON-LD), "
        "csv (a folder of spreadsheets) or graphml (Gephi, yEd)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="json")
        parser.add_argument("--skos-format", choices=SKOS_FORMATS, default="turtle")
        parser.add_argument(
            "-o", "--output", required=True,
            help="file to write, '-' for standard output; for csv, a folder",
        )
        parser.add_argument(
            "--base-uri",
            help="base of the URIs minted for concepts without their own (default: GLOSSARY_BASE_URI)",
        )

    def handle(self, *args, format, skos_format, output, base_uri, **options):
        base = ""
        if format == "skos":
            try:
                base = normalised_base(base_uri) if base_uri else base_uri_for(None)
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from exc
        snapshot = glossary_snapshot(with_scheme=True)
        counts = f"{len(snapshot['terms'])} terms, {len(snapshot['relations'])} relations"
        if format == "csv":
            if output == "-":
                raise CommandError("csv writes several files; give a folder with -o, not '-'")
            paths = write_csv_folder(snapshot, output)
            self.stderr.write(f"Wrote {counts} to {', '.join(str(p) for p in paths)}")
            return
        try:
            chunks, _, _ = export_file(format, snapshot, skos_format, base=base)
        except ExchangeError as exc:
            raise CommandError("\n".join(exc.errors)) from None
        if output == "-":
            for chunk in chunks:
                sys.stdout.write(chunk)
            sys.stdout.flush()
            return
        path = Path(output)
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(chunks)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from exc
        self.stderr.write(f"Wrote {counts} to {path}")
