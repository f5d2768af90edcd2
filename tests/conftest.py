"""Shared fixtures: the seed glossary, small hand-made glossaries, users with various rights."""

import itertools

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.core.management import call_command

from glossary import services
from glossary.changelog import changelog_record_bulk, feed
from glossary.models import Category, Label, Mapping, Note, Reference, Relation, RelationType, Term
from glossary.roles import install_groups
from glossary.search import forget_vocabularies
from graphviz_app.engine import clear_graph_cache

SEED_FIXTURE = "fixtures/llm_glossary.json"

_counter = itertools.count(1)


SEED_MODELS = (Category, RelationType, Term, Label, Note, Mapping, Relation, Reference, Reference.terms.through)
_seed_rows = {}


@pytest.fixture
def seed(db):
    """The seed LLM glossary, loaded into the test database.

    `loaddata` resolves every natural key with a query (~1.5 s); the first use keeps the
    loaded rows and later tests insert them again in bulk, with the same primary keys.
    """
    if not _seed_rows:
        call_command("loaddata", SEED_FIXTURE, verbosity=0)
        for model in SEED_MODELS:
            _seed_rows[model] = list(model.objects.order_by("pk").values())
        return
    for model in SEED_MODELS:
        model.objects.bulk_create(model(**row) for row in _seed_rows[model])
    changelog_record_bulk()


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches, graphs and search vocabularies, as a new process would:
    the database is emptied between tests without going through the change log."""
    cache.clear()
    clear_graph_cache()
    feed.forget()
    forget_vocabularies()


def labels_of(name, aliases, language="en"):
    """Labels for a term named ``name`` with old-style ``aliases`` ({name, kind, language})."""
    from glossary.exchange.document import labels_from_aliases

    return labels_from_aliases(name, aliases, language)


@pytest.fixture
def make_term(db):
    """Create a term through the service: make_term("RAG", short_definition=...).

    ``aliases=[{"name": "LLM", "kind": "abbreviation"}]`` is shorthand for the labels they become.
    """

    def make(name=None, aliases=None, **fields):
        if name is None and "labels" not in fields:
            name = f"Term {next(_counter)}"
        if aliases is not None:
            fields["labels"] = labels_of(name, aliases)
        return services.term_create(name=name, **fields)

    return make


@pytest.fixture
def make_type(db):
    """Create or fetch a relation type by slug: make_type("is-a", acyclic=True, transitive=True)."""

    def make(slug, label=None, inverse_label=None, **flags):
        existing = RelationType.objects.filter(slug=slug).first()
        if existing:
            return existing
        label = label or slug.replace("-", " ")
        return services.relation_type_create(
            slug=slug,
            label=label,
            inverse_label=inverse_label or (label if flags.get("symmetric") else f"inverse of {label}"),
            **flags,
        )

    return make


@pytest.fixture
def is_a(make_type):
    return make_type("is-a", "is a", "has subtype", acyclic=True, transitive=True, skos_mapping="broader")


@pytest.fixture
def related_to(make_type):
    return make_type("related-to", "is related to", symmetric=True, skos_mapping="related")


@pytest.fixture
def relate(db):
    """Create a relation through the service: relate(a, is_a, b)."""

    def make(source, rtype, target, note=""):
        return services.relation_create(source=source, type=rtype, target=target, note=note)

    return make


@pytest.fixture
def staff_user(db):
    return User.objects.create_superuser("admin", "admin@example.com", "admin-pass-123")


@pytest.fixture
def editor(db):
    """A non-staff user holding every glossary model permission — the review permission too, so
    the workflow lets it write any term (the roles' own tests use `editor_member`, `reviewer_member`)."""
    user = User.objects.create_user("editor", "editor@example.com", "editor-pass-123")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="glossary"))
    return User.objects.get(pk=user.pk)  # fresh instance: permissions are cached per object


@pytest.fixture
def reader(db):
    """An authenticated user without any permission."""
    return User.objects.create_user("reader", "reader@example.com", "reader-pass-123")


def group_member(username: str, group: str) -> User:
    """A staff user (the admin needs it) whose rights are those of one workflow group."""
    if not Group.objects.filter(name=group).exists():
        # A transactional test (live server) empties the tables, the migration's groups too.
        install_groups(django_apps)
    user = User.objects.create_user(username, f"{username}@example.com", f"{username}-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def editor_member(db):
    """A member of the Editors group: writes drafts and submits them for review."""
    return group_member("eddie", "Editors")


@pytest.fixture
def reviewer_member(db):
    """A member of the Reviewers group: also publishes, requests changes and deprecates."""
    return group_member("rita", "Reviewers")
