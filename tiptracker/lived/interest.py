"""The public expression-of-interest page's rules: how many expressions one sender may make
in an hour, and which e-mail acknowledges one (public_views.interest is the page).

What the e-mail says must not tell a stranger whether someone is on the route (see
public_views): a second expression merged into a first record is told at the address on
record, without a link; a first one gets its private link, at the address given only.
"""

import ipaddress
from collections.abc import Callable

from django.conf import settings

from tiptracker import notifications
from tiptracker.lib import throttle
from tiptracker.lived.contacts import Interest


def _sender(address: str | None) -> str:
    """Whom the limit counts: the client's address, or for IPv6 its /64 (one household or
    office has a whole /64 to rotate through)."""
    address = address or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def interest_over_limit(*, partnership_id: int, address: str | None) -> bool:
    """Expressions of interest from one sender to one partnership in an hour (the window is
    LIVED_INTEREST_WINDOW_SECONDS): LIVED_INTEREST_PER_HOUR from an ordinary address, and
    LIVED_INTEREST_SHARED_PER_HOUR from a network the installation lists as shared (a whole
    office behind one address), so that an office can take part while a script cannot
    flood the coordinators."""
    sender = _sender(address)
    limit = settings.LIVED_INTEREST_PER_HOUR
    if _is_shared(sender):
        limit = settings.LIVED_INTEREST_SHARED_PER_HOUR
    return throttle.over_limit(
        f"lived-interest:{partnership_id}:{sender}",
        limit=limit,
        window_seconds=settings.LIVED_INTEREST_WINDOW_SECONDS,
    )


def _is_shared(sender: str) -> bool:
    try:
        network = ipaddress.ip_network(sender, strict=False)
    except ValueError:
        return False
    return any(
        network.version == shared.version and network.subnet_of(shared)  # type: ignore[arg-type]
        for shared in _shared_networks()
    )


def _shared_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(item.strip(), strict=False)
        for item in settings.LIVED_INTEREST_SHARED_NETWORKS.split(",")
        if item.strip()
    ]


def interest_acknowledge(
    *,
    interest: Interest,
    gave_email: bool,
    partnership_name: str,
    status_url: Callable[[str], str],
) -> None:
    """E-mail the person who expressed interest, if their form gave an address (a form with a
    phone number only, merged into a record that has an address, e-mails nobody)."""
    if not gave_email:
        return
    record = interest.record
    who = {"name": record.preferred_name, "partnership": partnership_name}
    if interest.merged:
        # Told at the address on record (a first expression had its link sent there); no
        # link, so nothing tells a stranger someone is on the route.
        notifications.send("lived_interest_again", to=record.email, context=who)
    elif interest.token:
        notifications.send(
            "lived_private_link", to=record.email, context=who, link=status_url(interest.token)
        )
