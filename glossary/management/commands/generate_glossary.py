"""Bulk-create a synthetic glossary (for benchmarks): N terms, M relations, all model rules kept.

bulk_create skips `full_clean` and signals, so the rules are kept by construction: no self
loops; no duplicates (a symmetric pair is stored once); relations of an acyclic type only go
from a lower to a higher term index, which cannot close a cycle; only new terms are joined, so
existing relations cannot take part in a cycle either. One bulk change is logged at the end.
"""

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from glossary.changelog import changelog_record_bulk
from glossary.models import Category, Label, Relation, RelationType, Term, default_language

BATCH = 5_000
# (slug, label, inverse label, symmetric, transitive, acyclic, colour); existing types are reused.
DEFAULT_TYPES = [
    ("is-a", "is a", "has subtype", False, True, True, "#1f77b4"),
    ("part-of", "is part of", "has part", False, True, True, "#9467bd"),
    ("requires", "requires", "is required by", False, True, True, "#8c564b"),
    ("uses", "uses", "is used by", False, False, False, "#ff7f0e"),
    ("mitigates", "mitigates", "is mitigated by", False, False, False, "#2ca02c"),
    ("related-to", "is related to", "is related to", True, False, False, "#7f7f7f"),
]
CATEGORY_COUNT = 8
CATEGORY_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"]


class Command(BaseCommand):
    help = "Bulk-create a synthetic glossary of --terms N terms and --relations M relations."

    def add_arguments(self, parser):
        parser.add_argument("--terms", type=int, required=True, help="How many terms to create.")
        parser.add_argument("--relations", type=int, required=True, help="How many relations to create.")
        parser.add_argument("--seed", type=int, default=0, help="Random seed; also names the terms.")

    def handle(self, *, terms, relations, seed, verbosity, **options):
        if terms < 1:
            raise CommandError("--terms: must be at least 1.")
        if relations < 0:
            raise CommandError("--relations: must not be negative.")
        if relations and terms < 2:
            raise CommandError("--relations: relations need at least 2 terms.")
        # A comfortable bound: random pairs are drawn, so ask for well under the possible pairs.
        if relations > terms * (terms - 1) // 4:
            raise CommandError(f"--relations: at most {terms * (terms - 1) // 4} for {terms} terms.")
        prefix = f"generated-{seed}-"
        if Term.objects.filter(slug__startswith=prefix).exists() or Label.objects.filter(
            text__istartswith=f"Generated {seed}-"
        ).exists():
            raise CommandError(f"--seed: terms of seed {seed} already exist; pick another --seed.")
        rng = random.Random(seed)
        with transaction.atomic():
            types = self._types()
            categories = self._categories(seed)
            term_ids = self._terms(rng, terms, seed, categories)
            created = self._relations(rng, term_ids, types, relations)
            changelog_record_bulk()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Created {len(term_ids)} terms and {created} relations."))

    def _types(self):
        existing = {t.slug: t for t in RelationType.objects.all()}
        missing = [
            RelationType(slug=slug, label=label, inverse_label=inverse, symmetric=symmetric,
                         transitive=transitive, acyclic=acyclic, color=color)
            for slug, label, inverse, symmetric, transitive, acyclic, color in DEFAULT_TYPES
            if slug not in existing
        ]
        RelationType.objects.bulk_create(missing)
        return list(RelationType.objects.filter(slug__in=[t[0] for t in DEFAULT_TYPES]))

    def _categories(self, seed):
        wanted = [
            Category(name=f"Generated {seed} group {i + 1}", slug=f"generated-{seed}-group-{i + 1}",
                     color=CATEGORY_COLORS[i % len(CATEGORY_COLORS)])
            for i in range(CATEGORY_COUNT)
        ]
        Category.objects.bulk_create(wanted, ignore_conflicts=True)
        return list(Category.objects.filter(slug__startswith=f"generated-{seed}-group-").values_list("pk", flat=True))

    def _terms(self, rng, count, seed, categories):
        width = len(str(count))
        slugs = []
        for start in range(0, count, BATCH):
            batch = [
                Term(
                    name=f"Generated {seed}-{i:0{width}d}",
                    slug=f"generated-{seed}-{i:0{width}d}",
                    short_definition=f"Synthetic term number {i} of seed {seed}.",
                    category_id=rng.choice(categories),
                )
                for i in range(start, min(start + BATCH, count))
            ]
            Term.objects.bulk_create(batch)
            slugs.extend(t.slug for t in batch)
        ids = dict(Term.objects.filter(slug__startswith=f"generated-{seed}-").values_list("slug", "pk"))
        # Each name is the term's preferred label in the glossary's language, as the services keep it.
        language = default_language()
        names = dict(Term.objects.filter(pk__in=ids.values()).values_list("pk", "name"))
        for start in range(0, len(slugs), BATCH):
            Label.objects.bulk_create(
                Label(term_id=ids[slug], text=names[ids[slug]], language=language, kind="preferred")
                for slug in slugs[start:start + BATCH]
            )
        return [ids[slug] for slug in slugs]

    def _relations(self, rng, term_ids, types, count):
        n = len(term_ids)
        seen = set()
        batch = []
        created = 0
        attempts = 0
        while created + len(batch) < count:
            attempts += 1
            if attempts > 20 * count + 1000:
                raise CommandError("--relations: could not find that many distinct pairs; ask for fewer.")
            rtype = rng.choice(types)
            # Squaring skews choices towards low indices: a few hubs, as real glossaries have.
            a = int(n * rng.random() ** 2)
            b = rng.randrange(n)
            if a == b:
                continue
            if rtype.acyclic or rtype.symmetric:
                a, b = min(a, b), max(a, b)
            key = (a, rtype.pk, b)
            if key in seen:
                continue
            seen.add(key)
            batch.append(Relation(source_id=term_ids[a], type_id=rtype.pk, target_id=term_ids[b]))
            if len(batch) >= BATCH:
                Relation.objects.bulk_create(batch)
                created += len(batch)
                batch = []
        Relation.objects.bulk_create(batch)
        return created + len(batch)
