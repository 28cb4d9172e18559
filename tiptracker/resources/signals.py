"""What resources announce to the apps that point at them (the plan's actions cite resources
as evidence), so that resources imports none of them: see docs/architecture.md."""

from django.dispatch import Signal

# A resource is about to be deleted, inside the deleting transaction. Arguments: resource,
# actor (who deletes it).
resource_deleting = Signal()
