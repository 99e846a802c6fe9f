"""Campus and residency services: who may create and change them, the residency lifecycle, history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from biocampus.campuses.choices import OperatorRole, ResidencyStatus
from biocampus.campuses.models import CampusOperator, Residency
from biocampus.campuses.services import (
    campus_create,
    campus_set_operators,
    campus_update,
    residency_change_status,
    residency_create,
    residency_delete,
    residency_update,
)
from biocampus.core.choices import ProvenanceMethod
from biocampus.directory.choices import OrganizationKind
from tests.factories import OrganizationFactory, ResidencyFactory

# --- campuses --------------------------------------------------------------------------------------


@pytest.fixture
def campus_org(db):
    return OrganizationFactory(name="Campus C", kind=OrganizationKind.CAMPUS)


def test_superuser_creates_a_campus_with_provenance_and_history(users, campus_org):
    campus = campus_create(actor=users.superuser, organization=campus_org, slug="campus-c")
    assert campus.provenance.method == ProvenanceMethod.MANUAL
    assert campus.provenance.entered_by == users.superuser
    assert campus.history.get().history_user == users.superuser


def test_creating_a_campus_records_its_operators_under_the_same_provenance(users, campus_org):
    city = OrganizationFactory(kind=OrganizationKind.GOVERNMENT)
    pharma = OrganizationFactory(kind=OrganizationKind.PHARMA)
    campus = campus_create(
        actor=users.superuser,
        organization=campus_org,
        slug="campus-c",
        operators=[city, (pharma, OperatorRole.OPERATOR)],
    )
    links = {(link.organization, link.role, link.provenance_id) for link in campus.operator_links.all()}
    assert links == {
        (city, OperatorRole.CO_BUILDER, campus.provenance_id),
        (pharma, OperatorRole.OPERATOR, campus.provenance_id),
    }


@pytest.mark.parametrize("role", ["campus_admin", "campus_staff", "government"])
def test_only_a_superuser_creates_a_campus(users, campus_org, db_rows, role):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        campus_create(actor=getattr(users, role), organization=campus_org, slug="campus-c")
    assert db_rows() == before


def test_a_campus_must_be_an_organisation_of_kind_campus(users, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        campus_create(actor=users.superuser, organization=resident_org, slug="teddy")
    assert "A campus must be an organisation of kind campus." in refused.value.message_dict["organization"]
    assert db_rows() == before


def test_a_campus_fully_operational_before_it_opens_is_refused(users, campus_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        campus_create(
            actor=users.superuser,
            organization=campus_org,
            slug="campus-c",
            opened_on=datetime.date(2020, 6, 1),
            operational_on=datetime.date(2020, 1, 1),
        )
    assert "A campus cannot be fully operational before it opens." in refused.value.messages
    assert db_rows() == before


def test_campus_admin_updates_its_campus_with_before_and_after(users, campus_a):
    campus_update(actor=users.campus_admin, campus=campus_a, operational_on=datetime.date(2020, 5, 1))
    entry = campus_a.history.first()
    changes = [(c.field, c.old, c.new) for c in entry.diff_against(entry.prev_record).changes]
    assert changes == [("operational_on", None, datetime.date(2020, 5, 1))]
    assert entry.history_user == users.campus_admin


def test_updating_a_campus_without_change_adds_no_history(users, campus_a):
    campus_update(actor=users.campus_admin, campus=campus_a, opened_on=campus_a.opened_on, slug="campus-a")
    assert campus_a.history.count() == 1


@pytest.mark.parametrize("role", ["campus_staff", "partner", "resident_member"])
def test_a_campus_is_changed_only_by_its_admins(users, campus_a, db_rows, role):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        campus_update(actor=getattr(users, role), campus=campus_a, slug="renamed")
    assert db_rows() == before


def test_campus_admin_may_not_change_another_campus(users, campus_b, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        campus_update(actor=users.campus_admin, campus=campus_b, slug="taken-over")
    assert db_rows() == before


def test_sister_campuses_are_mutual_and_never_the_campus_itself(users, campus_a, campus_b):
    campus_update(actor=users.campus_admin, campus=campus_a, sister_campuses=[campus_a, campus_b])
    assert list(campus_a.sister_campuses.all()) == [campus_b]
    assert list(campus_b.sister_campuses.all()) == [campus_a]


def test_setting_operators_adds_changes_and_removes_links(users, campus_a):
    # Given a city co-builder and a district sponsor
    city = OrganizationFactory(kind=OrganizationKind.GOVERNMENT)
    district = OrganizationFactory(kind=OrganizationKind.GOVERNMENT)
    pharma = OrganizationFactory(kind=OrganizationKind.PHARMA)
    campus_set_operators(actor=users.campus_admin, campus=campus_a, operators=[city, (district, OperatorRole.SPONSOR)])
    district_link = CampusOperator.objects.get(campus=campus_a, organization=district)
    # When the district becomes a co-builder, the city leaves and the pharma company operates
    campus_set_operators(
        actor=users.campus_admin,
        campus=campus_a,
        operators=[(district, OperatorRole.CO_BUILDER), (pharma, OperatorRole.OPERATOR)],
    )
    # Then the links are exactly those, and the district's link kept its row and history
    links = {(link.organization, link.role) for link in campus_a.operator_links.all()}
    assert links == {(district, OperatorRole.CO_BUILDER), (pharma, OperatorRole.OPERATOR)}
    district_link.refresh_from_db()
    assert district_link.role == OperatorRole.CO_BUILDER
    assert district_link.history.first().history_user == users.campus_admin
    assert CampusOperator.history.filter(organization_id=city.pk, history_type="-").exists()


def test_staff_may_not_set_operators(staff, campus_a):
    with pytest.raises(PermissionDenied):
        campus_set_operators(actor=staff, campus=campus_a, operators=[OrganizationFactory()])
    assert not campus_a.operator_links.exists()


# --- residency_create ------------------------------------------------------------------------------


def test_staff_create_a_residency_with_provenance_and_history(staff, campus_a):
    organization = OrganizationFactory()
    residency = residency_create(actor=staff, organization=organization, campus=campus_a)
    assert residency.status == ResidencyStatus.PROSPECT
    assert residency.provenance.entered_by == staff
    entry = residency.history.get()
    assert (entry.history_type, entry.history_user) == ("+", staff)


def test_staff_may_not_create_a_residency_at_another_campus(staff, campus_b, db_rows):
    organization = OrganizationFactory()
    before = db_rows()
    with pytest.raises(PermissionDenied):
        residency_create(actor=staff, organization=organization, campus=campus_b)
    assert db_rows() == before


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "no_membership"])
def test_non_editors_may_not_create_a_residency(users, campus_a, db_rows, role):
    organization = OrganizationFactory()
    before = db_rows()
    with pytest.raises(PermissionDenied):
        residency_create(actor=getattr(users, role), organization=organization, campus=campus_a)
    assert db_rows() == before


def test_a_second_residency_at_the_same_campus_is_refused(staff, campus_a, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        residency_create(actor=staff, organization=resident_org, campus=campus_a)
    assert "This organisation already has a residency at this campus." in refused.value.messages
    assert db_rows() == before


def test_moving_in_before_signing_is_refused(staff, campus_a, db_rows):
    organization = OrganizationFactory()
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        residency_create(
            actor=staff,
            organization=organization,
            campus=campus_a,
            status=ResidencyStatus.RESIDENT,
            signed_on=datetime.date(2021, 3, 1),
            moved_in_on=datetime.date(2021, 2, 1),
        )
    assert "Move-in cannot come before signing." in refused.value.messages
    assert db_rows() == before


def test_ending_before_signing_is_refused(staff, campus_a):
    with pytest.raises(ValidationError) as refused:
        residency_create(
            actor=staff,
            organization=OrganizationFactory(),
            campus=campus_a,
            status=ResidencyStatus.EXITED,
            signed_on=datetime.date(2021, 3, 1),
            ended_on=datetime.date(2020, 3, 1),
        )
    assert "A residency cannot end before it was signed." in refused.value.messages


def test_a_campus_cannot_be_a_resident(staff, campus_a, campus_b, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        residency_create(actor=staff, organization=campus_b.organization, campus=campus_a)
    assert "A campus cannot be a resident of another campus." in refused.value.message_dict["organization"]
    assert db_rows() == before


def test_residency_notes_with_a_nul_byte_are_refused(staff, campus_a, db_rows):
    organization = OrganizationFactory()
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        residency_create(actor=staff, organization=organization, campus=campus_a, notes="x\x00y")
    assert "notes" in refused.value.message_dict
    assert db_rows() == before


# --- residency_change_status -----------------------------------------------------------------------

ON = datetime.date(2022, 4, 1)


@pytest.mark.parametrize(
    ("start", "new", "date_field"),
    [
        (ResidencyStatus.PROSPECT, ResidencyStatus.APPLIED, "applied_on"),
        (ResidencyStatus.PROSPECT, ResidencyStatus.SIGNED, "signed_on"),
        (ResidencyStatus.IN_REVIEW, ResidencyStatus.SIGNED, "signed_on"),
        (ResidencyStatus.SIGNED, ResidencyStatus.RESIDENT, "moved_in_on"),
        (ResidencyStatus.RESIDENT, ResidencyStatus.GRADUATED, "ended_on"),
        (ResidencyStatus.RESIDENT, ResidencyStatus.EXITED, "ended_on"),
        (ResidencyStatus.APPLIED, ResidencyStatus.DECLINED, "ended_on"),
    ],
)
def test_changing_status_stamps_the_date_of_the_step(staff, campus_a, start, new, date_field):
    # Given a residency signed and moved in long before
    residency = ResidencyFactory(
        campus=campus_a,
        status=start,
        signed_on=datetime.date(2020, 1, 1) if start in (ResidencyStatus.SIGNED, ResidencyStatus.RESIDENT) else None,
        moved_in_on=datetime.date(2020, 2, 1) if start == ResidencyStatus.RESIDENT else None,
    )
    # When staff move it on, on a given date
    residency_change_status(actor=staff, residency=residency, status=new, on=ON)
    # Then the status and the date of that step are stored
    residency.refresh_from_db()
    assert residency.status == new
    assert getattr(residency, date_field) == ON


def test_changing_status_without_a_date_stamps_today(staff, campus_a):
    residency = ResidencyFactory(campus=campus_a, status=ResidencyStatus.PROSPECT, signed_on=None, moved_in_on=None)
    residency_change_status(actor=staff, residency=residency, status=ResidencyStatus.APPLIED)
    residency.refresh_from_db()
    assert residency.applied_on == datetime.date.today()


def test_a_step_without_a_date_of_its_own_changes_no_date(staff, campus_a):
    residency = ResidencyFactory(
        campus=campus_a,
        status=ResidencyStatus.APPLIED,
        applied_on=datetime.date(2021, 1, 1),
        signed_on=None,
        moved_in_on=None,
    )
    residency_change_status(actor=staff, residency=residency, status=ResidencyStatus.IN_REVIEW, on=ON)
    residency.refresh_from_db()
    assert (residency.applied_on, residency.signed_on, residency.moved_in_on, residency.ended_on) == (
        datetime.date(2021, 1, 1),
        None,
        None,
        None,
    )


def test_changing_status_records_before_after_and_reason(staff, resident_org, campus_a):
    residency = resident_org.residencies.get(campus=campus_a)
    residency_change_status(
        actor=staff, residency=residency, status=ResidencyStatus.GRADUATED, on=ON, reason="moved to own site"
    )
    entry = residency.history.first()
    changes = {c.field: (c.old, c.new) for c in entry.diff_against(entry.prev_record).changes}
    assert changes == {"status": ("resident", "graduated"), "ended_on": (None, ON)}
    assert entry.history_user == staff
    assert entry.history_change_reason == "moved to own site"


def test_an_illegal_transition_is_refused_and_nothing_written(staff, campus_a, db_rows):
    residency = ResidencyFactory(campus=campus_a, status=ResidencyStatus.PROSPECT, signed_on=None, moved_in_on=None)
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        residency_change_status(actor=staff, residency=residency, status=ResidencyStatus.GRADUATED, on=ON)
    assert refused.value.message_dict["status"] == ["A residency cannot go from Prospect to Graduated."]
    assert db_rows() == before
    residency.refresh_from_db()
    assert (residency.status, residency.ended_on) == (ResidencyStatus.PROSPECT, None)


@pytest.mark.parametrize("final", [ResidencyStatus.GRADUATED, ResidencyStatus.EXITED])
def test_a_finished_residency_cannot_change_status(staff, campus_a, final):
    residency = ResidencyFactory(campus=campus_a, status=final, ended_on=datetime.date(2022, 1, 1))
    with pytest.raises(ValidationError):
        residency_change_status(actor=staff, residency=residency, status=ResidencyStatus.RESIDENT, on=ON)


def test_staff_may_correct_a_status_back_one_step(staff, campus_a):
    residency = ResidencyFactory(campus=campus_a, status=ResidencyStatus.SIGNED, moved_in_on=None)
    residency_change_status(actor=staff, residency=residency, status=ResidencyStatus.IN_REVIEW)
    residency.refresh_from_db()
    assert residency.status == ResidencyStatus.IN_REVIEW


def test_a_status_step_dated_before_signing_is_refused(staff, campus_a, db_rows):
    residency = ResidencyFactory(
        campus=campus_a, status=ResidencyStatus.SIGNED, signed_on=datetime.date(2022, 5, 1), moved_in_on=None
    )
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        residency_change_status(
            actor=staff, residency=residency, status=ResidencyStatus.RESIDENT, on=datetime.date(2022, 4, 1)
        )
    assert "Move-in cannot come before signing." in refused.value.messages
    assert db_rows() == before


def test_resident_member_may_not_change_its_own_residency_status(users, resident_org, campus_a, db_rows):
    residency = resident_org.residencies.get(campus=campus_a)
    before = db_rows()
    with pytest.raises(PermissionDenied):
        residency_change_status(actor=users.resident_member, residency=residency, status=ResidencyStatus.EXITED)
    assert db_rows() == before


def test_staff_may_not_change_a_residency_at_another_campus(staff, resident_org_b, campus_b, db_rows):
    residency = resident_org_b.residencies.get(campus=campus_b)
    before = db_rows()
    with pytest.raises(PermissionDenied):
        residency_change_status(actor=staff, residency=residency, status=ResidencyStatus.EXITED)
    assert db_rows() == before


# --- residency_update / residency_delete -----------------------------------------------------------


def test_updating_a_residency_records_before_and_after(staff, resident_org, campus_a):
    residency = resident_org.residencies.get(campus=campus_a)
    residency_update(actor=staff, residency=residency, notes="Lab on the 3rd floor")
    entry = residency.history.first()
    assert [(c.field, c.old, c.new) for c in entry.diff_against(entry.prev_record).changes] == [
        ("notes", "", "Lab on the 3rd floor")
    ]
    assert entry.history_user == staff


def test_updating_a_residency_without_change_adds_no_history(staff, resident_org, campus_a):
    residency = resident_org.residencies.get(campus=campus_a)
    residency_update(actor=staff, residency=residency, status=residency.status, notes="")
    assert residency.history.count() == 1


def test_updating_a_residency_refuses_an_illegal_status(staff, campus_a, db_rows):
    residency = ResidencyFactory(campus=campus_a, status=ResidencyStatus.PROSPECT, signed_on=None, moved_in_on=None)
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        residency_update(actor=staff, residency=residency, status=ResidencyStatus.RESIDENT)
    assert "status" in refused.value.message_dict
    assert db_rows() == before


def test_staff_may_not_move_a_residency_to_another_campus(staff, resident_org, campus_a, campus_b, db_rows):
    residency = resident_org.residencies.get(campus=campus_a)
    before = db_rows()
    with pytest.raises(PermissionDenied):
        residency_update(actor=staff, residency=residency, campus=campus_b)
    assert db_rows() == before


def test_deleting_a_residency_leaves_a_history_entry_by_the_actor(staff, resident_org, campus_a):
    residency = resident_org.residencies.get(campus=campus_a)
    pk = residency.pk
    residency_delete(actor=staff, residency=residency)
    assert not Residency.objects.filter(pk=pk).exists()
    entry = Residency.history.filter(id=pk).first()
    assert (entry.history_type, entry.history_user) == ("-", staff)


def test_a_government_viewer_may_not_delete_a_residency(users, resident_org, campus_a):
    residency = resident_org.residencies.get(campus=campus_a)
    with pytest.raises(PermissionDenied):
        residency_delete(actor=users.government, residency=residency)
    assert Residency.objects.filter(pk=residency.pk).exists()
