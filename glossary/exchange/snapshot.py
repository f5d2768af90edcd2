"""Read the glossary into our JSON format's structure (a plain dict), in a stable order.

Every exporter starts from this snapshot, so all formats agree on what is exported. Rows are
sorted by their natural keys, never by id, so two instances holding the same glossary export
the same bytes.
"""

from collections import defaultdict

from glossary.exchange.document import FORMAT_NAME, FORMAT_VERSION
from glossary.models import (
    LABEL_FIELDS, MAPPING_FIELDS, NOTE_FIELDS, Category, Label, Mapping, Note, Reference, Relation, RelationType,
    Scheme, Term,
)


def _stamp(value):
    return value.isoformat() if value is not None else None


def category_data(category) -> dict:
    data = {"slug": category.slug, "name": category.name, "description": category.description,
            "color": category.color}
    if category.names:
        # Only when there are some: an entry a release stored before categories had names
        # stays equal to the category's data now.
        data["names"] = dict(sorted(category.names.items()))
    if category.parent_id:
        data["parent"] = category.parent.slug
    if category.uri:  # likewise: only a group that has its own
        data["uri"] = category.uri
    return data


def scheme_data() -> dict | None:
    """The glossary's concept scheme (`Scheme`) as exports write it, or None when it has none."""
    scheme = Scheme.current()
    data = {"uri": scheme.uri, "title": scheme.title, "titles": dict(sorted(scheme.titles.items())),
            "description": scheme.description}
    return {name: value for name, value in data.items() if value} or None


def with_parents(slugs) -> set:
    """The categories ``slugs`` and the ones they are inside of, so that a file holding them
    names no parent it lacks."""
    parent_of = dict(Category.objects.values_list("slug", "parent__slug"))
    found = set()
    for slug in slugs:
        while slug and slug not in found:
            found.add(slug)
            slug = parent_of.get(slug)
    return found


def relation_type_data(relation_type) -> dict:
    t = relation_type
    return {
        "slug": t.slug, "label": t.label, "inverse_label": t.inverse_label,
        "description": t.description, "symmetric": t.symmetric,
        "transitive": t.transitive, "acyclic": t.acyclic, "color": t.color,
        "skos_mapping": t.skos_mapping,
    }


def glossary_snapshot(*, terms=None, targets=None, with_scheme=False) -> dict:
    """The glossary as a JSON-format dict; ``terms`` (a queryset) limits it to those terms.

    A partial snapshot holds the relations among the chosen terms and only the categories,
    relation types and references they use, so it can be imported elsewhere on its own.
    ``targets`` (a queryset of terms, partial snapshots only) widens what the chosen terms'
    relations and replacements may point at beyond the chosen terms themselves: releases
    recompute a few terms of the public glossary this way (`glossary.releases`).
    """
    partial = terms is not None
    terms = Term.objects.all() if terms is None else terms
    term_rows = list(
        terms.order_by("slug").values(
            "id", "slug", "uri", "notation", "name", "short_definition", "body", "category__slug", "status",
            "replaced_by_id", "created_at", "updated_at",
        )
    )
    slug_of = {row["id"]: row["slug"] for row in term_rows}

    def per_term(model, fields, order):
        """Rows of ``model`` grouped by term id, as dicts of ``fields``, sorted by ``order``."""
        grouped = defaultdict(list)
        # A subquery, not the list of ids: a list of 100,000 ids costs more to send than the rows.
        rows = model.objects.filter(term__in=terms.values("pk")) if partial else model.objects.all()
        for term_id, *values in rows.values_list("term_id", *fields).iterator(chunk_size=20000):
            if term_id in slug_of:
                grouped[term_id].append(dict(zip(fields, values)))
        for items in grouped.values():
            items.sort(key=order)
        return grouped

    kind_order = {"preferred": 0, "alternative": 1, "hidden": 2}
    labels = per_term(Label, LABEL_FIELDS,
                      lambda l: (l["language"], kind_order[l["kind"]], l["text"].lower(), l["text"]))
    notes = per_term(Note, NOTE_FIELDS, lambda n: (n["kind"], n["language"], n["text"]))
    mappings = per_term(Mapping, MAPPING_FIELDS, lambda m: (m["kind"], m["uri"]))

    relations = Relation.objects.all()
    if partial:
        ends = terms if targets is None else targets
        relations = relations.filter(source__in=terms.values("pk"), target__in=ends.values("pk"))
    relation_rows = list(relations.values_list(
        "source_id", "type__slug", "target_id", "note", "created_at"
    ).iterator(chunk_size=20000))
    target_slug = slug_of
    if targets is not None:
        outside = {row[2] for row in relation_rows} | {row["replaced_by_id"] for row in term_rows}
        outside -= slug_of.keys()
        target_slug = {**slug_of, **dict(targets.filter(pk__in=outside).values_list("pk", "slug"))}
    relation_rows = sorted(
        (slug_of[s], type_slug, target_slug[t], note, created_at)
        for s, type_slug, t, note, created_at in relation_rows
        if s in slug_of and t in target_slug
    )

    categories = Category.objects.select_related("parent").order_by("slug")
    relation_types = RelationType.objects.order_by("slug")
    if partial:
        categories = categories.filter(slug__in=with_parents({row["category__slug"] for row in term_rows}))
        relation_types = relation_types.filter(slug__in={row[1] for row in relation_rows})

    reference_terms = defaultdict(list)
    links = Reference.terms.through.objects.values_list("reference_id", "term_id")
    if partial:
        links = links.filter(term__in=terms.values("pk"))
    for reference_id, term_id in links:
        if term_id in slug_of:
            reference_terms[reference_id].append(slug_of[term_id])
    references = Reference.objects.order_by("url").values("id", "url", "title", "kind")
    if partial:
        references = references.filter(id__in=list(reference_terms))

    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        # Exports of the glossary say which vocabulary it is; releases and partial exports do not.
        **({"scheme": scheme} if with_scheme and (scheme := scheme_data()) else {}),
        "categories": [category_data(c) for c in categories],
        "relation_types": [relation_type_data(t) for t in relation_types],
        "terms": [
            {
                "slug": row["slug"],
                "uri": row["uri"],
                "notation": row["notation"],
                "name": row["name"],
                "short_definition": row["short_definition"],
                "body": row["body"],
                "category": row["category__slug"],
                "status": row["status"],
                # A replacement outside a partial export would dangle; leave it out.
                "replaced_by": target_slug.get(row["replaced_by_id"]),
                "created_at": _stamp(row["created_at"]),
                "updated_at": _stamp(row["updated_at"]),
                "labels": labels.get(row["id"], []),
                "notes": notes.get(row["id"], []),
                "mappings": mappings.get(row["id"], []),
            }
            for row in term_rows
        ],
        "relations": [
            {"source": s, "type": type_slug, "target": t, "note": note, "created_at": _stamp(created)}
            for s, type_slug, t, note, created in relation_rows
        ],
        "references": [
            {
                "url": ref["url"], "title": ref["title"], "kind": ref["kind"],
                "terms": sorted(reference_terms.get(ref["id"], [])),
            }
            for ref in references
        ],
    }
