"""An organisation with thousands of agreements still opens: its timeline shows the newest and says how many more."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from biocampus.agreements.models import Agreement, AgreementParty
from biocampus.directory.timeline import SHOWN_PER_KIND, organization_timeline
from tests.factories import OrganizationFactory, ProvenanceFactory

pytestmark = pytest.mark.django_db

AGREEMENTS = 1200


@pytest.fixture
def hub(campus_a):
    """An organisation party to 1,200 agreements with a partner, the newest signed on 2024-12-31 + ..."""
    hub = OrganizationFactory(name="Hub Pharma")
    partner = OrganizationFactory(name="Partner Biotech")
    provenance = ProvenanceFactory()
    first_day = datetime.date(2020, 1, 1)
    agreements = Agreement.objects.bulk_create(
        Agreement(
            campus=campus_a,
            title=f"Supply agreement {number:04d}",
            type="cooperation",
            signed_on=first_day + datetime.timedelta(days=number),
            provenance=provenance,
        )
        for number in range(AGREEMENTS)
    )
    AgreementParty.objects.bulk_create(
        AgreementParty(agreement=agreement, organization=organization, role="party", provenance=provenance)
        for agreement in agreements
        for organization in (hub, partner)
    )
    return hub


def test_a_hub_organisation_page_opens_with_the_newest_agreements_and_how_many_more(hub, users):
    client = Client()
    client.force_login(users.campus_admin)

    response = client.get(hub.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Supply agreement {AGREEMENTS - 1:04d}" in page  # the newest
    assert "Supply agreement 0000" not in page  # the oldest is left out
    assert f"and {AGREEMENTS - SHOWN_PER_KIND} more older agreement records" in page
    assert f"/agreements/?organization={hub.public_id}" in page
    assert "with Partner Biotech" in page


def test_the_timeline_keeps_the_newest_agreements_with_their_parties(hub, users):
    timeline = organization_timeline(users.campus_admin, hub)

    agreements = [item for item in timeline if item.kind == "agreement"]
    assert len(agreements) == SHOWN_PER_KIND
    assert agreements[0].title == f"Supply agreement {AGREEMENTS - 1:04d}"
    assert all("Partner Biotech" in item.detail and "Hub Pharma" not in item.detail for item in agreements)
    assert [(more.kind, more.count) for more in timeline.more] == [("agreement", AGREEMENTS - SHOWN_PER_KIND)]


def test_a_small_timeline_says_nothing_about_more(resident_org, users):
    timeline = organization_timeline(users.campus_admin, resident_org)

    assert timeline.more == []
    assert "residency" in {item.kind for item in timeline}
