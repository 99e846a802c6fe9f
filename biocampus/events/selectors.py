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
    """An event with what came of it: only the agreements, signings and milestones the user may read."""
    from biocampus.agreements.models import Agreement
    from biocampus.campuses.models import Residency
    from biocampus.progress.models import Milestone

    return events_for(user).prefetch_related(
        Prefetch("showcases", queryset=Showcase.objects.select_related("organization", "booth_host")),
        Prefetch("participations", queryset=Participation.objects.select_related("organization")),
        Prefetch(
            "agreements_signed",
            queryset=visible(Agreement.objects.all(), user).prefetch_related("parties__organization"),
        ),
        Prefetch("residencies_signed", queryset=visible(Residency.objects.select_related("organization"), user)),
        Prefetch("milestones", queryset=visible(Milestone.objects.select_related("organization"), user)),
    )
