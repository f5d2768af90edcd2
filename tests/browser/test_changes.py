"""/changes/ in a real browser: the filters work by form, nothing breaks the CSP or leaves the site."""

from tests.curation.changes_glossary import history  # noqa: F401 (fixture)


def shown_names(page):
    return page.locator(".change-row .term-row-name").all_inner_texts()


def test_a_reader_filters_the_changes_by_category_and_day(page, history):
    page.goto("/changes/")
    assert shown_names(page) == ["Bard", "Gemini", "Attention", "Transformer"]
    page.select_option("#changes-category", "concepts")
    page.fill("#changes-from", "2026-11-18")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**/changes/?category=concepts&from=2026-11-18&to=")
    assert shown_names(page) == ["Attention"]
    assert page.locator("h1").inner_text() == "What changed in Concepts"
    page.click("text=Clear")
    assert len(shown_names(page)) == 4
    page.watch.assert_clean()
