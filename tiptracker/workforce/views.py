import datetime as dt
from collections.abc import Iterable

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tiptracker.imports.kinds import StaffKind
from tiptracker.lib.dates import today
from tiptracker.lib.exports import to_csv, to_xlsx
from tiptracker.lib.levels import Level, level_from_slug
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.partnerships.views import as_of_from
from tiptracker.training.selectors import outstanding_staff_for
from tiptracker.workforce.forms import NeedsForm, RequiredLevelForm, StaffFilterForm
from tiptracker.workforce.selectors import managers_for, needs_list_for, staff_filtered
from tiptracker.workforce.services import staff_required_level_set, team_needs_set

PAGE_SIZE = 50


def _filter_form(request: HttpRequest, membership: Membership) -> StaffFilterForm:
    form = StaffFilterForm(
        request.GET,
        organisations=access.organisations_for(membership),
        teams=access.teams_for(membership),
        managers=managers_for(membership),
    )
    form.is_valid()
    return form


def _filtered(staff: QuerySet, form: StaffFilterForm) -> QuerySet:
    chosen = form.chosen()
    return staff_filtered(
        staff,
        search=chosen.get("q", "").strip(),
        organisation=chosen.get("organisation"),
        team=chosen.get("team"),
        manager=chosen.get("manager"),
    )


def _download(
    export: str, header: list[str], rows: Iterable, *, name: str, title: str
) -> HttpResponse:
    if export == "csv":
        response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            to_xlsx(header, rows, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{export}"'
    return response


# The staff list downloads in the staff import's columns (formats.md), so that it can be
# corrected in a spreadsheet and imported again.
STAFF_COLUMNS = [*StaffKind.required, *StaffKind.optional]


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


@access.partnership_view(access.PEOPLE_ROLES)
def staff_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = _filter_form(request, membership)
    staff = _filtered(
        access.staff_for(membership).select_related("organisation", "team"), form
    ).order_by("last_name", "first_name", "staff_id")
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        rows = (
            [
                p.staff_id,
                p.organisation.name,
                p.team.name,
                p.first_name,
                p.last_name,
                p.email,
                p.job_title,
                "yes" if p.is_manager else "no",
                Level(p.required_level).slug if p.required_level else "",
                _iso(p.start_date),
                _iso(p.leaving_date),
            ]
            for p in staff.iterator(chunk_size=2000)
        )
        name = f"{membership.partnership.slug}-staff-{today():%Y-%m-%d}"
        return _download(export, STAFF_COLUMNS, rows, name=name, title="Staff")
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = form.chosen()
    # The bulk invitation offers everyone, an organisation or a team: offered only when the
    # list shown is one of those (no search, no manager chosen, a team of the organisation).
    team, organisation = chosen.get("team"), chosen.get("organisation")
    invite_who = None
    if not chosen.keys() & {"q", "manager"}:
        if team is not None and organisation in (None, team.organisation):
            invite_who = f"team-{team.pk}"
        elif team is None:
            invite_who = f"organisation-{organisation.pk}" if organisation else "all"
    return render(
        request,
        "workforce/staff_list.html",
        {
            "page": page,
            "form": form,
            "query": form.query(),
            "today": today(),
            "can_invite": membership.role in access.MEMBER_ADMIN_ROLES and invite_who,
            "invite_who": invite_who,
        },
    )


@access.partnership_view(access.PEOPLE_ROLES)
def staff_detail(request: HttpRequest, membership: Membership, staff_pk: int) -> HttpResponse:
    person = access.get_staff_for_user(membership, staff_pk)
    can_edit = membership.role in access.TRAINING_ADMIN_ROLES
    form = RequiredLevelForm(
        request.POST or None, initial={"required_level": person.required_level}
    )
    if request.method == "POST":
        access.require_role(membership, access.TRAINING_ADMIN_ROLES)
        if form.is_valid():
            staff_required_level_set(staff=person, level=form.cleaned_data["required_level"])
            messages.success(request, f"Saved the level {person} needs.")
            return redirect("staff_detail", membership.partnership.slug, person.pk)
    completions = person.completions.select_related("course").order_by("-completed_on")
    bookings = person.bookings.select_related("session__course").order_by("-session__starts_at")
    return render(
        request,
        "workforce/staff_detail.html",
        {
            "person": person,
            "form": form,
            "can_edit": can_edit,
            "completions": completions,
            "bookings": bookings,
            "team_level": Level(person.team.required_level).label
            if person.team.required_level
            else Level.INFORMED.label,
        },
    )


@access.partnership_view(access.COVERAGE_ROLES)
def needs(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The training needs analysis: the level each team needs, editable in bulk."""
    organisation_id = request.GET.get("organisation", "")
    organisations = access.organisations_for(membership)
    teams = needs_list_for(membership, organisation_id=organisation_id)
    page = Paginator(teams, 100).get_page(request.GET.get("page"))
    can_edit = membership.role in access.TRAINING_ADMIN_ROLES
    form = NeedsForm(request.POST or None, teams=page.object_list)
    if request.method == "POST":
        access.require_role(membership, access.TRAINING_ADMIN_ROLES)
        if form.is_valid():
            changed = team_needs_set(partnership_id=membership.partnership_id, levels=form.levels())
            messages.success(
                request, f"Saved. {changed:,} team{'s' if changed != 1 else ''} changed."
            )
            return redirect(request.get_full_path())
    return render(
        request,
        "workforce/needs.html",
        {
            "form": form,
            "page": page,
            "can_edit": can_edit,
            "organisations": organisations,
            "organisation_id": organisation_id,
        },
    )


@access.partnership_view(access.PEOPLE_ROLES)
def coverage_outstanding(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The drill-down: who still needs a level on a date; also as CSV or XLSX."""
    as_of, date_form = as_of_from(request)
    try:
        level = level_from_slug(request.GET.get("level", "informed"))
    except ValueError:
        level = Level.INFORMED
    form = _filter_form(request, membership)
    people = _filtered(outstanding_staff_for(membership, as_of=as_of, level=level), form)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        header = [
            "staff_id",
            "first_name",
            "last_name",
            "email",
            "organisation",
            "team",
            "job_title",
            "required_level",
        ]
        rows = (
            [
                p.staff_id,
                p.first_name,
                p.last_name,
                p.email,
                p.organisation.name,
                p.team.name,
                p.job_title,
                Level(p.needs_level).slug,
            ]
            for p in people.iterator(chunk_size=2000)
        )
        name = f"{membership.partnership.slug}-needs-{level.slug}-{as_of:%Y-%m-%d}"
        return _download(export, header, rows, name=name, title=f"Need {level.label}")
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    for person in page.object_list:
        person.needs_level_label = Level(person.needs_level).label
    return render(
        request,
        "workforce/outstanding.html",
        {
            "page": page,
            "form": form,
            "query": f"level={level.slug}&as_of={as_of:%Y-%m-%d}&{form.query()}",
            "level": level,
            "levels": list(Level),
            "as_of": as_of,
            "date_form": date_form,
        },
    )
