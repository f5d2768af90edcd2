"""Markdown bodies rendered to safe HTML (markdown + nh3).

First version: Markdown and sanitising only; `[[wiki links]]` come with the browse UI.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}


def render_markdown(text: str) -> str:
    """Markdown source → sanitised HTML, safe to insert into a page."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}, "span": {"class"}, "td": {"align"}, "th": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
