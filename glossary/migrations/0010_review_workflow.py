"""The review workflow: statuses in review and changes requested, the reviewer's comment, the
`review_term` permission, and the Editors and Reviewers groups with their permissions."""

import django.db.models.functions.text
import glossary.models
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# The models an editor writes besides terms: each term's labels, notes, mappings, relations, references.
TERM_SIDE_MODELS = ("term", "label", "note", "mapping", "relation", "reference")
# What both groups may do on each of them; Reviewers add the review permission.
EDITOR_ACTIONS = ("add", "change", "view")
GROUPS = {
    "Editors": [f"{action}_{model}" for model in TERM_SIDE_MODELS for action in EDITOR_ACTIONS]
    + ["view_category", "view_relationtype"],
}
GROUPS["Reviewers"] = GROUPS["Editors"] + ["review_term", "delete_relation", "delete_label", "delete_note",
                                          "delete_mapping"]


def make_groups(apps, schema_editor):
    # Permissions are made after migrations run; these groups need them now.
    # create_permissions skips an app config without a models module, as the migration's stub is.
    config = apps.get_app_config("glossary")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="glossary", codename__in=codenames))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('glossary', '0008_search_index'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='term',
            options={'ordering': [django.db.models.functions.text.Lower('name')], 'permissions': [('review_term', 'Can review terms: publish, request changes, deprecate')]},
        ),
        migrations.AddField(
            model_name='term',
            name='review_comment',
            field=models.TextField(blank=True, editable=False, help_text='What the reviewer asked to change, the last time changes were requested.', validators=[glossary.models.validate_text]),
        ),
        migrations.AlterField(
            model_name='term',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('changes_requested', 'Changes requested'), ('published', 'Published'), ('deprecated', 'Deprecated')], db_index=True, default='published', help_text="Draft → in review → published; changes requested sends a term back to its author; deprecated when retired. Who may make each change is the review workflow's rule.", max_length=20),
        ),
        migrations.RunPython(make_groups, remove_groups),
    ]
