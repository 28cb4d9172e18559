"""Forms for the improvement programme. They carry what a person typed to the services, whose
rules (and words) decide what is accepted."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from tiptracker.forms import DatePartsField, no_control_characters
from tiptracker.improvement.models import Consultation, Driver, Measure, PdsaCycle, Project
from tiptracker.lib.fields import max_length_of
from tiptracker.lib.levels import Level
from tiptracker.lib.users import user_name
from tiptracker.partnerships.models import Membership, Organisation
from tiptracker.training.claims import EvidenceRefused, check_name_and_size
from tiptracker.workforce.models import Team


def _text(label: str, model: type, name: str, *, missing: str = "", **kw: Any) -> forms.CharField:
    """A line of text as long as the model keeps; `missing`: the message when it is left blank
    (blank allowed without it)."""
    limit = max_length_of(model, name)
    return forms.CharField(
        label=label,
        max_length=limit,
        required=bool(missing),
        error_messages={
            "required": missing,
            "max_length": f"{label.split(' (')[0]} must be {limit} characters or fewer",
        },
        validators=[no_control_characters(label.split(" (")[0])],
        **kw,
    )


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:  # type: ignore[no-untyped-def]
        return f"{user_name(obj.user)} ({obj.get_role_display()})"


class MembersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:  # type: ignore[no-untyped-def]
        return f"{user_name(obj.user)} ({obj.get_role_display()})"


class TeamsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:  # type: ignore[no-untyped-def]
        return f"{obj.organisation.name}: {obj.name}"


class ProjectForm(forms.Form):
    title = _text(
        "Title",
        Project,
        "title",
        missing="Enter the project's title",
        help_text="For example, Trauma-informed first appointments",
    )
    aim_what = forms.CharField(
        label="What will improve",
        widget=forms.Textarea,
        help_text="The aim, as the team would say it: what will be better.",
        error_messages={"required": "Enter what the project will improve"},
        validators=[no_control_characters("What will improve", multiline=True)],
    )
    aim_for_whom = _text(
        "For whom",
        Project,
        "aim_for_whom",
        missing="Enter who it is for",
        help_text="For example, young people referred to the adolescent service",
    )
    aim_how_much = _text(
        "How much",
        Project,
        "aim_how_much",
        missing="Enter how much: the size of the improvement",
        help_text="The size of the improvement, for example from 55% to 80%",
    )
    aim_by = DatePartsField(
        label="By when", what="date the aim is to be met by", help_text="For example, 31 3 2023"
    )
    service_area = _text("Service area (optional)", Project, "service_area")
    status = forms.ChoiceField(label="Stage", choices=Project.Status.choices)
    starts_on = DatePartsField(label="Start date (optional)", what="start date", required=False)
    ends_on = DatePartsField(label="End date (optional)", what="end date", required=False)
    sponsor = _text(
        "Sponsor (optional)",
        Project,
        "sponsor",
        help_text="The senior leader who supports it: name and role",
    )
    lead = MemberChoiceField(
        label="Lead (optional)",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No lead yet",
        error_messages={"invalid_choice": "Choose one of the members in the list"},
    )
    members = MembersChoiceField(
        label="Project team",
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They may change the project and its measures.",
        error_messages={"invalid_choice": "Choose members from the list"},
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Organisations taking part",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose organisations from the list"},
    )
    teams = TeamsChoiceField(
        label="Teams and services taking part",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose teams from the list"},
    )

    def __init__(self, *args: Any, partnership_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members: QuerySet = (
            Membership.objects.filter(partnership_id=partnership_id)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__email")
        )
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = members
        for name, queryset in (
            ("members", members),
            (
                "organisations",
                Organisation.objects.filter(partnership_id=partnership_id).order_by("name"),
            ),
            (
                "teams",
                Team.objects.filter(partnership_id=partnership_id)
                .select_related("organisation")
                .order_by("organisation__name", "name"),
            ),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = queryset

    @staticmethod
    def initial_for(project: Project) -> dict:
        return {
            "title": project.title,
            "aim_what": project.aim_what,
            "aim_for_whom": project.aim_for_whom,
            "aim_how_much": project.aim_how_much,
            "aim_by": project.aim_by,
            "service_area": project.service_area,
            "status": project.status,
            "starts_on": project.starts_on,
            "ends_on": project.ends_on,
            "sponsor": project.sponsor,
            "lead": project.lead_id,
            "members": [m.membership_id for m in project.members.all()],
            "organisations": [o.organisation_id for o in project.organisations.all()],
            "teams": [t.team_id for t in project.teams.all()],
        }


class MeasureForm(forms.Form):
    source = forms.ChoiceField(
        label="Where the values come from",
        choices=Measure.Source.choices,
        widget=forms.RadioSelect,
        initial=Measure.Source.ENTERED,
        required=False,  # left out: entered
        help_text="A measure worked out from TIP Tracker's records counts the project's teams (or, with none, its organisations) at each month end (the practice-change rate: each quarter end), from a year before the project started.",
    )
    level = forms.TypedChoiceField(
        label="Framework level (for coverage)",
        choices=[("", "Choose a level"), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    title = _text(
        "Name",
        Measure,
        "title",
        missing="Enter the measure's name",
        help_text="For example, Young people who attend their first appointment (%)",
    )
    kind = forms.ChoiceField(
        label="Kind of measure",
        choices=Measure.Kind.choices,
        widget=forms.RadioSelect,
        help_text="Outcome: the aim itself. Process: whether the changes happen. Balancing: what they might make worse.",
        error_messages={"required": "Choose what kind of measure it is"},
    )
    definition = forms.CharField(
        label="Operational definition",
        widget=forms.Textarea,
        help_text="Exactly what is counted, from where, and how, so that anyone would count the same.",
        error_messages={
            "required": "Enter the operational definition: exactly what is counted, and how"
        },
        validators=[no_control_characters("The operational definition", multiline=True)],
    )
    unit = forms.ChoiceField(label="Unit", choices=Measure.Unit.choices)
    frequency = forms.ChoiceField(
        label="How often", choices=Measure.Frequency.choices, initial="monthly"
    )
    improvement = forms.ChoiceField(
        label="Which way is better",
        choices=Measure.Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which way is better"},
    )
    target = forms.FloatField(
        label="Target (optional)",
        required=False,
        error_messages={"invalid": "Enter the target as a number, like 80"},
    )
    chart = forms.ChoiceField(
        label="Chart",
        choices=Measure.Chart.choices,
        widget=forms.RadioSelect,
        initial=Measure.Chart.RUN,
        help_text="A run chart needs fewer points; an SPC chart's limits need at least 12.",
    )
    rules = forms.ChoiceField(
        label="Run chart rules", choices=Measure.Rules.choices, initial=Measure.Rules.IHI
    )
    baseline_points = forms.IntegerField(
        label="Baseline points (optional)",
        required=False,
        min_value=2,
        max_value=1000,
        help_text="How many of the first points set the centre line (and limits). Leave blank to use them all.",
        error_messages={
            "invalid": "Enter the number of baseline points as a whole number",
            "min_value": "A baseline needs at least 2 points",
            "max_value": "A baseline of more than 1,000 points is not needed",
        },
    )

    @staticmethod
    def initial_for(measure: Measure) -> dict:
        return {
            name: getattr(measure, name)
            for name in (
                "source",
                "level",
                "title",
                "kind",
                "definition",
                "unit",
                "frequency",
                "improvement",
                "target",
                "chart",
                "rules",
                "baseline_points",
            )
        }


class ValueForm(forms.Form):
    on = DatePartsField(
        label="Date",
        what="date of the value",
        help_text="The end of the period it counts, for example 31 1 2023",
    )
    value = forms.FloatField(
        label="Value",
        error_messages={
            "required": "Enter the value",
            "invalid": "Enter the value as a number, like 41.5",
        },
    )
    rebase = forms.BooleanField(
        label="A change was adopted: start a new centre line (and limits) from this point",
        required=False,
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=500,
        required=False,
        help_text="Shown on the chart, for example what changed.",
        error_messages={"max_length": "The note must be 500 characters or fewer"},
        validators=[no_control_characters("The note")],
    )


# A measure's values for years fit in a few kilobytes; this is far above that.
SERIES_FILE_MAX_BYTES = 2 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="CSV or Excel (.xlsx), at most 2 MB, with the columns date and value, and optionally rebase (1 on the first point of a new part of the chart) and note.",
        error_messages={"required": "Choose a file to upload", "empty": "The file is empty"},
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > SERIES_FILE_MAX_BYTES:
            raise forms.ValidationError("The file must be 2 MB or smaller")
        return upload


class ProgrammeFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "All stages"), *Project.Status.choices]
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="All organisations",
    )

    def __init__(self, *args: Any, partnership_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(partnership_id=partnership_id).order_by("name")


class DriverForm(forms.Form):
    """A driver: its title and, for a secondary driver, the primary driver it serves."""

    kind = forms.ChoiceField(choices=Driver.Kind.choices, widget=forms.HiddenInput)
    parent = forms.ModelChoiceField(
        label="Primary driver it serves",
        queryset=Driver.objects.none(),
        required=False,
        empty_label="Choose a primary driver",
        error_messages={"invalid_choice": "Choose one of the primary drivers in the list"},
    )
    title = forms.CharField(
        label="Driver",
        max_length=300,
        error_messages={
            "required": "Enter the driver",
            "max_length": "The driver must be 300 characters or fewer",
        },
        validators=[no_control_characters("The driver")],
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = project.drivers.filter(kind=Driver.Kind.PRIMARY)


class ChangeIdeaForm(forms.Form):
    title = forms.CharField(
        label="Change idea",
        max_length=300,
        help_text="A change that might help, for example: young people choose where to meet",
        error_messages={
            "required": "Enter the change idea",
            "max_length": "The change idea must be 300 characters or fewer",
        },
        validators=[no_control_characters("The change idea")],
    )
    description = forms.CharField(
        label="More about it (optional)",
        widget=forms.Textarea,
        required=False,
        validators=[no_control_characters("More about it", multiline=True)],
    )
    drivers = forms.ModelMultipleChoiceField(
        label="Secondary drivers it serves",
        queryset=Driver.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one secondary driver it serves",
            "invalid_choice": "Choose secondary drivers from the list",
        },
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["drivers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = project.drivers.filter(kind=Driver.Kind.SECONDARY).select_related("parent")
        field.label_from_instance = lambda obj: f"{obj.title} (for {obj.parent.title})"  # type: ignore[method-assign]


def _long(label: str, *, missing: str = "", hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea,
        required=bool(missing),
        help_text=hint,
        error_messages={"required": missing},
        validators=[no_control_characters(label.split(" (")[0], multiline=True)],
    )


class CycleForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, New letter for ten first appointments in one team",
        error_messages={
            "required": "Enter a short title for the test",
            "max_length": "The title must be 200 characters or fewer",
        },
        validators=[no_control_characters("The title")],
    )
    starts_on = DatePartsField(label="Starts", what="date the test starts")
    ends_on = DatePartsField(label="Ends (optional)", what="date the test ends", required=False)
    question = _long("Plan: the question", missing="Enter the question the test answers")
    prediction = _long("Plan: what we predict", missing="Enter what you predict will happen")
    who_when_where = _long("Plan: who, when and where (optional)")
    data_to_collect = _long("Plan: the data to collect (optional)")
    what_happened = _long("Do: what happened (optional)")
    observations = _long("Do: observations (optional)", hint="Anything unexpected, problems")
    results = _long("Study: the results against the prediction (optional)")
    act = forms.ChoiceField(
        label="Act",
        choices=[("", "Not decided yet"), *PdsaCycle.Act.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    act_notes = _long("Act: what next (optional)")

    @staticmethod
    def initial_for(cycle: PdsaCycle) -> dict:
        names = (
            "title", "starts_on", "ends_on", "question", "prediction", "who_when_where",
            "data_to_collect", "what_happened", "observations", "results", "act", "act_notes",
        )  # fmt: skip
        return {name: getattr(cycle, name) for name in names}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Add a file",
        help_text="A PDF, a photo or scan (.jpg or .png), or a Word document, smaller than 5 MB: a data collection sheet, a photo of the run chart on the wall.",
        error_messages={"required": "Choose a file to add", "empty": "The chosen file is empty"},
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        """Its kind and size before it is read: learning claims' evidence rules (a file far
        too large is never read into memory; its contents are checked by the service)."""
        upload = self.cleaned_data["file"]
        try:
            check_name_and_size(upload.name, upload.size)
        except EvidenceRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return upload


class RebaseForm(forms.Form):
    value = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "Choose the value that starts the new centre line"},
    )


class ConsultationForm(forms.Form):
    held_on = DatePartsField(
        label="Date", what="date it was held", help_text="For example, 14 3 2022"
    )
    audience = forms.ChoiceField(
        label="Who took part",
        choices=Consultation.Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who took part"},
    )
    activity = forms.CharField(
        label="What was done",
        max_length=200,
        help_text="For example, three focus groups in youth clubs",
        error_messages={
            "required": "Enter what was done, for example a focus group",
            "max_length": "What was done must be 200 characters or fewer",
        },
        validators=[no_control_characters("What was done")],
    )
    took_part = forms.IntegerField(
        label="How many took part",
        min_value=1,
        max_value=1_000_000,
        error_messages={
            "required": "Enter how many people took part, as a whole number",
            "invalid": "Enter how many people took part, as a whole number",
            "min_value": "Enter how many people took part, as a whole number",
            "max_value": "Enter how many people took part, as a whole number",
        },
    )
    heard = _long("What was heard", missing="Enter what was heard")
    changed = _long("What changed because of it (optional)")

    @staticmethod
    def initial_for(consultation: Consultation) -> dict:
        names = ("held_on", "audience", "activity", "took_part", "heard", "changed")
        return {name: getattr(consultation, name) for name in names}
