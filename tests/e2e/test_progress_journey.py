"""The progress journey of issue 4, in a real browser: the screening programme's progress bar and status,
an observation that moves it, evidence uploaded to a milestone and downloaded again, and the resident's
timeline showing the milestone with its evidence and the funding round."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_programme_progress_observation_evidence_and_timeline(logged_in_page: Page, live_server, media_in_tmp):
    page = logged_in_page

    # The screening programme: a bar per target and where it stands (the demo's illustrative figures stop
    # at 870,000 of one million, and the due date has passed).
    page.goto(f"{live_server.url}/programmes/")
    page.get_by_role("link", name="One million people screening programme").click()
    expect(page.get_by_role("heading", name=re.compile("One million people screening programme"))).to_be_visible()
    targets = page.locator("#targets")
    expect(targets.locator("progress")).to_have_attribute("value", "87")
    expect(targets).to_contain_text("Overdue")
    expect(targets).to_contain_text("Latest: 870,000 people on 2021-10-31 (87% of the way)")
    expect(page.locator("body")).to_contain_text("Zhenfu")

    # Record the last figure on the target: the bar fills and the target is achieved.
    targets.get_by_role("link", name="people screened").click()
    expect(page.locator("svg.target-chart")).to_be_visible()
    form = page.locator("#record-observation")
    form.get_by_label("Observed on").fill("2021-11-06")
    form.get_by_label("Value").fill("1000000")
    form.get_by_label("Note").fill("final report (browser test)")
    form.get_by_role("button", name="Record").click()
    expect(page.locator("#progress progress")).to_have_attribute("value", "100")
    expect(page.locator("h1")).to_contain_text("Achieved")
    expect(page.get_by_role("cell", name="final report (browser test)")).to_be_visible()

    # Evidence for Teddy Lab's qualification: upload a certificate, then download it again.
    page.goto(f"{live_server.url}/milestones/")
    page.get_by_role("link", name="Qualified medical testing laboratory").click()
    evidence = page.locator("#evidence")
    expect(evidence.get_by_role("link", name=re.compile("Press release on I·Campus"))).to_be_visible()
    upload = page.locator("#add-evidence")
    upload.get_by_label("Title").fill("Laboratory qualification certificate")
    upload.locator('input[name="file"]').set_input_files(
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    upload.get_by_role("button", name="Add evidence").click()
    certificate = page.locator("#evidence").get_by_role("link", name="Laboratory qualification certificate")
    expect(certificate).to_be_visible()
    with page.expect_download() as download_info:
        certificate.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == PDF

    # Teddy Lab Services' timeline: the milestone with its evidence, and the round it invested in.
    page.get_by_role("link", name="Teddy Lab Services", exact=True).first.click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Qualified medical testing laboratory")
    expect(timeline.get_by_role("link", name="Laboratory qualification certificate")).to_be_visible()
    expect(timeline).to_contain_text("CHIC Health")
    expect(timeline).to_contain_text("amount not disclosed")
