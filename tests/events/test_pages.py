"""The pages of events: participants by role, leads (add, edit, delete, list with filters), what came of an
event, and the participations formset of the event form."""

from __future__ import annotations

import datetime
import html

import pytest
from django.test import Client

from biocampus.events.choices import LeadStatus, ParticipationRole
from biocampus.events.models import Lead, Participation
from tests.factories import AgreementFactory, EventFactory, ParticipationFactory, ShowcaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(campus_a, resident_org, partner_org):
    event = EventFactory(campus=campus_a, name="3rd CIIE", short_name="CIIE 2020")
    ParticipationFactory(event=event, organization=resident_org, role=ParticipationRole.EXHIBITOR)
    ParticipationFactory(event=event, organization=partner_org, role=ParticipationRole.ORGANISER)
    ShowcaseFactory(event=event, organization=resident_org, offering="AI pathology", booth_host=partner_org)
    return event


@pytest.fixture
def lead(event, resident_org):
    return Lead.objects.create(
        event=event,
        prospect_name="Alpine Dx",
        taken_by=resident_org,
        interest="Diagnostics",
        provenance=event.provenance,
    )


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def event_form(campus, **changes) -> dict:
    return {
        "campus": str(campus.pk),
        "name": "Wuxi Biotech Week",
        "kind": "conference",
        "starts_on": "2021-05-10",
        "ends_on": "2021-05-12",
        **formset("showcases", []),
        **changes,
    }


# --- event page ------------------------------------------------------------------------------------------


def test_event_page_groups_participants_with_organisers_first_and_links_what_came_of_it(users, event, lead):
    page = text(client_of(users.campus_staff).get(event.get_absolute_url()))
    assert page.index("Organiser") < page.index("Exhibitor")
    assert f"/events/{event.public_id}/outcomes/" in page
    assert "Alpine Dx" in page and "Add a lead" in page
    assert f"/leads/{lead.public_id}/edit/" in page


@pytest.mark.parametrize("role", ["partner", "government"])
def test_readers_see_leads_but_cannot_add_or_edit_them(users, event, lead, role):
    page = text(client_of(getattr(users, role)).get(event.get_absolute_url()))
    assert "Alpine Dx" in page
    assert "Add a lead" not in page and "/edit/" not in page


# --- what came of it -------------------------------------------------------------------------------------


def test_outcomes_page_shows_numbers_and_lists(users, event, lead, campus_a, resident_org, partner_org):
    AgreementFactory(campus=campus_a, signed_at=event, parties=[resident_org, partner_org], title="Companion Dx deal")
    response = client_of(users.campus_admin).get(f"/events/{event.public_id}/outcomes/")
    assert response.status_code == 200
    page = text(response)
    assert "What came of CIIE 2020" in page
    assert "Companion Dx deal" in page and "Pharma Partner" in page
    assert "AI pathology" in page and "Alpine Dx" in page
    outcomes = response.context["outcomes"]
    assert (outcomes.agreement_count, outcomes.showcase_count, outcomes.lead_count) == (1, 1, 1)


def test_outcomes_page_of_an_event_of_another_campus_is_404(users, event):
    assert client_of(users.resident_b).get(f"/events/{event.public_id}/outcomes/").status_code == 404


# --- leads: add, edit, delete ------------------------------------------------------------------------------


def test_staff_add_a_lead_from_the_event_page(users, event, resident_org):
    client = client_of(users.campus_staff)
    assert client.get(f"/events/{event.public_id}/leads/new/").status_code == 200
    response = client.post(
        f"/events/{event.public_id}/leads/new/",
        {
            "organization": "",
            "prospect_name": "Nordic Breath",
            "taken_by": "Teddy Lab",
            "contact_name": "Erik",
            "contact_email": "erik@nordic.example",
            "interest": "Screening devices",
            "status": "contacted",
            "follow_up_on": "2020-12-01",
        },
    )
    lead = Lead.objects.get(prospect_name="Nordic Breath")
    assert response.status_code == 302 and response["Location"] == lead.get_absolute_url()
    assert (lead.event, lead.taken_by, lead.status) == (event, resident_org, LeadStatus.CONTACTED)
    assert lead.history.get().history_user == users.campus_staff
    detail = text(client.get(lead.get_absolute_url()))
    assert "Nordic Breath" in detail and 'id="history"' in detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"prospect_name": ""}, "A lead needs a prospect: an organisation of the directory or a name."),
        ({"prospect_name": "Nul\x00 Bio"}, "Null characters are not allowed."),
        ({"prospect_name": "Alpine", "contact_email": "not-an-address"}, "Enter a valid email address."),
        ({"prospect_name": "Alpine", "taken_by": "Nowhere Biotech"}, "No organisation called “Nowhere Biotech”"),
        ({"prospect_name": "Alpine", "follow_up_on": "2020-13-45"}, "Enter a valid date."),
    ],
)
def test_bad_lead_input_shows_a_message_and_saves_nothing(users, event, data, message):
    response = client_of(users.campus_staff).post(f"/events/{event.public_id}/leads/new/", {"status": "new", **data})
    assert response.status_code == 200
    assert message in text(response)
    assert not Lead.objects.exists()


@pytest.mark.parametrize("role", ["resident_member", "partner", "government"])
def test_others_may_not_open_the_lead_form(users, event, role):
    assert client_of(getattr(users, role)).get(f"/events/{event.public_id}/leads/new/").status_code == 403


def test_another_campus_does_not_find_the_event_to_add_a_lead(users, event):
    assert client_of(users.resident_b).get(f"/events/{event.public_id}/leads/new/").status_code == 404


def test_staff_edit_a_lead_and_history_shows_before_and_after(users, lead):
    client = client_of(users.campus_staff)
    form = client.get(f"/leads/{lead.public_id}/edit/")
    assert form.status_code == 200
    response = client.post(
        f"/leads/{lead.public_id}/edit/",
        {"prospect_name": "Alpine Dx", "taken_by": "Teddy Lab", "status": "in_talks", "interest": "Diagnostics"},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == LeadStatus.IN_TALKS
    page = text(client.get(lead.get_absolute_url()))
    assert "In talks" in page and "New" in page


@pytest.mark.parametrize(("role", "status"), [("resident_member", 403), ("partner", 403), ("resident_b", 404)])
def test_others_may_not_edit_a_lead(users, lead, role, status):
    response = client_of(getattr(users, role)).post(f"/leads/{lead.public_id}/edit/", {"prospect_name": "Changed"})
    assert response.status_code == status
    lead.refresh_from_db()
    assert lead.prospect_name == "Alpine Dx"


def test_staff_delete_a_lead(users, lead, event):
    response = client_of(users.campus_admin).post(f"/leads/{lead.public_id}/delete/")
    assert response.status_code == 302 and response["Location"] == f"{event.get_absolute_url()}#leads"
    assert not Lead.objects.exists()


def test_a_resident_member_may_not_delete_the_lead_of_its_booth(users, lead):
    assert client_of(users.resident_member).post(f"/leads/{lead.public_id}/delete/").status_code == 403
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_a_resident_member_reads_the_lead_of_its_booth(users, lead):
    response = client_of(users.resident_member).get(lead.get_absolute_url())
    assert response.status_code == 200
    assert "Edit" not in text(response)


# --- leads list ------------------------------------------------------------------------------------------


def test_lead_list_filters_by_event_status_and_follow_up_due(users, event, lead, campus_a):
    other = EventFactory(campus=campus_a, name="Wuxi summit")
    Lead.objects.create(
        event=other,
        prospect_name="Due Bio",
        status=LeadStatus.CONTACTED,
        follow_up_on=datetime.date(2020, 1, 1),
        provenance=other.provenance,
    )
    client = client_of(users.campus_staff)

    def names(query: str) -> set[str]:
        response = client.get(f"/leads/{query}")
        assert response.status_code == 200
        return {str(lead) for lead in response.context["object_list"]}

    assert names("") == {"Alpine Dx", "Due Bio"}
    assert names(f"?event={event.public_id}") == {"Alpine Dx"}
    assert names("?status=contacted") == {"Due Bio"}
    assert names("?due=1") == {"Due Bio"}
    assert names("?q=alpine") == {"Alpine Dx"}
    assert client.get("/leads/?event=not-a-uuid").status_code == 404


def test_lead_list_of_another_campus_is_empty(users, lead):
    response = client_of(users.resident_b).get("/leads/")
    assert list(response.context["object_list"]) == []


# --- the participations formset ---------------------------------------------------------------------------


def test_event_form_creates_participations(users, campus_a):
    data = event_form(
        campus_a,
        **formset(
            "participations",
            [{"organization": "Teddy Lab", "role": "speaker"}, {"organization": "Pharma Partner", "role": "organiser"}],
        ),
    )
    response = client_of(users.campus_staff).post("/events/new/", data)
    assert response.status_code == 302
    assert set(Participation.objects.values_list("organization__name", "role")) == {
        ("Teddy Lab", "speaker"),
        ("Pharma Partner", "organiser"),
    }


def test_event_form_edit_replaces_participations(users, event):
    data = event_form(
        event.campus,
        name="3rd CIIE",
        **formset(
            "showcases", [{"organization": "Teddy Lab", "offering": "AI pathology", "booth_host": "Pharma Partner"}]
        ),
        **formset(
            "participations",
            [
                {"organization": "Teddy Lab", "role": "exhibitor"},
                {"organization": "Pharma Partner", "role": "organiser", "DELETE": "on"},
            ],
            initial=2,
        ),
    )
    response = client_of(users.campus_staff).post(f"/events/{event.public_id}/edit/", data)
    assert response.status_code == 302
    assert list(event.participations.values_list("organization__name", "role")) == [("Teddy Lab", "exhibitor")]
    history = text(client_of(users.campus_staff).get(event.get_absolute_url()))
    assert "participation" in history


def test_event_form_without_the_participations_block_leaves_them_alone(users, event):
    data = event_form(
        event.campus,
        name="3rd CIIE renamed",
        **formset(
            "showcases", [{"organization": "Teddy Lab", "offering": "AI pathology", "booth_host": "Pharma Partner"}]
        ),
    )
    response = client_of(users.campus_staff).post(f"/events/{event.public_id}/edit/", data)
    assert response.status_code == 302
    assert event.participations.count() == 2


def test_event_form_refuses_a_duplicate_participation_and_saves_nothing(users, campus_a):
    data = event_form(
        campus_a,
        **formset("participations", [{"organization": "Teddy Lab", "role": "speaker"}] * 2),
    )
    response = client_of(users.campus_staff).post("/events/new/", data)
    assert response.status_code == 200
    assert "An organisation is listed twice in the same role; keep it once." in text(response)
    assert not Participation.objects.exists()


def test_event_form_refuses_an_unknown_participant(users, campus_a):
    data = event_form(campus_a, **formset("participations", [{"organization": "Nowhere Biotech", "role": "speaker"}]))
    response = client_of(users.campus_staff).post("/events/new/", data)
    assert response.status_code == 200
    assert "No organisation called “Nowhere Biotech”" in text(response)
    assert not Participation.objects.exists()
