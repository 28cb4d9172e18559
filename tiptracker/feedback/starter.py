"""The starter set of surveys a partnership gets: reaction after a session, confidence before
and after (the same questions at both timepoints, so they can be compared), and changes to
practice at follow-up. Every question may be skipped; the wording invites rather than
demands, and says what happens to the answers (a trauma-informed tone: choice, safety,
transparency). The anonymous ones ask no free text: written words can identify people, so
what they would say is offered as choices instead."""

from django.db import transaction

from tiptracker.feedback.models import Purpose, Question, Survey
from tiptracker.feedback.services import QuestionSpec, survey_create
from tiptracker.partnerships.actors import Actor

K = Question.Kind
SKIP = "You can leave any question blank."

REACTION = "Your views on the session"
CONFIDENCE = "Your confidence in trauma-informed practice"
PRACTICE = "Using what you learned"

STARTER: list[tuple[str, str, bool, str, list[QuestionSpec]]] = [
    (
        REACTION,
        Purpose.REACTION,
        True,
        "Thank you for coming. These few questions help us improve the sessions. The survey "
        "is anonymous: nothing links your answers to you. " + SKIP,
        [
            QuestionSpec(K.AGREEMENT, "The session was relevant to my work."),
            QuestionSpec(K.AGREEMENT, "I felt safe and respected during the session."),
            QuestionSpec(K.AGREEMENT, "I would recommend this session to a colleague."),
            QuestionSpec(
                K.RATING,
                "Overall, how would you rate the session?",
                "0 is very poor and 10 is excellent.",
            ),
            QuestionSpec(
                K.MULTIPLE,
                "What would make the session better?",
                "Choose any that apply.",
                choices=(
                    "More time for discussion",
                    "More examples from practice",
                    "A smaller group",
                    "More about looking after myself",
                    "Nothing: it was right for me",
                ),
            ),
        ],
    ),
    (
        CONFIDENCE,
        Purpose.LEARNING,
        False,
        "We ask these questions before the course and again after it, to see whether it "
        "made a difference. Your answers carry your name so that the two can be compared; "
        "only the partnership's training administrators see them, and reports show only "
        "totals for groups of five or more. " + SKIP,
        [
            QuestionSpec(
                K.RATING,
                "How confident do you feel about recognising how trauma can affect people?",
                "0 is not at all confident and 10 is very confident.",
            ),
            QuestionSpec(
                K.RATING,
                "How confident do you feel about responding in ways that avoid re-traumatising people?",
                "0 is not at all confident and 10 is very confident.",
            ),
            QuestionSpec(
                K.RATING,
                "How confident do you feel about looking after your own wellbeing at work?",
                "0 is not at all confident and 10 is very confident.",
            ),
        ],
    ),
    (
        PRACTICE,
        Purpose.BEHAVIOUR,
        True,
        "Some weeks have passed since your training. We would like to know whether it has "
        "been possible to use it in your work; there are no right answers. The survey is "
        "anonymous: nothing links your answers to you. " + SKIP,
        [
            QuestionSpec(
                K.SINGLE,
                "Since the training, have you changed anything about how you work?",
                choices=("Yes", "Not yet", "I am not sure"),
                change_answer="Yes",
            ),
            QuestionSpec(
                K.MULTIPLE,
                "If you have, what has changed?",
                "Choose any that apply.",
                choices=(
                    "How I speak with people",
                    "How I offer people choice and control",
                    "How I plan appointments or visits",
                    "How I support colleagues",
                    "Something else",
                ),
            ),
            QuestionSpec(K.AGREEMENT, "I have been able to use what I learned in my work."),
            QuestionSpec(
                K.MULTIPLE,
                "What has made it easier to use what you learned?",
                "Choose any that apply.",
                choices=(
                    "Time to reflect on my practice",
                    "Support from my manager",
                    "Talking it through with colleagues",
                    "Resources and toolkits",
                    "Something else",
                ),
            ),
            QuestionSpec(
                K.MULTIPLE,
                "What has made it harder?",
                "Choose any that apply.",
                choices=(
                    "Workload or not enough time",
                    "Not enough support",
                    "Systems or processes that work against it",
                    "Something else",
                ),
            ),
        ],
    ),
]


@transaction.atomic
def surveys_starter_set(*, actor: Actor, partnership_id: int) -> list[Survey]:
    """Add the starter surveys the partnership does not have yet (by name); returns those added."""
    existing = set(
        Survey.objects.filter(partnership_id=partnership_id).values_list("name", flat=True)
    )
    return [
        survey_create(
            actor=actor,
            partnership_id=partnership_id,
            name=name,
            purpose=purpose,
            introduction=introduction,
            anonymous=anonymous,
            questions=questions,
        )
        for name, purpose, anonymous, introduction, questions in STARTER
        if name not in existing
    ]
