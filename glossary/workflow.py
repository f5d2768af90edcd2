"""The review workflow as pure functions: which status changes exist, who may make them, and who
may edit a term in each status. Each refusal has its one wording.

Statuses: ``draft → in_review → published``, ``in_review → changes_requested`` (back to the author
with a comment) and ``published ⇄ deprecated``. Editors write drafts and submit them; holders of
the ``glossary.review_term`` permission (the Reviewers group, superusers) publish, request changes
and deprecate. The services call these functions; the admin and the API only go through the
services, so every path refuses the same things in the same words.
"""

from collections.abc import Iterable
from dataclasses import dataclass

DRAFT, IN_REVIEW, CHANGES_REQUESTED = "draft", "in_review", "changes_requested"
PUBLISHED, DEPRECATED = "published", "deprecated"
REVIEW_PERMISSION = "glossary.review_term"

# The statuses an editor (without the review permission) may change a term's content in.
EDITABLE_BY_EDITORS = (DRAFT, CHANGES_REQUESTED)


@dataclass(frozen=True)
class Transition:
    """One allowed status change: its button, its name in the history (the default reason), and
    whether it needs the review permission or a comment."""

    button: str
    done: str
    needs_review: bool = False
    needs_comment: bool = False


# (from, to) → the transition; ``None`` as the source is a new term.
TRANSITIONS = {
    (None, DRAFT): Transition("Create as draft", "Created as a draft"),
    (None, IN_REVIEW): Transition("Create and submit", "Created and submitted for review"),
    (None, PUBLISHED): Transition("Create and publish", "Created and published", needs_review=True),
    (DRAFT, IN_REVIEW): Transition("Submit for review", "Submitted for review"),
    (CHANGES_REQUESTED, IN_REVIEW): Transition("Submit for review again", "Submitted for review again"),
    (CHANGES_REQUESTED, DRAFT): Transition("Back to draft", "Back to draft"),
    (IN_REVIEW, DRAFT): Transition("Withdraw to draft", "Withdrawn from review"),
    (IN_REVIEW, PUBLISHED): Transition("Publish", "Published", needs_review=True),
    (IN_REVIEW, CHANGES_REQUESTED): Transition("Request changes", "Changes requested", needs_review=True,
                                               needs_comment=True),
    (DRAFT, PUBLISHED): Transition("Publish without review", "Published without review", needs_review=True),
    (CHANGES_REQUESTED, PUBLISHED): Transition("Publish as it is", "Published", needs_review=True),
    (PUBLISHED, DEPRECATED): Transition("Deprecate", "Deprecated", needs_review=True),
    (DEPRECATED, PUBLISHED): Transition("Publish again", "Published again", needs_review=True),
    (PUBLISHED, DRAFT): Transition("Unpublish to draft", "Unpublished (back to draft)", needs_review=True),
}

STATUS_NAMES = {
    DRAFT: "draft", IN_REVIEW: "in review", CHANGES_REQUESTED: "changes requested",
    PUBLISHED: "published", DEPRECATED: "deprecated",
}


def can_review(user) -> bool:
    """Whether ``user`` may publish, request changes and deprecate (superusers hold every permission)."""
    return bool(user is not None and user.is_active and user.has_perm(REVIEW_PERMISSION))


def transition_error(
    *, current: str | None, target: str, may_review: bool, comment: str = "", unpublished_targets=()
) -> str | None:
    """Why a term cannot go from ``current`` (None: a new term) to ``target``, or None.

    ``unpublished_targets`` are the names of the terms that the term's relations point at and
    readers cannot see: a term is published only when all of them are.

    >>> transition_error(current="draft", target="in_review", may_review=False) is None
    True
    >>> transition_error(current="in_review", target="published", may_review=False)
    'Only a reviewer may publish a term (it is in review); submit it for review and a reviewer will publish it.'
    """
    if target not in STATUS_NAMES:
        return f"“{target}” is not a status; choose one of: {', '.join(STATUS_NAMES)}."
    if current == target:
        return None
    step = TRANSITIONS.get((current, target))
    if step is None:
        return transition_missing_message(current, target)
    if step.needs_review and not may_review:
        return reviewer_only_message(current, target)
    if step.needs_comment and not (comment or "").strip():
        return "Say what should change: requesting changes needs a comment for the author."
    if target == PUBLISHED and unpublished_targets:
        names = ", ".join(f"“{name}”" for name in sorted(unpublished_targets))
        return (
            f"This term cannot be published while its relations point at terms readers cannot see: "
            f"{names}. Publish those first, or remove the relations."
        )
    return None


def transition_missing_message(current: str | None, target: str) -> str:
    allowed = sorted(STATUS_NAMES[to] for (origin, to) in TRANSITIONS if origin == current)
    if current is None:
        choices = ", ".join(allowed[:-1]) + f" or {allowed[-1]}"
        return f"A new term cannot start as {STATUS_NAMES[target]}; it starts as {choices}."
    return (
        f"A term cannot go from {STATUS_NAMES[current]} to {STATUS_NAMES[target]}; "
        f"from {STATUS_NAMES[current]} it can go to {', '.join(allowed)}."
    )


def reviewer_only_message(current: str | None, target: str) -> str:
    verb = {PUBLISHED: "publish", DEPRECATED: "deprecate", CHANGES_REQUESTED: "request changes to",
            DRAFT: "unpublish"}[target]
    where = "" if current is None else f" (it is {STATUS_NAMES[current]})"
    hint = "; submit it for review and a reviewer will publish it" if target == PUBLISHED else ""
    return f"Only a reviewer may {verb} a term{where}{hint}."


def edit_error(*, status: str, may_review: bool) -> str | None:
    """Why a user cannot change the content of a term in ``status``, or None.

    Editors change drafts and terms sent back to them; what is in review or public changes only
    through a reviewer, so everything readers see has been reviewed.
    """
    if may_review or status in EDITABLE_BY_EDITORS:
        return None
    if status == IN_REVIEW:
        return "This term is in review: withdraw it to draft to change it, or wait for the reviewer."
    return (
        f"This term is {STATUS_NAMES[status]}: only a reviewer may change it; "
        "ask one, or have it set back to draft."
    )


def relation_edit_error(*, source_status: str, target_status: str, may_review: bool) -> str | None:
    """Why a user cannot add, change or remove a relation between terms in these statuses, or None.

    A relation is part of both terms it joins (each page shows it), so an editor writes it where
    they may edit one of them: readers see it only once a reviewer has published that term.

    >>> relation_edit_error(source_status="published", target_status="draft", may_review=False) is None
    True
    """
    if may_review or source_status in EDITABLE_BY_EDITORS or target_status in EDITABLE_BY_EDITORS:
        return None
    return (
        f"This relation joins a term that is {STATUS_NAMES[source_status]} and one that is "
        f"{STATUS_NAMES[target_status]}: only a reviewer may add, change or remove a relation between "
        "terms past the draft stage; an editor may where one of its terms is a draft or sent back for changes."
    )


def reference_edit_error(*, cited_by: Iterable[tuple[str, str]], may_review: bool) -> str | None:
    """Why a user cannot change a reference cited by the terms ``cited_by`` (``(name, status)``
    pairs), or cite it from them or stop citing it, or None.

    A reference shows on the page of every term citing it, so an editor changes it where they may
    edit all of those terms: a reference of published terms changes through a reviewer.

    >>> reference_edit_error(cited_by=[("RAG", "draft")], may_review=False) is None
    True
    """
    locked = sorted((name, status) for name, status in cited_by if status not in EDITABLE_BY_EDITORS)
    if may_review or not locked:
        return None
    shown = ", ".join(f"“{name}” ({STATUS_NAMES.get(status, status)})" for name, status in locked[:3])
    more = f" and {len(locked) - 3} more" if len(locked) > 3 else ""
    return (
        f"This reference is cited by terms past the draft stage: {shown}{more}. Only a reviewer may "
        "change it, or cite it from or remove it from such terms; an editor may where every term "
        "concerned is a draft or sent back for changes."
    )


def import_error(*, may_review: bool) -> str | None:
    """Why a user cannot import a glossary file, or None: a file sets terms' content and status
    wholesale, published terms' too, so importing is a reviewer's step."""
    if may_review:
        return None
    return "Only a reviewer may import: a file can change published terms and set any status."


def actions_from(current: str, *, may_review: bool) -> list[tuple[str, str]]:
    """The ``(target status, button)`` a user may choose from ``current``."""
    return [
        (to, step.button) for (origin, to), step in TRANSITIONS.items()
        if origin == current and (may_review or not step.needs_review)
    ]


def default_reason(current: str | None, target: str) -> str:
    """The history's reason for a status change made without a comment."""
    step = TRANSITIONS.get((current, target))
    return step.done if step else f"Status set to {STATUS_NAMES.get(target, target)}"
