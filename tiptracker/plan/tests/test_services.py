"""The plan's rules: history of every change, no lost updates, flags and the weekly digest."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.plan import services
from tiptracker.plan.models import Action, DigestSent, PlanChange
from tiptracker.plan.selectors import plan_as_it_stood, plan_summary
from tiptracker.plan.state import ActionFields
from tiptracker.plan.tests.factories import PhaseFactory


def _add(admin, **overrides) -> Action:
    fields = {"title": "Roll out level one", "owner_group": "Trauma Steering Group", **overrides}
    return services.action_create(
        actor=admin.user, partnership_id=admin.partnership_id, fields=ActionFields(**fields)
    )


def _edit(actor, action, version, **overrides) -> Action:
    current = ActionFields.of(Action.objects.get(pk=action.pk))
    fields = ActionFields(**{**current.__dict__, **overrides})
    return services.action_update(actor=actor, action=action, version=version, fields=fields)


def test_adding_an_action_records_who_added_it_and_every_field(admin):
    action = _add(admin, due_date=dt.date(2023, 3, 31))
    change = PlanChange.objects.get()
    assert (change.entity, change.entity_id, change.verb) == ("action", action.pk, "created")
    assert change.actor == admin.user
    assert ["Due date", "", "31 March 2023"] in change.changes
    assert ["Title", "", "Roll out level one"] in change.changes


def test_a_change_is_kept_field_by_field_with_before_and_after(admin):
    action = _add(admin)
    _edit(admin.user, action, 1, status=Action.Status.AT_RISK, title="Roll out levels one and two")
    change = PlanChange.objects.filter(verb="changed").get()
    assert change.changes == [
        ["Title", "Roll out level one", "Roll out levels one and two"],
        ["Status", "Not started", "At risk"],
    ]


def test_saving_without_changing_anything_records_nothing(admin):
    action = _add(admin)
    _edit(admin.user, action, 1)
    assert PlanChange.objects.filter(verb="changed").count() == 0


def test_a_save_from_a_stale_version_is_refused_and_changes_nothing(admin, persona):
    other = persona(Role.ADMIN)
    action = _add(admin)
    _edit(other.user, action, 1, status=Action.Status.ON_TRACK)  # the other person saves first
    with pytest.raises(services.EditConflict) as raised:
        _edit(admin.user, Action.objects.get(pk=action.pk), 1, status=Action.Status.OFF_TRACK)
    assert raised.value.current.status == Action.Status.ON_TRACK
    assert raised.value.change.actor == other.user
    action.refresh_from_db()
    assert (action.status, action.version) == (Action.Status.ON_TRACK, 2)
    assert PlanChange.objects.filter(verb="changed").count() == 1


def test_saving_again_from_the_current_version_after_a_conflict_succeeds(admin):
    action = _add(admin)
    _edit(admin.user, action, 1, status=Action.Status.ON_TRACK)
    _edit(admin.user, action, 2, status=Action.Status.COMPLETE)
    action.refresh_from_db()
    assert (action.status, action.version) == (Action.Status.COMPLETE, 3)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_date": dt.date(2022, 5, 1), "due_date": dt.date(2022, 4, 1)}, "due_date"),
        ({"owner_group": ""}, "owner"),
        ({"title": "  "}, "title"),
    ],
)
def test_it_refuses_bad_actions_and_writes_nothing(admin, overrides, field):
    with pytest.raises(ValidationError) as raised:
        _add(admin, **overrides)
    assert field in raised.value.error_dict
    assert not Action.objects.exists() and not PlanChange.objects.exists()


def test_it_refuses_an_owner_who_is_not_a_member_of_the_partnership(admin, outsider):
    with pytest.raises(ValidationError) as raised:
        _add(admin, owner=outsider, owner_group="")
    assert "member of this partnership" in str(raised.value.error_dict["owner"])
    assert not Action.objects.exists()


def test_it_refuses_a_lead_organisation_of_another_partnership(admin, other_partnership):
    with pytest.raises(ValidationError):
        _add(admin, lead_organisation=OrganisationFactory(partnership=other_partnership))


@pytest.mark.parametrize("year", ["2022/24", "2022-23", "22/23", "2022/2023", "2099/01"])
def test_a_priority_needs_a_financial_year_of_two_consecutive_years(admin, year):
    with pytest.raises(ValidationError) as raised:
        services.priority_create(
            actor=admin.user,
            partnership_id=admin.partnership_id,
            financial_year=year,
            number=1,
            title="x",
        )
    assert "like 20" in str(raised.value.error_dict["financial_year"])


def test_a_financial_year_across_a_century_is_accepted(admin):
    priority = services.priority_create(
        actor=admin.user,
        partnership_id=admin.partnership_id,
        financial_year="1999/00",
        number=1,
        title="x",
    )
    assert priority.financial_year == "1999/00"


def test_the_plan_as_it_stood_on_a_date_shows_that_days_values(admin, clock):
    clock.move_to("2022-04-01 10:00")
    phase = PhaseFactory(partnership=admin.partnership, number=1, title="Foundations")
    services.phase_update(actor=admin.user, phase=phase, version=1, number=1, title="Foundations")
    action = _add(admin, phase=phase, status=Action.Status.NOT_STARTED)
    clock.move_to("2022-06-01 10:00")
    _edit(admin.user, action, 1, status=Action.Status.ON_TRACK)
    services.progress_update_add(
        actor=admin.user, action=action, written_on=dt.date(2022, 6, 1), text="Half way"
    )
    clock.move_to("2022-09-01 10:00")
    _edit(admin.user, action, 2, status=Action.Status.COMPLETE, title="Rolled out")
    later = _add(admin, title="Added in September")

    april = plan_as_it_stood(admin.partnership_id, dt.date(2022, 4, 30))
    june = plan_as_it_stood(admin.partnership_id, dt.date(2022, 6, 1))
    now = plan_as_it_stood(admin.partnership_id, dt.date(2022, 9, 1))

    [(_, [april_action])] = april.phases
    assert april_action.state["status"] == "not_started" and not april_action.updates
    assert april.changes_after == 4
    [(_, [june_action])] = june.phases
    assert june_action.state["status"] == "on_track"
    assert [u["text"] for u in june_action.updates] == ["Half way"]
    titles = [a.state["title"] for _, actions in now.phases for a in actions]
    assert titles == ["Rolled out", "Added in September"]
    services.action_delete(actor=admin.user, action=later)
    assert len(plan_as_it_stood(admin.partnership_id, dt.date(2022, 9, 1)).phases[-1][1]) == 1


def test_a_deleted_action_leaves_the_plan_but_stays_in_its_past(admin, clock):
    clock.move_to("2022-04-01 10:00")
    action = _add(admin)
    clock.move_to("2022-05-01 10:00")
    services.action_delete(actor=admin.user, action=action)
    assert not Action.objects.exists()
    assert plan_as_it_stood(admin.partnership_id, dt.date(2022, 4, 15)).phases
    assert not plan_as_it_stood(admin.partnership_id, dt.date(2022, 5, 1)).phases


def test_the_board_summary_counts_completions_in_the_period_and_risks_at_its_end(admin, clock):
    clock.move_to("2022-01-10 10:00")
    done = _add(admin, title="Done", due_date=dt.date(2022, 3, 1))
    risky = _add(admin, title="Risky", due_date=dt.date(2022, 12, 1))
    late = _add(admin, title="Late", due_date=dt.date(2022, 2, 1))
    clock.move_to("2022-03-01 10:00")
    _edit(admin.user, done, 1, status=Action.Status.COMPLETE)
    _edit(admin.user, risky, 1, status=Action.Status.AT_RISK)
    clock.move_to("2022-08-01 10:00")
    _edit(admin.user, late, 1, status=Action.Status.COMPLETE)
    summary = plan_summary(
        admin.partnership_id, start=dt.date(2021, 12, 1), end=dt.date(2022, 6, 30)
    )
    assert summary == {
        "actions": 3,
        "completed_in_period": 1,
        "at_risk": 1,
        "off_track": 0,
        "overdue": 1,
    }


def test_a_progress_update_cannot_be_dated_in_the_future(admin):
    action = _add(admin)
    with pytest.raises(ValidationError):
        services.progress_update_add(
            actor=admin.user, action=action, written_on=dt.date(2999, 1, 1), text="Soon"
        )


# Flags and the digest ---------------------------------------------------------------------------


def test_overdue_and_due_soon_flag_open_actions_only(admin):
    on = dt.date(2022, 6, 1)
    overdue = _add(admin, due_date=dt.date(2022, 5, 31))
    soon = _add(admin, due_date=dt.date(2022, 6, 15))
    later = _add(admin, due_date=dt.date(2022, 6, 16))
    complete = _add(admin, due_date=dt.date(2022, 5, 1), status=Action.Status.COMPLETE)
    assert services.is_overdue(overdue, on) and not services.is_due_soon(overdue, on)
    assert services.is_due_soon(soon, on) and not services.is_overdue(soon, on)
    assert not services.is_due_soon(later, on)
    assert not services.is_overdue(complete, on)


def test_each_owner_gets_one_digest_a_week_listing_what_is_due(admin, persona):
    owner = persona(Role.LD_OFFICER)
    owner.user.email = "owner@example.org"
    owner.user.save()
    _add(admin, title="Late one", owner=owner, owner_group="", due_date=dt.date(2022, 5, 1))
    _add(admin, title="Soon one", owner=owner, owner_group="", due_date=dt.date(2022, 6, 10))
    _add(admin, title="Far off", owner=owner, owner_group="", due_date=dt.date(2022, 12, 1))
    _add(admin, title="Group's", due_date=dt.date(2022, 5, 1))
    assert services.plan_digests_send(on=dt.date(2022, 6, 1)) == 1
    [message] = mail.outbox
    assert message.to == ["owner@example.org"]
    assert "Late one" in message.body and "OVERDUE" in message.body
    assert "Soon one" in message.body and "Far off" not in message.body
    assert services.plan_digests_send(on=dt.date(2022, 6, 3)) == 0  # same week
    assert services.plan_digests_send(on=dt.date(2022, 6, 6)) == 1  # the next week
    assert DigestSent.objects.count() == 2


def test_send_due_sends_the_digests(admin, persona):
    from tiptracker.cli import main

    owner = persona(Role.LD_OFFICER)
    _add(admin, owner=owner, owner_group="", due_date=dt.date(2000, 1, 1))
    assert main(["send-due"]) == 0
    assert [m.to for m in mail.outbox] == [[owner.user.email]]
    assert main(["send-due"]) == 0
    assert len(mail.outbox) == 1


def test_removing_a_resource_takes_it_off_the_actions_it_evidenced_and_says_so(admin):
    from tiptracker.resources.services import resource_delete
    from tiptracker.resources.tests.factories import ResourceFactory

    toolkit = ResourceFactory(partnership=admin.partnership, title="Manager toolkit")
    action = _add(admin, resources=(toolkit,))
    resource_delete(actor=admin.user, resource=toolkit)
    action.refresh_from_db()
    assert not action.resources.exists() and action.version == 2
    change = PlanChange.objects.get(verb="changed")
    assert change.changes == [["Evidence", "Resource: Manager toolkit", ""]]


def test_an_owner_may_update_their_action_but_not_hand_it_on_or_move_it(admin, persona):
    owner = persona(Role.STAFF)
    action = _add(admin, owner=owner, owner_group="")
    _edit(owner.user, action, 1, status=Action.Status.ON_TRACK, description="Going well")
    with pytest.raises(ValidationError) as raised:
        current = ActionFields.of(Action.objects.get(pk=action.pk))
        services.action_update(
            actor=owner.user,
            action=action,
            version=2,
            fields=ActionFields(
                **{**current.__dict__, "owner": None, "owner_group": "Someone else"}
            ),
            as_owner=True,
        )
    assert set(raised.value.error_dict) == {"owner", "owner_group"}
    action.refresh_from_db()
    assert (action.owner, action.version) == (owner, 2)
