"""Browser tests: Debian's chromium drives the pages served by pytest-django's live_server.

Run them alone with `make e2e`; `make test` runs them with the rest of the suite.
"""

import contextlib
import importlib
import io
import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API keeps an event loop running in the test thread, and Django then refuses
# ORM calls from that thread (SynchronousOnlyOperation). Nothing here is really async.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"  # `playwright install` cannot download browsers here; `make test` apt-installs this


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",  # tests run as root in CI
            "--headless",
            "--disable-gpu",
            # No calls home: the machine has no internet, and they slow the start.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def demo_campus(transactional_db, live_server):
    """The demo campus, in the database the live server reads (a transactional one: the server
    runs in another thread and must see committed rows).

    A transactional test ends with a flush, which also empties the field taxonomy that a data migration
    wrote; the demo needs it, so it is put back first (the migration's own, idempotent function).
    Django's serialized rollback cannot do this here: Playwright's event loop gives these tests a
    connection object of their own, which lacks the serialized copy."""
    taxonomy = importlib.import_module("biocampus.directory.migrations.0002_field_taxonomy")
    taxonomy.create_fields(django_apps, None)
    call_command("load_demo", stdout=io.StringIO())
    return live_server


@pytest.fixture
def logged_in_page(page, demo_campus, live_server):
    """A page logged in as demo/demo through the ordinary login form."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('input[name="username"]', "demo")
    page.fill('input[name="password"]', "demo")
    page.locator('form [type="submit"]').first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, "login as demo/demo failed"
    return page


@pytest.fixture(autouse=True)
def _screenshot_after_test(request, output_path):
    """A full-page screenshot of where each browser test ended, in test-results/<test>/: the first
    thing to look at when one fails in CI."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    yield
    path = Path(output_path) / "end.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    # A page that crashed or closed: the test's own failure says more than this would.
    with contextlib.suppress(PlaywrightError):
        page.screenshot(path=path, full_page=True)
