from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.core.management.base import BaseCommand

from glossary.history import record_baseline, recorded_models
from glossary.models import Term

SEED = "fixtures/llm_glossary.json"


class Command(BaseCommand):
    help = "Load the seed glossary, but only into a database that holds no term yet."

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=SEED)

    def handle(self, *args, fixture, **options):
        if not settings.GLOSSARY_SEED:
            self.stdout.write("GLOSSARY_SEED is off: the glossary starts empty; import your vocabulary.")
            return
        if Term.objects.exists():
            self.stdout.write(f"The glossary already holds {Term.objects.count()} terms; seed not loaded.")
            return
        with transaction.atomic():
            call_command("loaddata", fixture, verbosity=options["verbosity"])
            # loaddata saves raw rows, which simple-history skips: the seed becomes every term's first version.
            record_baseline(connection, recorded_models())
        self.stdout.write(self.style.SUCCESS(f"Loaded the seed glossary: {Term.objects.count()} terms."))
