"""`tiptracker demo`: load the demo partnership 'dundee'.

About 5,000 synthetic staff of Dundee City Council, NHS Tayside, the Health and Social Care
Partnership and third-sector partners, in realistic teams with a training needs analysis;
courses at all four framework levels; the launch webinar with its 87 attendees and the
April and May 2022 manager briefings with their 141 managers (the figures of the board
report); completions spread from 2021 to today; upcoming sessions, one of them full with a
waiting list; and one login per role.

Every demo login shares the password DEMO_PASSWORD. It is published in the README and
printed on screen: this is demonstration data for a laptop, never for a real installation.

The load is idempotent. It runs in one transaction, so it is either all there or not at
all; the demo administrator's membership of 'dundee' marks it as loaded, and a second run
sees the mark and changes nothing. A 'dundee' partnership without that mark holds someone's
real data: the demo refuses to mix its own into it.

Writes go through the services where they carry rules (partnership, members, bookings,
attendance, the trend table) and in bulk where they are plain rows in the thousands
(teams, staff, courses, the learning system's completions).

The workforce (workforce.py) and the learning system's completions (completions.py) are
made by modules of their own; this one makes the rest and runs the whole in order.
"""

import datetime as dt
import random
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiptracker.accounts import second_factor
from tiptracker.demo import data, workspace
from tiptracker.demo.completions import completions_import
from tiptracker.demo.course_details import DETAILS
from tiptracker.demo.days import at, weekday_on_or_after
from tiptracker.demo.workforce import Person, workforce_load
from tiptracker.lib.dates import today as today_in_london
from tiptracker.lib.levels import Level
from tiptracker.lib.sql import refresh_planner_statistics
from tiptracker.lib.user_error import UserError
from tiptracker.partnerships.models import Membership, Partnership, Role
from tiptracker.partnerships.services import member_add, member_set_teams, partnership_create
from tiptracker.training.bookings import booking_create
from tiptracker.training.completions import attendance_mark
from tiptracker.training.models import AttendanceMark, Booking, Completion, Course, TrainingSession
from tiptracker.training.snapshots import coverage_snapshots_rebuild
from tiptracker.workforce.models import StaffMember, Team

DEMO_PASSWORD = "demo-password-2022"  # noqa: S105 - the demo's published password, demo accounts only
LOGIN_EMAILS: dict[str, str] = {
    Role.ADMIN: "admin@dundee.demo",
    Role.LD_OFFICER: "ld-officer@dundee.demo",
    Role.MANAGER: "manager@dundee.demo",
    Role.STAFF: "staff@dundee.demo",
    Role.LE_COORDINATOR: "le-coordinator@dundee.demo",
    Role.BOARD: "board@dundee.demo",
}
# The demo manager manages two council teams that still have people to train; the demo
# staff member works in one of them and has had no training yet.
MANAGER_TEAMS = ("Housing Options", "Housing Support")

ATTENDED, NO_SHOW, PARTLY = (
    Booking.Attendance.ATTENDED,
    Booking.Attendance.NO_SHOW,
    Booking.Attendance.PARTLY,
)


class DemoRefused(UserError):
    """The database already holds a 'dundee' partnership that the demo did not make."""


@dataclass(frozen=True)
class DemoLogins:
    password: str
    emails: dict[str, str]  # role label -> e-mail address


def demo_logins() -> DemoLogins:
    emails = {Role(role).label: email for role, email in LOGIN_EMAILS.items()}
    return DemoLogins(password=DEMO_PASSWORD, emails=emails)


def demo_is_loaded(partnership: Partnership) -> bool:
    admin = LOGIN_EMAILS[Role.ADMIN]
    return Membership.objects.filter(partnership=partnership, user__username=admin).exists()


def demo_load(*, out: TextIO = sys.stdout) -> DemoLogins:
    """Load the demo partnership unless it is there already; returns the demo logins."""
    started = time.perf_counter()
    existing = Partnership.objects.filter(slug=data.SLUG).first()
    if existing is not None:
        if demo_is_loaded(existing):
            _say(out, f"The demo partnership '{data.SLUG}' is already loaded: nothing to do.")
            return demo_logins()
        raise DemoRefused(
            f"a partnership '{data.SLUG}' already exists and was not made by the demo, so the "
            "demo will not mix its data into it; point DATABASE_URL at another database to "
            "try the demo"
        )
    with transaction.atomic():
        _Loader(out=out, today=today_in_london()).load()
    _say(out, f"Demo loaded in {time.perf_counter() - started:.1f} s.")
    return demo_logins()


def _say(out: TextIO, line: str) -> None:
    print(line, file=out, flush=True)


@dataclass
class _Loader:
    out: TextIO
    today: dt.date
    rng: random.Random = field(default_factory=lambda: random.Random(data.SEED))
    people: list[Person] = field(default_factory=list)
    courses: dict[str, Course] = field(default_factory=dict)
    # (staff pk, course code) learnt at a session: the learning system does not repeat it.
    attended: set[tuple[int, str]] = field(default_factory=set)
    # The demo staff member: kept out of the roll-out so they have training still to do.
    untrained: set[int] = field(default_factory=set)
    # (staff pk, level) met by today; known once the completions are in.
    met: set[tuple[int, Level]] = field(default_factory=set)

    def load(self) -> None:
        self.partnership = partnership_create(slug=data.SLUG, name=data.NAME)
        self._workforce()
        self._courses()
        self._logins()
        self._past_sessions()
        # The imports' coverage queries are planned from statistics that know this workforce
        # (in a database holding another partnership they would take it for empty), and what
        # follows from statistics that know its completions.
        self._statistics()
        self._completions()
        self._statistics()
        self._upcoming_sessions()
        self._workspace()
        coverage_snapshots_rebuild(partnership_id=self.partnership.id, as_of=self.today)
        _say(self.out, "Coverage trend: rebuilt for the last 24 month ends")

    def _statistics(self) -> None:
        refresh_planner_statistics(
            [
                m._meta.db_table
                for m in (
                    Team,
                    StaffMember,
                    Course,
                    TrainingSession,
                    Booking,
                    AttendanceMark,
                    Completion,
                )
            ]
        )

    # Workforce, courses, logins -------------------------------------------------------------

    def _workforce(self) -> None:
        self.people = workforce_load(partnership=self.partnership, rng=self.rng, out=self.out)

    def _courses(self) -> None:
        created = Course.objects.bulk_create(
            Course(
                partnership=self.partnership,
                code=c.code,
                title=c.title,
                level=c.level,
                delivery=c.delivery,
                provider=c.provider,
                description=DETAILS[c.code][0],
                learning_outcomes=DETAILS[c.code][1],
                duration_minutes=DETAILS[c.code][2],
            )
            for c in data.COURSES
        )
        self.courses = {course.code: course for course in created}
        counts = ", ".join(
            f"{sum(c.level == level for c in data.COURSES)} {level.slug}" for level in Level
        )
        _say(self.out, f"Courses: {len(created)} ({counts})")

    def _logins(self) -> None:
        def first(team: str, *, manager: bool) -> Person:
            return next(
                p
                for p in self.people
                if p.team.name == team and p.record.is_manager == manager and p.long_serving
            )

        staff = first("Housing Support", manager=False)
        self.untrained.add(staff.pk)
        officer = next(p for p in self.people if p.record.job_title == data.LD_OFFICER_TITLE)
        linked = {
            Role.MANAGER: first("Housing Options", manager=True),
            Role.STAFF: staff,
            Role.LD_OFFICER: officer,
        }
        User = get_user_model()
        # One password for every demo account: hash it once (Argon2 is slow on purpose).
        hashed = make_password(DEMO_PASSWORD)
        memberships: dict[str, Membership] = {}
        for role, email in LOGIN_EMAILS.items():
            person = linked.get(Role(role))
            names = (
                (person.record.first_name, person.record.last_name)
                if person
                else ("Demo", Role(role).label)
            )
            if User.objects.filter(username=email).exists():
                _say(self.out, f"  {email} already has an account: it keeps its own password")
            else:
                User.objects.create(
                    username=email,
                    email=email,
                    password=hashed,
                    first_name=names[0],
                    last_name=names[1],
                )
            memberships[role], _password = member_add(
                partnership=self.partnership,
                email=email,
                role=role,
                staff=person.record if person else None,
            )
        # The staff records of the linked logins are those users: mail for them reaches them.
        for role, person in linked.items():
            StaffMember.objects.filter(pk=person.pk).update(email=LOGIN_EMAILS[role])
        teams = list(Team.objects.filter(partnership=self.partnership, name__in=MANAGER_TEAMS))
        member_set_teams(membership=memberships[Role.MANAGER], teams=teams)
        self.actor = memberships[Role.LD_OFFICER].user
        self.memberships = memberships
        _say(self.out, f"Logins: one per role ({len(LOGIN_EMAILS)})")
        for role in (Role.ADMIN, Role.LD_OFFICER):
            self._authenticator(memberships[role])

    def _authenticator(self, membership: Membership) -> None:
        """Administrators and L&D officers sign in with a code from an authenticator app too:
        a confirmed device with a random key, printed with how to get its codes."""
        user = membership.user
        login = user.get_username()
        if second_factor.confirmed_device(user) is not None:
            _say(self.out, f"  {login} already has an authenticator app set up: it keeps it")
            return
        device = TOTPDevice.objects.create(
            user=user, name=second_factor.DEVICE_NAME, confirmed=True
        )
        _say(
            self.out,
            f"  {login} signs in with the password and a 6-digit code: "
            f"`tiptracker totp-code {login}` prints it, or add this key to an authenticator "
            f"app: {second_factor.key_text(device)}",
        )

    # Sessions -------------------------------------------------------------------------------

    def _fits(self, who: str, person: Person, course: str) -> bool:
        """Whether a person is among those a session is for (`who` in data.py) and has not
        already been to that course."""
        if person.pk in self.untrained or (person.pk, course) in self.attended:
            return False
        manager, level = person.record.is_manager, person.required
        if who == "cyp":  # the children's workforce, not yet trained
            return (
                person.team.topic == data.CYP
                and level < Level.ENHANCED
                and (person.pk, Level.INFORMED) not in self.met
            )
        if who == "enhanced":
            return level >= Level.ENHANCED and (person.pk, Level.ENHANCED) not in self.met
        if who in ("leaders", "briefing"):
            return manager
        if who == "informed":
            return (person.pk, Level.INFORMED) not in self.met
        raise ValueError(f"no audience '{who}'")

    def _session(self, slot: data.Slot, day: dt.date) -> TrainingSession:
        return TrainingSession.objects.create(
            partnership=self.partnership,
            course=self.courses[slot.course],
            starts_at=at(day, slot.start),
            ends_at=at(day, slot.end),
            capacity=slot.capacity,
            audience=slot.audience,
            facilitator=slot.facilitator,
            online_url=data.ONLINE if slot.online else "",
            venue="" if slot.online else data.VENUE,
        )

    def _mark(self, session: TrainingSession, marks: Iterable[tuple[Person, str]]) -> None:
        """Book people onto a past session and mark their attendance through the service,
        which records the completions; then date the history as it would have been."""
        marks = list(marks)
        bookings = Booking.objects.bulk_create(
            Booking(
                partnership=self.partnership,
                session=session,
                staff=person.record,
                status=Booking.Status.BOOKED,
                booked_by=self.actor,
            )
            for person, _attendance in marks
        )
        for booking, (person, attendance) in zip(bookings, marks, strict=True):
            attendance_mark(actor=self.actor, booking=booking, attendance=attendance)
            if attendance == ATTENDED:
                self.attended.add((person.pk, session.course.code))
        booked_on = session.starts_at - dt.timedelta(days=18)
        Booking.objects.filter(session=session).update(
            created_at=booked_on, updated_at=session.ends_at
        )
        marked_on = session.ends_at + dt.timedelta(hours=2)
        AttendanceMark.objects.filter(booking__session=session).update(marked_at=marked_on)

    def _past_sessions(self) -> None:
        rng = self.rng
        # The launch webinar: 87 attended, across the organisations (report, 4.2.1).
        webinar = self._session(data.WEBINAR_SLOT, data.WEBINAR_DAY)
        present = [
            p
            for p in self.people
            if p.in_workforce(data.WEBINAR_DAY) and p.pk not in self.untrained
        ]
        marks: list[tuple[Person, str]] = []
        for kind, count in data.WEBINAR_ATTENDED_BY_KIND.items():
            marks += [
                (p, ATTENDED) for p in rng.sample([p for p in present if p.kind == kind], count)
            ]
        taken = {p.pk for p, _mark in marks}
        others = rng.sample(
            [p for p in present if p.pk not in taken], data.WEBINAR_NO_SHOWS + data.WEBINAR_PARTLY
        )
        marks += [
            (p, NO_SHOW if n < data.WEBINAR_NO_SHOWS else PARTLY) for n, p in enumerate(others)
        ]
        self._mark(webinar, marks)

        # The manager briefings of April and May 2022: 141 managers attended (report, 4.2.4).
        first_day, last_day = data.BRIEFINGS[0][0], data.BRIEFINGS[-1][0]
        managers = [
            p
            for p in self.people
            if p.record.is_manager and p.in_workforce(first_day) and p.in_workforce(last_day)
        ]
        attending = iter(rng.sample(managers, sum(count for _day, count in data.BRIEFINGS)))
        groups = [
            [(next(attending), ATTENDED) for _ in range(count)] for _day, count in data.BRIEFINGS
        ]
        # Some missed an earlier briefing, or left it part-way, and came to a later one.
        later = [
            (index, person)
            for index, group in enumerate(groups)
            if index >= 2
            for person, _mark in group
        ]
        for n, (index, person) in enumerate(
            rng.sample(later, data.BRIEFING_NO_SHOWS + data.BRIEFING_PARTLY)
        ):
            earlier = [i for i in range(index) if len(groups[i]) < data.BRIEFING_CAPACITY]
            groups[rng.choice(earlier)].append(
                (person, NO_SHOW if n < data.BRIEFING_NO_SHOWS else PARTLY)
            )
        for (day, _count), group in zip(data.BRIEFINGS, groups, strict=True):
            session = self._session(data.BRIEFING_SLOT, day)
            self._mark(session, group)

        for plan in data.PAST_SESSIONS:
            eligible = [
                p
                for p in self.people
                if p.in_workforce(plan.day) and self._fits(plan.who, p, plan.slot.course)
            ]
            people = rng.sample(eligible, plan.attended + plan.no_shows + plan.partly)
            attendance = (
                [ATTENDED] * plan.attended + [NO_SHOW] * plan.no_shows + [PARTLY] * plan.partly
            )
            session = self._session(plan.slot, plan.day)
            self._mark(session, zip(people, attendance, strict=True))
        sessions = 1 + len(data.BRIEFINGS) + len(data.PAST_SESSIONS)
        marked = Booking.objects.filter(partnership=self.partnership).count()
        _say(self.out, f"Past sessions: {sessions}, with {marked} bookings and their attendance")

    def _upcoming_sessions(self) -> None:
        """Sessions from next month, booked through the booking service."""
        booked = 0
        for plan in data.UPCOMING_SESSIONS:
            day = weekday_on_or_after(self.today + dt.timedelta(days=plan.days_ahead))
            session = self._session(plan.slot, day)
            # In the workforce today and on the day (the booking service refuses a leaver).
            eligible = [
                p
                for p in self.people
                if p.in_workforce(self.today)
                and p.in_workforce(day)
                and self._fits(plan.who, p, plan.slot.course)
            ]
            for person in self.rng.sample(eligible, plan.booked + plan.waiting):
                booking_create(actor=self.actor, session=session, staff=person.record)
                booked += 1
        full = [p for p in data.UPCOMING_SESSIONS if p.waiting]
        _say(
            self.out,
            f"Upcoming sessions: {len(data.UPCOMING_SESSIONS)}, with {booked} bookings "
            f"({len(full)} full, with a waiting list)",
        )

    # The steering group's workspace ----------------------------------------------------------

    def _workspace(self) -> None:
        context = workspace.DemoContext(
            partnership=self.partnership,
            memberships=self.memberships,
            courses=self.courses,
            today=self.today,
            out=self.out,
        )
        for load in workspace.loaders():
            load(context)

    # Completions ----------------------------------------------------------------------------

    def _completions(self) -> None:
        self.met.update(
            completions_import(
                partnership=self.partnership,
                officer=self.memberships[Role.LD_OFFICER].user,
                people=self.people,
                rng=self.rng,
                today=self.today,
                untrained=self.untrained,
                attended=self.attended,
                out=self.out,
            )
        )
