"""Numbers as people read them (lib/numbers.py and the `thousands` template filter)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from tiptracker.lib.numbers import thousands
from tiptracker.lib.suppression import Figure


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (4155, None, "4,155"),
        (999, None, "999"),
        (-1250000, None, "-1,250,000"),
        (1234.5, None, "1,234.5"),
        (81.94, 1, "81.9"),
        (12345.678, 1, "12,345.7"),
        (Decimal("50000"), None, "50,000"),
        (Decimal("1234.50"), None, "1,234.50"),
        (None, None, ""),
        (True, None, "True"),
        ("fewer than 5", None, "fewer than 5"),
        (Figure(None, 5), None, "fewer than 5"),
        (Figure(2500, 5), None, "2,500"),
    ],
)
def test_a_number_is_written_with_thousands_separators(value, places, shown):
    assert thousands(value, places) == shown


def test_the_template_filter_groups_what_people_read_and_escapes_text():
    template = Template(
        "{% load numbers %}{{ n|thousands }} of {{ d|thousands:1 }}; {{ t|thousands }}"
    )
    rendered = template.render(Context({"n": 1234, "d": 98765.43, "t": "<b>"}))
    assert rendered == "1,234 of 98,765.4; &lt;b&gt;"
