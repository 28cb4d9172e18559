"""The drill-down from coverage: who still needs a level on a date (a page of the staff
list's shape, with its filter and downloads)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tiptracker.lib.levels import Level, level_from_slug
from tiptracker.partnerships import access
from tiptracker.partnerships.forms import as_of_from
from tiptracker.partnerships.models import Membership
from tiptracker.training.selectors import outstanding_staff_for
from tiptracker.workforce.staff_lists import download, filter_form, filtered

PAGE_SIZE = 50


@access.partnership_view(access.PEOPLE_ROLES)
def coverage_outstanding(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The drill-down: who still needs a level on a date; also as CSV or XLSX."""
    as_of, date_form = as_of_from(request)
    try:
        level = level_from_slug(request.GET.get("level", "informed"))
    except ValueError:
        level = Level.INFORMED
    form = filter_form(request, membership)
    people = filtered(outstanding_staff_for(membership, as_of=as_of, level=level), form)
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
        return download(export, header, rows, name=name, title=f"Need {level.label}")
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
