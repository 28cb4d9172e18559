"""The courses import: one row per course, by course code. The details added later
(description, learning outcomes, duration) change only where the file has their column."""

from tiptracker.imports.kinds.base import Kind, Problem, RowInvalid, cell_text
from tiptracker.partnerships.models import Partnership
from tiptracker.training.models import Course

# A column the file does not have: the value stored stays as it is.
KEEP = object()


class CoursesKind(Kind):
    required = ["course_code", "title", "level"]
    # description, learning_outcomes and duration_minutes came later (an additive change):
    # a file without one of these columns leaves what the course has as it is.
    optional = ["delivery", "provider", "description", "learning_outcomes", "duration_minutes"]
    fields = ["title", "level", "delivery", "provider"]
    details = ["description", "learning_outcomes", "duration_minutes"]
    text_fields = {
        "course_code": (Course, "code"),
        "title": (Course, "title"),
        "provider": (Course, "provider"),
    }
    multiline = frozenset({"description", "learning_outcomes"})
    _DELIVERY = {
        "e-learning": "e-learning",
        "elearning": "e-learning",
        "e learning": "e-learning",
        "online module": "e-learning",
        "webinar": "webinar",
        "face-to-face": "face-to-face",
        "face to face": "face-to-face",
        "in person": "face-to-face",
        "blended": "blended",
        "": "",
    }
    MAX_MINUTES = 10080  # a week, as on the course form

    def __init__(self, partnership: Partnership):
        super().__init__(partnership)
        self.existing = {
            row[0]: row[1:]
            for row in Course.objects.filter(partnership=partnership).values_list(
                "code", "id", *self.fields, *self.details
            )
        }
        self.seen: dict[str, tuple] = {}

    def _minutes(self, number: int, row: dict, problems: list[Problem]) -> int | None:
        raw = row.get("duration_minutes")
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a spreadsheet's number
        text = cell_text(raw)
        if not text:
            return None
        if not text.isdigit() or not 1 <= int(text) <= self.MAX_MINUTES:
            problems.append(
                Problem(
                    number,
                    "duration_minutes",
                    f"'{text}' is not a whole number of minutes from 1 to {self.MAX_MINUTES} (a week)",
                )
            )
            return None
        return int(text)

    def check(self, number: int, row: dict[str, object], problems: list[Problem]) -> tuple:
        code = self._required(number, row, "course_code", problems)
        title = self._required(number, row, "title", problems)
        level = self._level(number, row, "level", problems, required=True)
        delivery_text = cell_text(row.get("delivery")).lower()
        delivery = self._DELIVERY.get(delivery_text)
        if delivery is None:
            problems.append(
                Problem(
                    number,
                    "delivery",
                    f"'{delivery_text}' is not one of e-learning, webinar, face-to-face, blended",
                )
            )
        # The details the file has a column for (KEEP where it has none).
        description = KEEP
        if "description" in row:
            description = cell_text(row.get("description"))
            if len(description) > 5000:
                problems.append(Problem(number, "description", "is longer than 5,000 characters"))
        outcomes = KEEP
        if "learning_outcomes" in row:
            outcomes = "\n".join(
                line.strip()
                for line in str(row.get("learning_outcomes") or "").splitlines()
                if line.strip()
            )
            if len(outcomes) > 5000:
                problems.append(
                    Problem(number, "learning_outcomes", "is longer than 5,000 characters")
                )
        minutes = self._minutes(number, row, problems) if "duration_minutes" in row else KEEP
        record = (
            code,
            title,
            level,
            delivery or "",
            cell_text(row.get("provider")),
            description,
            outcomes,
            minutes,
        )
        if not problems:
            if self.seen.get(code, record[1:]) != record[1:]:
                problems.append(
                    Problem(
                        number,
                        "course_code",
                        f"'{code}' appears earlier in the file with different details",
                    )
                )
            self.seen[code] = record[1:]
        if problems:
            raise RowInvalid(problems)
        return record

    def write(self, records: list) -> tuple[int, int, int]:
        created = updated = unchanged = 0
        names = self.fields + self.details
        for code, *given in records:
            existing = self.existing.get(code)
            if existing is None:
                values = [None if v is KEEP else v for v in given]
                values = [
                    "" if v is None and name != "duration_minutes" else v
                    for name, v in zip(names, values, strict=True)
                ]
                course = Course.objects.create(
                    partnership=self.partnership,
                    code=code,
                    **dict(zip(names, values, strict=True)),
                )
                self.existing[code] = (course.id, *values)
                created += 1
                continue
            values = [
                old if new is KEEP else new for old, new in zip(existing[1:], given, strict=True)
            ]
            if tuple(existing[1:]) == tuple(values):
                unchanged += 1
            else:
                Course.objects.filter(id=existing[0]).update(
                    **dict(zip(names, values, strict=True))
                )
                self.existing[code] = (existing[0], *values)
                updated += 1
        return created, updated, unchanged
