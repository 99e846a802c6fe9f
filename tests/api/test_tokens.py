"""Personal API tokens: created, used, revoked; hashed at rest; the commands; the session as the other way in."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from biocampus.accounts.models import ApiToken
from biocampus.accounts.services import token_create, token_revoke, token_user

from .conftest import ApiClient, assert_error

pytestmark = pytest.mark.django_db


def test_a_token_works_until_it_is_revoked(users):
    token, secret = token_create(actor=users.campus_staff, user=users.campus_staff, name="nightly sync")
    client = ApiClient(secret)

    me = client.get("/me")
    assert me.status_code == 200
    assert me.json()["username"] == "staff_a"

    token_revoke(actor=users.campus_staff, token=token)
    error = assert_error(client.get("/me"), 401, "not_authenticated")
    assert "revoked" in error["message"]


def test_the_secret_is_stored_only_as_its_sha256(users):
    token, secret = token_create(actor=None, user=users.partner, name="reports")
    row = ApiToken.objects.filter(pk=token.pk).values().get()

    assert row["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert all(secret not in str(value) for value in row.values())
    assert secret.startswith(row["prefix"]) and len(row["prefix"]) < len(secret) // 3


def test_using_a_token_records_when_but_at_most_once_a_minute(users):
    token, secret = token_create(actor=None, user=users.government, name="dashboard")
    assert token.last_used_at is None

    ApiClient(secret).get("/me")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None and timezone.now() - first_use < datetime.timedelta(seconds=30)

    ApiClient(secret).get("/me")
    token.refresh_from_db()
    assert token.last_used_at == first_use  # a second call within the minute writes nothing


def test_expired_tokens_and_tokens_of_inactive_users_do_not_work(users):
    _token, expiring = token_create(
        actor=None, user=users.campus_admin, name="short", expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    ApiToken.objects.filter(name="short").update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert_error(ApiClient(expiring).get("/me"), 401)

    _token, secret = token_create(actor=None, user=users.campus_staff, name="old laptop")
    users.campus_staff.is_active = False
    users.campus_staff.save()
    assert_error(ApiClient(secret).get("/me"), 401)


def test_malformed_and_unknown_tokens_are_refused(users):
    for secret in ("", "bc_", "bc_not-a-token", "x" * 5000, "bc_\u00e9t\u00e9"):
        assert token_user(secret) is None
    for header in ("Bearer bc_unknown", "Basic dXNlcjpwYXNz", "Bearer", "bc_no-scheme"):
        response = Client().get("/api/v1/me", headers={"Authorization": header})
        assert_error(response, 401)


def test_anonymous_calls_get_401_with_the_error_shape_not_a_login_redirect(users):
    for method, path in (("get", "/organizations"), ("post", "/organizations"), ("delete", "/people/" + "0" * 32)):
        response = getattr(Client(), method)(f"/api/v1{path}")
        error = assert_error(response, 401, "not_authenticated")
        assert "Bearer" in error["message"]
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_only_the_owner_or_a_superuser_manages_a_token(users):
    token, _secret = token_create(actor=users.campus_admin, user=users.campus_admin, name="mine")
    with pytest.raises(PermissionDenied):
        token_create(actor=users.campus_staff, user=users.campus_admin, name="not mine")
    with pytest.raises(PermissionDenied):
        token_revoke(actor=users.campus_staff, token=token)
    token_revoke(actor=users.superuser, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_tokens_through_the_api_show_the_secret_once(api, users):
    client = api("resident_member")
    created = client.post("/tokens", {"name": "lab notebook"})
    assert created.status_code == 201
    secret = created.json()["token"]
    assert ApiClient(secret).get("/me").json()["username"] == "resident_a"

    listed = client.get("/tokens").json()
    assert {token["name"] for token in listed} == {"tests (resident_member)", "lab notebook"}
    assert all("token" not in token for token in listed)

    token_id = created.json()["id"]
    assert_error(api("campus_admin").delete(f"/tokens/{token_id}"), 404)  # not theirs
    assert client.delete(f"/tokens/{token_id}").status_code == 204
    assert_error(ApiClient(secret).get("/me"), 401)


def test_token_names_and_expiry_are_validated(api):
    client = api("campus_staff")
    assert_error(client.post("/tokens", {"name": ""}), 422)
    assert_error(client.post("/tokens", {"name": "x", "expires_at": "2020-01-01T00:00:00Z"}), 422)
    error = assert_error(client.post("/tokens", {"name": "x", "expires_at": "2030-01-01T00:00:00"}), 422)
    assert "ISO 8601" in error["fields"]["expires_at"][0]  # a time without its offset is ambiguous


def test_create_api_token_prints_the_token_as_its_last_line(users):
    out = io.StringIO()
    call_command("create_api_token", "admin_a", "--name", "ci", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]

    assert secret.startswith("bc_") and " " not in secret
    assert ApiClient(secret).get("/me").json()["username"] == "admin_a"
    assert (
        ApiToken.objects.get(user=users.campus_admin, name="ci").key_hash == hashlib.sha256(secret.encode()).hexdigest()
    )


def test_create_api_token_refuses_unknown_users_and_bad_expiry(users):
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "nobody-at-all", stdout=io.StringIO())
    with pytest.raises(CommandError, match="expires"):
        call_command("create_api_token", "admin_a", "--expires-in-days", "0", stdout=io.StringIO())


def test_revoke_api_token_by_prefix(users):
    out = io.StringIO()
    call_command("create_api_token", "staff_a", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    prefix = ApiToken.objects.get(user=users.campus_staff).prefix

    call_command("revoke_api_token", "staff_a", "--prefix", prefix, stdout=io.StringIO())

    assert_error(ApiClient(secret).get("/me"), 401)
    with pytest.raises(CommandError, match="no working token"):
        call_command("revoke_api_token", "staff_a", "--all", stdout=io.StringIO())


def test_the_browser_session_works_and_unsafe_methods_need_the_csrf_token(users, campus_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users.campus_staff)
    assert browser.get("/api/v1/me").json()["username"] == "staff_a"

    body = {"name": "Session Bio", "kind": "company"}
    error = assert_error(browser.post("/api/v1/organizations", body, content_type="application/json"), 403)
    assert "CSRF" in error["message"]

    browser.get("/")  # any page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    created = browser.post(
        "/api/v1/organizations", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert created.status_code == 201, created.content
