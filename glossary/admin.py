"""The Django admin: everything a curator needs, with saves going through the services."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from glossary import services
from glossary.exchange import admin_views as exchange_admin
from glossary.models import Category, Label, Mapping, Note, Reference, Relation, RelationType, Release, Term


TERM_FORM_FIELDS = (
    "name", "slug", "uri", "notation", "short_definition", "body", "category", "status", "replaced_by",
)


class ServiceDeleteMixin:
    """The "delete selected" action deletes each object through its service, like the delete page."""

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class ServiceFormSetMixin(ServiceDeleteMixin):
    """Save inline rows through the services so their rules and locks apply.

    Forms validate each row against the database as it was; rows of one submission can still
    conflict with each other (an outgoing and an incoming relation closing a cycle) or with a
    concurrent write. The service then refuses and the whole save is rolled back; the form is
    shown again with what the curator typed, every inline row included, and the reason.
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


class LabelInline(admin.TabularInline):
    model = Label
    extra = 1
    fields = ["text", "language", "kind", "subkind"]
    verbose_name_plural = "labels (the name is the preferred label in the glossary's language)"


class NoteInline(admin.StackedInline):
    model = Note
    extra = 0
    fields = [("kind", "language"), "text"]
    verbose_name_plural = "definitions and notes in other languages, scope notes, examples, history"


class MappingInline(admin.TabularInline):
    model = Mapping
    extra = 0
    fields = ["kind", "uri", "label"]
    verbose_name_plural = "in other vocabularies (skos:exactMatch, closeMatch, …)"


class OutgoingRelationInline(admin.TabularInline):
    model = Relation
    fk_name = "source"
    extra = 1
    autocomplete_fields = ["target"]
    fields = ["type", "target", "note"]
    verbose_name = "outgoing relation"
    verbose_name_plural = "outgoing relations (this term → other)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("type", "target", "source")


class IncomingRelationInline(admin.TabularInline):
    model = Relation
    fk_name = "target"
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "type", "note"]
    verbose_name = "incoming relation"
    verbose_name_plural = "incoming relations (other → this term)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("type", "target", "source")


@admin.register(Term)
class TermAdmin(ServiceFormSetMixin, admin.ModelAdmin):
    list_display = ["name", "category", "status", "out_count", "in_count", "updated_at", "public_link"]
    list_filter = ["status", "category"]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "uri", "notation", "labels__text", "short_definition", "body"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category", "replaced_by"]
    readonly_fields = ["created_at", "updated_at", "public_link"]
    fields = [
        "name", "slug", "uri", "notation", "category", "status", "replaced_by",
        "short_definition", "body", "public_link", "created_at", "updated_at",
    ]
    inlines = [LabelInline, NoteInline, MappingInline, OutgoingRelationInline, IncomingRelationInline]
    actions = ["export_selected_terms"]

    def get_urls(self):
        return exchange_admin.import_urls(self) + super().get_urls()

    @admin.action(description="Export selected terms (JSON)")
    def export_selected_terms(self, request, queryset):
        return exchange_admin.export_terms_response(queryset)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            out_count=Count("relations_out", distinct=True),
            in_count=Count("relations_in", distinct=True),
        )

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
            services.term_update(term=obj, **fields)
        else:
            obj.pk = services.term_create(**fields).pk
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


@admin.register(Category)
class CategoryAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "color", "term_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(term_count=Count("terms"))

    @admin.display(description="terms", ordering="term_count")
    def term_count(self, obj):
        return obj.term_count

    def save_model(self, request, obj, form, change):
        services.category_update(category=obj)

    def delete_model(self, request, obj):
        services.category_delete(category=obj)


@admin.register(RelationType)
class RelationTypeAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["slug", "label", "inverse_label", "symmetric", "transitive", "acyclic",
                    "skos_mapping", "usage"]
    list_filter = ["symmetric", "transitive", "acyclic", "skos_mapping"]
    search_fields = ["slug", "label", "inverse_label", "description"]
    prepopulated_fields = {"slug": ["label"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(usage=Count("relations"))

    @admin.display(description="relations", ordering="usage")
    def usage(self, obj):
        return obj.usage

    def save_model(self, request, obj, form, change):
        services.relation_type_update(relation_type=obj)

    def delete_model(self, request, obj):
        services.relation_type_delete(relation_type=obj)


@admin.register(Relation)
class RelationAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["source", "type", "target", "note", "created_at"]
    list_filter = ["type"]
    list_select_related = ["source", "type", "target"]
    search_fields = ["source__name", "target__name", "note", "type__label"]
    autocomplete_fields = ["source", "target"]

    def save_model(self, request, obj, form, change):
        if change:
            services.relation_update(relation=obj)
        else:
            obj.pk = services.relation_create(
                source=obj.source, type=obj.type, target=obj.target, note=obj.note
            ).pk

    def delete_model(self, request, obj):
        services.relation_delete(relation=obj)


@admin.register(Label)
class LabelAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["text", "term", "language", "kind", "subkind"]
    list_filter = ["kind", "subkind", "language"]
    list_select_related = ["term"]
    search_fields = ["text", "term__name"]
    autocomplete_fields = ["term"]

    def save_model(self, request, obj, form, change):
        if change:
            services.label_update(label=obj)
        else:
            obj.pk = services.label_create(term=obj.term, text=obj.text, language=obj.language,
                                           kind=obj.kind, subkind=obj.subkind).pk

    def delete_model(self, request, obj):
        services.label_delete(label=obj)


@admin.register(Reference)
class ReferenceAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["title", "url"]
    autocomplete_fields = ["terms"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        services.reference_update(reference=obj)

    def delete_model(self, request, obj):
        services.reference_delete(reference=obj)


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
