"""The release pages: the list, one release with its downloads, the diff of two; and the admin."""

import re

import pytest
from django.contrib.auth.models import Permission, User

from glossary import services
from glossary.models import Release, ReleaseEntry
from tests.curation.release_fixtures import small_glossary  # noqa: F401

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def changed_since_v1(small_glossary, make_term):
    """v1, then: Agent added, Hallucination deleted, RAG's definition changed."""
    services.release_create(name="v1", user=None, note="First of all.")
    make_term("Agent")
    services.term_delete(term=small_glossary["hallucination"])
    services.term_update(term=small_glossary["rag"], short_definition="Grounded generation.")
    return small_glossary


def test_every_page_links_to_the_releases(client, db):
    assert '<a href="/releases/"' in html(client.get("/"))


def test_the_list_shows_each_release_with_links_to_what_changed(client, changed_since_v1):
    services.release_create(name="v2", user=None)
    page = html(client.get("/releases/"))
    assert page.index('href="/releases/v2/"') < page.index('href="/releases/v1/"')
    assert 'href="/releases/v1/diff/v2/"' in page and 'href="/releases/v2/diff/current/"' in page
    assert "First of all." in page and "first release" in page


def test_the_list_without_releases_says_how_to_make_one(client, db):
    assert "No release yet" in html(client.get("/releases/"))


def test_the_list_takes_a_constant_number_of_queries(client, small_glossary, django_assert_max_num_queries):
    services.release_create(name="v1", user=None)
    with django_assert_max_num_queries(12) as few:
        html(client.get("/releases/"))
    for i in range(2, 8):
        services.release_create(name=f"v{i}", user=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html(client.get("/releases/"))


def test_the_compare_form_leads_to_the_diff_and_refuses_a_bad_name(client, changed_since_v1):
    response = client.get("/releases/", {"old": "v1", "new": "current"})
    assert (response.status_code, response["Location"]) == (302, "/releases/v1/diff/current/")
    assert client.get("/releases/", {"old": "v1", "new": "no such"}).status_code == 400


def test_a_release_page_offers_every_download(client, changed_since_v1):
    page = html(client.get("/releases/v1/"))
    for query in ("format=json", "format=csv", "format=graphml", "format=skos&amp;skos_format=turtle",
                  "format=skos&amp;skos_format=xml", "format=skos&amp;skos_format=json-ld"):
        assert f'href="http://testserver/api/releases/v1/export/?{query}"' in page, query
    assert 'href="/releases/v1/diff/current/"' in page
    assert client.get("/releases/v9/").status_code == 404


def test_the_diff_page_shows_terms_added_removed_and_changed(client, changed_since_v1):
    page = re.sub(r"\s+", " ", html(client.get("/releases/v1/diff/current/")))
    assert "Changes from v1 to now" in page
    assert '<a href="/terms/agent/">Agent</a>' in page
    # A removed term has no page to link to any more.
    assert '<span class="term-name">Hallucination</span>' in page and 'href="/terms/hallucination/"' not in page
    assert '<span class="chip">short definition</span>' in page
    assert re.search(r'<span class="term-name">Hallucination</span> <span class="relation-type">is related to</span> '
                     r'<a href="/terms/retrieval-augmented-generation/">Retrieval-augmented generation</a>', page)
    assert 'href="/api/releases/v1/diff/current/"' in page and 'href="/releases/current/diff/v1/"' in page


def test_the_diff_page_names_terms_in_the_readers_language(client, changed_since_v1):
    page = html(client.get("/releases/v1/diff/current/", {"lang": "fi"}))
    assert "Hakuavusteinen generointi" in page


def test_the_diff_page_of_an_unknown_release_is_a_404_and_of_equal_ones_says_so(client, changed_since_v1):
    assert client.get("/releases/v1/diff/v9/").status_code == 404
    assert "No differences" in html(client.get("/releases/v1/diff/v1/"))


def test_release_pages_have_no_inline_styles_or_scripts(client, changed_since_v1):
    for url in ("/releases/", "/releases/v1/", "/releases/v1/diff/current/"):
        page = html(client.get(url))
        assert " style=" not in page and "<script>" not in page, url


# Admin --------------------------------------------------------------------------------------


def test_staff_publish_a_release_from_the_admin(client, staff_user, small_glossary):
    client.force_login(staff_user)
    response = client.post("/admin/glossary/release/add/", {"name": "2026-12", "note": "From the admin."})
    assert response.status_code == 302
    release = Release.objects.get()
    assert (release.name, release.note, release.created_by) == ("2026-12", "From the admin.", staff_user)
    assert release.term_count == 5 and ReleaseEntry.objects.count() == release.entry_count


def test_the_admin_refuses_a_taken_name_and_makes_nothing(client, staff_user, small_glossary):
    services.release_create(name="v1", user=None)
    client.force_login(staff_user)
    page = html(client.post("/admin/glossary/release/add/", {"name": "V1", "note": ""}))
    assert "A release named “V1” already exists." in page
    assert Release.objects.count() == 1


def test_the_admin_lists_releases_with_their_downloads_and_shows_them_read_only(client, staff_user, small_glossary):
    release = services.release_create(name="v1", user=None)
    client.force_login(staff_user)
    listing = html(client.get("/admin/glossary/release/"))
    assert 'href="/api/releases/v1/export/?format=json"' in listing
    assert 'href="/api/releases/v1/export/?format=csv"' in listing
    detail = html(client.get(f"/admin/glossary/release/{release.pk}/change/"))
    assert 'name="_save"' not in detail
    client.post(f"/admin/glossary/release/{release.pk}/change/", {"name": "renamed", "note": "x"})
    assert Release.objects.get().name == "v1"


def test_staff_without_the_permission_cannot_publish_in_the_admin(client, small_glossary):
    clerk = User.objects.create_user("clerk", "clerk@example.com", "clerk-pass-123", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_release"))
    client.force_login(clerk)
    assert client.get("/admin/glossary/release/add/").status_code == 403
    assert client.post("/admin/glossary/release/add/", {"name": "v1"}).status_code == 403
    assert not Release.objects.exists()


def test_deleting_a_release_in_the_admin_removes_the_entries_only_it_held(client, staff_user, small_glossary):
    release = services.release_create(name="v1", user=None)
    client.force_login(staff_user)
    response = client.post(f"/admin/glossary/release/{release.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Release.objects.exists() and not ReleaseEntry.objects.exists()
