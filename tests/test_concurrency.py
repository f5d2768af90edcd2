"""Concurrent writers on PostgreSQL: per-type serialisation keeps acyclic and symmetric rules."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from glossary import services
from glossary.models import Relation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are a PostgreSQL matter; SQLite serialises all writes")


@pytest.fixture
def slow_validation(monkeypatch):
    """Hold each writer between its check and its commit, so the two checks overlap in time."""
    original = Relation.clean

    def clean_then_wait(self):
        original(self)
        time.sleep(0.5)

    monkeypatch.setattr(Relation, "clean", clean_then_wait)


def race(*writes):
    """Run each write in its own thread and DB connection, all starting together."""
    barrier = threading.Barrier(len(writes))
    outcomes = [None] * len(writes)

    def run(index, write):
        barrier.wait()
        try:
            outcomes[index] = write()
        except ValidationError as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_concurrent_writers_cannot_together_close_a_cycle(postgres_only, slow_validation, make_term, is_a):
    a, b = make_term("Fine-tuning"), make_term("Transfer learning")
    outcomes = race(
        lambda: services.relation_create(source=a, type=is_a, target=b),
        lambda: services.relation_create(source=b, type=is_a, target=a),
    )
    errors = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(errors) == 1, outcomes
    assert "would create a cycle" in " ".join(errors[0].messages)
    assert Relation.objects.count() == 1


def test_two_concurrent_writers_cannot_store_a_symmetric_pair_twice(
    postgres_only, slow_validation, make_term, related_to
):
    a, b = make_term("Mamba"), make_term("Transformer")
    outcomes = race(
        lambda: services.relation_create(source=a, type=related_to, target=b),
        lambda: services.relation_create(source=b, type=related_to, target=a),
    )
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
    assert Relation.objects.count() == 1
