"""The improvement programme's pages: the programme (every project, its stage and headline
chart), a project (aim, team, measures), a measure (its chart beside its data table, with
values entered, imported and downloaded). Every member reads; see access.py for who edits."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tiptracker.forms import ConfirmForm, add_service_error, form_page, posted
from tiptracker.improvement import services
from tiptracker.improvement.access import (
    PROGRAMME_ROLES,
    READ_ROLES,
    can_edit_project,
    get_measure_for_user,
    get_project_for_user,
    get_value_for_user,
    projects_for,
    require_project_editor,
)
from tiptracker.improvement.charts import measure_chart, measure_png, programme_rows
from tiptracker.improvement.computed import quarters_not_shown, refresh_due
from tiptracker.improvement.forms import (
    ImportForm,
    MeasureForm,
    ProgrammeFilterForm,
    ProjectForm,
    ValueForm,
)
from tiptracker.improvement.models import Measure
from tiptracker.improvement.selectors import chart_of, programme
from tiptracker.lib.exports import to_csv
from tiptracker.lib.series import SeriesProblems, read_series
from tiptracker.lib.suppression import threshold
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership


@access.partnership_view(READ_ROLES)
def improvement_programme(request: HttpRequest, membership: Membership) -> HttpResponse:
    filters = ProgrammeFilterForm(request.GET or None, partnership_id=membership.partnership_id)
    status, organisation_id = "", None
    if filters.is_valid():
        status = filters.cleaned_data["status"] or ""
        chosen = filters.cleaned_data["organisation"]
        organisation_id = chosen.pk if chosen else None
    projects = list(
        programme(projects_for(membership), status=status, organisation_id=organisation_id)
    )
    refresh_due([p.headline_measure for p in projects if p.headline_measure is not None])
    return render(
        request,
        "improvement/programme.html",
        {
            "rows": programme_rows(projects),
            "filters": filters,
            "filtered": bool(status or organisation_id),
            "can_start": membership.role in PROGRAMME_ROLES,
        },
    )


@access.partnership_view(PROGRAMME_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_project_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ProjectForm(posted(request), partnership_id=membership.partnership_id)
    return form_page(
        request,
        form=form,
        save=lambda data: services.project_create(
            actor=membership.user, partnership_id=membership.partnership_id, **data
        ),
        saved_message=lambda project: f"Started the project: {project}.",
        done=lambda project: redirect(
            "improvement_project", membership.partnership.slug, project.pk
        ),
        template="improvement/project_form.html",
        context={"project": None},
    )


@access.partnership_view(READ_ROLES)
def improvement_project(
    request: HttpRequest, membership: Membership, project_pk: int
) -> HttpResponse:
    project = get_project_for_user(membership, project_pk)
    measures = list(project.measures.order_by("id"))
    refresh_due(measures)
    return render(
        request,
        "improvement/project.html",
        {
            "project": project,
            "measures": [measure_chart(m, thumbnail=True) for m in measures],
            "members": project.members.select_related("membership__user").order_by(
                "membership__user__first_name", "membership__user__email"
            ),
            "organisations": project.organisations.select_related("organisation").order_by(
                "organisation__name"
            ),
            "teams": project.teams.select_related("team__organisation").order_by(
                "team__organisation__name", "team__name"
            ),
            "can_edit": can_edit_project(membership, project),
            "consultations": project.consultations.all(),
            "latest_cycle": project.cycles.select_related("change_idea")
            .order_by("-starts_on", "-id")
            .first(),
        },
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_project_edit(
    request: HttpRequest, membership: Membership, project_pk: int
) -> HttpResponse:
    project = get_project_for_user(membership, project_pk)
    require_project_editor(membership, project)
    form = ProjectForm(
        posted(request),
        initial=ProjectForm.initial_for(project),
        partnership_id=membership.partnership_id,
    )
    return form_page(
        request,
        form=form,
        save=lambda data: services.project_update(
            actor=membership.user,
            project=project,
            headline_measure=project.headline_measure,
            **data,
        ),
        saved_message=lambda project: f"Saved the project: {project}.",
        done=redirect("improvement_project", membership.partnership.slug, project.pk),
        template="improvement/project_form.html",
        context={"project": project},
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_measure_new(
    request: HttpRequest, membership: Membership, project_pk: int
) -> HttpResponse:
    project = get_project_for_user(membership, project_pk)
    require_project_editor(membership, project)
    return form_page(
        request,
        form=MeasureForm(posted(request)),
        save=lambda data: services.measure_create(actor=membership.user, project=project, **data),
        saved_message=lambda measure: f"Added the measure: {measure}.",
        done=lambda measure: redirect(
            "improvement_measure", membership.partnership.slug, measure.pk
        ),
        template="improvement/measure_form.html",
        context={"project": project, "measure": None},
    )


def _measure_page(
    request: HttpRequest,
    membership: Membership,
    measure: Measure,
    *,
    value_form: ValueForm | None = None,
    import_form: ImportForm | None = None,
    import_problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = can_edit_project(membership, measure.project)
    refresh_due([measure])
    return render(
        request,
        "improvement/measure.html",
        {
            "measure": measure,
            "project": measure.project,
            "shown": measure_chart(measure),
            "values": measure.values.order_by("on"),
            "can_edit": can_edit,
            "can_enter": can_edit and not measure.computed,
            "value_form": value_form or ValueForm(),
            "import_form": import_form or ImportForm(),
            "import_problems": import_problems or [],
            "not_shown": quarters_not_shown(measure),
            "small_number": threshold(),
        },
        status=status,
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_measure(
    request: HttpRequest, membership: Membership, measure_pk: int
) -> HttpResponse:
    """The measure's chart and table; its editors add (or correct) a value here."""
    measure = get_measure_for_user(membership, measure_pk)
    if request.method != "POST":
        return _measure_page(request, membership, measure)
    require_project_editor(membership, measure.project)
    form = ValueForm(request.POST)
    if form.is_valid():
        try:
            saved = services.measure_value_record(
                actor=membership.user, measure=measure, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Saved the value for {saved.on:%-d %B %Y}.")
            return redirect("improvement_measure", membership.partnership.slug, measure.pk)
    return _measure_page(request, membership, measure, value_form=form, status=400)


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_measure_edit(
    request: HttpRequest, membership: Membership, measure_pk: int
) -> HttpResponse:
    measure = get_measure_for_user(membership, measure_pk)
    require_project_editor(membership, measure.project)
    return form_page(
        request,
        form=MeasureForm(posted(request), initial=MeasureForm.initial_for(measure)),
        save=lambda data: services.measure_update(actor=membership.user, measure=measure, **data),
        saved_message=lambda measure: f"Saved the measure: {measure}.",
        done=redirect("improvement_measure", membership.partnership.slug, measure.pk),
        template="improvement/measure_form.html",
        context={"project": measure.project, "measure": measure},
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_measure_delete(
    request: HttpRequest, membership: Membership, measure_pk: int
) -> HttpResponse:
    measure = get_measure_for_user(membership, measure_pk)
    project = measure.project
    require_project_editor(membership, project)
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda _: services.measure_delete(actor=membership.user, measure=measure),
        saved_message=lambda _: f"Deleted the measure: {measure}.",
        done=redirect("improvement_project", membership.partnership.slug, project.pk),
        template="improvement/measure_delete.html",
        context=lambda: {
            "measure": measure,
            "project": project,
            "values_count": measure.values.count(),
            "headline": project.headline_measure_id == measure.pk,
        },
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["POST"])
def improvement_measure_import(
    request: HttpRequest, membership: Membership, measure_pk: int
) -> HttpResponse:
    """Values from a CSV or XLSX file: all of them or, if any row is wrong, none."""
    measure = get_measure_for_user(membership, measure_pk)
    require_project_editor(membership, measure.project)
    form = ImportForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            series = read_series(upload, upload.name)
            result = services.measure_values_import(
                actor=membership.user, measure=measure, series=series
            )
        except SeriesProblems as error:
            if error.file:
                form.add_error("file", f"The file cannot be used: {error.file}")
            else:
                problems = [str(p) for p in error.problems]
        except ValidationError as error:
            problems = list(error.messages)
        else:
            messages.success(
                request,
                f"Imported the file: {result.added} values added, {result.changed} changed, "
                f"{result.unchanged} already there.",
            )
            if series.extra_columns:
                messages.warning(
                    request, "Columns not used: " + ", ".join(series.extra_columns) + "."
                )
            return redirect("improvement_measure", membership.partnership.slug, measure.pk)
        if problems:
            form.add_error(
                "file",
                f"The file has {len(problems)} problem{'' if len(problems) == 1 else 's'}: "
                "nothing was imported. Correct them and upload it again.",
            )
    return _measure_page(
        request, membership, measure, import_form=form, import_problems=problems, status=400
    )


@access.partnership_view(READ_ROLES)
@require_http_methods(["GET", "POST"])
def improvement_value_delete(
    request: HttpRequest, membership: Membership, value_pk: int
) -> HttpResponse:
    value = get_value_for_user(membership, value_pk)
    measure = value.measure
    require_project_editor(membership, measure.project)
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda data: services.measure_value_delete(actor=membership.user, value=value),
        saved_message=lambda _: f"Deleted the value for {value.on:%-d %B %Y}.",
        done=redirect("improvement_measure", membership.partnership.slug, measure.pk),
        template="improvement/value_delete.html",
        context={"value": value, "measure": measure, "project": measure.project},
    )


@access.partnership_view(READ_ROLES)
def improvement_measure_png(
    request: HttpRequest, membership: Membership, measure_pk: int
) -> HttpResponse:
    measure = get_measure_for_user(membership, measure_pk)
    response = HttpResponse(measure_png(measure), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="measure-{measure.pk}.png"'
    return response


@access.partnership_view(READ_ROLES)
def improvement_measure_csv(
    request: HttpRequest, membership: Membership, measure_pk: int
) -> HttpResponse:
    """The chart's table as CSV: each point with its centre, limits and signals."""
    measure = get_measure_for_user(membership, measure_pk)
    chart = chart_of(measure)
    xmr = measure.chart == Measure.Chart.XMR
    header = ["date", "value", "segment", "centre", *(["lower", "upper"] if xmr else [])]
    header += ["signals", "variation", "note"]
    rows = [
        [p.on.isoformat(), p.value, p.segment, round(p.centre, 6)]
        + ([_limit(p.lower), _limit(p.upper)] if xmr else [])
        + [" ".join(p.signals), p.variation, p.note]
        for p in chart.points
    ]
    response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="measure-{measure.pk}.csv"'
    return response


def _limit(value: float | None) -> object:
    return "" if value is None else round(value, 6)
