"""`manage.py load_demo`: refused where demo data is not allowed, idempotent, and `--if-empty`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from biocampus.accounts.models import User
from biocampus.demo import seed
from biocampus.directory.choices import OrganizationKind
from biocampus.directory.models import Organization
from biocampus.directory.services import organization_create

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_refuses_when_demo_data_is_not_allowed(settings):
    settings.BIOCAMPUS_ALLOW_DEMO = False
    with pytest.raises(CommandError, match="BIOCAMPUS_ALLOW_DEMO"):
        run()
    assert not Organization.objects.exists()
    assert not User.objects.filter(username="demo").exists()


def test_loads_and_prints_counts_and_the_login():
    output = run()
    assert "Demo login: user demo / password demo" in output
    assert "organisations: " in output
    assert Organization.objects.filter(name="AstraZeneca").exists()
    assert User.objects.get(username="demo").check_password("demo")


def test_second_run_creates_nothing():
    run()
    organisations = Organization.objects.count()
    output = run()
    assert "0 rows created" in output
    assert Organization.objects.count() == organisations


def test_if_empty_loads_into_an_empty_database():
    run("--if-empty")
    assert Organization.objects.filter(name="Tigermed").exists()


def test_if_empty_leaves_an_existing_registry_alone():
    organization_create(actor=None, name="Somebody Else", kind=OrganizationKind.COMPANY)
    output = run("--if-empty")
    assert "not loaded" in output
    assert Organization.objects.count() == 1
    assert not User.objects.filter(username="demo").exists()


def test_the_seed_itself_refuses_when_demo_data_is_not_allowed(settings):
    settings.BIOCAMPUS_ALLOW_DEMO = False
    with pytest.raises(ImproperlyConfigured):
        seed.load()
    assert not Organization.objects.exists()
