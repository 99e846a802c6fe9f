"""The permission rules of biocampus.accounts.permissions, role by role, allowed and refused.

Every scoped family gets three records: `own` (campus A, involves the resident member's organisation),
`neighbour` (campus A, does not involve it) and `elsewhere` (campus B, involves campus B's resident).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from biocampus.accounts import permissions
from biocampus.accounts.choices import Role
from biocampus.accounts.permissions import ADD, CHANGE, DELETE, VIEW
from biocampus.agreements.models import Agreement
from biocampus.campuses.models import Campus, Residency
from biocampus.directory.models import Field, Organization, Person
from biocampus.events.models import Event
from biocampus.progress.models import FundingRound, Milestone, Programme, Target
from tests.factories import (
    AgreementFactory,
    EventFactory,
    FundingRoundFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    ProgrammeFactory,
    ShowcaseFactory,
    TargetFactory,
    UserFactory,
)

ALL_ROLES = ["campus_admin", "campus_staff", "resident_member", "partner", "government", "resident_b"]


# --- The scoped families: own / neighbour / elsewhere -----------------------------------------------


def _residencies(w):
    return SimpleNamespace(
        model=Residency,
        own=w.resident_org.residencies.get(campus=w.campus_a),
        neighbour=w.neighbour_org.residencies.get(campus=w.campus_a),
        elsewhere=w.resident_org_b.residencies.get(campus=w.campus_b),
    )


def _agreements(w):
    return SimpleNamespace(
        model=Agreement,
        own=AgreementFactory(campus=w.campus_a, parties=[w.resident_org, w.partner_org]),
        neighbour=AgreementFactory(campus=w.campus_a, parties=[w.neighbour_org, w.partner_org]),
        elsewhere=AgreementFactory(campus=w.campus_b, parties=[w.resident_org_b, w.partner_org]),
    )


def _events(w):
    own = EventFactory(campus=w.campus_a)
    ParticipationFactory(event=own, organization=w.resident_org)
    neighbour = EventFactory(campus=w.campus_a)
    ParticipationFactory(event=neighbour, organization=w.neighbour_org)
    elsewhere = EventFactory(campus=w.campus_b)
    ParticipationFactory(event=elsewhere, organization=w.resident_org_b)
    return SimpleNamespace(model=Event, own=own, neighbour=neighbour, elsewhere=elsewhere)


def _milestones(w):
    return SimpleNamespace(
        model=Milestone,
        own=MilestoneFactory(campus=w.campus_a, organization=w.resident_org),
        neighbour=MilestoneFactory(campus=w.campus_a, organization=w.neighbour_org),
        elsewhere=MilestoneFactory(campus=w.campus_b, organization=w.resident_org_b),
    )


def _programmes(w):
    return SimpleNamespace(
        model=Programme,
        own=ProgrammeFactory(campus=w.campus_a, organizations=[w.resident_org, w.partner_org]),
        neighbour=ProgrammeFactory(campus=w.campus_a, organizations=[w.neighbour_org]),
        elsewhere=ProgrammeFactory(campus=w.campus_b, organizations=[w.resident_org_b]),
    )


def _targets(w):
    return SimpleNamespace(
        model=Target,
        own=TargetFactory(campus=w.campus_a, organization=w.resident_org),
        neighbour=TargetFactory(campus=w.campus_a, organization=w.neighbour_org),
        elsewhere=TargetFactory(campus=w.campus_b, organization=w.resident_org_b),
    )


def _funding_rounds(w):
    return SimpleNamespace(
        model=FundingRound,
        own=FundingRoundFactory(campus=w.campus_a, recipient=w.resident_org, investors=[w.partner_org]),
        neighbour=FundingRoundFactory(campus=w.campus_a, recipient=w.neighbour_org, investors=[w.partner_org]),
        elsewhere=FundingRoundFactory(campus=w.campus_b, recipient=w.resident_org_b, investors=[w.partner_org]),
    )


FAMILIES = {
    "residency": _residencies,
    "agreement": _agreements,
    "event": _events,
    "milestone": _milestones,
    "programme": _programmes,
    "target": _targets,
    "funding round": _funding_rounds,
}

# Which of own / neighbour / elsewhere each role reads, and changes, in every scoped family.
VISIBLE = {
    "campus_admin": {"own", "neighbour"},
    "campus_staff": {"own", "neighbour"},
    "resident_member": {"own"},
    "partner": {"own", "neighbour"},
    "government": {"own", "neighbour"},
    "resident_b": {"elsewhere"},
    "superuser": {"own", "neighbour", "elsewhere"},
    "no_membership": set(),
}
EDITABLE = {
    "campus_admin": {"own", "neighbour"},
    "campus_staff": {"own", "neighbour"},
    "resident_member": set(),
    "partner": set(),
    "government": set(),
    "resident_b": set(),
    "superuser": {"own", "neighbour", "elsewhere"},
    "no_membership": set(),
}


@pytest.fixture
def world(users, campus_a, campus_b, resident_org, neighbour_org, resident_org_b, partner_org):
    return SimpleNamespace(
        users=users,
        campus_a=campus_a,
        campus_b=campus_b,
        resident_org=resident_org,
        neighbour_org=neighbour_org,
        resident_org_b=resident_org_b,
        partner_org=partner_org,
    )


def _names(records, found):
    by_pk = {getattr(records, name).pk: name for name in ("own", "neighbour", "elsewhere")}
    return {by_pk[obj.pk] for obj in found if obj.pk in by_pk}


@pytest.mark.parametrize("role", list(VISIBLE))
@pytest.mark.parametrize("family", list(FAMILIES))
def test_visible_returns_what_each_role_may_read(world, family, role):
    # Given one record the resident member's organisation is in, one of its neighbour, one at campus B
    records = FAMILIES[family](world)
    # When the role lists the family
    found = list(permissions.visible(records.model.objects.all(), getattr(world.users, role)))
    # Then it reads exactly the records its role allows, each once
    assert _names(records, found) == VISIBLE[role]
    assert len(found) == len({obj.pk for obj in found})


@pytest.mark.parametrize("role", list(EDITABLE))
@pytest.mark.parametrize("family", list(FAMILIES))
def test_editable_returns_what_each_role_may_change(world, family, role):
    # Given the three records of the family
    records = FAMILIES[family](world)
    # When the role asks which it may change
    found = permissions.editable(records.model.objects.all(), getattr(world.users, role))
    # Then only campus A's editors (and the superuser) may
    assert _names(records, found) == EDITABLE[role]


@pytest.mark.parametrize("role", list(VISIBLE))
@pytest.mark.parametrize("family", list(FAMILIES))
def test_can_agrees_with_visible_and_editable_record_by_record(world, family, role):
    # Given the three records of the family
    records = FAMILIES[family](world)
    user = getattr(world.users, role)
    # When the role asks about each record on its own
    for name in ("own", "neighbour", "elsewhere"):
        obj = getattr(records, name)
        # Then can() answers as the querysets do
        assert permissions.can(user, VIEW, obj) is (name in VISIBLE[role]), (name, VIEW)
        assert permissions.can(user, CHANGE, obj) is (name in EDITABLE[role]), (name, CHANGE)
        assert permissions.can(user, DELETE, obj) is (name in EDITABLE[role]), (name, DELETE)


def test_can_refuses_an_unknown_action(world):
    campus = world.campus_a
    with pytest.raises(ValueError, match="unknown action"):
        permissions.can(world.users.superuser, "approve", campus)


# --- Adding campus-scoped records -------------------------------------------------------------------

SCOPED_MODELS = [Residency, Agreement, Event, Milestone, Programme, Target, FundingRound]


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize(
    ("role", "at_a", "at_b"),
    [
        ("campus_admin", True, False),
        ("campus_staff", True, False),
        ("resident_member", False, False),
        ("partner", False, False),
        ("government", False, False),
        ("resident_b", False, False),
        ("superuser", True, True),
        ("no_membership", False, False),
    ],
)
def test_can_add_a_scoped_record_only_at_a_campus_one_edits(world, model, role, at_a, at_b):
    user = getattr(world.users, role)
    assert permissions.can_add(user, model, campus=world.campus_a) is at_a
    assert permissions.can_add(user, model, campus=world.campus_b) is at_b


# --- Duplicates through many-valued relations -------------------------------------------------------


def test_agreement_with_two_of_the_members_organisations_is_listed_once(world):
    # Given a resident member acting for two organisations at campus A that are both parties
    user = world.users.resident_member
    MembershipFactory(user=user, campus=world.campus_a, role=Role.RESIDENT_MEMBER, organization=world.neighbour_org)
    agreement = AgreementFactory(campus=world.campus_a, parties=[world.resident_org, world.neighbour_org])
    # When the member lists agreements
    found = list(permissions.visible(Agreement.objects.all(), user))
    # Then the agreement appears once
    assert found == [agreement]


def test_event_where_the_members_organisation_has_several_roles_and_booths_is_listed_once(world):
    # Given an event where the resident's organisation exhibits, speaks and shows two offerings
    event = EventFactory(campus=world.campus_a)
    ParticipationFactory(event=event, organization=world.resident_org, role="exhibitor")
    ParticipationFactory(event=event, organization=world.resident_org, role="speaker")
    ShowcaseFactory(event=event, organization=world.resident_org, offering="Kit one")
    ShowcaseFactory(event=event, organization=world.resident_org, offering="Kit two")
    # When the resident member lists events
    found = list(permissions.visible(Event.objects.all(), world.users.resident_member))
    # Then the event appears once
    assert found == [event]


def test_campus_reader_lists_an_agreement_with_many_parties_once(world):
    agreement = AgreementFactory(
        campus=world.campus_a, parties=[world.resident_org, world.neighbour_org, world.partner_org]
    )
    assert list(permissions.visible(Agreement.objects.all(), world.users.partner)) == [agreement]


# --- The other ways a record can involve the resident's organisation -------------------------------


def test_resident_member_sees_an_event_where_its_organisation_only_showcases(world):
    event = EventFactory(campus=world.campus_a)
    ShowcaseFactory(event=event, organization=world.resident_org, booth_host=world.partner_org)
    assert permissions.can(world.users.resident_member, VIEW, event)


def test_resident_member_sees_a_funding_round_its_organisation_invests_in(world):
    funding_round = FundingRoundFactory(
        campus=world.campus_a, recipient=world.neighbour_org, investors=[world.resident_org]
    )
    assert permissions.can(world.users.resident_member, VIEW, funding_round)


def test_resident_member_sees_a_target_of_a_programme_its_organisation_runs(world):
    programme = ProgrammeFactory(campus=world.campus_a, organizations=[world.resident_org, world.neighbour_org])
    target = TargetFactory(campus=world.campus_a, organization=None, programme=programme)
    assert permissions.can(world.users.resident_member, VIEW, target)


def test_resident_member_does_not_see_a_target_of_a_programme_its_organisation_does_not_run(world):
    programme = ProgrammeFactory(campus=world.campus_a, organizations=[world.neighbour_org])
    target = TargetFactory(campus=world.campus_a, organization=None, programme=programme)
    assert not permissions.can(world.users.resident_member, VIEW, target)


def test_resident_member_does_not_see_its_organisations_records_at_another_campus(world):
    # Given a milestone of the resident's organisation recorded by campus B
    milestone = MilestoneFactory(campus=world.campus_b, organization=world.resident_org)
    # Then its campus A membership does not reach it
    assert not permissions.can(world.users.resident_member, VIEW, milestone)


def test_resident_member_does_not_see_an_agreement_where_its_organisation_is_no_party(world):
    agreement = AgreementFactory(campus=world.campus_a, parties=[world.neighbour_org, world.partner_org])
    assert not permissions.can(world.users.resident_member, VIEW, agreement)


def test_resident_member_at_two_campuses_reads_each_campus_only_for_the_organisation_it_acts_for_there(world):
    # Given a user acting for Teddy Lab at campus A and for Chengdu Genomics at campus B
    user = world.users.resident_member
    MembershipFactory(user=user, campus=world.campus_b, role=Role.RESIDENT_MEMBER, organization=world.resident_org_b)
    permissions.forget_access(user)
    # And a campus B milestone about Teddy Lab, which Chengdu Genomics is not in
    milestone = MilestoneFactory(campus=world.campus_b, organization=world.resident_org)
    # Then the user does not read it
    assert not permissions.can(user, VIEW, milestone)


def test_partner_reads_campus_a_records_its_organisation_is_not_in(world):
    milestone = MilestoneFactory(campus=world.campus_a, organization=world.neighbour_org)
    assert permissions.can(world.users.partner, VIEW, milestone)


def test_partner_does_not_read_campus_b_records_even_where_its_organisation_is_a_party(world):
    agreement = AgreementFactory(campus=world.campus_b, parties=[world.resident_org_b, world.partner_org])
    assert not permissions.can(world.users.partner, VIEW, agreement)


def test_a_deactivated_user_sees_nothing_despite_its_membership(world):
    # Given the staff member's account is switched off
    user = world.users.campus_staff
    user.is_active = False
    user.save()
    milestone = MilestoneFactory(campus=world.campus_a, organization=world.resident_org)
    # Then neither campus records nor the registry are visible
    assert not permissions.can(user, VIEW, milestone)
    assert not permissions.visible(Organization.objects.all(), user).exists()


def test_access_is_recomputed_after_forget_access(world):
    # Given a user without membership who has been asked about once
    user = world.users.no_membership
    milestone = MilestoneFactory(campus=world.campus_a, organization=world.resident_org)
    assert not permissions.can(user, VIEW, milestone)
    # When it becomes a government viewer and its cached access is forgotten
    MembershipFactory(user=user, campus=world.campus_a, role=Role.GOVERNMENT)
    permissions.forget_access(user)
    # Then it reads the campus
    assert permissions.can(user, VIEW, milestone)


# --- The registry: organisations, people, campuses -------------------------------------------------


@pytest.fixture
def registry(world):
    """Organisations, people and campuses with every relationship the rules look at."""
    stewarded = OrganizationFactory(name="Stewarded Association", steward=world.campus_a)
    stranger = OrganizationFactory(name="Unrelated Corp")
    return SimpleNamespace(
        organizations={
            "campus_a_org": world.campus_a.organization,
            "campus_b_org": world.campus_b.organization,
            "resident_org": world.resident_org,
            "neighbour_org": world.neighbour_org,
            "resident_org_b": world.resident_org_b,
            "partner_org": world.partner_org,
            "stewarded": stewarded,
            "stranger": stranger,
        },
        people={
            "at_resident_org": PersonFactory(organization=world.resident_org),
            "at_neighbour_org": PersonFactory(organization=world.neighbour_org),
            "at_resident_org_b": PersonFactory(organization=world.resident_org_b),
            "at_partner_org": PersonFactory(organization=world.partner_org),
            "at_stewarded": PersonFactory(organization=stewarded),
            "unaffiliated": PersonFactory(organization=None),
        },
        campuses={"campus_a": world.campus_a, "campus_b": world.campus_b},
    )


def _keys(named: dict, queryset) -> set[str]:
    pks = set(queryset.values_list("pk", flat=True))
    return {key for key, obj in named.items() if obj.pk in pks}


@pytest.mark.parametrize("role", ALL_ROLES + ["superuser"])
def test_every_member_reads_the_whole_registry(world, registry, role):
    user = getattr(world.users, role)
    assert _keys(registry.organizations, permissions.visible(Organization.objects.all(), user)) == set(
        registry.organizations
    )
    assert _keys(registry.people, permissions.visible(Person.objects.all(), user)) == set(registry.people)
    assert _keys(registry.campuses, permissions.visible(Campus.objects.all(), user)) == set(registry.campuses)


def test_user_without_membership_reads_nothing_of_the_registry(world, registry):
    user = world.users.no_membership
    assert not permissions.visible(Organization.objects.all(), user).exists()
    assert not permissions.visible(Person.objects.all(), user).exists()
    assert not permissions.visible(Campus.objects.all(), user).exists()


ALL_ORGS = {
    "campus_a_org",
    "campus_b_org",
    "resident_org",
    "neighbour_org",
    "resident_org_b",
    "partner_org",
    "stewarded",
    "stranger",
}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # Admins change their campus's own organisation, the ones it hosts and the ones it stewards.
        ("campus_admin", {"campus_a_org", "resident_org", "neighbour_org", "stewarded"}),
        # Staff change the organisations the campus hosts or stewards, not the campus's identity.
        ("campus_staff", {"resident_org", "neighbour_org", "stewarded"}),
        ("resident_member", {"resident_org"}),
        ("partner", set()),
        ("government", set()),
        ("resident_b", {"resident_org_b"}),
        ("superuser", ALL_ORGS),
        ("no_membership", set()),
    ],
)
def test_editable_organisations_per_role(world, registry, role, expected):
    user = getattr(world.users, role)
    assert _keys(registry.organizations, permissions.editable(Organization.objects.all(), user)) == expected


ALL_PEOPLE = {
    "at_resident_org",
    "at_neighbour_org",
    "at_resident_org_b",
    "at_partner_org",
    "at_stewarded",
    "unaffiliated",
}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("campus_admin", {"at_resident_org", "at_neighbour_org", "at_stewarded", "unaffiliated"}),
        ("campus_staff", {"at_resident_org", "at_neighbour_org", "at_stewarded", "unaffiliated"}),
        ("resident_member", {"at_resident_org"}),
        ("partner", set()),
        ("government", set()),
        ("resident_b", {"at_resident_org_b"}),
        ("superuser", ALL_PEOPLE),
        ("no_membership", set()),
    ],
)
def test_editable_people_per_role(world, registry, role, expected):
    user = getattr(world.users, role)
    assert _keys(registry.people, permissions.editable(Person.objects.all(), user)) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("campus_admin", {"campus_a"}),
        ("campus_staff", set()),
        ("resident_member", set()),
        ("partner", set()),
        ("government", set()),
        ("resident_b", set()),
        ("superuser", {"campus_a", "campus_b"}),
        ("no_membership", set()),
    ],
)
def test_only_a_campus_admin_changes_its_campus(world, registry, role, expected):
    user = getattr(world.users, role)
    assert _keys(registry.campuses, permissions.editable(Campus.objects.all(), user)) == expected


@pytest.mark.parametrize("role", ALL_ROLES)
def test_no_member_changes_the_field_taxonomy(world, role):
    field = Field.objects.create(slug="test-taxonomy-node", name="Test node")
    assert not permissions.can(getattr(world.users, role), CHANGE, field)


@pytest.mark.parametrize(
    ("role", "organization", "person", "campus"),
    [
        ("campus_admin", True, True, False),
        ("campus_staff", True, True, False),
        # a resident member adds people, but only to its own organisation (person_create checks that)
        ("resident_member", False, True, False),
        ("partner", False, False, False),
        ("government", False, False, False),
        ("resident_b", False, True, False),
        ("superuser", True, True, True),
        ("no_membership", False, False, False),
    ],
)
def test_can_add_registry_records(world, role, organization, person, campus):
    user = getattr(world.users, role)
    assert permissions.can_add(user, Organization) is organization
    assert permissions.can_add(user, Person) is person
    assert permissions.can_add(user, Campus) is campus


def test_no_member_adds_to_the_field_taxonomy(world):
    assert not permissions.can_add(world.users.campus_admin, Field)


# --- require, read-only, campuses_editable_by, undeclared models -----------------------------------


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b", "no_membership"])
def test_require_refuses_a_change_the_role_may_not_make(world, role):
    milestone = MilestoneFactory(campus=world.campus_a, organization=world.resident_org)
    with pytest.raises(PermissionDenied):
        permissions.require(getattr(world.users, role), CHANGE, milestone)


@pytest.mark.parametrize("role", ["campus_admin", "campus_staff", "superuser"])
def test_require_lets_an_editor_change_a_campus_a_record(world, role):
    milestone = MilestoneFactory(campus=world.campus_a, organization=world.resident_org)
    permissions.require(getattr(world.users, role), CHANGE, milestone)  # raises nothing


def test_require_refuses_staff_adding_at_another_campus(world):
    with pytest.raises(PermissionDenied):
        permissions.require(world.users.campus_staff, ADD, Milestone, campus=world.campus_b)


def test_require_refuses_a_resident_member_viewing_a_record_it_is_not_in(world):
    milestone = MilestoneFactory(campus=world.campus_a, organization=world.neighbour_org)
    with pytest.raises(PermissionDenied):
        permissions.require(world.users.resident_member, VIEW, milestone)


def test_require_lets_the_system_do_anything(world):
    # user=None is the system (commands, tasks): no check
    permissions.require(None, ADD, Campus)
    permissions.require(None, DELETE, world.campus_b)


def test_anonymous_user_has_no_access(world):
    from django.contrib.auth.models import AnonymousUser

    milestone = MilestoneFactory(campus=world.campus_a, organization=world.resident_org)
    assert not permissions.can(AnonymousUser(), VIEW, milestone)
    assert not permissions.can_add(AnonymousUser(), Organization)
    with pytest.raises(PermissionDenied):
        permissions.require(AnonymousUser(), VIEW, milestone)


@pytest.mark.parametrize(
    ("role", "read_only"),
    [
        ("campus_admin", False),
        ("campus_staff", False),
        ("resident_member", False),
        ("partner", True),
        ("government", True),
        ("superuser", False),
        ("no_membership", True),
    ],
)
def test_is_read_only_for_viewers_and_users_without_a_role(world, role, read_only):
    assert permissions.is_read_only(getattr(world.users, role)) is read_only


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("campus_admin", {"campus-a"}),
        ("campus_staff", {"campus-a"}),
        ("resident_member", set()),
        ("partner", set()),
        ("superuser", {"campus-a", "campus-b"}),
    ],
)
def test_campuses_editable_by(world, role, expected):
    campuses = permissions.campuses_editable_by(getattr(world.users, role))
    assert set(campuses.values_list("slug", flat=True)) == expected


def test_visible_refuses_a_model_without_a_declared_scope(world):
    with pytest.raises(LookupError, match="No permission scope"):
        permissions.visible(UserFactory._meta.model.objects.all(), world.users.campus_staff)


def test_staff_of_both_campuses_changes_records_of_both(world):
    # Given a staff member who also joins campus B
    user = world.users.campus_staff
    MembershipFactory(user=user, campus=world.campus_b, role=Role.CAMPUS_STAFF)
    permissions.forget_access(user)
    milestone_b = MilestoneFactory(campus=world.campus_b, organization=world.resident_org_b)
    # Then campus B's records become changeable too
    assert permissions.can(user, CHANGE, milestone_b)
