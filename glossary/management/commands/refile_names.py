from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from glossary.changelog import changelog_record_bulk
from glossary.models import Label, Term
from glossary.name_order import refile_names


class Command(BaseCommand):
    help = ("Store again where every term and label sorts and which letter it is filed under in the A–Z "
            "lists: after changing GLOSSARY_LANGUAGE, or after an upgrade of ICU.")

    def handle(self, *args, **options):
        with transaction.atomic():
            terms, labels = refile_names(connection, Term, Label, settings.GLOSSARY_LANGUAGE)
            changelog_record_bulk()  # every process reads its lists and A–Z index afresh
        self.stdout.write(self.style.SUCCESS(
            f"Refiled {terms} terms in {settings.GLOSSARY_LANGUAGE} and {labels} labels in their languages."))
