"""My training: what a member of staff needs and has done, their bookings, their claims and
the surveys waiting for them; and the plain page for a member without a staff record."""

import datetime as dt

import pytest
from django.utils import timezone

from tiptracker.feedback.models import Invitation
from tiptracker.feedback.tests.factories import SurveyFactory
from tiptracker.lib.dates import today
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.training.models import Booking, Completion, LearningClaim
from tiptracker.training.tests.factories import (
    BookingFactory,
    CompletionFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory


def url(partnership):
    return f"/p/{partnership.slug}/my-training/"


def test_it_shows_the_teams_need_and_that_it_is_not_met(member, login, partnership, team):
    team.required_level = Level.SKILLED
    team.save()
    page = login(member).get(url(partnership)).content.decode()
    assert "Trauma Skilled (your team&#x27;s need)" in page
    assert "Not met yet" in page


def test_a_personal_need_overrides_the_teams_and_a_course_at_that_level_meets_it(
    member, login, partnership, team
):
    team.required_level = Level.INFORMED
    team.save()
    member.staff.required_level = Level.SKILLED
    member.staff.save()
    CompletionFactory(
        staff=member.staff,
        course=CourseFactory(partnership=partnership, title="Skilled day", level=Level.SKILLED),
        completed_on=dt.date(2022, 3, 4),
        source=Completion.Source.ATTENDANCE,
    )
    page = login(member).get(url(partnership)).content.decode()
    assert "Trauma Skilled (set for you)" in page
    assert "Met</strong> since 4 March 2022" in page
    assert "Skilled day" in page and "Attended a session" in page


def test_a_course_below_the_need_does_not_meet_it(member, login, partnership):
    member.staff.required_level = Level.ENHANCED
    member.staff.save()
    CompletionFactory(
        staff=member.staff,
        course=CourseFactory(partnership=partnership, level=Level.SKILLED),
    )
    assert "Not met yet" in login(member).get(url(partnership)).content.decode()


def test_it_lists_only_the_members_own_completions_bookings_and_claims(
    member, persona, login, partnership, team
):
    colleague = StaffMemberFactory(team=team)
    course = CourseFactory(partnership=partnership, title="Opening Doors")
    CompletionFactory(
        staff=colleague, course=CourseFactory(partnership=partnership, title="Not mine")
    )
    BookingFactory(session=TrainingSessionFactory(course=course, venue="X"), staff=colleague)
    LearningClaim.objects.create(
        partnership=partnership,
        staff=colleague,
        course=course,
        completed_on=dt.date(2023, 1, 1),
        evidence_note="colleague's secret note",
    )
    mine = BookingFactory(session=TrainingSessionFactory(course=course), staff=member.staff)
    page = login(member).get(url(partnership)).content.decode()
    assert "Not mine" not in page and "colleague&#x27;s secret note" not in page
    assert f"/bookings/{mine.pk}/cancel/" in page and f"/bookings/{mine.pk}/calendar.ics" in page
    assert page.count("/cancel/") == 1


def test_it_shows_upcoming_and_past_bookings_with_the_waiting_list_position(
    member, login, partnership
):
    course = CourseFactory(partnership=partnership, title="Opening Doors")
    full = TrainingSessionFactory(course=course, capacity=1)
    BookingFactory(session=full)
    BookingFactory(session=full, staff=member.staff, status=Booking.Status.WAITLISTED)
    past = TrainingSessionFactory(course=course, starts_at=timezone.now() - dt.timedelta(days=9))
    BookingFactory(session=past, staff=member.staff, attendance=Booking.Attendance.ATTENDED)
    BookingFactory(
        session=TrainingSessionFactory(course=course),
        staff=member.staff,
        status=Booking.Status.CANCELLED,
    )
    page = login(member).get(url(partnership)).content.decode()
    assert "Waiting list</strong> position 1" in page
    assert "Your latest past sessions" in page and "Attended" in page
    assert page.count(">Opening Doors</a>") == 2  # the cancelled booking is not listed


def test_it_lists_the_surveys_waiting_with_their_links(member, login, partnership):
    course = CourseFactory(partnership=partnership, title="Opening Doors")
    survey = SurveyFactory(partnership=partnership)
    common = {
        "partnership": partnership,
        "staff": member.staff,
        "course": course,
        "survey": survey,
        "opens_on": today(),
    }
    Invitation.objects.create(
        **common,
        timepoint="reaction",
        completed_on=today(),
        nonce="a",
        status="sent",
        expires_on=today() + dt.timedelta(days=10),
    )
    for status, nonce, timepoint in (("answered", "b", "post"), ("expired", "c", "follow_up")):
        Invitation.objects.create(
            **common,
            timepoint=timepoint,
            completed_on=today(),
            nonce=nonce,
            status=status,
            expires_on=today() + dt.timedelta(days=10),
        )
    page = login(member).get(url(partnership)).content.decode()
    assert "Opening Doors: reaction, after attending" in page
    assert f"Open until the end of {today() + dt.timedelta(days=10):%-d %B %Y}" in page
    assert page.count('href="/survey/') == 1
    link = page.split('href="/survey/', 1)[1].split('"', 1)[0]
    assert login(member).get(f"/survey/{link}").status_code == 200


def test_with_nothing_yet_it_says_so_and_links_the_lived_experience_page(
    member, login, partnership
):
    page = login(member).get(url(partnership)).content.decode()
    assert "No completed courses recorded yet." in page
    assert "No sessions booked." in page
    assert "No surveys are waiting for you." in page
    assert f'href="/lived-experience/{partnership.slug}/"' in page


@pytest.mark.parametrize("role", [Role.ADMIN, Role.BOARD, Role.STAFF])
def test_a_member_without_a_staff_record_is_told_why_and_whom_to_ask(
    persona, login, partnership, role
):
    page = login(persona(role)).get(url(partnership)).content.decode()
    assert (
        "There is nothing to show here because your account is not linked to a staff record" in page
    )
    if role == Role.ADMIN:
        assert "ask whoever runs TIP Tracker for your installation" in page
    else:
        assert "Ask your partnership&#x27;s administrator to link your account" in page


def test_the_header_links_my_training_and_the_footer_the_lived_experience_page_for_staff(
    member, persona, login, partnership
):
    page = login(member).get(f"/p/{partnership.slug}/sessions/").content.decode()
    assert f'href="/p/{partnership.slug}/my-training/">My training</a>' in page
    assert f'href="/lived-experience/{partnership.slug}/"' in page
    other = login(persona(Role.BOARD)).get(f"/p/{partnership.slug}/sessions/").content.decode()
    assert "My training</a>" not in other


def test_another_partnership_is_not_found(outsider, login, partnership):
    assert login(outsider).get(url(partnership)).status_code == 404


def test_a_survey_before_a_course_that_has_started_is_not_waiting_any_more(
    member, login, partnership
):
    course = CourseFactory(partnership=partnership, title="Opening Doors")
    started = TrainingSessionFactory(
        course=course, starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    coming = TrainingSessionFactory(course=course)
    survey = SurveyFactory(partnership=partnership)
    for nonce, session in (("old", started), ("new", coming)):
        Invitation.objects.create(
            partnership=partnership,
            staff=member.staff,
            course=course,
            survey=survey,
            timepoint="pre",
            session=session,
            completed_on=session.starts_at.date(),
            opens_on=today(),
            expires_on=today() + dt.timedelta(days=20),
            nonce=nonce,
            status="sent",
        )
    page = login(member).get(url(partnership)).content.decode()
    assert page.count('href="/survey/') == 1
    assert f"Open until {timezone.localtime(coming.starts_at):%-d %B %Y, %H:%M}" in page
