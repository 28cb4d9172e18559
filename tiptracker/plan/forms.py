"""Forms for the plan. The rules about the plan itself (due after start, an owner who is a
member, a real financial year) live in the services, whose errors come back onto the form."""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q

from tiptracker.forms import DatePartsField
from tiptracker.lib.dates import today
from tiptracker.lib.money import FinancialYear
from tiptracker.partnerships.models import Membership
from tiptracker.plan.models import Action, Phase, Priority
from tiptracker.plan.state import ADMIN_ONLY, ActionFields
from tiptracker.training.access import courses_for

VERSION_ERRORS = {"required": "This form is out of date: open the page again"}


class _MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:  # type: ignore[override]
        user = obj.user
        name = user.get_full_name() or user.email
        return f"{name} ({obj.get_role_display()})"


class PhaseForm(forms.Form):
    number = forms.IntegerField(
        label="Phase number",
        min_value=1,
        max_value=99,
        error_messages={
            "required": "Enter the phase number",
            "invalid": "Enter the phase number as a whole number, for example 1",
            "min_value": "The phase number must be 1 or more",
            "max_value": "The phase number must be 99 or less",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Foundations, leadership development and buy-in",
        error_messages={"required": "Enter the phase's title"},
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(phase: Phase) -> dict:
        return {k: getattr(phase, k) for k in ("number", "title", "description", "version")}


class PriorityForm(forms.Form):
    financial_year = forms.CharField(
        label="Financial year",
        max_length=20,
        help_text="For example, 2022/23",
        error_messages={"required": "Enter the financial year, for example 2022/23"},
    )
    number = forms.IntegerField(
        label="Priority number",
        min_value=1,
        max_value=99,
        error_messages={
            "required": "Enter the priority's number within the year",
            "invalid": "Enter the priority number as a whole number, for example 1",
            "min_value": "The priority number must be 1 or more",
            "max_value": "The priority number must be 99 or less",
        },
    )
    title = forms.CharField(
        label="Priority", max_length=300, error_messages={"required": "Enter the priority"}
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_financial_year(self) -> str:
        try:
            return str(FinancialYear.parse(self.cleaned_data["financial_year"]))
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None

    @staticmethod
    def initial_for(priority: Priority) -> dict:
        return {
            k: getattr(priority, k)
            for k in ("financial_year", "number", "title", "description", "version")
        }


class ActionForm(forms.Form):
    title = forms.CharField(
        label="Action",
        max_length=300,
        error_messages={
            "required": "Enter the action",
            "max_length": "The action must be 300 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea
    )
    phase = forms.ModelChoiceField(
        label="Phase",
        queryset=Phase.objects.none(),
        required=False,
        empty_label="No phase",
        error_messages={"invalid_choice": "Choose one of the phases in the list"},
    )
    priority = forms.ModelChoiceField(
        label="Priority",
        queryset=Priority.objects.none(),
        required=False,
        empty_label="No priority",
        error_messages={"invalid_choice": "Choose one of the priorities in the list"},
    )
    owner = _MemberChoice(
        label="Owner: a member",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No member (a group owns it)",
        help_text="A member who owns an action can update it and gets a weekly e-mail of what is due.",
        error_messages={"invalid_choice": "The owner must be a member of this partnership"},
    )
    owner_group = forms.CharField(
        label="Or owner: a group",
        max_length=200,
        required=False,
        help_text="For example, Trauma Steering Group. Leave blank when a member owns it.",
    )
    lead_organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Lead organisation",
        queryset=None,  # set in __init__
        required=False,
        empty_label="No lead organisation",
        error_messages={"invalid_choice": "Choose one of the organisations in the list"},
    )
    start_date = DatePartsField(
        label="Start date (optional)",
        what="start date",
        required=False,
        help_text="For example, 1 4 2022",
    )
    due_date = DatePartsField(
        label="Due date (optional)",
        what="due date",
        required=False,
        help_text="For example, 31 3 2023",
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Action.Status.choices,
        error_messages={
            "required": "Choose the action's status",
            "invalid_choice": "Choose one of the statuses",
        },
    )
    courses: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Courses", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    sessions: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Sessions", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    resources: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Resources", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, error_messages=VERSION_ERRORS
    )

    def __init__(
        self,
        data: Any = None,
        *,
        membership: Membership,
        action: Action | None = None,
        limited: bool = False,
        **kwargs: Any,
    ) -> None:
        from tiptracker.partnerships import access
        from tiptracker.resources.models import Resource
        from tiptracker.training.models import TrainingSession

        super().__init__(data, **kwargs)
        partnership_id = membership.partnership_id
        self._offer("phase", Phase.objects.filter(partnership_id=partnership_id))
        self._offer("priority", Priority.objects.filter(partnership_id=partnership_id))
        self._offer(
            "owner",
            Membership.objects.filter(partnership_id=partnership_id)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__email"),
        )
        self._offer("lead_organisation", access.organisations_for(membership).order_by("name"))
        self._offer("courses", courses_for(membership).order_by("level", "title"))
        self._offer(
            "resources", Resource.objects.filter(partnership_id=partnership_id).order_by("title")
        )
        # Sessions: those of the last two years and to come, and any already linked.
        since = today() - dt.timedelta(days=730)
        sessions = TrainingSession.objects.filter(partnership_id=partnership_id)
        linked = Q(pk__in=action.sessions.values("pk")) if action else Q(pk__in=[])
        self._offer(
            "sessions",
            sessions.filter(Q(starts_at__date__gte=since) | linked)
            .select_related("course")
            .order_by("-starts_at"),
        )
        self.action = action
        # An owner who is not an administrator: the fields that shape the plan are not theirs.
        self.limited = limited
        if limited:
            for name in ADMIN_ONLY:
                del self.fields[name]

    def _offer(self, name: str, queryset: Any) -> None:
        """The choices of a field: only this partnership's things."""
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def clean_version(self) -> int | None:
        version = self.cleaned_data.get("version")
        if self.action is not None and version is None:
            raise forms.ValidationError(VERSION_ERRORS["required"])
        return version

    @staticmethod
    def initial_for(action: Action) -> dict:
        return {
            "title": action.title,
            "description": action.description,
            "phase": action.phase_id,
            "priority": action.priority_id,
            "owner": action.owner_id,
            "owner_group": action.owner_group,
            "lead_organisation": action.lead_organisation_id,
            "start_date": action.start_date,
            "due_date": action.due_date,
            "status": action.status,
            "courses": [c.pk for c in action.courses.all()],
            "sessions": [s.pk for s in action.sessions.all()],
            "resources": [r.pk for r in action.resources.all()],
            "version": action.version,
        }

    def fields_value(self) -> ActionFields:
        """What was typed, over the action as saved for any field the form leaves out (an
        owner's form has no fields for what only administrators change)."""
        values = dict(ActionFields.of(self.action).__dict__) if self.action else {}
        for name, value in self.cleaned_data.items():
            if name in ActionFields.__dataclass_fields__:
                values[name] = (
                    tuple(value) if name in ("courses", "sessions", "resources") else value
                )
        return ActionFields(**values)


class ProgressUpdateForm(forms.Form):
    written_on = DatePartsField(
        label="Date", what="date of the update", help_text="For example, 14 6 2022"
    )
    text = forms.CharField(
        label="What has happened",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={
            "required": "Enter what has happened",
            "max_length": "The update must be 5,000 characters or fewer",
        },
    )


class AsOfForm(forms.Form):
    on = DatePartsField(
        label="Show the plan as it stood on", what="date", help_text="For example, 30 6 2022"
    )


class HistoryFilterForm(forms.Form):
    start = DatePartsField(
        label="From", what="start of the period", required=False, help_text="For example, 1 12 2021"
    )
    end = DatePartsField(
        label="To", what="end of the period", required=False, help_text="For example, 30 6 2022"
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end of the period must be the same as or after its start")
        return data
