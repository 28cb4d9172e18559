"""The survey pages, as those who run training use them."""

from tiptracker.feedback.models import CourseSurvey, Survey
from tiptracker.feedback.starter import CONFIDENCE, PRACTICE, REACTION
from tiptracker.feedback.tests.factories import SurveyFactory
from tiptracker.partnerships.models import Role
from tiptracker.training.tests.factories import CourseFactory


def _url(partnership, path=""):
    return f"/p/{partnership.slug}/feedback/surveys/{path}"


def test_an_administrator_adds_the_starter_surveys_and_reads_one(login, admin, partnership):
    client = login(admin)
    response = client.post(_url(partnership, "starter-set/"), follow=True)
    page = response.content.decode()
    assert REACTION in page and CONFIDENCE in page and PRACTICE in page
    survey = Survey.objects.get(name=PRACTICE)
    page = client.get(_url(partnership, f"{survey.pk}/")).content.decode()
    assert "Since the training, have you changed anything about how you work?" in page
    assert "Anonymous" in page and "You can leave any question blank." in page
    again = client.post(_url(partnership, "starter-set/"), follow=True).content.decode()
    assert "The starter surveys are already here." in again
    assert Survey.objects.count() == 3


def test_a_course_is_given_its_surveys_and_a_follow_up_in_weeks(login, persona, partnership):
    officer = persona(Role.LD_OFFICER)
    course = CourseFactory(partnership=partnership)
    reaction, follow_up = (
        SurveyFactory(partnership=partnership),
        SurveyFactory(partnership=partnership),
    )
    response = login(officer).post(
        _url(partnership, f"courses/{course.pk}/"),
        {"reaction": reaction.pk, "follow_up": follow_up.pk, "follow_up_weeks": "6"},
    )
    assert response.status_code == 302
    found = {c.timepoint: c for c in CourseSurvey.objects.filter(course=course)}
    assert set(found) == {"reaction", "follow_up"} and found["follow_up"].delay_days == 42


def test_a_bad_follow_up_delay_is_shown_on_its_field_and_nothing_is_saved(
    login, admin, partnership
):
    course = CourseFactory(partnership=partnership)
    survey = SurveyFactory(partnership=partnership)
    response = login(admin).post(
        _url(partnership, f"courses/{course.pk}/"),
        {"reaction": survey.pk, "follow_up": survey.pk, "follow_up_weeks": "0"},
    )
    assert (
        "The follow-up must be sent at least 1 week after the course" in response.content.decode()
    )
    assert not CourseSurvey.objects.exists()


def test_another_partnerships_survey_cannot_be_chosen(login, admin, partnership, other_partnership):
    course = CourseFactory(partnership=partnership)
    theirs = SurveyFactory(partnership=other_partnership)
    response = login(admin).post(
        _url(partnership, f"courses/{course.pk}/"), {"reaction": theirs.pk, "follow_up_weeks": "12"}
    )
    assert "Choose one of the surveys in the list" in response.content.decode()
    assert not CourseSurvey.objects.exists()


def test_staff_and_outsiders_are_refused(login, member, outsider, partnership):
    survey = SurveyFactory(partnership=partnership)
    assert login(member).get(_url(partnership)).status_code == 403
    assert login(outsider).get(_url(partnership, f"{survey.pk}/")).status_code == 404
