"""Incremental releases: a release (and "current") recomputes only what the change log names since
the latest release, and equals what reading the whole glossary gives; the log's gaps fall back."""

import json
import random
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossary import releases, services
from glossary.changelog import changelog_trim
from glossary.exchange.importer import import_document
from glossary.exchange.jsonfmt import read_json
from glossary.models import Label, Relation, Release, Term
from tests.curation.release_fixtures import small_glossary  # noqa: F401

pytestmark = pytest.mark.django_db


def content(release):
    """What a release is: its entries, its term index and its counts."""
    return (releases.unpack_ids(release.manifest), releases.unpack_index(release.term_index),
            release.term_count, release.relation_count, release.entry_count)


def spy(name):
    return mock.patch.object(releases, name, wraps=getattr(releases, name))


@pytest.fixture
def glossary(small_glossary, make_term, relate):
    """The small glossary and a dozen more terms, related in a ring, a few with references."""
    g = dict(small_glossary)
    extra = [make_term(f"Extra term {i}", short_definition=f"Extra {i}.",
                       category=g["technique"] if 4 <= i < 8 else None) for i in range(12)]
    for i, term in enumerate(extra):
        relate(term, g["uses"], extra[(i + 1) % len(extra)])
        relate(term, g["related_to"], g["llm"] if i % 2 else g["rag"])
    g["survey"] = services.reference_create(title="Survey", url="https://example.org/survey", terms=extra[:4])
    g["extra"] = extra
    return g


def edits(g, rng):
    """Each a named edit through the services; they pick their terms at random."""
    def public():
        return list(Term.objects.public().order_by("pk"))

    def any_term():
        return rng.choice(list(Term.objects.order_by("pk")))

    n = rng.randrange(10**6)
    return {
        "rename": lambda: services.term_update(term=rng.choice(public()), name=f"Renamed {n}"),
        "slug": lambda: services.term_update(term=rng.choice(public()), slug=f"moved-{n}"),
        "definition": lambda: services.term_update(term=any_term(), short_definition=f"Defined anew {n}."),
        "label add": lambda: services.label_create(term=any_term(), text=f"Alias {n}", language="en"),
        "label remove": lambda: services.label_delete(
            label=rng.choice(list(Label.objects.filter(kind="alternative")))),
        "note": lambda: services.note_create(term=any_term(), text=f"A note {n}.", language="en"),
        "mapping": lambda: services.mapping_create(term=any_term(), uri=f"http://example.org/c/{n}"),
        "relation add": lambda: services.relation_create(source=any_term(), type=g["related_to"], target=any_term()),
        "relation remove": lambda: services.relation_delete(
            relation=rng.choice(list(Relation.objects.filter(target__in=[g["llm"], g["rag"]])))),
        "unpublish pointed-at": lambda: services.term_update(term=rng.choice([g["llm"], g["rag"]]), status="draft"),
        "republish": lambda: [services.term_update(term=t, status="published")
                              for t in Term.objects.filter(status="draft")[:2]],
        "deprecate": lambda: services.term_update(term=rng.choice(public()), status="deprecated",
                                                  replaced_by=rng.choice(public())),
        "delete a replacement": lambda: services.term_delete(
            term=Term.objects.filter(replaces__isnull=False).first() or any_term()),
        "category": lambda: services.category_update(category=g["technique"], slug=f"technique-{n}", name=f"T {n}"),
        "term category": lambda: services.term_update(term=any_term(), category=g["technique"]),
        "relation type": lambda: services.relation_type_update(relation_type=g["uses"], slug=f"uses-{n}"),
        "reference": lambda: services.reference_update(reference=g["survey"], url=f"https://example.org/s-{n}"),
        "reference terms": lambda: services.reference_update(
            reference=g["reference"], title=f"Paper {n}", terms=rng.sample(public(), 2)),
    }


def edit_at_random(g, rng, count):
    done = []
    for _ in range(count):
        name, edit = rng.choice(sorted(edits(g, rng).items()))
        try:
            edit()
            done.append(name)
        except (ValidationError, IndexError, AttributeError):
            pass  # refused by the glossary's rules (e.g. a cycle), or nothing to pick: no change
    return done


@pytest.mark.parametrize("seed", range(8))
def test_an_incremental_release_equals_a_full_read_of_the_same_glossary(glossary, staff_user, seed):
    rng = random.Random(seed)
    services.release_create(name="v1", user=staff_user)
    assert edit_at_random(glossary, rng, 8)
    with spy("full_state") as full_read, spy("incremental_state") as incremental:
        made = services.release_create(name="v2", user=staff_user)
    assert incremental.call_count == 1 and full_read.call_count == 0
    whole = services.release_create(name="v3", user=staff_user, full=True)
    assert content(made) == content(whole)
    assert releases.release_snapshot(made) == releases.release_snapshot(whole)


EDITS = sorted(edits({}, random.Random(0)))


@pytest.mark.parametrize("name", EDITS)
def test_each_kind_of_edit_alone_gives_the_release_a_full_read_gives(glossary, staff_user, name):
    services.release_create(name="v1", user=staff_user)
    rng = random.Random(name)
    if name != "republish":
        edits(glossary, rng)[name]()
    else:
        services.term_update(term=glossary["llm"], status="draft")
        services.release_create(name="v1b", user=staff_user)
        edits(glossary, rng)[name]()
    made = services.release_create(name="v2", user=staff_user)
    assert content(made) == content(services.release_create(name="v3", user=staff_user, full=True))


@pytest.mark.parametrize("seed", range(8))
def test_the_diff_with_current_equals_the_diff_against_a_full_read(glossary, staff_user, seed):
    rng = random.Random(100 + seed)
    first = services.release_create(name="v1", user=staff_user)
    edit_at_random(glossary, rng, 4)
    services.release_create(name="v2", user=staff_user)  # the latest: "current" starts from it
    edit_at_random(glossary, rng, 6)
    for old in (first, Release.objects.get(name="v2")):
        against = releases.release_side(old)
        with spy("full_state") as full_read:
            incremental = releases.diff_sides(against, releases.current_side(against=against))
        assert full_read.call_count == 0
        with mock.patch.object(releases, "incremental_state", return_value=None):
            whole = releases.diff_sides(against, releases.current_side(against=against))
        assert incremental.sections == whole.sections
        assert incremental.terms == whole.terms


@pytest.mark.django_db(transaction=True)  # on PostgreSQL a trim keeps what the running transaction wrote
def test_a_change_log_trimmed_past_the_latest_release_makes_a_full_read(glossary, staff_user):
    services.release_create(name="v1", user=staff_user)
    services.term_update(term=glossary["rag"], short_definition="Changed before the trim.")
    changelog_trim(keep=1)
    with spy("full_state") as full_read:
        current = releases.current_side()
        made = services.release_create(name="v2", user=staff_user)
    assert full_read.call_count == 2
    assert content(made) == content(services.release_create(name="v3", user=staff_user, full=True))
    assert current.terms["retrieval-augmented-generation"]["short_definition"] == "Changed before the trim."


def test_an_import_since_the_latest_release_makes_a_full_read(glossary, staff_user):
    first = services.release_create(name="v1", user=staff_user)
    snapshot = releases.release_snapshot(first)
    snapshot["terms"][0]["short_definition"] = "Imported anew."
    import_document(read_json(json.dumps(snapshot).encode(), name="again.json"))
    with spy("full_state") as full_read:
        made = services.release_create(name="v2", user=staff_user)
    assert full_read.call_count == 1
    assert content(made) == content(services.release_create(name="v3", user=staff_user, full=True))


def test_a_release_without_a_log_position_makes_a_full_read_after_it(glossary, staff_user):
    first = services.release_create(name="v1", user=staff_user)
    Release.objects.filter(pk=first.pk).update(seq=None)
    with spy("full_state") as full_read:
        services.release_create(name="v2", user=staff_user)
    assert full_read.call_count == 1


def release_after_one_edit(make_term, relate, uses, size):
    terms = [make_term(f"Chain term {i}", short_definition=f"Number {i}.") for i in range(size)]
    for a, b in zip(terms, terms[1:]):
        relate(a, uses, b)
    services.release_create(name="v1")
    services.term_update(term=terms[size // 2], short_definition="Edited once.")
    read, original = [], releases.glossary_snapshot

    def snapshot(*, terms=None, targets=None):
        read.append(terms.count())
        return original(terms=terms, targets=targets)

    with mock.patch.object(releases, "glossary_snapshot", snapshot), \
            CaptureQueriesContext(connection) as queries:
        made = services.release_create(name="v2")
    assert made.term_count == size and made.relation_count == size - 1
    return read, len(queries)


def test_an_incremental_release_reads_the_changed_terms_not_the_glossary(make_term, relate, make_type, db):
    uses = make_type("uses")
    small = release_after_one_edit(make_term, relate, uses, 50)
    Term.objects.all().delete()
    Release.objects.all().delete()
    large = release_after_one_edit(make_term, relate, uses, 200)
    # The edited term alone (its slug and visibility stay: who points at it keeps its entries);
    # as many queries whatever the glossary's size.
    assert small == large
    assert small[0] == [1]


def test_the_release_create_command_publishes_a_release(glossary):
    call_command("release_create", "2026-12", "--note", "From cron.", verbosity=0)
    release = Release.objects.get(name="2026-12")
    assert release.note == "From cron." and release.term_count == Term.objects.public().count()
