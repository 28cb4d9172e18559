"""The staff filter (search, organisation, team, manager) and the CSV/XLSX download that the
staff list and training's "who still needs a level" list share."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from tiptracker.lib.exports import to_csv, to_xlsx
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.workforce.access import teams_for
from tiptracker.workforce.forms import StaffFilterForm
from tiptracker.workforce.selectors import managers_for, staff_filtered


def filter_form(request: HttpRequest, membership: Membership) -> StaffFilterForm:
    form = StaffFilterForm(
        request.GET,
        organisations=access.organisations_for(membership),
        teams=teams_for(membership),
        managers=managers_for(membership),
    )
    form.is_valid()
    return form


def filtered(staff: QuerySet, form: StaffFilterForm) -> QuerySet:
    chosen = form.chosen()
    return staff_filtered(
        staff,
        search=chosen.get("q", "").strip(),
        organisation=chosen.get("organisation"),
        team=chosen.get("team"),
        manager=chosen.get("manager"),
    )


def download(
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
