"""A reader who chose a language (?lang=) in a real browser: the search box suggests terms by
their names in it, and the picked term's page comes in it."""

from glossary import services
from tests.browser.waiting import wait_until


def test_suggestions_are_named_in_the_chosen_language_and_lead_to_pages_in_it(page, transactional_db):
    services.term_create(labels=[
        {"text": "Large language model", "language": "en", "kind": "preferred"},
        {"text": "LLM", "language": "en", "kind": "alternative"},
        {"text": "Großes Sprachmodell", "language": "de", "kind": "preferred"},
    ], short_definition="A language model with very many parameters.")
    services.term_create(name="Language model", short_definition="A model of text.")
    page.goto("/?lang=de")
    page.locator("#home-q").press_sequentially("llm")
    page.wait_for_selector("#home-q-list [role=option]")
    options = [text.strip() for text in page.locator("#home-q-list [role=option]").all_inner_texts()]
    assert options[0].startswith("Großes Sprachmodell") and "LLM" in options[0]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/terms/large-language-model/?lang=de")
    assert page.locator("h1").inner_text() == "Großes Sprachmodell"
    page.watch.assert_clean()


# Where the first and the last letter of an element's text are drawn: a name read right to left
# starts at the right.
LETTER_EDGES = """el => {
    const text = el.firstChild, range = document.createRange();
    const left = i => { range.setStart(text, i); range.setEnd(text, i + 1); return range.getBoundingClientRect().left; };
    return [left(0), left(text.length - 1)];
}"""


def reads_right_to_left(locator):
    first, last = locator.evaluate(LETTER_EDGES)
    return first > last


def test_arabic_names_read_right_to_left_in_the_english_page(page, transactional_db, is_a, relate):
    # An Arabic name that ends in a Latin abbreviation, or starts with digits, is drawn in the wrong
    # order when it takes the English page's direction: "(CNN)" lands at the right, "2024" at the left.
    network = services.term_create(labels=[
        {"text": "Neural network", "language": "en", "kind": "preferred"},
        {"text": "شبكة عصبية (CNN)", "language": "ar", "kind": "preferred"},
    ])
    model = services.term_create(labels=[
        {"text": "Model 2024", "language": "en", "kind": "preferred"},
        {"text": "2024 نموذج", "language": "ar", "kind": "preferred"},
    ])
    relate(model, is_a, network)
    page.goto(f"/terms/{network.slug}/?lang=ar")
    assert reads_right_to_left(page.locator("h1"))
    assert reads_right_to_left(page.locator(".relations a", has_text="نموذج"))
    assert reads_right_to_left(page.locator(".tree a", has_text="شبكة"))
    page.goto("/terms/?lang=ar")
    assert reads_right_to_left(page.locator("a.term-row-name", has_text="نموذج"))
    page.goto(f"/graph/{network.slug}/?lang=ar")
    assert reads_right_to_left(page.locator(".graph-title a"))
    page.goto(f"/graph/path/?from={model.slug}&to={network.slug}&lang=ar")
    assert reads_right_to_left(page.locator(".graph-explanation li bdi", has_text="نموذج"))
    page.watch.assert_clean()


def test_a_categorys_arabic_name_reads_right_to_left_in_the_english_page(page, transactional_db):
    category = services.category_create(name="Machine learning", slug="machine-learning",
                                        names={"ar": "تعلم الآلة (ML)"})
    term = services.term_create(name="Fine-tuning", category=category)
    page.goto(f"/terms/{term.slug}/?lang=ar")
    assert reads_right_to_left(page.locator("a.chip", has_text="تعلم"))
    page.goto("/categories/machine-learning/?lang=ar")
    assert reads_right_to_left(page.locator("h1"))
    page.goto("/?lang=ar")
    assert reads_right_to_left(page.locator(".muted bdi", has_text="تعلم"))
    page.watch.assert_clean()


def test_the_graphs_legend_and_panel_draw_an_arabic_category_name_right_to_left(page, transactional_db, is_a, relate):
    category = services.category_create(name="Machine learning", slug="machine-learning", color="#2a9d8f",
                                        names={"ar": "تعلم الآلة (ML)"})
    tuning = services.term_create(name="Fine-tuning", slug="fine-tuning", category=category)
    relate(tuning, is_a, services.term_create(name="Training", slug="training", category=category))
    page.goto("/graph/?lang=ar")
    page.wait_for_selector('#graph[data-state="ready"]', timeout=15_000)
    assert reads_right_to_left(page.locator(".graph-legend-body bdi", has_text="تعلم"))
    page.fill("#graph-search", "Fine-tuning")
    page.press("#graph-search", "Enter")
    wait_until(page, "window.graphNetwork.getSelectedNodes()[0] === 'fine-tuning'")
    assert reads_right_to_left(page.locator("#graph-panel bdi", has_text="تعلم"))
    assert page.locator("#graph-panel .graph-panel-meta").inner_text() == "تعلم الآلة (ML) · 1 relation"
    page.watch.assert_clean()
