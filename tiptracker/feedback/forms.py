from typing import Any

from django import forms

from tiptracker.feedback.models import CourseSurvey, Survey, Timepoint


class CourseSurveysForm(forms.Form):
    """Which survey runs at each timepoint of a course, and the follow-up's delay."""

    follow_up_weeks = forms.IntegerField(
        label="Weeks after the course that the follow-up survey is sent",
        min_value=1,
        max_value=104,
        initial=CourseSurvey.DEFAULT_FOLLOW_UP_DAYS // 7,
        error_messages={
            "required": "Enter how many weeks after the course the follow-up is sent",
            "invalid": "Enter the number of weeks as a whole number, for example 12",
            "min_value": "The follow-up must be sent at least 1 week after the course",
            "max_value": "The follow-up must be sent within 104 weeks (2 years)",
        },
    )

    def __init__(self, data: Any = None, *, partnership_id: int, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        surveys = Survey.objects.filter(partnership_id=partnership_id).order_by("name")
        for value, label in Timepoint.choices:
            self.fields[value] = forms.ModelChoiceField(
                label=label,
                queryset=surveys,
                required=False,
                empty_label="No survey",
                error_messages={"invalid_choice": "Choose one of the surveys in the list"},
            )
        # Show the follow-up's delay after the follow-up's survey.
        self.order_fields([*Timepoint.values, "follow_up_weeks"])
