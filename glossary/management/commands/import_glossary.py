"""manage.py import_glossary PATH [--format json|skos|csv] [--skos-format …] [--dry-run] [--quiet]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from glossary.exchange.document import ExchangeError
from glossary.exchange.formats import IMPORT_FORMATS, SKOS_FORMATS, read_file
from glossary.exchange.importer import import_document


class Command(BaseCommand):
    help = (
        "Import a glossary file (json, skos) or a folder of CSV files, all or nothing: any problem "
        "is reported with its place and nothing is written; what had to be interpreted is listed as "
        "warnings. Terms are matched by URI, then slug, so importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="file to import, or a folder holding terms.csv etc.")
        parser.add_argument("--format", choices=IMPORT_FORMATS, help="default: from the extension or the content")
        parser.add_argument("--skos-format", choices=SKOS_FORMATS, help="default: from the extension or the content")
        parser.add_argument("--dry-run", action="store_true", help="check and show what would change; write nothing")
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args, path, format, skos_format, dry_run, quiet, **options):
        # Progress goes to the terminal only: logs and pipes get the summary alone.
        show = not quiet and options["verbosity"] > 0 and sys.stderr.isatty()

        def progress(iterable, **kwargs):
            return tqdm(iterable, disable=not show, leave=False, file=sys.stderr, **kwargs)

        try:
            document = read_file(path, format, skos_format)
            report = import_document(document, dry_run=dry_run, progress=progress, file_name=Path(path).name)
        except ExchangeError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{path}: {len(exc.errors)} problem{'s' if len(exc.errors) != 1 else ''}; nothing was imported."
            ) from exc
        for line in report.lines():
            self.stdout.write(line)
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path}."))
