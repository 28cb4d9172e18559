"""Who was consulted in preparing a board report, recorded as data: added and removed while
the report is drafted or reviewed (each with its place in the history, and moving the
report's version on so an open edit sees it), refused once it is approved, and named by
paragraph 7.1 the way the reference report names them. Hand-edited words for 7.1 win; the
consultees then follow as its bullets."""

import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tiptracker.lib.dates import today
from tiptracker.partnerships.models import Role
from tiptracker.reporting import consultations, lifecycle, paper, sections
from tiptracker.reporting.draft import consultations_sentence
from tiptracker.reporting.models import Consultation, Report, ReportEvent

START, END = dt.date(2021, 12, 1), dt.date(2022, 6, 30)
ON = dt.date(2022, 7, 4)
REFERENCE_GROUPS = [
    "members of the Chief Officers (Public Protection) Strategic Group",
    "members of the Trauma Steering Group",
    "the Chief Finance Officer",
    "Heads of Service, Health and Community Care",
    "the Clerk",
]


@pytest.fixture
def report(ld):
    return lifecycle.report_create(actor=ld, start=START, end=END)


def consulted(report: Report) -> str:
    return paper.report_section(report, "7").paragraphs[0].text


def add(actor, report, consultee, on=ON):
    return consultations.consultation_add(
        actor=actor, report=report, consultee=consultee, consulted_on=on
    )


def url(report: Report, name: str, *args) -> str:
    return reverse(name, args=[report.partnership.slug, report.pk, *args])


def posted(consultee: str, on: dt.date | None = ON) -> dict:
    parts = [on.day, on.month, on.year] if on else ["", "", ""]
    return {"consultee": consultee, **{f"consulted_on_{n}": v for n, v in enumerate(parts)}}


# Services ------------------------------------------------------------------------------------


def test_paragraph_7_1_names_the_consultees_as_the_reference_report_does(ld, report):
    for group in REFERENCE_GROUPS:
        add(ld, report, group)
    assert consulted(report) == (
        "Members of the Chief Officers (Public Protection) Strategic Group, members of the "
        "Trauma Steering Group, the Chief Finance Officer, Heads of Service, Health and "
        "Community Care and the Clerk have been consulted in the preparation of this report."
    )


def test_they_are_named_in_the_order_recorded_not_the_order_consulted(ld, report):
    add(ld, report, "the Clerk", on=dt.date(2022, 7, 1))
    add(ld, report, "the Chief Finance Officer", on=dt.date(2022, 6, 1))
    assert consulted(report).startswith("The Clerk and the Chief Finance Officer have been")


def test_one_consultee_is_named_in_words_that_fit_a_person_or_a_group(ld, report):
    add(ld, report, "the Clerk")
    assert consulted(report) == "This report was prepared in consultation with the Clerk."


def test_with_none_recorded_paragraph_7_1_says_so(report):
    assert consulted(report).startswith("No consultations have been recorded for this report yet")


def test_adding_records_it_in_the_history_and_moves_the_version_on(ld, report):
    made = add(ld, report, "the Clerk")
    report.refresh_from_db()
    assert report.version == 2
    assert made.recorded_by == ld and made.consultee == "the Clerk"
    event = report.events.first()
    assert event.action == ReportEvent.Action.CONSULTED and event.by == ld
    assert event.changes == ["the Clerk (consulted 4 July 2022)"]


def test_removing_records_it_and_paragraph_7_1_no_longer_names_them(ld, report):
    clerk = add(ld, report, "the Clerk")
    add(ld, report, "the Chief Finance Officer")
    consultations.consultation_remove(actor=ld, report=report, consultation=clerk)
    report.refresh_from_db()
    assert report.version == 4
    assert list(report.consultations.values_list("consultee", flat=True)) == [
        "the Chief Finance Officer"
    ]
    assert "Clerk" not in consulted(report)
    event = report.events.first()
    assert event.action == ReportEvent.Action.UNCONSULTED
    assert event.changes == ["the Clerk (consulted 4 July 2022)"]

    # A second removal of the same one (two people pressing at once) records nothing more.
    consultations.consultation_remove(actor=ld, report=report, consultation=clerk)
    report.refresh_from_db()
    assert report.version == 4
    assert report.events.filter(action=ReportEvent.Action.UNCONSULTED).count() == 1


@pytest.mark.parametrize(
    ("consultee", "on", "field", "says"),
    [
        ("  ", ON, "consultee", "Enter who was consulted"),
        ("x" * 301, ON, "consultee", "300 characters or fewer"),
        ("the Clerk", None, "consulted_on", "Enter the date they were consulted"),
        ("the Clerk", "tomorrow", "consulted_on", "cannot be in the future"),
        (
            "the Clerk",
            START - dt.timedelta(days=1),
            "consulted_on",
            "cannot be before the period the report covers starts (1 December 2021)",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    ld, report, consultee, on, field, says
):
    if on == "tomorrow":
        on = today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        add(ld, report, consultee, on=on)
    assert says in refused.value.message_dict[field][0]
    report.refresh_from_db()
    assert report.version == 1 and not Consultation.objects.exists()
    assert not report.events.filter(action=ReportEvent.Action.CONSULTED).exists()


def test_a_consultation_may_predate_the_draft_but_not_the_period(ld, report):
    add(ld, report, "the Clerk", on=START)
    assert report.consultations.get().consulted_on == START


def test_consultations_change_in_review_but_not_once_approved(ld, admin, report):
    lifecycle.report_transition(actor=ld, report=report, transition="submit")
    clerk = add(ld, report, "the Clerk")  # consultation happens during review
    lifecycle.report_transition(actor=admin, report=report, transition="approve")
    with pytest.raises(ValidationError, match="approved, so it is locked"):
        add(admin, report, "the Chief Finance Officer")
    with pytest.raises(ValidationError, match="approved, so it is locked"):
        consultations.consultation_remove(actor=admin, report=report, consultation=clerk)
    assert list(report.consultations.all()) == [clerk]


def test_another_reports_consultation_cannot_be_removed_through_this_one(ld, report):
    other = lifecycle.report_create(actor=ld, start=START, end=END)
    theirs = add(ld, other, "the Clerk")
    with pytest.raises(ValidationError, match="not recorded on this report"):
        consultations.consultation_remove(actor=ld, report=report, consultation=theirs)
    assert Consultation.objects.filter(pk=theirs.pk).exists()


def test_an_edit_open_before_a_consultation_is_recorded_is_shown_the_change(ld, admin, report):
    read = report.version
    add(admin, report, "the Clerk")
    with pytest.raises(sections.EditConflict):
        sections.report_section_edit(
            actor=ld, report=report, number="7", texts={"7.1": "My words."}, version=read
        )
    assert report.edits == {}


def test_hand_edited_words_win_and_the_consultees_follow_as_bullets(ld, report):
    add(ld, report, "members of the Trauma Steering Group")
    report.refresh_from_db()
    sections.report_section_edit(
        actor=ld,
        report=report,
        number="7",
        texts={"7.1": "The following have been consulted in preparing this report:"},
        version=report.version,
    )
    add(ld, report, "the Clerk")
    report.refresh_from_db()
    paragraph = paper.report_section(report, "7").paragraphs[0]
    assert paragraph.text == "The following have been consulted in preparing this report:"
    assert paragraph.bullets == ["members of the Trauma Steering Group", "the Clerk"]


def test_saving_7_1_as_drafted_hands_it_back_to_the_consultations(ld, report):
    add(ld, report, "the Clerk")
    report.refresh_from_db()
    sections.report_section_edit(
        actor=ld, report=report, number="7", texts={"7.1": "Hand words."}, version=report.version
    )
    report.refresh_from_db()
    drafted = consultations_sentence(["the Clerk"])
    sections.report_section_edit(
        actor=ld, report=report, number="7", texts={"7.1": drafted}, version=report.version
    )
    report.refresh_from_db()
    assert report.edits == {}
    add(ld, report, "the Chief Finance Officer")
    report.refresh_from_db()
    paragraph = paper.report_section(report, "7").paragraphs[0]
    assert paragraph.text.startswith("The Clerk and the Chief Finance Officer have been")
    assert paragraph.bullets == []


def test_the_consultees_are_written_into_word(ld, login, report):
    add(ld, report, "the Chief Finance Officer")
    add(ld, report, "the Clerk")
    word = docx.Document(io.BytesIO(login(ld).get(url(report, "report_docx")).content))
    assert any(
        "The Chief Finance Officer and the Clerk have been consulted" in p.text
        for p in word.paragraphs
    )


# The report page -------------------------------------------------------------------------------


def test_an_editor_records_a_consultation_from_the_report_page(ld, login, report):
    client = login(ld)
    response = client.post(url(report, "report_consultations"), posted("the Clerk"))
    assert response.status_code == 302
    assert response["Location"] == url(report, "report") + "#consultations"
    page = client.get(url(report, "report")).content.decode()
    assert "Recorded that the Clerk was consulted." in page
    assert "4 July 2022" in page
    assert "This report was prepared in consultation with the Clerk." in page
    assert "Recorded a consultation" in page  # the history


def test_bad_input_on_the_page_is_shown_against_its_fields_and_nothing_is_saved(ld, login, report):
    future = today() + dt.timedelta(days=3)
    response = login(ld).post(url(report, "report_consultations"), posted("", on=future))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page and "There is a problem" in page
    assert 'href="#id_consultee"' in page and "Enter who was consulted" in page
    assert "govuk-input--error" in page
    response = login(ld).post(url(report, "report_consultations"), posted("the Clerk", on=future))
    page = response.content.decode()
    assert 'href="#id_consulted_on_0"' in page and "cannot be in the future" in page
    assert 'value="the Clerk"' in page  # what was typed is kept
    assert not Consultation.objects.exists()
    report.refresh_from_db()
    assert report.version == 1


def test_an_editor_removes_a_consultation_and_a_second_press_is_told_so(ld, login, report):
    clerk = add(ld, report, "the Clerk")
    client = login(ld)
    page = client.get(url(report, "report")).content.decode()
    assert 'Remove<span class="govuk-visually-hidden"> the consultation with the Clerk' in page
    remove = url(report, "report_consultation_remove", clerk.pk)
    response = client.post(remove, follow=True)
    assert "Removed the consultation with the Clerk." in response.content.decode()
    assert not Consultation.objects.exists()
    again = client.post(remove, follow=True).content.decode()
    assert "it may have been removed already" in again
    assert report.events.filter(action=ReportEvent.Action.UNCONSULTED).count() == 1


def test_the_page_says_when_7_1_was_edited_by_hand(ld, login, report):
    add(ld, report, "the Clerk")
    report.refresh_from_db()
    sections.report_section_edit(
        actor=ld, report=report, number="7", texts={"7.1": "Hand words."}, version=report.version
    )
    page = login(ld).get(url(report, "report")).content.decode()
    assert "Paragraph 7.1 has been edited by hand" in page
    assert "“This report was prepared in consultation with the Clerk.”" in page


def test_the_board_sees_consultations_but_cannot_change_them(persona, login, ld, report):
    clerk = add(ld, report, "the Clerk")
    board = persona(Role.BOARD)
    client = login(board)
    page = client.get(url(report, "report")).content.decode()
    assert "the Clerk" in page and "Record a consultation" not in page
    assert "Remove<span" not in page
    assert client.post(url(report, "report_consultations"), posted("x")).status_code == 403
    remove = url(report, "report_consultation_remove", clerk.pk)
    assert client.post(remove).status_code == 403
    assert Consultation.objects.count() == 1


def test_an_approved_report_offers_no_consultation_changes_and_refuses_them(
    ld, admin, login, report
):
    clerk = add(ld, report, "the Clerk")
    lifecycle.report_transition(actor=ld, report=report, transition="submit")
    lifecycle.report_transition(actor=admin, report=report, transition="approve")
    client = login(admin)
    page = client.get(url(report, "report")).content.decode()
    assert "its consultations are locked" in page and "Record a consultation" not in page
    refused = client.post(url(report, "report_consultations"), posted("the Chief Finance Officer"))
    assert "approved, so it is locked" in refused.content.decode()
    removed = client.post(url(report, "report_consultation_remove", clerk.pk), follow=True)
    assert "approved, so it is locked" in removed.content.decode()
    assert list(Consultation.objects.all()) == [clerk]


def test_another_partnership_cannot_see_or_change_the_consultations(ld, login, outsider, report):
    clerk = add(ld, report, "the Clerk")
    client = login(outsider)
    assert client.post(url(report, "report_consultations"), posted("x")).status_code == 404
    remove = url(report, "report_consultation_remove", clerk.pk)
    assert client.post(remove).status_code == 404
    assert Consultation.objects.count() == 1


def test_the_edit_page_for_section_7_says_how_7_1_follows_the_consultations(ld, login, report):
    page = login(ld).get(url(report, "report_section_edit", "7")).content.decode()
    assert "Paragraph 7.1 is drafted from the consultations recorded" in page
    other = login(ld).get(url(report, "report_section_edit", "1")).content.decode()
    assert "drafted from the consultations" not in other
