from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tiptracker.lib.dates import today
from tiptracker.lib.exports import to_csv, to_xlsx
from tiptracker.lib.levels import Level, level_from_slug
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.partnerships.views import as_of_from
from tiptracker.training.selectors import outstanding_staff_for
from tiptracker.workforce.forms import NeedsForm, RequiredLevelForm
from tiptracker.workforce.selectors import needs_list_for, staff_list_for
from tiptracker.workforce.services import staff_required_level_set, team_needs_set

PAGE_SIZE = 50


@access.partnership_view(access.PEOPLE_ROLES)
def staff_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    staff = staff_list_for(
        membership, search=search, organisation_id=request.GET.get("organisation", "")
    )
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "workforce/staff_list.html", {"page": page, "search": search, "today": today()}
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
    people = outstanding_staff_for(membership, as_of=as_of, level=level)
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
        if export == "csv":
            response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                to_xlsx(header, rows, title=f"Need {level.label}"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{export}"'
        return response
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    for person in page.object_list:
        person.needs_level_label = Level(person.needs_level).label
    return render(
        request,
        "workforce/outstanding.html",
        {
            "page": page,
            "level": level,
            "levels": list(Level),
            "as_of": as_of,
            "as_of_text": as_of.isoformat(),
            "date_form": date_form,
        },
    )
