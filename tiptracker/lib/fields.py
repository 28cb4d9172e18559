"""A model field's limits, for the forms and API serializers that check the same input.

A form or serializer that only repeats a model CharField's max_length takes it from here, so
changing the model changes all three. (Limits the model does not hold, like 5,000 characters
for a TextField, are business limits and stay where they are written.)
"""

from django.db import models


def max_length_of(model: type[models.Model], field_name: str) -> int:
    """The max_length of `model`'s field `field_name`, e.g. max_length_of(Engagement, "body")."""
    field = model._meta.get_field(field_name)
    max_length = getattr(field, "max_length", None)
    assert isinstance(max_length, int), f"{model.__name__}.{field_name} has no max_length"
    return max_length
