"""Who is a coordinator decides who sees the route: every change of it is in the route's
audit trail, whether made on the members page, by the command line or in the admin site."""

from django.contrib.admin.sites import site
from django.test import RequestFactory

from tiptracker.lived.models import AuditEvent
from tiptracker.partnerships.models import Membership, Role
from tiptracker.partnerships.services import member_add, member_remove, member_role_set


def events():
    return list(
        AuditEvent.objects.order_by("id").values_list("action", "subject_name", "actor_name")
    )


def test_making_and_unmaking_a_coordinator_on_the_members_page_is_audited(admin, member, login):
    client = login(admin)
    slug = admin.partnership.slug
    client.post(f"/p/{slug}/members/{member.pk}/role/", {"role": Role.LE_COORDINATOR})
    client.post(f"/p/{slug}/members/{member.pk}/role/", {"role": Role.STAFF})
    name = member.user.get_full_name() or member.user.email
    by = admin.user.get_full_name() or admin.user.email
    assert events() == [
        (AuditEvent.Action.COORDINATOR_GRANTED, name, by),
        (AuditEvent.Action.COORDINATOR_REMOVED, name, by),
    ]


def test_other_role_changes_are_not_the_routes_business(admin, member):
    member_role_set(membership=member, role=Role.MANAGER, by=admin)
    assert events() == []


def test_adding_a_coordinator_from_the_command_line_and_removing_them_is_audited(
    partnership, admin
):
    added, _password = member_add(
        partnership=partnership,
        email="coordinator@example.org",
        role=Role.LE_COORDINATOR,
        by_name="the tiptracker command",
    )
    member_remove(actor_membership=admin, membership=added)
    assert [(action, by) for action, _name, by in events()] == [
        (AuditEvent.Action.COORDINATOR_GRANTED, "the tiptracker command"),
        (AuditEvent.Action.COORDINATOR_REMOVED, admin.user.get_full_name() or admin.user.email),
    ]


def test_a_superuser_making_someone_a_coordinator_in_the_admin_site_is_audited(admin, member):
    admin.user.is_superuser = True
    admin.user.save()
    request = RequestFactory().post("/admin/")
    request.user = admin.user
    model_admin = site._registry[Membership]
    member.role = Role.LE_COORDINATOR
    model_admin.save_model(request, member, form=None, change=True)
    model_admin.delete_queryset(request, Membership.objects.filter(pk=member.pk))
    assert [(action, by) for action, _name, by in events()] == [
        (AuditEvent.Action.COORDINATOR_GRANTED, f"{admin.user.username} in the admin site"),
        (AuditEvent.Action.COORDINATOR_REMOVED, f"{admin.user.username} in the admin site"),
    ]


def test_the_admin_site_cannot_hand_a_membership_to_another_user_or_partnership(admin, member):
    request = RequestFactory().get("/admin/")
    request.user = admin.user
    model_admin = site._registry[Membership]
    assert set(model_admin.get_readonly_fields(request, member)) == {"user", "partnership"}
    assert model_admin.get_readonly_fields(request, None) == []


def test_authenticators_are_removed_in_the_admin_site_never_added_or_changed(persona, admin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tiptracker.lived.tests.unlock import device_for

    coordinator = persona(Role.LE_COORDINATOR)
    device = device_for(coordinator)
    request = RequestFactory().post("/admin/")
    request.user = admin.user
    model_admin = site._registry[TOTPDevice]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, device)
    model_admin.delete_model(request, device)
    assert not TOTPDevice.objects.exists()
    assert events() == [
        (
            AuditEvent.Action.SECOND_FACTOR_REMOVED,
            coordinator.user.get_full_name() or coordinator.user.email,
            f"{admin.user.username} in the admin site",
        )
    ]
