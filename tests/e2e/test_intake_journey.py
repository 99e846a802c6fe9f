"""The intake journey in a real browser: a company applies through the public form without an account,
the campus's staff find it on the board, score it, and accept it: the company is then in the directory
with a signed residency."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

COMPANY = "Moselle Microfluidics SARL"


def test_apply_review_and_accept(page: Page, demo_campus, live_server):
    # Logged out: the public form.
    page.goto(f"{live_server.url}/apply/icampus-wuxi/")
    expect(page.get_by_role("heading", name=re.compile("Apply to Wuxi International Life Science"))).to_be_visible()
    page.get_by_label("Company *").fill(COMPANY)
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("City").fill("Metz")
    page.get_by_label("Stage *").select_option("preclinical")
    page.get_by_label("Contact person *").fill("Camille Martin")
    page.get_by_label("Contact email *").fill("camille@moselle-micro.example.org")
    page.get_by_label("Summary *").fill("Organ-on-chip models for liver toxicity testing.")
    page.get_by_label("Lab space").check()
    page.get_by_label("Attachments").set_input_files(
        {"name": "deck.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% pitch deck\n"}
    )
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"APP-\d{4}-\d{4}", reference)

    # The campus's staff sign in and find it on the board.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('input[name="username"]', "staff")
    page.fill('input[name="password"]', "demo")
    page.locator('form [type="submit"]').first.click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/applications/")
    submitted = page.locator("#column-submitted")
    expect(submitted).to_contain_text(reference)
    submitted.get_by_role("link", name=COMPANY).click()
    expect(page.get_by_role("heading", name=COMPANY)).to_be_visible()
    expect(page.get_by_role("link", name="deck.pdf")).to_be_visible()

    # Score it against every criterion.
    review = page.locator("#my-review")
    for select in review.locator("select[name^=score_]").all():
        select.select_option("4")
    review.get_by_label("Recommendation").select_option("accept")
    review.get_by_label("Comment").fill("Good fit with the CRO residents.")
    review.get_by_role("button", name="Save my review").click()
    expect(page.locator("#score")).to_have_text("4.0")
    expect(page.locator("#status")).to_have_text("In review")

    # Accept it, creating the organisation.
    decide = page.locator("#decide")
    decide.get_by_label("Accept").check()
    decide.get_by_label("Reasons *").fill("Strong science and a clear need for our labs.")
    decide.get_by_label("A new organisation in the directory").check()
    decide.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#status")).to_have_text("Accepted")
    expect(page.locator("#decisions")).to_contain_text("Strong science")

    # The organisation is in the directory, its residency signed.
    application_url = page.url
    page.locator("#outcome").get_by_role("link", name=COMPANY).click()
    expect(page.locator("body")).to_contain_text(COMPANY)
    expect(page.locator("body")).to_contain_text("Metz")
    page.goto(application_url)
    page.locator("#outcome").get_by_role("link", name=re.compile("Signed")).click()
    expect(page.locator(".badge.signed")).to_have_text("Signed")
