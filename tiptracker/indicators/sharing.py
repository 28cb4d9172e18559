"""Whether a partnership's indicators take part in comparisons between partnerships: off for
a new partnership, switched by the command line (`tiptracker partnership share`) or, later,
its settings page; each change recorded (SharingChange) for its administrators to see.
Switching off takes it out of every comparison at once: comparisons read the flag each time.
"""

from django.db import transaction

from tiptracker.indicators.models import SharingChange
from tiptracker.partnerships.actors import Actor
from tiptracker.partnerships.models import Partnership


@transaction.atomic
def partnership_sharing_set(
    *, actor: Actor, partnership: Partnership, shared: bool, via: str
) -> bool:
    """Share the partnership's indicators (or stop); returns whether the choice changed."""
    changed = (
        Partnership.objects.filter(pk=partnership.pk)
        .exclude(shares_indicators=shared)
        .update(shares_indicators=shared)
    )
    partnership.shares_indicators = shared
    if changed:
        SharingChange.objects.create(
            partnership=partnership,
            shared=shared,
            via=via,
            changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    return bool(changed)
