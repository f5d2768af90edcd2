"""History rows follow the review workflow's fields; terms remember when they were first published."""

import glossary.models
from django.db import migrations, models
from django.db.models import F


def stamp_public_terms(apps, schema_editor):
    """Terms already public were published when they were made, as far as anyone can tell now."""
    Term = apps.get_model("glossary", "Term")
    Term.objects.filter(status__in=("published", "deprecated")).update(published_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('glossary', '0010_review_workflow'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalterm',
            name='published_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicalterm',
            name='review_comment',
            field=models.TextField(blank=True, db_default='', default='', editable=False, help_text='What the reviewer asked to change, the last time changes were requested.', validators=[glossary.models.validate_text]),
        ),
        migrations.AddField(
            model_name='term',
            name='published_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='historicalterm',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('changes_requested', 'Changes requested'), ('published', 'Published'), ('deprecated', 'Deprecated')], default='published', help_text="Draft → in review → published; changes requested sends a term back to its author; deprecated when retired. Who may make each change is the review workflow's rule.", max_length=20),
        ),
        migrations.RunPython(stamp_public_terms, migrations.RunPython.noop),
    ]
