"""The demo's professionals with lived experience route (issue 5): a consent text, ten
fictional people spread along the route, and a second factor for the demo coordinator.

Everything is written through the route's services with the demo coordinator as the actor
(or the person themself, for those who used the public page), so the records are
encrypted and audited as real ones would be. The services date each expression of
interest today and record every step as made now; the loader then dates the history as it
would have been (first interest, when each step was recorded, when a record ended,
consents and involvements), as loader.py does for bookings. The audit trail is left as it
is: it is append-only, and it truthfully says the records were made when the demo loaded.

The demo coordinator gets a confirmed authenticator-app (TOTP) device with a random key,
printed on screen so that whoever runs the demo can add it to an app and open the route's
workspace, which asks for the password and a code. A coordinator login that already has a
device (the account was there before the demo) keeps it, as it keeps its password.

One stage note contains NEEDLE, so that anyone can check that the database holds the
notes encrypted: the phrase is in no column of the database file as written.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django_otp.plugins.otp_totp.models import TOTPDevice

from tiptracker.accounts import second_factor
from tiptracker.demo.workspace import DemoContext
from tiptracker.lived.audit import PERSON
from tiptracker.lived.consent import (
    lived_consent_record,
    lived_consent_text_publish,
    lived_involvement_add,
)
from tiptracker.lived.contacts import lived_interest_express
from tiptracker.lived.erasure import lived_withdraw
from tiptracker.lived.models import (
    ENDED,
    Article6Basis,
    Article9Condition,
    ConsentRecord,
    ConsentText,
    Involvement,
    Purpose,
    RouteRecord,
    Stage,
    StageChange,
)
from tiptracker.lived.route import (
    lived_decline,
    lived_discussion_arrange,
    lived_discussion_hold,
    lived_information_send,
    lived_involve,
    lived_pause,
)
from tiptracker.partnerships.models import Membership, Role

LONDON = ZoneInfo("Europe/London")
NEEDLE = "confidential-demo-note"

CONSENT_TEXT = """\
Professionals with lived experience: consent to take part

What the group does. The group brings together staff of the partner organisations who \
have their own experience of trauma or adversity and want to use it to help our services \
and our workforce become trauma-informed. Members help design services and training with \
us (co-production), comment on plans and strategy, and, if they wish, help deliver \
training. You choose what you take part in.

It is your choice. Taking part is voluntary. You decide what you share, and you never \
have to tell us about your experiences or retell them. You can pause or stop at any time, \
without giving a reason. Stopping will not affect your job, your employment or any service \
you receive.

What we keep. The name you would like us to use; how to contact you (e-mail, phone or \
both); the dates you moved through each step and who recorded them; what you agreed to and \
when; what you took part in and the support we offered you (for example a debrief, \
expenses or time back). Short notes to arrange things, never about your experiences. \
Nothing is added to your personnel (HR) file, and this record is not linked to it.

Who sees it. Only the partnership's lived-experience coordinators. Your manager, human \
resources and the steering group do not. Reports give numbers of people only, and never a \
number smaller than five.

How long we keep it. While you take part, and for two years after you stop; then it is \
erased. We will check with you once a year that you still want to take part.

Your rights. You can see your status, and withdraw, at any time with the private link we \
gave you, or by telling a coordinator. If you withdraw, your name, contact details and \
notes are erased straight away. You can ask a coordinator for a copy of everything we hold \
about you, or to correct it. You can also contact your employer's data protection officer \
or the Information Commissioner's Office.

I have read this, I have had the chance to ask questions, and I agree to take part in the \
activities ticked below."""

# The lawful bases are the demo partnership's choice, recorded with each consent, never
# assumed by TIP Tracker. For the route's work with its own staff (co-production, strategy,
# training delivery) the demo relies on Art 6(1)(e) public task and Art 9(2)(b) employment
# (with DPA 2018 Sch 1 para 1); for communications, where a person's story may be seen
# outside the partnership, on their consent: Art 6(1)(a) and Art 9(2)(a) explicit consent.
PUBLIC_TASK = (Article6Basis.PUBLIC_TASK, Article9Condition.EMPLOYMENT)
CONSENT = (Article6Basis.CONSENT, Article9Condition.EXPLICIT_CONSENT)

# The steps, by name, and the service that makes each.
MOVES: dict[str, Callable[..., RouteRecord]] = {
    "information_sent": lived_information_send,
    "discussion_arranged": lived_discussion_arrange,
    "discussion_held": lived_discussion_hold,
    "involved": lived_involve,
    "paused": lived_pause,
    "declined": lived_decline,
}


@dataclass(frozen=True)
class Step:
    to: str  # a key of MOVES, or "consent_recorded" or "withdrawn"
    days_ago: int
    note: str = ""


@dataclass(frozen=True)
class Consent:
    purposes: tuple[str, ...]
    bases: tuple[str, str]  # (Art 6 basis, Art 9(2) condition)


@dataclass(frozen=True)
class Contribution:
    kind: str
    start_days_ago: int
    end_days_ago: int | None
    description: str
    support_offered: str


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str
    # True: they filled in the public page themself; False: a coordinator did it for them.
    by_person: bool
    interest_days_ago: int
    note: str = ""
    steps: tuple[Step, ...] = ()
    consent: Consent | None = None
    contributions: tuple[Contribution, ...] = field(default_factory=tuple)


S = Step
CO_PRODUCTION = Involvement.Kind.CO_PRODUCTION
STRATEGY = Involvement.Kind.STRATEGY
TRAINING = Involvement.Kind.TRAINING_DELIVERY

# Invented people with obviously made-up names: nobody real. The steps are ordered in time.
PEOPLE = (
    Person(
        "Ailsa Example", "ailsa.example@example.org", "", True, 4,
        note="Evenings are easiest for me.",
    ),
    Person(
        "Callum Sample", "", "07700 900123", True, 20,
        note="Please phone rather than e-mail, after 4pm.",
        steps=(S("information_sent", 16, "Information pack posted to the address he gave on the phone."),),
    ),
    Person(
        "Jo Placeholder", "jo.placeholder@example.org", "", False, 41,
        note="Asked about the group after the Trauma Skilled session.",
        steps=(
            S("information_sent", 38),
            S("discussion_arranged", 30, "Video call booked for a Thursday morning."),
        ),
    ),
    Person(
        "Priya Madeup", "priya.madeup@example.org", "07700 900456", True, 70,
        steps=(
            S("information_sent", 66),
            S("discussion_arranged", 58),
            S("discussion_held", 44, "Wants to think about which activities suit her; will reply within a month."),
        ),
    ),
    Person(
        "Tam Fictional", "tam.fictional@example.org", "", False, 95,
        steps=(
            S("information_sent", 92),
            S("discussion_arranged", 85),
            S("discussion_held", 71),
            S("consent_recorded", 64, "Keen on the next co-production group; none meets until the new year."),
        ),
        consent=Consent((Purpose.CO_PRODUCTION,), PUBLIC_TASK),
    ),
    Person(
        "Morven Specimen", "morven.specimen@example.org", "", True, 400,
        steps=(
            S("information_sent", 396),
            S("discussion_arranged", 388),
            S(
                "discussion_held", 375,
                f"{NEEDLE}: would like a debrief with the psychology lead after each session, "
                "and prefers not to present in the first few months.",
            ),
            S("consent_recorded", 368),
            S("involved", 350),
        ),
        consent=Consent((Purpose.CO_PRODUCTION, Purpose.STRATEGY), PUBLIC_TASK),
        contributions=(
            Contribution(
                CO_PRODUCTION, 350, 230, "Housing Options: redesign of the first-contact letter",
                "Debrief with the psychology lead after each session; travel expenses.",
            ),
            Contribution(
                STRATEGY, 200, None, "Trauma Steering Group: implementation plan refresh",
                "Paid for her time at the partnership's involvement rate; a debrief after meetings.",
            ),
        ),
    ),
    Person(
        "Rab Testcase", "rab.testcase@example.org", "07700 900789", False, 330,
        steps=(
            S("information_sent", 327),
            S("discussion_arranged", 320),
            S("discussion_held", 306),
            S("consent_recorded", 300),
            S("involved", 280),
        ),
        consent=Consent((Purpose.TRAINING_DELIVERY, Purpose.COMMUNICATIONS), CONSENT),
        contributions=(
            Contribution(
                TRAINING, 280, None, "Co-delivers the Trauma Skilled sessions for housing staff",
                "Protected time agreed with his manager; a debrief with the co-trainer after each session.",
            ),
        ),
    ),
    Person(
        "Lorna Pretend", "", "07700 900321", False, 300,
        steps=(
            S("information_sent", 296),
            S("discussion_arranged", 290),
            S("discussion_held", 276),
            S("consent_recorded", 270),
            S("involved", 255),
            S("paused", 90, "Taking a break; will get in touch when she is ready."),
        ),
        consent=Consent((Purpose.CO_PRODUCTION,), PUBLIC_TASK),
        contributions=(
            Contribution(
                CO_PRODUCTION, 255, 120, "Children and Families: the new duty service leaflet",
                "Expenses for travel and childcare; a debrief after each workshop.",
            ),
        ),
    ),
    Person(
        "Kit Invented", "kit.invented@example.org", "", True, 160,
        steps=(
            S("information_sent", 157),
            S("discussion_arranged", 150),
            S("discussion_held", 140),
            S("declined", 133, "Decided not to go ahead for now; happy to be contacted about the group next year."),
        ),
    ),
    Person(
        "Dani Notreal", "dani.notreal@example.org", "07700 900654", True, 220,
        note="Interested in helping with training.",
        steps=(
            S("information_sent", 216),
            S("discussion_arranged", 208),
            S("discussion_held", 196),
            S("consent_recorded", 190),
            S("involved", 175),
            S("withdrawn", 60),
        ),
        consent=Consent((Purpose.TRAINING_DELIVERY,), PUBLIC_TASK),
        contributions=(
            Contribution(
                TRAINING, 175, 70, "Trauma Informed practice sessions for new starts",
                "A debrief with the co-trainer after each session.",
            ),
        ),
    ),
)  # fmt: skip


def load(ctx: DemoContext) -> None:
    coordinator = ctx.memberships[Role.LE_COORDINATOR]
    consent_text = lived_consent_text_publish(
        actor=coordinator, partnership_id=ctx.partnership.pk, text=CONSENT_TEXT
    )
    for person in PEOPLE:
        _walk(ctx, coordinator, consent_text, person)
    stages = {p.steps[-1].to if p.steps else Stage.INTEREST_RECEIVED.value for p in PEOPLE}
    ctx.say(
        f"Lived-experience route: {len(PEOPLE)} fictional people at {len(stages)} stages, "
        f"consent text version {consent_text.version}; one note says confidential-demo-note, "
        "which the database file holds only encrypted (search it: it is not there)"
    )
    _second_factor(ctx, coordinator)


def _walk(ctx: DemoContext, actor: Membership, text: ConsentText, person: Person) -> None:
    def day(days_ago: int) -> dt.date:
        return ctx.today - dt.timedelta(days=days_ago)

    record = lived_interest_express(
        actor=PERSON if person.by_person else actor,
        partnership_id=ctx.partnership.pk,
        preferred_name=person.name,
        email=person.email,
        phone=person.phone,
        note=person.note,
    ).record
    StageChange.objects.filter(record=record).update(on=day(person.interest_days_ago))
    for step in person.steps:
        if step.to == Stage.CONSENT_RECORDED:
            assert person.consent is not None  # noqa: S101 - PEOPLE above gives one
            article_6, article_9 = person.consent.bases
            given = day(step.days_ago)
            lived_consent_record(
                actor=actor,
                record=record,
                consent_text=text,
                purposes=list(person.consent.purposes),
                article_6_basis=article_6,
                article_9_condition=article_9,
                given_on=given,
                review_on=given + dt.timedelta(days=365),
                note=step.note,
            )
        elif step.to == Stage.WITHDRAWN:
            lived_withdraw(actor=actor, record=record, on=day(step.days_ago))
        else:
            MOVES[step.to](actor=actor, record=record, on=day(step.days_ago), note=step.note)
        if step.to == Stage.INVOLVED:
            # What they took part in is recorded while they are involved.
            for contribution in person.contributions:
                lived_involvement_add(
                    actor=actor,
                    record=record,
                    kind=contribution.kind,
                    start_on=day(contribution.start_days_ago),
                    end_on=None
                    if contribution.end_days_ago is None
                    else day(contribution.end_days_ago),
                    description=contribution.description,
                    support_offered=contribution.support_offered,
                )
    _date_history(record)


def _at(day: dt.date, minute: int) -> dt.datetime:
    """A time in the working day: recorded mid-morning, in order within a day."""
    return dt.datetime(day.year, day.month, day.day, 10, minute, tzinfo=LONDON)


def _date_history(record: RouteRecord) -> None:
    """Date what the services recorded as made now on the days it happened."""
    changes = list(StageChange.objects.filter(record=record).order_by("on", "id"))
    for minute, change in enumerate(changes):
        StageChange.objects.filter(pk=change.pk).update(at=_at(change.on, minute))
    first, last = changes[0], changes[-1]
    RouteRecord.objects.filter(pk=record.pk).update(
        created_at=_at(first.on, 0),
        last_interest_at=_at(first.on, 0),
        ended_at=_at(last.on, len(changes)) if last.to_stage in ENDED else None,
    )
    for consent in ConsentRecord.objects.filter(record=record):
        ConsentRecord.objects.filter(pk=consent.pk).update(recorded_at=_at(consent.given_on, 30))
    for involvement in Involvement.objects.filter(record=record):
        Involvement.objects.filter(pk=involvement.pk).update(
            recorded_at=_at(involvement.start_on, 30)
        )


def _second_factor(ctx: DemoContext, coordinator: Membership) -> None:
    """A confirmed authenticator-app device with a random key, printed for the demo user."""
    user = coordinator.user
    login = user.get_username()
    if second_factor.confirmed_device(user) is not None:
        ctx.say(
            f"  {login} already has an authenticator app set up: it keeps its own, and the "
            "route's workspace asks for its codes"
        )
        return
    device = TOTPDevice.objects.create(user=user, name=second_factor.DEVICE_NAME, confirmed=True)
    ctx.say(
        f"  The route's workspace asks {login} for the password and a 6-digit code from an "
        "authenticator app. Add this key to the app (type it, or paste the address):"
    )
    ctx.say(f"    key: {second_factor.key_text(device)}")
    ctx.say(f"    address: {device.config_url}")
    ctx.say(f"  (Without an app: `tiptracker totp-code {login}` prints the current code.)")
