"""The results page's filters: level, course, session, organisation and period (a financial
year or one of its quarters, never free dates), from the query string (a GET form, so a
filtered view can be bookmarked and shared). Session and organisation apply to attributable
surveys only (results.py)."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.timezone import localtime

from tiptracker.feedback.periods import Period
from tiptracker.feedback.results import Filters
from tiptracker.lib.dates import LONDON, today
from tiptracker.lib.levels import Level
from tiptracker.lib.money import FinancialYear
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership, Organisation
from tiptracker.training.access import courses_for, sessions_for
from tiptracker.training.models import Course, TrainingSession

FIRST_YEAR = 2018  # the national trauma training programme's first full year


def periods(until: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """(value, label, start, end) for each financial year, then its quarters, newest first."""
    found = []
    for year in range(FinancialYear.containing(until).start_year, FIRST_YEAR - 1, -1):
        whole = Period(FinancialYear(year))
        found.append(
            (whole.key, f"{whole.year} (the whole year)", whole.starts_on, whole.ends_before)
        )
        for quarter in range(1, 5):
            period = Period(whole.year, quarter)
            found.append((period.key, period.label, period.starts_on, period.ends_before))
    return found


class ResultsFiltersForm(forms.Form):
    level = forms.TypedChoiceField(
        label="Level",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "All levels"), *[(str(v), label) for v, label in Level.choices]],
        error_messages={"invalid_choice": "Choose a level from the list"},
    )
    course = forms.ModelChoiceField(
        label="Course",
        required=False,
        queryset=Course.objects.none(),
        empty_label="All courses",
        error_messages={"invalid_choice": "Choose a course from the list"},
    )
    session = forms.ModelChoiceField(
        label="Session",
        help_text="Choose a course first to see its sessions. Surveys with anonymous answers "
        "are not shown for one session.",
        required=False,
        queryset=TrainingSession.objects.none(),
        empty_label="All sessions",
        error_messages={"invalid_choice": "Choose a session of the course from the list"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        help_text="Surveys with anonymous answers are not shown for one organisation.",
        required=False,
        queryset=Organisation.objects.none(),
        empty_label="All organisations",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    period = forms.ChoiceField(
        label="When the training took place",
        required=False,
        error_messages={"invalid_choice": "Choose a period from the list"},
    )

    def __init__(self, data: Any, *, membership: Membership) -> None:
        super().__init__(data)
        self.membership = membership
        courses = courses_for(membership).order_by("level", "title")
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["course"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.title} ({Level(c.level).label})"
        )
        chosen = self.data.get("course") if self.is_bound else None
        sessions = sessions_for(membership).order_by("-starts_at")
        self.fields["session"].queryset = (  # type: ignore[attr-defined]
            sessions.filter(course_id=chosen) if str(chosen or "").isdigit() else sessions.none()
        )
        self.fields["session"].label_from_instance = (  # type: ignore[attr-defined]
            lambda s: (
                f"{localtime(s.starts_at, LONDON):%-d %B %Y, %H:%M}"
                + (f", {s.venue}" if s.venue else "")
            )
        )
        self.fields["organisation"].queryset = access.organisations_for(  # type: ignore[attr-defined]
            membership
        ).order_by("name")
        self._periods = {value: (start, end) for value, _label, start, end in periods(today())}
        self.fields["period"].choices = [  # type: ignore[attr-defined]
            ("", "Any time"),
            *[(value, label) for value, label, _s, _e in periods(today())],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        course, level = data.get("course"), data.get("level")
        if course is not None and level is not None and course.level != level:
            self.add_error(
                "course",
                "That course is at another level: choose all levels, or a course at this level",
            )
        return data

    def filters(self) -> Filters:
        """The chosen filters (the form must be valid)."""
        data = self.cleaned_data
        course_ids: tuple[int, ...] | None = None
        if data.get("course") is not None:
            course_ids = (data["course"].pk,)
        elif data.get("level") is not None:
            course_ids = tuple(
                courses_for(self.membership)
                .filter(level=data["level"])
                .values_list("pk", flat=True)
            )
        start = end = None
        if data.get("period"):
            start, end = self._periods[data["period"]]
        return Filters(
            course_ids=course_ids,
            session_id=data["session"].pk if data.get("session") else None,
            organisation_id=data["organisation"].pk if data.get("organisation") else None,
            start=start,
            end=end,
        )

    def described(self) -> str:
        """The filters in words, for a heading and the exports."""
        data = self.cleaned_data
        parts = []
        for name in ("level", "course", "session", "organisation", "period"):
            value = data.get(name)
            if value in (None, ""):
                continue
            field = self.fields[name]
            if name == "level":
                parts.append(Level(int(str(value))).label)
            elif name == "period":
                parts.append(dict(field.choices)[value])  # type: ignore[attr-defined]
            else:
                parts.append(field.label_from_instance(value))  # type: ignore[attr-defined]
        return "; ".join(parts) or "All courses, all organisations, any time"
