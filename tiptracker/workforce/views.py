import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tiptracker.lib.dates import today
from tiptracker.lib.levels import Level
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.workforce.access import get_staff_for_user, staff_for
from tiptracker.workforce.columns import STAFF_FILE_OPTIONAL, STAFF_FILE_REQUIRED
from tiptracker.workforce.forms import NeedsForm, RequiredLevelForm
from tiptracker.workforce.selectors import needs_list_for
from tiptracker.workforce.services import staff_required_level_set, team_needs_set
from tiptracker.workforce.staff_lists import download, filter_form, filtered

PAGE_SIZE = 50


# The staff list downloads in the staff import's columns (formats.md), so that it can be
# corrected in a spreadsheet and imported again.
STAFF_COLUMNS = [*STAFF_FILE_REQUIRED, *STAFF_FILE_OPTIONAL]


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


@access.partnership_view(access.PEOPLE_ROLES)
def staff_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = filter_form(request, membership)
    staff = filtered(staff_for(membership).select_related("organisation", "team"), form).order_by(
        "last_name", "first_name", "staff_id"
    )
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
        return download(export, STAFF_COLUMNS, rows, name=name, title="Staff")
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
    person = get_staff_for_user(membership, staff_pk)
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
