"""Fixtures of the demo-campus tests: the loaded demo and the gold annotation of the seed story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import transaction

from biocampus.demo import seed
from biocampus.directory.models import Organization

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLD_PATH = REPO_ROOT.parent / "shared" / "seed" / "icampus-gold.json"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo campus, loaded once per test module and rolled back after it.

    Loading goes through every service (validation, history) and takes seconds, so the read-only
    tests of a module share one load. Each test still runs in its own savepoint (mark the tests
    `django_db`), so a test that writes leaves nothing behind for the next one. The value is the
    number of rows created per model.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        created = seed.load()
        yield created
        transaction.set_rollback(True)


@pytest.fixture(scope="session")
def gold() -> dict:
    if not GOLD_PATH.exists():
        pytest.skip(f"the gold annotation is not at {GOLD_PATH}")
    return json.loads(GOLD_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def org(demo):
    """Find an organisation by its name or one of its aliases; fail if there is none or several."""

    def find(name: str) -> Organization:
        matches = [o for o in Organization.objects.all() if o.name == name or name in o.aliases]
        assert len(matches) == 1, f"{len(matches)} organisations are called {name!r}"
        return matches[0]

    return find
