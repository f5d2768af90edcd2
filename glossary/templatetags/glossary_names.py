"""``{{ category|named_in:reader_language }}``: a category's name for the page's reader."""

from django import template

from glossary.language import category_name

register = template.Library()


@register.filter
def named_in(category, language):
    """The category's name in ``language`` where it has one (`category_name`), else its name."""
    if not category:
        return ""
    return category_name(category, language or "")
