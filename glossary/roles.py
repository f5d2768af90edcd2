"""The workflow's two roles as Django groups: Editors and Reviewers, with their permissions.

The migration that introduced the workflow installs them; a test database emptied between
tests gets them back the same way.
"""

from django.contrib.auth.management import create_permissions

# The models an editor writes besides terms: each term's labels, notes, mappings, relations, references.
TERM_SIDE_MODELS = ("term", "label", "note", "mapping", "relation", "reference")
EDITOR_PERMISSIONS = [f"{action}_{model}" for model in TERM_SIDE_MODELS for action in ("add", "change", "view")] + [
    "view_category", "view_relationtype",
]
# Reviewers also remove rows of a term (a wrong label, a relation) and hold the review permission.
REVIEWER_PERMISSIONS = EDITOR_PERMISSIONS + [
    "review_term", "delete_label", "delete_note", "delete_mapping", "delete_relation",
]
GROUPS = {"Editors": EDITOR_PERMISSIONS, "Reviewers": REVIEWER_PERMISSIONS}


def install_groups(apps) -> None:
    """Create the groups (again) with their permissions, in the app registry ``apps``."""
    config = apps.get_app_config("glossary")
    # Permissions are normally made after migrations run; create_permissions skips an app config
    # without a models module, as a migration's historical one is.
    if getattr(config, "models_module", None) is None:
        config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="glossary", codename__in=codenames))
