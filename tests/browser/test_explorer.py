"""The graph explorer on the seed glossary in Chromium: layout, labels, names, changes, pictures,
keyboard, phones. Every test ends with `page.watch.assert_clean()`: no console error, no request
to another host, no script run from data."""

import struct
import time
import xml.etree.ElementTree as ET

import pytest

from tests.browser.waiting import wait_until

READY = '#graph[data-state="ready"]'
SVG = "{http://www.w3.org/2000/svg}"


def ready(page, url):
    page.goto(url)
    page.wait_for_selector(READY, timeout=15_000)


def node_count(page):
    return page.evaluate("window.graphView.nodes.length")


def wait_for_count(page, predicate):
    wait_until(page, f"window.graphView.nodes.length {predicate}")


def drawn_labels(page):
    return page.evaluate("window.graphView.drawnLabels.map(l => ({id: l.id, px: l.px}))")


def open_context(browser, live_server, width, **options):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800}, **options)
    return context, context.new_page()


@pytest.mark.parametrize("url", [
    "/graph/?layout=hierarchical", "/graph/?layout=hierarchical&types=is-a",
    "/graph/large-language-model/?layout=hierarchical",
])
def test_hierarchy_layout_is_bounded_and_its_names_are_readable_on_the_seed(page, seed, url):
    ready(page, url)
    box = page.evaluate("""() => {
        const p = Object.values(window.graphNetwork.getPositions());
        const xs = p.map(q => q.x), ys = p.map(q => q.y);
        return {w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys), n: p.length};
    }""")
    assert 0.25 <= box["h"] / box["w"] <= 1.5, box
    scale = page.evaluate("window.graphNetwork.getScale()")
    labels = drawn_labels(page)
    # Every name drawn is at least 11 px at the initial zoom, measured against vis-network's scale …
    assert all(label["px"] >= 11 for label in labels), labels
    assert all(label["px"] >= 12 * min(scale, 1) for label in labels)
    # … and most names are drawn (the rest wait for a closer zoom rather than overlap).
    assert len(labels) >= 0.6 * box["n"], (len(labels), box["n"])
    page.watch.assert_clean()


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("url", ["/graph/", "/graph/large-language-model/"])
def test_the_canvas_starts_on_the_first_screen(browser, live_server, seed, width, url):
    context, page = open_context(browser, live_server, width)
    try:
        page.goto(url)
        page.wait_for_selector(READY, timeout=15_000)
        top = page.locator("#graph").bounding_box()["y"]
        assert top + 300 <= 800, f"{url} at {width}px: canvas starts at {top}px"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        context.close()


@pytest.mark.parametrize("typed, slug", [
    ("LLM", "large-language-model"), ("RAG", "retrieval-augmented-generation"), ("Hallucination", "hallucination"),
])
def test_find_a_term_asks_the_server_so_aliases_work(page, seed, typed, slug):
    ready(page, "/graph/")
    page.fill("#graph-search", typed)
    page.press("#graph-search", "Enter")
    wait_until(page, f"window.graphNetwork.getSelectedNodes()[0] === {slug!r}")
    assert page.locator("#graph-panel").is_visible()
    assert f"focus={slug}" in page.url
    # The focus and its neighbours are named, whatever else had to wait.
    neighbours = set(page.evaluate(f"window.graphNetwork.getConnectedNodes({slug!r})"))
    named = {label["id"] for label in drawn_labels(page)}
    assert slug in named and len(neighbours & named) >= 0.5 * len(neighbours)
    page.watch.assert_clean()


def test_find_a_term_offers_to_add_one_the_view_lacks(page, seed):
    ready(page, "/graph/?types=is-a")
    before = node_count(page)
    page.fill("#graph-search", "GPT-4")
    page.press("#graph-search", "Enter")
    page.get_by_role("button", name="Add it with its neighbours").click()
    wait_for_count(page, f"> {before}")
    assert page.evaluate("window.graphNetwork.getSelectedNodes()") == ["gpt-4"]
    assert "expand=gpt-4" in page.url
    page.fill("#graph-search", "no such term at all")
    page.press("#graph-search", "Enter")
    page.wait_for_selector("#graph-status:has-text('No term called')")
    page.watch.assert_clean()


def test_aliases_resolve_in_the_path_page_and_in_urls(page, seed):
    page.goto("/graph/path/?from=LLM&to=hallucination")
    page.wait_for_selector(READY)
    assert "Large language model" in page.locator(".graph-explanation").inner_text()
    page.goto("/terms/llm/")
    assert page.url.endswith("/terms/large-language-model/")
    assert page.locator("h1").inner_text() == "Large language model"
    page.watch.assert_clean()


def test_filtering_by_type_hides_terms_left_without_relations(page, seed):
    ready(page, "/graph/?types=mitigates")
    assert node_count(page) == 5
    with page.expect_navigation():
        page.get_by_role("link", name="Show them").click()
    page.wait_for_selector(READY)
    assert node_count(page) == 61
    page.watch.assert_clean()


def test_expand_hide_and_pin_change_the_view_in_place_and_the_url_keeps_them(page, seed):
    ready(page, "/graph/gpt-4/")
    page.evaluate("window.__stayed = true")
    before = node_count(page)
    focus(page, "large-language-model")
    page.locator("#graph-panel").get_by_role("button", name="Expand here").click()
    wait_for_count(page, f"> {before}")
    assert page.evaluate("window.__stayed") is True  # no navigation
    assert "expand=large-language-model" in page.url
    expanded = node_count(page)

    focus(page, "chatgpt")
    page.locator("#graph-panel").get_by_role("button", name="Hide").click()
    assert node_count(page) == expanded - 1 and "hide=chatgpt" in page.url

    focus(page, "foundation-model")  # in view and still, whatever the zoom, before the drag
    x, y = point_of(page, "foundation-model")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=5)
    page.mouse.up()
    wait_until(page, "location.search.includes('pin=foundation-model')")

    shared = page.url
    ready(page, shared)  # the same view from the link alone
    assert node_count(page) == expanded - 1
    assert page.evaluate("window.graphView.nodes.get('chatgpt')") is None
    assert page.evaluate("window.graphView.nodes.get('foundation-model').pinned") is True
    page.watch.assert_clean()


def focus(page, node_id):
    """Select a term and come back once the view has finished moving to it."""
    page.evaluate("""id => new Promise(done => {
        window.graphNetwork.once("animationFinished", done);
        window.graphView.focusNode(id);
    })""", node_id)


def point_of(page, node_id, timeout: float = 10.0):
    """Where a term is drawn on the page, once the view has stopped moving and the term is the
    one under that point (a slow machine may still be settling an earlier expand or focus)."""
    script = f"""() => {{
        const n = window.graphNetwork, at = n.canvasToDOM(n.getPosition({node_id!r}));
        const box = document.getElementById("graph").getBoundingClientRect();
        const top = document.elementFromPoint(box.x + at.x, box.y + at.y);
        const open = top !== null && top.tagName === "CANVAS" && box.width > 0;
        return {{x: at.x, y: at.y, hit: open && n.getNodeAt(at) === {node_id!r}}};
    }}"""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        now = page.evaluate(script)
        if last and now["hit"] and abs(now["x"] - last["x"]) < 1 and abs(now["y"] - last["y"]) < 1:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"{node_id} did not come to rest under the pointer: {now}")
        last = now
        page.wait_for_timeout(250)
    box = page.locator("#graph").bounding_box()
    return box["x"] + now["x"], box["y"] + now["y"]


def test_png_download_is_a_picture_of_the_view_with_its_legend(page, seed, tmp_path):
    ready(page, "/graph/")
    page.get_by_text("Download", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Picture (PNG)").click()
    path = tmp_path / "graph.png"
    download.value.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    canvas = page.locator("#graph").bounding_box()
    assert width >= canvas["width"] - 2 and height > canvas["height"]  # the legend is below the view
    assert len(data) > 20_000
    assert download.value.suggested_filename == "glossary-graph-graph-explorer.png"
    page.watch.assert_clean()


def test_svg_download_is_a_drawing_with_the_names_and_the_legend(page, seed, tmp_path):
    ready(page, "/graph/?types=is-a")
    page.get_by_text("Download", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Drawing (SVG)").click()
    path = tmp_path / "graph.svg"
    download.value.save_as(path)
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    texts = {t.text for t in root.iter(f"{SVG}text")}
    names = {label["id"] for label in drawn_labels(page)}
    drawn = page.evaluate("window.graphView.drawnLabels.map(l => l.lines.join(' '))")
    assert names and all(any(line in texts for line in name.split(" ")) or name in texts for name in drawn[:5])
    assert "Machine learning" in texts and "is a" in texts  # a node's name and the legend
    assert len(list(root.iter(f"{SVG}circle"))) >= node_count(page)
    page.watch.assert_clean()


def test_the_explorer_works_from_the_keyboard(page, seed):
    ready(page, "/graph/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "graph-search":
            break
    else:
        pytest.fail("Tab never reached the find box")
    page.keyboard.type("Transformer")
    page.keyboard.press("Enter")
    wait_until(page, "window.graphNetwork.getSelectedNodes()[0] === 'transformer'")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.nodeAction") == "expand":
            break
    else:
        pytest.fail("Tab never reached the selected term's panel")
    assert page.evaluate("document.activeElement.closest('#graph-panel') !== null")
    # The graph as a list: every term shown, reachable by keyboard too.
    page.locator("#graph-text summary").focus()
    page.keyboard.press("Enter")
    wait_until(page, "document.querySelectorAll('#graph-text .graph-text-list > li').length"
                           " === window.graphView.nodes.length")
    page.locator("#graph-text").get_by_role("button", name="Mamba", exact=True).focus()
    page.keyboard.press("Enter")
    wait_until(page, "window.graphNetwork.getSelectedNodes()[0] === 'mamba'")
    page.watch.assert_clean()


def test_the_tooltip_looks_like_the_site(page, seed):
    ready(page, "/graph/")
    x, y = point_of(page, "large-language-model")
    page.mouse.move(x, y)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    style = tooltip.evaluate("t => { const s = getComputedStyle(t); return [s.fontFamily, s.borderRadius]; }")
    assert "system-ui" in style[0] and style[1] == "8px"
    page.watch.assert_clean()


def test_a_phone_can_tap_a_term_and_pinch(browser, live_server, seed):
    context, page = open_context(browser, live_server, 375, has_touch=True, is_mobile=True)
    try:
        page.goto("/graph/large-language-model/")
        page.wait_for_selector(READY, timeout=15_000)
        x, y = point_of(page, "gemini")
        page.touchscreen.tap(x, y)
        wait_until(page, "window.graphNetwork.getSelectedNodes()[0] === 'gemini'")
        assert page.locator("#graph-panel").is_visible()
        assert page.evaluate("getComputedStyle(document.querySelector('#graph')).touchAction") == "none"
        for url in ["/hierarchy/", "/terms/retrieval-augmented-generation/learn/", "/graph/path/?from=llm&to=rag",
                    "/quality/"]:
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, url
    finally:
        context.close()


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'")


@pytest.mark.parametrize("url", ["/graph/?layout=hierarchical", "/graph/gpt-4/?expand=llama",
                                 "/hierarchy/", "/terms/retrieval-augmented-generation/learn/"])
def test_graph_pages_run_under_a_strict_content_security_policy(page, seed, url):
    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route("**/*", lambda route: with_csp(route) if route.request.resource_type == "document" else route.continue_())
    page.goto(url)
    if url.startswith("/graph/") or "/learn/" in url:
        page.wait_for_selector(READY, timeout=15_000)
    page.wait_for_load_state("networkidle")
    page.watch.assert_clean()  # Chromium logs every refused inline script or style as an error


def test_find_a_term_offers_every_term_a_shared_label_names(page, seed, make_term, relate, related_to):
    for name, slug in [("Generative pre-trained transformer", "gpt-family"), ("GUID Partition Table", "guid-partition-table")]:
        term = make_term(name, slug=slug, aliases=[{"name": "GPT", "kind": "abbreviation"}])
        relate(term, related_to, make_term(f"{name} notes"))
    ready(page, "/graph/")
    page.fill("#graph-search", "GPT")
    page.press("#graph-search", "Enter")
    page.wait_for_selector("#graph-status:has-text('may refer to')")
    page.locator("#graph-status").get_by_role("button", name="GUID Partition Table").click()
    wait_until(page, "window.graphNetwork.getSelectedNodes()[0] === 'guid-partition-table'")
    page.watch.assert_clean()
