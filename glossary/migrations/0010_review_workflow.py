"""The review workflow: statuses in review and changes requested, the reviewer's comment, the
`review_term` permission, and the Editors and Reviewers groups with their permissions."""

import django.db.models.functions.text
import glossary.models
from django.db import migrations, models

from glossary.roles import GROUPS, install_groups


def make_groups(apps, schema_editor):
    install_groups(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('glossary', '0009_history'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='term',
            options={'ordering': [django.db.models.functions.text.Lower('name')], 'permissions': [('review_term', 'Can review terms: publish, request changes, deprecate')]},
        ),
        migrations.AddField(
            model_name='term',
            name='review_comment',
            field=models.TextField(blank=True, db_default='', default='', editable=False, help_text='What the reviewer asked to change, the last time changes were requested.', validators=[glossary.models.validate_text]),
        ),
        migrations.AlterField(
            model_name='term',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('changes_requested', 'Changes requested'), ('published', 'Published'), ('deprecated', 'Deprecated')], db_index=True, default='published', help_text="Draft → in review → published; changes requested sends a term back to its author; deprecated when retired. Who may make each change is the review workflow's rule.", max_length=20),
        ),
        migrations.RunPython(make_groups, remove_groups),
    ]
