"""The browse pages in a real browser: keyboard autocomplete, hostile content, small screens."""

import pytest

from glossary import services

EVIL = '<img src=x onerror=alert(1)><script>alert(2)</script>'


@pytest.fixture
def small_glossary(make_term, relate, related_to, is_a):
    category = services.category_create(name="Concept", description="Ideas behind the models.")
    fm = make_term("Foundation model", short_definition="A large model trained on broad data.", category=category)
    hallucination = make_term(
        "Hallucination",
        short_definition="Fluent but false output.",
        body="Reduced by [[RAG]]; see [[Foundation model|models]] and [[Unwritten term]].",
        category=category,
        aliases=[{"name": "Confabulation", "kind": "synonym"}],
    )
    make_term("Hallucination detection", short_definition="Finding hallucinations.")
    rag = make_term(
        "Retrieval-augmented generation",
        short_definition="Answers grounded in retrieved documents.",
        aliases=[{"name": "RAG", "kind": "abbreviation"}],
    )
    evil = make_term(
        EVIL,
        slug="evil",
        short_definition=EVIL,
        body=f"{EVIL}\n\n[x](javascript:alert(3)) <svg onload=alert(4)> [[{EVIL}]]",
        aliases=[{"name": f"{EVIL} alias", "kind": "synonym"}],
    )
    relate(rag, related_to, hallucination, note=EVIL)
    relate(evil, is_a, fm)
    return {"fm": fm, "hallucination": hallucination, "rag": rag, "evil": evil}


def suggestion_texts(page, listbox):
    return [text.strip() for text in page.locator(f"{listbox} [role=option]").all_inner_texts()]


def test_search_box_autocomplete_works_by_keyboard(page, small_glossary):
    page.goto("/")
    box = page.locator("#site-q")
    box.focus()
    box.press_sequentially("hallu")
    page.wait_for_selector("#site-q-list [role=option]")
    assert box.get_attribute("aria-expanded") == "true"
    assert suggestion_texts(page, "#site-q-list") == ["Hallucination", "Hallucination detection"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    first = page.locator("#site-q-list [role=option]").first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    page.keyboard.press("Escape")
    assert page.locator("#site-q-list").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    page.keyboard.press("ArrowDown")  # reopens
    page.wait_for_selector("#site-q-list [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/terms/hallucination/")
    assert page.locator("h1").inner_text() == "Hallucination"
    page.watch.assert_clean()


def test_autocomplete_suggests_by_alias(page, small_glossary):
    page.goto("/")
    page.locator("#home-q").press_sequentially("rag")
    page.wait_for_selector("#home-q-list [role=option]")
    assert suggestion_texts(page, "#home-q-list")[0].startswith("Retrieval-augmented generation")
    page.watch.assert_clean()


def test_enter_without_a_chosen_suggestion_runs_a_full_search(page, small_glossary):
    page.goto("/")
    page.locator("#home-q").press_sequentially("grounded")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=grounded")
    assert page.locator(".term-row-name").first.inner_text() == "Retrieval-augmented generation"
    page.watch.assert_clean()


def test_path_form_fills_the_name_from_a_suggestion_and_opens_the_path_page(page, small_glossary):
    page.goto("/terms/hallucination/")
    box = page.locator("#path-to")
    box.press_sequentially("foundation")
    page.wait_for_selector("#path-to-list [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert box.input_value() == "Foundation model"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/graph/path/?from=hallucination&to=foundation-model" in page.url


def test_a_term_page_with_hostile_content_runs_no_script(page, small_glossary):
    page.goto("/terms/evil/")
    assert page.locator("h1").inner_text() == EVIL
    page.locator("#site-q").press_sequentially("<img")
    page.wait_for_selector("#site-q-list [role=option]")
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(300)
    for url in ["/terms/hallucination/", "/terms/foundation-model/", "/search/?q=img", "/terms/"]:
        page.goto(url)
    page.watch.assert_clean()


PAGES = ["/", "/terms/", "/terms/hallucination/", "/terms/evil/", "/categories/", "/categories/concept/",
         "/search/?q=model", "/search/?q=zzzz", "/search/", "/terms/no-such-term/"]


def test_pages_fit_a_375_px_phone_without_horizontal_scroll(browser, live_server, small_glossary):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        for url in PAGES:
            response = page.goto(url)
            assert response.status == (404 if url == "/terms/no-such-term/" else 200), url
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
    finally:
        context.close()


def test_no_page_requests_another_host_or_logs_an_error(page, small_glossary):
    # The 404 page is left out: Chromium logs every 404 document as a console error.
    for url in PAGES[:-1]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    page.watch.assert_clean()
