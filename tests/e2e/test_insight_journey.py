"""The insight journey in a real browser: the demo campus's 2020 dashboard draws its charts, then the
ecosystem graph and Teddy Lab Services' neighbourhood draw, all without a console error."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "dashboard.png"


def _collect_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_the_dashboard_and_the_graph_draw(logged_in_page: Page, live_server, output_path):
    page = logged_in_page
    errors = _collect_errors(page)
    page.set_viewport_size({"width": 1400, "height": 1000})

    page.goto(f"{live_server.url}/insight/?campus=icampus-wuxi&from=2020-01-01&to=2020-12-31")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator("#kpi-residents_signed .number")).to_be_visible()
    # Each chart with data draws into a canvas inside its container.
    trend = page.locator('[data-chart="chart-residents-signed-by-month"] canvas')
    expect(trend.first).to_be_visible()
    expect(page.locator('[data-chart="chart-residents-signed-home-abroad"] canvas').first).to_be_visible()
    expect(page.locator('[data-chart="chart-agreements-by-type"] canvas').first).to_be_visible()
    drawn = page.locator(".chart-canvas canvas").count()
    assert drawn >= 5, f"only {drawn} charts drew"
    # The numbers behind the trend chart, without JavaScript's help: November 2020, the 3rd CIIE.
    page.locator("#chart-residents-signed-by-month summary").click()
    expect(page.locator("#chart-residents-signed-by-month table")).to_contain_text("2020-11")

    screenshot = Path(output_path) / "dashboard.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=screenshot, full_page=True)
    # The README's picture; only on request, so that an ordinary run leaves the repository alone.
    if os.environ.get("BIOCAMPUS_SCREENSHOTS") == "1":
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=README_SCREENSHOT, full_page=True)

    # A bar opens the records behind it: click the middle of November 2020's bar.
    chart = page.locator('[data-chart="chart-residents-signed-by-month"]')
    x, y = chart.evaluate(
        """element => {
            const instance = echarts.getInstanceByDom(element);
            const value = instance.getOption().series[0].data[0].value;
            return instance.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [0, value / 2]);
        }"""
    )
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(r"/residencies/"))
    page.go_back()
    # And so does a card.
    page.locator("#kpi-agreements a").click()
    page.wait_for_url(re.compile(r"/agreements/"))

    page.goto(f"{live_server.url}/insight/graph/?campus=all")
    expect(page.locator("#graph-note")).to_contain_text("organisations")
    expect(page.locator("#ecosystem-graph canvas").first).to_be_visible()
    page.screenshot(path=Path(output_path) / "graph.png", full_page=True)

    # Teddy Lab Services' neighbourhood, as its organisation page would open it.
    page.goto(f"{live_server.url}/organizations/?q=Teddy")
    page.get_by_role("link", name=re.compile(r"^\s*Teddy Lab Services\b")).first.click()
    page.wait_for_url(re.compile(r"/organizations/[0-9a-f-]{36}/"))
    public_id = re.search(r"/organizations/([0-9a-f-]{36})/", page.url).group(1)
    page.goto(f"{live_server.url}/insight/graph/?center={public_id}&depth=1")
    expect(page.get_by_role("heading", name="Ecosystem graph")).to_be_visible()
    expect(page.locator("body")).to_contain_text("The neighbourhood of Teddy Lab Services")
    expect(page.locator("#graph-note")).to_contain_text("organisations")
    expect(page.locator("#ecosystem-graph canvas").first).to_be_visible()
    page.screenshot(path=Path(output_path) / "neighbourhood.png", full_page=True)

    assert errors == []


def test_the_graph_stays_usable_with_five_thousand_organisations(logged_in_page: Page, live_server, output_path):
    """5,200 generated organisations tied in pairs at the demo campus: the graph shows the 5,000 best
    connected, drawn from server-side positions, without a console error."""
    from biocampus.agreements.models import Agreement, AgreementParty
    from biocampus.campuses.models import Campus
    from biocampus.core.models import Provenance
    from biocampus.directory.models import Organization

    campus = Campus.objects.get(slug="icampus-wuxi")
    provenance = Provenance.objects.create(method="system", note="graph load test")
    organizations = Organization.objects.bulk_create(
        [Organization(name=f"Generated {i:05d}", kind="company", provenance=provenance) for i in range(5200)]
    )
    agreements = Agreement.objects.bulk_create(
        [
            Agreement(campus=campus, title=f"Generated deal {i}", type="cooperation", provenance=provenance)
            for i in range(2600)
        ]
    )
    AgreementParty.objects.bulk_create(
        [
            AgreementParty(agreement=agreements[i // 2], organization=organizations[i], provenance=provenance)
            for i in range(5200)
        ]
    )

    page = logged_in_page
    errors = _collect_errors(page)
    page.goto(f"{live_server.url}/insight/graph/?campus=icampus-wuxi&types=agreements")
    expect(page.locator("#graph-note")).to_contain_text(re.compile(r"Showing 5,?000 of 5,?\d{3} organisations"))
    expect(page.locator("#ecosystem-graph canvas").first).to_be_visible()
    page.screenshot(path=Path(output_path) / "graph-5000.png")
    # Still answers: hovering and zooming do not hang the page.
    box = page.locator("#ecosystem-graph").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    expect(page.get_by_role("heading", name="Ecosystem graph")).to_be_visible()
    assert errors == []
