"""One valid POST per form creates the record, sends the user to its page and records who did it;
editing through a form records a history entry with the values before and after."""

from __future__ import annotations

import pytest
from django.test import Client

from biocampus.campuses.models import Campus
from biocampus.directory.models import Organization
from tests.factories import OrganizationFactory, UserFactory
from tests.web.conftest import form_payload, text_of
from tests.web.payloads import CREATE_FORMS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", list(CREATE_FORMS))
def test_valid_post_creates_the_record_and_redirects_to_its_page(login, demo, kind):
    spec = CREATE_FORMS[kind]
    staff = demo.users.staff
    client = login("staff")
    assert client.get(spec.path).status_code == 200
    known = set(spec.model.objects.values_list("pk", flat=True))

    response = client.post(spec.path, spec.payload(demo))

    assert response.status_code == 302, text_of(response)[-3000:]
    created = spec.model.objects.exclude(pk__in=known)
    assert created.count() == 1
    record = created.get()
    assert response["Location"] == record.get_absolute_url()
    # The history says who created it, and the provenance says it was typed in by that user.
    creation = record.history.get(history_type="+")
    assert creation.history_user == staff
    assert record.provenance.entered_by == staff
    for related_name in spec.children:
        children = getattr(record, related_name).all()
        assert children.exists(), related_name
        for child in children:
            assert child.history.get(history_type="+").history_user == staff
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert spec.label in text_of(page)


def test_created_agreement_shows_its_parties_and_history(login, demo):
    client = login("staff")
    response = client.post("/agreements/new/", CREATE_FORMS["agreement"].payload(demo))
    page = text_of(client.get(response["Location"]))
    parties = page[page.index('id="parties"') :]
    assert "Teddy Lab Services" in parties and "CHIC Health" in parties
    assert "Lead party, Dr. T" in parties
    history = page[page.index('id="history"') :]
    assert "agreement created" in history
    assert "staff" in history  # the user who entered it


def test_created_funding_round_keeps_the_lead_and_upper_cases_the_currency(login, demo):
    client = login("staff")
    response = client.post("/funding/new/", CREATE_FORMS["fundinground"].payload(demo))
    assert response.status_code == 302
    funding_round = demo.org("Teddy Lab Services").funding_rounds.get()
    assert funding_round.currency == "CNY"
    assert [(i.investor.name, i.is_lead) for i in funding_round.investments.all()] == [
        ("CICC", True),
        ("Tigermed", False),
    ]


def test_created_organisation_is_found_by_its_chinese_name_and_alias(login, demo):
    client = login("staff")
    assert client.post("/organizations/new/", CREATE_FORMS["organization"].payload(demo)).status_code == 302
    for query in ("苏州基因", "SGW"):
        names = [o.name for o in client.get("/organizations/", {"q": query}).context["page"].object_list]
        assert names == ["Suzhou Gene Works"], query


def test_superuser_creates_a_campus_with_its_co_builders(demo):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    OrganizationFactory(name="Suzhou BioBay", kind="campus", country="CN", city="Suzhou")
    client = Client()
    client.force_login(root)
    assert client.get("/campuses/new/").status_code == 200
    response = client.post(
        "/campuses/new/",
        {
            "organization": "Suzhou BioBay",
            "slug": "biobay",
            "opened_on": "2007-06-01",
            "operational_on": "",
            "sister_campuses": [str(demo.campus().pk)],
            "operators-TOTAL_FORMS": "1",
            "operators-INITIAL_FORMS": "0",
            "operators-0-organization": "Wuxi Municipal Government",
            "operators-0-role": "sponsor",
        },
    )
    assert response.status_code == 302, text_of(response)[-2000:]
    campus = Campus.objects.get(slug="biobay")
    assert response["Location"] == "/campuses/biobay/"
    assert campus.history.get(history_type="+").history_user == root
    assert [(link.organization.name, link.role) for link in campus.operator_links.all()] == [
        ("Wuxi Municipal Government", "sponsor")
    ]
    assert demo.campus() in campus.sister_campuses.all()


def test_campus_admin_cannot_create_campuses(login):
    assert login("demo").get("/campuses/new/").status_code == 403


# --- Editing through the forms ------------------------------------------------------------------------

# (record, the user who edits it, field changed, new value, how the field is labelled in history)
EDITS = {
    "organization": (lambda demo: demo.org("Teddy Lab Services"), "staff", "city", "Suzhou", "city"),
    "person": (lambda demo: demo.person("Leon Wang"), "staff", "title", "Chief executive", "title"),
    "residency": (lambda demo: demo.residency("Teddy Lab Services"), "staff", "notes", "Renewed lease.", "notes"),
    "agreement": (lambda demo: demo.agreement("companion diagnostics"), "staff", "place", "Wuxi", "place"),
    "event": (lambda demo: demo.event("Import Expo"), "staff", "place", "NECC, Shanghai", "place"),
    "milestone": (lambda demo: demo.milestone("Med Lab opened"), "staff", "title", "Med Lab in Wuxi opened", "title"),
    "programme": (lambda demo: demo.programme(), "staff", "ends_on", "2021-12-31", "ends on"),
    "target": (lambda demo: demo.target(), "staff", "goal", "1200000", "goal"),
    "fundinground": (lambda demo: demo.funding_round(), "staff", "description", "Confirmed by both.", "description"),
    "campus": (lambda demo: demo.campus(), "demo", "operational_on", "2020-05-01", "fully operational"),
}


def _edit_url(record) -> str:
    return record.get_absolute_url() + "edit/"


@pytest.mark.parametrize("kind", list(EDITS))
def test_editing_records_history_with_before_and_after(login, demo, kind):
    find, username, field, new_value, label = EDITS[kind]
    record = find(demo)
    before_value = getattr(record, field)
    user = getattr(demo.users, username)
    client = login(username)
    form_page = client.get(_edit_url(record))
    assert form_page.status_code == 200
    data = form_payload(form_page)
    data[field] = new_value
    changes_before = record.history.filter(history_type="~").count()

    response = client.post(_edit_url(record), data)

    assert response.status_code == 302, text_of(response)[-3000:]
    assert response["Location"] == record.get_absolute_url()
    record.refresh_from_db()
    assert str(getattr(record, field)).replace(".00", "") == new_value
    entries = record.history.filter(history_type="~")
    assert entries.count() == changes_before + 1
    entry = entries.latest("history_date")
    assert entry.history_user == user
    delta = entry.diff_against(entry.prev_record)
    assert [change.field for change in delta.changes] == [field]
    assert str(delta.changes[0].old or "") == str(before_value or "")

    page = text_of(client.get(record.get_absolute_url()))
    shown_after = new_value
    if kind == "target":
        shown_after = "1200000.00"
    if kind == "organization":
        # An organisation's page tells its changes on the timeline.
        timeline = page[page.index('id="timeline"') :]
        assert f"{label}: — → {shown_after}" in timeline
        assert "organisation changed · staff" in timeline
    else:
        history = page[page.index('id="history"') :]
        assert label in history
        assert shown_after in history
        assert username in history


def test_edit_history_shows_the_value_before(login, demo):
    agreement = demo.agreement("companion diagnostics")
    client = login("staff")
    data = form_payload(client.get(_edit_url(agreement)))
    data["place"] = "Wuxi"
    client.post(_edit_url(agreement), data)
    history = text_of(client.get(agreement.get_absolute_url()))
    assert '<strong>place</strong>: <span class="before">Shanghai</span> → Wuxi' in history


@pytest.mark.parametrize("kind", list(EDITS))
def test_saving_an_unchanged_form_records_no_history(login, demo, db_rows, kind):
    find, username, *_rest = EDITS[kind]
    record = find(demo)
    client = login(username)
    data = form_payload(client.get(_edit_url(record)))
    before = db_rows()
    response = client.post(_edit_url(record), data)
    assert response.status_code == 302, text_of(response)[-3000:]
    assert db_rows() == before


def test_resident_edits_its_own_organisation_with_history(login, demo):
    teddy = demo.org("Teddy Lab Services")
    client = login("resident")
    data = form_payload(client.get(_edit_url(teddy)))
    data["website"] = "https://teddylab.example.cn"
    response = client.post(_edit_url(teddy), data)
    assert response.status_code == 302, text_of(response)[-3000:]
    teddy.refresh_from_db()
    assert teddy.website == "https://teddylab.example.cn"
    assert teddy.steward == demo.campus()  # the resident's form has no steward field: it stays
    entry = teddy.history.filter(history_type="~").latest("history_date")
    assert entry.history_user == demo.users.resident


def test_editing_agreement_parties_keeps_each_partys_history(login, demo):
    agreement = demo.agreement("companion diagnostics")
    client = login("staff")
    data = form_payload(client.get(_edit_url(agreement)))
    # Add CICC as a witness in the first blank row.
    blank = next(i for i in range(int(data["parties-TOTAL_FORMS"])) if not data[f"parties-{i}-organization"])
    data[f"parties-{blank}-organization"] = "CICC"
    data[f"parties-{blank}-role"] = "witness"
    response = client.post(_edit_url(agreement), data)
    assert response.status_code == 302, text_of(response)[-3000:]
    party = agreement.parties.get(organization__name="CICC")
    assert party.role == "witness"
    assert party.history.get().history_user == demo.users.staff
    history = text_of(client.get(agreement.get_absolute_url()))
    assert "agreement party: CICC (Witness) created" in history


def test_removing_a_party_through_the_form_leaves_at_least_two(login, demo, db_rows):
    agreement = demo.agreement("companion diagnostics")
    client = login("staff")
    data = form_payload(client.get(_edit_url(agreement)))
    data["parties-0-DELETE"] = "on"
    before = db_rows()
    response = client.post(_edit_url(agreement), data)
    assert response.status_code == 200
    assert "An agreement needs at least two parties." in text_of(response)
    assert db_rows() == before
    assert Organization.objects.filter(agreement_parties__agreement=agreement).count() == 2


@pytest.mark.parametrize(
    "model_path",
    [
        "directory.Organization",
        "directory.Person",
        "campuses.Campus",
        "campuses.Residency",
        "agreements.Agreement",
        "events.Event",
        "progress.Milestone",
        "progress.Programme",
        "progress.Target",
        "progress.FundingRound",
    ],
)
def test_every_demo_record_saves_back_unchanged_without_history(login, demo, db_rows, model_path):
    """The campus admin opens the edit form of every demo record and saves it as it is: each one is
    accepted, and nothing is written (an unchanged save leaves no history)."""
    from django.apps import apps

    model = apps.get_model(model_path)
    client = login("demo")
    records = list(model.objects.all())
    assert records
    before = db_rows()
    for record in records:
        url = record.get_absolute_url() + "edit/"
        form_page = client.get(url)
        assert form_page.status_code == 200, f"{record}: {form_page.status_code}"
        response = client.post(url, form_payload(form_page))
        assert response.status_code == 302, f"{record}: {text_of(response)[-3000:]}"
    assert db_rows() == before


def test_changing_sister_campuses_shows_their_names_in_the_history(login, demo):
    campus = demo.campus()
    europe = demo.campus("wuxi-europe")
    client = login("demo")
    data = form_payload(client.get(campus.get_absolute_url() + "edit/"))
    data["sister_campuses"] = [pk for pk in data["sister_campuses"] if pk != str(europe.pk)]
    response = client.post(campus.get_absolute_url() + "edit/", data)
    assert response.status_code == 302, text_of(response)[-3000:]
    assert europe not in campus.sister_campuses.all()
    history = text_of(client.get(campus.get_absolute_url()))
    history = history[history.index('id="history"') :]
    assert "sister campuses" in history
    assert "Wuxi-Europe Life Science Innovation Industrial Campus" in history
    assert "'to_campus'" not in history and "{" not in history.split("</table>")[0]


def test_changing_an_organisations_fields_shows_their_names_on_the_timeline(login, demo):
    from biocampus.directory.models import Field

    teddy = demo.org("Teddy Lab Services")
    oncology = Field.objects.get(slug="oncology")
    client = login("staff")
    data = form_payload(client.get(teddy.get_absolute_url() + "edit/"))
    data["fields"] = [*data["fields"], str(oncology.pk)]
    assert client.post(teddy.get_absolute_url() + "edit/", data).status_code == 302
    assert oncology in teddy.fields.all()
    page = text_of(client.get(teddy.get_absolute_url()))
    timeline = page[page.index('id="timeline"') :]
    change = next(line for line in timeline.split("<li") if "Oncology" in line and "change" in line)
    assert "· staff" in change
    assert "{" not in change


def test_changing_the_operators_of_a_campus_is_in_its_history(login, demo):
    campus = demo.campus()
    client = login("demo")
    data = form_payload(client.get(campus.get_absolute_url() + "edit/"))
    blank = next(i for i in range(int(data["operators-TOTAL_FORMS"])) if not data[f"operators-{i}-organization"])
    data[f"operators-{blank}-organization"] = "CICC"
    data[f"operators-{blank}-role"] = "sponsor"
    response = client.post(campus.get_absolute_url() + "edit/", data)
    assert response.status_code == 302, text_of(response)[-3000:]
    link = campus.operator_links.get(organization__name="CICC")
    assert link.role == "sponsor"
    assert link.history.get().history_user == demo.users.demo
    page = text_of(client.get(campus.get_absolute_url()))
    assert "CICC" in page[page.index('id="history"') :]
