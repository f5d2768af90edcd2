"""Trim the change log: keep its newest entries; processes that had not read the rest rebuild."""

from django.core.management.base import BaseCommand, CommandError

from glossary.changelog import changelog_trim

DEFAULT_KEEP = 10_000


class Command(BaseCommand):
    help = "Delete all but the newest --keep entries of the change log (run it from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, default=DEFAULT_KEEP,
                            help=f"How many of the newest entries to keep (default {DEFAULT_KEEP:,}).")

    def handle(self, *, keep, verbosity, **options):
        if keep < 1:
            raise CommandError("--keep: must be at least 1.")
        deleted = changelog_trim(keep=keep)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} change-log entries; kept at least the newest {keep}."))
