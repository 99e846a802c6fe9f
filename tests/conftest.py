"""Shared fixtures: two campuses, their residents, and one user for each role.

The test database is built by the migrations (the field taxonomy is a data migration), not from the models.

Campus A hosts `resident_org` (the organisation the resident member acts for) and `neighbour_org`;
campus B hosts `resident_org_b`. `partner_org` is a pharma company with a partner viewer at campus A.

`users` holds one user per role:
- campus_admin, campus_staff, resident_member (for resident_org), partner (for partner_org), government:
  each with a single membership at campus A;
- resident_b: a resident member at campus B for resident_org_b;
- superuser: no membership, sees and changes everything;
- no_membership: a signed-in user without any role.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps

from biocampus.accounts.choices import Role
from biocampus.directory.choices import OrganizationKind
from tests.factories import (
    CampusFactory,
    MembershipFactory,
    OrganizationFactory,
    ResidencyFactory,
    UserFactory,
)


@pytest.fixture
def campus_a(db):
    return CampusFactory(slug="campus-a", organization__name="Campus A", organization__city="Wuxi")


@pytest.fixture
def campus_b(db):
    return CampusFactory(slug="campus-b", organization__name="Campus B", organization__city="Chengdu")


@pytest.fixture
def resident_org(campus_a):
    """The organisation the resident member acts for, resident at campus A."""
    organization = OrganizationFactory(name="Teddy Lab")
    ResidencyFactory(organization=organization, campus=campus_a)
    return organization


@pytest.fixture
def neighbour_org(campus_a):
    """Another resident of campus A, with no member among the test users."""
    organization = OrganizationFactory(name="Neighbour Bio")
    ResidencyFactory(organization=organization, campus=campus_a)
    return organization


@pytest.fixture
def resident_org_b(campus_b):
    """A resident of campus B."""
    organization = OrganizationFactory(name="Chengdu Genomics")
    ResidencyFactory(organization=organization, campus=campus_b)
    return organization


@pytest.fixture
def partner_org(db):
    """A pharma company that partners campus A; it is resident nowhere."""
    return OrganizationFactory(name="Pharma Partner", kind=OrganizationKind.PHARMA, country="GB")


@pytest.fixture
def users(campus_a, campus_b, resident_org, resident_org_b, partner_org):
    def member(username, campus, role, organization=None):
        user = UserFactory(username=username)
        MembershipFactory(user=user, campus=campus, role=role, organization=organization)
        return user

    return SimpleNamespace(
        campus_admin=member("admin_a", campus_a, Role.CAMPUS_ADMIN),
        campus_staff=member("staff_a", campus_a, Role.CAMPUS_STAFF),
        resident_member=member("resident_a", campus_a, Role.RESIDENT_MEMBER, resident_org),
        partner=member("partner_a", campus_a, Role.PARTNER, partner_org),
        government=member("government_a", campus_a, Role.GOVERNMENT),
        resident_b=member("resident_b", campus_b, Role.RESIDENT_MEMBER, resident_org_b),
        superuser=UserFactory(username="root", is_superuser=True, is_staff=True),
        no_membership=UserFactory(username="nobody"),
    )


@pytest.fixture
def staff(users):
    """The campus A staff member: the usual actor of the service tests."""
    return users.campus_staff


BIOCAMPUS_APPS = ("core", "accounts", "directory", "campuses", "agreements", "events", "progress", "intelligence")


def _row_counts() -> dict[str, int]:
    """Rows per model of every BioCampus app, history tables and m2m tables included."""
    counts = {}
    for app_label in BIOCAMPUS_APPS:
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            counts[model._meta.label] = model._base_manager.count()
    return counts


@pytest.fixture
def db_rows(db):
    """`before = db_rows()`, act, then `assert db_rows() == before`: proves that nothing was written."""
    return _row_counts


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A page served in Chinese leaves Chinese active in the process; each test starts from English."""
    from django.utils import translation

    yield
    translation.deactivate()
