"""Fixtures of the API tests: a client per role, authenticated with a personal API token of its own.

    def test_x(api):
        response = api("campus_admin").get("/organizations", search="Teddy")

`api(role)` takes the names of the `users` fixture (tests/conftest.py): campus_admin, campus_staff,
resident_member, partner, government, resident_b, superuser, no_membership; `api(None)` sends no credentials.
Paths are relative to /api/v1.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from biocampus.accounts.services import token_create

API = "/api/v1"


class ApiClient:
    """A test client that speaks JSON to /api/v1 with a Bearer token (or without credentials)."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _url(self, path: str) -> str:
        return path if path.startswith(API) or path.startswith("http") else API + path

    def get(self, path: str, headers: dict | None = None, **query):
        return self.client.get(self._url(path), query, headers={**self.headers, **(headers or {})})

    def _send(self, method: str, path: str, body, headers: dict | None):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        send = getattr(self.client, method)
        return send(self._url(path), data, content_type="application/json", headers={**self.headers, **(headers or {})})

    def post(self, path: str, body=None, headers: dict | None = None):
        return self._send("post", path, {} if body is None else body, headers)

    def patch(self, path: str, body=None, headers: dict | None = None):
        return self._send("patch", path, {} if body is None else body, headers)

    def delete(self, path: str, headers: dict | None = None):
        return self.client.delete(self._url(path), headers={**self.headers, **(headers or {})})


@pytest.fixture
def api(users):
    """`api("campus_staff")`: a client acting as that user through an API token of theirs."""
    clients = {}

    def client_for(role: str | None) -> ApiClient:
        if role not in clients:
            token = None
            if role is not None:
                _token, token = token_create(actor=None, user=getattr(users, role), name=f"tests ({role})")
            clients[role] = ApiClient(token)
        return clients[role]

    return client_for


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is an error of the API's one shape with this status; returns its `error` object."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error = response.json()["error"]
    assert error["status"] == status
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["message"].strip()
    if code is not None:
        assert error["code"] == code
    return error
