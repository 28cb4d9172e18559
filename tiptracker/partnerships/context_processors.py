from typing import Any

from django.http import HttpRequest

from tiptracker.partnerships import access


def partnership(request: HttpRequest) -> dict[str, Any]:
    """The current membership (set by the access helpers) and what its role may do, for
    the navigation. The views enforce the same sets; this only decides which links show."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"membership": None, "partnership": None, "can": {}}
    role = membership.role
    return {
        "membership": membership,
        "partnership": membership.partnership,
        "landing_url": access.landing_url(membership),
        "can": {
            "coverage": role in access.COVERAGE_ROLES,
            "people": role in access.PEOPLE_ROLES,
            "train": role in access.TRAINING_ADMIN_ROLES,
            "book_others": role in access.BOOK_OTHERS_ROLES,
            "members": role in access.MEMBER_ADMIN_ROLES,
            "lived": role in access.LIVED_ROLES,
        },
    }
