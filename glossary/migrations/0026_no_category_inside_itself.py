"""A category saved as its own parent (allowed before the rule named a one-step loop) is taken
out of itself: it and the categories inside it vanished from the category pages."""

from django.db import migrations
from django.db.models import F


def take_out_of_themselves(apps, schema_editor):
    Category = apps.get_model("glossary", "Category")
    Category.objects.filter(parent_id=F("pk")).update(parent=None)


class Migration(migrations.Migration):
    dependencies = [("glossary", "0025_notation_search")]
    operations = [migrations.RunPython(take_out_of_themselves, migrations.RunPython.noop)]
