"""manage.py generate_glossary: fast synthetic glossaries that keep the model rules."""

import networkx as nx
import pytest
from django.core.management import CommandError, call_command

from glossary.models import Change, ChangeKind, Relation, RelationType, Term


def test_generates_terms_and_relations_within_the_rules(db):
    call_command("generate_glossary", terms=300, relations=1200, seed=3, verbosity=0)
    assert Term.objects.count() == 300 and Relation.objects.count() == 1200
    assert list(Change.objects.values_list("kind", flat=True)) == [ChangeKind.BULK]
    rows = list(Relation.objects.values_list("source_id", "type_id", "target_id"))
    assert all(s != t for s, _, t in rows)
    assert len(set(rows)) == len(rows)
    for rtype in RelationType.objects.all():
        pairs = [(s, t) for s, k, t in rows if k == rtype.pk]
        if rtype.symmetric:
            assert len({frozenset(p) for p in pairs}) == len(pairs)
        if rtype.acyclic:
            assert nx.is_directed_acyclic_graph(nx.DiGraph(pairs))


def test_same_seed_twice_is_refused_and_changes_nothing(db):
    call_command("generate_glossary", terms=10, relations=5, seed=1, verbosity=0)
    with pytest.raises(CommandError, match="--seed"):
        call_command("generate_glossary", terms=10, relations=5, seed=1, verbosity=0)
    assert Term.objects.count() == 10


@pytest.mark.parametrize("terms, relations, field", [(0, 0, "--terms"), (1, 1, "--relations"), (10, 1000, "--relations")])
def test_impossible_sizes_are_refused(db, terms, relations, field):
    with pytest.raises(CommandError, match=field):
        call_command("generate_glossary", terms=terms, relations=relations, verbosity=0)
    assert Term.objects.count() == 0
