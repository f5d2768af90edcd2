"""The glossary domain: terms, their aliases and categories, typed relations and references."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

language_tag = RegexValidator(
    r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
    "Enter a language tag such as en, de, pt-BR or zh-Hant.",
    code="invalid_language",
)

hex_color = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb, e.g. #1f77b4.", code="invalid_color"
)


class SlugNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=7, default="#64748b", validators=[hex_color])

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="category_name_ci_unique"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("glossary:category-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.name and Category.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"name": ValidationError("A category named “%(name)s” already exists.", code="duplicate_name",
                                         params={"name": self.name})}
            )


class TermStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    DEPRECATED = "deprecated", "Deprecated"


PUBLIC_STATUSES = (TermStatus.PUBLISHED, TermStatus.DEPRECATED)


class TermQuerySet(models.QuerySet):
    def public(self):
        """Terms anyone may read: published and deprecated ones."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user):
        """Drafts are for staff only."""
        if user is not None and user.is_active and user.is_staff:
            return self
        return self.public()

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Term(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    short_definition = models.CharField(
        max_length=300, blank=True, help_text="Plain text, one or two sentences."
    )
    body = models.TextField(
        blank=True, help_text="Markdown. Link other terms with [[Term name]] or [[Term|shown text]]."
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="terms"
    )
    status = models.CharField(
        max_length=12, choices=TermStatus.choices, default=TermStatus.PUBLISHED, db_index=True
    )
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        help_text="For a deprecated term: the term to use instead.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    objects = models.Manager.from_queryset(TermQuerySet)()

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="term_name_ci_unique"),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | ~Q(replaced_by=F("pk")),
                name="term_not_replaced_by_itself",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("glossary:term-detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES

    def clean(self):
        errors = {}
        name = (self.name or "").strip()
        if name and Term.objects.filter(name__iexact=name).exclude(pk=self.pk).exists():
            errors["name"] = ValidationError(
                "A term named “%(name)s” already exists (names are compared ignoring case).",
                code="duplicate_name",
                params={"name": name},
            )
        elif name:
            clash = Alias.objects.filter(name__iexact=name)
            if self.pk:
                clash = clash.exclude(term_id=self.pk)
            alias = clash.select_related("term").first()
            if alias is not None:
                errors["name"] = ValidationError(
                    "“%(name)s” is already an alias of “%(term)s”; remove that alias first or pick another name.",
                    code="alias_collision",
                    params={"name": name, "term": alias.term.name},
                )
        if self.replaced_by_id is not None:
            if self.pk and self.replaced_by_id == self.pk:
                errors["replaced_by"] = ValidationError(
                    "A term cannot be replaced by itself.", code="self_replacement"
                )
            elif self.status != TermStatus.DEPRECATED:
                errors["replaced_by"] = ValidationError(
                    "Only a deprecated term can have a replacement; set the status to deprecated.",
                    code="replaced_not_deprecated",
                )
        if errors:
            raise ValidationError(errors)


class AliasKind(models.TextChoices):
    ABBREVIATION = "abbreviation", "Abbreviation"
    SYNONYM = "synonym", "Synonym"
    TRANSLATION = "translation", "Translation"
    MISSPELLING = "misspelling", "Misspelling"


class AliasManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name__iexact=name)


class Alias(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=AliasKind.choices, default=AliasKind.SYNONYM)
    language = models.CharField(
        max_length=16,
        blank=True,
        validators=[language_tag],
        help_text="Language tag (BCP 47) for translations, e.g. de, fr, pt-BR.",
    )

    objects = AliasManager()

    class Meta:
        ordering = [Lower("name")]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="alias_name_ci_unique"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    def clean(self):
        name = (self.name or "").strip()
        if not name:
            return
        twin = Alias.objects.filter(name__iexact=name).exclude(pk=self.pk).select_related("term").first()
        if twin is not None:
            raise ValidationError(
                {"name": ValidationError(
                    "“%(name)s” is already an alias of “%(term)s” (alias names are compared ignoring case).",
                    code="duplicate_alias",
                    params={"name": name, "term": twin.term.name},
                )}
            )
        term = Term.objects.filter(name__iexact=name).first()
        if term is not None:
            if term.pk == self.term_id:
                message = "An alias must differ from the term's own name “%(term)s”."
            else:
                message = "“%(name)s” is already the name of the term “%(term)s”."
            raise ValidationError(
                {"name": ValidationError(message, code="alias_collision", params={"name": name, "term": term.name})}
            )


class SkosMapping(models.TextChoices):
    BROADER = "broader", "skos:broader"
    RELATED = "related", "skos:related"
    NONE = "none", "none (own sub-property of skos:semanticRelation)"


class RelationType(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=80, help_text="Read from source to target, e.g. “is a”.")
    inverse_label = models.CharField(
        max_length=80, help_text="Read from target to source, e.g. “has subtype”."
    )
    description = models.TextField(blank=True)
    symmetric = models.BooleanField(
        default=False, help_text="A relates to B means B relates to A; stored once."
    )
    transitive = models.BooleanField(default=False)
    acyclic = models.BooleanField(default=False, help_text="Refuse any relation that closes a cycle.")
    color = models.CharField(max_length=7, default="#94a3b8", validators=[hex_color])
    skos_mapping = models.CharField(
        max_length=8, choices=SkosMapping.choices, default=SkosMapping.NONE
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(symmetric=False) | Q(label=F("inverse_label")),
                name="relationtype_symmetric_labels_equal",
                violation_error_message="A symmetric relation type reads the same both ways: its label and inverse label must be equal.",
            ),
            models.CheckConstraint(
                condition=~Q(symmetric=True, acyclic=True),
                name="relationtype_not_symmetric_and_acyclic",
                violation_error_message="A symmetric relation type cannot be acyclic: every pair would be a cycle.",
            ),
        ]

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.acyclic and self.pk:
            from glossary.graphcheck import find_cycle_in_type

            cycle = find_cycle_in_type(self.pk)
            if cycle:
                raise ValidationError(
                    {"acyclic": ValidationError(
                        "Existing relations of this type already form a cycle: %(cycle)s. Remove one of them first.",
                        code="cycle",
                        params={"cycle": " → ".join(cycle)},
                    )}
                )


class RelationManager(models.Manager):
    def get_by_natural_key(self, source, type, target):
        return self.get(source__slug=source, type__slug=type, target__slug=target)


class Relation(models.Model):
    source = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="relations_out")
    type = models.ForeignKey(RelationType, on_delete=models.PROTECT, related_name="relations")
    target = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="relations_in")
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RelationManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "type", "target"],
                name="relation_unique_source_type_target",
                violation_error_message="This relation already exists.",
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="relation_no_self_loop",
                violation_error_message="A term cannot be related to itself.",
            ),
        ]
        indexes = [models.Index(fields=["target", "type"], name="relation_target_type_idx")]

    def __str__(self):
        return f"{self.source} — {self.type.label} → {self.target}"

    def natural_key(self):
        return (self.source.slug, self.type.slug, self.target.slug)

    natural_key.dependencies = ["glossary.term", "glossary.relationtype"]

    def clean(self):
        if not (self.source_id and self.target_id and self.type_id):
            return
        if self.source_id == self.target_id:
            raise ValidationError(
                {"target": ValidationError("A term cannot be related to itself.", code="self_loop")}
            )
        rtype = self.type
        others = Relation.objects.filter(type_id=self.type_id)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if rtype.symmetric and others.filter(source_id=self.target_id, target_id=self.source_id).exists():
            raise ValidationError(
                "“%(a)s %(label)s %(b)s” already exists; a symmetric relation is stored once.",
                code="symmetric_duplicate",
                params={"a": self.target.name, "label": rtype.label, "b": self.source.name},
            )
        if rtype.acyclic:
            from glossary.graphcheck import path_between

            path = path_between(
                others.values_list("source_id", "target_id"), self.target_id, self.source_id
            )
            if path is not None:
                names = dict(Term.objects.filter(pk__in=path).values_list("pk", "name"))
                cycle = [self.source.name] + [names[pk] for pk in path]
                raise ValidationError(
                    "“%(label)s” may not form a cycle; this relation would create a cycle: %(cycle)s.",
                    code="cycle",
                    params={"label": rtype.label, "cycle": " → ".join(cycle)},
                )


class ReferenceKind(models.TextChoices):
    ARTICLE = "article", "Article"
    VIDEO = "video", "Video"
    BOOK = "book", "Book"
    PAPER = "paper", "Paper"
    BENCHMARK = "benchmark", "Benchmark"
    PODCAST = "podcast", "Podcast"
    SITE = "site", "Site"


class ReferenceManager(models.Manager):
    def get_by_natural_key(self, url):
        return self.get(url=url)


class Reference(models.Model):
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, unique=True)
    kind = models.CharField(max_length=10, choices=ReferenceKind.choices, default=ReferenceKind.ARTICLE)
    terms = models.ManyToManyField(Term, related_name="references", blank=True)

    objects = ReferenceManager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.url,)


class ChangeKind(models.TextChoices):
    TERM = "term", "term"
    RELATION = "relation", "relation"
    RELATION_TYPE = "relation_type", "relation type"
    CATEGORY = "category", "category"
    OTHER = "other", "other glossary row"
    BULK = "bulk", "bulk write"
    TRIM = "trim", "log trimmed"


class ChangeAction(models.TextChoices):
    ADDED = "added", "added"
    CHANGED = "changed", "changed"
    REMOVED = "removed", "removed"


class Change(models.Model):
    """One entry of the append-only change log, written in the transaction that made the change.

    Caches and per-process graphs follow the log (`glossary.changelog`). The ids are plain
    integers, not foreign keys: an entry outlives the row it describes.
    """

    seq = models.BigAutoField(primary_key=True)
    # PostgreSQL: the writing transaction's id, to find entries that commit out of seq order.
    # SQLite: a random number, because SQLite hands the seq of a rolled-back entry out again.
    txid = models.BigIntegerField(db_index=True)
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    action = models.CharField(max_length=8, choices=ChangeAction.choices, blank=True)
    # The row: the term, relation, relation type, category or other row (for "trim", the horizon).
    object_id = models.BigIntegerField(null=True)
    # For relations, what the graph keys them by.
    source_id = models.BigIntegerField(null=True)
    type_id = models.BigIntegerField(null=True)
    target_id = models.BigIntegerField(null=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self):
        return f"#{self.seq} {self.kind} {self.action}".rstrip()
