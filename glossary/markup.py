"""Markdown bodies rendered to safe HTML (markdown + nh3), with `[[wiki links]]` between terms.

Raw HTML in a body is shown as text, never passed through: a glossary body needs only what
Markdown itself offers, and refusing raw HTML means no hand-written tag or attribute (an
`onerror`, a `rel` that drops `nofollow`) can reach the page. nh3 then cleans the output as a
second net — it is what removes `javascript:` and `data:` URLs from Markdown links.

`[[Other term]]` and `[[Other term|shown text]]` link to the term with that slug or label, as
`glossary.resolver` resolves names everywhere; every target of one body is resolved with one
query. A label several terms share shows them all ("may refer to"). A target that matches no visible term is
rendered as plain text marked as missing (staff see it as a to-do).
"""

import re
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

import markdown
import nh3
from django.urls import reverse
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from glossary.resolver import normalise_name, resolve_names

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}
EXTERNAL_REL = "nofollow noopener"
WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]")


def wiki_link_targets(text: str) -> set[str]:
    """The distinct `[[targets]]` of ``text``, in the resolver's normalised form."""
    return {normalise_name(m.group(1)) for m in WIKI_LINK.finditer(text or "")} - {""}


class WikiLinkProcessor(InlineProcessor):
    def __init__(self, pattern, md, resolved, show_missing):
        super().__init__(pattern, md)
        self.resolved = resolved
        self.show_missing = show_missing

    def handleMatch(self, m, data):
        target = m.group(1).strip()
        shown = (m.group(2) or "").strip() or target
        resolution = self.resolved.get(normalise_name(target))
        if resolution is not None and resolution.ambiguous:
            return self.may_refer_to(shown, resolution.candidates), m.start(0), m.end(0)
        if resolution is None or resolution.term is None:
            el = etree.Element("span")
            el.set("class", "wikilink-missing todo" if self.show_missing else "wikilink-missing")
            if self.show_missing:
                el.set("title", f"No term “{target}” yet — create it or fix the link")
            el.text = shown
            return el, m.start(0), m.end(0)
        el = self.link(resolution.term, shown)
        if shown != resolution.term.name:
            el.set("title", resolution.term.name)
        return el, m.start(0), m.end(0)

    @staticmethod
    def link(term, text):
        el = etree.Element("a")
        el.set("href", reverse("glossary:term-detail", kwargs={"slug": term.slug}))
        el.set("class", "wikilink")
        el.text = text
        return el

    def may_refer_to(self, shown, candidates):
        """A label several terms share: the text, then every term it may mean — never one picked at random."""
        el = etree.Element("span")
        el.set("class", "wikilink-ambiguous")
        el.text = shown + " (may refer to: "
        for i, term in enumerate(candidates):
            link = self.link(term, term.name)
            link.tail = ", " if i < len(candidates) - 1 else ")"
            el.append(link)
        return el


class ExternalLinkRel(Treeprocessor):
    """Mark links that leave the site so they pass no ranking and get no window.opener."""

    def run(self, root):
        for link in root.iter("a"):
            parts = urlsplit(link.get("href", ""))
            if parts.scheme or parts.netloc:
                link.set("rel", EXTERNAL_REL)


class GlossaryMarkdown(Extension):
    def __init__(self, resolved, show_missing):
        super().__init__()
        self.resolved = resolved
        self.show_missing = show_missing

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # Above the "[text](url)" link pattern, which would otherwise claim the "[".
        md.inlinePatterns.register(
            WikiLinkProcessor(WIKI_LINK.pattern, md, self.resolved, self.show_missing), "wikilink", 175
        )
        md.treeprocessors.register(ExternalLinkRel(md), "external_rel", 0)


def render_markdown(text: str, *, user=None) -> str:
    """Markdown source → sanitised HTML with resolved `[[links]]`, safe to insert into a page.

    ``user`` decides which terms a link may point to (drafts only for staff) and whether missing
    targets are flagged as to-dos.
    """
    text = text or ""
    show_missing = bool(user is not None and user.is_active and user.is_staff)
    resolved = resolve_names(wiki_link_targets(text), user=user)
    html = markdown.markdown(
        text, extensions=["extra", "sane_lists", GlossaryMarkdown(resolved, show_missing)]
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={
            "a": {"href", "title", "class"},
            "abbr": {"title"},
            "span": {"class", "title"},
            "td": {"align"},
            "th": {"align"},
        },
        tag_attribute_values={"a": {"rel": {EXTERNAL_REL}}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
