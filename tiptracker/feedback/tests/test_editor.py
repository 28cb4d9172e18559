"""Creating, editing, closing and reopening survey templates in the browser, as those who
run training do it: question rows without JavaScript, every problem shown against its own
row, and a version with responses never changed."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from tiptracker.feedback.models import Invitation, Question, Response, Survey, Timepoint
from tiptracker.feedback.services import (
    QuestionSpec,
    current_version,
    survey_close,
    survey_create,
    survey_reopen,
)
from tiptracker.feedback.starter import PRACTICE, surveys_starter_set
from tiptracker.feedback.tests.factories import SurveyFactory
from tiptracker.partnerships.models import Role
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory

K = Question.Kind


def _url(partnership, path=""):
    return f"/p/{partnership.slug}/feedback/surveys/{path}"


def _form(rows, **survey):
    """What the page posts: the survey's fields and the question rows, in order."""
    data = {
        "questions-TOTAL_FORMS": str(len(rows)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "50",
        **survey,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"questions-{index}-{name}"] = value
    return data


BLANK = {"kind": "", "text": "", "hint": "", "choices": "", "change_answer": ""}
NEW = {
    "name": "After the webinar",
    "purpose": "reaction",
    "introduction": "Help us improve the webinar. You can leave any question blank.",
    "anonymous": "anonymous",
}


def _respond(version, course):
    return Response.objects.create(
        partnership_id=version.survey.partnership_id,
        version=version,
        course=course,
        timepoint=Timepoint.REACTION,
        given_on=dt.date(2022, 5, 1),
        trained_in=dt.date(2022, 5, 1),
    )


def _summary_links(page: str) -> dict[str, str]:
    """The error summary's messages, by the id each links to."""
    summary = page.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return {anchor: text for anchor, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)}


# Creating -------------------------------------------------------------------------------------


def test_an_administrator_creates_a_survey_from_the_surveys_page(login, admin, partnership):
    client = login(admin)
    assert "Create a survey" in client.get(_url(partnership)).content.decode()
    page = client.get(_url(partnership, "new/")).content.decode()
    assert page.count('class="govuk-fieldset" id="question-') == 2  # two blank rows
    assert "Anonymous: nothing links an answer to the person who gave it" in page
    response = client.post(
        _url(partnership, "new/"),
        _form(
            [
                {**BLANK, "kind": "agreement", "text": "The webinar was relevant to my work."},
                {
                    **BLANK,
                    "kind": "single",
                    "text": "Will you change anything?",
                    "hint": "Choose one.",
                    "choices": "Yes\r\nNot yet\r\n\r\n",
                    "change_answer": "Yes",
                },
            ],
            **NEW,
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "Created the survey: After the webinar" in page
    assert "Will you change anything?" in page and "Version 1." in page
    survey = Survey.objects.get(name="After the webinar")
    version = current_version(survey)
    assert version.anonymous and version.introduction.startswith("Help us improve")
    assert [(q.kind, q.text, q.choices, q.change_answer) for q in version.questions.all()] == [
        ("agreement", "The webinar was relevant to my work.", [], ""),
        ("single", "Will you change anything?", ["Yes", "Not yet"], "Yes"),
    ]


def test_blank_rows_are_ignored_and_the_questions_keep_the_order_of_the_rows(
    login, admin, partnership
):
    login(admin).post(
        _url(partnership, "new/"),
        _form(
            [
                BLANK,
                {**BLANK, "kind": "rating", "text": "Second row, first question"},
                BLANK,
                {**BLANK, "kind": "agreement", "text": "Fourth row, second question"},
                BLANK,
            ],
            **NEW,
        ),
    )
    version = current_version(Survey.objects.get())
    assert [q.text for q in version.questions.all()] == [
        "Second row, first question",
        "Fourth row, second question",
    ]
    assert [q.position for q in version.questions.all()] == [1, 2]


def test_add_another_question_keeps_everything_typed_and_saves_nothing(login, admin, partnership):
    response = login(admin).post(
        _url(partnership, "new/"),
        _form(
            [
                {**BLANK, "kind": "multiple", "text": "What helped?", "choices": "Time\nSupport"},
                {**BLANK, "text": "Half-typed question"},
            ],
            name="Typed name",
            purpose="learning",
            introduction="Typed introduction",
            anonymous="attributable",
            add="yes",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Survey.objects.exists()
    assert page.count('class="govuk-fieldset" id="question-') == 4  # two more blank rows
    assert 'value="Typed name"' in page and "Typed introduction</textarea>" in page
    assert 'value="learning" checked' in page and 'value="attributable"' in page
    assert re.search(r'value="attributable"[^>]*checked', page)
    assert 'value="What helped?"' in page and "Time\nSupport</textarea>" in page
    assert 'value="multiple" selected' in page
    assert 'value="Half-typed question"' in page
    # Nothing was checked yet: no errors until the survey is saved.
    assert "There is a problem" not in page


def test_every_problem_is_shown_against_its_own_row_and_nothing_is_saved(login, admin, partnership):
    response = login(admin).post(
        _url(partnership, "new/"),
        _form(
            [
                {**BLANK, "kind": "agreement", "text": "Fine"},
                BLANK,  # ignored: the page's row numbers and the service's differ from here
                {**BLANK, "kind": "single", "text": "Pick one", "choices": "Only"},
                {**BLANK, "kind": "rating", "text": "Rate it", "choices": "A\nB"},
                {**BLANK, "kind": "text"},
                {**BLANK, "text": "No kind chosen"},
                {**BLANK, "kind": "text", "text": "Why?", "hint": "h" * 501},
            ],
            name="",
            purpose="",
            introduction="",
        ),
    )
    page = response.content.decode()
    assert "<title>Error: Create a survey" in page
    assert _summary_links(page) == {
        "id_name": "Enter the survey&#x27;s name",
        "id_purpose_0": "Choose what the survey measures",
        "id_introduction": "Enter the introduction respondents read first: what the survey is "
        "for and how their answers are used",
        "id_anonymous_0": "Choose whether the answers are anonymous or carry people&#x27;s names",
        "id_questions-2-choices": "Question 3: give at least two choices",
        "id_questions-3-choices": "Question 4: only one-choice and any-number questions have "
        "choices",
        "id_questions-4-text": "Question 5: enter the question",
        "id_questions-5-kind": "Question 6: choose what kind of answer it takes",
        "id_questions-6-hint": "Question 7: the hint must be 500 characters or fewer",
    }
    # Each message is also beside its field, and the field says so to a screen reader.
    assert 'id="id_questions-2-choices-error"' in page
    assert 'aria-describedby="id_questions-2-choices-hint id_questions-2-choices-error"' in page
    assert not Survey.objects.exists()


def test_a_survey_with_no_questions_says_so(login, admin, partnership):
    page = (
        login(admin).post(_url(partnership, "new/"), _form([BLANK, BLANK], **NEW)).content.decode()
    )
    assert _summary_links(page) == {"id_questions-0-kind": "A survey needs at least one question"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"kind": "multiple", "text": "Which?", "choices": "Yes\nNo", "change_answer": "Yes"},
            "Question 1: only a one-choice question has an answer that means a change in practice",
        ),
        (
            {"kind": "agreement", "text": "Agree?", "change_answer": "Agree"},
            "Question 1: only a one-choice question has an answer that means a change in practice",
        ),
        (
            {"kind": "single", "text": "Changed?", "choices": "Yes\nNo", "change_answer": "Maybe"},
            "Question 1: the answer that means a change in practice must be one of its choices",
        ),
    ],
)
def test_an_answer_that_means_a_change_is_only_for_one_choice_questions_and_one_of_its_choices(
    login, admin, partnership, row, message
):
    page = (
        login(admin)
        .post(_url(partnership, "new/"), _form([{**BLANK, **row}], **NEW))
        .content.decode()
    )
    assert _summary_links(page) == {"id_questions-0-change_answer": message}
    assert not Survey.objects.exists()


def test_the_answer_that_means_a_change_takes_its_choices_spelling(login, admin, partnership):
    login(admin).post(
        _url(partnership, "new/"),
        _form(
            [
                {
                    **BLANK,
                    "kind": "single",
                    "text": "Changed?",
                    "choices": "Yes\nNo",
                    "change_answer": " yes ",
                }
            ],
            **NEW,
        ),
    )
    assert current_version(Survey.objects.get()).questions.get().change_answer == "Yes"


def test_a_second_survey_with_the_same_name_is_refused(login, admin, partnership):
    SurveyFactory(partnership=partnership, name="After the webinar")
    page = (
        login(admin)
        .post(
            _url(partnership, "new/"), _form([{**BLANK, "kind": "agreement", "text": "Q"}], **NEW)
        )
        .content.decode()
    )
    assert _summary_links(page) == {"id_name": "There is already a survey with this name"}


# Editing --------------------------------------------------------------------------------------


def _starter_practice(admin):
    surveys = surveys_starter_set(actor=admin.user, partnership_id=admin.partnership_id)
    return next(s for s in surveys if s.name == PRACTICE)


def _rows_of(version, **changes):
    """The version's questions as the edit page posts them back, with `changes` by index."""
    rows = [
        {
            "kind": q.kind,
            "text": q.text,
            "hint": q.hint,
            "choices": "\n".join(q.choices),
            "change_answer": q.change_answer,
        }
        for q in version.questions.all()
    ]
    for index, change in changes.items():
        rows[int(index.removeprefix("row"))].update(change)
    return rows


def test_the_edit_page_is_filled_in_from_the_current_version(login, admin, partnership):
    survey = _starter_practice(admin)
    client = login(admin)
    assert "Edit this survey" in client.get(_url(partnership, f"{survey.pk}/")).content.decode()
    page = client.get(_url(partnership, f"{survey.pk}/edit/")).content.decode()
    assert page.count('class="govuk-fieldset" id="question-') == 5 + 2
    assert 'value="Since the training, have you changed anything about how you work?"' in page
    assert "Yes\nNot yet\nI am not sure</textarea>" in page
    assert re.search(r'name="questions-0-change_answer"[^>]*value="Yes"', page)
    assert re.search(r'value="anonymous"[^>]*checked', page)
    assert "Nobody has been sent version 1 yet, so saving changes it in place." in page
    assert ">Save changes</button>" in page


def test_editing_a_survey_nobody_has_answered_changes_its_version_in_place(
    login, admin, partnership
):
    survey = _starter_practice(admin)
    version = current_version(survey)
    rows = _rows_of(version, row3={"text": "What has made it easier or harder?"})
    response = login(admin).post(
        _url(partnership, f"{survey.pk}/edit/"),
        _form(rows, introduction=version.introduction, anonymous="anonymous"),
        follow=True,
    )
    assert "Nobody had been asked version 1, so it was changed in place." in (
        response.content.decode()
    )
    assert survey.versions.count() == 1
    assert current_version(survey).questions.get(position=4).text == (
        "What has made it easier or harder?"
    )


def test_editing_an_answered_survey_makes_version_2_and_its_answers_keep_version_1(
    login, admin, partnership
):
    survey = _starter_practice(admin)
    first = current_version(survey)
    answer = _respond(first, CourseFactory(partnership=partnership))
    client = login(admin)
    page = client.get(_url(partnership, f"{survey.pk}/edit/")).content.decode()
    # Said before saving, on the page and on the button.
    assert (
        "Version 1 has been sent to people, so it will not be changed. Saving makes version 2"
        in page
    )
    assert ">Save as version 2</button>" in page
    rows = _rows_of(first, row0={"remove": "on"})
    response = client.post(
        _url(partnership, f"{survey.pk}/edit/"),
        _form(
            rows, introduction="New words. You can leave any question blank.", anonymous="anonymous"
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "Saved as version 2. Version 1 has been sent to people, so it was kept as it was" in page
    assert "Version 2." in page
    answer.refresh_from_db()
    assert answer.version.number == 1
    assert [q.text for q in answer.version.questions.all()][0].startswith("Since the training")
    second = current_version(survey)
    assert second.number == 2 and second.questions.count() == 4
    assert second.introduction == "New words. You can leave any question blank."


def test_saving_an_answered_survey_unchanged_makes_no_new_version(login, admin, partnership):
    survey = _starter_practice(admin)
    first = current_version(survey)
    _respond(first, CourseFactory(partnership=partnership))
    response = login(admin).post(
        _url(partnership, f"{survey.pk}/edit/"),
        _form(
            _rows_of(first) + [BLANK, BLANK], introduction=first.introduction, anonymous="anonymous"
        ),
        follow=True,
    )
    assert "Nothing had changed, so nothing was saved." in response.content.decode()
    assert survey.versions.count() == 1


def test_a_problem_in_an_edit_is_shown_on_its_row_and_nothing_changes(login, admin, partnership):
    survey = _starter_practice(admin)
    version = current_version(survey)
    rows = _rows_of(version, row0={"change_answer": "Definitely"})
    page = (
        login(admin)
        .post(
            _url(partnership, f"{survey.pk}/edit/"),
            _form(rows, introduction=version.introduction, anonymous=""),
        )
        .content.decode()
    )
    assert _summary_links(page) == {
        "id_anonymous_0": "Choose whether the answers are anonymous or carry people&#x27;s names",
        "id_questions-0-change_answer": "Question 1: the answer that means a change in practice "
        "must be one of its choices",
    }
    assert current_version(survey).questions.get(position=1).change_answer == "Yes"


# Closing and reopening ------------------------------------------------------------------------


def _invitation(survey, status):
    staff = StaffMemberFactory(partnership=survey.partnership)
    return Invitation.objects.create(
        partnership=survey.partnership,
        staff=staff,
        course=CourseFactory(partnership=survey.partnership),
        timepoint=Timepoint.REACTION,
        survey=survey,
        completed_on=dt.date.today(),
        opens_on=dt.date.today(),
        expires_on=dt.date.today() + dt.timedelta(days=28),
        nonce=f"nonce-{status}",
        status=status,
    )


def test_closing_a_survey_stops_its_open_links_and_reopening_does_not_restart_them(
    login, admin, partnership
):
    survey = SurveyFactory(partnership=partnership, name="Follow-up")
    waiting, sent, answered = (_invitation(survey, s) for s in ("waiting", "sent", "answered"))
    elsewhere = _invitation(SurveyFactory(partnership=partnership), "sent")
    client = login(admin)
    confirm = client.get(_url(partnership, f"{survey.pk}/close/")).content.decode()
    assert "Close the survey “Follow-up”?" in confirm
    assert "stop working" in confirm and "no invitations and no reminders" in confirm
    page = client.post(_url(partnership, f"{survey.pk}/close/"), follow=True).content.decode()
    assert "Closed the survey: Follow-up." in page and "Closed on" in page
    assert "Reopen this survey" in page
    statuses = {i.pk: i.status for i in Invitation.objects.all()}
    assert statuses == {
        waiting.pk: "expired",
        sent.pk: "expired",
        answered.pk: "answered",
        elsewhere.pk: "sent",
    }
    listed = client.get(_url(partnership)).content.decode()
    assert re.search(r"Follow-up</a> <strong class=\"govuk-tag govuk-tag--grey\">Closed", listed)

    page = client.post(_url(partnership, f"{survey.pk}/reopen/"), follow=True).content.decode()
    assert "Reopened the survey: Follow-up." in page and "Close this survey" in page
    survey.refresh_from_db()
    assert survey.closed_at is None
    assert Invitation.objects.get(pk=sent.pk).status == "expired"


def test_closing_a_closed_survey_or_reopening_an_open_one_says_so(login, admin, partnership):
    survey = SurveyFactory(partnership=partnership)
    client = login(admin)
    page = client.post(_url(partnership, f"{survey.pk}/reopen/"), follow=True).content.decode()
    assert "This survey is open already" in page
    client.post(_url(partnership, f"{survey.pk}/close/"))
    closed_at = Survey.objects.get().closed_at
    assert "is closed" in client.get(_url(partnership, f"{survey.pk}/close/")).content.decode()
    page = client.post(_url(partnership, f"{survey.pk}/close/"), follow=True).content.decode()
    assert "This survey is already closed" in page
    assert Survey.objects.get().closed_at == closed_at


# Who may ------------------------------------------------------------------------------------


def test_an_ld_officer_may_edit_but_staff_and_outsiders_may_not(
    login, persona, member, outsider, partnership
):
    survey = SurveyFactory(partnership=partnership)
    officer = login(persona(Role.LD_OFFICER))
    assert officer.get(_url(partnership, f"{survey.pk}/edit/")).status_code == 200
    for path in ("new/", f"{survey.pk}/edit/", f"{survey.pk}/close/"):
        assert login(member).get(_url(partnership, path)).status_code == 403
    for path in (f"{survey.pk}/edit/", f"{survey.pk}/close/", f"{survey.pk}/reopen/"):
        assert login(outsider).post(_url(partnership, path)).status_code == 404
    assert Survey.objects.get().closed_at is None


# The services behind the pages ------------------------------------------------------------


def test_the_starter_practice_survey_counts_yes_as_a_change_in_practice(admin):
    survey = _starter_practice(admin)
    first = current_version(survey).questions.get(position=1)
    assert first.text.startswith("Since the training, have you changed anything")
    assert first.change_answer == "Yes"


def test_a_change_answer_on_another_kind_of_question_is_refused_by_the_service(admin):
    with pytest.raises(ValidationError) as raised:
        survey_create(
            actor=admin.user,
            partnership_id=admin.partnership_id,
            name="S",
            purpose="behaviour",
            introduction="Intro",
            anonymous=True,
            questions=[
                QuestionSpec(K.AGREEMENT, "Fine"),
                QuestionSpec(K.MULTIPLE, "Which?", choices=("A", "B"), change_answer="A"),
            ],
        )
    assert raised.value.message_dict == {
        "question_2": [
            "Question 2: only a one-choice question has an answer that means a change in practice"
        ]
    }


def test_close_and_reopen_are_named_transitions_that_check_the_state(admin):
    survey = SurveyFactory(partnership=admin.partnership)
    survey_close(actor=admin.user, survey=survey)
    with pytest.raises(ValidationError):
        survey_close(actor=admin.user, survey=survey)
    survey_reopen(actor=admin.user, survey=survey)
    with pytest.raises(ValidationError):
        survey_reopen(actor=admin.user, survey=survey)


def test_whether_an_anonymous_version_was_answered_never_shows(login, admin, partnership, team):
    """Version 2, with one person asked since it was made: "version 2 has responses" (or a
    count going from 0 to 1) would say that they answered. What shows is only that it was
    sent, the same whether they answered or not."""
    from tiptracker.feedback.tests.factories import answer, invited
    from tiptracker.workforce.tests.factories import StaffMemberFactory

    survey = _starter_practice(admin)
    course = CourseFactory(partnership=partnership)
    client = login(admin)
    pages = []
    for answers in (False, True):
        asked = invited(
            staff=StaffMemberFactory(team=team),
            course=course,
            timepoint=Timepoint.FOLLOW_UP,
            survey=survey,
        )
        asked.sent_on = asked.opens_on
        asked.save()
        if answers:
            answer(asked, {1: "Yes"})
        survey_page = client.get(_url(partnership, f"{survey.pk}/")).content.decode()
        edit_page = client.get(_url(partnership, f"{survey.pk}/edit/")).content.decode()
        listing = client.get(_url(partnership)).content.decode()
        assert "Sent; published with the results" in survey_page
        assert "Version 1 has been sent to people, so it will not be changed" in edit_page
        assert "Anonymous: in the results" in listing
        pages.append(
            [
                re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", p)
                for p in (survey_page, edit_page, listing)
            ]
        )
        asked.delete()
    # The pages are the same whether the one person asked answered or not.
    assert pages[0] == pages[1]
