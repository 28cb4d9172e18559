"""{{ amount|pounds }}: £50,000.00, exactly (tiptracker.lib.money.format_pounds)."""

from decimal import Decimal

from django import template

from tiptracker.lib.money import format_pounds

register = template.Library()


@register.filter
def pounds(amount: Decimal | int | None) -> str:
    return format_pounds(amount)
