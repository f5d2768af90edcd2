"""Admin imports as background tasks: check (dry run) and import an uploaded file, with progress.

The upload waits in the database (`ImportJob`), so whichever app server or worker handles the
next step can read it. The import runs in one transaction, which other connections cannot see
into (and which, on SQLite, holds the only write lock), so the progress of a running task is
published in the cache instead; the outcome is written to the job when the task ends.
"""

import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend, task
from django_tasks.exceptions import TaskResultDoesNotExist

from glossary.exchange.document import ExchangeError
from glossary.exchange.formats import read_file
from glossary.exchange.importer import import_document
from glossary.models import ImportJob, ImportJobStatus

PROGRESS_SECONDS = 0.5  # at most this often a running task publishes its progress
RUNNING = (ImportJobStatus.CHECKING, ImportJobStatus.IMPORTING)


def progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:progress"


class JobProgress:
    """A tqdm-like ``progress(iterable, desc=…, unit=…)`` that publishes how far the job got."""

    def __init__(self, job_id: int):
        self.key = progress_key(job_id)
        self.published_at = 0.0

    def publish(self, stage: str, done: int, total: int | None, unit: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.published_at >= PROGRESS_SECONDS:
            self.published_at = now
            cache.set(self.key, {"stage": stage, "done": done, "total": total, "unit": unit}, 24 * 3600)

    def __call__(self, iterable, desc: str = "", unit: str = "item", total: int | None = None, **kwargs):
        if total is None and hasattr(iterable, "__len__"):
            total = len(iterable)
        done = 0
        self.publish(desc, done, total, unit, force=True)
        for item in iterable:
            yield item
            done += 1
            self.publish(desc, done, total, unit)
        self.publish(desc, done, total, unit, force=True)


def job_progress(job: ImportJob) -> dict | None:
    """The last progress a running job published: ``{stage, done, total, unit, percent}``, or None."""
    progress = cache.get(progress_key(job.pk)) if job.status in RUNNING else None
    if progress and progress.get("total"):
        progress["percent"] = min(100, round(100 * progress["done"] / progress["total"]))
    return progress


def task_state(job: ImportJob) -> str | None:
    """The state of the job's background task (READY, RUNNING, FAILED, SUCCESSFUL), None if unknown."""
    if not job.task_id:
        return None
    try:
        return default_task_backend.get_result(job.task_id).status
    except TaskResultDoesNotExist:
        return None


def _report(report) -> dict:
    return {"rows": [list(row) for row in report.rows()], "lines": report.lines(),
            "warnings": list(getattr(report, "warnings", []))}


def _run(job: ImportJob, *, dry_run: bool) -> tuple[dict, list[str]]:
    """(report, errors) of checking or importing the job's file, read under its own name."""
    with tempfile.TemporaryDirectory(prefix="glossary-import-") as folder:
        # A private folder (mode 0700), removed at once; the readers name the file in their errors.
        path = Path(folder) / Path(job.file_name).name
        path.write_bytes(job.content)
        try:
            document = read_file(path, name=job.file_name)
            return _report(import_document(document, dry_run=dry_run, progress=JobProgress(job.pk),
                                           file_name=job.file_name, user=job.created_by)), []
        except ExchangeError as error:
            return {}, list(error.errors)


@task()
def run_import_job(job_id: int, dry_run: bool) -> str:
    """Check (``dry_run``) or import the uploaded file of an `ImportJob`, recording the outcome on it."""
    job = ImportJob.objects.get(pk=job_id)
    report, errors = _run(job, dry_run=dry_run)
    if dry_run:
        status = ImportJobStatus.INVALID if errors else ImportJobStatus.READY
    else:
        status = ImportJobStatus.FAILED if errors else ImportJobStatus.DONE
    fields = {"status": status, "report": report, "errors": errors, "updated_at": timezone.now()}
    if status == ImportJobStatus.DONE:
        fields["content"] = b""  # imported: the file is no longer needed
    ImportJob.objects.filter(pk=job_id).update(**fields)
    cache.delete(progress_key(job_id))
    return status


def job_start(*, job: ImportJob, dry_run: bool) -> ImportJob:
    """Queue the check or the import of ``job``'s file for the background worker."""
    job.status = ImportJobStatus.CHECKING if dry_run else ImportJobStatus.IMPORTING
    job.report, job.errors, job.updated_at = {}, [], timezone.now()
    job.save()
    # Queued once the job's new state is committed: the worker must read it, not the one before.
    transaction.on_commit(lambda: _enqueue(job.pk, dry_run))
    return job


def _enqueue(job_id: int, dry_run: bool) -> None:
    result = run_import_job.enqueue(job_id, dry_run)
    ImportJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def job_create(*, upload, user) -> ImportJob:
    """Keep an uploaded file as an `ImportJob` and queue its check (dry run)."""
    content = b"".join(upload.chunks())
    job = ImportJob.objects.create(file_name=upload.name, content=content, size=len(content), created_by=user)
    return job_start(job=job, dry_run=True)


def jobs_expire(*, now=None) -> int:
    """Delete the jobs (and their files) older than ``IMPORT_JOB_HOURS``, except running ones."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IMPORT_JOB_HOURS)
    deleted, _ = ImportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=RUNNING).delete()
    return deleted


def job_crashed(job: ImportJob) -> bool:
    """A running job whose task failed without recording an outcome (an error the import did not expect)."""
    return job.status in RUNNING and task_state(job) == TaskResultStatus.FAILED
