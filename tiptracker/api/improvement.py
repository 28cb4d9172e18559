"""The improvement programme through the API: projects (tests of change), their driver
diagrams and change ideas. Every member reads; administrators and learning and development
officers start projects; a project's lead and team, and those who run the programme, change
it, through the same services as the pages (improvement.services and .drivers). Measures,
values and charts are in improvement_measures.py, PDSA cycles in improvement_cycles.py."""

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import Lower
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.errors import Refused, refused
from tiptracker.api.filters import Filter, id_filter
from tiptracker.api.plan import DateInput, IdField
from tiptracker.api.serializers import CheckedEnumField, PlaceOutput, StrictCharField
from tiptracker.api.views import SLUG, ScopedDetailApi, ScopedListApi
from tiptracker.improvement import drivers, services
from tiptracker.improvement.access import (
    PROGRAMME_ROLES,
    READ_ROLES,
    get_driver_for_user,
    get_idea_for_user,
    get_project_for_user,
    projects_for,
    require_project_editor,
)
from tiptracker.improvement.models import ChangeIdea, Driver, Project
from tiptracker.lib.fields import max_length_of
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.workforce.models import Team

TAGS = ["Improvement"]
# Long texts (an aim, a description): the pages' limit.
TEXT_MAX = 5000
LIST_MAX = 500


class ProjectStatusField(CheckedEnumField):
    enum_name = "ProjectStage"
    enum_values = Project.Status.values
    enum_description = (
        "planning: agreeing the aim, measures and first ideas; testing: PDSA cycles on a small "
        "scale; implementing: making what worked the way of working; spreading: to other "
        "teams or organisations; sustaining: holding the gain; closed."
    )


class DriverKindField(CheckedEnumField):
    enum_name = "DriverKind"
    enum_values = Driver.Kind.values
    enum_description = (
        "primary: what must be in place to reach the aim; secondary: what must be in place for "
        "a primary driver (it names its primary driver as `parent`)."
    )


def _name(membership: Membership | None) -> str | None:
    if membership is None:
        return None
    return membership.user.get_full_name() or membership.user.email


def _runs_programme(serializer: serializers.Serializer) -> bool:
    membership = getattr(serializer.context.get("view"), "membership", None)
    return membership is not None and membership.role in PROGRAMME_ROLES


# Shapes ------------------------------------------------------------------------------------


class ProjectOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()
    aim = StrictCharField(help_text="The aim as one sentence: what, how much, for whom, by when.")
    aim_what = StrictCharField()
    aim_for_whom = StrictCharField()
    aim_how_much = StrictCharField()
    aim_by = serializers.DateField()
    status = ProjectStatusField()
    service_area = StrictCharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    sponsor = StrictCharField()
    lead = serializers.SerializerMethodField(help_text="The lead's name (null: none yet).")
    lead_email = serializers.SerializerMethodField(
        help_text="For administrators and learning and development officers; null for others."
    )
    team = serializers.SerializerMethodField(help_text="The project team's names.")
    team_emails = serializers.SerializerMethodField(
        help_text="For administrators and learning and development officers; null for others."
    )
    organisations = serializers.SerializerMethodField()
    teams = serializers.SerializerMethodField()
    headline_measure = serializers.IntegerField(
        source="headline_measure_id",
        allow_null=True,
        help_text="The measure whose chart stands for the project (its id).",
    )
    can_edit = serializers.SerializerMethodField(help_text="Whether you may change it.")

    def get_lead(self, project: Project) -> str | None:
        return _name(project.lead)

    def get_lead_email(self, project: Project) -> str | None:
        if project.lead is None or not _runs_programme(self):
            return None
        return project.lead.user.email

    def get_team(self, project: Project) -> list[str]:
        return sorted(_name(m.membership) or "" for m in project.members.all())

    def get_team_emails(self, project: Project) -> list[str] | None:
        if not _runs_programme(self):
            return None
        return sorted(m.membership.user.email for m in project.members.all())

    @extend_schema_field(PlaceOutput(many=True))
    def get_organisations(self, project: Project) -> list[dict]:
        places = sorted((o.organisation for o in project.organisations.all()), key=str)
        return [{"id": o.pk, "name": o.name} for o in places]

    @extend_schema_field(PlaceOutput(many=True))
    def get_teams(self, project: Project) -> list[dict]:
        places = sorted((t.team for t in project.teams.all()), key=lambda t: (t.name, t.pk))
        return [{"id": t.pk, "name": t.name} for t in places]

    def get_can_edit(self, project: Project) -> bool:
        membership = getattr(self.context.get("view"), "membership", None)
        if membership is None:
            return False
        if membership.role in PROGRAMME_ROLES or project.lead_id == membership.pk:
            return True
        return any(m.membership_id == membership.pk for m in project.members.all())


class ProjectInput(serializers.Serializer):
    title = StrictCharField(max_length=max_length_of(Project, "title"))
    aim_what = StrictCharField(max_length=TEXT_MAX, help_text="What the project will improve.")
    aim_for_whom = StrictCharField(max_length=max_length_of(Project, "aim_for_whom"))
    aim_how_much = StrictCharField(
        max_length=max_length_of(Project, "aim_how_much"),
        help_text="The size of the improvement, e.g. 'from 55% to 75%'.",
    )
    aim_by = DateInput(help_text="The date the aim is to be met by: YYYY-MM-DD (or DD/MM/YYYY).")
    status = ProjectStatusField(required=False, default=Project.Status.PLANNING)
    service_area = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=max_length_of(Project, "service_area"),
    )
    starts_on = DateInput(required=False, allow_null=True, default=None)
    ends_on = DateInput(required=False, allow_null=True, default=None)
    sponsor = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=max_length_of(Project, "sponsor"),
        help_text="Its senior sponsor's name and role, as written.",
    )
    lead_email = serializers.EmailField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The lead: a member of the partnership (blank: none).",
    )
    team_emails = serializers.ListField(
        child=serializers.EmailField(),
        required=False,
        default=list,
        max_length=LIST_MAX,
        help_text="The project team: members of the partnership, who may change the project.",
    )
    organisations = serializers.ListField(
        child=IdField(), required=False, default=list, max_length=LIST_MAX
    )
    teams = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        max_length=LIST_MAX,
        help_text="The teams taking part: measures worked out from TIP Tracker count their people.",
    )


class ProjectChangeInput(ProjectInput):
    headline_measure = IdField(
        required=False, allow_null=True, help_text="One of the project's measures (its id)."
    )


class ProjectFilter(Filter):
    status = ProjectStatusField(required=False, help_text="Only projects at this stage.")
    organisation = id_filter("Only projects this organisation takes part in (its id).")


def _members(membership: Membership, emails: list[str], field: str) -> list[Membership]:
    """Members of the partnership by e-mail address (as typed, whatever its case)."""
    wanted = {email.lower() for email in emails}
    found = {
        m.email_lower: m
        for m in Membership.objects.filter(partnership_id=membership.partnership_id)
        .annotate(email_lower=Lower("user__email"))
        .filter(email_lower__in=wanted)
        .select_related("user")
    }
    missing = wanted - set(found)
    if missing:
        raise Refused({field: [f"Not a member of this partnership: {', '.join(sorted(missing))}."]})
    return [found[email] for email in sorted(wanted)]


def _many(queryset: Any, ids: list[int], field: str) -> list[Any]:
    found = list(queryset.filter(pk__in=set(ids)))
    if len(found) != len(set(ids)):
        raise Refused({field: ["One or more of these does not exist here."]})
    return found


def _project_values(membership: Membership, data: dict, project: Project | None = None) -> dict:
    """The service's arguments from the input; for a PATCH, what was not sent kept from
    `project`."""
    values: dict[str, Any] = {}
    if project is not None:
        for name in (*services.PROJECT_TEXTS, "aim_by", "status", "starts_on", "ends_on"):
            values[name] = getattr(project, name)
        values["lead"] = project.lead
        values["members"] = [m.membership for m in project.members.all()]
        values["organisations"] = [o.organisation for o in project.organisations.all()]
        values["teams"] = [t.team for t in project.teams.all()]
        values["headline_measure"] = project.headline_measure
    for name in (*services.PROJECT_TEXTS, "aim_by", "status", "starts_on", "ends_on"):
        if name in data:
            values[name] = data[name]
    if "lead_email" in data:
        values["lead"] = (
            _members(membership, [data["lead_email"]], "lead_email")[0]
            if data["lead_email"]
            else None
        )
    if "team_emails" in data:
        values["members"] = _members(membership, data["team_emails"], "team_emails")
    if "organisations" in data:
        values["organisations"] = _many(
            access.organisations_for(membership), data["organisations"], "organisations"
        )
    if "teams" in data:
        # Any team of the partnership, as on the page (teams_for would limit a manager on
        # the project's team to the teams they manage).
        teams = Team.objects.filter(partnership_id=membership.partnership_id)
        values["teams"] = _many(teams, data["teams"], "teams")
    if "headline_measure" in data and project is not None:
        chosen = data["headline_measure"]
        values["headline_measure"] = (
            None if chosen is None else project.measures.filter(pk=chosen).first()
        )
        if chosen is not None and values["headline_measure"] is None:
            raise Refused({"headline_measure": ["Choose one of this project's measures."]})
    return values


PROJECT_NAMES = {"lead": "lead_email", "members": "team_emails"}


def projects_read(queryset: Any) -> Any:
    """Projects with what their output reads, in a fixed number of queries."""
    return queryset.select_related("lead__user").prefetch_related(
        "members__membership__user", "organisations__organisation", "teams__team"
    )


# Operations: projects ------------------------------------------------------------------------


class ProjectListCreateApi(ScopedListApi):
    # GET lists the programme's projects; POST starts one (those who run the programme).

    allowed_roles = READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {"POST": PROGRAMME_ROLES}
    serializer_class = ProjectOutput
    filter_class = ProjectFilter

    @extend_schema(
        tags=TAGS,
        summary="The improvement programme's projects (tests of change), by title",
        parameters=[SLUG, ProjectFilter],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        found = self.filters()
        projects = projects_for(self.membership)
        if found.get("status"):
            projects = projects.filter(status=found["status"])
        if found.get("organisation"):
            projects = projects.filter(
                pk__in=projects.filter(organisations__organisation_id=found["organisation"]).values(
                    "pk"
                )
            )
        return projects_read(projects).order_by("title", "id")

    @extend_schema(
        tags=TAGS,
        summary="Start an improvement project",
        parameters=[SLUG],
        request=ProjectInput,
        responses={201: ProjectOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = ProjectInput(data=request.data)
        found.is_valid(raise_exception=True)
        values = _project_values(self.membership, found.validated_data)
        try:
            project = services.project_create(
                actor=self.membership.user,
                partnership_id=self.membership.partnership_id,
                **values,
            )
        except ValidationError as error:
            raise refused(error, PROJECT_NAMES) from None
        project = projects_read(projects_for(self.membership)).get(pk=project.pk)
        return Response(
            ProjectOutput(project, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ProjectDetailApi(ScopedDetailApi):
    # GET one project; PATCH changes the fields sent (its team, or those who run the programme).

    allowed_roles = READ_ROLES
    serializer_class = ProjectOutput

    def get_object(self) -> Any:
        return access.get_or_404_in(projects_read(projects_for(self.membership)), self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One improvement project", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change a project (only the fields sent; lists replace the whole list)",
        parameters=[SLUG],
        request=ProjectChangeInput(partial=True),
        responses={200: ProjectOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        require_project_editor(self.membership, project)
        found = ProjectChangeInput(data=request.data, partial=True)
        found.is_valid(raise_exception=True)
        values = _project_values(self.membership, found.validated_data, project)
        try:
            services.project_update(actor=self.membership.user, project=project, **values)
        except ValidationError as error:
            raise refused(error, PROJECT_NAMES) from None
        return Response(self.get_serializer(self.get_object()).data)


def _editable_project(api: ScopedListApi | ScopedDetailApi) -> Project:
    """The project in the path, for a change by its team or those who run the programme."""
    project = get_project_for_user(api.membership, api.kwargs["pk"])
    require_project_editor(api.membership, project)
    return project


# Driver diagrams -----------------------------------------------------------------------------


class DriverOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    kind = DriverKindField()
    parent = serializers.IntegerField(  # type: ignore[assignment]  # DRF pops declared fields
        source="parent_id", allow_null=True, help_text="A secondary driver's primary driver."
    )
    title = StrictCharField()
    position = serializers.IntegerField(help_text="Its place among its siblings, from 0.")


class DriverInput(serializers.Serializer):
    kind = DriverKindField()
    title = StrictCharField(max_length=max_length_of(Driver, "title"))
    parent = IdField(  # type: ignore[assignment]  # DRF pops declared fields
        required=False,
        allow_null=True,
        default=None,
        help_text="For a secondary driver: the primary driver it serves (its id).",
    )


class DriverChangeInput(serializers.Serializer):
    title = StrictCharField(max_length=max_length_of(Driver, "title"), required=False)
    parent = IdField(  # type: ignore[assignment]  # DRF pops declared fields
        required=False,
        allow_null=True,
        help_text="For a secondary driver: the primary driver it serves (its id).",
    )


def _driver_of(project: Project, pk: int | None, field: str = "parent") -> Driver | None:
    if pk is None:
        return None
    found = Driver.objects.filter(project=project, pk=pk).first()
    if found is None:
        raise Refused({field: ["No such driver in this project."]})
    return found


class DriverListCreateApi(ScopedListApi):
    # GET lists a project's drivers, primary ones first; POST adds one (the project's team).

    allowed_roles = READ_ROLES
    serializer_class = DriverOutput

    @extend_schema(
        tags=TAGS,
        summary="A project's driver diagram: its primary drivers, then its secondary drivers",
        parameters=[SLUG],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        project = get_project_for_user(self.membership, self.kwargs["pk"])
        return Driver.objects.filter(project=project).order_by("kind", "position", "id")

    @extend_schema(
        tags=TAGS,
        summary="Add a primary or secondary driver",
        parameters=[SLUG],
        request=DriverInput,
        responses={201: DriverOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = _editable_project(self)
        found = DriverInput(data=request.data)
        found.is_valid(raise_exception=True)
        data = found.validated_data
        driver = drivers.driver_add(
            actor=self.membership.user,
            project=project,
            kind=data["kind"],
            title=data["title"],
            parent=_driver_of(project, data["parent"]),
        )
        return Response(DriverOutput(driver).data, status=status.HTTP_201_CREATED)


class DriverDetailApi(ScopedDetailApi):
    # GET one driver; PATCH its title or primary driver; DELETE it (the project's team).

    allowed_roles = READ_ROLES
    serializer_class = DriverOutput

    def get_object(self) -> Any:
        return get_driver_for_user(self.membership, self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One driver", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change a driver's title, or the primary driver a secondary one serves",
        parameters=[SLUG],
        request=DriverChangeInput,
        responses={200: DriverOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        driver = self.get_object()
        require_project_editor(self.membership, driver.project)
        found = DriverChangeInput(data=request.data)
        found.is_valid(raise_exception=True)
        data = found.validated_data
        parent = driver.parent
        if "parent" in data:
            if driver.kind == Driver.Kind.PRIMARY and data["parent"] is not None:
                raise Refused({"parent": ["A primary driver serves the aim: it has no parent."]})
            parent = _driver_of(driver.project, data["parent"])
        drivers.driver_update(
            actor=self.membership.user,
            driver=driver,
            title=data.get("title", driver.title),
            parent=parent,
        )
        return Response(DriverOutput(driver).data)

    @extend_schema(
        tags=TAGS,
        summary="Remove a driver (a primary driver's secondary drivers go with it; change "
        "ideas stay); removing one already gone answers 204 too",
        parameters=[SLUG],
        responses={204: None},
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        driver = (
            Driver.objects.filter(partnership_id=self.membership.partnership_id, pk=kwargs["pk"])
            .select_related("project")
            .first()
        )
        if driver is not None:
            require_project_editor(self.membership, driver.project)
            drivers.driver_delete(actor=self.membership.user, driver=driver)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Change ideas --------------------------------------------------------------------------------


class IdeaOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    title = StrictCharField()
    description = StrictCharField()
    drivers = serializers.SerializerMethodField(help_text="The secondary drivers it serves.")
    cycles = serializers.IntegerField(
        source="cycle_count", help_text="How many PDSA cycles have tested it."
    )

    def get_drivers(self, idea: ChangeIdea) -> list[int]:
        return sorted(link.driver_id for link in idea.serves.all())


class IdeaInput(serializers.Serializer):
    title = StrictCharField(max_length=max_length_of(ChangeIdea, "title"))
    description = StrictCharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
    drivers = serializers.ListField(
        child=IdField(),
        min_length=1,
        max_length=LIST_MAX,
        help_text="The secondary drivers it serves (their ids): one or more.",
    )


def ideas_read(queryset: Any) -> Any:
    return queryset.prefetch_related("serves").annotate(cycle_count=Count("cycles"))


def _served(project: Project, ids: list[int]) -> list[Driver]:
    return _many(Driver.objects.filter(project=project), ids, "drivers")


class IdeaListCreateApi(ScopedListApi):
    # GET lists a project's change ideas; POST adds one (the project's team).

    allowed_roles = READ_ROLES
    serializer_class = IdeaOutput

    @extend_schema(tags=TAGS, summary="A project's change ideas", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        project = get_project_for_user(self.membership, self.kwargs["pk"])
        return ideas_read(ChangeIdea.objects.filter(project=project)).order_by("position", "id")

    @extend_schema(
        tags=TAGS,
        summary="Add a change idea, serving one or more secondary drivers",
        parameters=[SLUG],
        request=IdeaInput,
        responses={201: IdeaOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = _editable_project(self)
        found = IdeaInput(data=request.data)
        found.is_valid(raise_exception=True)
        data = found.validated_data
        idea = drivers.change_idea_add(
            actor=self.membership.user,
            project=project,
            title=data["title"],
            description=data["description"],
            drivers=_served(project, data["drivers"]),
        )
        idea = ideas_read(ChangeIdea.objects.filter(pk=idea.pk)).get()
        return Response(IdeaOutput(idea).data, status=status.HTTP_201_CREATED)


class IdeaDetailApi(ScopedDetailApi):
    # GET one change idea; PATCH the fields sent; DELETE one never tested (the project's team).

    allowed_roles = READ_ROLES
    serializer_class = IdeaOutput

    def get_object(self) -> Any:
        get_idea_for_user(self.membership, self.kwargs["pk"])  # 404 outside the partnership
        return ideas_read(ChangeIdea.objects.select_related("project")).get(pk=self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One change idea", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change a change idea (only the fields sent)",
        parameters=[SLUG],
        request=IdeaInput(partial=True),
        responses={200: IdeaOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        idea = self.get_object()
        require_project_editor(self.membership, idea.project)
        found = IdeaInput(data=request.data, partial=True)
        found.is_valid(raise_exception=True)
        data = found.validated_data
        chosen = (
            _served(idea.project, data["drivers"])
            if "drivers" in data
            else [link.driver for link in idea.serves.select_related("driver")]
        )
        drivers.change_idea_update(
            actor=self.membership.user,
            idea=idea,
            title=data.get("title", idea.title),
            description=data.get("description", idea.description),
            drivers=chosen,
        )
        return Response(IdeaOutput(self.get_object()).data)

    @extend_schema(
        tags=TAGS,
        summary="Remove a change idea that no PDSA cycle has tested (409 when one has)",
        parameters=[SLUG],
        responses={204: None},
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        idea = self.get_object()
        require_project_editor(self.membership, idea.project)
        drivers.change_idea_delete(actor=self.membership.user, idea=idea)
        return Response(status=status.HTTP_204_NO_CONTENT)
