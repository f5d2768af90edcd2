"""``{% for n in page|page_numbers %}``: the page numbers a long list links to."""

from django import template

register = template.Library()


@register.filter
def page_numbers(page) -> list:
    """The first and last pages, and two on each side of ``page``, with None where pages are left
    out: a 62-page letter of a large thesaurus can be entered in the middle, not only step by step."""
    paginator = page.paginator
    return [None if n == paginator.ELLIPSIS else n
            for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)]
