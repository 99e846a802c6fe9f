"""The events journey of the campus-operations issue, in a real browser: open the 3rd CIIE, see what came of
it, add a lead and see it counted, download the campus calendar."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_what_came_of_the_ciie_a_new_lead_and_the_campus_calendar(logged_in_page: Page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/events/")
    page.get_by_role("link", name="third China International Import Expo").click()
    page.wait_for_url(re.compile(r"/events/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", name=re.compile("third China International Import Expo"))).to_be_visible()
    # Participants by role, organisers and hosts first; the booth; the leads of the demo.
    expect(page.locator("#participants")).to_contain_text("Host")
    expect(page.locator("#showcase")).to_contain_text("Companion diagnostics testing services")
    expect(page.locator("#leads")).to_contain_text("Alpine Companion Dx GmbH")

    # What came of it, on one page.
    page.get_by_role("button", name="What came of it").click()
    page.wait_for_url(re.compile(r"/outcomes/$"))
    expect(page.get_by_role("heading", name="Residents signed here (12)")).to_be_visible()
    expect(page.get_by_role("heading", name="Agreements signed here (4)")).to_be_visible()
    expect(page.get_by_role("heading", name="Booth showcases and what came of each (10)")).to_be_visible()
    expect(page.locator("#agreements")).to_contain_text("companion diagnostics")
    expect(page.locator("#residencies")).to_contain_text("Zhenfu")
    expect(page.get_by_role("heading", name="Leads and what they became (3)")).to_be_visible()

    # Add a lead from the event page; it is counted.
    page.get_by_role("link", name="third China International Import Expo").first.click()
    page.get_by_role("button", name="Add a lead").click()
    page.get_by_label("Prospect name").fill("Fjord Genomics AS")
    page.get_by_label("Taken by").fill("Teddy Lab Services")
    page.get_by_label("Interest").fill("Companion diagnostics testing in China")
    page.get_by_label("Status").select_option("contacted")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/leads/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", name="Fjord Genomics AS")).to_be_visible()
    page.get_by_role("link", name="3rd CIIE").first.click()
    page.get_by_role("button", name="What came of it").click()
    expect(page.get_by_role("heading", name="Leads and what they became (4)")).to_be_visible()
    expect(page.locator("#leads")).to_contain_text("Fjord Genomics AS")

    # The campus calendar: an .ics with the CIIE as an all-day VEVENT.
    page.goto(f"{live_server.url}/events/")
    expect(page.get_by_role("heading", name="Subscribe in your calendar app")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Wuxi International Life Science Innovation Campus calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "icampus-wuxi-events.ics"
    with open(download.path(), encoding="utf-8") as ics:
        content = ics.read().replace("\r\n ", "")  # unfold long lines
    assert "BEGIN:VCALENDAR" in content
    vevents = content.split("BEGIN:VEVENT")[1:]
    ciie = [entry for entry in vevents if "third China International Import Expo" in entry]
    assert len(ciie) == 1
    assert "DTSTART;VALUE=DATE:20201104" in ciie[0]
    assert "DTEND;VALUE=DATE:20201111" in ciie[0]
