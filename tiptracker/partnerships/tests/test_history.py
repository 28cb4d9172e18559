"""Who changed what, when (django-auditlog, lib/history.py): shown on the record's page,
with labels looked up when shown, the member who made the change named, and never another
partnership's changes."""

import pytest
from auditlog.models import LogEntry

from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Membership, Role
from tiptracker.training.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def history_of(html: str) -> str:
    return html[html.index('class="govuk-details tip-history"') :]


def test_a_role_change_is_listed_on_the_members_page_by_its_label(
    admin, member, login, partnership
):
    client = login(admin)
    client.post(f"/p/{partnership.slug}/members/{member.id}/role/", {"role": "manager"})
    history = history_of(client.get(f"/p/{partnership.slug}/members/").content.decode())
    assert f"Changed: {member.user.email}" in history
    assert f"by {admin.user.email}" in history
    assert "Role: Staff member" in history and "Manager" in history
    # A new member's entry lists their own fields, not their id or the other side of a
    # relation (their actions, the teams they manage).
    assert "Added: " in history and "ID:" not in history and "Managed" not in history
    # The code is what is kept; the label is looked up when shown.
    entry = LogEntry.objects.get_for_object(member).get(action=LogEntry.Action.UPDATE)
    assert entry.changes_dict["role"] == ["staff", "manager"]


def test_a_removed_member_stays_in_the_history_and_other_partnerships_never_show(
    admin, member, outsider, login, partnership, other_partnership
):
    name = member.user.email
    login(admin).post(f"/p/{partnership.slug}/members/{member.id}/remove/")
    assert not Membership.objects.filter(id=member.id).exists()
    Membership.objects.create(partnership=other_partnership, user=member.user, role=Role.BOARD)
    ours = history_of(login(admin).get(f"/p/{partnership.slug}/members/").content.decode())
    assert f"Deleted: {name}" in ours
    assert other_partnership.name not in ours
    elsewhere = login(outsider).get(f"/p/{other_partnership.slug}/members/").content.decode()
    assert f"Deleted: {name}" not in history_of(elsewhere)


def test_a_course_edit_shows_on_the_course_page_with_who_made_it(admin, member, login, partnership):
    course = CourseFactory(partnership=partnership, code="OD", title="Opening Doors", level=1)
    login(admin).post(
        f"/p/{partnership.slug}/courses/{course.pk}/edit/",
        {"code": "OD", "title": "Opening Doors (2nd edition)", "level": str(Level.SKILLED)},
    )
    history = history_of(
        login(member).get(f"/p/{partnership.slug}/courses/{course.pk}/").content.decode()
    )
    assert "Title: Opening Doors → Opening Doors (2nd edition)" in history.replace(
        '<span aria-hidden="true">→</span><span class="govuk-visually-hidden">changed to</span>',
        "→",
    )
    assert "Trauma Skilled" in history and f"by {admin.user.email}" in history


def test_a_record_made_outside_a_request_is_said_to_be_the_systems(admin, login, partnership):
    course = CourseFactory(partnership=partnership)
    history = history_of(
        login(admin).get(f"/p/{partnership.slug}/courses/{course.pk}/").content.decode()
    )
    assert "Added" in history and "The system" in history


def test_a_service_called_outside_a_request_names_its_actor(admin, login, partnership):
    """The command line and tasks have no request: the service's actor is who the history
    names, and a request's own user is given back after a service names another."""
    from tiptracker.engagement.services import engagement_update
    from tiptracker.engagement.tests.factories import EngagementFactory

    engagement = EngagementFactory(partnership=partnership, kind="meeting")
    values = {
        name: getattr(engagement, name)
        for name in ("date", "body", "body_kind", "represented_by", "summary")
    }
    engagement_update(actor=admin.user, engagement=engagement, kind="workshop", **values)
    entry = LogEntry.objects.get_for_object(engagement).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == admin.user and entry.changes_dict["kind"] == ["meeting", "workshop"]
