"""Fixtures of the service-desk tests: a centre with services at campus A (and one at campus B), and a
helper that opens requests through the service.

Users come from tests/conftest.py (`users`: one per role, campus A, plus resident_b at campus B).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from biocampus.accounts.services import token_create
from biocampus.servicedesk import services
from biocampus.servicedesk.models import Service, ServiceCentre, ServiceRequest, ServiceRequestComment
from tests.api.conftest import ApiClient


@pytest.fixture
def centre(campus_a, users):
    centre = services.centre_create(actor=None, campus=campus_a, name="Certification Centre", target_response_hours=72)
    services.service_create(actor=None, centre=centre, name="GLP lab qualification", target_response_hours=24)
    services.service_create(actor=None, centre=centre, name="Device testing")
    return centre


@pytest.fixture
def glp(centre) -> Service:
    return centre.services.get(name="GLP lab qualification")


@pytest.fixture
def centre_b(campus_b):
    centre = services.centre_create(actor=None, campus=campus_b, name="Chengdu Talent Office")
    services.service_create(actor=None, centre=centre, name="Work permits")
    return centre


@pytest.fixture
def open_request(campus_a, centre, glp, resident_org):
    """`open_request(actor=..., organization=..., days_ago=...)` opens a GLP request at campus A."""

    def open_(*, actor=None, organization=None, subject="GLP pre-assessment", days_ago=None, **values):
        if days_ago is not None:
            values["opened_at"] = timezone.now() - datetime.timedelta(days=days_ago)
        values.setdefault("service", glp)
        return services.request_open(
            actor=actor,
            campus=campus_a,
            centre=centre,
            organization=organization or resident_org,
            subject=subject,
            **values,
        )

    return open_


@pytest.fixture
def counts():
    """Rows of the service desk's tables, history included: `before = counts()`, act, compare."""

    def count() -> dict[str, int]:
        tables = (ServiceCentre, Service, ServiceRequest, ServiceRequestComment)
        rows = {model.__name__: model.objects.count() for model in tables}
        rows.update({f"history of {model.__name__}": model.history.count() for model in tables})
        return rows

    return count


@pytest.fixture
def api(users):
    """`api("resident_member")`: an API client acting as that user through a token of theirs."""
    clients = {}

    def client_for(role: str | None) -> ApiClient:
        if role not in clients:
            token = None
            if role is not None:
                _token, token = token_create(actor=None, user=getattr(users, role), name=f"tests ({role})")
            clients[role] = ApiClient(token)
        return clients[role]

    return client_for


ROLES = ("campus_admin", "campus_staff", "resident_member", "partner", "government", "resident_b", "superuser")
