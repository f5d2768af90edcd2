"""Admin pages for exchange: "Export selected terms" and the staff import (upload, preview, confirm).

An upload becomes an `ImportJob` kept in the database; the background worker checks it (dry
run) and, once the curator confirms the preview, imports it. The job's page shows the progress
while a task runs (refreshing itself), then the preview, the problems or the result.
"""

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django_tasks import TaskResultStatus

from glossary import workflow
from glossary.exchange import jobs
from glossary.exchange.jsonfmt import MEDIA_TYPE, iter_json
from glossary.exchange.snapshot import glossary_snapshot
from glossary.models import ImportJob, ImportJobStatus, Term

UPLOAD_SUFFIXES = (".json", ".ttl", ".rdf", ".xml", ".jsonld", ".csv")
RECENT_JOBS = 10
REFRESH_SECONDS = 2


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="Our JSON export, a SKOS file (.ttl, .rdf, .jsonld) or a terms.csv sheet."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(f"Upload one of: {', '.join(UPLOAD_SUFFIXES)}.")
        if upload.size > settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(f"The file is larger than {settings.IMPORT_MAX_UPLOAD_MB} MB.")
        return upload


def export_terms_response(queryset):
    """The chosen terms (with their relations among themselves) as a JSON download."""
    # The changelist's queryset carries annotations (relation counts) the export does not need.
    snapshot = glossary_snapshot(terms=Term.objects.filter(pk__in=queryset.values("pk")))
    response = HttpResponse("".join(iter_json(snapshot)), content_type=f"{MEDIA_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="glossary-terms-{timezone.now():%Y-%m-%d}.json"'
    return response


def _check_rights(model_admin, request):
    if not (request.user.is_staff and model_admin.has_add_permission(request)
            and model_admin.has_change_permission(request)):
        raise PermissionDenied
    problem = workflow.import_error(may_review=workflow.can_review(request.user))
    if problem:
        raise PermissionDenied(problem)


def _context(model_admin, request, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        **extra,
    }


def import_view(model_admin, request):
    """The upload form, and the recent imports with their state."""
    _check_rights(model_admin, request)
    # Uploads nobody confirmed do not stay forever: expired ones go whenever this page is opened.
    jobs.jobs_expire()
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.job_create(upload=form.cleaned_data["file"], user=request.user)
        return redirect("admin:glossary_term_import_job", job_id=job.pk)
    context = _context(
        model_admin, request, "Import a glossary",
        form=form, jobs=ImportJob.objects.defer("content").select_related("created_by")[:RECENT_JOBS],
        expiry_hours=settings.IMPORT_JOB_HOURS,
    )
    return TemplateResponse(request, "admin/glossary/term/import.html", context)


# What differs between reports of one kind: quoted names, URIs, slugs and numbers.
_PARTICULARS = re.compile(r"“[^”]*”|<[^>]*>|'[^']*'|\d+")


def alike(lines: list[str]) -> list[list[str]]:
    """``lines`` ("where: what") with those that say the same thing of other names, URIs or
    numbers together, in the order each kind first appears: a thesaurus's 400 concepts in two
    collections are one item to read, not a page of 17,000 pixels."""
    groups: dict[str, list[str]] = {}
    for line in lines:
        _where, _, what = line.partition(": ")
        groups.setdefault(_PARTICULARS.sub("…", what or line), []).append(line)
    return list(groups.values())


def import_job_view(model_admin, request, job_id):
    """One import: progress while its task runs, then the preview, the problems or the result."""
    _check_rights(model_admin, request)
    job = get_object_or_404(ImportJob.objects.defer("content"), pk=job_id)
    running = job.status in jobs.RUNNING
    crashed = jobs.job_crashed(job)
    context = _context(
        model_admin, request, f"Import of {job.file_name}",
        job=job, running=running and not crashed, crashed=crashed,
        progress=jobs.job_progress(job), waiting=running and jobs.task_state(job) in (None, TaskResultStatus.READY),
        refresh_seconds=REFRESH_SECONDS, form=ImportForm(), statuses=ImportJobStatus,
        error_groups=alike(job.errors or []), warning_groups=alike((job.report or {}).get("warnings", [])),
    )
    return TemplateResponse(request, "admin/glossary/term/import_job.html", context)


def import_confirm_view(model_admin, request, job_id):
    """Queue the import of a checked file."""
    _check_rights(model_admin, request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = get_object_or_404(ImportJob, pk=job_id, status=ImportJobStatus.READY)
    jobs.job_start(job=job, dry_run=False)
    return redirect("admin:glossary_term_import_job", job_id=job.pk)


def import_urls(model_admin):
    def view(function):
        return model_admin.admin_site.admin_view(lambda request, **kwargs: function(model_admin, request, **kwargs))

    return [
        path("import/", view(import_view), name="glossary_term_import"),
        path("import/<int:job_id>/", view(import_job_view), name="glossary_term_import_job"),
        path("import/<int:job_id>/confirm/", view(import_confirm_view), name="glossary_term_import_confirm"),
    ]
