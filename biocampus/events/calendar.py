"""A campus's events as iCalendar (RFC 5545), and the private feed links calendar apps poll.

A feed link carries a signed token (django.core.signing) naming the user and the campus, so a calendar
app can fetch it without a session. The token also carries a fingerprint of the user's password hash:
changing the password revokes every feed link the user has handed out. The feed shows exactly what the
user may read (the same selector as the pages), and nothing once the user is inactive.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import salted_hmac
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Event

FEED_SALT = "biocampus.events.calendar-feed"
PRODID = "-//BioCampus//Campus events//EN"


def _password_fingerprint(user) -> str:
    return salted_hmac(FEED_SALT, user.password or "").hexdigest()[:16]


def feed_token(user, campus) -> str:
    """The private token of `user`'s feed of `campus`'s events."""
    return signing.dumps({"u": user.pk, "c": campus.pk, "p": _password_fingerprint(user)}, salt=FEED_SALT)


def feed_owner(token: str):
    """(user, campus id) of a feed token, or None for a forged or revoked token or an inactive user."""
    try:
        data = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not {"u", "c", "p"} <= data.keys():
        return None
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None or data["p"] != _password_fingerprint(user):
        return None
    return user, data["c"]


def _location(event: Event) -> str:
    country = event.country.name if event.country else ""
    parts = [event.place, event.city if event.city != event.place else "", str(country)]
    return ", ".join(part for part in parts if part)


def _description(event: Event) -> str:
    lines = [event.name_zh, event.get_kind_display(), event.description]
    return "\n\n".join(str(line) for line in lines if line)


def events_calendar(events: Iterable[Event], *, name: str, url_of: Callable[[Event], str]) -> bytes:
    """An iCalendar of all-day entries, one per dated event: DTEND is the day after the last day
    (exclusive, as RFC 5545 has it), the UID is the event's public id, so updates replace entries."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        if event.starts_on is None:
            continue
        entry = CalendarEvent()
        entry.add("uid", f"{event.public_id}@biocampus")
        entry.add("dtstamp", event.updated_at)
        entry.add("last-modified", event.updated_at)
        entry.add("dtstart", event.starts_on)
        entry.add("dtend", (event.ends_on or event.starts_on) + datetime.timedelta(days=1))
        entry.add("summary", f"{event.short_name} · {event.name}" if event.short_name else event.name)
        location = _location(event)
        if location:
            entry.add("location", location)
        description = _description(event)
        if description:
            entry.add("description", description)
        entry.add("url", url_of(event))
        calendar.add_component(entry)
    return calendar.to_ical()
