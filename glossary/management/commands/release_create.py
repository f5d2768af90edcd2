"""Publish a release from the command line: the first release of a large glossary reads all of it,
which may outlast a web request's time limit; later ones recompute only what changed."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from glossary import services


class Command(BaseCommand):
    help = "Publish a named, frozen snapshot of the public glossary (a release)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The release's name, e.g. 2026-12 or v1.2.")
        parser.add_argument("--note", default="", help="What the release is about.")
        parser.add_argument("--full", action="store_true",
                            help="Read the whole glossary even if the change log tells what changed.")

    def handle(self, *, name, note, full, verbosity, **options):
        try:
            release = services.release_create(name=name, note=note, full=full)
        except ValidationError as error:
            messages = "; ".join(f"{field}: {' '.join(texts)}" for field, texts in error.message_dict.items())
            raise CommandError(messages) from error
        if verbosity:
            self.stdout.write(self.style.SUCCESS(
                f"Release {release.name}: {release.term_count:,} terms, {release.relation_count:,} relations, "
                f"{release.new_entry_count:,} new entries."))
