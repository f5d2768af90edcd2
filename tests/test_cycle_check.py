"""A relation write costs what it changes: the acyclicity check reads only what the new target
reaches, never the whole relation type, and names long cycles briefly."""

import pytest
from django.core.exceptions import ValidationError

from glossary import rules, services
from glossary.models import Relation, Term

pytestmark = pytest.mark.django_db


def bulk_terms(prefix, n):
    Term.objects.bulk_create(Term(name=f"{prefix} {i}", slug=f"{prefix}-{i}") for i in range(n))
    return list(Term.objects.filter(slug__startswith=f"{prefix}-").order_by("pk"))


@pytest.fixture
def wide_type(is_a):
    """An is-a type with 400 relations in 200 little pairs that have nothing to do with the test."""
    terms = bulk_terms("noise", 400)
    Relation.objects.bulk_create(Relation(source=terms[2 * i], type=is_a, target=terms[2 * i + 1]) for i in range(200))
    return is_a


def test_the_cycle_check_reads_only_the_relations_around_the_two_ends(wide_type, make_term, relate, monkeypatch):
    a, b, c, d = make_term("A"), make_term("B"), make_term("C"), make_term("D")
    relate(b, wide_type, c)
    relate(d, wide_type, a)
    read = []
    original = rules.meeting_path

    def spy(forward, backward, start, goal):
        def recorded(step):
            return lambda nodes: [read.append(edge) or edge for edge in step(nodes)]
        return original(recorded(forward), recorded(backward), start, goal)

    monkeypatch.setattr(rules, "meeting_path", spy)
    relate(a, wide_type, b)
    # B's way up and A's way down, not the type's 400 other relations.
    assert set(read) <= {(b.pk, c.pk), (d.pk, a.pk)} and read


def test_a_relation_write_costs_the_same_queries_whatever_the_size_of_its_type(is_a, make_term, relate,
                                                                               django_assert_num_queries):
    def queries_for_one_write(prefix, noise):
        terms = bulk_terms(prefix, 2 * noise + 2)
        Relation.objects.bulk_create(
            Relation(source=terms[2 * i], type=is_a, target=terms[2 * i + 1]) for i in range(noise))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            services.relation_create(source=terms[-2], type=is_a, target=terms[-1])
        return len(captured)

    assert queries_for_one_write("small", 5) == queries_for_one_write("large", 500)


def test_a_cycle_through_a_long_chain_is_found_and_named_briefly(is_a):
    chain = bulk_terms("step", 2000)
    Relation.objects.bulk_create(Relation(source=chain[i], type=is_a, target=chain[i + 1]) for i in range(1999))
    with pytest.raises(ValidationError) as excinfo:
        services.relation_create(source=chain[-1], type=is_a, target=chain[0])
    message = " ".join(excinfo.value.messages)
    assert message.startswith("“is a” may not form a cycle; this relation would create a cycle: step 1999 → step 0 → step 1")
    assert "(1992 more terms)" in message and len(message) < 300
    assert Relation.objects.count() == 1999


def test_editing_a_relation_checks_it_without_itself(is_a, make_term, relate):
    a, b = make_term("A"), make_term("B")
    relation = relate(a, is_a, b)
    services.relation_update(relation=relation, note="still fine")
    assert Relation.objects.get().note == "still fine"


def test_changing_an_acyclic_types_colour_does_not_read_its_relations(wide_type, monkeypatch):
    def fail(edges):
        raise AssertionError("the whole type was read")

    monkeypatch.setattr(rules, "find_cycles", fail)
    services.relation_type_update(relation_type=wide_type, color="#123456")
    assert type(wide_type).objects.get(pk=wide_type.pk).color == "#123456"


def test_turning_a_type_acyclic_checks_all_of_its_relations_once(make_type, make_term, relate, monkeypatch):
    uses = make_type("uses", "uses", "is used by")
    a, b = make_term("A"), make_term("B")
    relate(a, uses, b)
    calls = []
    original = rules.find_cycles
    monkeypatch.setattr(rules, "find_cycles", lambda edges: calls.append(1) or original(edges))
    services.relation_type_update(relation_type=uses, acyclic=True)
    assert calls == [1]
