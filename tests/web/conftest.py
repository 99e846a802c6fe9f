"""Fixtures of the page tests: the demo campus, its five demo logins, and helpers to post forms.

The demo campus is loaded once per test module through `load_demo` (the seed story, written through
every service) inside a transaction that is rolled back after the module. Each test still runs in its
own savepoint (the `db` fixture), so a test that writes leaves nothing behind for the next one.
A module that uses these fixtures should hold only demo-based tests: the demo rows are visible to
every test of the module once the fixture has run.
"""

from __future__ import annotations

import datetime
import html
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client

DEMO_USERNAMES = ("demo", "staff", "resident", "partner", "gov")
DEMO_PASSWORD = "demo"


@pytest.fixture(scope="module")
def demo_campus(django_db_setup, django_db_blocker):
    """Run `load_demo` once for the module; everything it wrote is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_users(demo_campus, db):
    """The demo logins, fetched afresh for each test (permissions cache their answer on the user)."""
    from biocampus.accounts.models import User

    return SimpleNamespace(**{name: User.objects.get(username=name) for name in DEMO_USERNAMES})


@pytest.fixture
def login(demo_users):
    """`login("resident")` is a test client signed in through the login form with the demo password."""

    def sign_in(username: str) -> Client:
        client = Client()
        assert client.login(username=username, password=DEMO_PASSWORD), f"{username}/demo cannot sign in"
        return client

    return sign_in


@pytest.fixture
def demo(demo_users):
    """Lookups into the demo campus by natural key."""
    from biocampus.agreements.models import Agreement
    from biocampus.campuses.models import Campus, Residency
    from biocampus.directory.models import Organization, Person
    from biocampus.events.models import Event
    from biocampus.progress.models import FundingRound, Milestone, Programme, Target

    return SimpleNamespace(
        users=demo_users,
        org=lambda name: Organization.objects.get(name=name),
        campus=lambda slug="icampus-wuxi": Campus.objects.get(slug=slug),
        agreement=lambda fragment: Agreement.objects.get(title__icontains=fragment),
        event=lambda fragment: Event.objects.get(name__icontains=fragment),
        milestone=lambda fragment: Milestone.objects.get(title__icontains=fragment),
        residency=lambda name, slug="icampus-wuxi": Residency.objects.get(organization__name=name, campus__slug=slug),
        person=lambda name: Person.objects.get(name=name),
        programme=lambda: Programme.objects.get(),
        target=lambda: Target.objects.get(),
        funding_round=lambda: FundingRound.objects.get(),
    )


# --- Helpers ------------------------------------------------------------------------------------------


def text_of(response) -> str:
    """The response body with HTML entities decoded, for matching messages as a person reads them."""
    return html.unescape(response.content.decode())


def formset_data(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    """POST data for a formset with Django's management form."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def _post_value(value):
    """How a browser would send the value a form field shows."""
    from biocampus.directory.models import Organization

    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, Organization):
        return value.name
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (list, tuple, set, models.QuerySet)):
        return [_post_value(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)  # text, numbers, decimals, countries (their code)


def _form_fields(form) -> dict:
    data = {}
    for bound in form:
        value = _post_value(bound.value())
        if value is None:  # an unticked checkbox is not sent
            continue
        data[bound.html_name] = value
    return data


def form_payload(response) -> dict:
    """The POST data a browser would send for the form page of `response`, unchanged."""
    form = response.context["form"]
    data = _form_fields(form)
    for name, formset in (response.context.get("formsets") or {}).items():
        management = formset.management_form
        data.update({bound.html_name: str(bound.value()) for bound in management})
        for subform in formset.forms:
            data.update(_form_fields(subform))
        assert name == formset.prefix
    return data
