"""What the results tests (test_results_page, test_results_exports) share: the day their
training took place, new staff to answer, and the results page as text."""

import datetime as dt

from tiptracker.workforce.tests.factories import StaffMemberFactory

# Training in the first quarter of 2026/27: its reaction cell is due on 5 August 2026, its
# follow-up cell (84 days later) on 28 October 2026.
TRAINED = dt.date(2026, 5, 12)


def _people(team, n):
    return [StaffMemberFactory(team=team) for _ in range(n)]


def _page(client, partnership, query=""):
    return client.get(f"/p/{partnership.slug}/feedback/results/{query}").content.decode()
