"""Event services: events, participations and booth showcases."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from biocampus.events.choices import EventKind, ParticipationRole
from biocampus.events.models import Event, Participation, Showcase
from biocampus.events.services import (
    event_create,
    event_delete,
    event_set_showcases,
    event_update,
    participation_add,
)
from tests.factories import EventFactory, ShowcaseFactory

NOV_5 = datetime.date(2020, 11, 5)
NOV_10 = datetime.date(2020, 11, 10)


@pytest.fixture
def event(campus_a):
    return EventFactory(campus=campus_a, name="3rd CIIE", starts_on=NOV_5, ends_on=NOV_10)


# --- event_create / event_update / event_delete ----------------------------------------------------


def test_creating_an_event_records_provenance_and_history_by_the_actor(staff, campus_a):
    event = event_create(actor=staff, campus=campus_a, name="3rd CIIE", kind=EventKind.EXPO, starts_on=NOV_5)
    assert event.provenance.entered_by == staff
    entry = event.history.get()
    assert (entry.history_type, entry.history_user) == ("+", staff)


def test_an_event_ending_before_it_starts_is_refused_and_nothing_written(staff, campus_a, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        event_create(actor=staff, campus=campus_a, name="Backwards summit", starts_on=NOV_10, ends_on=NOV_5)
    assert "An event cannot end before it starts." in refused.value.messages
    assert db_rows() == before


def test_a_one_day_event_is_accepted(staff, campus_a):
    event = event_create(actor=staff, campus=campus_a, name="Signing ceremony", starts_on=NOV_5, ends_on=NOV_5)
    assert Event.objects.get(pk=event.pk).ends_on == NOV_5


@pytest.mark.parametrize(("name", "message"), [("CIIE\x00", "NUL"), ("CIIE\x7f", "control characters"), ("", "")])
def test_a_bad_event_name_is_refused_and_nothing_written(staff, campus_a, db_rows, name, message):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        event_create(actor=staff, campus=campus_a, name=name)
    assert message in " ".join(refused.value.message_dict["name"])
    assert db_rows() == before


def test_staff_may_not_create_an_event_at_another_campus(staff, campus_b, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        event_create(actor=staff, campus=campus_b, name="Chengdu forum")
    assert db_rows() == before


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "no_membership"])
def test_non_editors_may_not_create_an_event(users, campus_a, db_rows, role):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        event_create(actor=getattr(users, role), campus=campus_a, name="Unofficial meetup")
    assert db_rows() == before


def test_an_update_records_before_and_after_by_the_actor(staff, event):
    event_update(actor=staff, event=event, short_name="CIIE 2020")
    entry = event.history.first()
    assert [(c.field, c.old, c.new) for c in entry.diff_against(entry.prev_record).changes] == [
        ("short_name", "", "CIIE 2020")
    ]
    assert entry.history_user == staff


def test_an_update_without_change_adds_no_history(staff, event):
    event_update(actor=staff, event=event, name="3rd CIIE", starts_on=NOV_5, ends_on=NOV_10)
    assert event.history.count() == 1


def test_an_update_ending_the_event_before_it_starts_is_refused(staff, event, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError):
        event_update(actor=staff, event=event, ends_on=datetime.date(2020, 11, 1))
    assert db_rows() == before
    assert Event.objects.get(pk=event.pk).ends_on == NOV_10


def test_staff_may_not_move_an_event_to_another_campus(staff, event, campus_b, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        event_update(actor=staff, event=event, campus=campus_b)
    assert db_rows() == before


def test_a_superuser_may_move_an_event_to_another_campus(users, event, campus_b):
    event_update(actor=users.superuser, event=event, campus=campus_b)
    assert Event.objects.get(pk=event.pk).campus == campus_b


def test_deleting_an_event_leaves_a_history_entry_by_the_actor(staff, event):
    pk = event.pk
    event_delete(actor=staff, event=event)
    assert not Event.objects.filter(pk=pk).exists()
    entry = Event.history.filter(id=pk).first()
    assert (entry.history_type, entry.history_user) == ("-", staff)


def test_a_partner_may_not_delete_an_event(users, event):
    with pytest.raises(PermissionDenied):
        event_delete(actor=users.partner, event=event)
    assert Event.objects.filter(pk=event.pk).exists()


# --- participations --------------------------------------------------------------------------------


def test_adding_a_participation_records_history_by_the_actor(staff, event, resident_org):
    participation = participation_add(
        actor=staff, event=event, organization=resident_org, role=ParticipationRole.EXHIBITOR
    )
    assert participation.history.get().history_user == staff


def test_adding_the_same_participation_twice_keeps_one(staff, event, resident_org):
    first = participation_add(actor=staff, event=event, organization=resident_org, role=ParticipationRole.SPEAKER)
    second = participation_add(actor=staff, event=event, organization=resident_org, role=ParticipationRole.SPEAKER)
    assert first == second
    assert Participation.objects.filter(event=event, organization=resident_org).count() == 1


def test_one_organisation_may_take_several_roles(staff, event, resident_org):
    participation_add(actor=staff, event=event, organization=resident_org, role=ParticipationRole.SPEAKER)
    participation_add(actor=staff, event=event, organization=resident_org, role=ParticipationRole.SIGNER)
    roles = set(Participation.objects.filter(event=event).values_list("role", flat=True))
    assert roles == {"speaker", "signer"}


def test_an_unknown_participation_role_is_refused(staff, event, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        participation_add(actor=staff, event=event, organization=resident_org, role="sponsor")
    assert "role" in refused.value.message_dict
    assert db_rows() == before


def test_a_resident_member_may_not_add_its_organisation_to_an_event(users, event, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        participation_add(
            actor=users.resident_member, event=event, organization=resident_org, role=ParticipationRole.VISITOR
        )
    assert db_rows() == before


# --- showcases -------------------------------------------------------------------------------------


def test_setting_showcases_adds_updates_and_removes(staff, event, resident_org, neighbour_org, partner_org):
    # Given two offerings at the booth
    kept = ShowcaseFactory(event=event, organization=resident_org, offering="AI pathology", description="v1")
    dropped = ShowcaseFactory(event=event, organization=neighbour_org, offering="Sequencer")
    # When the booth becomes the kept offering (re-described, at the partner's booth) and a new one
    event_set_showcases(
        actor=staff,
        event=event,
        showcases=[
            {"organization": resident_org, "offering": "AI pathology", "description": "v2", "booth_host": partner_org},
            {"organization": neighbour_org, "offering": "Rapid test"},
        ],
    )
    # Then the booth shows exactly those
    rows = {(s.organization, s.offering, s.description, s.booth_host) for s in event.showcases.all()}
    assert rows == {
        (resident_org, "AI pathology", "v2", partner_org),
        (neighbour_org, "Rapid test", "", None),
    }
    # And each change is in history, by the actor
    entry = kept.history.first()
    changes = {c.field: (c.old, c.new) for c in entry.diff_against(entry.prev_record).changes}
    assert changes == {"description": ("v1", "v2"), "booth_host": (None, partner_org.pk)}
    assert entry.history_user == staff
    removal = Showcase.history.filter(id=dropped.pk).first()
    assert (removal.history_type, removal.history_user) == ("-", staff)


def test_setting_the_same_showcases_again_adds_no_history(staff, event, resident_org):
    showcases = [{"organization": resident_org, "offering": "AI pathology"}]
    event_set_showcases(actor=staff, event=event, showcases=showcases)
    before = Showcase.history.count()
    event_set_showcases(actor=staff, event=event, showcases=showcases)
    assert Showcase.history.count() == before


def test_a_showcase_with_a_nul_byte_is_refused_and_nothing_written(staff, event, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError):
        event_set_showcases(actor=staff, event=event, showcases=[{"organization": resident_org, "offering": "Kit\x00"}])
    assert db_rows() == before


def test_a_government_viewer_may_not_set_showcases(users, event, resident_org):
    with pytest.raises(PermissionDenied):
        event_set_showcases(
            actor=users.government, event=event, showcases=[{"organization": resident_org, "offering": "Kit"}]
        )
    assert not event.showcases.exists()
