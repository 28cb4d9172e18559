"""The demo partnership's workforce and their training: the board report's figures, a
believable workforce and roll-out, the briefings and their surveys, a login per role, and a
second load that changes nothing.

The full demo (about 5,000 staff) loads in a few seconds, so it is loaded once for this
module (the `demo` fixture in conftest.py), at full size, inside a transaction that is rolled
back when the module ends.
"""

import datetime as dt
import io
import time

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.test import Client, override_settings

from tiptracker.accounts import second_factor
from tiptracker.demo import data
from tiptracker.demo.briefings import COURSE_CODE
from tiptracker.demo.loader import DEMO_PASSWORD, LOGIN_EMAILS, demo_load
from tiptracker.demo.tests.demo_helpers import FAST_HASHER
from tiptracker.lib.dates import today
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Membership, Organisation, Partnership, Role
from tiptracker.training.bookings import booking_create
from tiptracker.training.coverage import coverage
from tiptracker.training.models import (
    AttendanceMark,
    Booking,
    Completion,
    Course,
    CoverageSnapshot,
    Guest,
    TrainingSession,
)
from tiptracker.training.selectors import outstanding_staff_for
from tiptracker.workforce.models import StaffMember, Team

# Every test shares the module's one load, so none may be ordered apart from the others.
pytestmark = pytest.mark.django_db


def totals_on(partnership, day):
    result = coverage(partnership_id=partnership.id, partnership_slug=partnership.slug, as_of=day)
    return {row.level: row for row in result.totals}


def all_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_it_loads_about_five_thousand_staff_across_council_nhs_hscp_and_third_sector(dundee, demo):
    assert 4500 <= StaffMember.objects.filter(partnership=dundee).count() <= 5500
    kinds = set(Organisation.objects.filter(partnership=dundee).values_list("kind", flat=True))
    assert kinds == {"council", "nhs_board", "hscp", "third_sector"}
    names = set(Organisation.objects.filter(partnership=dundee).values_list("name", flat=True))
    assert {
        "Dundee City Council",
        "NHS Tayside",
        "Dundee Health and Social Care Partnership",
    } <= names
    assert "Workforce:" in demo.output and "Demo loaded in" in demo.output


def test_it_loads_well_within_the_time_a_person_waits(dundee, demo):
    assert demo.seconds < 30


def test_staff_ids_follow_each_employers_numbering(dundee):
    ids = StaffMember.objects.filter(partnership=dundee)
    assert ids.filter(staff_id="DCC00001", organisation__name="Dundee City Council").exists()
    assert ids.filter(staff_id="NHST00001", organisation__name="NHS Tayside").exists()


def test_the_workforce_changes_over_2021_and_2022(dundee):
    staff = StaffMember.objects.filter(partnership=dundee)
    assert staff.filter(start_date__year__in=[2021, 2022]).count() > 100
    assert staff.filter(leaving_date__year__in=[2021, 2022]).count() > 100
    assert staff.filter(is_manager=True).count() > 141


def test_every_team_has_a_required_level_and_all_four_levels_are_needed(dundee):
    teams = Team.objects.filter(partnership=dundee)
    assert not teams.filter(required_level__isnull=True).exists()
    by_level = dict(teams.values_list("required_level").annotate(n=Count("id")))
    assert set(by_level) == {1, 2, 3, 4}
    assert (
        by_level[Level.INFORMED] > by_level[Level.SPECIALIST]
        and by_level[Level.SKILLED] > by_level[Level.SPECIALIST]
    )
    assert teams.get(name="Educational Psychology Service").required_level == Level.SPECIALIST


def test_it_has_courses_at_all_four_levels_including_the_national_ones(dundee):
    courses = Course.objects.filter(partnership=dundee)
    assert set(courses.values_list("level", flat=True)) == {1, 2, 3, 4}
    level_of = {c.code: (c.level, c.delivery) for c in courses}
    assert level_of[data.OPENING_DOORS] == (Level.INFORMED, "e-learning")
    assert level_of[data.SOWING_SEEDS][0] == Level.INFORMED
    assert level_of[data.WEBINAR] == (Level.INFORMED, "webinar")
    assert level_of[data.SKILLED_MODULE] == (Level.SKILLED, "e-learning")
    assert level_of[data.SAFETY_STABILISATION] == (Level.ENHANCED, "face-to-face")
    assert courses.get(code=data.SKILLED_MODULE).title.startswith(
        "Developing your trauma skilled practice"
    )
    assert courses.get(code=data.WEBINAR).title.startswith("Becoming Trauma Informed")


def test_every_course_says_what_it_is_what_people_learn_and_how_long_it_takes(dundee, login):
    courses = Course.objects.filter(partnership=dundee)
    assert all(c.description and c.learning_outcomes and c.duration_minutes for c in courses)
    # A session's length is its course's duration.
    for session in TrainingSession.objects.filter(partnership=dundee).select_related("course"):
        minutes = (session.ends_at - session.starts_at).total_seconds() / 60
        assert minutes == session.course.duration_minutes, session.course.code
    staff = Membership.objects.get(partnership=dundee, user__username=LOGIN_EMAILS[Role.STAFF])
    webinar = courses.get(code=data.WEBINAR)
    html = login(staff).get(f"/p/{dundee.slug}/courses/{webinar.pk}/").content.decode()
    assert "1 hour 15 minutes" in html and "Know how to book the training you need" in html


def test_exactly_87_people_attended_the_launch_webinar_across_the_organisations(dundee):
    webinar = TrainingSession.objects.get(
        partnership=dundee, course__code=data.WEBINAR, starts_at__year=2021
    )
    attended = Booking.objects.filter(session=webinar, attendance=Booking.Attendance.ATTENDED)
    assert attended.count() == 87
    assert set(attended.values_list("staff__organisation__kind", flat=True)) == {
        "council",
        "nhs_board",
        "hscp",
        "third_sector",
    }
    assert (
        Completion.objects.filter(booking__in=attended, source=Completion.Source.ATTENDANCE).count()
        == 87
    )
    assert (
        Booking.objects.filter(session=webinar)
        .exclude(attendance=Booking.Attendance.ATTENDED)
        .exists()
    )


def test_exactly_141_managers_attended_the_briefings_of_april_and_may_2022(dundee):
    briefings = Booking.objects.filter(
        partnership=dundee,
        session__course__code=data.BRIEFING,
        session__starts_at__date__gte=dt.date(2022, 4, 1),
        session__starts_at__date__lte=dt.date(2022, 5, 31),
    )
    attended = briefings.filter(attendance=Booking.Attendance.ATTENDED)
    assert attended.values("staff").distinct().count() == 141
    assert not attended.filter(staff__is_manager=False).exists()
    assert briefings.values("session").distinct().count() == len(data.BRIEFINGS)
    # Those who missed one came to another: the figure is the same however it is counted.
    assert briefings.exclude(attendance="").values("staff").distinct().count() == 141
    assert briefings.filter(attendance=Booking.Attendance.NO_SHOW).exists()
    assert briefings.filter(attendance=Booking.Attendance.PARTLY).exists()


def test_every_marked_booking_keeps_its_history_and_every_attendance_records_a_completion(dundee):
    marked = Booking.objects.filter(partnership=dundee).exclude(attendance="")
    assert marked.count() > 87 + 141
    assert not marked.filter(marks__isnull=True).exists()
    assert AttendanceMark.objects.filter(partnership=dundee).count() == marked.count()
    # Staff only: a briefing guest (a board or elected member) is not the workforce.
    attended = marked.filter(attendance=Booking.Attendance.ATTENDED, guest__isnull=True)
    from_attendance = Completion.objects.filter(
        partnership=dundee, source=Completion.Source.ATTENDANCE
    )
    assert from_attendance.count() == attended.count()
    assert not from_attendance.filter(booking__isnull=True).exists()
    assert not marked.exclude(status=Booking.Status.BOOKED).exists()


def test_no_completion_is_in_the_future_and_they_run_from_2021_to_today(dundee):
    completions = Completion.objects.filter(partnership=dundee)
    assert not completions.filter(completed_on__gt=today()).exists()
    years = set(completions.values_list("completed_on__year", flat=True))
    assert {2021, 2022} <= years
    assert completions.count() > 5000


def test_coverage_on_30_june_2022_is_plausible(dundee):
    figures = totals_on(dundee, dt.date(2022, 6, 30))
    assert 20 <= figures[Level.INFORMED].percent <= 90
    assert (
        figures[Level.INFORMED].percent
        > figures[Level.SKILLED].percent
        > figures[Level.ENHANCED].percent
    )


def test_informed_coverage_rises_from_near_nothing_to_a_majority_over_2021_and_2022(dundee):
    start, end = totals_on(dundee, dt.date(2021, 3, 31)), totals_on(dundee, dt.date(2022, 12, 31))
    assert start[Level.INFORMED].percent < 10
    assert end[Level.INFORMED].percent > 50
    assert end[Level.SKILLED].percent < end[Level.INFORMED].percent


def test_the_trend_table_is_rebuilt_and_matches_the_direct_computation(dundee):
    snapshots = CoverageSnapshot.objects.filter(partnership=dundee)
    assert snapshots.count() == 24 * 4
    latest = snapshots.order_by("-month_end").first()
    direct = totals_on(dundee, latest.month_end)[Level(latest.level)]
    assert (latest.needed, latest.met) == (direct.needed, direct.met)


def test_an_upcoming_session_is_full_and_has_a_waiting_list(dundee):
    upcoming = TrainingSession.objects.filter(
        partnership=dundee, starts_at__date__gt=today()
    ).annotate(
        booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)),
        waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
    )
    assert upcoming.count() >= 4
    full = [s for s in upcoming if s.booked == s.capacity]
    assert len(full) == 1 and full[0].waiting > 0
    assert any(s.booked < s.capacity for s in upcoming)


def test_the_staff_login_books_the_full_session_and_lands_on_the_waiting_list(dundee):
    membership = Membership.objects.get(partnership=dundee, user__username=LOGIN_EMAILS[Role.STAFF])
    assert membership.staff is not None and membership.staff.leaving_date is None
    full = TrainingSession.objects.get(
        partnership=dundee, course__code=data.SAFETY_STABILISATION, starts_at__date__gt=today()
    )
    booking = booking_create(actor=membership.user, session=full, staff=membership.staff)
    assert booking.status == Booking.Status.WAITLISTED


def test_the_managers_drill_down_names_people_in_their_teams_who_still_need_training(dundee):
    membership = Membership.objects.get(
        partnership=dundee, user__username=LOGIN_EMAILS[Role.MANAGER]
    )
    teams = set(membership.managed_teams.values_list("team__name", flat=True))
    assert teams == {"Housing Options", "Housing Support"}
    outstanding = outstanding_staff_for(membership, as_of=today(), level=Level.SKILLED)
    assert outstanding.count() > 0
    assert set(outstanding.values_list("team__name", flat=True)) <= teams


def test_the_demo_staff_member_has_had_no_training_and_shows_in_their_managers_drill_down(dundee):
    staff = Membership.objects.get(
        partnership=dundee, user__username=LOGIN_EMAILS[Role.STAFF]
    ).staff
    manager = Membership.objects.get(partnership=dundee, user__username=LOGIN_EMAILS[Role.MANAGER])
    assert not Completion.objects.filter(staff=staff).exists()
    assert staff in outstanding_staff_for(manager, as_of=today(), level=Level.INFORMED)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_a_login_that_signs_in_and_reaches_its_landing_page(dundee, demo, role):
    email = LOGIN_EMAILS[role]
    assert demo.logins.emails[Role(role).label] == email
    assert demo.logins.password == DEMO_PASSWORD
    client = Client()
    signed_in = client.post("/login/", {"username": email, "password": demo.logins.password})
    assert signed_in.status_code == 302
    if role in (Role.ADMIN, Role.LD_OFFICER):
        # They give the code `tiptracker totp-code` prints (the demo's device).
        device = second_factor.confirmed_device(get_user_model().objects.get(username=email))
        assert device is not None
        gave = client.post(
            "/account/second-factor/",
            {"code": second_factor.current_code(device), "next": signed_in["Location"]},
        )
        assert gave.status_code == 302
        signed_in = gave
    home = client.get(signed_in["Location"])
    assert home.status_code == 302
    landing = client.get(home["Location"])
    assert landing.status_code == 200
    assert f"/p/{dundee.slug}/" in home["Location"]


def test_loading_again_changes_nothing_and_takes_no_time(dundee, demo):
    before = all_counts()
    out = io.StringIO()
    started = time.perf_counter()
    logins = demo_load(out=out)
    assert time.perf_counter() - started < 2
    assert all_counts() == before
    assert "already loaded" in out.getvalue()
    assert logins == demo.logins


def test_the_same_demo_comes_out_every_time(dundee):
    def fingerprint(partnership):
        staff = sorted(
            StaffMember.objects.filter(partnership=partnership).values_list(
                "staff_id",
                "first_name",
                "last_name",
                "team__name",
                "is_manager",
                "start_date",
                "leaving_date",
            )
        )
        learnt = sorted(
            Completion.objects.filter(partnership=partnership).values_list(
                "staff__staff_id", "course__code", "completed_on", "source"
            )
        )
        return staff, learnt

    first = fingerprint(dundee)
    Partnership.objects.filter(pk=dundee.pk).update(slug="dundee-first-load")
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        demo_load(out=io.StringIO())
    assert fingerprint(Partnership.objects.get(slug="dundee")) == first


def test_an_outsider_sees_nothing_of_the_demo_partnership(dundee, outsider, login):
    assert login(outsider).get(f"/p/{dundee.slug}/").status_code == 404


# The briefing for board and elected members ----------------------------------


def test_the_briefing_for_board_and_elected_members_was_held_by_the_end_of_summer_2022(demo):
    partnership, output = demo.partnership, demo.output
    briefing = TrainingSession.objects.get(partnership=partnership, course__code=COURSE_CODE)
    assert dt.date(2022, 8, 1) <= briefing.starts_at.date() <= dt.date(2022, 8, 31)
    assert briefing.course.code != data.BRIEFING  # not one of the manager briefings
    invitations = Booking.objects.filter(session=briefing)
    assert invitations.count() == 18 and not invitations.filter(staff__isnull=False).exists()
    assert invitations.filter(status=Booking.Status.BOOKED).count() == 14
    assert invitations.filter(status=Booking.Status.DECLINED).count() == 3
    assert invitations.filter(status=Booking.Status.INVITED).count() == 1
    assert invitations.filter(attendance=Booking.Attendance.ATTENDED).count() == 12
    assert not invitations.filter(marks__isnull=True).exclude(attendance="").exists()
    # Guests are not the workforce: their attendance records no completion.
    assert not Completion.objects.filter(booking__in=invitations).exists()
    assert "18 guests invited, 14 accepted, 3 declined, 12 attended" in output


def test_the_guests_are_fictional_board_and_elected_members_at_example_org(demo):
    partnership = demo.partnership
    guests = Guest.objects.filter(partnership=partnership)
    assert set(guests.values_list("kind", flat=True)) == {"board_member", "elected_member"}
    assert all(email.endswith("@example.org") for email in guests.values_list("email", flat=True))


def test_the_manager_briefings_keep_their_141_managers(demo):
    partnership = demo.partnership
    attended = Booking.objects.filter(
        partnership=partnership,
        session__course__code=data.BRIEFING,
        attendance=Booking.Attendance.ATTENDED,
        session__starts_at__date__lte=dt.date(2022, 5, 31),
    )
    assert attended.values("staff").distinct().count() == 141
    assert not attended.filter(guest__isnull=False).exists()


# Surveys ------------------------------------------------------------------------------------------


def test_the_webinar_and_the_briefings_run_the_starter_surveys(dundee, demo):
    from tiptracker.feedback.models import CourseSurvey

    runs = CourseSurvey.objects.filter(partnership=dundee).select_related("course", "survey")
    assert {(r.course.code, r.timepoint, r.delay_days) for r in runs} == {
        (data.WEBINAR, "reaction", 0),
        (data.WEBINAR, "follow_up", 84),
        (data.BRIEFING, "reaction", 0),
        (data.BRIEFING, "follow_up", 84),
    }
    assert "Surveys: the starter set (3)" in demo.output


def test_the_impact_page_follows_the_webinar_from_attending_to_changing_practice(dundee, demo):
    from tiptracker.feedback.impact import impact_for
    from tiptracker.feedback.models import Invitation

    informed = next(
        level for level in impact_for(dundee.id, at=5).levels if level.level == Level.INFORMED
    )
    webinar = next(chain for chain in informed.courses if chain.code == data.WEBINAR)
    steps = {step.step: step for step in webinar.steps}
    assert steps["attended"].people.value == 87
    reacted, changed = steps["reacted"].people.value, steps["changed"].people.value
    # About half answered straight after; fewer, a few weeks later, said they had changed
    # something: every figure large enough to show.
    assert reacted is not None and 35 <= reacted <= 65
    assert changed is not None and 5 <= changed < reacted
    assert steps["reacted"].drop_off.value == 87 - reacted
    assert steps["changed"].drop_off.value == reacted - changed
    assert not steps["learned"].measured
    assert [row.period.short_label for row in informed.quarters] == ["2021/22 Q3", "2022/23 Q1"]

    client = Client()
    client.force_login(
        Membership.objects.get(partnership=dundee, role=Role.BOARD).user,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    html = client.get(f"/p/{dundee.slug}/feedback/impact/").content.decode()
    assert "Becoming Trauma Informed: launch webinar" in html
    informed_section = html.split('id="level-informed"')[1].split('id="level-skilled"')[0]
    assert f"{changed}<br>" in informed_section and "fewer than" not in informed_section
    # Years on, every invitation after those sessions was answered or has expired.
    statuses = Invitation.objects.filter(
        partnership=dundee, course__code__in=[data.WEBINAR, data.BRIEFING]
    ).exclude(timepoint="pre")
    assert set(statuses.values_list("status", flat=True)) == {"answered", "expired"}
    assert "Survey answers: reaction" in demo.output
