import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tiptracker.lib.charts import bar_chart_svg, grouped_bar_chart_svg, line_chart_svg
from tiptracker.lib.dates import parse_date, today
from tiptracker.lib.levels import LEVELS
from tiptracker.partnerships import access
from tiptracker.partnerships.forms import MemberAddForm, MemberRoleForm
from tiptracker.partnerships.models import Membership, Role
from tiptracker.partnerships.services import member_add
from tiptracker.training.coverage import coverage_rolled_up
from tiptracker.training.selectors import coverage_for, coverage_trend_for


def home(request: HttpRequest) -> HttpResponse:
    """The partnerships this user belongs to; straight to the only one if there is one."""
    memberships = list(access.memberships_for_user(request.user))
    if len(memberships) == 1 and "all" not in request.GET:
        return redirect(landing_url(memberships[0]))
    return render(
        request,
        "partnerships/home.html",
        {"memberships": [(m, landing_url(m)) for m in memberships]},
    )


def landing_url(membership: Membership) -> str:
    """Where a member starts: coverage if their role sees it, otherwise the sessions."""
    from django.urls import reverse

    if membership.role in access.COVERAGE_ROLES:
        return reverse("dashboard", args=[membership.partnership.slug])
    return reverse("sessions", args=[membership.partnership.slug])


def as_of_from(request: HttpRequest) -> tuple[dt.date, str | None]:
    """The `as_of` date asked for, today by default; an error message for a bad one."""
    text = request.GET.get("as_of", "").strip()
    if not text:
        return today(), None
    try:
        day = parse_date(text)
    except ValueError as error:
        return today(), f"{error}. Showing today instead."
    if day > today():
        return today(), "The date is in the future. Showing today instead."
    return day, None


@access.partnership_view(access.COVERAGE_ROLES)
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    as_of, date_error = as_of_from(request)
    # One pass over the completions: the organisations and totals are sums of the teams.
    by_team = coverage_for(membership, as_of=as_of, by="team")
    by_org = coverage_rolled_up(by_team, by="organisation")
    organisations = sorted(
        {(r.organisation_id, r.organisation) for r in by_org.rows},
        key=lambda o: (o[1] or "").lower(),
    )
    chosen_org = request.GET.get("organisation")
    chosen = next(
        (o for o in organisations if str(o[0]) == chosen_org),
        organisations[0] if organisations else None,
    )
    team_rows = [r for r in by_team.rows if r.organisation_id == chosen[0]] if chosen else []
    trend = coverage_trend_for(membership, as_of=as_of, totals=by_org.totals)

    level_names = [level.label for level in LEVELS]
    totals_chart = bar_chart_svg(
        title="Coverage by level, chart",
        labels=level_names,
        values=[r.percent for r in by_org.totals],
    )
    org_names = [name or "" for _id, name in organisations]
    org_percents = _percents(by_org.rows, key=lambda r: r.organisation_id)
    team_percents = _percents(team_rows, key=lambda r: r.team)
    org_chart = grouped_bar_chart_svg(
        title="Coverage by organisation and level, chart",
        labels=org_names,
        series={
            level.label: [org_percents.get((oid, level)) for oid, _n in organisations]
            for level in LEVELS
        },
    )
    team_names = sorted({r.team for r in team_rows if r.team}, key=str.lower)
    team_chart = (
        grouped_bar_chart_svg(
            title=f"Coverage by team in {chosen[1] if chosen else ''}, chart",
            labels=team_names,
            series={
                level.label: [team_percents.get((name, level)) for name in team_names]
                for level in LEVELS
            },
        )
        if team_names
        else ""
    )
    trend_chart = line_chart_svg(
        title="Coverage at each month end, chart",
        x_labels=[point.day.strftime("%b %y") for point in trend],
        series={level.label: [point.row(level).percent for point in trend] for level in LEVELS},
    )
    return render(
        request,
        "partnerships/dashboard.html",
        {
            "as_of": as_of,
            "date_error": date_error,
            "totals": by_org.totals,
            "org_table": _table(by_org.rows, key=lambda r: r.organisation),
            "org_chart": org_chart,
            "organisations": organisations,
            "chosen": chosen,
            "team_table": _table(team_rows, key=lambda r: r.team),
            "team_chart": team_chart,
            "totals_chart": totals_chart,
            "trend": trend,
            "trend_chart": trend_chart,
            "levels": LEVELS,
            "can_see_people": membership.role in access.PEOPLE_ROLES,
            "is_manager": membership.role == Role.MANAGER,
        },
    )


def _percents(rows, key):  # type: ignore[no-untyped-def]
    """{(place, level): percent}, built once: looking each cell up by scanning every row
    costs places x levels x rows (half a million comparisons for a large council)."""
    return {(key(row), row.level): row.percent for row in rows}


def _table(rows, key):  # type: ignore[no-untyped-def]
    """Rows (one per place and level) as one line per place with its four levels."""
    table: dict = {}
    for row in rows:
        table.setdefault(key(row), {})[row.level] = row
    return [(name, [cells.get(level) for level in LEVELS]) for name, cells in table.items()]


@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def members(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added, password = member_add(
                partnership=membership.partnership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            note = (
                f" Their first password is {password}: pass it on securely and ask them to change it."
                if password
                else ""
            )
            messages.success(
                request, f"{added.user.email} is now {added.get_role_display()}.{note}"
            )
            return redirect("members", membership.partnership.slug)
    people = (
        Membership.objects.filter(partnership=membership.partnership)
        .select_related("user", "staff")
        .order_by("user__email")
    )
    return render(
        request,
        "partnerships/members.html",
        {"form": form, "people": people, "roles": Role.choices},
    )


@require_POST
@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def member_remove(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
    from django.http import Http404

    from tiptracker.partnerships.services import member_remove as remove

    target = (
        Membership.objects.filter(partnership=membership.partnership, id=member_id)
        .select_related("user")
        .first()
    )
    if target is None:
        raise Http404
    try:
        remove(actor_membership=membership, membership=target)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"{target.user.email} no longer has access to {membership.partnership.name}."
        )
    return redirect("members", membership.partnership.slug)


@require_POST
@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def member_role(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
    target = (
        Membership.objects.filter(partnership=membership.partnership, id=member_id)
        .select_related("user")
        .first()
    )
    form = MemberRoleForm(request.POST)
    if target is None:
        from django.http import Http404

        raise Http404
    if not form.is_valid():
        messages.error(request, "Choose a role.")
    elif target.id == membership.id and form.cleaned_data["role"] != Role.ADMIN:
        messages.error(
            request, "You cannot take away your own administrator role: ask another administrator."
        )
    else:
        target.role = form.cleaned_data["role"]
        target.save(update_fields=["role"])
        messages.success(request, f"{target.user.email} is now {target.get_role_display()}.")
    return redirect("members", membership.partnership.slug)


@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def organisations(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The partnership's organisations and what kind each is; imports create them with a guess."""
    from tiptracker.partnerships.forms import OrganisationKindsForm
    from tiptracker.partnerships.services import organisation_kinds_set

    form = OrganisationKindsForm(
        request.POST or None, organisations=access.organisations_for(membership)
    )
    if request.method == "POST" and form.is_valid():
        changed = organisation_kinds_set(partnership=membership.partnership, kinds=form.kinds())
        messages.success(
            request, f"Saved. {changed} organisation{'s' if changed != 1 else ''} changed."
        )
        return redirect("organisations", membership.partnership.slug)
    return render(request, "partnerships/organisations.html", {"form": form})
