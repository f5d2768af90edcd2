"""Graph pages in a real browser: drawn, laid out, offline, no script from data, double-click opens."""

import pytest

from glossary import services

from tests.browser.waiting import wait_until

EVIL = "<img src=x onerror=alert(1)>"
READY = '#graph[data-state="ready"]'


@pytest.fixture
def evil_glossary(make_term, make_type, relate, related_to):
    """A small glossary with a hostile term name, and a definition containing "href"."""
    services.category_create(name="Model", color="#ff8800")
    uses = make_type("uses", "uses", "is used by")
    llm = make_term("LLM", slug="llm", short_definition="A large language model.")
    rag = make_term("RAG", slug="rag", short_definition="Retrieval first.")
    evil = make_term(EVIL, slug="evil", short_definition='see <a href="javascript:alert(2)">href</a>')
    relate(rag, uses, llm)
    relate(evil, related_to, llm)
    return {"llm": llm, "rag": rag, "evil": evil}


PAGES = ["/graph/", "/graph/evil/?depth=2", "/graph/path/?from=evil&to=rag", "/graph/llm/?layout=hierarchical"]


@pytest.mark.parametrize("url", PAGES)
def test_graph_page_draws_a_canvas_and_gets_ready_cleanly(page, evil_glossary, url):
    page.goto(url)
    page.wait_for_selector(READY, timeout=10_000)
    assert page.locator("#graph canvas").count() == 1
    assert page.evaluate("window.graphNetwork.body.data.nodes.length") >= 2
    # Hovering and clicking every node shows titles and the side panel: no script may run.
    for node_id in page.evaluate("window.graphNetwork.body.data.nodes.getIds()"):
        x, y = node_point(page, node_id)
        page.mouse.move(x, y)
        page.mouse.click(x, y)
    page.wait_for_timeout(300)
    page.screenshot(path=f"/tmp/gg_graph_{url.strip('/').replace('/', '_').replace('?', '_') or 'explorer'}.png")
    page.watch.assert_clean()


def node_point(page, node_id):
    page.locator("#graph").scroll_into_view_if_needed()
    position = page.evaluate(f"window.graphNetwork.canvasToDOM(window.graphNetwork.getPosition({node_id!r}))")
    box = page.locator("#graph").bounding_box()
    return box["x"] + position["x"], box["y"] + position["y"]


def test_click_shows_the_definition_as_text(page, evil_glossary):
    page.goto("/graph/evil/")
    page.wait_for_selector(READY)
    page.mouse.click(*node_point(page, "evil"))
    panel = page.locator("#graph-panel")
    panel.wait_for(state="visible")
    assert panel.locator(".graph-panel-name").inner_text() == EVIL
    assert "href" in panel.locator(".graph-panel-definition").inner_text()
    assert panel.locator(".graph-panel-open").get_attribute("href") == "/terms/evil/"
    page.watch.assert_clean()


def test_double_click_opens_the_term_page(page, evil_glossary):
    page.goto("/graph/llm/")
    page.wait_for_selector(READY)
    # The first click selects the term (the URL notes it in place); the second opens its page.
    page.mouse.dblclick(*node_point(page, "rag"))
    page.wait_for_url("**/terms/rag/")
    page.watch.assert_clean()


def test_search_focuses_a_node_and_the_url_remembers_it(page, evil_glossary):
    page.goto("/graph/")
    page.wait_for_selector(READY)
    page.fill("#graph-search", "rag")
    page.press("#graph-search", "Enter")
    wait_until(page, "window.graphNetwork.getSelectedNodes()[0] === 'rag'")
    assert "focus=rag" in page.url
    page.watch.assert_clean()


def test_changing_a_filter_puts_it_in_the_url(page, evil_glossary):
    page.goto("/graph/llm/")
    page.wait_for_selector(READY)
    with page.expect_navigation():
        page.select_option("select[name=depth]", "2")
    assert "depth=2" in page.url
    page.wait_for_selector(READY)
    page.watch.assert_clean()
