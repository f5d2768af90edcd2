"""A reader who chose a language (?lang=) in a real browser: the search box suggests terms by
their names in it, and the picked term's page comes in it."""

from glossary import services


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
