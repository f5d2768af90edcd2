#!/usr/bin/env python
"""Take the History screenshots: a term's versions, a diff between two and /changes/, at 1280 px, light and dark.

    .venv/bin/python scripts/screenshots_history.py [OUTPUT_DIR]     # default docs/screenshots

Serves the seed glossary as `screenshots.py` does, after a curator has edited one term a few
times (definition reworded, an alias and a relation added, then a revert to before the relation),
and signs in as that curator.
"""

import sys
from pathlib import Path

from screenshots import ROOT, seeded_site, shoot

EDITS = """
from django.contrib.auth.models import User
from django.db import connection
from glossary import services
from glossary.history import change_set, record_baseline, recorded_models
from glossary.models import RelationType, Term
from glossary.versions import term_versions

record_baseline(connection, recorded_models())  # as `load_seed_if_empty` does after its loaddata
curator = User.objects.create_superuser("curator", "curator@example.com", "curator-pass-123")
rag = Term.objects.get(slug="retrieval-augmented-generation")
with change_set(kind="edit", user=curator):
    services.term_update(term=rag, short_definition="A technique that grounds a language model's answers in "
                         "documents retrieved from a search index at question time.")
with change_set(kind="edit", user=curator, comment="Add the common abbreviation"):
    services.label_create(term=rag, text="RAG pipeline", language="en", kind="alternative")
with change_set(kind="edit", user=curator):
    services.relation_create(source=rag, type=RelationType.objects.get(slug="uses"),
                             target=Term.objects.get(slug="context-window"))
services.term_revert(term=rag, version=term_versions(rag)[2], user=curator)
"""


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with seeded_site(EDITS) as (browser, base_url):
        for scheme in ("light", "dark"):
            context = browser.new_context(base_url=base_url, color_scheme=scheme,
                                          viewport={"width": 1280, "height": 900}, device_scale_factor=1)
            page = context.new_page()
            page.goto("/admin/login/")
            page.fill("#id_username", "curator")
            page.fill("#id_password", "curator-pass-123")
            page.click("input[type=submit]")
            page.wait_for_load_state()
            for name, url in (("history", "/terms/retrieval-augmented-generation/history/"),
                              ("history-diff", "/terms/retrieval-augmented-generation/history/?from=1&to=4"),
                              ("changes", "/changes/")):
                page.goto(url)
                shoot(page, out / f"{name}-{scheme}.png", full_page=name != "changes")
            context.close()

if __name__ == "__main__":
    main()
