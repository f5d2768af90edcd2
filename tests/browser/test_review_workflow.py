"""The review workflow end to end in Chromium: an editor drafts a term in the admin and submits it,
a reviewer finds it in the queue and publishes it, an anonymous reader then finds it, and the
term's history shows both steps with who made them.

Each person has a browser context of their own, as three people would. `SCREENSHOT_DIR`, when
set, receives the reviewer's queue and the term's change page with its workflow buttons.
"""

import pytest

from glossary.models import Term
from tests.browser.conftest import screenshot
from tests.conftest import group_member

NAME = "Mixture of experts"


def editor_drafts_and_submits(page):
    page.goto("/admin/glossary/term/add/")
    page.fill("#id_name", NAME)
    page.fill("#id_short_definition", "A model that routes each input to a few of many expert sub-networks.")
    assert page.locator("#id_slug").input_value() == "mixture-of-experts"  # made from the name
    assert page.locator("#id_status").input_value() == "draft"
    page.click("input[name=_continue]")
    page.wait_for_selector(".review-workflow")
    assert "Review: Draft" in page.inner_text(".review-workflow h2")
    page.click("button[name=status][value=in_review]")
    page.wait_for_selector(".messagelist .success")
    assert "is now in review" in page.inner_text(".messagelist")
    # In review, the editor can no longer change it: the page is read-only, with a withdraw button.
    assert page.locator("input[name=_save]").count() == 0
    assert page.locator("button[name=status][value=draft]").count() == 1


def reviewer_publishes_from_the_queue(page):
    page.goto("/admin/glossary/term/")
    page.click("a.awaiting-review")
    page.wait_for_url("**/?status__exact=in_review")
    page.wait_for_selector("#result_list")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1 and NAME in rows.first.inner_text()
    screenshot(page, "review-queue.png")
    rows.first.locator("th a").click()
    page.wait_for_selector(".review-workflow")
    assert "Review: In review" in page.inner_text(".review-workflow h2")
    screenshot(page, "review-term.png")
    page.click("button[name=status][value=published]")
    page.wait_for_selector(".messagelist .success")
    assert "is now published" in page.inner_text(".messagelist")


def reader_finds_it(page):
    page.goto("/search/?q=mixture")
    page.click(f"text={NAME}")
    page.wait_for_selector("h1")
    assert NAME in page.inner_text("h1")


def history_shows_both_steps(page):
    page.goto("/terms/mixture-of-experts/history/")
    page.wait_for_selector(".version-list")
    reasons = page.locator(".version-reason").all_inner_texts()
    assert reasons[:2] == ["Published", "Submitted for review"], reasons
    listed = page.inner_text(".version-list")
    assert "rita" in listed and "eddie" in listed


def test_a_term_goes_from_an_editors_draft_through_review_to_the_readers(person, live_server):
    editor, reviewer = group_member("eddie", "Editors"), group_member("rita", "Reviewers")

    editor_drafts_and_submits(person(editor, "eddie-pass-123"))
    assert Term.objects.get(name=NAME).status == "in_review"
    anonymous = person(None)
    assert anonymous.goto("/terms/mixture-of-experts/").status == 404

    reviewer_publishes_from_the_queue(person(reviewer, "rita-pass-123"))
    assert Term.objects.get(name=NAME).status == "published"

    reader_finds_it(person(None))

    history_shows_both_steps(person(reviewer, "rita-pass-123"))
