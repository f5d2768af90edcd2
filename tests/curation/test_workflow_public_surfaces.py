"""No term in review or sent back for changes reaches a reader on any public surface: pages, API,
graph API, search, autocomplete, hierarchy, export — for anonymous and signed-in readers alike."""

import pytest
from django.test import Client

from glossary.exchange.formats import SKOS_FORMATS

HIDDEN = ("zephyrine", "quillwort")
# Their definitions: a not-found page may echo the address asked for, never these.
HIDDEN_TEXT = ("waiting for its review", "went back to its author")

# Surfaces that name terms: each must answer and must not mention a hidden one.
LISTING_SURFACES = [
    # Searches echo the query: they ask for a beginning or a misspelling of the hidden names.
    "/", "/terms/", "/terms/?letter=Z", "/terms/?q=zephyr", "/categories/", "/categories/models/",
    "/search/?q=zephyr", "/search/?q=quillw", "/search/?q=zephyrime", "/search/?q=waiting+review",
    "/terms/base-model/",
    "/terms/other-model/", "/terms/base-model/learn/", "/graph/", "/graph/base-model/?depth=3",
    "/graph/other-model/", "/hierarchy/", "/hierarchy/?type=is-a",
    "/api/terms/", "/api/terms/?search=zephyr", "/api/terms/?search=quilwort", "/api/terms/?status=in_review",
    "/api/terms/?status=changes_requested", "/api/terms/?category=models", "/api/terms/?letter=Q",
    "/api/terms/autocomplete/?q=zeph", "/api/terms/autocomplete/?q=quill",
    "/api/terms/base-model/", "/api/terms/other-model/", "/api/relations/", "/api/relations/?target=base-model",
    "/api/categories/models/", "/api/relation-types/",
    "/api/graph/", "/api/graph/neighborhood/base-model/?depth=3", "/api/graph/neighborhood/other-model/",
    "/api/graph/hierarchy/base-model/?type=is-a", "/api/graph/narrower/base-model/?type=is-a",
    "/api/graph/top-concepts/?type=is-a", "/api/graph/stats/",
    "/api/export/?format=json", "/api/export/?format=graphml",
    *[f"/api/export/?format=skos&skos_format={syntax}" for syntax in SKOS_FORMATS],
]

# Addresses of the hidden terms themselves: not found.
HIDDEN_ADDRESSES = [
    f"{prefix}{slug}{suffix}" for slug in HIDDEN for prefix, suffix in [
        ("/terms/", "/"), ("/terms/", "/learn/"), ("/graph/", "/"), ("/api/terms/", "/"),
        ("/api/graph/neighborhood/", "/"), ("/api/graph/hierarchy/", "/?type=is-a"),
        ("/api/graph/learning-path/", "/"), ("/api/graph/narrower/", "/?type=is-a"),
    ]
] + [f"/api/graph/path/?from=base-model&to={slug}" for slug in HIDDEN]


def content_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode().lower()


@pytest.fixture(params=["anonymous", "reader"])
def reader_client(request, reader):
    client = Client()
    if request.param == "reader":
        client.force_login(reader)
    return client


@pytest.mark.parametrize("url", LISTING_SURFACES)
def test_a_public_surface_never_shows_a_term_in_review_or_sent_back(workflow_glossary, reader_client, url):
    response = reader_client.get(url)
    assert response.status_code == 200, url
    text = content_of(response)
    assert not [name for name in HIDDEN + HIDDEN_TEXT if name in text], url


@pytest.mark.parametrize("url", HIDDEN_ADDRESSES)
def test_the_address_of_a_term_in_review_or_sent_back_is_not_found(workflow_glossary, reader_client, url):
    response = reader_client.get(url)
    assert response.status_code == 404, url
    assert not [text for text in HIDDEN_TEXT if text in content_of(response)], url


def test_looking_up_a_hidden_name_finds_nothing(workflow_glossary, reader_client):
    found = reader_client.get("/api/terms/lookup/", {"label": "Zephyrine"}).json()
    assert found["term"] is None and found["candidates"] == []


def test_the_hidden_terms_are_really_there_for_staff(workflow_glossary, admin_as):
    """The surfaces above would pass on an empty glossary; staff see both terms on them."""
    client = admin_as("reviewer")
    for url in ("/api/terms/?search=zephyr", "/search/?q=quillw", "/api/graph/neighborhood/base-model/",
                "/api/export/?format=json"):
        assert any(name in content_of(client.get(url)) for name in HIDDEN), url
    assert client.get("/terms/zephyrine/").status_code == 200


def test_once_published_the_term_appears_on_the_public_surfaces(workflow_glossary, admin_as):
    admin_as("reviewer").post(f"/admin/glossary/term/{workflow_glossary['pending'].pk}/transition/",
                              {"status": "published"})
    anonymous = Client()
    assert anonymous.get("/terms/zephyrine/").status_code == 200
    assert "zephyrine" in content_of(anonymous.get("/search/?q=zephyrine"))
    assert "zephyrine" in content_of(anonymous.get("/api/graph/neighborhood/base-model/"))
    assert "quillwort" not in content_of(anonymous.get("/api/graph/neighborhood/base-model/"))


@pytest.mark.parametrize("url", ["/terms/", "/search/?q=model"])
def test_a_readers_status_filter_offers_only_the_public_statuses(workflow_glossary, reader_client, admin_as, url):
    def offered(client):
        return [value for value, _label in client.get(url).context["status_choices"]]

    assert offered(reader_client) == ["published", "deprecated"]
    assert offered(admin_as("editor")) == ["draft", "in_review", "changes_requested", "published", "deprecated"]
