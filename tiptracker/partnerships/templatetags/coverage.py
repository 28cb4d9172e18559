"""One coverage table cell: "38.6% (1517 of 3934)". A tag rather than an include, because a
dashboard has hundreds of cells and an include per cell costs tens of milliseconds."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def coverage_cell(row) -> SafeString:  # type: ignore[no-untyped-def]
    if row is None or not row.needed:
        return mark_safe('<span class="govuk-body-s">no need</span>')  # noqa: S308 - a constant
    return format_html(
        '{}% <span class="govuk-body-s">({} of {})</span>',
        f"{row.percent:.1f}",
        row.met,
        row.needed,
    )
