from django.conf import settings
from django.core.management.base import BaseCommand

from glossary.exchange.jobs import jobs_expire


class Command(BaseCommand):
    help = "Delete admin import uploads older than GLOSSARY_IMPORT_JOB_HOURS (the import page also does it)."

    def handle(self, *args, **options):
        deleted = jobs_expire()
        self.stdout.write(f"Deleted {deleted} import job(s) older than {settings.IMPORT_JOB_HOURS} hours.")
