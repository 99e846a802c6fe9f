"""The webhook pages, role by role: only campus admins (their campus) and superusers get in; the secret
shows once; test events, retries and deletes go through the services."""

from __future__ import annotations

import pytest
from django.test import Client

from biocampus.webhooks import services
from biocampus.webhooks.choices import DeliveryStatus
from biocampus.webhooks.models import Webhook, WebhookDelivery

NOT_MANAGERS = ["campus_staff", "resident_member", "partner", "government", "resident_b", "no_membership"]
URL = "https://crm.example.org/hooks/biocampus"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def hook(users, campus_a):
    return services.webhook_create(actor=users.campus_admin, campus=campus_a, url=URL, events=["agreement.signed"])


@pytest.fixture
def failed_delivery(users, hook):
    delivery = services.webhook_send_test(actor=users.campus_admin, webhook=hook)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, attempts=1, last_status_code=500, last_error="The receiver answered 500."
    )
    return delivery


def _pages(hook, delivery) -> dict[str, str]:
    return {
        "list": "/webhooks/",
        "create": "/webhooks/new/",
        "detail": f"/webhooks/{hook.public_id}/",
        "edit": f"/webhooks/{hook.public_id}/edit/",
        "delivery": f"/webhooks/deliveries/{delivery.public_id}/",
    }


def _actions(hook, delivery) -> dict[str, str]:
    return {
        "rotate": f"/webhooks/{hook.public_id}/rotate-secret/",
        "test": f"/webhooks/{hook.public_id}/test/",
        "retry": f"/webhooks/deliveries/{delivery.public_id}/retry/",
        "delete": f"/webhooks/{hook.public_id}/delete/",
    }


@pytest.mark.parametrize("role", ["campus_admin", "superuser"])
def test_admins_and_superusers_open_every_page(users, hook, failed_delivery, role):
    client = _client(getattr(users, role))
    for name, url in _pages(hook, failed_delivery).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert hook.secret not in response.content.decode(), name


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_other_roles_are_refused_every_page_and_action(users, hook, failed_delivery, role):
    client = _client(getattr(users, role))
    for name, url in _pages(hook, failed_delivery).items():
        assert client.get(url).status_code == 403, name
    for name, url in _actions(hook, failed_delivery).items():
        assert client.post(url).status_code == 403, name
    assert client.post("/webhooks/new/", {"campus": hook.campus_id, "url": URL,
                                          "events": ["agreement.signed"]}).status_code == 403  # fmt: skip
    hook.refresh_from_db()
    assert Webhook.objects.count() == 1 and hook.is_active
    assert WebhookDelivery.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(hook):
    response = Client().get("/webhooks/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_admin_of_campus_a_cannot_reach_campus_b_webhooks(users, campus_b):
    other = services.webhook_create(actor=users.superuser, campus=campus_b, url=URL, events=["agreement.signed"])
    delivery = services.webhook_send_test(actor=users.superuser, webhook=other)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, attempts=1)
    client = _client(users.campus_admin)
    for name, url in _pages(other, delivery).items():
        if name in ("list", "create"):
            continue
        assert client.get(url).status_code == 404, name
    for name, url in _actions(other, delivery).items():
        assert client.post(url).status_code == 404, name
    assert URL not in client.get("/webhooks/").content.decode()


def test_the_nav_link_shows_only_to_those_who_manage_webhooks(users):
    assert 'href="/webhooks/"' in _client(users.campus_admin).get("/").content.decode()
    assert 'href="/webhooks/"' in _client(users.superuser).get("/").content.decode()
    for role in NOT_MANAGERS:
        assert 'href="/webhooks/"' not in _client(getattr(users, role)).get("/").content.decode(), role


def test_creating_shows_the_secret_once(users, campus_a):
    client = _client(users.campus_admin)
    response = client.post(
        "/webhooks/new/",
        {"campus": campus_a.pk, "url": URL, "events": ["agreement.signed", "milestone.reached"],
         "description": "CRM", "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    webhook = Webhook.objects.get()
    assert (webhook.campus, webhook.events, webhook.created_by) == (
        campus_a, ["agreement.signed", "milestone.reached"], users.campus_admin)  # fmt: skip
    assert webhook.secret in response.content.decode()
    assert "shown only this once" in response.content.decode()
    detail = client.get(webhook.get_absolute_url()).content.decode()
    assert webhook.secret not in detail
    assert webhook.secret not in client.get(f"/webhooks/{webhook.public_id}/edit/").content.decode()


def test_only_superusers_are_offered_the_whole_network(users, campus_a):
    admin_form = _client(users.campus_admin).get("/webhooks/new/").content.decode()
    assert "The whole network" not in admin_form
    assert "Campus A" in admin_form and "Campus B" not in admin_form
    superuser_form = _client(users.superuser).get("/webhooks/new/").content.decode()
    assert "The whole network" in superuser_form and "Campus B" in superuser_form
    # A crafted POST without a campus is refused for an admin (the field is required for them).
    response = _client(users.campus_admin).post("/webhooks/new/", {"url": URL, "events": ["agreement.signed"]})
    assert response.status_code == 200 and Webhook.objects.count() == 0
    response = _client(users.superuser).post("/webhooks/new/", {"url": URL, "events": ["agreement.signed"]})
    assert Webhook.objects.get().campus is None


def test_an_admin_cannot_post_another_campus(users, campus_b):
    response = _client(users.campus_admin).post(
        "/webhooks/new/", {"campus": campus_b.pk, "url": URL, "events": ["agreement.signed"]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Webhook.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "ftp://example.org/x"}, "Only http:// and https://"),
        ({"url": "https://me:pw@example.org/x"}, "user name or password"),
        ({"events": []}, "This field is required."),
        ({"events": ["everything"]}, "Select a valid choice."),
        ({"description": "CRM\x00"}, "Null characters are not allowed."),
    ],
)
def test_invalid_input_is_shown_on_the_form_and_nothing_saved(users, campus_a, data, message):
    form = {"campus": campus_a.pk, "url": URL, "events": ["agreement.signed"], **data}
    response = _client(users.campus_admin).post("/webhooks/new/", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Webhook.objects.count() == 0


def test_editing_changes_url_events_and_active(users, hook):
    client = _client(users.campus_admin)
    response = client.post(
        f"/webhooks/{hook.public_id}/edit/", {"url": URL + "/v2", "events": ["milestone.reached"], "description": "v2"}
    )
    assert response.status_code == 302
    hook.refresh_from_db()
    assert (hook.url, hook.events, hook.is_active, hook.description) == (
        URL + "/v2", ["milestone.reached"], False, "v2")  # fmt: skip
    assert hook.history.first().history_user == users.campus_admin
    assert "v2" in client.get(hook.get_absolute_url()).content.decode()  # the history shows it


def test_rotating_shows_the_new_secret_once(users, hook):
    old = hook.secret
    client = _client(users.campus_admin)
    response = client.post(f"/webhooks/{hook.public_id}/rotate-secret/")
    hook.refresh_from_db()
    assert response.status_code == 200 and hook.secret != old
    assert hook.secret in response.content.decode() and old not in response.content.decode()
    assert client.get(f"/webhooks/{hook.public_id}/rotate-secret/").status_code == 405


def test_send_test_event_queues_a_delivery_shown_in_the_log(users, hook):
    client = _client(users.campus_admin)
    response = client.post(f"/webhooks/{hook.public_id}/test/", follow=True)
    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.status) == ("webhook.test", DeliveryStatus.PENDING)
    page = response.content.decode()
    assert "A test event is queued" in page and "webhook.test" in page


def test_the_delivery_log_filters_by_status_and_serves_htmx_partials(users, hook, failed_delivery):
    services.webhook_send_test(actor=users.campus_admin, webhook=hook)
    client = _client(users.campus_admin)
    page = client.get(f"/webhooks/{hook.public_id}/?status=failed").content.decode()
    assert page.count("webhook.test</code>") == 1
    partial = client.get(f"/webhooks/{hook.public_id}/?status=failed", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "webhook.test" in partial
    assert client.get(f"/webhooks/{hook.public_id}/?status=nonsense\x00").status_code == 200


def test_the_delivery_page_shows_attempts_and_retry_now_queues_the_next(users, failed_delivery):
    client = _client(users.campus_admin)
    page = client.get(f"/webhooks/deliveries/{failed_delivery.public_id}/").content.decode()
    assert "Retry now" in page and "webhook.test" in page
    response = client.post(f"/webhooks/deliveries/{failed_delivery.public_id}/retry/", follow=True)
    assert "queued to be sent again" in response.content.decode()
    from .conftest import queued_attempts

    assert [t.args_kwargs["args"][1] for t in queued_attempts(failed_delivery)] == [1, 2]


def test_retrying_a_delivery_that_did_not_fail_says_why(users, hook):
    delivery = services.webhook_send_test(actor=users.campus_admin, webhook=hook)
    response = _client(users.campus_admin).post(f"/webhooks/deliveries/{delivery.public_id}/retry/", follow=True)
    assert "Only a failed delivery can be retried." in response.content.decode()


def test_deleting_a_webhook(users, hook):
    response = _client(users.campus_admin).post(f"/webhooks/{hook.public_id}/delete/")
    assert response.status_code == 302 and response["Location"] == "/webhooks/"
    assert Webhook.objects.count() == 0


def test_the_list_page_searches_and_counts_failing_deliveries(users, hook, failed_delivery):
    client = _client(users.campus_admin)
    page = client.get("/webhooks/").content.decode()
    assert URL in page
    assert URL not in client.get("/webhooks/?q=nothing-like-it").content.decode()
    assert client.get("/webhooks/?q=%00").status_code == 200


def test_the_delivery_log_page_costs_a_fixed_number_of_queries(users, hook, django_assert_max_num_queries):
    for _ in range(30):
        services.webhook_send_test(actor=users.campus_admin, webhook=hook)
    client = _client(users.campus_admin)
    client.get(hook.get_absolute_url())  # warm the session and permission caches
    with django_assert_max_num_queries(15):
        response = client.get(hook.get_absolute_url())
    assert response.content.decode().count("webhook.test</code>") == 30


def test_the_admin_shows_webhooks_without_their_secret(users, hook, failed_delivery):
    client = _client(users.superuser)
    for url in ("/admin/webhooks/webhook/", f"/admin/webhooks/webhook/{hook.pk}/change/",
                f"/admin/webhooks/webhook/{hook.pk}/history/", "/admin/webhooks/webhookdelivery/",
                f"/admin/webhooks/webhookdelivery/{failed_delivery.pk}/change/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert hook.secret not in response.content.decode(), url
    assert client.get("/admin/webhooks/webhook/add/").status_code == 403
