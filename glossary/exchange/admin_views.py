"""Admin pages for exchange: "Export selected terms" and the staff import page (upload, preview, confirm)."""

import os
import secrets
import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from glossary.exchange.document import ExchangeError
from glossary.exchange.formats import read_file
from glossary.exchange.importer import import_document
from glossary.exchange.jsonfmt import MEDIA_TYPE, iter_json
from glossary.exchange.snapshot import glossary_snapshot
from glossary.models import Term

UPLOAD_DIR = Path(tempfile.gettempdir()) / "glossary-imports"
UPLOAD_SUFFIXES = (".json", ".ttl", ".rdf", ".xml", ".jsonld", ".csv")
SESSION_KEY = "glossary_import_upload"


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="Our JSON export, a SKOS file (.ttl, .rdf, .jsonld) or a terms.csv sheet."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(f"Upload one of: {', '.join(UPLOAD_SUFFIXES)}.")
        return upload


def export_terms_response(queryset):
    """The chosen terms (with their relations among themselves) as a JSON download."""
    # The changelist's queryset carries annotations (relation counts) the export does not need.
    snapshot = glossary_snapshot(terms=Term.objects.filter(pk__in=queryset.values("pk")))
    response = HttpResponse("".join(iter_json(snapshot)), content_type=f"{MEDIA_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="glossary-terms-{timezone.now():%Y-%m-%d}.json"'
    return response


def _keep_upload(upload):
    UPLOAD_DIR.mkdir(exist_ok=True)
    path = UPLOAD_DIR / f"{secrets.token_hex(16)}{Path(upload.name).suffix.lower()}"
    with open(path, "wb") as f:
        for chunk in upload.chunks():
            f.write(chunk)
    return path


def _run(path, dry_run, name=None):
    """(report, errors) of importing the kept upload; errors name the uploaded file."""
    try:
        return import_document(read_file(path, name=name), dry_run=dry_run), []
    except ExchangeError as exc:
        return None, exc.errors


def import_view(model_admin, request):
    """Upload → dry-run preview of every change or error → confirm to import."""
    if not (request.user.is_staff and model_admin.has_add_permission(request)
            and model_admin.has_change_permission(request)):
        raise PermissionDenied
    changelist = reverse("admin:glossary_term_changelist")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import a glossary",
    }
    kept = request.session.get(SESSION_KEY)
    if request.method == "POST" and "confirm" in request.POST:
        if not kept or not Path(kept["path"]).is_file():
            messages.error(request, "The uploaded file has expired; upload it again.")
            return redirect("admin:glossary_term_import")
        report, errors = _run(kept["path"], dry_run=False, name=kept["name"])
        if errors:
            context.update(form=ImportForm(), errors=errors, name=kept["name"])
            return TemplateResponse(request, "admin/glossary/term/import.html", context)
        os.remove(kept["path"])
        del request.session[SESSION_KEY]
        messages.success(request, f"Imported {kept['name']}: " + "; ".join(report.lines()) + ".")
        return redirect(changelist)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = _keep_upload(upload)
        if kept and Path(kept["path"]).is_file():
            os.remove(kept["path"])
        request.session[SESSION_KEY] = {"path": str(path), "name": upload.name}
        report, errors = _run(path, dry_run=True, name=upload.name)
        context.update(report=report, errors=errors, name=upload.name)
    context["form"] = form
    return TemplateResponse(request, "admin/glossary/term/import.html", context)


def import_urls(model_admin):
    return [
        path(
            "import/",
            model_admin.admin_site.admin_view(lambda request: import_view(model_admin, request)),
            name="glossary_term_import",
        ),
    ]
