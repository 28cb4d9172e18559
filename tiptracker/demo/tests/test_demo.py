"""The demo partnership: the board report's figures, a believable workforce and roll-out,
a login per role, and a second load that changes nothing.

The full demo (about 5,000 staff) loads in a few seconds, so it is loaded once for this
module, at full size, inside a transaction that is rolled back when the module ends.
"""

import datetime as dt
import io
import time
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.test import Client, override_settings
from docx import Document

from tiptracker.accounts import second_factor
from tiptracker.accounts.tests.helpers import signed_in
from tiptracker.demo import data
from tiptracker.demo.briefings import COURSE_CODE
from tiptracker.demo.loader import DEMO_PASSWORD, LOGIN_EMAILS, DemoLogins, demo_load
from tiptracker.engagement.models import Engagement
from tiptracker.engagement.selectors import counts_by_kind, engagement_in_period
from tiptracker.feedback.invitations import survey_answer
from tiptracker.feedback.models import Invitation, ReleasedCell, Timepoint
from tiptracker.feedback.release import fewest_answering, release_due
from tiptracker.feedback.services import current_version
from tiptracker.feedback.tests.factories import invited
from tiptracker.funding.models import Commitment
from tiptracker.funding.selectors import funding_summary
from tiptracker.lib.dates import financial_year, today
from tiptracker.lib.levels import Level
from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.network.selectors import network_summary
from tiptracker.partnerships.models import Membership, Organisation, Partnership, Role
from tiptracker.reporting.figures import report_figures
from tiptracker.resources.models import Resource, ResourceFile
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
from tiptracker.training.services import booking_create
from tiptracker.workforce.models import StaffMember, Team

# Every test shares the module's one load, so none may be ordered apart from the others.
pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Loaded:
    logins: DemoLogins
    partnership: Partnership
    output: str
    seconds: float


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        out = io.StringIO()
        started = time.perf_counter()
        logins = demo_load(out=out)
        seconds = time.perf_counter() - started
        yield Loaded(logins, Partnership.objects.get(slug="dundee"), out.getvalue(), seconds)
        transaction.set_rollback(True)


@pytest.fixture
def dundee(demo, db):
    return demo.partnership


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


# The steering group's implementation plan ------------------------------------------------------


def test_the_plan_has_the_reports_phases_and_six_priorities_for_2022_23(dundee, demo):
    from tiptracker.plan.models import Phase, Priority

    assert Phase.objects.filter(partnership=dundee).first().title == (
        "Foundations, leadership development and buy-in"
    )
    priorities = list(
        Priority.objects.filter(partnership=dundee, financial_year="2022/23").order_by("number")
    )
    assert len(priorities) == 6
    assert "level one and two" in priorities[0].title
    assert "NHS Education for Scotland" in priorities[1].title
    assert "organisational development" in priorities[2].title
    assert "lived experience" in priorities[3].title
    assert "national performance indicators" in priorities[4].title
    assert "trauma ambassadors" in priorities[5].title
    assert "Implementation plan: 3 phases, 6 priorities for 2022/23" in demo.output


def test_the_plan_as_it_stood_at_the_end_of_june_2022_tells_the_reports_story(dundee):
    from tiptracker.plan.selectors import plan_as_it_stood, plan_summary

    past = plan_as_it_stood(dundee.pk, dt.date(2022, 6, 30))
    states = {a.state["title"]: a.state for _phase, actions in past.phases for a in actions}
    assert states["Manager briefings on the plan and the toolkits"]["status"] == "complete"
    assert (
        states["Finalise methods to gather feedback and track the impact of training"]["status"]
        == "at_risk"
    )
    assert "Establish a network of trauma ambassadors" in states  # planned in June 2022
    assert "Refresh the manager toolkits for the new financial year" not in states  # added later
    summary = plan_summary(dundee.pk, start=dt.date(2021, 12, 1), end=dt.date(2022, 6, 30))
    assert summary["completed_in_period"] == 3  # launch event, mapping, manager briefings


def test_the_officer_has_one_overdue_and_one_due_soon_action_today(dundee, demo):
    from tiptracker.plan.models import Action
    from tiptracker.plan.services import is_due_soon, is_overdue

    officer = Membership.objects.get(partnership=dundee, role=Role.LD_OFFICER)
    mine = list(Action.objects.filter(owner=officer))
    assert sum(is_overdue(a, today()) for a in mine) == 1
    assert sum(is_due_soon(a, today()) for a in mine) == 1


# The resources and the champions network -------------------------------------


def test_the_library_holds_the_reports_resources(demo):
    partnership, output = demo.partnership, demo.output
    resources = Resource.objects.filter(partnership=partnership)
    assert resources.count() == 9
    assert resources.filter(kind=Resource.Kind.MANAGER_TOOLKIT).count() == 2
    webinar = resources.get(kind=Resource.Kind.WEBINAR)
    assert webinar.url == "https://rise.articulate.com/share/BAg21Wro9oAko-80RznHOABDaH2rt329"
    assert resources.filter(title__startswith="Opening Doors").exists()
    assert resources.filter(title__contains="Turas").exists()
    assert resources.filter(kind=Resource.Kind.COMMUNICATIONS).exists()
    assert "Resources: 9, of which 2 manager toolkits; 3 with a file" in output


def test_the_toolkits_and_briefing_slides_are_word_documents(demo):
    partnership = demo.partnership
    stored = ResourceFile.objects.filter(resource__partnership=partnership)
    assert sorted(f.resource.title for f in stored) == [
        "Manager briefing slides (April and May 2022)",
        "Manager toolkit: Trauma Informed",
        "Manager toolkit: Trauma Skilled",
    ]
    for one in stored:
        assert one.name.endswith(".docx") and one.summary.startswith("Word document, ")
        document = Document(io.BytesIO(bytes(one.data)))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert len(headings) >= 5
    skilled = stored.get(resource__title="Manager toolkit: Trauma Skilled")
    text = "\n".join(p.text for p in Document(io.BytesIO(bytes(skilled.data))).paragraphs)
    assert "Where to find the Turas module" in text and "Questions for supervision" in text
    # Every resource has a file or a link, or says what it is.
    for resource in Resource.objects.filter(partnership=partnership):
        assert resource.url or resource.attached_file() or resource.description


def test_each_resource_was_last_updated_in_2021_or_2022(demo):
    partnership = demo.partnership
    dates = Resource.objects.filter(partnership=partnership).values_list("updated_on", flat=True)
    assert all(dt.date(2021, 1, 1) <= d <= dt.date(2022, 12, 31) for d in dates)
    assert len(set(dates)) == 9


def test_the_network_has_champions_since_2021_and_ambassadors_since_late_2022(demo):
    partnership, output = demo.partnership, demo.output
    members = NetworkMember.objects.filter(partnership=partnership)
    champions = members.filter(kind=NetworkMember.Kind.CHAMPION)
    ambassadors = members.filter(kind=NetworkMember.Kind.AMBASSADOR)
    assert champions.count() == 4
    assert champions.filter(job_role="Chief Social Work Officer").exists()
    assert ambassadors.count() == 9
    assert min(a.from_date for a in ambassadors) == dt.date(2022, 11, 14)
    # Each ambassador is a named member of the team they represent.
    assert all(a.person and a.person.team_id == a.team_id and a.name for a in ambassadors)
    assert NetworkActivity.objects.filter(partnership=partnership).count() == 7
    assert "Network: 4 trauma champions, 9 ambassadors" in output


def test_most_teams_have_no_ambassador_yet(demo):
    partnership = demo.partnership
    summary = network_summary(partnership.pk, on=dt.date(2023, 3, 31))
    assert (summary.champions, summary.ambassadors) == (3, 9)
    assert summary.teams_covered == 9
    assert summary.teams > 40
    assert summary.organisations_covered == 3
    assert summary.activities == 5  # October 2022 to March 2023
    later = network_summary(partnership.pk, on=dt.date(2023, 9, 30))
    assert later.ambassadors == 8


# The funding and the engagement log ------------------------------------------


def test_the_scottish_government_allocated_50k_a_year_from_2021_22_to_the_current_year(demo):
    partnership, output = demo.partnership, demo.output
    years = {y.financial_year: y for y in funding_summary(partnership.id)}
    current = financial_year(today())
    assert list(years)[:3] == ["2021/22", "2022/23", "2023/24"] and list(years)[-1] == current
    assert {y.allocated for y in years.values()} == {Decimal("50000.00")}
    # The officer is paid from 2021/22; partners were still deciding on 2022/23 (section 4.3).
    assert (years["2021/22"].committed, years["2021/22"].remaining) == (
        Decimal("50000.00"),
        Decimal("0.00"),
    )
    assert years["2022/23"].remaining == Decimal("50000.00")
    # From 2023/24 each year's money keeps the officer in post for that year.
    assert all(years[y].remaining == Decimal("0.00") for y in list(years)[2:])
    assert not any(year.warnings for year in years.values())
    assert (
        f"Funding: {len(years)} allocations (£{50_000 * len(years):,}.00, 2021/22 to {current})"
        in output
    )


def test_the_commitment_is_the_officer_with_the_womens_rape_and_sexual_abuse_centre(demo):
    partnership = demo.partnership
    officer = Commitment.objects.filter(partnership=partnership).order_by("starts_on").first()
    assert officer.what.startswith("1 FTE Trauma Learning and Development Officer")
    assert officer.partner == "Women's Rape and Sexual Abuse Centre"
    assert officer.allocation.source == "Scottish Government"
    assert (officer.starts_on, officer.ends_on) == (dt.date(2022, 3, 1), dt.date(2023, 2, 28))
    later = Commitment.objects.filter(partnership=partnership, starts_on__gt=officer.starts_on)
    assert {c.partner for c in later} == {officer.partner}
    assert later.order_by("-starts_on").first().ends_on >= today()


def test_the_engagement_log_holds_the_reports_four_contributions(demo):
    partnership, output = demo.partnership, demo.output
    log = list(engagement_in_period(partnership.id, dt.date(2021, 10, 1), dt.date(2022, 6, 30)))
    assert [(e.date, e.body_kind, e.kind) for e in log] == [
        (dt.date(2021, 12, 7), "minister", "meeting"),
        (dt.date(2022, 1, 25), "national-advisory-group", "advisory-group"),
        (dt.date(2022, 3, 16), "local-authority", "visit"),
        (dt.date(2022, 6, 29), "national-programme", "workshop"),
    ]
    assert "Minister for Mental Wellbeing and Social Care" in log[0].body
    assert "Quality Indicator Framework" in log[1].body
    assert "Authentic Voice" in log[3].body
    counts = {
        row.kind: row.count
        for row in counts_by_kind(Engagement.objects.filter(partnership=partnership))
    }
    assert (
        counts["meeting"] == counts["visit"] == counts["workshop"] == counts["advisory-group"] == 1
    )
    assert "Engagement log: 4 records, from December 2021 to June 2022" in output


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


# The roll-out: the import log, the board report, invitations, the calendar ---------------


def test_the_import_log_holds_the_learning_systems_quarterly_extracts(dundee, demo):
    from tiptracker.imports.models import ImportRun

    runs = list(ImportRun.objects.filter(partnership=dundee).order_by("created_at"))
    assert runs and {r.kind for r in runs} == {"completions"}
    assert {r.status for r in runs} == {ImportRun.Status.DONE}
    assert runs[0].filename == "learning-system-completions-before-2021.csv"
    assert "learning-system-completions-2022-q2.csv" in [r.filename for r in runs]
    assert all(r.user.username == LOGIN_EMAILS[Role.LD_OFFICER] for r in runs)
    # Every completion the learning system gave is in one of the files; none twice.
    imported = Completion.objects.filter(partnership=dundee, source=Completion.Source.IMPORT)
    assert sum(r.created for r in runs) == imported.count()
    assert runs[-1].created_at.date() <= today()
    # Each quarter's extract was imported after the quarter ended, or today for this one.
    q2 = next(r for r in runs if r.filename.endswith("2022-q2.csv"))
    assert q2.created_at.date() == dt.date(2022, 7, 6)


def test_a_board_report_is_drafted_for_the_reference_period(dundee, demo, login):
    from tiptracker.reporting.models import Report

    report = Report.objects.get(partnership=dundee)
    assert (report.period_start, report.period_end) == (dt.date(2021, 12, 1), dt.date(2022, 6, 30))
    assert report.state == "draft" and report.consultations.count() == 3
    assert "Board report: a draft for 1 December 2021 to 30 June 2022" in demo.output
    board = Membership.objects.get(partnership=dundee, role=Role.BOARD)
    html = login(board).get(f"/p/{dundee.slug}/reports/{report.pk}/").content.decode()
    assert report.title in html


def test_the_members_page_has_invitations_in_every_state(dundee, demo):
    from tiptracker.accounts.invitations import statuses
    from tiptracker.accounts.models import AccountInvitation

    counts: dict[str, int] = {}
    for _invitation, status in statuses(AccountInvitation.objects.filter(partnership=dundee)):
        counts[status] = counts.get(status, 0) + 1
    assert counts["accepted"] == 3 and counts["expired"] == 2 and counts["revoked"] == 1
    assert counts["invited"] == 4 and counts["queued"] > 50
    accepted = AccountInvitation.objects.filter(partnership=dundee, accepted_at__isnull=False)
    assert all(
        Membership.objects.filter(partnership=dundee, user__username=i.email, staff=i.staff_id)
        .exclude(staff=None)
        .exists()
        for i in accepted
    )


def test_no_upcoming_session_falls_on_a_bank_holiday_whatever_day_the_demo_is_loaded(dundee):
    from tiptracker.demo.loader import _weekday_on_or_after
    from tiptracker.lib.dates import is_scottish_bank_holiday

    for offset in range(3 * 366):
        day = _weekday_on_or_after(dt.date(2026, 1, 1) + dt.timedelta(days=offset))
        assert day.weekday() in (1, 2, 3) and not is_scottish_bank_holiday(day)
    for session in TrainingSession.objects.filter(partnership=dundee):
        assert not is_scottish_bank_holiday(session.starts_at.date())


def test_a_claim_of_learning_done_elsewhere_waits_for_the_ld_officer(dundee, demo, login):
    from tiptracker.training.models import LearningClaim

    claim = LearningClaim.objects.get(partnership=dundee)
    staff = Membership.objects.get(partnership=dundee, user__username=LOGIN_EMAILS[Role.STAFF])
    assert claim.staff_id == staff.staff_id and claim.status == LearningClaim.Status.PENDING
    officer = Membership.objects.get(partnership=dundee, role=Role.LD_OFFICER)
    html = login(officer).get(f"/p/{dundee.slug}/claims/").content.decode()
    assert str(claim.staff) in html


# Anonymous survey answers: the attacks of issue 19, through the API as a board member ------
# The attacks of issue 19 on the demo's anonymous surveys (the launch webinar and the manager
# briefings, reaction and follow-up), through the API as a board member would make them: every
# figure released and rounded, nothing for one session or organisation, the same figures
# whichever way they are asked for, the results, the impact page and the board report agreeing,
# and a late answer moving nothing.


@pytest.fixture
def board_api(dundee):
    member = Membership.objects.get(partnership=dundee, role=Role.BOARD)
    client: Client = signed_in(member.user)

    def get(path: str, **query: object) -> dict:
        response = client.get(f"/api/partnerships/{dundee.slug}/{path}", query)
        assert response.status_code == 200, response.content
        return response.json()

    return get


def _counts(body: dict) -> list[dict]:
    found = []
    for result in body["results"]:
        found.append(result["answered"])
        for question in result["questions"]:
            found += [answer["people"] for answer in question["answers"]]
            found.append(question["total"])
    return found


def test_every_anonymous_figure_is_released_rounded_and_says_what_it_adds_up(board_api):
    body = board_api("feedback/results/")
    courses = {(r["course"], r["timepoint"]) for r in body["results"]}
    assert len(courses) == 4  # the webinar and the briefings, reaction and follow-up
    assert all(r["released"] and r["periods"] for r in body["results"])
    counts = _counts(body)
    assert counts and all(c["rounded"] and c["value"] % 5 == 0 for c in counts)
    webinar = next(r for r in body["results"] if "webinar" in r["course"])
    assert webinar["periods"] == ["2021-22-q3"]  # one session, 8 December 2021


def test_one_session_or_organisation_shows_no_anonymous_figure(board_api, dundee):
    briefing = Course.objects.get(partnership=dundee, code=data.BRIEFING)
    sessions = TrainingSession.objects.filter(course=briefing)
    assert sessions.filter(starts_at__year=2022).count() == 7  # and one to come
    for session in sessions:
        body = board_api("feedback/results/", course=briefing.pk, session=session.pk)
        assert body["results"] == [] and body["anonymous_left_out"]
    for organisation in Organisation.objects.filter(partnership=dundee):
        body = board_api("feedback/results/", organisation=organisation.pk)
        assert body["anonymous_left_out"]
        assert not [r for r in body["results"] if r["released"]]


def test_a_quarter_its_year_and_all_time_give_the_same_cells(board_api, dundee):
    briefing = Course.objects.get(partnership=dundee, code=data.BRIEFING)
    everything = board_api("feedback/results/", course=briefing.pk)
    year = board_api("feedback/results/", course=briefing.pk, period="2022-23")
    quarter = board_api("feedback/results/", course=briefing.pk, period="2022-23-q1")
    assert everything["results"] == year["results"] == quarter["results"]
    level = board_api("feedback/results/", level=1)
    assert [r for r in level["results"] if r["course"] == briefing.title] == everything["results"]


def test_the_results_the_impact_page_and_the_board_report_agree(board_api, dundee):
    results = board_api("feedback/results/")
    changed = {}
    for result in results["results"]:
        if result["timepoint"] == "follow_up":
            question = next(q for q in result["questions"] if q["change_answer"])
            yes = next(a for a in question["answers"] if a["answer"] == "Yes")
            changed[result["course"]] = yes["people"]["value"]
    impact = board_api("feedback/impact/")
    level = next(lv for lv in impact["levels"] if lv["level"] == 1)
    for course in level["courses"]:
        if course["title"] in changed:
            step = next(s for s in course["steps"] if s["step"] == "changed")
            assert step["people"]["value"] == changed[course["title"]]
            assert step["people"]["rounded"]
    figures = report_figures(
        partnership_id=dundee.pk, start=dt.date(2021, 12, 1), end=dt.date(2022, 6, 30)
    )
    assert {row.course: row.changed.value for row in figures.impact} == changed
    # Two overlapping report periods differ by whole quarters, never by a person.
    shorter = report_figures(
        partnership_id=dundee.pk, start=dt.date(2022, 4, 1), end=dt.date(2022, 6, 30)
    )
    assert {row.course: row.changed.value for row in shorter.impact} == {
        course: value for course, value in changed.items() if "webinar" not in course
    }


def test_every_released_cell_leaves_open_who_answered(dundee):
    cells = ReleasedCell.objects.filter(partnership=dundee, withheld=False)
    assert cells.count() == 4
    for cell in cells:
        assert fewest_answering(cell.answered, cell.questions, at=5) < cell.invited


def test_one_more_answer_moves_nothing(board_api, dundee):
    before = board_api("feedback/results/")
    briefing = Course.objects.get(partnership=dundee, code=data.BRIEFING)
    late = (
        Invitation.objects.filter(course=briefing, timepoint=Timepoint.FOLLOW_UP)
        .values_list("completed_on", flat=True)
        .first()
    )
    invitation = invited(
        staff=StaffMember.objects.filter(partnership=dundee).exclude(
            survey_invitations__course=briefing
        )[0],
        course=briefing,
        timepoint=Timepoint.FOLLOW_UP,
        survey=Invitation.objects.filter(course=briefing, timepoint=Timepoint.FOLLOW_UP)[0].survey,
        completed_on=late,
    )
    version = current_version(invitation.survey)
    first = version.questions.get(position=1)
    survey_answer(invitation=invitation, version=version, answers={first.pk: 1})
    release_due(partnership_id=dundee.pk)
    assert board_api("feedback/results/") == before
