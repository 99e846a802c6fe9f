"""Record pages on the demo campus: the organisation timeline, the agreement page with its parties and
history, and text from the records shown escaped."""

from __future__ import annotations

import html
import re

import pytest

from tests.web.conftest import form_payload, text_of

pytestmark = pytest.mark.django_db


def _section(page: str, section_id: str) -> str:
    start = page.index(f'id="{section_id}"')
    end = page.find("</section>", start)
    return page[start : end if end != -1 else None]


def _timeline_items(page: str) -> list[tuple[str, str]]:
    """(kind, text) of each timeline entry, in the order shown."""
    timeline = _section(page, "timeline")
    return [
        (kind, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip())
        for kind, body in re.findall(r'<li class="(\w+)">(.*?)</li>', timeline, flags=re.S)
    ]


def test_organisation_page_shows_its_whole_life_on_one_timeline(login, demo):
    teddy = demo.org("Teddy Lab Services")
    page = text_of(login("staff").get(teddy.get_absolute_url()))
    items = _timeline_items(page)
    kinds = {kind for kind, _text in items}
    assert {"residency", "agreement", "event", "milestone", "funding", "change"} <= kinds
    texts = " | ".join(text for _kind, text in items)
    assert "Moved into Wuxi International Life Science Innovation Campus" in texts
    assert "third China International Import Expo" in texts
    assert "showed: Companion diagnostics testing services" in texts
    assert "Wuxi Teddy Lab Services Med Lab opened" in texts
    assert "Qualified medical testing laboratory" in texts
    assert "CHIC Health · Undisclosed · USD" in texts  # the round it invested in
    assert "organisation created" in texts


def test_teddy_lab_page_lists_the_companion_diagnostics_agreement_with_astrazeneca(login, demo):
    teddy = demo.org("Teddy Lab Services")
    agreement = demo.agreement("companion diagnostics")
    for role in ("staff", "resident", "partner", "gov"):
        page = text_of(login(role).get(teddy.get_absolute_url()))
        timeline = _section(page, "timeline")
        assert f'<a href="{agreement.get_absolute_url()}">{agreement.title}</a>' in timeline, role
        assert "Joint development with AstraZeneca" in timeline, role


def test_timeline_is_newest_first_with_undated_items_last(login, demo):
    page = text_of(login("staff").get(demo.org("Teddy Lab Services").get_absolute_url()))
    dates = re.findall(r'<span class="when">([^<]+)</span>', _section(page, "timeline"))
    dated = [d for d in dates if d[0].isdigit()]
    assert dated == sorted(dated, reverse=True)
    assert dates[: len(dated)] == dated  # "date unknown" only after every dated item
    assert "2020-08" in dated  # month precision is shown as a month
    assert "2020-11-06" in dated


def test_organisation_page_lists_its_residencies(login, demo):
    teddy = demo.org("Teddy Lab Services")
    residency = demo.residency("Teddy Lab Services")
    page = login("gov").get(teddy.get_absolute_url()).content.decode()
    assert f'<a href="{residency.get_absolute_url()}">Wuxi International Life Science Innovation Campus</a>' in page


def test_timeline_shows_an_edit_with_who_and_what(login, demo):
    teddy = demo.org("Teddy Lab Services")
    client = login("staff")
    data = form_payload(client.get(teddy.get_absolute_url() + "edit/"))
    data["city"] = "Wuxi"
    assert client.post(teddy.get_absolute_url() + "edit/", data).status_code == 302
    items = _timeline_items(text_of(client.get(teddy.get_absolute_url())))
    edits = [text for kind, text in items if kind == "change" and "organisation changed · staff" in text]
    assert len(edits) == 1
    assert "city: — → Wuxi" in edits[0]


def test_agreement_page_shows_parties_and_history(login, demo):
    agreement = demo.agreement("companion diagnostics")
    page = login("partner").get(agreement.get_absolute_url()).content.decode()
    parties = page[page.index('id="parties"') :]
    parties = parties[: parties.index("</article>")]
    for name in ("Teddy Lab Services", "AstraZeneca"):
        organization = demo.org(name)
        assert f'<a href="{organization.get_absolute_url()}">{name}</a>' in parties
    assert "阿斯利康" in parties
    history = _section(page, "history")
    entries = re.findall(r'<tr class="history-entry">', history)
    assert len(entries) >= 1
    assert "agreement created" in history
    assert "agreement party: Teddy Lab Services (Party) created" in html.unescape(history)


def test_agreement_page_links_the_event_it_was_signed_at(login, demo):
    agreement = demo.agreement("companion diagnostics")
    event = demo.event("Import Expo")
    page = login("staff").get(agreement.get_absolute_url()).content.decode()
    assert f'<a href="{event.get_absolute_url()}">3rd CIIE</a>' in page


@pytest.mark.parametrize(
    ("find", "expected"),
    [
        (lambda d: d.event("Import Expo"), ["Companion diagnostics testing services", "AstraZeneca"]),
        (lambda d: d.residency("Teddy Lab Services"), ["Teddy Lab Services", "April 1, 2020"]),
        (lambda d: d.milestone("Med Lab opened"), ["Wuxi Teddy Lab Services Med Lab opened"]),
        (lambda d: d.programme(), ["One million people screening programme", "Zhenfu", "Shenzhi"]),
        (lambda d: d.target(), ["people screened"]),
        (lambda d: d.funding_round(), ["CHIC Health", "Teddy Lab Services"]),
        (lambda d: d.person("Leon Wang"), ["Leon Wang", "王磊"]),
        (lambda d: d.campus(), ["Wuxi International Life Science Innovation Campus", "Teddy Lab Services"]),
    ],
    ids=["event", "residency", "milestone", "programme", "target", "funding", "person", "campus"],
)
def test_record_pages_show_their_record(login, demo, find, expected):
    record = find(demo)
    response = login("staff").get(record.get_absolute_url())
    assert response.status_code == 200
    page = text_of(response)
    for text in expected:
        assert text in page, text


@pytest.mark.parametrize(
    "path",
    [
        "/organizations/00000000-0000-0000-0000-000000000000/",
        "/agreements/00000000-0000-0000-0000-000000000000/",
        "/agreements/00000000-0000-0000-0000-000000000000/edit/",
        "/campuses/no-such-campus/",
        "/campuses/no-such-campus/edit/",
    ],
)
def test_unknown_records_are_404(login, path):
    assert login("demo").get(path).status_code == 404


# --- HTML in the records is text, never markup ---------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_html_in_an_organisation_name_is_shown_escaped_everywhere(login, demo):
    client = login("staff")
    data = {
        "name": SCRIPT,
        "name_zh": "",
        "aliases": '"><img src=x onerror=alert(2)>',
        "kind": "company",
        "country": "CN",
        "city": "",
        "website": "",
        "founded_year": "",
        "parent": "",
        "steward": str(demo.campus().pk),
        "description": "<b>bold</b>",
    }
    response = client.post("/organizations/new/", data)
    assert response.status_code == 302, text_of(response)[-2000:]
    pages = {
        "detail": client.get(response["Location"]),
        "directory": client.get("/organizations/", {"q": "script"}),
        "partial": client.get("/organizations/", {"q": "script"}, headers={"HX-Request": "true"}),
        "suggest": client.get("/organizations/suggest/", {"q": "script"}),
        "edit": client.get(response["Location"] + "edit/"),
    }
    for name, page in pages.items():
        body = page.content.decode()
        assert page.status_code == 200, name
        assert SCRIPT not in body, name
        assert "<img src=x" not in body, name
        if name != "suggest":
            assert ESCAPED in body, name
    assert "<b>bold</b>" not in pages["detail"].content.decode()


def test_html_in_a_milestone_title_is_escaped_on_the_timeline(login, demo):
    client = login("staff")
    data = {
        "campus": str(demo.campus().pk),
        "organization": "Teddy Lab Services",
        "kind": "other",
        "title": SCRIPT,
        "occurred_on": "2021-01-01",
        "date_precision": "day",
        "value": "",
        "unit": "",
        "event": "",
        "description": "",
    }
    assert client.post("/milestones/new/", data).status_code == 302
    for path in (demo.org("Teddy Lab Services").get_absolute_url(), "/milestones/"):
        body = client.get(path).content.decode()
        assert SCRIPT not in body, path
        assert ESCAPED in body, path
