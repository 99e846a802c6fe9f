from django.db.models import Prefetch, QuerySet

from biocampus.accounts.permissions import visible
from biocampus.directory.search import search_records

from .models import Event, Participation, Showcase


def events_for(user, *, campus=None, q: str = "") -> QuerySet[Event]:
    events = visible(Event.objects.select_related("campus__organization"), user)
    if campus is not None:
        events = events.filter(campus=campus)
    return search_records(events, q, ("name", "name_zh", "short_name", "city"))


def event_detail_for(user) -> QuerySet[Event]:
    return events_for(user).prefetch_related(
        Prefetch("showcases", queryset=Showcase.objects.select_related("organization", "booth_host")),
        Prefetch("participations", queryset=Participation.objects.select_related("organization")),
        "agreements_signed__parties__organization",
        "residencies_signed__organization",
        "milestones__organization",
    )
