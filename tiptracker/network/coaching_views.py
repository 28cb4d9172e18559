"""The coaching, mentoring and peer network pages: the list of pairs and groups, a group's
page (its people, meetings and history), adding and editing a group, ending it, adding and
removing its people (found by name or staff ID), and recording, editing and deleting its
meetings. Every member reads them; administrators and L&D officers write."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tiptracker.forms import ConfirmForm, form_page, posted
from tiptracker.lib.dates import today
from tiptracker.network import coaching
from tiptracker.network.access import (
    COACHING_EDIT_ROLES,
    get_coaching_group_for_user,
    get_coaching_meeting_for_user,
    get_coaching_person_for_user,
)
from tiptracker.network.forms import (
    CoachingEndForm,
    CoachingFilterForm,
    CoachingGroupForm,
    CoachingMeetingForm,
    CoachingPersonForm,
)
from tiptracker.network.models import CoachingGroup
from tiptracker.network.selectors import (
    ENDED,
    coaching_changes,
    coaching_group_people,
    coaching_groups,
    coaching_meetings,
    people_to_add,
)
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.training.forms import PeopleSearchForm
from tiptracker.workforce.access import staff_for

PAGE_SIZE = 50
# The search for a person to add lists at most this many; it says when more match.
SEARCH_SHOWN = 50


def _to_group(membership: Membership, group: CoachingGroup) -> HttpResponse:
    return redirect("coaching_group_detail", membership.partnership.slug, group.pk)


@access.partnership_view(access.WORKSPACE_READ_ROLES)
def coaching_group_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The coaching and mentoring pairs and peer networks, current, ended or all."""
    filter_form = CoachingFilterForm(request.GET)
    chosen = filter_form.filters()
    on = today()
    found = coaching_groups(membership, on=on, when=chosen["when"], kind=chosen["kind"])
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/coaching_groups.html",
        {
            "page": page,
            "filter_form": filter_form,
            "ended": chosen["when"] == ENDED,
            "query": f"{urlencode(chosen)}&",
            "today": on,
            "can_edit": membership.role in COACHING_EDIT_ROLES,
        },
    )


@access.partnership_view(access.WORKSPACE_READ_ROLES)
def coaching_group_detail(
    request: HttpRequest, membership: Membership, coaching_group_pk: int
) -> HttpResponse:
    """One pair or group: its people, its meetings (who came, the themes) and its history."""
    group = get_coaching_group_for_user(membership, coaching_group_pk)
    people = coaching_group_people(group)
    on = today()
    return render(
        request,
        "network/coaching_group.html",
        {
            "group": group,
            "people": people,
            "page": Paginator(coaching_meetings(group), PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "changes": coaching_changes(group),
            "can_edit": membership.role in COACHING_EDIT_ROLES,
            "current": group.is_current(on),
            "today": on,
            "organisations": sorted({p.person.organisation.name for p in people}),
            "complete": len(people) == 2 if group.is_pair else len(people) >= 2,
            "full": group.is_pair and len(people) >= 2,
        },
    )


@access.partnership_view(COACHING_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def coaching_group_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    return form_page(
        request,
        form=CoachingGroupForm(posted(request), initial={"kind": request.GET.get("kind", "")}),
        save=lambda data: coaching.coaching_group_create(
            actor=membership.user, partnership_id=membership.partnership_id, **data
        ),
        saved_message=lambda group: f"Added {group.name}: now add its people.",
        done=lambda group: _to_group(membership, group),
        template="network/coaching_group_form.html",
        context={"group": None},
    )


@access.partnership_view(COACHING_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def coaching_group_edit(
    request: HttpRequest, membership: Membership, coaching_group_pk: int
) -> HttpResponse:
    group = get_coaching_group_for_user(membership, coaching_group_pk)
    return form_page(
        request,
        form=CoachingGroupForm(posted(request), initial=CoachingGroupForm.initial_for(group)),
        save=lambda data: coaching.coaching_group_update(
            actor=membership.user, group=group, **data
        ),
        saved_message=lambda group: f"Saved {group.name}.",
        done=_to_group(membership, group),
        template="network/coaching_group_form.html",
        context={"group": group},
    )


@access.partnership_view(COACHING_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def coaching_group_end(
    request: HttpRequest, membership: Membership, coaching_group_pk: int
) -> HttpResponse:
    group = get_coaching_group_for_user(membership, coaching_group_pk)
    return form_page(
        request,
        form=CoachingEndForm(posted(request), initial={"end_date": group.end_date or today()}),
        save=lambda data: coaching.coaching_group_end(
            actor=membership.user, group=group, end_date=data["end_date"]
        ),
        saved_message=lambda group: f"{group.name} ended on {group.end_date:%-d %B %Y}.",
        done=_to_group(membership, group),
        template="network/coaching_group_end.html",
        context={"group": group},
    )


@access.partnership_view(COACHING_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def coaching_person_add(
    request: HttpRequest, membership: Membership, coaching_group_pk: int
) -> HttpResponse:
    """Find someone by name or staff ID (a GET, `?q=`), choose them and their role."""
    group = get_coaching_group_for_user(membership, coaching_group_pk)
    search = PeopleSearchForm(
        request.GET if request.method == "GET" else {"q": request.POST.get("q", "")}
    )
    query = search.query()
    people = coaching_group_people(group)
    taken = {p.role for p in people}
    free = [r for r in coaching.ROLES[group.kind] if r not in taken] if group.is_pair else []
    form = CoachingPersonForm(
        posted(request),
        staff=staff_for(membership),
        group=group,
        initial={"role": free[0] if len(free) == 1 else ""},
    )

    def context() -> dict:
        found = list(people_to_add(membership, group, query=query)[: SEARCH_SHOWN + 1])
        return {
            "group": group,
            "people": people,
            "search": search,
            "query": query,
            "found": found[:SEARCH_SHOWN],
            "more_found": len(found) > SEARCH_SHOWN,
            "search_shown": SEARCH_SHOWN,
            "full": group.is_pair and len(people) >= 2,
        }

    return form_page(
        request,
        form=form,
        save=lambda data: coaching.coaching_person_add(
            actor=membership.user, group=group, person=data["person"], role=data["role"]
        ),
        saved_message=lambda added: f"Added {added.person} as {added.get_role_display().lower()}.",
        done=_to_group(membership, group),
        template="network/coaching_person_add.html",
        context=context,
    )


@access.partnership_view(COACHING_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def coaching_person_remove(
    request: HttpRequest, membership: Membership, coaching_group_pk: int, coaching_person_pk: int
) -> HttpResponse:
    group = get_coaching_group_for_user(membership, coaching_group_pk)
    member = get_coaching_person_for_user(group, coaching_person_pk)
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda _: coaching.coaching_person_remove(actor=membership.user, member=member),
        saved_message=lambda _: f"Took {member.person} out of {group.name}.",
        done=_to_group(membership, group),
        template="network/coaching_person_remove.html",
        context={"group": group, "member": member},
    )


@access.partnership_view(COACHING_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def coaching_meeting_new(
    request: HttpRequest, membership: Membership, coaching_group_pk: int
) -> HttpResponse:
    group = get_coaching_group_for_user(membership, coaching_group_pk)
    # Everyone ticked to start with: most meetings are of the whole pair or group.
    form = CoachingMeetingForm(
        posted(request),
        group=group,
        initial={"attendees": [p.pk for p in group.people.all()], "date": today()},
    )
    return form_page(
        request,
        form=form,
        save=lambda data: coaching.coaching_meeting_record(
            actor=membership.user,
            group=group,
            on=data["date"],
            attendees=data["attendees"],
            themes=data["themes"],
        ),
        service_fields=CoachingMeetingForm.SERVICE_FIELDS,
        saved_message=lambda meeting: f"Recorded the meeting on {meeting.date:%-d %B %Y}.",
        done=_to_group(membership, group),
        template="network/coaching_meeting_form.html",
        context={"group": group, "meeting": None},
    )


@access.partnership_view(COACHING_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def coaching_meeting_edit(
    request: HttpRequest, membership: Membership, coaching_group_pk: int, coaching_meeting_pk: int
) -> HttpResponse:
    group = get_coaching_group_for_user(membership, coaching_group_pk)
    meeting = get_coaching_meeting_for_user(group, coaching_meeting_pk)
    form = CoachingMeetingForm(
        posted(request), group=group, initial=CoachingMeetingForm.initial_for(meeting)
    )
    return form_page(
        request,
        form=form,
        save=lambda data: coaching.coaching_meeting_update(
            actor=membership.user,
            meeting=meeting,
            on=data["date"],
            attendees=data["attendees"],
            themes=data["themes"],
        ),
        service_fields=CoachingMeetingForm.SERVICE_FIELDS,
        saved_message=lambda meeting: f"Saved the meeting on {meeting.date:%-d %B %Y}.",
        done=_to_group(membership, group),
        template="network/coaching_meeting_form.html",
        context={"group": group, "meeting": meeting},
    )


@access.partnership_view(COACHING_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def coaching_meeting_delete(
    request: HttpRequest, membership: Membership, coaching_group_pk: int, coaching_meeting_pk: int
) -> HttpResponse:
    group = get_coaching_group_for_user(membership, coaching_group_pk)
    meeting = get_coaching_meeting_for_user(group, coaching_meeting_pk)
    day = meeting.date
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda _: coaching.coaching_meeting_delete(actor=membership.user, meeting=meeting),
        saved_message=lambda _: f"Deleted the meeting on {day:%-d %B %Y}.",
        done=_to_group(membership, group),
        template="network/coaching_meeting_delete.html",
        context={"group": group, "meeting": meeting},
    )
