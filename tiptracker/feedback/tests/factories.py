import factory

from tiptracker.feedback.models import Question, Survey, SurveyVersion
from tiptracker.partnerships.tests.factories import PartnershipFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    """A survey with one version of one question."""

    class Meta:
        model = Survey
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Survey {n}")
    purpose = "reaction"

    @factory.post_generation
    def version(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        version = SurveyVersion.objects.create(
            survey=self,
            number=1,
            introduction="Tell us. You can leave any question blank.",
            anonymous=True,
        )
        Question.objects.create(version=version, position=1, kind="agreement", text="It helped.")


def answered(
    *,
    staff,
    course,
    timepoint: str,
    survey: Survey,
    answers: dict,
    completed_on=None,
    session=None,
    on=None,
):
    """`staff` invited to `survey` about `course` and answering it: `answers` maps a
    question's position to a value as the page sends it (a number, a choice's text, a list
    of choices, or text). Returns the Response."""
    invitation = invited(
        staff=staff,
        course=course,
        timepoint=timepoint,
        survey=survey,
        completed_on=completed_on,
        session=session,
    )
    return answer(invitation, answers, on=on)


def answer(invitation, answers: dict, *, on=None):
    """Answer an invitation as its page would (see `answered`)."""
    from tiptracker.feedback.invitations import check_answer, survey_answer
    from tiptracker.feedback.services import current_version

    version = current_version(invitation.survey)
    questions = {q.position: q for q in version.questions.all()}
    return survey_answer(
        invitation=invitation,
        version=version,
        answers={questions[p].pk: check_answer(questions[p], v) for p, v in answers.items()},
        on=on,
    )


def invited(*, staff, course, timepoint: str, survey: Survey, completed_on=None, session=None):
    """An invitation sent and not (yet) answered."""
    import datetime as dt
    import secrets

    from tiptracker.feedback.models import Invitation
    from tiptracker.lib.dates import today

    completed_on = completed_on or today() - dt.timedelta(days=2)
    return Invitation.objects.create(
        partnership_id=course.partnership_id,
        staff=staff,
        course=course,
        timepoint=timepoint,
        survey=survey,
        completed_on=completed_on,
        session=session,
        opens_on=completed_on,
        expires_on=today() + dt.timedelta(days=28),
        nonce=secrets.token_urlsafe(8),
        status=Invitation.Status.SENT,
    )


def attributable(survey: Survey) -> Survey:
    """Make `survey`'s versions attributable (answers carry the name, the session and the
    organisation, and are counted live with every filter). Returns the survey."""
    SurveyVersion.objects.filter(survey=survey).update(anonymous=False)
    return survey


def quarter_of(day):
    """The first day of the financial-year quarter containing `day` (worked out here, not
    by the code under test: the quarters start in April, July, October and January)."""
    import datetime as dt

    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def due_on(trained_on, *, delay_days: int = 0):
    """The day the released cell of the quarter of `trained_on` is due (worked out here,
    not by the code under test): the end of the quarter, the survey's delay (a follow-up's
    84 days), the link's 28 days and a week's grace. Release on the next day to publish."""
    import datetime as dt

    start = quarter_of(trained_on)
    month = start.month + 3
    ends_before = dt.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    return ends_before + dt.timedelta(days=delay_days + 28 + 7)
