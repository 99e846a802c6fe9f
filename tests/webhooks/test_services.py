"""Webhook services: who may manage which webhook, what a webhook may point at, secrets and history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from biocampus.webhooks import services
from biocampus.webhooks.choices import DeliveryStatus
from biocampus.webhooks.models import Webhook, WebhookDelivery
from biocampus.webhooks.selectors import deliveries_for, webhooks_for

URL = "https://crm.example.org/hooks/biocampus"
NOT_MANAGERS = ["campus_staff", "resident_member", "partner", "government", "resident_b", "no_membership"]


def _create(actor, campus, **overrides):
    values = {"url": URL, "events": ["agreement.signed"], "description": "CRM"}
    values.update(overrides)
    return services.webhook_create(actor=actor, campus=campus, **values)


# --- who may manage ---------------------------------------------------------------------------------


def test_a_campus_admin_creates_a_webhook_for_its_campus(users, campus_a):
    webhook = _create(users.campus_admin, campus_a)
    assert (webhook.campus, webhook.created_by, webhook.is_active) == (campus_a, users.campus_admin, True)
    assert webhook.secret.startswith("whsec_") and len(webhook.secret) > 40
    entry = webhook.history.get()
    assert (entry.history_type, entry.history_user) == ("+", users.campus_admin)


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_other_roles_may_not_create_webhooks(users, campus_a, role, db_rows):
    with pytest.raises(PermissionDenied):
        _create(getattr(users, role), campus_a)
    assert Webhook.objects.count() == 0


def test_a_campus_admin_may_not_create_a_webhook_for_another_campus(users, campus_b):
    with pytest.raises(PermissionDenied):
        _create(users.campus_admin, campus_b)


def test_network_wide_webhooks_are_for_superusers_only(users):
    with pytest.raises(PermissionDenied):
        _create(users.campus_admin, None)
    assert Webhook.objects.count() == 0  # refused after the save, and rolled back
    webhook = _create(users.superuser, None)
    assert webhook.campus is None


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_other_roles_see_and_change_no_webhook(users, campus_a, role):
    webhook = _create(users.campus_admin, campus_a)
    services.webhook_send_test(actor=users.campus_admin, webhook=webhook)
    user = getattr(users, role)
    assert not webhooks_for(user).exists()
    assert not deliveries_for(user).exists()
    for write in (
        lambda: services.webhook_update(actor=user, webhook=webhook, description="mine"),
        lambda: services.webhook_rotate_secret(actor=user, webhook=webhook),
        lambda: services.webhook_send_test(actor=user, webhook=webhook),
        lambda: services.webhook_delete(actor=user, webhook=webhook),
    ):
        with pytest.raises(PermissionDenied):
            write()


def test_admins_see_only_their_campus_webhooks_and_superusers_all(users, campus_a, campus_b):
    own = _create(users.campus_admin, campus_a)
    other = _create(users.superuser, campus_b)
    network = _create(users.superuser, None)
    assert list(webhooks_for(users.campus_admin)) == [own]
    assert set(webhooks_for(users.superuser)) == {own, other, network}
    with pytest.raises(PermissionDenied):
        services.webhook_update(actor=users.campus_admin, webhook=other, description="taken over")
    with pytest.raises(PermissionDenied):
        services.webhook_update(actor=users.campus_admin, webhook=network, description="taken over")


def test_the_system_may_act_without_an_actor(campus_a):
    webhook = _create(None, campus_a)
    assert webhook.created_by is None


# --- what a webhook may point at ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/in", "Only http:// and https://"),
        ("javascript:alert(1)", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("https://user:secret@example.org/in", "user name or password"),
        ("https://token@example.org/in", "user name or password"),
        ("https:///no-host", "host name"),
        ("https://example.org/in#part", "fragment"),
        ("https://example.org:99999/in", "not a valid URL"),
        ("https://exa mple.org/", "spaces or control"),
        ("https://example.org/\x00", "NUL"),
        ("", "Enter the URL to deliver to."),
        ("https://example.org/" + "a" * 2000, "too long"),
    ],
)
def test_bad_urls_are_refused_with_a_message(users, campus_a, url, message):
    with pytest.raises(ValidationError) as refused:
        _create(users.campus_admin, campus_a, url=url)
    assert message in " ".join(refused.value.message_dict["url"])
    assert Webhook.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/in",
        "http://localhost/in",
        "http://10.0.0.5/in",
        "http://192.168.1.1/in",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/in",
        "http://[::ffff:127.0.0.1]/in",
        "http://0.0.0.0/in",
        "http://api.localhost/in",
    ],
)
def test_internal_addresses_are_refused_unless_allowed(users, campus_a, settings, url):
    settings.BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(ValidationError) as refused:
        _create(users.campus_admin, campus_a, url=url)
    assert "may not be sent" in " ".join(refused.value.message_dict["url"])
    settings.BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    assert _create(users.campus_admin, campus_a, url=url).url == url


def test_events_must_be_known_and_chosen(users, campus_a):
    with pytest.raises(ValidationError) as refused:
        _create(users.campus_admin, campus_a, events=[])
    assert refused.value.message_dict["events"] == ["Choose at least one event."]
    with pytest.raises(ValidationError) as refused:
        _create(users.campus_admin, campus_a, events=["agreement.signed", "everything"])
    assert refused.value.message_dict["events"] == ["Unknown events: everything."]
    with pytest.raises(ValidationError) as refused:
        _create(users.campus_admin, campus_a, events=["agreement.signed", "agreement.signed"])
    assert refused.value.message_dict["events"] == ["Each event can be chosen only once."]


def test_nul_bytes_in_the_description_are_refused(users, campus_a):
    with pytest.raises(ValidationError) as refused:
        _create(users.campus_admin, campus_a, description="CRM\x00")
    assert "NUL" in refused.value.message_dict["description"][0]


# --- updates, secrets, history -----------------------------------------------------------------------


def test_updating_keeps_history_and_unchanged_saves_add_none(users, campus_a):
    webhook = _create(users.campus_admin, campus_a)
    services.webhook_update(actor=users.campus_admin, webhook=webhook, events=["milestone.reached"], is_active=False)
    services.webhook_update(actor=users.campus_admin, webhook=webhook, events=["milestone.reached"],
                            description=" CRM ")  # fmt: skip
    webhook.refresh_from_db()
    assert (webhook.events, webhook.is_active) == (["milestone.reached"], False)
    assert webhook.history.count() == 2


def test_the_campus_of_a_webhook_cannot_be_changed(users, campus_a, campus_b):
    webhook = _create(users.superuser, campus_a)
    with pytest.raises(ValidationError) as refused:
        services.webhook_update(actor=users.superuser, webhook=webhook, campus=campus_b)
    assert "campus" in refused.value.message_dict


def test_rotating_the_secret_replaces_it_and_history_never_holds_it(users, campus_a):
    webhook = _create(users.campus_admin, campus_a)
    first = webhook.secret
    services.webhook_rotate_secret(actor=users.campus_admin, webhook=webhook)
    webhook.refresh_from_db()
    assert webhook.secret != first and webhook.secret.startswith("whsec_")
    latest = webhook.history.first()
    assert (latest.history_change_reason, latest.history_user) == ("signing secret rotated", users.campus_admin)
    history_fields = {f.name for f in Webhook.history.model._meta.fields}
    assert "secret" not in history_fields


def test_deleting_a_webhook_takes_its_deliveries(users, campus_a):
    webhook = _create(users.campus_admin, campus_a)
    services.webhook_send_test(actor=users.campus_admin, webhook=webhook)
    services.webhook_delete(actor=users.campus_admin, webhook=webhook)
    assert (Webhook.objects.count(), WebhookDelivery.objects.count()) == (0, 0)
    assert webhook.history.model.objects.filter(history_type="-").get().history_user == users.campus_admin


def test_only_failed_deliveries_can_be_retried(users, campus_a):
    webhook = _create(users.campus_admin, campus_a)
    delivery = services.webhook_send_test(actor=users.campus_admin, webhook=webhook)
    with pytest.raises(ValidationError, match="Only a failed delivery"):
        services.delivery_retry(actor=users.campus_admin, delivery=delivery)
    delivery.status = DeliveryStatus.FAILED
    delivery.save()
    with pytest.raises(PermissionDenied):
        services.delivery_retry(actor=users.campus_staff, delivery=delivery)
    services.delivery_retry(actor=users.campus_admin, delivery=delivery)


def test_retrying_for_an_inactive_webhook_asks_to_activate_it(users, campus_a):
    webhook = _create(users.campus_admin, campus_a)
    delivery = WebhookDelivery.objects.create(webhook=webhook, event="agreement.signed", payload={},
                                              status=DeliveryStatus.GIVING_UP, attempts=6)  # fmt: skip
    services.webhook_update(actor=users.campus_admin, webhook=webhook, is_active=False)
    with pytest.raises(ValidationError, match="activate it first"):
        services.delivery_retry(actor=users.campus_admin, delivery=delivery)
