"""Hierarchy trees, the learning path page and the small page fixes, in Chromium on the seed."""

from urllib.parse import urlparse

import pytest

from glossary.models import Relation, Term

READY = '#graph[data-state="ready"]'


def test_ticking_known_terms_removes_them_and_keeps_them_in_the_url(page, seed):
    page.goto("/terms/retrieval-augmented-generation/learn/")
    page.wait_for_selector(READY)
    steps = page.locator(".learn-term[data-slug]")
    before = steps.count()
    drawn = page.evaluate("window.graphView.nodes.length")
    assert page.locator('.learn-term[data-slug="large-language-model"] a').get_attribute("href") == "/terms/large-language-model/"
    with page.expect_navigation():
        # A click, not check(): the page reloads at once, so there is no box left to verify.
        page.locator('.learn-term[data-slug="large-language-model"]').get_by_label("I already know this").click()
    page.wait_for_selector(READY)
    assert "known=large-language-model" in page.url
    assert page.locator('.learn-term[data-slug="large-language-model"]').count() == 0
    assert page.locator(".learn-term[data-slug]").count() < before
    assert page.evaluate("window.graphView.nodes.length") < drawn
    assert page.locator(".learn-known-list").get_by_label("Large language model").is_checked()
    with page.expect_navigation():
        page.locator(".learn-known-list").get_by_label("Large language model").click()
    assert page.locator(".learn-term[data-slug]").count() == before
    page.watch.assert_clean()


def test_a_term_pages_tree_loads_narrower_terms_on_demand(page, seed):
    page.goto("/terms/machine-learning/")
    tree = page.locator("section.tree-panel ul.tree").first
    current = tree.locator('a[aria-current="page"]').first
    assert current.inner_text() == "Machine learning"
    deep = tree.locator('li.tree-item[data-slug="deep-learning"]').first
    toggle = deep.locator(":scope > .tree-row > .tree-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    with page.expect_response("**/api/graph/narrower/deep-learning/?type=is-a"):
        toggle.click()
    deep.locator(':scope > ul li[data-slug="large-language-model"]').wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.press("Enter")  # closes again, by keyboard
    assert deep.locator(":scope > ul").is_hidden()
    page.watch.assert_clean()


def test_a_long_level_of_a_tree_shows_its_other_terms_a_page_at_a_time(page, seed, make_term, relate, is_a):
    hub = Term.objects.get(slug="large-language-model")
    for i in range(260):
        relate(make_term(f"Model {i:03}"), is_a, hub)
    page.goto("/terms/deep-learning/")
    tree = page.locator("section.tree-panel ul.tree").first
    item = tree.locator('li.tree-item[data-slug="large-language-model"]').first
    item.locator(":scope > .tree-row > .tree-toggle").click()
    more = item.locator(":scope > .tree-more > .tree-more-button")
    more.wait_for()
    shown = item.locator(":scope > ul > li.tree-item")
    assert shown.count() == 200 and more.inner_text().startswith("Show more narrower terms (")
    with page.expect_response("**/api/graph/narrower/large-language-model/?type=is-a&offset=200"):
        more.click()
    item.locator(':scope > ul > li[data-slug="model-259"]').wait_for()
    assert shown.count() == Relation.objects.filter(target=hub, type=is_a).count()
    assert item.locator(":scope > .tree-more").count() == 0
    # The hub's own page lists its first 50 below it; its button loads the others after those.
    page.goto("/terms/large-language-model/")
    own = page.locator('section.tree-panel li.tree-item:has(> .tree-row > a[aria-current="page"])').first
    assert own.locator(":scope > ul > li.tree-item").count() == 50
    with page.expect_response("**/api/graph/narrower/large-language-model/?type=is-a&offset=50"):
        own.locator(":scope > .tree-more > .tree-more-button").click()
    with page.expect_response("**/api/graph/narrower/large-language-model/?type=is-a&offset=250"):
        own.locator(':scope > .tree-more > .tree-more-button[data-shown="250"]').click()
    own.locator(':scope > ul > li[data-slug="model-259"]').wait_for()
    assert own.locator(":scope > ul > li.tree-item").count() == Relation.objects.filter(target=hub, type=is_a).count()
    assert own.locator(":scope > .tree-more").count() == 0
    page.watch.assert_clean()


def test_a_tree_names_its_terms_in_the_readers_language_also_when_it_loads_them(page, seed):
    page.goto("/terms/machine-learning/?lang=de")
    tree = page.locator("section.tree-panel ul.tree").first
    assert tree.locator('a[aria-current="page"]').first.inner_text() == "Maschinelles Lernen"
    deep = tree.locator('li.tree-item[data-slug="deep-learning"]').first
    assert deep.locator(":scope > .tree-row > a").inner_text() == "Tiefes Lernen"
    with page.expect_response("**/api/graph/narrower/deep-learning/?type=is-a&lang=de"):
        deep.locator(":scope > .tree-row > .tree-toggle").click()
    loaded = deep.locator(':scope > ul li[data-slug="large-language-model"] > .tree-row > a')
    loaded.wait_for()
    assert loaded.inner_text() == "Großes Sprachmodell"
    assert loaded.get_attribute("href") == "/terms/large-language-model/?lang=de"
    page.watch.assert_clean()


def test_the_hierarchy_page_opens_a_level_at_a_time(page, seed):
    page.goto("/hierarchy/")
    generative = page.locator('li.tree-item[data-slug="generative-ai"]').first
    generative.locator(":scope > .tree-row > .tree-toggle").click()
    generative.locator(":scope > ul > li").first.wait_for()
    assert generative.locator(":scope > ul > li").count() >= 1
    page.get_by_role("link", name="is part of / has part").click()
    page.wait_for_url("**/hierarchy/?type=part-of")
    assert page.locator("ul.tree > li").count() >= 1
    page.watch.assert_clean()


@pytest.mark.parametrize("width", [1280, 980, 375])
def test_no_letter_is_left_alone_on_the_last_row_of_the_a_to_z(browser, live_server, seed, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto("/")
        rows = page.evaluate("""() => {
            const rows = {};
            document.querySelectorAll('.az li').forEach(li => { rows[li.offsetTop] = (rows[li.offsetTop] || 0) + 1; });
            return Object.values(rows);
        }""")
        assert rows[-1] > 1 and max(rows) - rows[-1] <= 2, rows
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 980, 375])
def test_letters_of_other_scripts_start_their_own_row_of_the_a_to_z(browser, live_server, seed, make_term, width):
    # A Greek Ε beside the Latin E would read as the same letter twice.
    for name in ("Ενσωμάτωση", "Ёлка"):
        make_term(name)
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto("/")
        places = page.evaluate("""() => [...document.querySelectorAll('.az li')].map(
            li => [li.textContent.trim(), li.offsetLeft, li.offsetTop])""")
        letters = [letter for letter, _, _ in places]
        assert letters[26:] == ["Ε", "Е"], letters  # Ё is filed under Е, as in Russian
        (_, a_left, _), (_, z_left, z_top), (_, epsilon_left, epsilon_top) = places[0], places[25], places[26]
        assert epsilon_left == a_left and epsilon_top > z_top, places
    finally:
        context.close()


def test_swagger_has_a_way_back_to_the_site(page, seed):
    page.goto("/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=15_000)
    with page.expect_navigation():
        page.locator(".api-docs-bar").get_by_role("link", name="Glossary Graph").click()
    assert urlparse(page.url).path == "/"
    page.watch.assert_clean()


def test_the_home_pages_featured_graph_names_its_terms_readably(page, seed):
    page.goto("/")
    page.wait_for_selector('#featured-graph[data-state="ready"]', timeout=15_000)
    labels = page.evaluate("window.graphs['featured-graph'].drawnLabels.map(l => l.px)")
    assert labels and min(labels) >= 11
    page.watch.assert_clean()


def test_links_made_in_the_page_keep_the_readers_chosen_language(page, seed):
    from tests.browser.test_graph_pages import node_point

    page.goto("/graph/machine-learning/?lang=de")
    page.wait_for_selector(READY)
    page.mouse.click(*node_point(page, "deep-learning"))
    panel = page.locator("#graph-panel")
    panel.wait_for(state="visible")
    assert panel.locator(".graph-panel-name").inner_text() == "Tiefes Lernen"
    assert panel.locator(".graph-panel-open").get_attribute("href") == "/terms/deep-learning/?lang=de"
    assert "lang=de" in panel.locator(".graph-panel-explore").get_attribute("href")

    page.goto("/?lang=de")
    box = page.locator("#site-q")
    box.press_sequentially("tiefes lern")
    page.wait_for_selector("#site-q-list [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/terms/deep-learning/?lang=de")
    assert page.locator("h1").inner_text() == "Tiefes Lernen"
    page.watch.assert_clean()
