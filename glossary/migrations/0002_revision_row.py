import uuid

from django.db import migrations


def create_revision_row(apps, schema_editor):
    apps.get_model("glossary", "Revision").objects.get_or_create(pk=1, defaults={"token": uuid.uuid4()})


class Migration(migrations.Migration):
    dependencies = [("glossary", "0001_initial")]

    operations = [migrations.RunPython(create_revision_row, migrations.RunPython.noop)]
