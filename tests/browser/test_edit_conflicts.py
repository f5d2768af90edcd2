"""Two curators edit one term in the admin at once, each in a browser of their own: the second
to save gets the form back with what they typed and who changed the term meanwhile, not a
silent overwrite; saving again from there writes theirs, on purpose. `SCREENSHOT_DIR`, when set,
receives the refused form."""

from glossary import services
from glossary.models import Term
from tests.browser.conftest import screenshot
from tests.conftest import group_member


def test_the_second_curator_to_save_is_told_and_keeps_what_they_typed(person, transactional_db):
    term = services.term_create(name="Prompt injection", short_definition="Text that steers a model.")
    alice, bob = group_member("alice", "Reviewers"), group_member("bob", "Reviewers")
    url = f"/admin/glossary/term/{term.pk}/change/"
    as_alice, as_bob = person(alice, "alice-pass-123"), person(bob, "bob-pass-123")
    as_alice.goto(url)
    as_bob.goto(url)

    as_alice.fill("#id_short_definition", "Input that hijacks a model's instructions.")
    as_alice.click("input[name=_continue]")
    as_alice.wait_for_selector(".messagelist .success")

    as_bob.fill("#id_body", "Seen in tools that read web pages.")
    as_bob.click("input[name=_continue]")
    as_bob.wait_for_selector(".errornote")
    errors = as_bob.inner_text("ul.errorlist.nonfield")
    assert "Nothing was saved" in errors and "was changed by alice" in errors
    assert as_bob.locator("#id_body").input_value() == "Seen in tools that read web pages."
    screenshot(as_bob, "edit-conflict.png")
    stored = Term.objects.get(pk=term.pk)
    assert (stored.short_definition, stored.body) == ("Input that hijacks a model's instructions.", "")

    as_bob.click("input[name=_continue]")  # having looked: write it over theirs
    as_bob.wait_for_selector(".messagelist .success")
    assert Term.objects.get(pk=term.pk).body == "Seen in tools that read web pages."
