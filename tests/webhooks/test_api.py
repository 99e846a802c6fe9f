"""The webhooks API (/api/v1/webhooks): role by role, the secret shown once, ETags, the delivery log.

Skipped until biocampus/api/api.py mounts `biocampus.webhooks.api.router` at /webhooks.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from biocampus.accounts.services import token_create
from biocampus.webhooks import services
from biocampus.webhooks.api import router
from biocampus.webhooks.choices import DeliveryStatus
from biocampus.webhooks.models import Webhook, WebhookDelivery


def _mounted() -> bool:
    try:
        from biocampus.api.api import api
    except ImportError:
        return False
    return any(mounted is router for _prefix, mounted in api._routers)


pytestmark = pytest.mark.skipif(not _mounted(), reason="the webhooks router is not mounted at /api/v1/webhooks yet")

BASE = "/api/v1/webhooks"
URL = "https://crm.example.org/hooks/biocampus"
NOT_MANAGERS = ["campus_staff", "resident_member", "partner", "government", "resident_b", "no_membership"]


class Api:
    def __init__(self, user):
        _token, secret = token_create(actor=None, user=user, name="webhook tests")
        self.client = Client(headers={"Authorization": f"Bearer {secret}"})

    def get(self, path="", **query):
        return self.client.get(BASE + path, query)

    def post(self, path="", body=None, **headers):
        return self.client.post(BASE + path, json.dumps(body or {}), content_type="application/json", headers=headers)

    def patch(self, path, body, **headers):
        return self.client.patch(BASE + path, json.dumps(body), content_type="application/json", headers=headers)

    def delete(self, path, **headers):
        return self.client.delete(BASE + path, headers=headers)


def _error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    error = response.json()["error"]
    assert error["status"] == status and error["message"]
    return error


@pytest.fixture
def as_role(users):
    return lambda role: Api(getattr(users, role))


@pytest.fixture
def hook(users, campus_a):
    return services.webhook_create(actor=users.campus_admin, campus=campus_a, url=URL, events=["agreement.signed"])


def test_an_admin_creates_a_webhook_and_sees_the_secret_once(as_role, campus_a):
    api = as_role("campus_admin")
    response = api.post(body={"campus": str(campus_a.public_id), "url": URL, "events": ["agreement.signed"],
                              "description": "CRM"})  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    webhook = Webhook.objects.get()
    assert body["secret"] == webhook.secret
    assert body["campus"]["slug"] == "campus-a" and body["events"] == ["agreement.signed"]
    assert response["Location"].endswith(f"/webhooks/{webhook.public_id}")
    read = api.get(f"/{webhook.public_id}")
    assert read.status_code == 200 and "secret" not in read.json()
    assert webhook.secret not in read.content.decode()
    assert read["ETag"] == response["ETag"]
    listed = api.get()
    assert [w["id"] for w in listed.json()["results"]] == [str(webhook.public_id)]
    assert webhook.secret not in listed.content.decode()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_other_roles_get_403_everywhere(as_role, hook, role, campus_a):
    api = as_role(role)
    delivery = services.webhook_send_test(actor=None, webhook=hook)
    _error(api.get(), 403)
    _error(api.post(body={"campus": str(campus_a.public_id), "url": URL, "events": ["agreement.signed"]}), 403)
    _error(api.get(f"/{hook.public_id}"), 403)
    _error(api.patch(f"/{hook.public_id}", {"is_active": False}), 403)
    _error(api.delete(f"/{hook.public_id}"), 403)
    _error(api.post(f"/{hook.public_id}/rotate-secret"), 403)
    _error(api.post(f"/{hook.public_id}/test"), 403)
    _error(api.get(f"/{hook.public_id}/deliveries"), 403)
    _error(api.get(f"/deliveries/{delivery.public_id}"), 403)
    _error(api.post(f"/deliveries/{delivery.public_id}/retry"), 403)
    hook.refresh_from_db()
    assert hook.is_active and Webhook.objects.count() == 1


def test_anonymous_calls_get_401(db):
    assert Client().get(BASE).status_code == 401


def test_an_admin_sees_nothing_of_another_campus(as_role, users, campus_b):
    other = services.webhook_create(actor=users.superuser, campus=campus_b, url=URL, events=["agreement.signed"])
    delivery = services.webhook_send_test(actor=users.superuser, webhook=other)
    api = as_role("campus_admin")
    assert api.get().json()["results"] == []
    _error(api.get(f"/{other.public_id}"), 404)
    _error(api.patch(f"/{other.public_id}", {"is_active": False}), 404)
    _error(api.get(f"/deliveries/{delivery.public_id}"), 404)
    _error(api.post(body={"campus": str(campus_b.public_id), "url": URL, "events": ["agreement.signed"]}), 403)
    _error(api.post(body={"url": URL, "events": ["agreement.signed"]}), 403)  # network-wide: superusers only
    assert Webhook.objects.count() == 1


def test_superusers_create_network_wide_webhooks(as_role):
    response = as_role("superuser").post(body={"url": URL, "events": ["organization.created"]})
    assert response.status_code == 201 and response.json()["campus"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.org/x"}, "url"),
        ({"url": "https://user:pw@example.org/x"}, "url"),
        ({"url": "https://example.org/\x00"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["everything"]}, "events.0"),
        ({"events": ["agreement.signed", "agreement.signed"]}, "events"),
        ({"description": "nul\x00"}, "description"),
        ({"secret": "mine"}, "secret"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(as_role, campus_a, body, field):
    values = {"campus": str(campus_a.public_id), "url": URL, "events": ["agreement.signed"], **body}
    error = _error(as_role("campus_admin").post(body=values), 422)
    assert field in error["fields"], error
    assert Webhook.objects.count() == 0


def test_private_targets_are_refused_when_the_setting_says_so(as_role, campus_a, settings):
    settings.BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    values = {"campus": str(campus_a.public_id), "url": "http://169.254.169.254/", "events": ["agreement.signed"]}
    error = _error(as_role("campus_admin").post(body=values), 422)
    assert "private" in error["fields"]["url"][0]


def test_updates_honour_if_match(as_role, hook):
    api = as_role("campus_admin")
    etag = api.get(f"/{hook.public_id}")["ETag"]
    response = api.patch(f"/{hook.public_id}", {"events": ["milestone.reached"], "is_active": False}, If_Match=etag)
    assert response.status_code == 200 and response.json()["is_active"] is False
    _error(api.patch(f"/{hook.public_id}", {"description": "late"}, If_Match=etag), 412)
    _error(api.patch(f"/{hook.public_id}", {"campus": None}), 422)  # a webhook stays with its campus
    hook.refresh_from_db()
    assert (hook.events, hook.description) == (["milestone.reached"], "")


def test_rotating_returns_the_new_secret_once(as_role, hook):
    old = hook.secret
    response = as_role("campus_admin").post(f"/{hook.public_id}/rotate-secret")
    hook.refresh_from_db()
    assert response.status_code == 200 and response.json()["secret"] == hook.secret != old


def test_test_events_and_the_delivery_log(as_role, hook):
    api = as_role("campus_admin")
    sent = api.post(f"/{hook.public_id}/test")
    assert sent.status_code == 202 and sent.json()["event"] == "webhook.test"
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, attempts=1)
    log = api.get(f"/{hook.public_id}/deliveries", status="failed").json()
    assert [d["id"] for d in log["results"]] == [str(delivery.public_id)]
    assert api.get(f"/{hook.public_id}/deliveries", status="succeeded").json()["results"] == []
    detail = api.get(f"/deliveries/{delivery.public_id}").json()
    assert detail["payload"]["data"]["type"] == "webhook" and detail["attempt_log"] == []
    retried = api.post(f"/deliveries/{delivery.public_id}/retry")
    assert retried.status_code == 202
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    assert "failed" in _error(api.post(f"/deliveries/{delivery.public_id}/retry"), 409)["message"]


def test_deleting(as_role, hook):
    api = as_role("campus_admin")
    assert api.delete(f"/{hook.public_id}").status_code == 204
    assert Webhook.objects.count() == 0
    _error(api.get(f"/{hook.public_id}"), 404)
