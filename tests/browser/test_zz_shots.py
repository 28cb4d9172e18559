import datetime as dt
import pytest
from django.urls import reverse
from tests.browser.conftest import sign_in, visit
from tiptracker.reporting import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shots(page, ld):
    report = services.report_create(actor=ld, start=dt.date(2021, 12, 1), end=dt.date(2022, 6, 30))
    services.report_cover_set(actor=ld, report=report, reference="DIJB42-2022", report_by="Chief Officer", author_name="Diane McCulloch", author_designation="Lead Officer, Protecting People", meeting_date=dt.date(2022, 8, 24), report_date=dt.date(2022, 8, 1))
    report.refresh_from_db()
    services.report_choices_set(actor=ld, report=report, direction="council", risks=[{"description": "Staff cannot be released to attend training sessions in the numbers needed", "likelihood": 4, "impact": 3, "mitigations": "Online sessions and weekend sessions", "planned_likelihood": 2, "planned_impact": 3}], background_papers=[{"title": "Trauma Steering Group action plan", "link": "https://example.org/a-very-long-link/that-goes/on-and-on/plan.pdf"}])
    sign_in(page, ld)
    slug = report.partnership.slug
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for name, args in [("report", []), ("report_cover", []), ("report_choices", []), ("report_section_edit", ["2"])]:
            visit(page, reverse(name, args=[slug, report.pk, *args]))
            page.screenshot(path=f"/tmp/shots/{name}-{width}.png", full_page=True)
