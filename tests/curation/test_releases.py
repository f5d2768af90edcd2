"""Releases: what a release holds, that it stays frozen, how its storage is shared, its name."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from glossary import releases, services
from glossary.exchange.jsonfmt import iter_json
from glossary.models import Release, ReleaseEntry, ReleaseEntryKind, Term
from tests.curation.release_fixtures import small_glossary  # noqa: F401

pytestmark = pytest.mark.django_db


def release_json(release) -> str:
    return "".join(iter_json(releases.release_snapshot(release)))


def test_a_release_holds_exactly_what_the_public_json_export_holds(small_glossary, staff_user):
    release = services.release_create(name="2026-12", user=staff_user)
    exported = Client().get("/api/export/", {"format": "json"})  # anonymous: the public glossary
    assert release_json(release) == b"".join(exported.streaming_content).decode()
    assert (release.term_count, release.relation_count) == (5, 3)
    assert release.created_by == staff_user


def test_drafts_and_their_relations_are_never_in_a_release(small_glossary, staff_user):
    release = services.release_create(name="v1", user=staff_user)
    contents = " ".join(releases.decompress(c) for c in ReleaseEntry.objects.values_list("content", flat=True))
    assert "secret-draft" not in contents and "Secret draft" not in contents
    snapshot = releases.release_snapshot(release)
    assert all(r["source"] != "secret-draft" for r in snapshot["relations"])
    assert snapshot["references"][0]["terms"] == ["retrieval-augmented-generation"]


def test_a_release_is_frozen_later_edits_do_not_change_it(small_glossary, staff_user, make_term, relate):
    release = services.release_create(name="v1", user=staff_user)
    before = release_json(release)
    g = small_glossary
    services.term_update(term=g["rag"], short_definition="Something else entirely.")
    services.term_delete(term=g["hallucination"])
    relate(make_term("Agent"), g["uses"], g["llm"])
    services.category_update(category=g["technique"], name="Techniques")
    services.term_update(term=g["draft"], status="published")
    assert release_json(Release.objects.get(pk=release.pk)) == before


def test_a_second_release_of_an_unchanged_glossary_adds_no_entries(small_glossary, staff_user):
    first = services.release_create(name="v1", user=staff_user)
    stored = ReleaseEntry.objects.count()
    second = services.release_create(name="v2", user=staff_user)
    assert ReleaseEntry.objects.count() == stored == first.entry_count
    assert (second.new_entry_count, second.new_entry_bytes) == (0, 0)
    assert bytes(second.manifest) == bytes(first.manifest)


def test_a_release_after_one_edit_stores_only_the_entry_that_changed(small_glossary, staff_user, relate):
    services.release_create(name="v1", user=staff_user)
    stored = ReleaseEntry.objects.count()
    services.term_update(term=small_glossary["foundation"], short_definition="Adaptable to many tasks.")
    second = services.release_create(name="v2", user=staff_user)
    assert second.new_entry_count == 1
    assert ReleaseEntry.objects.count() == stored + 1
    new = ReleaseEntry.objects.order_by("-pk").first()
    assert (new.kind, new.key) == (ReleaseEntryKind.TERM, "foundation-model")

    relate(small_glossary["foundation"], small_glossary["uses"], small_glossary["hallucination"])
    third = services.release_create(name="v3", user=staff_user)
    assert third.new_entry_count == 1  # the relations going out of "foundation model"


def test_manifests_are_compact_and_unpack_to_the_same_ids():
    ids = list(range(1, 200_001))
    manifest = releases.pack_ids(ids)
    assert releases.unpack_ids(manifest) == ids
    assert len(manifest) < 100
    scattered = sorted({1, 5, 7, 1_000_000, 2**40})
    assert releases.unpack_ids(releases.pack_ids(reversed(scattered))) == scattered
    assert releases.unpack_ids(releases.pack_ids([])) == []


@pytest.mark.parametrize("name", ["2026-12", "v1.2", "R_1", "a" * 64, "2026.12-rc_1"])
def test_sensible_release_names_are_accepted(name, db):
    assert services.release_create(name=name, user=None).name == name


@pytest.mark.parametrize("name, message", [
    ("", "cannot be blank"),
    ("bad name", "letters, digits"),
    ("-v1", "starting with a letter or digit"),
    ("v1/2", "letters, digits"),
    ("v1\u00e9", "letters, digits"),
    ("a" * 65, "at most 64"),
    ("current", "stands for the glossary as it is now"),
    ("Current", "stands for the glossary as it is now"),
])
def test_bad_release_names_are_refused_with_a_message_on_the_name(name, message, db):
    with pytest.raises(ValidationError) as caught:
        services.release_create(name=name, user=None)
    assert message in " ".join(caught.value.message_dict["name"])
    assert not Release.objects.exists()


def test_a_release_name_is_unique_ignoring_case(small_glossary):
    services.release_create(name="v1.2", user=None)
    with pytest.raises(ValidationError) as caught:
        services.release_create(name="V1.2", user=None)
    assert caught.value.message_dict == {"name": ["A release named “V1.2” already exists."]}
    assert Release.objects.count() == 1


def test_deleting_a_release_keeps_the_entries_another_release_shares(small_glossary, staff_user):
    first = services.release_create(name="v1", user=staff_user)
    services.term_update(term=small_glossary["rag"], short_definition="Grounded generation.")
    second = services.release_create(name="v2", user=staff_user)
    kept = release_json(second)
    services.release_delete(release=first)
    # Only the old version of RAG was first's alone.
    assert ReleaseEntry.objects.count() == second.entry_count
    assert release_json(Release.objects.get(pk=second.pk)) == kept
    services.release_delete(release=second)
    assert not ReleaseEntry.objects.exists()


def test_entries_are_canonical_json_addressed_by_their_content(small_glossary):
    services.release_create(name="v1", user=None)
    entry = ReleaseEntry.objects.get(kind=ReleaseEntryKind.TERM, key="retrieval-augmented-generation")
    data = json.loads(releases.decompress(entry.content))
    assert data["references"] == ["https://arxiv.org/abs/2005.11401"]
    assert [label["text"] for label in data["labels"]] == [
        "Retrieval-augmented generation", "RAG", "Hakuavusteinen generointi"]
    assert bytes(entry.digest) == releases.make_entry(ReleaseEntryKind.TERM, entry.key, data).digest


def test_publishing_a_release_is_seen_by_the_next_anonymous_read_of_the_cached_list(small_glossary):
    reader = Client()
    assert "v1" not in reader.get("/releases/").content.decode()
    services.release_create(name="v1", user=None)
    assert 'href="/releases/v1/"' in reader.get("/releases/").content.decode()
    assert [r["name"] for r in reader.get("/api/releases/").json()["results"]] == ["v1"]


def test_public_terms_are_what_term_public_holds(small_glossary):
    release = services.release_create(name="v1", user=None)
    slugs = {t["slug"] for t in releases.release_snapshot(release)["terms"]}
    assert slugs == set(Term.objects.public().values_list("slug", flat=True))
