"""Each demo login through the pages: what it may open, what it is refused (403) and what it cannot see (404).

The demo logins: `demo` is campus admin of the three campuses, `staff` is campus staff of I·Campus Wuxi,
`resident` a resident member for Teddy Lab Services, `partner` a partner viewer for AstraZeneca and
`gov` a government viewer, all at I·Campus Wuxi.
"""

from __future__ import annotations

import pytest

from tests.web.conftest import text_of

pytestmark = pytest.mark.django_db

EDITORS = ["demo", "staff"]
READ_ONLY = ["partner", "gov"]
ALL_ROLES = ["demo", "staff", "resident", "partner", "gov"]

CREATE_PAGES = [
    "/organizations/new/",
    "/people/new/",
    "/residencies/new/",
    "/agreements/new/",
    "/events/new/",
    "/milestones/new/",
    "/programmes/new/",
    "/targets/new/",
    "/funding/new/",
]
LIST_PAGES = [
    "/",
    "/organizations/",
    "/people/",
    "/campuses/",
    "/residencies/",
    "/agreements/",
    "/events/",
    "/milestones/",
    "/programmes/",
    "/targets/",
    "/funding/",
]
COMPANION = "companion diagnostics"  # Teddy Lab Services and AstraZeneca, signed at the 3rd CIIE
MDT = "online tumour MDT platform"  # Sanomics and Tencent: no business of Teddy Lab Services


def _records(demo) -> dict:
    """One record of each kind at I·Campus Wuxi (or stewarded by it)."""
    return {
        "organization": demo.org("AstraZeneca"),
        "person": demo.person("Leon Wang"),
        "residency": demo.residency("Teddy Lab Services"),
        "agreement": demo.agreement(COMPANION),
        "event": demo.event("third China International Import Expo"),
        "milestone": demo.milestone("Med Lab opened"),
        "programme": demo.programme(),
        "target": demo.target(),
        "fundinground": demo.funding_round(),
    }


RECORD_KINDS = [
    "organization",
    "person",
    "residency",
    "agreement",
    "event",
    "milestone",
    "programme",
    "target",
    "fundinground",
]


def _detail(demo, kind) -> str:
    return _records(demo)[kind].get_absolute_url()


def _edit(demo, kind) -> str:
    return _detail(demo, kind) + "edit/"


# --- Everyone reads ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", LIST_PAGES)
def test_every_role_reads_the_list_pages(login, role, path):
    response = login(role).get(path)
    assert response.status_code == 200
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("role", EDITORS + READ_ONLY)
@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_campus_wide_readers_open_every_detail_page(login, demo, role, kind):
    assert login(role).get(_detail(demo, kind)).status_code == 200


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_opens_the_campus_page(login, role):
    assert login(role).get("/campuses/icampus-wuxi/").status_code == 200


# --- Editors: campus admin and staff --------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
@pytest.mark.parametrize("path", CREATE_PAGES)
def test_editors_open_every_create_form(login, role, path):
    response = login(role).get(path)
    assert response.status_code == 200
    assert '<form method="post"' in response.content.decode()


@pytest.mark.parametrize("role", EDITORS)
@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_editors_open_the_edit_pages_of_their_campus_records(login, demo, role, kind):
    response = login(role).get(_edit(demo, kind))
    assert response.status_code == 200
    assert '<form method="post"' in response.content.decode()


@pytest.mark.parametrize("role", EDITORS)
@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_editors_see_the_edit_button(login, demo, role, kind):
    page = login(role).get(_detail(demo, kind)).content.decode()
    assert f'href="{_edit(demo, kind)}"' in page


@pytest.mark.parametrize("role", EDITORS)
def test_only_superusers_open_the_campus_create_form(login, role):
    assert login(role).get("/campuses/new/").status_code == 403


def test_campus_admin_edits_the_campus_but_staff_does_not(login):
    assert login("demo").get("/campuses/icampus-wuxi/edit/").status_code == 200
    assert login("staff").get("/campuses/icampus-wuxi/edit/").status_code == 403
    assert 'href="/campuses/icampus-wuxi/edit/"' in login("demo").get("/campuses/icampus-wuxi/").content.decode()
    assert 'href="/campuses/icampus-wuxi/edit/"' not in login("staff").get("/campuses/icampus-wuxi/").content.decode()


def test_staff_of_one_campus_neither_sees_nor_edits_records_of_another(login, demo):
    """Staff works at I·Campus Wuxi; the Shenzhi milestone belongs to the Hangzhou campus, where staff has no role."""
    from biocampus.progress.models import Milestone

    shenzhi_milestone = Milestone.objects.get(campus__slug="icampus-hangzhou", organization__name="Shenzhi")
    assert login("staff").get(shenzhi_milestone.get_absolute_url()).status_code == 404
    assert login("staff").get(shenzhi_milestone.get_absolute_url() + "edit/").status_code == 404
    assert login("demo").get(shenzhi_milestone.get_absolute_url() + "edit/").status_code == 200


# --- The resident member ---------------------------------------------------------------------------------


def test_resident_edits_its_own_organisation(login, demo):
    teddy = demo.org("Teddy Lab Services")
    client = login("resident")
    page = client.get(teddy.get_absolute_url()).content.decode()
    assert f'href="{teddy.get_absolute_url()}edit/"' in page
    response = client.get(teddy.get_absolute_url() + "edit/")
    assert response.status_code == 200
    assert 'name="steward"' not in response.content.decode()  # which campus looks after it is not its call


@pytest.mark.parametrize("name", ["AstraZeneca", "Sanomics", "Wuxi Teddy Lab Services Med Lab"])
def test_resident_gets_403_on_another_organisations_edit_page(login, demo, name):
    other = demo.org(name)
    client = login("resident")
    assert client.get(other.get_absolute_url() + "edit/").status_code == 403
    assert f'href="{other.get_absolute_url()}edit/"' not in client.get(other.get_absolute_url()).content.decode()


def test_resident_post_to_another_organisations_edit_page_changes_nothing(login, demo, db_rows):
    astrazeneca = demo.org("AstraZeneca")
    before = db_rows()
    response = login("resident").post(astrazeneca.get_absolute_url() + "edit/", {"name": "Hijacked", "kind": "pharma"})
    assert response.status_code == 403
    assert db_rows() == before
    astrazeneca.refresh_from_db()
    assert astrazeneca.name == "AstraZeneca"


@pytest.mark.parametrize("path", [*(p for p in CREATE_PAGES if p != "/people/new/"), "/campuses/new/"])
def test_resident_gets_403_on_create_forms(login, path):
    assert login("resident").get(path).status_code == 403


def test_resident_adds_a_person_to_its_own_organisation(login, demo):
    client = login("resident")
    assert client.get("/people/new/").status_code == 200
    response = client.post("/people/new/", {"name": "Lab Manager Li", "organization": "Teddy Lab Services"})
    assert response.status_code == 302
    person = demo.person("Lab Manager Li")
    assert person.organization == demo.org("Teddy Lab Services")
    assert person.history.get().history_user == demo.users.resident


@pytest.mark.parametrize("organization", ["", "AstraZeneca"])
def test_resident_cannot_add_free_floating_people_or_people_of_other_organisations(login, db_rows, organization):
    before = db_rows()
    response = login("resident").post("/people/new/", {"name": "Someone Else", "organization": organization})
    assert response.status_code == 403
    assert db_rows() == before


def test_resident_edits_the_people_of_its_own_organisation_only(login, demo):
    from tests.factories import PersonFactory

    own = PersonFactory(name="Lab Manager Li", organization=demo.org("Teddy Lab Services"))
    client = login("resident")
    assert client.get(own.get_absolute_url() + "edit/").status_code == 200
    assert client.get(demo.person("Leon Wang").get_absolute_url() + "edit/").status_code == 403


@pytest.mark.parametrize("kind", ["residency", "agreement", "event", "milestone", "fundinground"])
def test_resident_reads_but_cannot_edit_the_campus_records_of_its_organisation(login, demo, kind):
    """These records involve Teddy Lab Services: the resident reads them, only the campus team edits them."""
    client = login("resident")
    assert client.get(_detail(demo, kind)).status_code == 200
    assert client.get(_edit(demo, kind)).status_code == 403
    assert f'href="{_edit(demo, kind)}"' not in client.get(_detail(demo, kind)).content.decode()


def test_resident_gets_403_on_the_campus_edit_page(login):
    assert login("resident").get("/campuses/icampus-wuxi/edit/").status_code == 403


def test_other_residents_agreement_is_404_for_the_resident_and_readable_by_campus_wide_roles(login, demo):
    mdt = demo.agreement(MDT)
    assert login("resident").get(mdt.get_absolute_url()).status_code == 404
    assert login("resident").get(mdt.get_absolute_url() + "edit/").status_code == 404
    for role in ("partner", "gov", "staff", "demo"):
        assert login(role).get(mdt.get_absolute_url()).status_code == 200, role


def test_agreement_list_of_the_resident_shows_only_its_own_agreements(login):
    resident_list = text_of(login("resident").get("/agreements/"))
    assert COMPANION in resident_list
    assert MDT not in resident_list
    assert "screening services for one million people" not in resident_list
    assert MDT in text_of(login("partner").get("/agreements/"))


def test_other_residents_milestones_are_hidden_from_the_resident(login, demo):
    chic = demo.milestone("470 hospitals")
    teddy = demo.milestone("Med Lab opened")
    client = login("resident")
    assert client.get(chic.get_absolute_url()).status_code == 404
    assert client.get(teddy.get_absolute_url()).status_code == 200
    listing = text_of(client.get("/milestones/"))
    assert "Med Lab opened" in listing
    assert "470 hospitals" not in listing
    assert "470 hospitals" in text_of(login("gov").get("/milestones/"))


@pytest.mark.parametrize(
    "record",
    [
        lambda demo: demo.residency("Sanomics"),
        lambda demo: demo.event("Summit"),
        lambda demo: demo.programme(),
        lambda demo: demo.target(),
        lambda demo: demo.agreement("Co-building of I·Campus"),
    ],
    ids=["residency", "event", "programme", "target", "agreement"],
)
def test_records_not_involving_the_residents_organisation_are_404(login, demo, record):
    url = record(demo).get_absolute_url()
    assert login("resident").get(url).status_code == 404
    assert login("partner").get(url).status_code == 200


def test_resident_sees_other_residents_agreements_neither_on_their_organisation_pages(login, demo):
    """The registry is shared, but Sanomics' timeline must not leak its agreement with Tencent."""
    sanomics = demo.org("Sanomics").get_absolute_url()
    resident_page = login("resident").get(sanomics)
    assert resident_page.status_code == 200
    assert MDT not in text_of(resident_page)
    assert MDT in text_of(login("partner").get(sanomics))


# --- Partner and government viewers: read everything, change nothing ---------------------------------


@pytest.mark.parametrize("role", READ_ONLY)
@pytest.mark.parametrize("path", [*CREATE_PAGES, "/campuses/new/"])
def test_read_only_roles_get_403_on_every_create_form(login, role, path):
    assert login(role).get(path).status_code == 403


@pytest.mark.parametrize("role", READ_ONLY)
@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_read_only_roles_get_403_on_every_edit_page(login, demo, role, kind):
    client = login(role)
    assert client.get(_edit(demo, kind)).status_code == 403
    assert f'href="{_edit(demo, kind)}"' not in client.get(_detail(demo, kind)).content.decode()


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_get_403_on_the_campus_edit_page(login, role):
    assert login(role).get("/campuses/icampus-wuxi/edit/").status_code == 403


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_see_no_add_buttons(login, role):
    for path in ("/organizations/", "/agreements/", "/events/", "/milestones/"):
        page = login(role).get(path).content.decode()
        assert f'href="{path}new/"' not in page, path


@pytest.mark.parametrize("role", READ_ONLY)
@pytest.mark.parametrize("path", ["/agreements/new/", "/organizations/new/", "/people/new/", "/events/new/"])
def test_read_only_roles_posting_a_create_form_write_nothing(login, demo, db_rows, role, path):
    campus = demo.campus()
    data = {"campus": campus.pk, "name": "Viewer Bio", "title": "Viewer deal", "kind": "company", "type": "other"}
    before = db_rows()
    assert login(role).post(path, data).status_code == 403
    assert db_rows() == before


# --- Related records listed on a page follow the same rules as their own pages -------------------------

SCREENING = "Zhenfu–Shenzhi agreement on screening services for one million people"


def test_event_page_shows_the_resident_its_own_part_of_the_event(login, demo):
    page = text_of(login("resident").get(demo.event("Import Expo").get_absolute_url()))
    assert "Companion diagnostics testing services" in page
    assert "Cooperation agreement on the joint development and commercialisation of companion diagnostics" in page


def test_event_page_hides_other_residents_agreements_residencies_and_milestones_from_the_resident(login, demo):
    screening = demo.agreement("screening services for one million")
    client = login("resident")
    assert client.get(screening.get_absolute_url()).status_code == 404
    page = text_of(client.get(demo.event("Import Expo").get_absolute_url()))
    assert SCREENING not in page
    signed_here = page[page.index('id="residents-signed"') :]
    signed_here = signed_here[: signed_here.index("</article>")]
    assert "LinkDoc" not in signed_here
    assert "12 new companies signed at the 3rd CIIE" not in page


@pytest.mark.parametrize("role", READ_ONLY)
def test_event_page_hides_milestones_of_other_campuses_from_campus_viewers(login, demo, role):
    from biocampus.progress.models import Milestone

    elsewhere = Milestone.objects.get(campus__slug="icampus-hangzhou")
    client = login(role)
    assert client.get(elsewhere.get_absolute_url()).status_code == 404
    page = client.get(demo.event("Import Expo").get_absolute_url()).content.decode()
    assert elsewhere.get_absolute_url() not in page
