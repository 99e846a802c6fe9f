"""The directory journey of the foundation issue, in a real browser: find an organisation, open it,
follow one of its agreements to that agreement's history."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "directory.png"


def test_find_teddy_lab_and_follow_its_agreement_to_the_history(logged_in_page: Page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/organizations/")
    expect(page.locator('input[name="q"]')).to_be_visible()

    # The README's picture; only on request, so that an ordinary run leaves the repository alone.
    if os.environ.get("BIOCAMPUS_SCREENSHOTS") == "1":
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=README_SCREENSHOT, full_page=True)

    search = page.locator('input[name="q"]')
    search.fill("Teddy")
    search.press("Enter")
    # Whether the form reloads the page or htmx swaps the results in: the list narrows to Teddy.
    expect(page.get_by_role("link", name=re.compile(r"^\s*Sanomics\b"))).to_have_count(0)

    # Anchored: "Wuxi Teddy Lab Services Med Lab" is another organisation of the seed.
    page.get_by_role("link", name=re.compile(r"^\s*Teddy Lab Services\b")).first.click()
    page.wait_for_url(re.compile(r"/organizations/[^?]+"))
    expect(page.locator("body")).to_contain_text("Teddy Lab Services")

    agreement = page.get_by_role("link", name=re.compile(r"companion diagnostics", re.IGNORECASE)).first
    expect(agreement).to_be_visible()
    expect(page.locator("body")).to_contain_text("AstraZeneca")

    organization_url = page.url
    agreement.click()
    page.wait_for_url(lambda url: url != organization_url)
    expect(page.locator("body")).to_contain_text(re.compile(r"companion diagnostics", re.IGNORECASE))
    # Both parties are named on the agreement's own page.
    expect(page.locator("body")).to_contain_text("AstraZeneca")
    expect(page.locator("body")).to_contain_text("Teddy Lab")

    history = page.locator("#history")
    expect(history).to_be_visible()
    entries = history.locator("li, tr:has(td), article")
    expect(entries.first).to_be_visible()
