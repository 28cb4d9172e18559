"""The forms and API serializers take their max_length from the model (lib/fields.py), so
changing a model's CharField changes all three."""

import pytest

from tiptracker.api.engagement import EngagementInput
from tiptracker.engagement.forms import EngagementForm
from tiptracker.engagement.models import Engagement
from tiptracker.lib.fields import max_length_of


@pytest.mark.parametrize("name", ["body", "represented_by"])
def test_the_form_and_the_api_take_the_limit_from_the_model(name):
    limit = Engagement._meta.get_field(name).max_length
    assert isinstance(limit, int)
    assert max_length_of(Engagement, name) == limit
    assert EngagementForm().fields[name].max_length == limit
    assert EngagementInput().fields[name].max_length == limit
    # The message states the model's number too.
    assert (
        f" {limit} characters or fewer"
        in EngagementForm().fields[name].error_messages["max_length"]
    )


def test_a_field_without_a_max_length_is_refused():
    with pytest.raises(AssertionError, match=r"Engagement\.summary has no max_length"):
        max_length_of(Engagement, "summary")
