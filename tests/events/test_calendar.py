"""The campus calendar: the .ics download for a signed-in user, the private feed, and the API operation."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from icalendar import Calendar

from biocampus.events.calendar import feed_token
from tests.factories import EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar_world(campus_a, campus_b, resident_org):
    ciie = EventFactory(
        campus=campus_a,
        name="third China International Import Expo",
        short_name="3rd CIIE",
        starts_on=datetime.date(2020, 11, 4),
        ends_on=datetime.date(2020, 11, 10),
        place="National Exhibition and Convention Center",
        city="Shanghai",
        country="CN",
        description="Twelve newcomers signed.",
    )
    ParticipationFactory(event=ciie, organization=resident_org)
    one_day = EventFactory(
        campus=campus_a, name="Opening ceremony", starts_on=datetime.date(2019, 9, 1), ends_on=None, city="Wuxi"
    )
    EventFactory(campus=campus_a, name="Summit, date not yet known", starts_on=None, ends_on=None)
    EventFactory(campus=campus_b, name="Chengdu forum")
    return {"ciie": ciie, "one_day": one_day}


def _entries(content: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(content)
    return {str(entry["summary"]): entry for entry in calendar.walk("VEVENT")}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_download_holds_the_campus_events_as_all_day_entries(users, calendar_world):
    response = _client(users.campus_staff).get("/campuses/campus-a/events.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="campus-a-events.ics"'
    entries = _entries(response.content)
    # Undated events have no place in a calendar; other campuses' events are not in this one.
    assert set(entries) == {"3rd CIIE · third China International Import Expo", "Opening ceremony"}
    ciie = entries["3rd CIIE · third China International Import Expo"]
    assert ciie.decoded("dtstart") == datetime.date(2020, 11, 4)
    assert ciie.decoded("dtend") == datetime.date(2020, 11, 11)  # exclusive: the day after the last
    assert str(ciie["uid"]) == f"{calendar_world['ciie'].public_id}@biocampus"
    assert str(ciie["location"]) == "National Exhibition and Convention Center, Shanghai, China"
    assert "Twelve newcomers signed." in str(ciie["description"])
    assert str(ciie["url"]) == f"http://testserver/events/{calendar_world['ciie'].public_id}/"
    one_day = entries["Opening ceremony"]
    assert one_day.decoded("dtend") - one_day.decoded("dtstart") == datetime.timedelta(days=1)


def test_a_resident_member_gets_only_the_events_it_may_read(users, calendar_world):
    response = _client(users.resident_member).get("/campuses/campus-a/events.ics")
    assert set(_entries(response.content)) == {"3rd CIIE · third China International Import Expo"}


def test_a_user_of_another_campus_gets_an_empty_calendar(users, calendar_world):
    response = _client(users.resident_b).get("/campuses/campus-a/events.ics")
    assert response.status_code == 200
    assert _entries(response.content) == {}


def test_an_unknown_campus_is_404(users, calendar_world):
    assert _client(users.campus_staff).get("/campuses/nowhere/events.ics").status_code == 404


def test_the_download_needs_a_login(calendar_world):
    response = Client().get("/campuses/campus-a/events.ics")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the private feed ----------------------------------------------------------------------------------


def test_the_feed_needs_no_session_and_shows_what_its_owner_may_read(users, campus_a, calendar_world):
    token = feed_token(users.resident_member, campus_a)
    response = Client().get(f"/events/feed/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert set(_entries(response.content)) == {"3rd CIIE · third China International Import Expo"}
    staff_feed = Client().get(f"/events/feed/{feed_token(users.campus_staff, campus_a)}.ics")
    assert len(_entries(staff_feed.content)) == 2


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxfQ:1abc:forged", ""])
def test_a_bad_token_is_404(users, calendar_world, token):
    assert Client().get(f"/events/feed/{token}.ics").status_code == 404


def test_a_token_of_another_purpose_is_refused(users, campus_a, calendar_world):
    from django.core import signing

    token = signing.dumps({"u": users.campus_staff.pk, "c": campus_a.pk, "p": "x"})  # no feed salt
    assert Client().get(f"/events/feed/{token}.ics").status_code == 404


def test_an_inactive_user_feed_is_404(users, campus_a, calendar_world):
    token = feed_token(users.campus_staff, campus_a)
    users.campus_staff.is_active = False
    users.campus_staff.save()
    assert Client().get(f"/events/feed/{token}.ics").status_code == 404


def test_changing_the_password_revokes_the_feed(users, campus_a, calendar_world):
    token = feed_token(users.campus_staff, campus_a)
    assert Client().get(f"/events/feed/{token}.ics").status_code == 200
    users.campus_staff.set_password("a new secret phrase")
    users.campus_staff.save()
    assert Client().get(f"/events/feed/{token}.ics").status_code == 404


def test_the_events_page_offers_the_subscription_link(users, campus_a, calendar_world):
    page = _client(users.campus_staff).get("/events/").content.decode()
    assert "Subscribe in your calendar app" in page
    assert f"/events/feed/{feed_token(users.campus_staff, campus_a)}.ics" in page
    assert "/campuses/campus-a/events.ics" in page


# --- the API operation -------------------------------------------------------------------------------------


def test_the_api_serves_the_calendar(users, campus_a, calendar_world):
    response = _client(users.campus_staff).get(f"/api/v1/campuses/{campus_a.public_id}/events.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(_entries(response.content)) == 2


def test_the_api_calendar_of_an_unknown_campus_is_404(users, calendar_world):
    response = _client(users.campus_staff).get("/api/v1/campuses/00000000-0000-0000-0000-000000000000/events.ics")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404
