"""The History page of a term: its versions, the diff between any two, and (staff) revert."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from glossary import services
from glossary.language import localize, reader_language
from glossary.versions import diff_between, history_term_get, may_revert, term_versions, version_get, visible_versions


@require_GET
def term_history(request, slug):
    term = history_term_get(slug=slug, user=request.user)
    versions = visible_versions(term, request.user)
    wants_diff = "from" in request.GET or "to" in request.GET
    diff = diff_between(term, versions, request.user, request.GET.get("from"), request.GET.get("to")) \
        if wants_diff else None
    return render(request, "glossary/term_history.html", {
        "term": term,
        "localized": localize(term, reader_language(request)),
        "versions": versions,
        "diff": diff,
        "may_revert": may_revert(request.user),
    })


@require_POST
def term_revert(request, slug, number):
    if not may_revert(request.user):
        raise PermissionDenied("Only staff may revert a term.")
    term = history_term_get(slug=slug, user=request.user)
    version = version_get(term_versions(term), number)
    try:
        services.term_revert(term=term, version=version, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, f"Version {version.number} was not restored: {reason}")
    else:
        messages.success(request, f"Reverted to version {version.number}.")
    return redirect(reverse("glossary:term-history", kwargs={"slug": term.slug}))
