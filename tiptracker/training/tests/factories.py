import datetime as dt

import factory
from django.utils import timezone

from tiptracker.lib.levels import Level
from tiptracker.partnerships.tests.factories import PartnershipFactory
from tiptracker.training.models import Booking, Completion, Course, Guest, TrainingSession
from tiptracker.workforce.tests.factories import StaffMemberFactory


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    partnership = factory.SubFactory(PartnershipFactory)
    code = factory.Sequence(lambda n: f"C{n:03d}")
    title = factory.Sequence(lambda n: f"Course {n}")
    level = Level.INFORMED
    delivery = Course.Delivery.WEBINAR


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    course = factory.SubFactory(CourseFactory)
    partnership = factory.SelfAttribute("course.partnership")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=2))
    venue = "Dundee House"
    capacity = 10
    facilitator = "Trauma L&D Officer"


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    session = factory.SubFactory(TrainingSessionFactory)
    partnership = factory.SelfAttribute("session.partnership")
    staff = factory.SubFactory(
        StaffMemberFactory, team__partnership=factory.SelfAttribute("...partnership")
    )
    status = Booking.Status.BOOKED


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Completion

    staff = factory.SubFactory(StaffMemberFactory)
    partnership = factory.SelfAttribute("staff.partnership")
    course = factory.SubFactory(CourseFactory, partnership=factory.SelfAttribute("..partnership"))
    completed_on = dt.date(2022, 1, 10)


class GuestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guest

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Councillor Guest {n}")
    email = factory.Sequence(lambda n: f"guest{n}@example.org")
    kind = Guest.Kind.ELECTED_MEMBER
    organisation = "Dundee City Council, councillor"


class InvitationFactory(BookingFactory):
    """A guest's invitation to a session (a briefing), no reply yet."""

    staff = None
    guest = factory.SubFactory(GuestFactory, partnership=factory.SelfAttribute("..partnership"))
    status = Booking.Status.INVITED
