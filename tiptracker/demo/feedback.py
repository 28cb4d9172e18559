"""The demo's surveys: the starter set, run by the launch webinar and the manager briefings
(reaction straight after, changes to practice twelve weeks later)."""

from tiptracker.demo import data
from tiptracker.demo.workspace import DemoContext
from tiptracker.feedback.models import Timepoint
from tiptracker.feedback.services import course_survey_set
from tiptracker.feedback.starter import PRACTICE, REACTION, surveys_starter_set
from tiptracker.partnerships.models import Role


def load(ctx: DemoContext) -> None:
    actor = ctx.memberships[Role.LD_OFFICER].user
    surveys = {
        s.name: s for s in surveys_starter_set(actor=actor, partnership_id=ctx.partnership.pk)
    }
    for code in (data.WEBINAR, data.BRIEFING):
        course = ctx.courses[code]
        course_survey_set(
            actor=actor, course=course, timepoint=Timepoint.REACTION, survey=surveys[REACTION]
        )
        course_survey_set(
            actor=actor, course=course, timepoint=Timepoint.FOLLOW_UP, survey=surveys[PRACTICE]
        )
    ctx.say(
        f"Surveys: the starter set ({len(surveys)}), run by the launch webinar and the manager "
        "briefings"
    )
