"""The service-desk journey in a real browser: a resident asks a centre for a service from the catalogue;
the staff take it, accept it and ask a question; the resident answers; the staff close it. A resident never
sees another organisation's request."""

import re

import pytest
from playwright.sync_api import Page, expect

from biocampus.servicedesk.models import ServiceRequest

pytestmark = pytest.mark.e2e

SUBJECT = "Bid for the Wuxi People's Hospital testing tender"


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', "demo")
    page.locator('form [type="submit"]').first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"login as {username}/demo failed"


def test_a_request_from_the_catalogue_to_done(page: Page, demo_campus, live_server):
    base = live_server.url

    # The resident asks the procurement workstation for help with a bid, from the catalogue.
    sign_in(page, base, "resident")
    page.goto(f"{base}/services/")
    expect(page.get_by_role("heading", name=re.compile("Medical Bidding and Procurement Workstation"))).to_be_visible()
    page.get_by_role("button", name="Request this service: Hospital tender bidding support").click()
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("What do you need?").fill("The tender closes in three weeks.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(page.locator("body")).to_contain_text("is open")
    reference = ServiceRequest.objects.get(subject=SUBJECT).reference

    # The staff find it in the list, take it, accept it and ask a question.
    sign_in(page, base, "staff")
    page.goto(f"{base}/service-requests/")
    expect(page.locator("tr.overdue").first).to_be_visible()  # the demo's unanswered request stands out
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Assign to me").click()
    expect(page.locator("#assignee")).to_contain_text("Demo Staff")
    page.get_by_label("New status").select_option("accepted")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("body")).to_contain_text("The request is now: Accepted.")
    page.get_by_label("Message to the resident or note").fill("Which lots of the tender do you bid for?")
    page.get_by_role("button", name="Post").click()
    page.get_by_label("New status").select_option("waiting_for_resident")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("body")).to_contain_text("The request is now: Waiting for resident.")

    # The resident answers; the request goes back in progress.
    sign_in(page, base, "resident")
    page.goto(f"{base}/service-requests/")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("#conversation")).to_contain_text("Which lots of the tender do you bid for?")
    expect(page.locator("body")).to_contain_text("The centre is waiting for your answer.")
    page.get_by_label("Your message to the centre").fill("Lots 2 and 3: companion diagnostics.")
    page.get_by_role("button", name="Post").click()
    expect(page.locator("body")).to_contain_text("back in progress")
    expect(page.locator("hgroup .badge").first).to_have_text("In progress")

    # The staff mark it done.
    sign_in(page, base, "staff")
    page.goto(f"{base}/service-requests/")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("#conversation")).to_contain_text("Lots 2 and 3")
    page.get_by_label("New status").select_option("done")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("body")).to_contain_text("The request is now: Done.")
    expect(page.locator("#history")).to_contain_text("Done")


def test_a_resident_does_not_see_another_organisations_request(page: Page, demo_campus, live_server):
    base = live_server.url
    theirs = ServiceRequest.objects.get(organization__name="CHIC Health")
    sign_in(page, base, "resident")
    page.goto(f"{base}/service-requests/")
    expect(page.get_by_role("link", name="Work permit for our new lab director")).to_be_visible()
    expect(page.get_by_text(theirs.subject)).to_have_count(0)
    expect(page.get_by_text(theirs.reference)).to_have_count(0)
    response = page.goto(f"{base}/service-requests/{theirs.public_id}/")
    assert response is not None and response.status == 404
