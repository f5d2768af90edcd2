"""The change log: every way of writing to the glossary appends what changed, in the same transaction."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from glossary import services
from glossary.changelog import changelog_trim, changes_position
from glossary.models import Change, ImportJob, Reference, Relation, Term
from tests.exchange.conftest import small_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    """What the log gained since the fixture was set up: log() → [(kind, action, ids…)]."""
    start = Change.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def new():
        rows = Change.objects.filter(seq__gt=start).order_by("seq")
        return [
            (kind, action, *(x for x in ids if x is not None))
            for kind, action, *ids in rows.values_list("kind", "action", "object_id", "source_id", "type_id", "target_id")
        ]

    return new


def rel(action, relation):
    return ("relation", action, relation.pk, relation.source_id, relation.type_id, relation.target_id)


def test_term_writes_log_the_term(make_term, log):
    term = make_term("Attention")
    term_id, created = term.pk, log()
    services.term_update(term=term, short_definition="Weighing parts of the input.")
    updated = log()[len(created):]
    services.term_delete(term=term)
    deleted = log()[len(created) + len(updated):]
    changed = ("term", "changed", term_id)  # also what its labels log
    assert created[0] == ("term", "added", term_id) and set(created[1:]) <= {changed}
    assert set(updated) == {changed}
    assert deleted[-1] == ("term", "removed", term_id) and set(deleted[:-1]) <= {changed}


def test_relation_writes_log_both_ends_and_the_type(make_term, is_a, make_type, relate, log):
    a, b, c = make_term("A"), make_term("B"), make_term("C")
    start = len(log())
    relation = relate(a, is_a, b)
    added = rel("added", relation)
    services.relation_update(relation=relation, note="as the literature says")
    noted = rel("changed", relation)
    services.relation_update(relation=relation, target=c)
    moved = [("relation", "removed", relation.pk, a.pk, is_a.pk, b.pk), rel("added", relation)]
    services.relation_delete(relation=relation)
    assert log()[start:] == [added, noted, *moved, ("relation", "removed", *moved[1][2:])]


def test_a_model_with_a_term_key_logs_a_change_of_its_term(make_term, log):
    a, b = make_term("Large language model"), make_term("Foundation model")
    seen = len(log())
    label = services.label_create(term=a, text="LLM")
    services.label_update(label=label, term=b)  # moved: both terms changed
    services.label_delete(label=label)
    assert log()[seen:] == [("term", "changed", a.pk), ("term", "changed", a.pk), ("term", "changed", b.pk),
                       ("term", "changed", b.pk)]


def test_types_categories_and_references_are_logged(make_term, make_type, log):
    term = make_term("RAG")
    start = len(log())
    rtype = make_type("mitigates")
    services.relation_type_update(relation_type=rtype, label="reduces")
    category = services.category_create(name="Techniques")
    services.category_update(category=category, color="#123456")
    reference = services.reference_create(title="RAG paper", url="https://example.org/rag", terms=[term])
    services.reference_update(reference=reference, terms=[])
    reference_id, category_id = reference.pk, category.pk
    services.reference_delete(reference=reference)
    services.category_delete(category=category)
    assert log()[start:] == [
        ("relation_type", "added", rtype.pk), ("relation_type", "changed", rtype.pk),
        ("category", "added", category_id), ("category", "changed", category_id),
        ("other", "added", reference_id), ("term", "changed", term.pk),  # a link is a change of its term
        ("other", "changed", reference_id), ("term", "changed", term.pk),
        ("other", "removed", reference_id),
        ("category", "removed", category_id),
    ]


def test_links_changed_from_the_term_side_log_the_term(make_term, log):
    term = make_term("RAG")
    reference = services.reference_create(title="RAG paper", url="https://example.org/rag")
    start = len(log())
    term.references.add(reference)
    term.references.clear()
    assert log()[start:] == [("term", "changed", term.pk), ("term", "changed", term.pk)]


def test_deleting_a_term_logs_what_the_cascade_removed(make_term, is_a, relate, log):
    a, b = make_term("A", aliases=[{"name": "Alpha"}]), make_term("B")  # labels: a model with a term key
    out, into = relate(a, is_a, b), relate(make_term("C"), is_a, a)
    start = len(log())
    a_id, relations = a.pk, sorted([rel("removed", out), rel("removed", into)])
    services.term_delete(term=a)
    entries = log()[start:]
    assert sorted(e for e in entries if e[0] == "relation") == relations
    assert ("term", "changed", a_id) in entries  # its labels went with it
    assert entries[-1] == ("term", "removed", a_id)


def test_a_rolled_back_write_leaves_no_entry(make_term, log):
    start = len(log())
    with pytest.raises(RuntimeError), transaction.atomic():
        make_term("Doomed")
        raise RuntimeError
    assert log()[start:] == []


def test_loaddata_logs_every_row(log):
    call_command("loaddata", "fixtures/llm_glossary.json", verbosity=0)
    kinds = {kind for kind, *_ in log()}
    assert {"term", "relation", "relation_type", "category", "other"} <= kinds
    assert sum(1 for kind, action, *_ in log() if (kind, action) == ("relation", "added")) == Relation.objects.count()


def test_the_admin_logs_a_term_and_its_inline_relations(client, staff_user, make_term, is_a, log):
    from tests.test_admin import term_form

    target = make_term("Foundation model")
    client.force_login(staff_user)
    start = len(log())
    data = term_form("GPT-4", "gpt-4", outgoing=[{"type": is_a.pk, "target": target.pk, "note": ""}])
    assert client.post(reverse("admin:glossary_term_add"), data).status_code == 302
    term = Term.objects.get(slug="gpt-4")
    relation = Relation.objects.get(source=term)
    entries = log()[start:]
    assert entries[0] == ("term", "added", term.pk) and entries[-1] == rel("added", relation)
    assert set(entries[1:-1]) <= {("term", "changed", term.pk)}  # its labels


def test_an_import_logs_one_bulk_change(tmp_path, log):
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(small_document()))
    call_command("import_glossary", str(path), verbosity=0)
    assert Term.objects.count() == 2
    assert log() == [("bulk", "")]


def test_the_position_moves_with_every_write_and_only_then(make_term):
    first = changes_position().token
    assert changes_position().token == first
    term = make_term("A")
    second = changes_position().token
    Reference.objects.create(title="no graph meaning, still a change", url="https://example.org/x")
    third = changes_position().token
    services.term_update(term=term, body="More.")
    assert len({first, second, third, changes_position().token}) == 4


@pytest.mark.django_db(transaction=True)
def test_trimming_keeps_the_newest_entries_and_records_the_horizon(make_term):
    for i in range(6):
        make_term(f"T{i}")
    total = Change.objects.count()
    newest = sorted(Change.objects.order_by("-seq").values_list("seq", flat=True)[:2])
    assert changelog_trim(keep=2) == total - 2
    kept = list(Change.objects.order_by("seq").values_list("seq", "kind"))
    assert [seq for seq, _ in kept[:2]] == newest and kept[2][1] == "trim" and len(kept) == 3
    assert changelog_trim(keep=10) == 0


def test_trim_command_refuses_keeping_nothing(make_term):
    make_term("A")
    entries = Change.objects.count()
    with pytest.raises(CommandError, match="--keep"):
        call_command("trim_change_log", keep=0)
    assert Change.objects.count() == entries


def test_an_upload_waiting_for_import_is_not_a_change_of_the_glossary(log):
    ImportJob.objects.create(file_name="glossary.json", content=b"{}")
    assert log() == []
