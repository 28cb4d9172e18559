"""Survey results: response rates and how each question was answered, by course and
timepoint, with every figure through the small-numbers rule (lib/suppression.py)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from tiptracker.feedback.models import AGREEMENT_SCALE, Answer, Invitation, Question
from tiptracker.lib.suppression import Figure, Rate, Row, rate, row


@dataclass
class QuestionResult:
    question: Question
    labels: list[str]
    counts: Row

    @property
    def pairs(self) -> list[tuple[str, Figure]]:
        return list(zip(self.labels, self.counts.cells, strict=True))


@dataclass
class TimepointResult:
    course: str
    timepoint: str
    invited: Figure
    answered: Figure
    response_rate: Rate
    questions: list[QuestionResult] = field(default_factory=list)


def _labels(question: Question) -> list[str]:
    if question.kind == Question.Kind.AGREEMENT:
        return [text for _value, text in AGREEMENT_SCALE]
    if question.kind == Question.Kind.RATING:
        return [str(n) for n in range(11)]
    return list(question.choices)


def _keys(question: Question) -> list[object]:
    if question.kind == Question.Kind.AGREEMENT:
        return [value for value, _text in AGREEMENT_SCALE]
    if question.kind == Question.Kind.RATING:
        return list(range(11))
    return list(range(len(question.choices)))


def results_for(partnership_id: int, *, at: int) -> list[TimepointResult]:
    """Per course and timepoint: invited (sent), answered, the rate, and each question's
    answers counted, suppressed as a row with its total."""
    sent = (
        Invitation.objects.filter(partnership_id=partnership_id)
        .exclude(status=Invitation.Status.WAITING)
        .values("course_id", "course__title", "timepoint")
        .annotate(
            invited=Count("id"), answered=Count("id", filter=Q(status=Invitation.Status.ANSWERED))
        )
        .order_by("course__title", "timepoint")
    )
    answers: dict[tuple[int, str], dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for course_id, timepoint, question_id, value in Answer.objects.filter(
        partnership_id=partnership_id, number__isnull=False
    ).values_list("course_id", "timepoint", "question_id", "number"):
        answers[(course_id, timepoint)][question_id][value] += 1
    questions = {
        q.pk: q
        for q in Question.objects.filter(version__responses__partnership_id=partnership_id)
        .select_related("version")
        .distinct()
    }
    results = []
    for line in sent:
        key = (line["course_id"], line["timepoint"])
        found = TimepointResult(
            course=line["course__title"],
            timepoint=line["timepoint"],
            invited=row([line["invited"]], at=at).total,
            answered=row([line["answered"]], at=at).total,
            response_rate=rate(line["answered"], line["invited"], at=at),
        )
        for question_id, counter in sorted(answers[key].items()):
            question = questions.get(question_id)
            if question is None or question.kind == Question.Kind.TEXT:
                continue  # free text: shown only for attributable surveys, one by one (to come)
            found.questions.append(
                QuestionResult(
                    question=question,
                    labels=_labels(question),
                    counts=row([counter.get(k, 0) for k in _keys(question)], at=at),
                )
            )
        results.append(found)
    return results
