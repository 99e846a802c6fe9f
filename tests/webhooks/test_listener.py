"""Which webhooks hear which event: the event's campus, an organisation's campuses, the whole network."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from biocampus.core.events import EVENT_TYPES, DomainEvent
from biocampus.directory.services import organization_create, organization_update
from biocampus.progress.services import milestone_create, observation_record
from biocampus.webhooks import payloads, services
from biocampus.webhooks.models import WebhookDelivery
from tests.factories import OrganizationFactory, ResidencyFactory, TargetFactory


def _hook(actor, campus, events, url="https://hooks.example.org/in", **extra):
    return services.webhook_create(actor=actor, campus=campus, url=url, events=events, **extra)


def _heard(webhook) -> list[str]:
    return list(WebhookDelivery.objects.filter(webhook=webhook).order_by("id").values_list("event", flat=True))


@pytest.fixture
def hooks(users, campus_a, campus_b):
    """A webhook at campus A, one at campus B, one for the whole network: each for every event."""
    everything = list(EVENT_TYPES)
    return SimpleNamespace(
        a=_hook(users.campus_admin, campus_a, everything),
        b=_hook(users.superuser, campus_b, everything),
        network=_hook(users.superuser, None, everything),
    )


def test_every_event_names_a_kind_of_record_with_an_api_path():
    kinds = {resource.type for resource in payloads.RESOURCES.values()}
    assert {name.split(".")[0] for name in EVENT_TYPES} <= kinds


def test_a_campus_webhook_hears_only_its_campus(hooks, sign_agreement, staff, campus_a, resident_org):
    sign_agreement(staff, campus_a, resident_org)
    assert _heard(hooks.a) == ["agreement.created", "agreement.signed"]
    assert _heard(hooks.b) == []
    assert _heard(hooks.network) == ["agreement.created", "agreement.signed"]


def test_campus_b_events_do_not_reach_campus_a(hooks, sign_agreement, users, campus_b, resident_org_b):
    sign_agreement(users.superuser, campus_b, resident_org_b)
    assert _heard(hooks.a) == []
    assert _heard(hooks.b) == ["agreement.created", "agreement.signed"]


def test_only_the_chosen_events_are_delivered(users, campus_a, sign_agreement, staff, resident_org):
    hook = _hook(users.campus_admin, campus_a, ["agreement.signed"])
    sign_agreement(staff, campus_a, resident_org)
    assert _heard(hook) == ["agreement.signed"]


def test_inactive_webhooks_hear_nothing(users, campus_a, sign_agreement, staff, resident_org):
    hook = _hook(users.campus_admin, campus_a, ["agreement.signed"], is_active=False)
    sign_agreement(staff, campus_a, resident_org)
    assert _heard(hook) == []


def test_a_milestone_reaches_its_campus(hooks, staff, campus_a, resident_org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        milestone = milestone_create(actor=staff, campus=campus_a, organization=resident_org, kind="market_reach",
                                     title="Devices in 470 hospitals", occurred_on=datetime.date(2021, 6, 30))  # fmt: skip
    assert _heard(hooks.a) == ["milestone.reached"]
    assert _heard(hooks.b) == []
    payload = WebhookDelivery.objects.get(webhook=hooks.a).payload
    assert payload["data"] == {"type": "milestone", "id": str(milestone.public_id), "campus": "campus-a",
                               "url": f"/api/v1/milestones/{milestone.public_id}"}  # fmt: skip


def test_an_observation_reaches_the_campus_of_its_target(hooks, staff, campus_a, resident_org,
                                                         django_capture_on_commit_callbacks):  # fmt: skip
    target = TargetFactory(campus=campus_a, organization=resident_org)
    with django_capture_on_commit_callbacks(execute=True):
        observation_record(actor=staff, target=target, observed_on=datetime.date(2021, 1, 1), value=10)
    assert _heard(hooks.a) == ["observation.recorded"]
    assert _heard(hooks.b) == []
    data = WebhookDelivery.objects.get(webhook=hooks.a).payload["data"]
    observation = target.observations.get()
    # The API serves observations inside their target: the URL is the target's.
    assert data == {"type": "observation", "id": str(observation.public_id), "campus": "campus-a",
                    "url": f"/api/v1/targets/{target.public_id}"}  # fmt: skip


def test_an_organisation_reaches_the_campuses_that_host_or_steward_it(hooks, users, campus_a, campus_b,
                                                                      resident_org_b, staff,
                                                                      django_capture_on_commit_callbacks):  # fmt: skip
    # Created by campus A staff: campus A stewards it; resident nowhere yet.
    with django_capture_on_commit_callbacks(execute=True):
        organization = organization_create(actor=staff, name="New Lab", kind="company")
    assert _heard(hooks.a) == ["organization.created"]
    assert _heard(hooks.b) == []
    assert _heard(hooks.network) == ["organization.created"]
    payload = WebhookDelivery.objects.get(webhook=hooks.a).payload
    assert payload["data"] == {"type": "organization", "id": str(organization.public_id), "campus": None,
                               "url": f"/api/v1/organizations/{organization.public_id}"}  # fmt: skip

    # Campus B's resident changes: campus B hears it (it hosts it); campus A does not.
    with django_capture_on_commit_callbacks(execute=True):
        organization_update(actor=users.superuser, organization=resident_org_b, city="Chengdu Hi-tech Zone")
    assert _heard(hooks.b) == ["organization.updated"]
    assert _heard(hooks.a) == ["organization.created"]


def test_an_organisation_nobody_hosts_reaches_only_network_wide_webhooks(hooks, users,
                                                                         django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        organization_create(actor=users.superuser, name="Faraway Pharma", kind="pharma", country="GB")
    assert _heard(hooks.a) == [] and _heard(hooks.b) == []
    assert _heard(hooks.network) == ["organization.created"]


def test_an_organisation_resident_at_two_campuses_reaches_both(hooks, users, campus_a, campus_b, resident_org):
    ResidencyFactory(organization=resident_org, campus=campus_b)
    event = DomainEvent("organization.updated", "directory.organization", str(resident_org.public_id), None, None,
                        "2026-01-01T00:00:00+00:00")  # fmt: skip
    services.deliveries_for_event(event)
    assert _heard(hooks.a) == _heard(hooks.b) == _heard(hooks.network) == ["organization.updated"]


def test_a_campus_hears_about_its_own_organisation(hooks, users, campus_b):
    event = DomainEvent("organization.updated", "directory.organization", str(campus_b.organization.public_id),
                        None, None, "2026-01-01T00:00:00+00:00")  # fmt: skip
    services.deliveries_for_event(event)
    assert _heard(hooks.b) == ["organization.updated"]
    assert _heard(hooks.a) == []


def test_no_webhooks_means_one_query_per_event(db, django_assert_num_queries):
    event = DomainEvent("organization.created", "directory.organization", "00000000-0000-0000-0000-000000000000",
                        None, None, "2026-01-01T00:00:00+00:00")  # fmt: skip
    with django_assert_num_queries(1):
        assert services.deliveries_for_event(event) == []


def test_each_delivery_has_its_own_id_in_its_payload(hooks, sign_agreement, staff, campus_a, resident_org):
    sign_agreement(staff, campus_a, resident_org)
    deliveries = WebhookDelivery.objects.filter(event="agreement.signed")
    assert deliveries.count() == 2
    for delivery in deliveries:
        assert delivery.payload["id"] == str(delivery.public_id)


def test_a_failing_listener_does_not_undo_the_write(users, campus_a, sign_agreement, staff, resident_org,
                                                    monkeypatch):  # fmt: skip
    _hook(users.campus_admin, campus_a, ["agreement.signed"])

    def broken(**kwargs):
        raise RuntimeError("task queue unavailable")

    monkeypatch.setattr(services, "_enqueue", lambda *a, **k: broken())
    agreement = sign_agreement(staff, campus_a, resident_org)
    assert agreement.pk is not None
    assert WebhookDelivery.objects.count() == 0  # the listener's own transaction rolled back whole


def test_an_organisation_stewarded_by_campus_b_does_not_reach_campus_a(hooks, campus_b):
    organization = OrganizationFactory(steward=campus_b)
    event = DomainEvent("organization.updated", "directory.organization", str(organization.public_id), None, None,
                        "2026-01-01T00:00:00+00:00")  # fmt: skip
    services.deliveries_for_event(event)
    assert _heard(hooks.b) == ["organization.updated"]
    assert _heard(hooks.a) == []
