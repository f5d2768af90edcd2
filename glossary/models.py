"""The glossary domain: terms with their labels, notes and mappings, categories, typed
relations between terms, and references.

The rules themselves (label uniqueness, cycles, replacements) are pure functions in
`glossary.rules`; the models gather the data those functions need and raise their messages.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from glossary import rules

language_tag = RegexValidator(
    r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
    "Enter a language tag such as en, de, pt-BR or zh-Hant.",
    code="invalid_language",
)

# Absolute URIs that every RDF syntax can write: Turtle and N-Triples cannot hold these characters
# inside <…>, although URLValidator lets some of them (|, {, }, ") through.
UNWRITABLE_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')


def validate_uri(value: str) -> None:
    """An absolute URI (scheme:rest) that RDF exports can write as it is."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S", value or ""):
        raise ValidationError("Enter an absolute URI such as https://example.org/concepts/42.", code="invalid_uri")
    bad = sorted(set(UNWRITABLE_IN_IRI.findall(value)))
    if bad:
        shown = ", ".join(repr(c) if c.strip() else "a space" if c == " " else f"U+{ord(c):04X}" for c in bad)
        raise ValidationError(
            "A URI cannot contain %(chars)s; percent-encode them (e.g. %%7C for |).",
            code="unwritable_uri",
            params={"chars": shown},
        )


def validate_text(value: str) -> None:
    message = rules.text_error(value or "")
    if message:
        raise ValidationError(message[0].upper() + message[1:] + ".", code="nul")


# A category's name in other languages: at most this many, each as long as the name itself.
CATEGORY_NAMES_MAX = 200
CATEGORY_NAME_MAX_LENGTH = 100


def validate_category_names(value) -> None:
    """A category's names in other languages: an object of language tag → name, without the
    glossary's own language (there, the category's ``name`` is its name) or a tag twice."""
    if not isinstance(value, dict):
        raise ValidationError('Enter an object of language tag → name, such as {"fr": "Apprentissage"}.',
                              code="invalid_names")
    problems, seen = [], {}
    if len(value) > CATEGORY_NAMES_MAX:
        problems.append(f"At most {CATEGORY_NAMES_MAX} languages; found {len(value)}.")
    own = settings.GLOSSARY_LANGUAGE.lower()
    for tag, text in list(value.items())[:CATEGORY_NAMES_MAX + 1]:
        shown = repr(tag)[:40]
        if len(tag) > 16 or not language_tag.regex.match(tag):
            problems.append(f"{shown} is not a language tag such as fr, pt-BR or zh-Hant.")
        elif tag.lower() == own:
            problems.append(f"{shown} is the glossary's own language: the name itself is the name there.")
        elif tag.lower() in seen:
            problems.append(f"{shown} and {seen[tag.lower()]!r} are the same language.")
        seen.setdefault(tag.lower(), tag)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"The name in {shown} must be a non-empty text.")
        elif len(text) > CATEGORY_NAME_MAX_LENGTH:
            problems.append(f"The name in {shown} has {len(text)} characters; at most {CATEGORY_NAME_MAX_LENGTH}.")
        elif problem := rules.text_error(text):
            problems.append(f"The name in {shown} {problem}.")
    if problems:
        raise ValidationError(problems, code="invalid_names")


hex_color = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb, e.g. #1f77b4.", code="invalid_color"
)


class ChangeSetKind(models.TextChoices):
    EDIT = "edit", "Edit"
    IMPORT = "import", "Import"
    REVERT = "revert", "Revert"


class ChangeSet(models.Model):
    """One act of curation — a request, an import, a revert — that the historical rows it wrote point to.

    An import is one change set naming its file and its counts; every version it wrote links here.
    """

    kind = models.CharField(max_length=8, choices=ChangeSetKind.choices, default=ChangeSetKind.EDIT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    comment = models.TextField(blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    counts = models.JSONField(default=dict, blank=True, help_text="Per model: created, updated, removed.")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        what = self.file_name or self.comment or self.get_kind_display()
        return f"#{self.pk} {what}"


class HistoryLink(models.Model):
    """What every historical row has beyond simple-history's own fields: the change set that wrote it."""

    # No index and no database constraint: an import writes a million historical rows, each would
    # pay for both, and none is looked up by its change set. (Django still applies SET_NULL.)
    change_set = models.ForeignKey(ChangeSet, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False, db_constraint=False)

    class Meta:
        abstract = True


class GlossaryHistoricalRecords(HistoricalRecords):
    """Historical tables indexed only for how they are read: per row or per term, never per author.

    No index on the author (nor on the date: ``SIMPLE_HISTORY_DATE_INDEX = False``): an import of
    100,000 terms writes over a million historical rows and would pay for both on every one.
    """

    def _get_history_user_fields(self):
        fields = super()._get_history_user_fields()
        fields["history_user"].db_index = False
        return fields


def recorded_history(*, unindexed: tuple[str, ...] = (), **options) -> HistoricalRecords:
    """simple-history for a glossary model, with the change-set link; ``unindexed`` fields lose their
    index in the historical table (history is read per term, and bulk imports pay for every index)."""
    return GlossaryHistoricalRecords(bases=[HistoryLink], no_db_index=list(unindexed), user_db_constraint=False,
                                     **options)


class SlugNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Category(models.Model):
    name = models.CharField(max_length=CATEGORY_NAME_MAX_LENGTH, help_text="In the glossary's own language.")
    names = models.JSONField(
        default=dict, blank=True, validators=[validate_category_names],
        help_text='The name in other languages, by language tag, e.g. {"fr": "Apprentissage", "de": "Lernen"}; '
                  "readers of those languages see it.",
    )
    slug = models.SlugField(max_length=100, unique=True)
    uri = models.CharField(
        "URI", max_length=500, null=True, blank=True, unique=True, validators=[validate_uri],
        help_text="The group's identity in other vocabularies (a skos:Collection's URI); kept from imports. "
        "Left empty, exports use the glossary's base URI and the slug.",
    )
    description = models.TextField(blank=True)
    color = models.CharField(max_length=7, default="#64748b", validators=[hex_color])
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
        help_text="The category this one is a group of, as a thesaurus's domain holds its microthesauri.",
    )

    objects = SlugNaturalKeyManager()
    history = recorded_history(unindexed=("slug", "uri"))

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

    def collection_uri(self, base: str) -> str:
        """The URI exports give this group: its own, or one minted from ``base`` and the slug."""
        return self.uri or f"{base}categories/{self.slug}"

    def clean(self):
        if self.uri == "":
            self.uri = None  # optional and unique: "no URI" is NULL, of which there may be many
        if self.name and Category.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"name": ValidationError("A category named “%(name)s” already exists.", code="duplicate_name",
                                         params={"name": self.name})}
            )
        if self.parent_id is not None and self.pk is not None:  # a new category is inside nothing yet
            parents = dict(Category.objects.values_list("pk", "parent_id"))
            parents[self.pk] = self.parent_id
            loop = rules.find_cycle((child, parent) for child, parent in parents.items() if parent)
            if loop:  # through this category, whose parent alone changes: told from it
                start = loop.index(self.pk) if self.pk in loop else 0
                loop = loop[start:-1] + loop[:start + 1]
                names = dict(Category.objects.filter(pk__in=loop).values_list("pk", "name")) | {self.pk: self.name}
                message = rules.category_loop_message([names[pk] for pk in loop])
                raise ValidationError({"parent": ValidationError(message, code="cycle")})


class TermStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    PUBLISHED = "published", "Published"
    DEPRECATED = "deprecated", "Deprecated"


PUBLIC_STATUSES = (TermStatus.PUBLISHED, TermStatus.DEPRECATED)
# The rest, named rather than negated: "status IN (…)" reads the few hidden terms from the status
# index, where "NOT status IN (…)" reads every term.
UNPUBLISHED_STATUSES = tuple(s for s in TermStatus if s not in PUBLIC_STATUSES)


def default_language() -> str:
    """The glossary's own language: `Term.name` is the preferred label in it."""
    return settings.GLOSSARY_LANGUAGE


# The stored columns `rules.name_order` fills, on terms and labels alike.
NAME_ORDER_FIELDS = ("sort_key", "initial")


def name_languages() -> list[str]:
    """The languages a term's name is taken from, best first: the glossary's own, then
    ``GLOSSARY_NAME_FALLBACK`` for a concept with no preferred label in it (`rules.display_label`)."""
    return [settings.GLOSSARY_LANGUAGE, *settings.GLOSSARY_NAME_FALLBACK]


def sees_unpublished(user) -> bool:
    """Whether ``user`` may see terms (and versions of terms) that are not public: staff."""
    return user is not None and user.is_active and user.is_staff


def name_is(name: str) -> Exact:
    """A term's name equals ``name`` ignoring case, as ``term_current_name_ci_unique`` compares names.

    LOWER on both sides, so that the check before a save asks what the constraint will, and the
    indexes on LOWER(name) answer it: ``name__iexact`` compares UPPER (and on SQLite uses LIKE),
    which no index holds, and read every term on each save.
    """
    return Exact(Lower("name"), Lower(Value(name)))


def current_terms(path: str = "") -> Q:
    """The condition "not deprecated" on the term at ``path`` (e.g. ``"term__"`` from a label)."""
    return ~Q(**{f"{path}status": TermStatus.DEPRECATED})


class NotLookedUpOnSqlite(Func):
    """A column as it is, which SQLite does not look up through the column's own index
    (``+status``: SQLite's unary plus changes no value); other databases get the column."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


@models.CharField.register_lookup
class NotEqual(models.Lookup):
    """``field__ne=value``: ``field <> value``, the condition of a partial index such as
    ``term_notation_lower``. ``exclude(field=value)`` writes ``NOT (field = value)``, in which
    SQLite does not see that condition, so it would not use the index."""

    lookup_name = "ne"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} <> {rhs}", [*lhs_params, *rhs_params]


class TermQuerySet(models.QuerySet):
    def public(self, *, paged_in_order=False):
        """Terms anyone may read: published and deprecated ones.

        ``paged_in_order`` for a list read a page at a time in the order of another index
        (newest first, A–Z): SQLite, which plans without statistics, would take the status index
        and read every public term, then sort them all (1 s for the newest 20 of 100,000); told
        not to, it walks the order's index and stops at the page's end. PostgreSQL weighs both.
        """
        if paged_in_order:
            status = NotLookedUpOnSqlite("status", output_field=models.CharField())
            return self.alias(listed_status=status).filter(listed_status__in=PUBLIC_STATUSES)
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user, *, paged_in_order=False):
        """Drafts, terms in review and terms sent back for changes are for staff only."""
        if sees_unpublished(user):
            return self
        return self.public(paged_in_order=paged_in_order)

    def hidden_from(self, user):
        """The terms ``visible_to(user)`` leaves out: none for staff, else the unpublished ones.

        Few, where ``visible_to`` is nearly everything: "neither end hidden" reads a handful of
        rows where "both ends visible" matches every relation against every term.
        """
        if sees_unpublished(user):
            return self.none()
        return self.filter(status__in=UNPUBLISHED_STATUSES)

    def current(self):
        """Terms not deprecated: the ones whose preferred labels must be unique."""
        return self.filter(current_terms())

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    # Bulk writes keep `Term.sort_key` and `Term.initial` too (`save` and fixtures go through `_order_term`).
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for term in objs:
            term.sort_key, term.initial = rules.name_order(term.name, default_language())
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs, fields = list(objs), list(fields)
        if "name" in fields:
            for term in objs:
                term.sort_key, term.initial = rules.name_order(term.name, default_language())
            fields = [*fields, *(f for f in NAME_ORDER_FIELDS if f not in fields)]
        return super().bulk_update(objs, fields, *args, **kwargs)


class Term(models.Model):
    name = models.CharField(
        max_length=200,
        validators=[validate_text],
        help_text="The preferred label in the glossary's language (the term's name).",
    )
    slug = models.SlugField(max_length=200, unique=True)
    uri = models.CharField(
        "URI", max_length=500, null=True, blank=True, unique=True, validators=[validate_uri],
        help_text="The concept's identity in other vocabularies; kept from imports. "
        "Left empty, exports use the glossary's base URI and the slug.",
    )
    notation = models.CharField(
        max_length=100, blank=True, validators=[validate_text],
        help_text="A code for the concept within its scheme (skos:notation), e.g. 006.3.",
    )
    short_definition = models.CharField(
        max_length=300, blank=True, validators=[validate_text], help_text="Plain text, one or two sentences."
    )
    body = models.TextField(
        blank=True, validators=[validate_text],
        help_text="Markdown. Link other terms with [[Term name]] or [[Term|shown text]].",
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="terms"
    )
    status = models.CharField(
        max_length=20, choices=TermStatus.choices, default=TermStatus.PUBLISHED, db_index=True,
        help_text="Draft → in review → published; changes requested sends a term back to its author; "
        "deprecated when retired. Who may make each change is the review workflow's rule.",
    )
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        help_text="For a deprecated term: the term to use instead.",
    )
    # A database default too: the bulk importer writes rows without naming this column.
    review_comment = models.TextField(
        blank=True, default="", db_default="", editable=False, validators=[validate_text],
        help_text="What the reviewer asked to change, the last time changes were requested.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    # When readers first could see it: /changes/ calls that its creation, however long it was a draft.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Where the name sorts and what letter it is filed under in the A–Z lists, in the glossary's
    # language (`rules.name_order`). Kept by every save and bulk write; never set by hand.
    sort_key = models.CharField(max_length=rules.SORT_KEY_LENGTH, editable=False, default="")
    initial = models.CharField(max_length=8, editable=False, default="")

    objects = models.Manager.from_queryset(TermQuerySet)()
    history = recorded_history(unindexed=("slug", "status", "updated_at", "category", "replaced_by", "uri",
                                          "sort_key", "initial"))

    class Meta:
        ordering = ["sort_key", "id"]
        permissions = [("review_term", "Can review terms: publish, request changes, deprecate")]
        # The A–Z order of term lists (`selectors.TERM_ORDERINGS`): a page of 25 reads 25 entries
        # of this index rather than sorting every term.
        indexes = [
            models.Index(fields=["sort_key", "id"], name="term_sort_order"),
            # A letter of the A–Z index, a page at a time.
            models.Index(fields=["initial", "sort_key", "id"], name="term_initial_order"),
            # A notation (a thesaurus's code for the concept) is looked up as typed, like a slug or URI.
            models.Index(fields=["notation"], name="term_notation_idx"),
        ]
        constraints = [
            # A deprecated term may keep the name a newer term now carries (re-created concepts).
            models.UniqueConstraint(
                Lower("name"), condition=~Q(status="deprecated"), name="term_current_name_ci_unique"
            ),
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

    def note_publication(self) -> None:
        """Stamp the first moment the term is public; later changes of status keep it."""
        if self.published_at is None and self.status in PUBLIC_STATUSES:
            self.published_at = timezone.now()

    @property
    def is_current(self):
        return self.status != TermStatus.DEPRECATED

    def concept_uri(self, base: str) -> str:
        """The URI exports give this concept: its own, or one minted from ``base`` and the slug."""
        return self.uri or f"{base}terms/{self.slug}"

    def clean(self):
        errors = {}
        name = (self.name or "").strip()
        if name and self.is_current:
            other = Term.objects.current().filter(name_is(name)).exclude(pk=self.pk).first()
            if other is not None:
                errors["name"] = ValidationError(
                    rules.display_name_taken_message(name, other.name), code="duplicate_name"
                )
        problem = rules.replacement_error(
            status=self.status, replaced_by=self.replaced_by_id, own=self.pk
        )
        if problem:
            errors["replaced_by"] = ValidationError(problem, code="replacement")
        if self.uri == "":
            self.uri = None  # optional and unique: "no URI" is NULL, of which there may be many
        if errors:
            raise ValidationError(errors)

    def preferred_label_conflicts(self, labels) -> list[str]:
        """Messages for preferred labels of ``labels`` that another current term already has.

        ``labels`` are `rules.LabelData`; one query whatever their number.
        """
        preferred = [label for label in labels if label.kind == LabelKind.PREFERRED]
        if not preferred or not self.is_current:
            return []
        # The labels of other current terms folded alike (`rules.fold`, through the index on
        # `Label.folded`); `rules.preferred_label_clashes` keeps those in the same language.
        taken = (
            Label.objects.filter(current_terms("term__"), kind=LabelKind.PREFERRED,
                                 folded__in={rules.fold(label.text) for label in preferred})
            .exclude(term_id=self.pk)
            .values_list("term__pk", "language", "text", "term__name", "term__slug")
        )
        rows = [(self.pk or 0, label.language, label.text, self.name) for label in preferred]
        others = {}
        for pk, language, text, name, slug in taken:
            others[pk] = (name, slug)
            rows.insert(0, (pk, language, text, name))
        return [
            rules.preferred_label_taken_message(text, language, self.name or text, *others[other])
            for key, other, text, language in rules.preferred_label_clashes(rows)
            if key == (self.pk or 0)
        ]


class LabelKind(models.TextChoices):
    PREFERRED = rules.PREFERRED, "Preferred"
    ALTERNATIVE = rules.ALTERNATIVE, "Alternative"
    HIDDEN = rules.HIDDEN, "Hidden (found by search, never shown)"


class LabelSubkind(models.TextChoices):
    """What kind of alternative a label is, where it matters to readers."""

    NONE = "", "—"
    ABBREVIATION = "abbreviation", "Abbreviation"
    SYNONYM = "synonym", "Synonym"
    MISSPELLING = "misspelling", "Misspelling"


class LabelQuerySet(models.QuerySet):
    """Bulk writes keep `Label.folded`, `sort_key` and `initial` too (`save` and fixtures go
    through `_fold_label`)."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for label in objs:
            label.folded = rules.fold(label.text)
            label.sort_key, label.initial = rules.name_order(label.text, label.language)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs, fields = list(objs), list(fields)
        if "text" in fields or "language" in fields:
            for label in objs:
                label.folded = rules.fold(label.text)
                label.sort_key, label.initial = rules.name_order(label.text, label.language)
            fields = [*fields, *(f for f in ("folded", *NAME_ORDER_FIELDS) if f not in fields)]
        return super().bulk_update(objs, fields, *args, **kwargs)


class LabelManager(models.Manager.from_queryset(LabelQuerySet)):
    def get_by_natural_key(self, term, language, text):
        return self.get(term__slug=term, language=language, text__iexact=text)


# What makes a term's label, note or mapping what it is (besides its term): the fields saves
# compare, and exports and imports carry.
LABEL_FIELDS = ("text", "language", "kind", "subkind")
NOTE_FIELDS = ("kind", "language", "text")
MAPPING_FIELDS = ("kind", "uri", "label")


class Label(models.Model):
    """A name of a term in one language (SKOS prefLabel, altLabel or hiddenLabel)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="labels")
    text = models.CharField(max_length=200, validators=[validate_text])
    language = models.CharField(
        max_length=16,
        blank=True,
        validators=[language_tag],
        help_text="Language tag (BCP 47), e.g. en, de, pt-BR; empty for text without a language.",
    )
    kind = models.CharField(max_length=12, choices=LabelKind.choices, default=LabelKind.ALTERNATIVE)
    subkind = models.CharField(max_length=12, choices=LabelSubkind.choices, blank=True, default="")
    # The text as typed names are compared with it (`rules.fold`: case folded, spaces collapsed),
    # so that resolving a name is one look-up in an index, under the same rule on both databases:
    # "großes sprachmodell" finds "Großes Sprachmodell", "λόγος" finds "ΛΌΓΟΣ". Never set by hand.
    folded = models.CharField(max_length=600, editable=False, default="")
    # Where the text sorts and is filed in the A–Z lists of readers of its language (`rules.name_order`).
    sort_key = models.CharField(max_length=rules.SORT_KEY_LENGTH, editable=False, default="")
    initial = models.CharField(max_length=8, editable=False, default="")

    objects = LabelManager()
    history = recorded_history(unindexed=("id", "folded", "sort_key", "initial"))

    class Meta:
        ordering = ["language", "kind", Lower("text")]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "language"], condition=Q(kind="preferred"),
                name="label_one_preferred_per_term_language",
                violation_error_message="A term has one preferred label per language.",
            ),
            models.UniqueConstraint(
                "term", "language", Lower("text"), name="label_text_once_per_term_language",
                violation_error_message="This text is already a label of the term in that language.",
            ),
        ]
        indexes = [models.Index(fields=["folded"], name="label_folded_idx")]

    def __str__(self):
        return f"{self.text}@{self.language}" if self.language else self.text

    def natural_key(self):
        return (*self.term.natural_key(), self.language, self.text)

    natural_key.dependencies = ["glossary.term"]

    def as_data(self) -> rules.LabelData:
        return rules.LabelData(self.text, self.language, self.kind)

    def clean(self):
        if not (self.term_id and (self.text or "").strip()):
            return
        self.text = " ".join(self.text.split())
        siblings = [label.as_data() for label in Label.objects.filter(term_id=self.term_id).exclude(pk=self.pk)]
        problems = rules.term_label_errors([*siblings, self.as_data()])
        problems = [message for index, message in problems if index == len(siblings)]
        problems += self.term.preferred_label_conflicts([self.as_data()])
        if problems:
            raise ValidationError({"text": [ValidationError(m, code="label") for m in problems]})


class NoteKind(models.TextChoices):
    DEFINITION = "definition", "Definition"
    SCOPE_NOTE = "scope_note", "Scope note"
    EXAMPLE = "example", "Example"
    NOTE = "note", "Note"
    HISTORY_NOTE = "history_note", "History note"
    EDITORIAL_NOTE = "editorial_note", "Editorial note"
    CHANGE_NOTE = "change_note", "Change note"


class NoteManager(models.Manager):
    def get_by_natural_key(self, term, kind, language, text):
        return self.get(term__slug=term, kind=kind, language=language, text=text)


class Note(models.Model):
    """A definition or note of a term in one language (skos:definition, skos:scopeNote, …).

    The term's own `short_definition` and `body` are its definition and note in the glossary's
    language; these hold the rest: other languages, more notes, and full definitions too long
    for `short_definition`.
    """

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=16, choices=NoteKind.choices, default=NoteKind.NOTE)
    language = models.CharField(max_length=16, blank=True, validators=[language_tag])
    text = models.TextField(validators=[validate_text])

    objects = NoteManager()
    history = recorded_history(unindexed=("id",))

    class Meta:
        ordering = ["kind", "language", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.language or 'untagged'})"

    def natural_key(self):
        return (*self.term.natural_key(), self.kind, self.language, self.text)

    natural_key.dependencies = ["glossary.term"]


class MappingKind(models.TextChoices):
    EXACT = "exact", "exact match"
    CLOSE = "close", "close match"
    BROAD = "broad", "broader (in another vocabulary)"
    NARROW = "narrow", "narrower (in another vocabulary)"
    RELATED = "related", "related (in another vocabulary)"


class MappingManager(models.Manager):
    def get_by_natural_key(self, term, kind, uri):
        return self.get(term__slug=term, kind=kind, uri=uri)


class Mapping(models.Model):
    """A link from a term to a concept of another vocabulary (skos:exactMatch, broadMatch, …)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="mappings")
    kind = models.CharField(max_length=8, choices=MappingKind.choices, default=MappingKind.EXACT)
    uri = models.CharField("URI", max_length=500, validators=[validate_uri])
    label = models.CharField(max_length=200, blank=True, validators=[validate_text])

    objects = MappingManager()
    history = recorded_history(unindexed=("id",))

    class Meta:
        ordering = ["kind", "uri"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "kind", "uri"], name="mapping_unique_term_kind_uri",
                violation_error_message="This mapping already exists.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.uri}"

    def natural_key(self):
        return (*self.term.natural_key(), self.kind, self.uri)

    natural_key.dependencies = ["glossary.term"]


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
    history = recorded_history(unindexed=("slug", "uri"))

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
        # Only turning a type acyclic needs to look at all of its relations; other edits do not.
        if not (self.acyclic and self.pk):
            return
        if RelationType.objects.filter(pk=self.pk, acyclic=True).exists():
            return
        cycle = rules.find_cycle(Relation.objects.filter(type_id=self.pk).values_list("source_id", "target_id"))
        if cycle:
            names = dict(Term.objects.filter(pk__in=cycle).values_list("pk", "name"))
            raise ValidationError(
                {"acyclic": ValidationError(
                    rules.existing_cycle_message([names[pk] for pk in cycle]), code="cycle"
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
    history = recorded_history(unindexed=("id", "type"))

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
            raise ValidationError({"target": ValidationError(rules.self_loop_message(), code="self_loop")})
        rtype = self.type
        others = Relation.objects.filter(type_id=self.type_id)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if others.filter(source_id=self.source_id, target_id=self.target_id).exists():
            raise ValidationError(rules.duplicate_relation_message(), code="duplicate")
        if rtype.symmetric and others.filter(source_id=self.target_id, target_id=self.source_id).exists():
            raise ValidationError(
                rules.symmetric_duplicate_message(self.target.name, rtype.label, self.source.name),
                code="symmetric_duplicate",
            )
        if rtype.acyclic:
            path = path_along_type(self.type_id, self.target_id, self.source_id, exclude=self.pk)
            if path is not None:
                names = dict(Term.objects.filter(pk__in=path).values_list("pk", "name"))
                raise ValidationError(
                    rules.cycle_message(rtype.label, [self.source.name] + [names[pk] for pk in path]),
                    code="cycle",
                )


def path_along_type(type_id: int, start: int, goal: int, *, exclude: int | None = None) -> list[int] | None:
    """Term ids of a shortest path ``start → … → goal`` over relations of one type, or None.

    A search from both ends (`rules.meeting_path`), one indexed query per step, reading only the
    relations around the two ends — never the whole type. ``exclude`` leaves one relation out
    (the one being edited). It runs in the writer's transaction, so relations the same
    transaction wrote earlier count too.
    """
    relations = Relation.objects.filter(type_id=type_id)
    if exclude:
        relations = relations.exclude(pk=exclude)

    def step(column):
        def edges(nodes):
            nodes = list(nodes)
            for i in range(0, len(nodes), FRONTIER_BATCH):
                yield from relations.filter(**{f"{column}__in": nodes[i:i + FRONTIER_BATCH]}).values_list(
                    "source_id", "target_id")
        return edges

    return rules.meeting_path(step("source_id"), step("target_id"), start, goal)


# Ids per query when a search step has a wide frontier (databases bound the parameters of one query).
FRONTIER_BATCH = 10_000


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


class Scheme(models.Model):
    """The glossary as one SKOS concept scheme, as other vocabularies know it: its URI, title and
    description. One row, or none (then exports give it the glossary's base URI and no title of
    its own). A SKOS import of a vocabulary with one scheme fills it; `Scheme.current` reads it."""

    uri = models.CharField(
        "URI", max_length=500, blank=True, validators=[validate_uri],
        help_text="The concept scheme's identity, e.g. http://vocabularies.unesco.org/thesaurus; kept from "
                  "imports. Left empty, exports use the glossary's base URI.",
    )
    title = models.CharField(max_length=CATEGORY_NAME_MAX_LENGTH, blank=True, validators=[validate_text],
                             help_text="In the glossary's own language, e.g. UNESCO Thesaurus.")
    titles = models.JSONField(default=dict, blank=True, validators=[validate_category_names],
                              help_text='The title in other languages, by language tag: {"fr": "Thésaurus de l\'UNESCO"}.')
    description = models.TextField(blank=True, validators=[validate_text])

    history = recorded_history(unindexed=("uri",))

    class Meta:
        verbose_name = verbose_name_plural = "concept scheme"  # one: the glossary's
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="scheme_is_one_row")]

    def __str__(self):
        return self.title or self.uri or "The glossary's concept scheme"

    @classmethod
    def current(cls) -> "Scheme":
        """The stored scheme, or an empty unsaved one."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def scheme_uri(self, base: str) -> str:
        """The URI exports give the scheme: its own, or the glossary's base URI."""
        return self.uri or base


class Reference(models.Model):
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, unique=True, validators=[validate_uri])
    kind = models.CharField(max_length=10, choices=ReferenceKind.choices, default=ReferenceKind.ARTICLE)
    terms = models.ManyToManyField(Term, related_name="references", blank=True)

    objects = ReferenceManager()
    history = recorded_history(unindexed=("url",), m2m_fields=["terms"])

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



class ImportJobStatus(models.TextChoices):
    CHECKING = "checking", "Checking"
    READY = "ready", "Ready to import"
    INVALID = "invalid", "Refused"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """A file uploaded to the admin import: kept in the database until it is imported or expires.

    Any app server can read it (no local folder), and the background task worker checks and
    imports it. What the check or the import found is kept here too; the progress of a running
    task lives in the cache (`glossary.exchange.jobs`).
    """

    file_name = models.CharField(max_length=255, help_text="The uploaded file's own name.")
    content = models.BinaryField()
    size = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.CHECKING)
    task_id = models.CharField(max_length=64, blank=True, help_text="The background task now running for this job.")
    report = models.JSONField(default=dict, blank=True, help_text="Rows, lines and warnings of the check or import.")
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"


# Releases -----------------------------------------------------------------------------------

# A release name goes into URLs (/releases/<name>/) and file names: letters, digits, dots,
# hyphens and underscores, starting with a letter or digit ("2026-12", "v1.2").
RELEASE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
RELEASE_NAME_MAX_LENGTH = 64
# Stands for the glossary as it is now wherever a release name is expected (the diff).
CURRENT = "current"

release_name = RegexValidator(
    RELEASE_NAME_PATTERN,
    "Use letters, digits, dots, hyphens and underscores, starting with a letter or digit, e.g. 2026-12 or v1.2.",
    code="invalid_release_name",
)


class Release(models.Model):
    """A named, frozen snapshot of the public glossary.

    The content lives in shared `ReleaseEntry` rows; the release itself holds only its
    ``manifest``: the ids of its entries, sorted, delta-coded and compressed
    (`glossary.releases.pack_ids`). The counts are kept so that lists need not unpack it.
    """

    name = models.CharField(max_length=RELEASE_NAME_MAX_LENGTH, validators=[release_name])
    note = models.TextField(blank=True, max_length=2000, validators=[validate_text])
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    manifest = models.BinaryField(editable=False)
    term_count = models.PositiveIntegerField(default=0, editable=False)
    relation_count = models.PositiveIntegerField(default=0, editable=False)
    entry_count = models.PositiveIntegerField(default=0, editable=False, help_text="Entries it lists.")
    new_entry_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Entries no earlier release had: what it added to the storage."
    )
    new_entry_bytes = models.PositiveBigIntegerField(
        default=0, editable=False, help_text="Bytes stored for those new entries (compressed content, key, digest)."
    )
    # Where the change log stood in the snapshot the release was read from: the next release (or
    # "current") recomputes only what the log names since (`glossary.releases.incremental_state`).
    seq = models.BigIntegerField(null=True, editable=False, help_text="The last change log entry it saw.")
    open_txids = models.JSONField(
        default=list, editable=False, help_text="Writers still running then (PostgreSQL): their entries came later."
    )
    term_index = models.BinaryField(
        default=b"", editable=False,
        help_text="Per public term: its entry, its relations' entry and its replacement (`pack_index`).",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(Lower("name"), name="release_name_ci_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("glossary:release-detail", kwargs={"name": self.name})

    def clean(self):
        name = self.name or ""
        if name.lower() == CURRENT:
            raise ValidationError(
                {"name": ValidationError("“%(name)s” stands for the glossary as it is now; choose another name.",
                                         code="reserved_release_name", params={"name": name})}
            )
        if name and Release.objects.filter(name__iexact=name).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"name": ValidationError("A release named “%(name)s” already exists.", code="duplicate_release_name",
                                         params={"name": name})}
            )


class ReleaseEntryKind(models.IntegerChoices):
    CATEGORY = 1, "category"
    RELATION_TYPE = 2, "relation type"
    TERM = 3, "term"
    RELATIONS = 4, "relations from a term"
    REFERENCE = 5, "reference"


class ReleaseEntry(models.Model):
    """One piece of a release's content, shared by every release that holds it unchanged.

    Content-addressed: ``digest`` is a hash of the kind and the canonical JSON of ``content``, so
    a term (with its labels, notes, mappings and references), the relations going out of one
    term, a relation type, a category or a reference is stored once however many releases
    hold it. ``key`` is what the row stands for (a slug or URL) whatever its content: two
    releases' entries with one key and different digests are a change.
    """

    id = models.BigAutoField(primary_key=True)
    digest = models.BinaryField(max_length=16, unique=True)
    kind = models.PositiveSmallIntegerField(choices=ReleaseEntryKind.choices)
    key = models.TextField()
    content = models.BinaryField(help_text="Canonical JSON, compressed (`glossary.releases.compress`).")

    class Meta:
        verbose_name_plural = "release entries"
        indexes = [
            # A diff page names the ends of changed relations: their term entries, found by slug.
            models.Index(fields=["key"], condition=Q(kind=ReleaseEntryKind.TERM), name="releaseentry_term_key_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}"


@receiver(pre_save, sender=Label)
def _fold_label(sender, instance, **kwargs):
    """Every save of a label — services, admin, fixtures (raw) — keeps its `folded` text and its
    place in the A–Z lists."""
    instance.folded = rules.fold(instance.text)
    instance.sort_key, instance.initial = rules.name_order(instance.text, instance.language)


@receiver(pre_save, sender=Term)
def _order_term(sender, instance, **kwargs):
    """Every save of a term — services, admin, fixtures (raw) — keeps its place in the A–Z lists."""
    instance.sort_key, instance.initial = rules.name_order(instance.name, default_language())
