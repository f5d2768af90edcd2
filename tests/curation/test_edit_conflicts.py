"""Several curators editing one term: a save from a copy someone else's change made stale is
refused (admin: the form again, with what was typed; API: 412 to a stale If-Match), never
written over theirs; saving again from the refused form is deliberate and goes through."""

import pytest
from django.test import Client
from django.urls import reverse

from glossary import services
from glossary.models import Relation, Term
from tests.admin_forms import posted_back
from tests.curation.conftest import token_client
from tests.conftest import group_member


@pytest.fixture
def alice(db):
    return group_member("alice", "Reviewers")


@pytest.fixture
def bob(db):
    return group_member("bob", "Reviewers")


@pytest.fixture
def term(make_term):
    return make_term("Prompt injection", short_definition="Text that steers a model against its instructions.")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version_of(term) -> str:
    return services.term_version(Term.objects.get(pk=term.pk).updated_at)


# The rule -----------------------------------------------------------------------------------


def test_an_update_from_a_stale_version_is_refused_and_names_who_changed_it(term, alice, bob):
    seen = version_of(term)
    services.term_update(term=Term.objects.get(pk=term.pk), user=alice, versions=[seen],
                         short_definition="Alice's wording.")
    history = term.history.count()
    with pytest.raises(services.EditConflict) as refused:
        services.term_update(term=Term.objects.get(pk=term.pk), user=bob, versions=[seen], body="Bob's body.")
    message = " ".join(refused.value.messages)
    assert "“Prompt injection” was changed by alice" in message
    assert refused.value.current == version_of(term) != seen
    stored = Term.objects.get(pk=term.pk)
    assert (stored.short_definition, stored.body) == ("Alice's wording.", "")
    assert term.history.count() == history  # no version written for the refused save
    # From the version it is at now, Bob's save goes through; without a version, as before.
    services.term_update(term=stored, user=bob, versions=[refused.value.current], body="Bob's body.")
    services.term_update(term=Term.objects.get(pk=term.pk), body="Anyone's body.")
    assert Term.objects.get(pk=term.pk).body == "Anyone's body."


def test_a_change_to_a_label_note_or_mapping_moves_the_version_a_relation_does_not(term, make_term, is_a):
    before = version_of(term)
    services.label_create(term=term, text="PI", kind="alternative", language="en")
    after_label = version_of(term)
    services.mapping_create(term=term, uri="https://example.org/pi")
    after_mapping = version_of(term)
    assert len({before, after_label, after_mapping}) == 3
    # A neighbour is not the term's content: a relation added does not make a copy stale.
    services.relation_create(source=term, type=is_a, target=make_term("Attack"))
    assert version_of(term) == after_mapping


def test_a_workflow_step_and_a_delete_from_a_stale_version_are_refused(term, alice, bob):
    seen = version_of(term)
    services.term_update(term=Term.objects.get(pk=term.pk), user=alice, short_definition="Changed.")
    with pytest.raises(services.EditConflict):
        services.term_transition(term=Term.objects.get(pk=term.pk), status="deprecated", user=bob, versions=[seen])
    with pytest.raises(services.EditConflict):
        services.term_delete(term=Term.objects.get(pk=term.pk), versions=[seen])
    assert Term.objects.get(pk=term.pk).status == "published"


# The admin ----------------------------------------------------------------------------------


def test_the_second_of_two_curators_to_save_gets_the_form_back_not_a_silent_overwrite(term, alice, bob):
    url = reverse("admin:glossary_term_change", args=[term.pk])
    as_alice, as_bob = signed_in(alice), signed_in(bob)
    alices_copy, bobs_copy = posted_back(as_alice.get(url)), posted_back(as_bob.get(url))
    assert alices_copy["version"] == version_of(term)

    alices_copy["short_definition"] = "Input that hijacks a model's instructions."
    assert as_alice.post(url, alices_copy).status_code == 302

    bobs_copy["body"] = "Bob's paragraph."
    refused = as_bob.post(url, bobs_copy)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Nothing was saved" in page and "was changed by alice" in page
    assert "Bob&#x27;s paragraph." in page  # what Bob typed is still in the form
    stored = Term.objects.get(pk=term.pk)
    assert (stored.short_definition, stored.body) == ("Input that hijacks a model's instructions.", "")

    # The form shown again carries the version of now: saving it again writes Bob's copy, on purpose.
    again = posted_back(refused)
    assert again["version"] == version_of(term)
    assert as_bob.post(url, again).status_code == 302
    stored = Term.objects.get(pk=term.pk)
    assert stored.body == "Bob's paragraph."


def test_a_label_changed_meanwhile_makes_the_term_form_stale(term, alice, bob):
    url = reverse("admin:glossary_term_change", args=[term.pk])
    bobs_copy = posted_back(signed_in(bob).get(url))
    services.label_create(term=term, text="PI", kind="alternative", language="en")
    response = signed_in(bob).post(url, bobs_copy)
    assert response.status_code == 200 and "Nothing was saved" in response.content.decode()
    assert term.labels.filter(text="PI").exists()


def test_a_relation_changed_meanwhile_is_not_written_back_as_it_was(term, make_term, is_a, relate, alice, bob):
    relation = relate(term, is_a, make_term("Attack"), note="as first written")
    url = reverse("admin:glossary_term_change", args=[term.pk])
    bobs_copy = posted_back(signed_in(bob).get(url))
    services.relation_update(relation=Relation.objects.get(pk=relation.pk), note="Alice's note")
    bobs_copy["short_definition"] = "Bob's definition."
    assert signed_in(bob).post(url, bobs_copy).status_code == 302
    assert Relation.objects.get(pk=relation.pk).note == "Alice's note"  # Bob did not touch that row
    assert Term.objects.get(pk=term.pk).short_definition == "Bob's definition."
    # A row Bob did change is still his to change.
    bobs_copy = posted_back(signed_in(bob).get(url))
    row = next(key for key, value in bobs_copy.items() if key.startswith("relations_out-") and value == "Alice's note")
    bobs_copy[row] = "Bob's note"
    assert signed_in(bob).post(url, bobs_copy).status_code == 302
    assert Relation.objects.get(pk=relation.pk).note == "Bob's note"


def test_a_reviewer_cannot_publish_a_version_they_did_not_read(make_term, alice, bob):
    pending = make_term("Jailbreak", status="in_review", short_definition="As submitted.")
    url = reverse("admin:glossary_term_change", args=[pending.pk])
    page = signed_in(alice).get(url)
    version = page.context_data["edit_version"]
    assert f'name="version" value="{version}"' in page.content.decode()
    services.term_update(term=Term.objects.get(pk=pending.pk), user=bob, short_definition="Rewritten meanwhile.")
    transition = reverse("admin:glossary_term_transition", args=[pending.pk])
    response = signed_in(alice).post(transition, {"status": "published", "version": version}, follow=True)
    assert "Nothing was changed" in response.content.decode() and "was changed by bob" in response.content.decode()
    assert Term.objects.get(pk=pending.pk).status == "in_review"
    # From the page as it is now, the step goes.
    version = signed_in(alice).get(url).context_data["edit_version"]
    signed_in(alice).post(transition, {"status": "published", "version": version})
    assert Term.objects.get(pk=pending.pk).status == "published"


# The API ------------------------------------------------------------------------------------


@pytest.fixture
def api(alice, bob):
    return {"alice": token_client(alice), "bob": token_client(bob)}


def test_a_write_with_a_stale_if_match_is_412_and_changes_nothing(term, api, staff_api):
    url = f"/api/terms/{term.slug}/"
    etag = api["bob"].get(url)["ETag"]
    first = api["alice"].patch(url, {"short_definition": "Alice's wording."}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    assert first["ETag"] != etag  # the answer names the version it wrote, for the next write

    refused = api["bob"].patch(url, {"body": "Bob's body."}, format="json", HTTP_IF_MATCH=etag)
    assert refused.status_code == 412
    assert "was changed by alice" in refused.json()["detail"]
    assert Term.objects.get(pk=term.pk).body == ""
    assert staff_api.delete(url, HTTP_IF_MATCH=etag).status_code == 412  # (reviewers may not delete)
    assert Term.objects.filter(pk=term.pk).exists()

    # Alice goes on from her answer's ETag; Bob from a fresh read.
    assert api["alice"].patch(url, {"notation": "PI-1"}, format="json", HTTP_IF_MATCH=first["ETag"]).status_code == 200
    fresh = api["bob"].get(url)["ETag"]
    assert api["bob"].patch(url, {"body": "Bob's body."}, format="json", HTTP_IF_MATCH=fresh).status_code == 200
    assert Term.objects.get(pk=term.pk).body == "Bob's body."


def test_an_if_match_that_is_no_entity_tag_is_a_400_naming_it_not_a_conflict(term, api, staff_api):
    url = f"/api/terms/{term.slug}/"
    refused = api["alice"].patch(url, {"body": "Alice's."}, format="json", HTTP_IF_MATCH="garbage")
    assert refused.status_code == 400
    assert refused.json() == {"If-Match": [
        "Not an entity tag: send the ETag of the copy you start from, as a read gave it (in double quotes)."]}
    assert Term.objects.get(pk=term.pk).body == ""
    assert staff_api.delete(url, HTTP_IF_MATCH="garbage").status_code == 400
    assert Term.objects.filter(pk=term.pk).exists()
    # A well-formed tag this API did not make names no version: that one is a 412, as before.
    assert api["alice"].patch(url, {"body": "Alice's."}, format="json", HTTP_IF_MATCH='"abc"').status_code == 412


def test_a_stale_write_that_is_also_invalid_is_told_what_is_wrong_with_it_first(term, api):
    url = f"/api/terms/{term.slug}/"
    etag = api["bob"].get(url)["ETag"]
    api["alice"].patch(url, {"body": "Alice's."}, format="json")
    invalid = api["bob"].patch(url, {"mappings": [{"kind": "exact", "label": "no address"}]}, format="json",
                               HTTP_IF_MATCH=etag)
    assert invalid.status_code == 400 and "mappings" in invalid.json()
    assert api["bob"].patch(url, {"body": "Bob's."}, format="json", HTTP_IF_MATCH=etag).status_code == 412


def test_if_match_is_about_the_term_not_its_neighbours(term, api, make_term, is_a, relate):
    url = f"/api/terms/{term.slug}/"
    etag = api["bob"].get(url)["ETag"]
    relate(term, is_a, make_term("Attack"))
    # The answer did change (a new relation): the old tag is no longer current for a read ...
    assert api["bob"].get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    # ... but the term's own content did not, so a write from it goes.
    assert api["bob"].patch(url, {"body": "B."}, format="json", HTTP_IF_MATCH=etag).status_code == 200


@pytest.mark.parametrize("header", ['"not-one-of-ours"', 'W/"x"', '""'])
def test_an_if_match_naming_no_version_of_the_term_is_412(term, api, header):
    response = api["bob"].patch(f"/api/terms/{term.slug}/", {"body": "B."}, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 412
    assert Term.objects.get(pk=term.pk).body == ""


def test_a_new_term_answers_with_the_etag_its_next_write_names(api):
    created = api["bob"].post("/api/terms/", {"name": "Model collapse"}, format="json")
    assert created.status_code == 201
    url = "/api/terms/model-collapse/"
    assert api["bob"].patch(url, {"body": "B."}, format="json", HTTP_IF_MATCH=created["ETag"]).status_code == 200


def test_if_match_star_and_no_if_match_write_as_before(term, api):
    url = f"/api/terms/{term.slug}/"
    assert api["bob"].patch(url, {"body": "One."}, format="json", HTTP_IF_MATCH="*").status_code == 200
    assert api["bob"].patch(url, {"body": "Two."}, format="json").status_code == 200
    assert Term.objects.get(pk=term.pk).body == "Two."


def test_a_304_still_answers_a_current_tag(term, api):
    url = f"/api/terms/{term.slug}/"
    etag = api["bob"].get(url)["ETag"]
    again = api["bob"].get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag


def test_the_schema_documents_if_match_and_412(staff_api):
    schema = staff_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    patch = schema["paths"]["/api/terms/{slug}/"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    assert "412" in patch["responses"]
