"""One coverage table cell: "38.6% (1,517 of 3,934)". A tag rather than an include, because a
dashboard has hundreds of cells and an include per cell costs tens of milliseconds."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from tiptracker.lib.numbers import thousands

register = template.Library()


@register.simple_tag
def coverage_cell(row) -> SafeString:  # type: ignore[no-untyped-def]
    if row is None or not row.needed:
        return mark_safe('<span class="govuk-body-s">no need</span>')  # noqa: S308 - a constant
    return format_html(
        '{}% <span class="govuk-body-s tip-nowrap">({} of {})</span>',
        f"{row.percent:.1f}",
        thousands(row.met),
        thousands(row.needed),
    )
