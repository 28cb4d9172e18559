from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from tiptracker.accounts import invitations
from tiptracker.accounts.models import AccountInvitation
from tiptracker.forms import add_service_error
from tiptracker.home.dashboard import dashboard_build
from tiptracker.partnerships import access
from tiptracker.partnerships.access import landing_url
from tiptracker.partnerships.forms import (
    InviteStaffForm,
    MemberInviteForm,
    MemberRoleForm,
    StaffSignInForm,
    as_of_from,
)
from tiptracker.partnerships.models import Membership, Role
from tiptracker.partnerships.services import member_role_set
from tiptracker.training.access import claims_for
from tiptracker.workforce.access import teams_for


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


# The administration page: (url name, title, what it holds, the roles that see the link). The
# header's navigation holds one "Administration" link instead of one link to each, so that it
# fits on one line.
ADMINISTRATION = [
    (
        "imports",
        "Imports",
        "Staff, training needs, courses and completions from HR and learning systems: "
        "upload a file, check it and confirm it.",
        access.TRAINING_ADMIN_ROLES,
    ),
    (
        "claims",
        "Claims to review",
        "Learning that staff completed elsewhere and recorded themselves: check the evidence, "
        "then approve it (it counts from the date they gave) or say why not.",
        access.TRAINING_ADMIN_ROLES,
    ),
    (
        "feedback_surveys",
        "Surveys",
        "The feedback surveys sent after training: their questions, their versions and the "
        "courses that use them.",
        access.TRAINING_ADMIN_ROLES,
    ),
    (
        "members",
        "Members",
        "Who can sign in to the partnership, and the role of each.",
        access.MEMBER_ADMIN_ROLES,
    ),
    (
        "organisations",
        "Organisations",
        "The organisations in the partnership, and the kind of body each is.",
        access.MEMBER_ADMIN_ROLES,
    ),
    (
        "report_template",
        "Word template for board reports",
        "The default template, or the partnership's own in its house style.",
        access.REPORT_EDIT_ROLES,
    ),
]


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
def administration(request: HttpRequest, membership: Membership) -> HttpResponse:
    sections = [
        {"url": url, "title": title, "about": about}
        for url, title, about, roles in ADMINISTRATION
        if membership.role in roles
    ]
    waiting = claims_for(membership).filter(status="pending").count()
    for section in sections:
        if section["url"] == "claims":
            section["title"] += f" ({waiting:,} waiting)" if waiting else ""
    return render(request, "partnerships/administration.html", {"sections": sections})


@access.partnership_view(access.COVERAGE_ROLES)
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    as_of, date_form = as_of_from(request)
    context = dashboard_build(membership, as_of=as_of, organisation=request.GET.get("organisation"))
    return render(
        request,
        "partnerships/dashboard.html",
        {"as_of": as_of, "date_form": date_form, **context},
    )


MEMBERS_PAGE_SIZE = 50


@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def members(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Who can sign in and their roles (searchable, a page at a time), and inviting someone."""
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invited = invitations.invitation_create(
                partnership=membership.partnership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=membership.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            invitation = invited.invitation
            messages.success(
                request,
                f"An invitation to join as {invitation.get_role_display().lower()} has been "
                f"e-mailed to {invitation.email}. The link works for "
                f"{invitation.VALID_DAYS} days."
                if invited.new
                else f"{invitation.email} had been invited already: the invitation has been "
                "sent again with a new link.",
            )
            return redirect("members", membership.partnership.slug)
    search = request.GET.get("q", "").strip()
    people = (
        Membership.objects.filter(partnership=membership.partnership)
        .select_related("user", "staff")
        .order_by("user__email", "id")
    )
    if search:
        people = people.filter(
            Q(user__email__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
        )
    page = Paginator(people, MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = invitations.live(membership.partnership)
    sign_in_form = StaffSignInForm(
        initial={"sso_staff_sign_in": membership.partnership.sso_staff_sign_in}
    )
    return render(
        request,
        "partnerships/members.html",
        {
            "form": form,
            "page": page,
            "search": search,
            "query": urlencode({"q": search}) + "&" if search else "",
            "roles": Role.choices,
            "invited_count": waiting.count(),
            "sign_in_form": sign_in_form,
        },
    )


@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def member_invitations(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Invitations by status (invited, expired, waiting to be sent, accepted, revoked)."""
    Status = AccountInvitation.Status
    status = request.GET.get("status", "")
    found = invitations.for_partnership(membership.partnership).select_related("invited_by")
    if status in Status.values:
        found = invitations.with_status(found, status)
    else:
        status = ""
    page = Paginator(found, MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/invitations.html",
        {
            "page": page,
            "rows": invitations.statuses(page),
            "status": status,
            "statuses": Status.choices,
            "query": f"status={status}&" if status else "",
        },
    )


@require_POST
@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def member_invitation_resend(
    request: HttpRequest, membership: Membership, account_invitation_pk: int
) -> HttpResponse:
    invitation = invitations.get_for_partnership(membership.partnership, account_invitation_pk)
    try:
        invitations.invitation_resend(invitation=invitation, by=membership.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            f"The invitation has been sent to {invitation.email} again, with a new link "
            f"(the old one no longer works) valid for {invitation.VALID_DAYS} days.",
        )
    return redirect("member_invitations", membership.partnership.slug)


@require_POST
@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def member_invitation_revoke(
    request: HttpRequest, membership: Membership, account_invitation_pk: int
) -> HttpResponse:
    invitation = invitations.get_for_partnership(membership.partnership, account_invitation_pk)
    try:
        invitations.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"The invitation to {invitation.email} is revoked: its link no longer works."
        )
    return redirect("member_invitations", membership.partnership.slug)


@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def members_invite_staff(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Invite many: every staff record of the choice with an e-mail and no account yet gets
    an invitation with the staff role, which the worker sends. Asks first, with the count."""
    from tiptracker.workforce.models import StaffMember

    form = InviteStaffForm(
        request.POST or request.GET or None,
        organisations=access.organisations_for(membership),
        teams=teams_for(membership).select_related("organisation"),
    )
    context: dict[str, object] = {"form": form}
    if form.is_bound and form.is_valid():
        staff, described = form.narrow(
            StaffMember.objects.filter(partnership_id=membership.partnership_id)
        )
        if request.method == "POST" and request.POST.get("confirm"):
            queued = invitations.invitations_create_for_staff(
                partnership=membership.partnership, staff=staff, by=membership.user
            )
            messages.success(
                request,
                f"{queued:,} invitation{'s' if queued != 1 else ''} to {described} "
                f"{'are' if queued != 1 else 'is'} being sent. Follow them on this page.",
            )
            return redirect("member_invitations", membership.partnership.slug)
        context.update(
            described=described,
            count=invitations.uninvited_count(membership.partnership, staff),
        )
    return render(request, "partnerships/invite_staff.html", context)


@require_POST
@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def members_sign_in(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Whether staff may sign in with their organisation's account (single sign-on)."""
    from tiptracker.partnerships.services import partnership_sso_staff_set

    form = StaffSignInForm(request.POST)
    form.is_valid()  # a checkbox: absent means off
    allowed = bool(form.cleaned_data.get("sso_staff_sign_in"))
    partnership_sso_staff_set(partnership=membership.partnership, allowed=allowed)
    messages.success(
        request,
        "People with a staff record may now sign in with their organisation's account and get "
        "the staff role."
        if allowed
        else "Only members added here may sign in. People who signed in with their "
        "organisation's account before stay members.",
    )
    return redirect("members", membership.partnership.slug)


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
    else:
        try:
            member_role_set(membership=target, role=form.cleaned_data["role"], by=membership)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
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
            request, f"Saved. {changed:,} organisation{'s' if changed != 1 else ''} changed."
        )
        return redirect("organisations", membership.partnership.slug)
    return render(request, "partnerships/organisations.html", {"form": form})
