"""Who does something, as the services of the domain apps take it.

A service that records who did it takes `actor`: the member's user (`membership.user`, which
the access helpers fetch with the membership), or None when the system does it (an import,
the command line, a scheduled pass, the demo). The history of edited records
(lib/history.py) takes the same user from the request. Board reports and the
lived-experience route act for a member in a partnership (their role matters there) and take
the Membership.
"""

from django.contrib.auth.models import User

Actor = User | None
