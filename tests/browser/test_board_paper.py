"""The board paper, ready to table as it comes out (issue 15's "done when"): the demo's report
for 1 December 2021 to 30 June 2022 drafted and then completed in the browser (the cover and
close, the risk statement and the direction, the consultees), downloaded as Word and PDF and
read back as the clerk and the board would: A4, page X of Y, the cover and close, counts that
add up, no pence on whole pounds, every PDF figure with its alternative text; and LibreOffice
lays the Word file out on as many pages as the app's PDF, give or take one."""

import io
import re
import subprocess

import docx
import pytest
from django.test import override_settings
from docx.shared import Cm

from conftest import SOFFICE
from tests.browser.conftest import PASSWORD, assert_accessible, sign_in, visit
from tiptracker.demo.loader import demo_load
from tiptracker.partnerships.models import Membership, Partnership, Role
from tiptracker.reporting.models import Report
from tiptracker.reporting.tests.reading import pdf_figures, pdf_reader, pdf_text, word_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4_POINTS = (595, 842)  # 210 x 297 mm


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def completed_in_the_browser(page, slug: str) -> Report:
    visit(page, f"/p/{slug}/reports/")
    fill_date(page, "From", "1", "12", "2021")
    fill_date(page, "To", "30", "6", "2022")
    page.get_by_role("button", name="Draft the report").click()
    page.wait_for_load_state()
    assert_accessible(page)
    report = Report.objects.get(pk=int(re.search(r"/reports/(\d+)/", page.url).group(1)))
    assert (report.period_start.isoformat(), report.period_end.isoformat()) == (
        "2021-12-01",
        "2022-06-30",
    )

    page.get_by_role("link", name="Change the cover and close").click()
    page.wait_for_load_state()
    assert_accessible(page)
    fill_date(page, "Date of the meeting", "24", "8", "2022")
    page.get_by_label("Report by").fill("Chief Officer")
    page.get_by_label("Report number").fill("DIJB42-2022")
    page.get_by_label("Author's name").fill("Diane McCulloch")
    page.get_by_label("Author's designation").fill("Lead Officer, Protecting People")
    fill_date(page, "Date of the report", "1", "8", "2022")
    page.get_by_role("button", name="Save the cover and close").click()
    page.wait_for_load_state()
    assert "Saved the cover and close." in page.content()

    page.get_by_role("link", name="Change the impact assessment, risks, direction").click()
    page.wait_for_load_state()
    assert_accessible(page)
    # The risk statement stands (no risks added); no direction is required.
    assert "has not been subject to a risk assessment" in page.inner_text("body")
    page.get_by_label("No Direction Required").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert "Saved the impact assessment, direction and papers." in page.content()

    for who, day in (("members of the Trauma Steering Group", "20"), ("the Clerk", "27")):
        page.get_by_label("Who was consulted").fill(who)
        fill_date(page, "When they were consulted", day, "7", "2022")
        page.get_by_role("button", name="Record the consultation").click()
        page.wait_for_load_state()
        assert f"Recorded that {who} was consulted." in page.content()
    assert_accessible(page)
    report.refresh_from_db()
    return report


def test_the_demos_report_completed_in_the_browser_can_be_tabled_as_downloaded(page, tmp_path):
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        demo_load(out=io.StringIO())
    dundee = Partnership.objects.get(slug="dundee")
    officer = Membership.objects.filter(partnership=dundee, role=Role.LD_OFFICER).first()
    officer.user.set_password(PASSWORD)
    officer.user.save()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, officer)
    report = completed_in_the_browser(page, dundee.slug)
    base = f"/p/{dundee.slug}/reports/{report.pk}"
    word = page.request.get(f"{base}/report.docx").body()
    pdf = page.request.get(f"{base}/report.pdf").body()

    # Word: A4 with 2.54 cm margins, page X of Y in the footer, the cover and close.
    document = docx.Document(io.BytesIO(word))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert abs(section.left_margin - Cm(2.54)) < Cm(0.01)
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    lines = word_lines(word)
    assert "Report to: Integration Joint Board – 24 August 2022" in lines
    assert "Report by: Chief Officer" in lines and "Report number: DIJB42-2022" in lines
    assert lines[-3:] == [
        "Diane McCulloch",
        "Lead Officer, Protecting People",
        "Date: 1 August 2022",
    ]
    assert document.core_properties.author == "Diane McCulloch"
    text = "\n".join(lines)
    # Counts that add up: the plan's actions, every status named.
    held = re.search(r"it held (\d+) actions: ([^;]+(?:; [^;]+)*?); none was overdue", text)
    assert held is not None, text[:2000]
    parts = [
        int(n)
        for n in re.findall(
            r"(\d+) (?:complete|on track|at risk|off track|not started|cancelled)", held.group(2)
        )
    ]
    assert sum(parts) == int(held.group(1)) == 12
    assert "£50,000" in text and not re.search(r"£[\d,]+\.00\b", text)  # no pence on pounds
    assert "Members of the Trauma Steering Group and the Clerk have been consulted" in text
    assert "No Direction Required" in text

    # PDF: A4, "Page X of Y" on every page, the cover, every figure with its text alternative.
    reader = pdf_reader(pdf)
    pages = len(reader.pages)
    assert all(
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == A4_POINTS
        for p in reader.pages
    )
    printed = pdf_text(pdf)
    assert all(f"Page {n} of {pages}" in printed for n in range(1, pages + 1))
    assert "Integration Joint Board – 24 August 2022" in printed and "DIJB42-2022" in printed
    assert "Diane McCulloch" in printed and not re.search(r"£[\d,]+\.00\b", printed)
    figures = pdf_figures(pdf)
    assert len(figures) >= 2 and all(alt and alt.strip() for alt in figures)
    assert reader.metadata.title.endswith("(DIJB42-2022)")

    # LibreOffice lays the Word file out on as many pages as the app's PDF, give or take one.
    (tmp_path / "paper.docx").write_bytes(word)
    subprocess.run(  # noqa: S603 (our own file, a fixed program)
        [
            str(SOFFICE),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "paper.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    by_libreoffice = len(pdf_reader((tmp_path / "paper.pdf").read_bytes()).pages)
    assert abs(by_libreoffice - pages) <= 1, (by_libreoffice, pages)
    print(f"pages: app PDF {pages}, LibreOffice {by_libreoffice}")
