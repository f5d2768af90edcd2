"""Release pages: the list of releases, one release with its downloads, the diff of two.

Reads go through `glossary.selectors`; a diff names terms in the reader's language from the
releases' own labels (what the term was called then), not from today's glossary.
"""

from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from glossary import releases, selectors
from glossary.api.releases import downloads
from glossary.language import reader_language
from glossary.models import CURRENT, RELEASE_NAME_MAX_LENGTH, RELEASE_NAME_PATTERN, RelationType, Term

PAGE_SIZE = 50
# Items of one list a diff page shows; the API gives them all.
SHOWN = 300
FORMAT_LABELS = {
    "json": "JSON (ours, re-importable)", "csv": "CSV (zip of spreadsheets)", "graphml": "GraphML (Gephi, yEd)",
    "skos-turtle": "SKOS Turtle", "skos-xml": "SKOS RDF/XML", "skos-json-ld": "SKOS JSON-LD",
}

# The diff page's panels: section, heading, what its "changed" list is called.
PANELS = [("terms", "Terms", "Changed"), ("relations", "Relations", "Note changed"),
          ("relation_types", "Relation types", "Changed"), ("categories", "Categories", "Changed"),
          ("references", "References", "Changed")]
FIELD_LABELS = {"uri": "URI", "body": "text", "labels": "names", "mappings": "links to other vocabularies",
                "replaced_by": "replaced by"}


class CompareForm(forms.Form):
    old = forms.RegexField(RELEASE_NAME_PATTERN, max_length=RELEASE_NAME_MAX_LENGTH)
    new = forms.RegexField(RELEASE_NAME_PATTERN, max_length=RELEASE_NAME_MAX_LENGTH)


def _diff_url(old: str, new: str) -> str:
    return reverse("glossary:release-diff", kwargs={"name": old, "other": new})


def release_list(request):
    """Every release, newest first, each with a link to what changed since the one before.

    ``?old=&new=`` (the compare form) leads to the diff of those two.
    """
    if "old" in request.GET or "new" in request.GET:
        form = CompareForm(request.GET)
        if not form.is_valid():
            return render(request, "glossary/bad_request.html", {"form": form}, status=400)
        return redirect(_diff_url(form.cleaned_data["old"], form.cleaned_data["new"]))
    page = Paginator(selectors.release_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    if items:
        # Each release's predecessor is the next one down the list (for the last, one query).
        before = items[1:] + [selectors.release_previous(release=items[-1])]
        for release, previous in zip(items, before):
            release.previous = previous
    return render(request, "glossary/release_list.html", {
        "page": page, "releases": items, "choices": _choices(), "query_string": "",
    })


def _choices():
    """The names the compare forms offer: every release and "current"."""
    return [CURRENT, *selectors.release_list().values_list("name", flat=True)]


def release_detail(request, name):
    release = selectors.release_get(name=name)
    files = [{"label": FORMAT_LABELS[fmt], "url": url} for fmt, url in downloads(request, release).items()]
    return render(request, "glossary/release_detail.html", {
        "release": release,
        "previous": selectors.release_previous(release=release),
        "files": files,
        "choices": [choice for choice in _choices() if choice != release.name],
        "this_release": [release.name],
    })


@dataclass
class Shown:
    """One list of a diff page: the items shown and how many there are in all."""

    items: list
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.items)


def release_diff(request, name, other):
    diff = selectors.release_diff(old=name, new=other)
    language = reader_language(request)
    sections = {
        section_name: {change: Shown(getattr(section, change)[:SHOWN], len(getattr(section, change)))
                       for change in ("added", "removed", "changed")}
        for section_name, section in diff.sections.items()
    }
    terms = sections["terms"]
    relations = sections["relations"]
    slugs = {item["slug"] for shown in terms.values() for item in shown.items}
    ends = {item[end] for shown in relations.values() for item in shown.items for end in ("source", "target")}
    names = _term_names(diff, ends | slugs, language)
    public_now = set(Term.objects.public().filter(slug__in=ends | slugs).values_list("slug", flat=True))
    for shown in (*terms.values(), *relations.values()):
        for item in shown.items:
            for end in ("slug", "source", "target"):
                if end in item:
                    item[f"{end}_name"] = names.get(item[end], item[end])
                    item[f"{end}_linked"] = item[end] in public_now
    type_labels = dict(RelationType.objects.values_list("slug", "label"))
    for item in (item for shown in relations.values() for item in shown.items):
        item["type_label"] = type_labels.get(item["type"], item["type"])
    for section_name, section in sections.items():
        for shown in section.values():
            for item in shown.items:
                if section_name in ("relation_types", "categories", "references"):
                    item["title_text"] = item[releases.TITLE_FIELD[section_name]]
                    item["key_text"] = item[releases.KEY_FIELD[section_name]]
        for item in section["changed"].items:
            item["field_labels"] = [FIELD_LABELS.get(f, f.replace("_", " ")) for f in item["fields"]]
    summary = diff.summary()
    panels = [
        {"id": name, "title": title, "lists": [(sections[name][change], change, label)
                                                for change, label in (("added", "Added"), ("removed", "Removed"),
                                                                      ("changed", changed))]}
        for name, title, changed in PANELS if sum(summary[name].values())
    ]
    return render(request, "glossary/release_diff.html", {
        "diff": diff,
        "old": diff.old, "new": diff.new,
        "panels": panels,
        "summary": summary,
        "api_url": reverse("release-diff", kwargs={"name": name, "other": other}),
        "swap_url": _diff_url(other, name),
    })


def _term_names(diff: releases.ReleaseDiff, slugs, language: str) -> dict:
    """slug → the term's name in ``language``, as the newer side (else the older) had it."""
    found = {slug: data for slug, data in diff.terms.items() if slug in slugs}
    for side in (diff.new, diff.old):
        missing = set(slugs) - found.keys()
        if missing:
            found.update(releases.term_data(side, missing))
    return {slug: releases.display_name(data, language) for slug, data in found.items()}
