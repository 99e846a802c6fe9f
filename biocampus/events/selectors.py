from django.db.models import Prefetch, QuerySet

from biocampus.accounts.permissions import visible

from .models import Event, Participation, Showcase


def events_for(user, *, campus=None, q: str = "") -> QuerySet[Event]:
    events = visible(Event.objects.select_related("campus__organization"), user)
    if campus is not None:
        events = events.filter(campus=campus)
    for term in q.split():
        events = events.filter(name__icontains=term) | events.filter(short_name__icontains=term)
    return events


def event_detail_for(user) -> QuerySet[Event]:
    return events_for(user).prefetch_related(
        Prefetch("showcases", queryset=Showcase.objects.select_related("organization", "booth_host")),
        Prefetch("participations", queryset=Participation.objects.select_related("organization")),
        "agreements_signed__parties__organization",
        "residencies_signed__organization",
        "milestones__organization",
    )
