"""schemathesis over every operation of the OpenAPI document, as a superuser and as a campus admin.

Run alone: `.venv/bin/pytest tests/api/test_schemathesis.py`. Each operation is one test; its cases
take turns between the two users.

Every default check runs: no 5xx for any input, every status and body as documented, invalid data
refused, valid data accepted. Two of our answers to valid-looking data are expected and added to what
positive data may get: 412 (a well-formed but stale If-Match) and 422 (a body the schema cannot fully
describe: an id of no record, a date range backwards, two lead investors).

Generated ids rarely exist, so positive cases get real ones (of the right kind of record, chosen
deterministically) in their path and bodies: otherwise most requests would stop at 404 or "unknown id"
and never reach the services.

Hypothesis runs derandomized, so a failure reproduces; `max-examples` keeps the whole run short.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import zlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.generation import GenerationMode

from biocampus.accounts.choices import Role
from biocampus.accounts.services import token_create
from biocampus.campuses.models import Campus
from biocampus.events.models import Lead
from biocampus.intake.models import Application, IntakeCriterion
from biocampus.progress.models import ExchangeRate
from biocampus.servicedesk.models import Service, ServiceCentre, ServiceRequest
from config.wsgi import application
from tests.factories import (
    AgreementFactory,
    CampusFactory,
    EventFactory,
    FundingRoundFactory,
    MembershipFactory,
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProvenanceFactory,
    ResidencyFactory,
    ShowcaseFactory,
    TargetFactory,
    UserFactory,
)

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": 6, "deterministic": True},
        # A path answers 405 (with Allow) for any method it lacks; one undeclared method shows that.
        "phases": {"coverage": {"unexpected-methods": ["put"]}},
        # Reads take only filters: their negative cases (each filter with each wrong type) cost as much to
        # generate as the bodies' and find less; the fuzzing phase still sends them invalid data.
        "operations": [{"include-method": "GET", "phases": {"coverage": {"generation": {"mode": "positive"}}}}],
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "412", "422"]},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

# Which kind of record an id names, by the path it is sent to or the body field it is sent in.
RESOURCE_OF_PATH = {
    "organizations": "organization",
    "people": "person",
    "campuses": "campus",
    "residencies": "residency",
    "agreements": "agreement",
    "events": "event",
    "milestones": "milestone",
    "programmes": "programme",
    "targets": "target",
    "funding-rounds": "funding_round",
    "leads": "lead",
    "applications": "application",
    "intake-criteria": "intake_criterion",
    "service-centres": "service_centre",
    "services": "service",
    "service-requests": "service_request",
    "exchange-rates": "exchange_rate",
}
MODEL_OF_RESOURCE = {
    "organization": "directory.Organization",
    "person": "directory.Person",
    "campus": "campuses.Campus",
    "residency": "campuses.Residency",
    "agreement": "agreements.Agreement",
    "event": "events.Event",
    "milestone": "progress.Milestone",
    "programme": "progress.Programme",
    "target": "progress.Target",
    "funding_round": "progress.FundingRound",
    "lead": "events.Lead",
    "application": "intake.Application",
    "intake_criterion": "intake.IntakeCriterion",
    "service_centre": "servicedesk.ServiceCentre",
    "service": "servicedesk.Service",
    "service_request": "servicedesk.ServiceRequest",
    "exchange_rate": "progress.ExchangeRate",
}
RESOURCE_OF_FIELD = {
    "organization": "organization",
    "organizations": "organization",
    "parent": "organization",
    "recipient": "organization",
    "investor": "organization",
    "booth_host": "organization",
    "campus": "campus",
    "steward": "campus",
    "sister_campuses": "campus",
    "signed_at": "event",
    "event": "event",
    "agreement": "agreement",
    "programme": "programme",
    "taken_by": "organization",
    "residency": "residency",
    "centre": "service_centre",
    "service": "service",
}


def _operations_records(campus, name: str, *, event, resident, other) -> None:
    """A lead, an application with a criterion, and a service centre with a service and a request."""
    make = lambda model, **values: model.objects.create(provenance=ProvenanceFactory(), **values)  # noqa: E731
    make(Lead, event=event, prospect_name=f"Prospect {name}", taken_by=resident)
    make(IntakeCriterion, campus=campus, name="Scientific merit")
    make(Application, campus=campus, reference=f"APP-FUZZ-{name}", company_name=f"Applicant {name}", stage="idea",
         contact_name="Ana", contact_email="ana@example.org", summary="Assays")  # fmt: skip
    centre = make(ServiceCentre, campus=campus, name=f"Centre {name}")
    service = make(Service, centre=centre, name="Advice")
    make(ServiceRequest, reference=f"SR-FUZZ-{name}", campus=campus, centre=centre, service=service,
         organization=resident, subject="Help", due_at=timezone.now() + datetime.timedelta(days=1))  # fmt: skip


def _build_network() -> dict[str, list[str]]:
    """Two campuses with records of every kind; returns the public ids of each kind, oldest first."""
    from django.apps import apps

    for name in ("A", "B"):
        campus = CampusFactory(slug=f"campus-{name.lower()}", organization__name=f"Campus {name}")
        resident, other = OrganizationFactory(name=f"Resident {name}"), OrganizationFactory(name=f"Partner {name}")
        ResidencyFactory(organization=resident, campus=campus)
        event = EventFactory(campus=campus)
        ShowcaseFactory(event=event, organization=resident)
        agreement = AgreementFactory(campus=campus, parties=[resident, other], signed_at=event)
        MilestoneFactory(campus=campus, organization=resident, event=event)
        programme = ProgrammeFactory(campus=campus, organizations=[resident], agreement=agreement)
        ObservationFactory(target=TargetFactory(campus=campus, organization=resident, programme=programme))
        FundingRoundFactory(campus=campus, recipient=resident, investors=[other])
        PersonFactory(organization=resident)
        _operations_records(campus, name, event=event, resident=resident, other=other)
    ExchangeRate.objects.create(
        currency="CNY", rate=Decimal("0.14"), valid_from=datetime.date(2020, 1, 1), provenance=ProvenanceFactory()
    )
    return {
        kind: [
            str(public_id)
            for public_id in apps.get_model(label).objects.order_by("pk").values_list("public_id", flat=True)
        ]
        for kind, label in MODEL_OF_RESOURCE.items()
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module and rolled back after it; each test still runs in its own savepoint (the
    `db` fixture), so what one operation's cases write is gone before the next operation."""
    with django_db_blocker.unblock(), transaction.atomic():
        ids = _build_network()
        superuser = UserFactory(username="fuzz-root", is_superuser=True)
        campus_admin = UserFactory(username="fuzz-admin")
        MembershipFactory(user=campus_admin, campus=Campus.objects.get(slug="campus-a"), role=Role.CAMPUS_ADMIN)
        tokens = [token_create(actor=None, user=user, name="schemathesis")[1] for user in (superuser, campus_admin)]
        yield SimpleNamespace(ids=ids, headers=[{"Authorization": f"Bearer {token}"} for token in tokens])
        transaction.set_rollback(True)


@pytest.fixture
def bearer(world, db):
    """Authorization headers that take turns between a superuser and a campus admin, case after case:
    both roles see every operation, for the price of one pass."""
    return itertools.cycle(world.headers)


@pytest.fixture
def quiet_request_log(caplog):
    # Django logs every 4xx as a warning; thousands of them only slow the run down.
    caplog.set_level(logging.ERROR, logger="django.request")


@pytest.fixture
def wsgi_keeps_test_transaction():
    """Django closes the database connection after each WSGI request, which would end the test's
    transaction; its own test client switches that off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _pick(pool: list[str], drawn) -> str:
    return pool[zlib.crc32(str(drawn).encode()) % len(pool)]


def _with_existing_ids(value, field: str | None, ids: dict[str, list[str]]):
    """Swap the UUIDs hypothesis drew for ids of existing records of the kind the field names."""
    if isinstance(value, dict):
        return {key: _with_existing_ids(item, key, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_existing_ids(item, field, ids) for item in value]
    kind = RESOURCE_OF_FIELD.get(field or "")
    if kind and isinstance(value, str) and len(value) == 36 and ids.get(kind):
        return _pick(ids[kind], value)
    return value


def make_realistic(case, ids: dict[str, list[str]]) -> None:
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return  # a negative case must stay exactly as invalid as it was drawn
    resource = RESOURCE_OF_PATH.get(case.operation.path.split("/")[3])
    if case.path_parameters and "public_id" in case.path_parameters and resource:
        case.path_parameters["public_id"] = _pick(ids[resource], case.path_parameters["public_id"])
    if isinstance(case.body, dict):
        case.body = _with_existing_ids(case.body, None, ids)


@schema.parametrize()
@settings(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms(case, world, bearer, wsgi_keeps_test_transaction, quiet_request_log):
    make_realistic(case, world.ids)
    case.call_and_validate(headers=next(bearer))
