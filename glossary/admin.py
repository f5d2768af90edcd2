"""The Django admin: everything a curator needs, with saves going through the services."""

import re
from contextlib import contextmanager
from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Case, Q, When, prefetch_related_objects
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from glossary import search, selectors, services, workflow
from glossary.exchange import admin_views as exchange_admin
from glossary.language import glossary_languages, language_name
from glossary.models import (
    Category, ChangeSet, Label, Mapping, Note, Reference, Relation, RelationType, Release, Scheme, Term, TermStatus,
    default_language,
)


TERM_FORM_FIELDS = (
    "name", "slug", "uri", "notation", "short_definition", "body", "category", "status", "replaced_by",
)


class NoDeleteFromAChoice:
    """A form's choice of a category, relation type or term offers no ✖ that deletes the chosen
    one: beside a relation's type it reads as "remove this relation", and deleting a type, a
    category or a term belongs on its own page."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget.can_delete_related = False
        return formfield


class GlossaryHistoryAdmin(NoDeleteFromAChoice, SimpleHistoryAdmin):
    """The admin's "History" page lists the versions with their change set; reverting is done on the
    site's History page (through the services), never here (SIMPLE_HISTORY_REVERT_DISABLED)."""

    history_list_display = ["change_set"]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version is shown, never saved from here: its form would write past the workflow.
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)


class ServiceDeleteMixin:
    """The "delete selected" action deletes each object through its service, like the delete page."""

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class ServiceRefusalMixin:
    """A save the service refuses shows the page again, with what the curator typed and the reason.

    Forms validate against the database as it was; a concurrent write, or a copy someone else's
    change made stale (`EditVersionAdmin`), is only seen by the service. The whole save is then
    rolled back, and the form is shown again as for any invalid form.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # The same submission again, with the form refusing it: the admin then renders the
            # bound form and formsets as for any invalid form.
            request.service_error = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "service_error", None)
        if error is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                self.add_error(None, "Nothing was saved: " + " ".join(error.messages))
                return cleaned_data

        return RefusedForm


@contextmanager
def refused_if_stale(what: str):
    """A save from a copy that someone else's change made stale (`services.EditConflict`) is
    refused with what to do next; the page then carries the version now (`EditVersionAdmin`)."""
    try:
        yield
    except services.EditConflict as conflict:
        raise ValidationError(conflict.messages + [
            f"What you typed is still below. Its History shows what changed; save again to "
            f"write yours over it, or open the {what} again to start from it."
        ]) from conflict


class EditVersionAdmin(ServiceRefusalMixin):
    """A change page of a row curators edit one at a time carries the row's version
    (`services.row_version`), which its save passes to the service: a save from a copy someone
    else's change made stale is refused, not written over theirs (`refused_if_stale`). After a
    refusal the page carries the version now, so saving again is deliberate."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            # The admin's rows carry all their many-to-many rows (`ReferenceAdmin.get_object`).
            context["edit_version"] = services.row_version(obj, all_prefetched=True)
        return super().render_change_form(request, context, add, change, form_url, obj)


class ServiceFormSetMixin(ServiceRefusalMixin, ServiceDeleteMixin):
    """Save inline rows through the services so their rules and locks apply.

    Forms validate each row against the database as it was; rows of one submission can still
    conflict with each other (an outgoing and an incoming relation closing a cycle) or with a
    concurrent write. The service then refuses and the whole save is rolled back; the form is
    shown again with what the curator typed, every inline row included, and the reason.
    """

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self.delete_inline(obj)
        for obj in instances:
            self.save_inline(obj)
        formset.save_m2m()

    def save_inline(self, obj):
        raise NotImplementedError

    def delete_inline(self, obj):
        raise NotImplementedError


class TermSearchMixin:
    """The search box finds rows through the terms the site's search finds (`selectors.terms_found`:
    labels in every language, names, notations, definitions; an exact slug or URI), never by a
    "contains" over columns and every label (10 s for a common word at 100,000 terms).
    ``search_fields`` stays as the admin's list of what the box looks in."""

    show_full_result_count = False  # one count of the whole table a page is enough

    def get_search_results(self, request, queryset, search_term):
        text = search_term.strip()
        if not text:
            return queryset, False
        return self.found(queryset, selectors.terms_found(text, user=request.user), text), False

    def found(self, queryset, term_ids: list[int], text: str):
        raise NotImplementedError


def posted_version(request) -> tuple[str] | None:
    """The version a posted form was made from (`services.term_version`, `services.row_version`);
    None for a form that carries none (then the save writes over whatever is stored, as before)."""
    version = request.POST.get("version", "").strip()
    return (version,) if version else None


def may_edit_term(request, term) -> bool:
    """Whether the user may change this term's content in its status (the workflow's rule)."""
    return term is None or workflow.edit_error(status=term.status, may_review=workflow.can_review(request.user)) is None


class WorkflowCheckedForm(forms.ModelForm):
    """A label's or relation's own page: the term(s) chosen must be ones the user may edit. The
    admin gives the form ``refuse`` (its `WorkflowCheckedAdmin.edit_refusal`, for a user who
    may not review), asked of the chosen ``term_fields``; its reason goes on ``refused_field``."""

    refuse = None
    term_fields: tuple[str, ...] = ()
    refused_field: str | None = None

    def clean(self):
        cleaned_data = super().clean()
        chosen = {name: cleaned_data.get(name) for name in self.term_fields}
        if self.refuse is not None and None not in chosen.values():
            problem = self.refuse(SimpleNamespace(**chosen))
            if problem:
                self.add_error(self.refused_field, problem)
        return cleaned_data


class WorkflowCheckedAdmin:
    """The page of a row that belongs to terms: read-only, saying why, where the workflow keeps
    the user from changing it (``edit_refusal``), and its form asks the same of the terms chosen."""

    form = WorkflowCheckedForm
    term_fields: tuple[str, ...] = ()
    refused_field: str | None = None

    def edit_refusal(self, obj, may_review: bool) -> str | None:
        """Why the user may not change ``obj`` (a row, or its chosen ``term_fields``), or None."""
        raise NotImplementedError

    def refusal(self, request, obj) -> str | None:
        return obj is not None and self.edit_refusal(obj, workflow.can_review(request.user)) or None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if workflow.can_review(request.user):
            return form_class
        return type(form_class.__name__, (form_class,), {
            "refuse": staticmethod(lambda chosen: self.edit_refusal(chosen, may_review=False)),
            "term_fields": self.term_fields, "refused_field": self.refused_field})

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.refusal(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.refusal(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        reason = self.refusal(request, obj)
        if reason and request.method == "GET" and super().has_change_permission(request, obj):
            messages.warning(request, f"Read only for you: {reason}")
        return super().render_change_form(request, context, add, change, form_url, obj)


class ChangedRowForm(forms.ModelForm):
    """An inline row checked against the rules and the database only when it was changed.

    A row sent back as it was is not saved, so nothing needs checking: a concept's 200 unchanged
    labels each read all their siblings on every save (2.5 s), and each unchanged relation ran its
    duplicate and cycle checks. New and changed rows are checked as before, then again by the
    service that saves them.
    """

    def _post_clean(self):
        if self.instance.pk is not None and not self.has_changed():
            return
        super()._post_clean()


class TermSideInline(NoDeleteFromAChoice):
    """Rows of a term (labels, notes, mappings, relations) are as writable as the term itself."""

    form = ChangedRowForm

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and may_edit_term(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_edit_term(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_edit_term(request, obj)


class LabelInline(TermSideInline, admin.TabularInline):
    model = Label
    extra = 1
    fields = ["text", "language", "kind", "subkind"]
    verbose_name_plural = "labels (the name is the preferred label in the glossary's language)"


class NoteInline(TermSideInline, admin.StackedInline):
    model = Note
    extra = 0
    fields = [("kind", "language"), "text"]
    verbose_name_plural = "definitions and notes in other languages, scope notes, examples, history"


class MappingInline(TermSideInline, admin.TabularInline):
    model = Mapping
    extra = 0
    fields = ["kind", "uri", "label"]
    verbose_name_plural = "in other vocabularies (skos:exactMatch, closeMatch, …)"


class KnownChoiceAutocomplete(AutocompleteSelect):
    """An autocomplete that names its chosen row from ``known`` (value → label: the row the form
    already read), instead of reading it again; a value it does not know is read as usual."""

    known: dict = {}

    def optgroups(self, name, value, attr=None):
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not chosen <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for key in sorted(chosen):
            options.append(self.create_option(name, key, self.known[key], True, len(options)))
        return [(None, options, 0)]


class FirstRowsFormSet(BaseInlineFormSet):
    """An inline formset of a term's first ``max_shown`` rows, with a link to all of them.

    A hub concept's hundreds of relations were all rendered as forms (40 ms each: 63 s for 1,674)
    and could not be saved (more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS). A saved form edits
    the rows it showed, named by their posted ids among the term's own; the others are left as
    they are.
    """

    max_shown = 25

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            rows = super().get_queryset()  # the term's rows, in order
            if self.is_bound:
                count = min(self.initial_form_count(), self.max_shown)
                posted = (self.data.get(f"{self.add_prefix(i)}-{self.model._meta.pk.name}") for i in range(count))
                self._queryset = rows.filter(pk__in=[int(pk) for pk in posted if str(pk).isdigit()])
            else:
                self._queryset = rows.filter(pk__in=list(rows.values_list("pk", flat=True)[: self.max_shown]))
        return self._queryset

    def add_fields(self, form, index):
        # Every row's choices of a relation type are one list, read once for the formset (each row
        # read them all again: 54 queries on a term with 25 relations each way), and a row's other
        # end is named from the row read with it (`KnownChoiceAutocomplete`), not read again.
        super().add_fields(form, index)
        shared = self.__dict__.setdefault("_shared_choices", {})
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, KnownChoiceAutocomplete):
                model_field = form.instance._meta.get_field(name)
                chosen = getattr(form.instance, name) if model_field.is_cached(form.instance) else None
                widget.known = {str(chosen.pk): field.label_from_instance(chosen)} if chosen is not None else {}
            elif isinstance(widget, forms.Select):  # (not the row's hidden id)
                if name not in shared:
                    shared[name] = list(iter(field.choices))  # (list() would count them first)
                field.choices = shared[name]

    @cached_property
    def total(self) -> int:
        return self.queryset.count() if self.instance.pk else 0

    @property
    def all_rows_url(self) -> str:
        return f"{reverse('admin:glossary_relation_changelist')}?{self.fk.name}__id__exact={self.instance.pk}"


class RelationRowForm(ChangedRowForm):
    """A relation row is compared with the row as the curator was shown it (hidden initial
    values), not as it is stored now: a relation someone else changed while the page was open is
    not written back as it was. (The term's own rows are covered by its version: see `TermAdmin`.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True


class RelationSideInline(TermSideInline, admin.TabularInline):
    """A term's relations on one side: the first `FirstRowsFormSet.max_shown`, and a link to all."""

    model = Relation
    form = RelationRowForm
    formset = FirstRowsFormSet
    template = "admin/glossary/term/relations_inline.html"
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("type", "target", "source")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = KnownChoiceAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OutgoingRelationInline(RelationSideInline):
    fk_name = "source"
    autocomplete_fields = ["target"]
    fields = ["type", "target", "note"]
    verbose_name = "outgoing relation"
    verbose_name_plural = "outgoing relations (this term → other)"


class IncomingRelationInline(RelationSideInline):
    fk_name = "target"
    autocomplete_fields = ["source"]
    fields = ["source", "type", "note"]
    verbose_name = "incoming relation"
    verbose_name_plural = "incoming relations (other → this term)"


class LackingFilter(admin.SimpleListFilter):
    """What terms lack, as the quality report (/quality/) counts it (`selectors.terms_lacking`):
    filter, select all, and export them, for a translator say."""

    title = "what it lacks"
    parameter_name = "lacking"

    def lookups(self, request, model_admin):
        choices = [(what, capfirst(described)) for what, described in selectors.LACKING.items()]
        own = default_language()
        for kind in selectors.LACKING_IN:
            choices += [(f"{kind}-{tag}", f"No {kind} in {language_name(tag)} ({tag})")
                        for tag in glossary_languages() if tag != own]
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not re.match(selectors.LACKING_PATTERN, value):
            raise IncorrectLookupParameters(selectors.LACKING_EXPECTED)
        return selectors.terms_lacking(queryset, value, user=request.user)


@admin.register(Term)
class TermAdmin(TermSearchMixin, ServiceFormSetMixin, GlossaryHistoryAdmin):
    list_display = ["listed_name", "category", "status", "out_count", "in_count", "updated_at", "public_link"]
    list_filter = ["status", "category", LackingFilter]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "uri", "notation", "labels__text", "short_definition", "body"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category", "replaced_by"]
    readonly_fields = ["created_at", "updated_at", "public_link", "review_comment"]
    fields = [
        "name", "slug", "uri", "notation", "category", "status", "replaced_by",
        "short_definition", "body", "public_link", "created_at", "updated_at",
    ]
    inlines = [LabelInline, NoteInline, MappingInline, OutgoingRelationInline, IncomingRelationInline]
    actions = ["export_selected_terms"]

    def get_urls(self):
        transition = path("<int:object_id>/transition/", self.admin_site.admin_view(self.transition_view),
                          name="glossary_term_transition")
        return [transition, *exchange_admin.import_urls(self), *super().get_urls()]

    def get_fields(self, request, obj=None):
        # A term's status changes by the workflow's buttons; the reviewer's comment shows when there is one.
        fields = list(super().get_fields(request, obj))
        if obj is not None and obj.review_comment:
            fields.insert(fields.index("status") + 1, "review_comment")
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = [f for f in super().get_readonly_fields(request, obj) if f != "review_comment"]
        return readonly + (["status", "review_comment"] if obj is not None else [])

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_edit_term(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            # A new term starts in a status the user may give it: editors draft or submit.
            may_review = workflow.can_review(request.user)
            kwargs["choices"] = [(value, label) for value, label in TermStatus.choices
                                 if workflow.transition_error(current=None, target=value, may_review=may_review) is None]
            kwargs["initial"] = TermStatus.PUBLISHED if may_review else TermStatus.DRAFT
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            term = self.get_object(request, object_id)
            if term is not None:
                # The version the page shows, posted back by both of its forms: a save or a step
                # from a copy someone else's change made stale is refused (`services.term_update`).
                # After a refusal the page carries the version now, so saving again is deliberate.
                extra_context = {**(extra_context or {}), "edit_version": services.term_version(term.updated_at)}
                extra_context["workflow"] = {
                    "actions": workflow.actions_from(term.status, may_review=workflow.can_review(request.user)),
                    "status": term.get_status_display(),
                    "review_comment": term.review_comment,
                    "url": reverse("admin:glossary_term_transition", args=[term.pk]),
                    "locked": workflow.edit_error(status=term.status, may_review=workflow.can_review(request.user)),
                }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        awaiting = Term.objects.filter(status=TermStatus.IN_REVIEW).count()
        extra_context = {**(extra_context or {}), "awaiting_review": awaiting,
                         "may_import": workflow.import_error(may_review=workflow.can_review(request.user)) is None,
                         "awaiting_review_url": reverse("admin:glossary_term_changelist") + "?status__exact=in_review"}
        return super().changelist_view(request, extra_context)

    def transition_view(self, request, object_id):
        """A workflow button: move the term to the posted status, with the posted comment."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        term = get_object_or_404(Term, pk=object_id)
        if not self.has_view_or_change_permission(request, term):
            raise PermissionDenied
        try:
            services.term_transition(term=term, status=request.POST.get("status", ""), user=request.user,
                                     comment=request.POST.get("comment", ""), versions=posted_version(request))
        except ValidationError as error:
            self.message_user(request, "Nothing was changed: " + " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, f"“{term.name}” is now {term.get_status_display().lower()}.", messages.SUCCESS)
        return redirect("admin:glossary_term_change", term.pk)

    @admin.action(description="Export selected terms (JSON)")
    def export_selected_terms(self, request, queryset):
        return exchange_admin.export_terms_response(queryset)

    def get_queryset(self, request):
        return selectors.with_relation_counts(super().get_queryset(request), user=request.user)

    def found(self, queryset, term_ids, text):
        # Best first, which every autocomplete of a term keeps (relation ends, labels' terms); a
        # list sorts them as it is asked to.
        if not term_ids:
            return queryset.none()
        return queryset.filter(pk__in=term_ids).order_by(Case(*(When(pk=pk, then=i) for i, pk in enumerate(term_ids))))

    @admin.display(description="name", ordering="sort_key")
    def listed_name(self, term):
        """The name, sorted as the A–Z lists sort it (`rules.sort_key`), not by code point."""
        return term.name

    @admin.display(description="outgoing", ordering="out_count")
    def out_count(self, obj):
        return obj.out_count

    @admin.display(description="incoming", ordering="in_count")
    def in_count(self, obj):
        return obj.in_count

    @admin.display(description="public page")
    def public_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">view on site</a>', obj.get_absolute_url())

    def save_model(self, request, obj, form, change):
        # The form's name is the preferred label in the glossary's language; the service keeps
        # the labels and the name in step.
        fields = {f: getattr(obj, f) for f in TERM_FORM_FIELDS}
        if change:
            del fields["status"]  # changed by the workflow's buttons only
            with refused_if_stale("term"):
                services.term_update(term=obj, user=request.user, versions=posted_version(request), **fields)
        else:
            obj.pk = services.term_create(user=request.user, **fields).pk
            obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.term_delete(term=obj)

    def save_inline(self, obj):
        if isinstance(obj, Label):
            if obj.pk:
                services.label_update(label=obj)
            else:
                services.label_create(term=obj.term, text=obj.text, language=obj.language, kind=obj.kind,
                                      subkind=obj.subkind)
        elif isinstance(obj, Note):
            if obj.pk:
                services.note_update(note=obj)
            else:
                services.note_create(term=obj.term, kind=obj.kind, language=obj.language, text=obj.text)
        elif isinstance(obj, Mapping):
            if obj.pk:
                services.mapping_update(mapping=obj)
            else:
                services.mapping_create(term=obj.term, kind=obj.kind, uri=obj.uri, label=obj.label)
        elif obj.pk:
            services.relation_update(relation=obj)
        else:
            services.relation_create(source=obj.source, type=obj.type, target=obj.target, note=obj.note)

    def delete_inline(self, obj):
        if isinstance(obj, Label):
            services.label_delete(label=obj)
        elif isinstance(obj, Note):
            services.note_delete(note=obj)
        elif isinstance(obj, Mapping):
            services.mapping_delete(mapping=obj)
        else:
            services.relation_delete(relation=obj)


class NamesInLanguagesField(forms.Field):
    """A category's names in other languages as a curator types them: one per line, “fr: Apprentissage”.
    The model's `validate_category_names` then checks the tags and names."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60, "dir": "auto"})

    def prepare_value(self, value):
        if isinstance(value, str):
            return value  # as typed, when the form comes back with an error
        return "\n".join(f"{tag}: {name}" for tag, name in sorted((value or {}).items()))

    def to_python(self, value):
        names, problems = {}, []
        for number, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            tag, colon, name = line.partition(":")
            if not colon or not tag.strip() or not name.strip():
                problems.append(f"Line {number}: write a language tag, a colon and the name, e.g. “fr: Apprentissage”.")
            elif tag.strip() in names:
                problems.append(f"Line {number}: {tag.strip()} is named twice.")
            else:
                names[tag.strip()] = " ".join(name.split())
        if problems:
            raise ValidationError(problems, code="invalid_names")
        return names


class CategoryForm(forms.ModelForm):
    names = NamesInLanguagesField(
        required=False, label="Names in other languages",
        help_text="One per line: a language tag, a colon, the name — “fr: Apprentissage”. Readers of "
                  "those languages see the category by that name; the name above is the glossary's own language.",
    )

    class Meta:
        model = Category
        fields = "__all__"


@admin.register(Category)
class CategoryAdmin(EditVersionAdmin, ServiceDeleteMixin, GlossaryHistoryAdmin):
    form = CategoryForm
    list_display = ["name", "slug", "parent", "color", "term_count"]
    search_fields = ["name", "slug", "uri", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(term_count=selectors.terms_of_category_counted(user=request.user))

    @admin.display(description="terms", ordering="term_count")
    def term_count(self, obj):
        return obj.term_count

    def save_model(self, request, obj, form, change):
        with refused_if_stale("category"):
            services.category_update(category=obj, versions=posted_version(request) if change else None)

    def delete_model(self, request, obj):
        services.category_delete(category=obj)


class SchemeForm(forms.ModelForm):
    titles = NamesInLanguagesField(
        required=False, label="Title in other languages",
        help_text="One per line: a language tag, a colon, the title — “fr: Thésaurus de l'UNESCO”.",
    )

    class Meta:
        model = Scheme
        fields = ["title", "titles", "uri", "description"]


@admin.register(Scheme)
class SchemeAdmin(GlossaryHistoryAdmin):
    """The one row that says which vocabulary the glossary is: its title on the home page, its
    concept scheme in SKOS exports."""

    form = SchemeForm
    list_display = ["__str__", "uri"]

    def add_view(self, request, form_url="", extra_context=None):
        # One row: once there is one, "add" edits it (asking in has_add_permission would cost
        # every admin page's menu a query).
        if Scheme.objects.exists():
            return redirect(reverse("admin:glossary_scheme_change", args=[1]))
        return super().add_view(request, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False  # emptied, not deleted: an empty title and URI are "none of its own"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["show_save_and_add_another"] = False  # there is no other
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)


@admin.register(RelationType)
class RelationTypeAdmin(EditVersionAdmin, ServiceDeleteMixin, GlossaryHistoryAdmin):
    list_display = ["slug", "label", "inverse_label", "symmetric", "transitive", "acyclic",
                    "skos_mapping", "usage"]
    list_filter = ["symmetric", "transitive", "acyclic", "skos_mapping"]
    search_fields = ["slug", "label", "inverse_label", "description"]
    prepopulated_fields = {"slug": ["label"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(usage=selectors.relations_of_type_counted(user=request.user))

    @admin.display(description="relations", ordering="usage")
    def usage(self, obj):
        return obj.usage

    def save_model(self, request, obj, form, change):
        with refused_if_stale("relation type"):
            services.relation_type_update(relation_type=obj, versions=posted_version(request) if change else None)

    def delete_model(self, request, obj):
        services.relation_type_delete(relation_type=obj)

    def get_deleted_objects(self, objs, request):
        # A type still used cannot be deleted (its relations are protected): Django would list
        # each relation in the way, 33 s and 2.5 MB for 20,000. Say how many, and link to them.
        types = [obj.pk for obj in objs]
        used = Relation.objects.filter(type__in=types).count()
        if not used:
            return super().get_deleted_objects(objs, request)
        url = reverse("admin:glossary_relation_changelist") + "?" + "&".join(f"type__id__exact={pk}" for pk in types)
        protected = [format_html('<a href="{}">{} relation{} of {}</a>', url, f"{used:,}", "s" if used != 1 else "",
                                 "this type" if len(types) == 1 else "these types")]
        return [str(obj) for obj in objs], {}, set(), protected


@admin.register(Relation)
class RelationAdmin(EditVersionAdmin, WorkflowCheckedAdmin, TermSearchMixin, ServiceDeleteMixin, GlossaryHistoryAdmin):
    term_fields = ("source", "target")
    list_display = ["source", "type", "target", "note", "created_at"]
    list_filter = ["type"]
    list_select_related = ["source", "type", "target"]
    search_fields = ["source__name", "target__name", "type__label"]
    autocomplete_fields = ["source", "target"]

    def found(self, queryset, term_ids, text):
        # Relations at either end of the terms found, or of a type whose name holds the text.
        folded = search.fold(text)
        types = [t.pk for t in RelationType.objects.only("slug", "label", "inverse_label")  # a few dozen
                 if any(folded in search.fold(name) for name in (t.slug, t.label, t.inverse_label))]
        return queryset.filter(Q(source__in=term_ids) | Q(target__in=term_ids) | Q(type__in=types))

    def edit_refusal(self, obj, may_review):
        return workflow.relation_edit_error(source_status=obj.source.status, target_status=obj.target.status,
                                            may_review=may_review)

    def save_model(self, request, obj, form, change):
        if change:
            with refused_if_stale("relation"):
                services.relation_update(relation=obj, user=request.user, versions=posted_version(request))
        else:
            obj.pk = services.relation_create(
                source=obj.source, type=obj.type, target=obj.target, note=obj.note, user=request.user
            ).pk

    def delete_model(self, request, obj):
        services.relation_delete(relation=obj, user=request.user)


@admin.register(Label)
class LabelAdmin(EditVersionAdmin, WorkflowCheckedAdmin, TermSearchMixin, ServiceDeleteMixin, GlossaryHistoryAdmin):
    term_fields, refused_field = ("term",), "term"
    list_display = ["text", "term", "language", "kind", "subkind"]
    list_filter = ["kind", "subkind", "language"]
    list_select_related = ["term"]
    search_fields = ["text", "term__name"]
    autocomplete_fields = ["term"]
    # Newest first: the model's order (language, kind, text) sorts every label for each page.
    ordering = ["-pk"]

    def found(self, queryset, term_ids, text):
        return queryset.filter(term__in=term_ids)  # the search looks in every label, in every language

    def edit_refusal(self, obj, may_review):
        return workflow.edit_error(status=obj.term.status, may_review=may_review)

    def save_model(self, request, obj, form, change):
        if change:
            with refused_if_stale("label"):
                services.label_update(label=obj, user=request.user, versions=posted_version(request))
        else:
            obj.pk = services.label_create(term=obj.term, text=obj.text, language=obj.language,
                                           kind=obj.kind, subkind=obj.subkind, user=request.user).pk

    def delete_model(self, request, obj):
        services.label_delete(label=obj, user=request.user)


@admin.register(Reference)
class ReferenceAdmin(EditVersionAdmin, WorkflowCheckedAdmin, ServiceDeleteMixin, GlossaryHistoryAdmin):
    list_display = ["title", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["title", "url"]
    autocomplete_fields = ["terms"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    term_fields, refused_field = ("terms",), "terms"

    def get_object(self, request, object_id, from_field=None):
        # Its terms once: the page's permission checks, its refusal message and its form all ask.
        reference = super().get_object(request, object_id, from_field)
        if reference is not None:
            prefetch_related_objects([reference], "terms")
        return reference

    def edit_refusal(self, obj, may_review):
        # A stored reference's citing terms, or the form's chosen ones (then the page was editable:
        # every term it cited is one the user may edit, so only those added may refuse).
        cited = obj.terms.all() if isinstance(obj, Reference) else obj.terms
        return workflow.reference_edit_error(cited_by=[(t.name, t.status) for t in cited], may_review=may_review)

    def save_model(self, request, obj, form, change):
        with refused_if_stale("reference"):
            services.reference_update(reference=obj, user=request.user,
                                      versions=posted_version(request) if change else None)

    def delete_model(self, request, obj):
        services.reference_delete(reference=obj, user=request.user)


@admin.register(ChangeSet)
class ChangeSetAdmin(admin.ModelAdmin):
    """Change sets are written by edits, imports and reverts; here they are read only."""

    list_display = ["id", "at", "kind", "user", "file_name", "comment"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["file_name", "comment"]
    readonly_fields = ["kind", "user", "at", "comment", "file_name", "counts"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


RELEASE_DETAILS = ["name", "note", "created_at", "created_by", "term_count", "relation_count", "entry_count",
                   "new_entry_count", "new_entry_bytes", "links"]


@admin.register(Release)
class ReleaseAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    """Publish a release (name and note; the service takes the snapshot), list them, download them.

    A release is frozen: once made it can be read or deleted, never edited.
    """

    list_display = ["name", "created_at", "created_by", "term_count", "relation_count", "new_entry_count", "links"]
    list_select_related = ["created_by"]
    search_fields = ["name", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("manifest")

    def get_fields(self, request, obj=None):
        return RELEASE_DETAILS if obj else ["name", "note"]

    def get_readonly_fields(self, request, obj=None):
        return RELEASE_DETAILS if obj else []

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="downloads and changes")
    def links(self, obj):
        export = reverse("release-export", kwargs={"name": obj.name})
        files = [(f"{export}?format={fmt}", label) for fmt, label in (("json", "JSON"), ("csv", "CSV"),
                                                                      ("graphml", "GraphML"))]
        files.append((f"{export}?format=skos&skos_format=turtle", "SKOS"))
        files.append((reverse("glossary:release-diff", kwargs={"name": obj.name, "other": "current"}), "since then"))
        files.append((obj.get_absolute_url(), "page"))
        return format_html_join(" · ", '<a href="{}">{}</a>', files)

    def save_model(self, request, obj, form, change):
        obj.pk = services.release_create(name=obj.name, note=obj.note, user=request.user).pk

    def delete_model(self, request, obj):
        services.release_delete(release=obj)
