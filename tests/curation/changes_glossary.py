"""A small glossary with a known history, for the tests of /changes/, its feed and /api/changes/.

Times are set after the services wrote the terms (the services stamp "now"), before any request
reads them, relative to ``NOW`` (a fixed day, so that dates in the assertions do not move).
"""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest

from glossary import services
from glossary.models import PUBLIC_STATUSES, Term, TermStatus

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=dt_timezone.utc)


def stamp(term: Term, *, created: datetime, updated: datetime | None = None, published: datetime | None = None) -> None:
    """Set a term's times; a public term was published when it was created unless ``published`` says."""
    Term.objects.filter(pk=term.pk).update(created_at=created, updated_at=updated or created)
    Term.objects.filter(pk=term.pk, published_at__isnull=False).update(published_at=published or created)


@pytest.fixture
def history(make_term):
    """Newest first: Bard deprecated for Gemini, Gemini created, Attention modified, Transformer
    created (Finnish name and definition too); drafts and every other non-public status changed last."""
    models = services.category_create(name="Models")
    concepts = services.category_create(name="Concepts")
    gemini = make_term("Gemini", short_definition="Google's model.", category=models)
    bard = make_term("Bard", short_definition="Old name of Gemini.", category=models, status="deprecated",
                     replaced_by=gemini)
    attention = make_term("Attention", short_definition="Weighing the parts of the input.", category=concepts)
    transformer = make_term(
        labels=[{"text": "Transformer", "language": "en", "kind": "preferred"},
                {"text": "Muuntaja", "language": "fi", "kind": "preferred"}],
        notes=[{"kind": "definition", "language": "fi", "text": "Huomioon perustuva malli."}],
        short_definition="A network built on attention.", category=concepts,
    )
    hidden = [
        make_term(f"Hidden {status}", short_definition=f"A {status} term.", status=status, category=models)
        for status in TermStatus.values if status not in PUBLIC_STATUSES
    ]
    stamp(bard, created=NOW - timedelta(days=30), updated=NOW - timedelta(days=1))
    stamp(gemini, created=NOW - timedelta(days=1, hours=2))
    stamp(attention, created=NOW - timedelta(days=20), updated=NOW - timedelta(days=2))
    stamp(transformer, created=NOW - timedelta(days=10), updated=NOW - timedelta(days=10) + timedelta(minutes=5))
    for term in hidden:
        stamp(term, created=NOW)
    return {"bard": bard, "gemini": gemini, "attention": attention, "transformer": transformer,
            "hidden": hidden, "models": models, "concepts": concepts}
