"""Survey results as CSV and XLSX: the figures the page shows, small numbers suppressed and
anonymous answers' counts rounded as there; and, for administrators and learning and development officers only, the answers to
attributable surveys one by one. Anonymous answers are never exported one by one."""

from collections.abc import Iterator, Sequence

from django.http import HttpResponse
from django.utils.text import slugify

from tiptracker.feedback.models import Question
from tiptracker.feedback.results import Filters, Results, answer_keys, answer_labels
from tiptracker.lib.dates import today
from tiptracker.lib.exports import to_csv, to_xlsx
from tiptracker.lib.suppression import Figure, Rate
from tiptracker.partnerships.models import Partnership

RESULTS_HEADER = ["Course", "When", "Question", "Survey version", "Answer", "Figure"]
ANSWERS_HEADER = [
    "Person",
    "Staff ID",
    "Course",
    "When",
    "Given on",
    "Survey",
    "Survey version",
    "Question",
    "Answer",
]


def _shown(figure: Figure | Rate) -> object:
    """A number where one may be shown (so a spreadsheet can sum it), else the words."""
    if figure.suppressed:
        return str(figure)
    if isinstance(figure, Rate):
        return figure.percent(1)
    return figure.value


def results_rows(results: Results) -> Iterator[Sequence[object]]:
    for found in results.timepoints:
        when = found.timepoint_label
        if found.released:
            yield [
                found.course,
                when,
                "(everyone asked)",
                "",
                "Anonymous: counts rounded to the nearest 5, adding up",
                found.periods_label,
            ]
        yield [found.course, when, "(everyone asked)", "", "Asked", _shown(found.invited)]
        yield [found.course, when, "(everyone asked)", "", "Answered", _shown(found.answered)]
        yield [
            found.course,
            when,
            "(everyone asked)",
            "",
            "Response rate (%)",
            _shown(found.response_rate),
        ]
        for q in found.questions:
            version = q.question.versions_label
            for label, figure in q.pairs:
                yield [found.course, when, q.question.text, version, label, _shown(figure)]
            yield [
                found.course,
                when,
                q.question.text,
                version,
                "All who answered",
                _shown(q.counts.total),
            ]
            if q.mean is not None:
                yield [found.course, when, q.question.text, version, "Average", str(q.mean)]
            if q.changed is not None:
                yield [
                    found.course,
                    when,
                    q.question.text,
                    version,
                    f"Share answering {q.question.change_answer} (%)",
                    _shown(q.changed),
                ]
    for course, changes in results.changes.items():
        for change in changes:
            yield [
                course,
                "After minus before",
                change.question,
                "",
                "Change in average",
                str(change),
            ]


def answer_text(question: Question, number: int | None, text: str) -> str:
    """An answer in words, as the results label it (free text as written)."""
    if question.kind == Question.Kind.TEXT:
        return text
    labels: dict[int | None, str] = dict(
        zip(answer_keys(question), answer_labels(question), strict=True)
    )
    return labels.get(number, str(number))


def attributable_rows(partnership_id: int, filters: Filters) -> Iterator[Sequence[object]]:
    """Each answer to an attributable survey, with the person who gave it."""
    answers = (
        filters.answers(partnership_id)
        .filter(response__version__anonymous=False)
        .select_related("question", "course", "response__staff", "response__version__survey")
        .order_by("response__given_on", "response_id", "question__position", "number")
    )
    for answer in answers.iterator(chunk_size=2000):
        response, question = answer.response, answer.question
        staff = response.staff
        yield [
            f"{staff.first_name} {staff.last_name}".strip()
            if staff
            else "Someone who has since left",
            staff.staff_id if staff else "",
            answer.course.title,
            str(answer.get_timepoint_display()),
            response.given_on,
            response.version.survey.name,
            response.version.number,
            question.text,
            answer_text(question, answer.number, answer.text),
        ]


def download(
    partnership: Partnership,
    *,
    what: str,
    kind: str,
    header: Sequence[str],
    rows: Iterator[Sequence[object]],
) -> HttpResponse:
    name = f"{slugify(partnership.name)}-{what}-{today():%Y-%m-%d}.{kind}"
    if kind == "xlsx":
        content = to_xlsx(header, rows, title=what.replace("-", " ").capitalize())
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = to_csv(header, rows)
        mime = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
