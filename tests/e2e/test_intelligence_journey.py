"""The intelligence journey, in a real browser on the demo: paste the seed press release, open its review,
accept an organisation and a relation, and find the organisation in the directory 'according to' it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "icampus-press-release.txt"
ICAMPUS = "Wuxi International Life Science Innovation Campus"


def test_paste_review_accept_and_see_according_to(logged_in_page: Page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/")
    page.get_by_text("Tools").click()
    page.get_by_role("link", name="Press releases").click()
    page.wait_for_url(re.compile(r"/intelligence/$"))
    page.get_by_role("button", name="Add press release").click()

    page.get_by_label("Title").fill("I·Campus at the third CIIE")
    page.locator("#id_paste-campus").select_option(label=ICAMPUS)
    page.get_by_label("Text of the release").fill(SEED.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Ingest text").click()
    page.wait_for_url(re.compile(r"/intelligence/documents/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", name="I·Campus at the third CIIE")).to_be_visible()
    expect(page.locator("#document-text mark").first).to_be_visible()

    # An organisation: BioVenture Hub (the registry has it: accepting links it).
    card = page.locator("article.fact[data-kind=organization]").filter(has_text="BioVenture Hub").first
    card.get_by_role("button", name="Accept", exact=True).click()
    expect(card.get_by_text("Recorded as:")).to_be_visible()

    # A relation: the strategic cooperation of I·Campus and BioVenture Hub, with its organisations.
    relation = (
        page.locator("article.fact[data-kind=relation]")
        .filter(has_text="strategic cooperation")
        .filter(has_text="BioVenture Hub")
    )
    relation.get_by_role("button", name="Accept with its organisations").click()
    expect(relation.get_by_text("Recorded as:")).to_be_visible()
    expect(relation.locator(".status")).to_have_text("Accepted")

    # The organisation in the directory, according to the release, with the sentence.
    page.goto(f"{live_server.url}/organizations/?q=BioVenture")
    page.get_by_role("link", name="BioVenture Hub").first.click()
    sources = page.locator("#according-to")
    expect(sources).to_contain_text("according to")
    expect(sources).to_contain_text("I·Campus at the third CIIE")
    expect(sources).to_contain_text("BioVenture Hub")
    sources.get_by_role("link", name=re.compile("I·Campus at the third CIIE")).first.click()
    page.wait_for_url(re.compile(r"/intelligence/documents/[0-9a-f-]{36}/"))
