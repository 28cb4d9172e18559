"""The improvement programme in a browser: a project from its aim, through its measure, driver
diagram, change idea and PDSA cycle, to an adopted change whose chart starts a new centre
where the change was adopted; axe on every page on the way."""

import datetime as dt

import pytest

from tests.browser.conftest import assert_accessible, reflow_problems, sign_in, visit
from tiptracker.improvement.models import Measure, Project
from tiptracker.partnerships.tests.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def month_end(index: int) -> dt.date:
    year, month = divmod(index, 12)
    first_of_next = dt.date(2021 + year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def test_a_project_from_its_aim_to_an_adopted_change(page, ld, partnership, tmp_path):
    OrganisationFactory(partnership=partnership, name="NHS Tayside")
    OrganisationFactory(partnership=partnership, name="Dundee City Council")
    sign_in(page, ld)
    visit(page, f"/p/{partnership.slug}/workspace/")
    page.get_by_role("link", name="Improvement programme").click()
    assert_accessible(page)
    page.get_by_role("link", name="Start a project").click()
    assert_accessible(page)

    # First without the aim's size: told what is missing, what was typed kept.
    page.get_by_label("Title").fill("Trauma-informed first appointments")
    page.get_by_label("What will improve").fill("More young people come to their first appointment")
    page.get_by_label("For whom").fill("Young people referred to the adolescent service")
    page.get_by_role("button", name="Start the project").click()
    assert_accessible(page)
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter how much: the size of the improvement" in summary
    assert "Enter the date the aim is to be met by" in summary
    assert page.get_by_label("Title").input_value() == "Trauma-informed first appointments"
    page.get_by_label("How much").fill("From 50% to 70% attending")
    page.locator("#id_aim_by_0").fill("31")
    page.locator("#id_aim_by_1").fill("12")
    page.locator("#id_aim_by_2").fill("2022")
    page.get_by_label("Stage").select_option("testing")
    page.get_by_label("NHS Tayside").check()
    page.get_by_label("Dundee City Council").check()
    page.get_by_role("button", name="Start the project").click()
    assert_accessible(page)
    assert "Started the project: Trauma-informed first appointments." in page.inner_text("main")
    project = Project.objects.get()

    page.get_by_role("link", name="Add a measure").click()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("First appointments attended (%)")
    page.get_by_label("Outcome").check()
    page.get_by_label("Operational definition").fill(
        "Of first appointments offered each month, the share attended."
    )
    page.get_by_label("Unit").select_option("percentage")
    page.get_by_label("Higher is better").check()
    page.get_by_label("Target (optional)").fill("60")
    page.get_by_label("SPC chart (XmR): mean and process limits").check()
    page.get_by_label("Baseline points (optional)").fill("12")
    page.get_by_role("button", name="Add the measure").click()
    assert_accessible(page)
    measure = Measure.objects.get()
    assert project.measures.get() == measure

    # A year before the change, from a file.
    before = tmp_path / "before.csv"
    before.write_text(
        "date,value\n" + "".join(f"{month_end(i)},{50 + 2 * (i % 2)}\n" for i in range(12))
    )
    page.get_by_label("Upload a file").set_input_files(str(before))
    page.get_by_role("button", name="Import the file").click()
    assert_accessible(page)
    assert "12 values added" in page.inner_text("main")

    # Two years after: the values rise, one chart segment so far.
    after = tmp_path / "after.csv"
    after.write_text(
        "date,value\n" + "".join(f"{month_end(i)},{70 + 2 * (i % 2)}\n" for i in range(12, 24))
    )
    page.get_by_label("Upload a file").set_input_files(str(after))
    page.get_by_role("button", name="Import the file").click()
    assert_accessible(page)
    assert "12 values added" in page.inner_text("main")

    # The driver diagram, from the national change drivers, and a change idea to test.
    visit(page, f"/p/{partnership.slug}/improvement/{project.pk}/drivers/")
    page.get_by_role("button", name="Add the national change drivers").click()
    assert_accessible(page)
    assert page.locator("svg.tip-diagram").count() == 1
    page.get_by_role("link", name="Add a change idea").click()
    assert_accessible(page)
    page.get_by_label("Change idea").fill("A new invitation letter with a choice of where to meet")
    page.get_by_label("Welcoming, calm and safe places to meet (for Environments)").check()
    page.get_by_role("button", name="Add the change idea").click()
    assert_accessible(page)

    # One PDSA cycle, planned, then studied and adopted.
    page.get_by_role("link", name="Plan a cycle").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Every letter for a month")
    page.locator("#id_starts_on_0").fill("1")
    page.locator("#id_starts_on_1").fill("12")
    page.locator("#id_starts_on_2").fill("2021")
    page.get_by_label("Plan: the question").fill("Will more people come?")
    page.get_by_label("Plan: what we predict").fill("Two in three will come")
    page.get_by_role("button", name="Add the cycle").click()
    assert_accessible(page)
    page.get_by_role("link", name="Edit the cycle").click()
    page.locator("#id_ends_on_0").fill("1")
    page.locator("#id_ends_on_1").fill("1")
    page.locator("#id_ends_on_2").fill("2022")
    page.get_by_label("Study: the results against the prediction (optional)").fill(
        "Seven in ten came"
    )
    page.get_by_label("Adopt: make it the way we work").check()
    page.get_by_role("button", name="Save the cycle").click()
    assert_accessible(page)

    # The adopted change offers the measure a new centre line from the first value after it.
    page.get_by_role(
        "button", name="New centre line for First appointments attended (%) from 31 January 2022"
    ).click()
    assert_accessible(page)
    text = page.inner_text("main")
    assert "a new centre line starts on 31 January 2022" in text
    assert "mean 51%, process limits 45.68% to 56.32%" in text
    assert "mean 71%, process limits 65.68% to 76.32%" in text
    assert "consistently be met" in text  # the new lower limit is above the target of 60%
    assert "New centre" in text and "PDSA 1 adopted: Every letter for a month" in text

    # The chart and its table fit a phone.
    page.set_viewport_size({"width": 320, "height": 640})
    visit(page, f"/p/{partnership.slug}/improvement/measures/{measure.pk}/")
    assert not reflow_problems(page), reflow_problems(page)
    visit(page, f"/p/{partnership.slug}/improvement/")
    assert "First appointments attended (%)" in page.inner_text("main")
    assert not reflow_problems(page), reflow_problems(page)
