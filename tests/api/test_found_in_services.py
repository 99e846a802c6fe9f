"""Gaps in the services found while building the API, fixed in the services.

The API does not patch over them with rules of its own: the rules belong in the services, where the pages,
the importer and the API all meet them.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from biocampus.directory.services import organization_update

pytestmark = pytest.mark.django_db


def test_a_residency_cannot_be_moved_onto_a_campus_organisation(api, campus_a, campus_b, resident_org):
    residency = resident_org.residencies.get(campus=campus_a)
    response = api("campus_staff").patch(
        f"/residencies/{residency.public_id}", {"organization": str(campus_b.organization.public_id)}
    )
    assert response.status_code == 422


def test_a_resident_member_cannot_choose_the_stewarding_campus(users, resident_org, campus_b):
    with pytest.raises((PermissionDenied, ValidationError)):
        organization_update(actor=users.resident_member, organization=resident_org, steward=campus_b)
