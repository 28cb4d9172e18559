"""Pages of the implementation plan and the steering group's workspace."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tiptracker.forms import add_service_error, posted
from tiptracker.lib.dates import today
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.plan import exports, services
from tiptracker.plan.access import (
    can_update_action,
    get_action_for_user,
    get_phase_for_user,
    get_priority_for_user,
    require_action_update,
)
from tiptracker.plan.forms import (
    ActionForm,
    AsOfForm,
    HistoryFilterForm,
    PhaseForm,
    PriorityForm,
    ProgressUpdateForm,
)
from tiptracker.plan.models import Action
from tiptracker.plan.selectors import action_changes, plan_as_it_stood, plan_changes, plan_now
from tiptracker.plan.state import action_state, phase_state, priority_state, side_by_side

READ, EDIT = access.WORKSPACE_READ_ROLES, access.WORKSPACE_EDIT_ROLES
PAGE_SIZE = 50


# The rest of the workspace: (url name, title, what it holds, the roles that see the link).
SECTIONS = [
    (
        "reports",
        "Board reports",
        "The six-monthly progress report to the Integration Joint Board, drafted from the data.",
        access.REPORT_READ_ROLES,
    ),
    (
        "funding_overview",
        "Funding",
        "Allocations by financial year, what is committed against them and what remains.",
        READ,
    ),
    (
        "engagement_list",
        "Engagement with national and regional work",
        "Meetings, presentations, workshops and advisory groups the partnership contributed to.",
        READ,
    ),
    (
        "guests",
        "Briefings for board and elected members",
        "Guests who are not staff, their invitations to briefings, replies and attendance.",
        access.TRAINING_ADMIN_ROLES,
    ),
    (
        "feedback_results",
        "Survey results",
        "How people answered the surveys after training, with small numbers hidden.",
        access.FEEDBACK_RESULTS_ROLES,
    ),
    (
        "feedback_impact",
        "Impact of training",
        "From attending to changing practice, for each level and course, and over time.",
        access.FEEDBACK_RESULTS_ROLES,
    ),
    (
        "improvement_programme",
        "Improvement programme",
        "Tests of change: each project's aim, its stage and how its measures are doing.",
        READ,
    ),
    (
        "indicators_sharing",
        "Comparing our indicators with other partnerships",
        "Whether our indicators take part in comparisons between partnerships, and who changed it.",
        access.WORKSPACE_EDIT_ROLES,
    ),
    (
        "resources",
        "Resources and toolkits",
        "The manager toolkits, guidance, communications materials, recorded webinars and national resources.",
        READ,
    ),
    (
        "network",
        "Champions and ambassadors",
        "The trauma champions and the local network of trauma ambassadors, and which teams have one.",
        READ,
    ),
]


@access.partnership_view(READ)
def workspace(request: HttpRequest, membership: Membership) -> HttpResponse:
    view = plan_now(membership.partnership_id, on=today())
    sections = [
        {"url": url, "title": title, "about": about}
        for url, title, about, roles in SECTIONS
        if membership.role in roles
    ]
    return render(request, "plan/workspace.html", {"flags": view.flags, "sections": sections})


# The plan ---------------------------------------------------------------------------------------


@access.partnership_view(READ)
def plan(request: HttpRequest, membership: Membership) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Action.Status.values and status != "flagged":
        status = ""
    year = request.GET.get("year", "")
    view = plan_now(membership.partnership_id, on=today(), status=status, year=year)
    if year not in view.years:
        year = ""
    return render(
        request,
        "plan/plan.html",
        {
            "view": view,
            "status": status,
            "year": year,
            "statuses": Action.Status.choices,
            "can_edit": membership.role in EDIT,
            "as_of_form": AsOfForm(),
        },
    )


@access.partnership_view(READ)
def action_detail(request: HttpRequest, membership: Membership, action_pk: int) -> HttpResponse:
    action = get_action_for_user(membership, action_pk)
    return _action_page(
        request, membership, action, ProgressUpdateForm(initial={"written_on": today()})
    )


def _action_page(
    request: HttpRequest,
    membership: Membership,
    action: Action,
    update_form: ProgressUpdateForm,
    status: int = 200,
) -> HttpResponse:
    on = today()
    return render(
        request,
        "plan/action_detail.html",
        {
            "action": action,
            "overdue": services.is_overdue(action, on),
            "due_soon": services.is_due_soon(action, on),
            "updates": action.updates.all(),
            "changes": action_changes(action)[:50],
            "courses": action.courses.all(),
            "sessions": action.sessions.select_related("course"),
            "resources": action.resources.all(),
            "can_update": can_update_action(membership, action),
            "can_delete": membership.role in EDIT,
            "update_form": update_form,
        },
        status=status,
    )


@access.partnership_view(EDIT)
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ActionForm(posted(request), membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                actor=membership.user,
                partnership_id=membership.partnership_id,
                fields=form.fields_value(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Added the action: {action.title}")
            return redirect("plan_action", membership.partnership.slug, action.pk)
    return render(request, "plan/action_form.html", {"form": form, "action": None})


@access.partnership_view(READ)
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, membership: Membership, action_pk: int) -> HttpResponse:
    action = get_action_for_user(membership, action_pk)
    require_action_update(membership, action)
    as_owner = membership.role not in EDIT
    form = ActionForm(
        posted(request),
        membership=membership,
        action=action,
        limited=as_owner,
        initial=ActionForm.initial_for(action),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        mine = form.fields_value()
        try:
            services.action_update(
                actor=membership.user,
                action=action,
                version=form.cleaned_data["version"],
                fields=mine,
                as_owner=as_owner,
            )
        except ValidationError as error:
            add_service_error(form, error)
        except services.EditConflict as clash:
            conflict = _conflict(form, clash, "action", mine.state(), action_state(clash.current))
        else:
            messages.success(request, f"Saved the action: {action.title}")
            return redirect("plan_action", membership.partnership.slug, action.pk)
    return render(
        request,
        "plan/action_form.html",
        {"form": form, "action": action, "conflict": conflict},
    )


def _conflict(form, clash: services.EditConflict, entity: str, mine: dict, saved: dict) -> dict:  # type: ignore[no-untyped-def]
    """Keep everything the person typed in the form, now based on the saved version (so that
    saving again is a deliberate choice), and say who saved what."""
    data = form.data.copy()
    data["version"] = str(clash.current.version)
    form.data = data
    return {
        "change": clash.change,
        "rows": side_by_side(entity, mine, saved),
    }


@access.partnership_view(EDIT)
@require_http_methods(["GET", "POST"])
def action_delete(request: HttpRequest, membership: Membership, action_pk: int) -> HttpResponse:
    action = get_action_for_user(membership, action_pk)
    if request.method == "POST":
        title = action.title
        services.action_delete(actor=membership.user, action=action)
        messages.success(request, f"Deleted the action: {title}. The plan's history keeps it.")
        return redirect("plan", membership.partnership.slug)
    return render(request, "plan/action_delete.html", {"action": action})


@access.partnership_view(READ)
@require_POST
def progress_update_add(
    request: HttpRequest, membership: Membership, action_pk: int
) -> HttpResponse:
    action = get_action_for_user(membership, action_pk)
    require_action_update(membership, action)
    form = ProgressUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.progress_update_add(actor=membership.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Added your progress update.")
            return redirect("plan_action", membership.partnership.slug, action.pk)
    return _action_page(request, membership, action, form, status=400)


# Phases and priorities --------------------------------------------------------------------------


def _edit_simple(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    membership: Membership,
    *,
    entity: str,
    thing,
    form_class,
    create,
    update,
    state,
) -> HttpResponse:
    """Add or edit a phase or a priority, with the same conflict protection as actions."""
    initial = form_class.initial_for(thing) if thing else {}
    form = form_class(posted(request), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            if thing is None:
                create(actor=membership.user, partnership_id=membership.partnership_id, **values)
            else:
                if form.cleaned_data.get("version") is None:
                    raise ValidationError("This form is out of date: open the page again")
                update(
                    actor=membership.user,
                    version=form.cleaned_data["version"],
                    **{entity: thing},
                    **values,
                )
        except ValidationError as error:
            add_service_error(form, error)
        except services.EditConflict as clash:
            conflict = _conflict(form, clash, entity, values, state(clash.current))
        else:
            messages.success(request, f"Saved the {entity}: {values['title']}")
            return redirect("plan", membership.partnership.slug)
    return render(
        request,
        "plan/simple_form.html",
        {"form": form, "thing": thing, "entity": entity, "conflict": conflict},
    )


@access.partnership_view(EDIT)
@require_http_methods(["GET", "POST"])
def phase_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _edit_simple(
        request,
        membership,
        entity="phase",
        thing=None,
        form_class=PhaseForm,
        create=services.phase_create,
        update=None,
        state=phase_state,
    )


@access.partnership_view(EDIT)
@require_http_methods(["GET", "POST"])
def phase_edit(request: HttpRequest, membership: Membership, phase_pk: int) -> HttpResponse:
    phase = get_phase_for_user(membership, phase_pk)
    return _edit_simple(
        request,
        membership,
        entity="phase",
        thing=phase,
        form_class=PhaseForm,
        create=None,
        update=services.phase_update,
        state=phase_state,
    )


@access.partnership_view(EDIT)
@require_http_methods(["GET", "POST"])
def priority_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _edit_simple(
        request,
        membership,
        entity="priority",
        thing=None,
        form_class=PriorityForm,
        create=services.priority_create,
        update=None,
        state=priority_state,
    )


@access.partnership_view(EDIT)
@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, membership: Membership, priority_pk: int) -> HttpResponse:
    priority = get_priority_for_user(membership, priority_pk)
    return _edit_simple(
        request,
        membership,
        entity="priority",
        thing=priority,
        form_class=PriorityForm,
        create=None,
        update=services.priority_update,
        state=priority_state,
    )


# History ----------------------------------------------------------------------------------------


@access.partnership_view(READ)
def history(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = HistoryFilterForm(request.GET if "start_0" in request.GET else None)
    period = form.cleaned_data if form.is_bound and form.is_valid() else {}
    changes = plan_changes(
        membership.partnership_id, start=period.get("start"), end=period.get("end")
    )
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    on = today()
    return render(
        request,
        "plan/history.html",
        {
            "page": page,
            "form": form,
            "period": period,
            "query": query.urlencode() + "&" if query else "",
            "six_months_ago": on - dt.timedelta(days=182),
            "today": on,
        },
    )


@access.partnership_view(READ)
def as_of(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = AsOfForm(request.GET if "on_0" in request.GET else None)
    past = None
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"]
        if on > today():
            form.add_error("on", "Choose today or a date in the past")
        else:
            past = plan_as_it_stood(membership.partnership_id, on)
    return render(request, "plan/as_of.html", {"form": form, "past": past})


# Exports ----------------------------------------------------------------------------------------


@access.partnership_view(READ)
def export_xlsx(request: HttpRequest, membership: Membership) -> HttpResponse:
    return exports.download(membership.partnership, kind="xlsx")


@access.partnership_view(READ)
def export_docx(request: HttpRequest, membership: Membership) -> HttpResponse:
    return exports.download(membership.partnership, kind="docx")
