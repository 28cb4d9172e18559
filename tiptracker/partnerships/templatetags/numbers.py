"""{{ count|thousands }}: 4,155 (tiptracker.lib.numbers.thousands); {{ share|thousands:1 }}:
81.9. For numbers people read; never for ids, addresses or form values."""

from django import template

from tiptracker.lib.numbers import thousands as _thousands

register = template.Library()


@register.filter
def thousands(value: object, places: int | str | None = None) -> str:
    return _thousands(value, None if places is None or places == "" else int(places))
