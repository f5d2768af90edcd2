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
    """The versions; ``?from=&to=`` a diff between two; ``?revert=N`` (staff) asks to confirm a
    revert to version N, above the diff from the current version to it: what the revert changes."""
    term = history_term_get(slug=slug, user=request.user)
    versions = visible_versions(term, request.user)
    revert = _version_to_confirm(request, versions)
    wants_diff = "from" in request.GET or "to" in request.GET
    if revert is not None:
        diff = diff_between(term, versions, request.user, str(versions[0].number), str(revert.number))
    else:
        diff = diff_between(term, versions, request.user, request.GET.get("from"), request.GET.get("to")) \
            if wants_diff else None
    return render(request, "glossary/term_history.html", {
        "term": term,
        "localized": localize(term, reader_language(request)),
        "versions": versions,
        "diff": diff,
        "may_revert": may_revert(request.user),
        "revert": revert,
    })


def _version_to_confirm(request, versions):
    """The earlier version ``?revert=`` names, for staff; None when it names none of them."""
    wanted = request.GET.get("revert", "")
    if not (wanted.isdigit() and may_revert(request.user)):
        return None
    return next((v for v in versions[1:] if v.number == int(wanted)), None)


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
