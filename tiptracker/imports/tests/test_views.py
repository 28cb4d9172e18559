"""The web import: upload, check, preview with the problems, confirm or discard, the
worker for large files with its progress, and the log."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tiptracker.imports import importing, runs
from tiptracker.imports.kinds.staff import StaffKind
from tiptracker.imports.models import ImportRun
from tiptracker.imports.tests.helpers import csv_bytes, last_run, snapshot, text_of, upload
from tiptracker.partnerships.models import Role
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.models import StaffMember
from tiptracker.workforce.tests.factories import StaffMemberFactory

STAFF = csv_bytes(
    "staff_id,organisation,team,first_name,last_name,start_date",
    "S1,NHS Tayside,Ward 1,Ann,Hall,2021-01-04",
    "S2,NHS Tayside,Ward 1,Bob,Reid,31/02/2022",
    "S3,Dundee City Council,Housing Options,Cat,Ray,",
)
GOOD_STAFF = csv_bytes(
    "staff_id,organisation,team,first_name",
    "S1,NHS Tayside,Ward 1,Ann",
    "S2,NHS Tayside,Ward 2,Bob",
)


def imports_url(p):
    return f"/p/{p.slug}/imports/"


def run_url(run, suffix=""):
    return f"/p/{run.partnership.slug}/imports/{run.pk}/{suffix}"


@pytest.fixture
def officer(persona):
    return persona(Role.LD_OFFICER)


@pytest.fixture
def browser(login, officer):
    return login(officer)


# The upload form --------------------------------------------------------------------------


def test_the_page_offers_the_four_kinds_with_their_columns(browser, partnership):
    page = text_of(browser.get(imports_url(partnership)))
    labels = re.findall(
        r'<label class="govuk-label govuk-radios__label" for="id_kind_\d">\s*([^<]+?)\s*</label>',
        page,
    )
    assert labels == ["Staff", "Training needs", "Courses", "Completions"]
    assert "staff_id, organisation and team are required" in page
    assert "organisation, team and required_level" in page
    assert "course_code, title and level are required" in page
    assert "staff_id, course_code and completed_on" in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="skip_invalid"' in page and "Skip invalid rows" in page
    assert "At most 50 MB" in page


def test_a_form_sent_without_a_kind_or_file_says_what_is_missing(browser, partnership):
    page = text_of(browser.post(imports_url(partnership), {}))
    assert "There is a problem" in page
    assert '<a href="#id_kind_1">Choose what the file holds</a>' in page
    assert '<a href="#id_file">Choose a file to import</a>' in page
    assert not ImportRun.objects.exists()


def test_a_refused_file_is_explained_next_to_the_field_and_in_the_summary(browser, partnership):
    page = text_of(
        upload(browser, partnership, "staff", "staff.csv", csv_bytes("staff_id,team", "S1,Ward 1"))
    )
    assert '<a href="#id_file">Missing required column: organisation.</a>' in page
    assert re.search(
        r'govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span> Missing required column: organisation\.',
        page,
    )
    assert "<title>Error: Imports" in page


def test_django_upload_limits_do_not_stop_a_file_within_the_import_limit(
    browser, partnership, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    content = csv_bytes(
        "staff_id,organisation,team", *[f"S{n},NHS Tayside,Ward {n % 7}" for n in range(300)]
    )
    assert len(content) > 5000
    response = upload(browser, partnership, "staff", "staff.csv", content)
    assert response.status_code == 302
    assert last_run().status == ImportRun.Status.PREVIEW and last_run().rows_total == 300


def test_a_file_over_the_limit_is_refused_before_it_is_read(browser, partnership, settings):
    settings.IMPORT_MAX_BYTES = 1000
    before = snapshot()
    page = text_of(
        upload(
            browser,
            partnership,
            "staff",
            "big.csv",
            b"staff_id,organisation,team\n" + b"S1,A,B\n" * 500,
        )
    )
    assert "The file is 3.4 KB, larger than the limit of 1000 bytes." in page
    assert snapshot() == before and not ImportRun.objects.exists()


# Preview, confirm, discard ----------------------------------------------------------------


def test_the_preview_shows_each_problem_by_row_and_column_before_anything_is_imported(
    browser, partnership
):
    response = upload(browser, partnership, "staff", "ward.csv", STAFF, skip_invalid=True)
    run = last_run()
    assert response.status_code == 302 and response["Location"] == run_url(run)
    assert run.status == ImportRun.Status.PREVIEW
    assert not StaffMember.objects.exists()  # nothing yet

    page = text_of(browser.get(run_url(run)))
    assert "Checked: waiting for confirmation" in page
    problem_row = re.search(
        r"<tr[^>]*>\s*<td[^>]*>3</td>\s*<td[^>]*>start_date</td>\s*<td[^>]*>'31/02/2022' is not a real date</td>",
        page,
    )
    assert problem_row, "the problem is shown with its row and column"
    assert "The first valid rows" in page and "Ann" in page and "Cat" in page
    assert "The 2 valid rows will be imported and the 1 invalid row left out." in page
    assert "Confirm and import" in page and "Discard" in page


def test_confirming_the_preview_imports_the_valid_rows(browser, partnership):
    upload(browser, partnership, "staff", "ward.csv", STAFF, skip_invalid=True)
    run = last_run()
    response = browser.post(run_url(run, "confirm/"))
    assert response.status_code == 302 and response["Location"] == run_url(run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert (run.created, run.updated, run.unchanged, run.rows_invalid) == (2, 0, 0, 1)
    assert run.data is None  # the kept file is erased once imported
    assert set(StaffMember.objects.values_list("staff_id", flat=True)) == {"S1", "S3"}
    page = text_of(browser.get(run_url(run)))
    assert "What was imported" in page and "Imported" in page
    assert re.search(r"Created</th><td[^>]*>2</td>", page)
    assert re.search(r"Unchanged</th><td[^>]*>0</td>", page)


def test_confirming_twice_imports_once(browser, partnership):
    upload(browser, partnership, "staff", "staff.csv", GOOD_STAFF)
    run = last_run()
    browser.post(run_url(run, "confirm/"))
    before = snapshot()
    page = text_of(browser.post(run_url(run, "confirm/"), follow=True))
    assert "This import is not waiting for confirmation." in page
    assert snapshot() == before


def test_a_file_with_an_invalid_row_and_no_skipping_imports_nothing(browser, partnership):
    before = snapshot()
    upload(browser, partnership, "staff", "ward.csv", STAFF)
    run = last_run()
    assert run.status == ImportRun.Status.INVALID and run.data is None
    page = text_of(browser.get(run_url(run)))
    assert "Nothing was imported" in page
    assert "start_date" in page and "'31/02/2022' is not a real date" in page
    assert "Confirm and import" not in page
    assert browser.post(run_url(run, "confirm/")).status_code == 302
    assert snapshot() == before


def test_discarding_the_preview_writes_nothing(browser, partnership):
    before = snapshot()
    upload(browser, partnership, "staff", "staff.csv", GOOD_STAFF)
    run = last_run()
    page = text_of(browser.post(run_url(run, "discard/"), follow=True))
    assert "Discarded staff.csv: nothing was imported." in page
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DISCARDED and run.data is None
    assert snapshot() == before
    # and a discarded file cannot be confirmed afterwards
    browser.post(run_url(run, "confirm/"))
    assert snapshot() == before


def test_confirm_and_discard_accept_only_post(browser, partnership):
    upload(browser, partnership, "staff", "staff.csv", GOOD_STAFF)
    run = last_run()
    assert browser.get(run_url(run, "confirm/")).status_code == 405
    assert browser.get(run_url(run, "discard/")).status_code == 405
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW


def test_a_web_import_is_logged_with_who_when_file_and_counts(browser, officer, partnership):
    upload(browser, partnership, "staff", "team-list.csv", STAFF, skip_invalid=True)
    run = last_run()
    browser.post(run_url(run, "confirm/"))
    run.refresh_from_db()
    assert (run.source, run.user, run.filename, run.kind) == (
        "web",
        officer.user,
        "team-list.csv",
        "staff",
    )
    assert run.finished_at >= run.created_at
    assert (run.rows_total, run.rows_valid, run.rows_invalid, run.created) == (3, 2, 1, 2)


def test_unknown_columns_are_shown_as_one_warning(browser, partnership):
    upload(
        browser,
        partnership,
        "staff",
        "staff.csv",
        csv_bytes("staff_id,organisation,team,Payroll no", "S1,A,B,9"),
    )
    page = text_of(browser.get(run_url(last_run())))
    assert page.count("Ignored unknown column: Payroll no.") == 1


def test_a_completions_file_for_unknown_people_is_explained_in_the_preview(
    browser, partnership, team
):
    StaffMemberFactory(team=team, staff_id="S1")
    CourseFactory(partnership=partnership, code="C1")
    upload(
        browser,
        partnership,
        "completions",
        "c.csv",
        csv_bytes("staff_id,course_code,completed_on", "S1,C1,2022-01-05", "S9,C1,2022-01-05"),
    )
    page = text_of(browser.get(run_url(last_run())))
    assert "no staff member with staff_id 'S9'" in page and "Nothing was imported" in page


# Large files: the worker and the progress display -----------------------------------------


def test_a_large_file_is_queued_for_the_worker_and_its_progress_is_shown(
    browser, partnership, settings, monkeypatch
):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    content = csv_bytes(
        "staff_id,organisation,team", *[f"S{n},NHS Tayside,Ward 1" for n in range(5)]
    )
    upload(browser, partnership, "staff", "big.csv", content)
    run = last_run()
    assert run.status == ImportRun.Status.QUEUED

    page = text_of(browser.get(run_url(run)))
    assert "data-import-progress=" in page and 'aria-live="polite"' in page and "<progress" in page
    assert "Refresh to see progress" in page
    assert '<script type="module" src="/static/tiptracker/import-progress.js"></script>' in page
    assert browser.get(run_url(run, "progress.json")).json() == {
        "status": "queued",
        "status_label": "Waiting to be checked",
        "rows_done": 0,
        "rows_total": None,
        "finished": False,
        "text": "Waiting to be checked.",
    }

    assert runs.imports_process_queued() == 1  # the worker checks it
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW
    progress = browser.get(run_url(run, "progress.json")).json()
    assert progress["finished"] is True and progress["rows_done"] == 5

    browser.post(run_url(run, "confirm/"))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CONFIRMED  # too large to import inside the request
    assert not StaffMember.objects.exists()
    assert browser.get(run_url(run, "progress.json")).json()["rows_total"] == 5

    # While the worker imports, the page's poll sees how far it has got.
    seen = []
    real_write = StaffKind.write

    def write_and_look(self, records):
        seen.append(browser.get(run_url(run, "progress.json")).json())
        return real_write(self, records)

    monkeypatch.setattr(StaffKind, "write", write_and_look)
    assert runs.imports_process_queued() == 1
    assert [(p["status"], p["rows_done"], p["rows_total"]) for p in seen] == [
        ("importing", 0, 5),
        ("importing", 2, 5),
        ("importing", 4, 5),
    ]
    assert seen[1]["text"] == "Importing: 2 of 5 rows."
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.created == 5
    assert StaffMember.objects.count() == 5
    final = browser.get(run_url(run, "progress.json")).json()
    assert final["finished"] is True and final["rows_done"] == 5
    page = text_of(browser.get(run_url(run)))
    assert "import-progress.js" not in page and "Refresh to see progress" not in page


def test_a_queued_file_the_worker_cannot_read_fails_with_the_reason(browser, partnership, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    upload(browser, partnership, "staff", "big.csv", csv_bytes("staff_id,team", "S1,Ward 1"))
    runs.imports_process_queued()
    run = last_run()
    assert run.status == ImportRun.Status.FAILED
    page = text_of(browser.get(run_url(run)))
    assert "Missing required column: organisation. Nothing was imported." in page


def test_a_worker_import_that_fails_part_way_leaves_the_data_as_it_was(
    browser, partnership, settings, monkeypatch
):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    monkeypatch.setattr(importing, "BATCH_SIZE", 1)
    upload(browser, partnership, "staff", "big.csv", GOOD_STAFF)
    runs.imports_process_queued()
    run = last_run()
    browser.post(run_url(run, "confirm/"))
    calls = []
    real_write = StaffKind.write

    def fail_second(self, records):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_write(self, records)

    monkeypatch.setattr(StaffKind, "write", fail_second)
    before = snapshot()
    runs.imports_process_queued()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert snapshot() == before
    assert "stopped part-way because of an unexpected error. Nothing was imported." in text_of(
        browser.get(run_url(run))
    )


def test_a_queued_file_can_be_discarded_before_the_worker_reaches_it(
    browser, partnership, settings
):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    upload(browser, partnership, "staff", "big.csv", GOOD_STAFF)
    run = last_run()
    browser.post(run_url(run, "discard/"))
    assert runs.imports_process_queued() == 0
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DISCARDED and not StaffMember.objects.exists()


def test_the_page_has_no_inline_script_or_style(browser, partnership, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    upload(browser, partnership, "staff", "big.csv", GOOD_STAFF)
    for url in (imports_url(partnership), run_url(last_run())):
        page = browser.get(url).content.decode()
        assert "style=" not in page and "<style" not in page
        assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []


# The log ----------------------------------------------------------------------------------


def test_the_log_links_each_run_and_shows_who_when_file_kind_counts_and_status(
    browser, partnership, officer, capsys, tmp_path
):
    upload(browser, partnership, "staff", "from-web.csv", STAFF, skip_invalid=True)
    web = last_run()
    browser.post(run_url(web, "confirm/"))
    ImportRun.objects.create(
        partnership=partnership,
        kind="courses",
        filename="from-cli.csv",
        source="cli",
        status=ImportRun.Status.DONE,
        rows_total=4,
        created=4,
    )
    page = text_of(browser.get(imports_url(partnership)))
    assert f'<a class="govuk-link" href="{run_url(web)}">from-web.csv</a>' in page
    assert officer.user.email in page and "Command line" in page
    assert "from-cli.csv" in page and "Courses" in page and "Imported" in page
    web_row = re.search(
        r"<tr class=\"govuk-table__row\">(?:(?!</tr>).)*from-web\.csv(?:(?!</tr>).)*</tr>",
        page,
        re.S,
    ).group(0)
    cells = re.findall(r"--numeric\"[^>]*>(\d+)</td>", web_row)
    assert cells == ["3", "1", "2", "0", "0"]  # rows, invalid, new, updated, unchanged


def test_the_log_shows_only_this_partnerships_imports(browser, partnership, other_partnership):
    ImportRun.objects.create(
        partnership=other_partnership, kind="staff", filename="theirs.csv", source="cli"
    )
    ImportRun.objects.create(
        partnership=partnership, kind="staff", filename="ours.csv", source="cli"
    )
    page = text_of(browser.get(imports_url(partnership)))
    assert "ours.csv" in page and "theirs.csv" not in page


def test_the_log_costs_the_same_queries_at_2_runs_and_at_20(browser, partnership, persona):
    def make(n):
        for i in range(n):
            ImportRun.objects.create(
                partnership=partnership,
                kind="staff",
                filename=f"f{i}.csv",
                user=persona(Role.ADMIN).user,
                data=b"x" * 1000,
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(imports_url(partnership)).status_code == 200
        return len(queries)

    make(2)
    at_two = count()
    make(18)
    assert count() == at_two
    # session, user, the second factor's device, membership, count, the runs (the session
    # is not saved: its expiry moved forward less than a minute ago)
    assert at_two == 6


# Who may use it ---------------------------------------------------------------------------


def every_page(run):
    """(method, url) for every imports page."""
    return [
        ("get", imports_url(run.partnership)),
        ("post", imports_url(run.partnership)),
        ("get", run_url(run)),
        ("get", run_url(run, "progress.json")),
        ("post", run_url(run, "confirm/")),
        ("post", run_url(run, "discard/")),
        ("get", run_url(run, "confirm/")),
        ("get", run_url(run, "discard/")),
    ]


@pytest.fixture
def waiting_run(login, partnership, persona):
    upload(login(persona(Role.ADMIN)), partnership, "staff", "staff.csv", GOOD_STAFF)
    run = last_run()
    assert run.status == ImportRun.Status.PREVIEW
    return run


def test_an_outsider_gets_not_found_on_every_imports_page(login, outsider, waiting_run):
    browser = login(outsider)
    for method, url in every_page(waiting_run):
        assert getattr(browser, method)(url).status_code == 404, (method, url)
    waiting_run.refresh_from_db()
    assert waiting_run.status == ImportRun.Status.PREVIEW


def test_an_admin_of_another_partnership_cannot_reach_a_run_through_their_own(
    login, outsider, waiting_run
):
    browser = login(outsider)
    mine = f"/p/{outsider.partnership.slug}/imports/{waiting_run.pk}/"
    for suffix in ("", "progress.json"):
        assert browser.get(mine + suffix).status_code == 404
    for suffix in ("confirm/", "discard/"):
        assert browser.post(mine + suffix).status_code == 404
    waiting_run.refresh_from_db()
    assert waiting_run.status == ImportRun.Status.PREVIEW and not StaffMember.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.BOARD, Role.LE_COORDINATOR])
def test_a_member_whose_role_does_not_run_training_is_refused(login, persona, waiting_run, role):
    browser = login(persona(role))
    for method, url in every_page(waiting_run):
        assert getattr(browser, method)(url).status_code == 403, (method, url)
    waiting_run.refresh_from_db()
    assert waiting_run.status == ImportRun.Status.PREVIEW and not StaffMember.objects.exists()


def test_someone_not_logged_in_is_sent_to_the_login_page(partnership, waiting_run):
    from django.test import Client

    for method, url in every_page(waiting_run):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), (
            method,
            url,
        )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LD_OFFICER])
def test_an_administrator_or_learning_and_development_officer_may_import(
    login, persona, partnership, role
):
    browser = login(persona(role))
    upload(browser, partnership, "staff", "staff.csv", GOOD_STAFF)
    run = last_run()
    browser.post(run_url(run, "confirm/"))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and StaffMember.objects.count() == 2


def test_the_problems_download_as_a_csv_with_row_column_and_reason(partnership, persona, login):
    from tiptracker.imports.models import ImportRun

    run = ImportRun.objects.create(
        partnership=partnership,
        kind="completions",
        filename="c.csv",
        status=ImportRun.Status.INVALID,
        problems=[
            {"row": 3, "column": "completed_on", "message": "'31/02/2022' is not a real date"},
            {"row": 4, "column": "staff_id", "message": "=cmd"},
        ],
    )
    response = login(persona(Role.LD_OFFICER)).get(
        f"/p/{partnership.slug}/imports/{run.pk}/problems.csv"
    )
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == "row,column,problem"
    assert lines[1] == "3,completed_on,'31/02/2022' is not a real date"
    assert lines[2] == "4,staff_id,'=cmd"


def test_the_preview_says_which_organisations_and_teams_a_staff_file_will_create(
    partnership, persona, login
):
    from tiptracker.imports.tests.helpers import csv_bytes, upload
    from tiptracker.partnerships.models import Organisation

    content = csv_bytes(
        "staff_id,organisation,team",
        "S1,Tay New Charity,Outreach",
        "S2,Tay New Charity,Outreach",
        "S3,NHS Tayside,Ward 1",
    )
    client = login(persona(Role.LD_OFFICER))
    response = upload(client, partnership, "staff", "staff.csv", content)
    html = client.get(response["Location"]).content.decode()
    assert "New organisations, created by this import: NHS Tayside, Tay New Charity" in html
    assert "2 new teams, created by this import" in html
    assert not Organisation.objects.filter(partnership=partnership).exists()  # only a preview
