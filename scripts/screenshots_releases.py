#!/usr/bin/env python
"""Take the README's screenshots of the release pages: the list of releases and a diff.

    .venv/bin/python scripts/screenshots_releases.py [OUTPUT_DIR]     # default docs/screenshots

Serves a throwaway copy of the seed glossary as `scripts/screenshots.py` does, publishes a
release of it, edits it (terms added, changed, deprecated and deleted, relations added and
removed), publishes a second release, and photographs /releases/ and the diff of the two.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from screenshots import seeded_site, shoot  # noqa: E402

EDITS = """
from django.contrib.auth.models import User
from glossary import services
from glossary.models import RelationType, Relation, Term

curator = User.objects.create_superuser("curator", "curator@example.com", "curator-pass-123")
services.release_create(name="2026-11", user=curator, note="The seed glossary, as first published.")
term = Term.objects.get
uses = RelationType.objects.get(slug="uses")
agent = services.term_create(name="AI agent", short_definition="A system that plans and acts with a language model.")
services.relation_create(source=agent, type=uses, target=term(slug="large-language-model"))
services.relation_create(source=agent, type=uses, target=term(slug="retrieval-augmented-generation"))
services.term_create(name="Tool use", short_definition="A model calling functions or services to act.")
services.term_update(term=term(slug="hallucination"),
                     short_definition="A fluent, confident answer that is not supported by facts.")
services.term_update(term=term(slug="fine-tuning"), body="Training a pre-trained model further on chosen data.")
services.term_delete(term=term(slug="ai-hardware"))
Relation.objects.filter(source__slug="retrieval-augmented-generation").first().delete()
services.release_create(name="2026-12", user=curator, note="Agents, and sharper definitions.")
"""
SHOTS = {
    "releases": "/releases/",
    "release-diff": "/releases/2026-11/diff/2026-12/",
}
VARIANTS = {"wide-light": (1280, "light"), "phone-light": (375, "light"), "wide-dark": (1280, "dark")}


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with seeded_site(EDITS) as (browser, base_url):
        for variant, (width, scheme) in VARIANTS.items():
            context = browser.new_context(base_url=base_url, color_scheme=scheme,
                                          viewport={"width": width, "height": 900}, device_scale_factor=1,
                                          is_mobile=width < 500, has_touch=width < 500)
            page = context.new_page()
            for name, url in SHOTS.items():
                page.goto(url)
                shoot(page, out / f"{name}-{variant}.png", full_page=True)
            context.close()

if __name__ == "__main__":
    main()
