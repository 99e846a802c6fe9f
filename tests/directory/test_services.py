"""The registry's services: organisations, their identifiers and people."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from biocampus.core.choices import ProvenanceMethod
from biocampus.directory.choices import IdentifierScheme, OrganizationKind
from biocampus.directory.models import Organization, Person
from biocampus.directory.services import (
    identifier_add,
    organization_create,
    organization_delete,
    organization_update,
    person_create,
    person_update,
)
from tests.factories import FieldFactory, OrganizationFactory, OrganizationIdentifierFactory, PersonFactory


def _create(actor, **overrides):
    values = {"name": "Teddy Bio", "kind": OrganizationKind.COMPANY, **overrides}
    return organization_create(actor=actor, **values)


# --- organization_create ---------------------------------------------------------------------------


def test_creating_an_organisation_records_who_typed_it_in(staff):
    # When staff create an organisation
    organization = _create(staff, city="Wuxi")
    # Then its provenance says it was entered by hand by them
    organization.refresh_from_db()
    assert organization.provenance.method == ProvenanceMethod.MANUAL
    assert organization.provenance.entered_by == staff


def test_creating_an_organisation_adds_a_history_entry_by_the_actor(staff):
    organization = _create(staff)
    entry = organization.history.get()
    assert entry.history_type == "+"
    assert entry.history_user == staff


def test_creating_an_organisation_keeps_a_given_provenance(staff):
    from tests.factories import ProvenanceFactory

    provenance = ProvenanceFactory(method=ProvenanceMethod.IMPORT, file_name="residents.xlsx")
    organization = _create(staff, provenance=provenance)
    assert organization.provenance == provenance


def test_creating_an_organisation_sets_its_fields(staff):
    genomics, devices = FieldFactory(), FieldFactory()
    organization = _create(staff, fields=[genomics, devices])
    assert set(organization.fields.all()) == {genomics, devices}


def test_name_is_trimmed_and_normalised(staff):
    # "e" followed by a combining acute accent becomes the single character "é"
    organization = _create(staff, name="  Cafe\u0301 Bio  ")
    organization.refresh_from_db()
    assert organization.name == "Caf\u00e9 Bio"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Teddy\x00Bio", "NUL"),
        ("Teddy\x07Bio", "control characters"),
        ("Teddy\x1bBio", "control characters"),
    ],
)
def test_a_name_with_forbidden_characters_is_refused_and_nothing_written(staff, db_rows, name, message):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        _create(staff, name=name)
    assert message in " ".join(refused.value.message_dict["name"])
    assert db_rows() == before


def test_a_blank_name_is_refused_and_nothing_written(staff, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        _create(staff, name="   ")
    assert "name" in refused.value.message_dict
    assert db_rows() == before


def test_a_description_may_keep_its_line_breaks_and_tabs(staff):
    organization = _create(staff, description="Line one\n\tLine two")
    organization.refresh_from_db()
    assert organization.description == "Line one\n\tLine two"


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "no_membership"])
def test_a_role_that_may_not_add_organisations_is_refused_and_nothing_written(users, db_rows, role):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        _create(getattr(users, role))
    assert db_rows() == before


def test_staff_can_change_the_organisation_they_just_created(staff):
    organization = _create(staff)
    organization_update(actor=staff, organization=organization, city="Suzhou")
    organization.refresh_from_db()
    assert organization.city == "Suzhou"


# --- aliases and search text -----------------------------------------------------------------------


def test_aliases_are_trimmed_and_blanks_dropped(staff):
    organization = _create(staff, aliases=["  TB  ", "", "   ", "泰迪生物"])
    assert organization.aliases == ["TB", "泰迪生物"]


def test_aliases_repeating_a_name_are_dropped(staff):
    # Given aliases that only repeat the name or Chinese name (in another case or width)
    organization = _create(staff, name_zh="泰迪", aliases=["teddy bio", "ＴＥＤＤＹ ＢＩＯ", "泰迪", "TB"])
    # Then only the real alias is kept
    assert organization.aliases == ["TB"]


def test_repeated_aliases_are_kept_once_in_order(staff):
    organization = _create(staff, aliases=["TB", "Teddy", "TB"])
    assert organization.aliases == ["TB", "Teddy"]


def test_aliases_differing_only_in_case_are_kept_once(staff):
    organization = _create(staff, aliases=["TB", "tb"])
    assert organization.aliases == ["TB"]


def test_aliases_may_be_given_one_per_line(staff):
    organization = _create(staff, aliases="TB\nTeddy\n\n")
    assert organization.aliases == ["TB", "Teddy"]


def test_an_alias_with_a_nul_byte_is_refused_and_nothing_written(staff, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        _create(staff, aliases=["TB", "T\x00B"])
    assert "NUL" in " ".join(refused.value.message_dict["aliases"])
    assert db_rows() == before


def test_search_text_holds_every_name_alias_and_city_folded(staff):
    organization = _create(staff, name="Teddy Bio", name_zh="泰迪", aliases=["TB"], city="Wuxi")
    organization.refresh_from_db()
    assert organization.search_text.split("\n") == ["teddy bio", "泰迪", "tb", "wuxi"]


def test_renaming_refreshes_the_search_text(staff, resident_org):
    # Given the resident organisation "Teddy Lab"
    # When staff rename it
    organization_update(actor=staff, organization=resident_org, name="Bear Therapeutics")
    # Then search finds the new name, not the old one
    resident_org.refresh_from_db()
    assert "bear therapeutics" in resident_org.search_text
    assert "teddy lab" not in resident_org.search_text


def test_updating_aliases_cleans_them_against_the_new_name(staff, resident_org):
    organization_update(actor=staff, organization=resident_org, name="Bear Bio", aliases=[" bear bio ", " BB "])
    resident_org.refresh_from_db()
    assert resident_org.aliases == ["BB"]
    assert "bb" in resident_org.search_text.split("\n")


# --- organization_update ---------------------------------------------------------------------------


def test_an_update_records_the_change_before_and_after_by_the_actor(staff, resident_org):
    organization_update(actor=staff, organization=resident_org, city="Suzhou", reason="moved offices")
    entry = resident_org.history.first()
    changes = {c.field: (c.old, c.new) for c in entry.diff_against(entry.prev_record).changes}
    assert changes == {"city": ("Wuxi", "Suzhou")}
    assert entry.history_user == staff
    assert entry.history_change_reason == "moved offices"


def test_an_update_without_change_adds_no_history(staff, resident_org):
    before = resident_org.history.count()
    organization_update(actor=staff, organization=resident_org, name="Teddy Lab", city="Wuxi")
    assert resident_org.history.count() == before


def test_an_update_differing_only_in_surrounding_blanks_adds_no_history(staff, resident_org):
    before = resident_org.history.count()
    organization_update(actor=staff, organization=resident_org, name="Teddy Lab ")
    assert resident_org.history.count() == before


def test_changing_fields_is_recorded_in_history_by_the_actor(staff, resident_org):
    genomics = FieldFactory()
    organization_update(actor=staff, organization=resident_org, fields=[genomics])
    assert list(resident_org.fields.all()) == [genomics]
    entry = resident_org.history.first()
    assert entry.history_user == staff
    assert [row.field_id for row in entry.fields.all()] == [genomics.pk]


def test_an_update_with_a_nul_byte_is_refused_and_nothing_written(staff, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError):
        organization_update(actor=staff, organization=resident_org, description="bad\x00text")
    assert db_rows() == before
    resident_org.refresh_from_db()
    assert resident_org.description == ""


def test_resident_member_changes_its_own_organisation(users, resident_org):
    organization_update(actor=users.resident_member, organization=resident_org, website="https://teddy.example")
    resident_org.refresh_from_db()
    assert resident_org.website == "https://teddy.example"
    assert resident_org.history.first().history_user == users.resident_member


def test_resident_member_may_not_change_its_neighbour(users, neighbour_org, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        organization_update(actor=users.resident_member, organization=neighbour_org, name="Taken Over")
    assert db_rows() == before


def test_staff_may_not_change_an_organisation_hosted_by_another_campus(staff, resident_org_b, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        organization_update(actor=staff, organization=resident_org_b, city="Suzhou")
    assert db_rows() == before


def test_staff_change_an_organisation_their_campus_stewards(staff, campus_a):
    association = OrganizationFactory(kind=OrganizationKind.ASSOCIATION, steward=campus_a)
    organization_update(actor=staff, organization=association, city="Nanjing")
    association.refresh_from_db()
    assert association.city == "Nanjing"


@pytest.mark.parametrize("role", ["partner", "government"])
def test_viewers_may_not_change_even_their_own_organisation(users, partner_org, role):
    with pytest.raises(PermissionDenied):
        organization_update(actor=getattr(users, role), organization=partner_org, city="Cambridge")


def test_deleting_an_organisation_leaves_a_history_entry_by_the_actor(staff, campus_a):
    association = OrganizationFactory(steward=campus_a)
    pk = association.pk
    organization_delete(actor=staff, organization=association)
    assert not Organization.objects.filter(pk=pk).exists()
    entry = Organization.history.filter(id=pk).first()
    assert entry.history_type == "-"
    assert entry.history_user == staff


def test_deleting_an_organisation_is_refused_to_a_resident_member(users, neighbour_org):
    with pytest.raises(PermissionDenied):
        organization_delete(actor=users.resident_member, organization=neighbour_org)
    assert Organization.objects.filter(pk=neighbour_org.pk).exists()


# --- identifier_add --------------------------------------------------------------------------------


def test_adding_an_identifier_makes_it_searchable(staff, resident_org):
    identifier_add(actor=staff, organization=resident_org, scheme=IdentifierScheme.USCC, value="91320200MA1X2Y3Z4A")
    resident_org.refresh_from_db()
    assert "91320200ma1x2y3z4a" in resident_org.search_text.split("\n")


def test_adding_an_identifier_records_history_by_the_actor(staff, resident_org):
    identifier = identifier_add(actor=staff, organization=resident_org, scheme=IdentifierScheme.LEI, value="LEI123")
    assert identifier.history.get().history_user == staff


def test_an_identifier_another_organisation_has_is_refused(staff, resident_org, neighbour_org, db_rows):
    OrganizationIdentifierFactory(organization=neighbour_org, scheme=IdentifierScheme.USCC, value="SAME-CODE")
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        identifier_add(actor=staff, organization=resident_org, scheme=IdentifierScheme.USCC, value="SAME-CODE")
    assert "Another organisation already has this identifier." in refused.value.messages
    assert db_rows() == before


def test_an_unknown_identifier_scheme_is_refused(staff, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        identifier_add(actor=staff, organization=resident_org, scheme="passport", value="X1")
    assert "Unknown identifier scheme passport." in refused.value.message_dict["scheme"]
    assert db_rows() == before


def test_adding_an_identifier_to_another_organisation_is_refused_to_a_resident_member(users, neighbour_org, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        identifier_add(actor=users.resident_member, organization=neighbour_org, scheme="uscc", value="X1")
    assert db_rows() == before


# --- people ----------------------------------------------------------------------------------------


def test_resident_member_adds_a_person_to_its_organisation(users, resident_org):
    person = person_create(actor=users.resident_member, name="Li Wei", organization=resident_org, title="CEO")
    assert person.organization == resident_org
    assert person.history.get().history_user == users.resident_member
    assert person.provenance.entered_by == users.resident_member


def test_resident_member_may_not_add_a_person_to_another_organisation(users, neighbour_org, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        person_create(actor=users.resident_member, name="Mole", organization=neighbour_org)
    assert db_rows() == before


def test_staff_add_a_person_without_an_organisation(staff):
    person = person_create(actor=staff, name="Independent Consultant")
    assert Person.objects.get(pk=person.pk).organization is None


def test_resident_member_may_not_add_a_person_without_an_organisation(users, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        person_create(actor=users.resident_member, name="Unaffiliated")
    assert db_rows() == before


def test_a_person_with_an_invalid_email_is_refused(staff, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        person_create(actor=staff, name="Li Wei", organization=resident_org, email="not-an-email")
    assert "email" in refused.value.message_dict
    assert db_rows() == before


def test_moving_a_person_to_an_organisation_the_actor_may_not_change_is_refused(users, resident_org, neighbour_org):
    person = PersonFactory(organization=resident_org)
    with pytest.raises(PermissionDenied):
        person_update(actor=users.resident_member, person=person, organization=neighbour_org)
    person.refresh_from_db()
    assert person.organization == resident_org


def test_updating_a_person_records_before_and_after(staff, resident_org):
    person = PersonFactory(organization=resident_org, title="CTO")
    person_update(actor=staff, person=person, title="CEO")
    entry = person.history.first()
    assert [(c.field, c.old, c.new) for c in entry.diff_against(entry.prev_record).changes] == [("title", "CTO", "CEO")]
    assert entry.history_user == staff


def test_updating_a_person_without_change_adds_no_history(staff, resident_org):
    person = PersonFactory(organization=resident_org, title="CTO")
    person_update(actor=staff, person=person, title="CTO", organization=resident_org)
    assert person.history.count() == 1


def test_staff_may_not_delete_an_organisation_another_campus_also_hosts(staff, campus_b, neighbour_org, db_rows):
    # Given Neighbour Bio is resident at campus A and at campus B, where it has a milestone
    from tests.factories import MilestoneFactory, ResidencyFactory

    ResidencyFactory(organization=neighbour_org, campus=campus_b)
    MilestoneFactory(campus=campus_b, organization=neighbour_org)
    before = db_rows()
    # When campus A staff delete it, they are refused and campus B keeps its records
    with pytest.raises(PermissionDenied):
        organization_delete(actor=staff, organization=neighbour_org)
    assert db_rows() == before


def test_a_parent_chain_that_loops_back_is_refused(users, resident_org, neighbour_org):
    from biocampus.directory.services import organization_update

    organization_update(actor=users.superuser, organization=neighbour_org, parent=resident_org)

    with pytest.raises(ValidationError, match="part of itself"):
        organization_update(actor=users.superuser, organization=resident_org, parent=neighbour_org)
    resident_org.refresh_from_db()
    assert resident_org.parent is None
