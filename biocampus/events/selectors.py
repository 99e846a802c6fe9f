"""Reads of events, their participants, showcases and leads, and what came of an event; each scoped to what
the user may read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from biocampus.accounts.permissions import editable, visible
from biocampus.directory.search import search_records

from .choices import OPEN_LEAD_STATUSES, LeadStatus, ParticipationRole
from .models import Event, Lead, Participation, Showcase


def events_for(user, *, campus=None, q: str = "") -> QuerySet[Event]:
    events = visible(Event.objects.select_related("campus__organization"), user)
    if campus is not None:
        events = events.filter(campus=campus)
    return search_records(events, q, ("name", "name_zh", "short_name", "city"))


def calendar_events_for(user, campus) -> QuerySet[Event]:
    """The campus's events the user may read that have a date (a calendar entry needs a first day)."""
    return events_for(user, campus=campus).filter(starts_on__isnull=False).order_by("starts_on", "name")


def event_detail_for(user) -> QuerySet[Event]:
    """An event with what came of it: only the agreements, signings, milestones and leads the user may read."""
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
        Prefetch(
            "residencies_signed",
            queryset=visible(Residency.objects.select_related("organization", "campus__organization"), user),
        ),
        Prefetch("milestones", queryset=visible(Milestone.objects.select_related("organization"), user)),
    )


def participants_by_role(event: Event) -> list[tuple[str, list[Participation]]]:
    """The event's participations grouped by role, organisers first (the order of ParticipationRole)."""
    groups: dict[str, list[Participation]] = {role: [] for role in ParticipationRole.values}
    for participation in event.participations.all():
        groups.setdefault(participation.role, []).append(participation)
    labels = dict(ParticipationRole.choices)
    return [(str(labels.get(role, role)), rows) for role, rows in groups.items() if rows]


# --- leads -----------------------------------------------------------------------------------------------


def leads_for(
    user,
    *,
    event: Event | None = None,
    campus=None,
    status: str = "",
    follow_up_due: bool = False,
    q: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Lead]:
    """Leads the user may read (at events it may read), each annotated with whether the agreement and
    residency it became are readable too (`agreement_visible`, `residency_visible`): a lead shown to a
    resident must not tell it the title of someone else's agreement.

    `follow_up_due`: open leads (new, contacted, in talks) whose follow-up date is today or past.
    """
    from biocampus.agreements.models import Agreement
    from biocampus.campuses.models import Residency

    leads = visible(
        Lead.objects.select_related(
            "event__campus__organization", "organization", "taken_by", "agreement", "residency__organization"
        ),
        user,
    ).filter(event__in=visible(Event.objects.all(), user))
    if event is not None:
        leads = leads.filter(event=event)
    if campus is not None:
        leads = leads.filter(event__campus=campus)
    if status:
        leads = leads.filter(status=status)
    if follow_up_due:
        leads = leads.filter(status__in=OPEN_LEAD_STATUSES, follow_up_on__lte=today or timezone.localdate()).order_by(
            "follow_up_on", "-created_at"
        )
    leads = leads.annotate(
        agreement_visible=Exists(visible(Agreement.objects.all(), user).filter(pk=OuterRef("agreement_id"))),
        residency_visible=Exists(visible(Residency.objects.all(), user).filter(pk=OuterRef("residency_id"))),
    )
    return search_records(leads, q, ("prospect_name", "organization__name", "contact_name", "interest"))


def editable_lead_ids(user, leads) -> set[int]:
    """Which of these leads the user may change (one query for a whole list)."""
    return set(editable(Lead.objects.filter(pk__in=[lead.pk for lead in leads]), user).values_list("pk", flat=True))


# --- what came of an event ------------------------------------------------------------------------------


@dataclass
class Tally:
    code: str
    label: str
    count: int


@dataclass
class EventOutcomes:
    """What came of one event, as far as the user may read: the one place these numbers are counted."""

    event: Event
    participants_by_role: list[Tally] = field(default_factory=list)
    organizations_taking_part: int = 0
    showcases: list = field(default_factory=list)
    agreements: list = field(default_factory=list)
    residencies: list = field(default_factory=list)
    residents_home: int = 0
    residents_abroad: int = 0
    residents_unknown: int = 0
    leads: list = field(default_factory=list)
    leads_by_status: list[Tally] = field(default_factory=list)
    milestones: list = field(default_factory=list)

    @property
    def showcase_count(self) -> int:
        return len(self.showcases)

    @property
    def agreement_count(self) -> int:
        return len(self.agreements)

    @property
    def residency_count(self) -> int:
        return len(self.residencies)

    @property
    def lead_count(self) -> int:
        return len(self.leads)

    @property
    def milestone_count(self) -> int:
        return len(self.milestones)


def event_outcomes(user, event: Event) -> EventOutcomes:
    """ "What came of CIIE 2020": who took part, what was shown, what was signed, who signed up, the leads
    and what they became, the milestones announced. Lists hold only what `user` may read; `event` must be
    one the user may read (from events_for)."""
    from biocampus.agreements.models import Agreement
    from biocampus.campuses.models import Residency
    from biocampus.progress.models import Milestone

    participations = list(event.participations.select_related("organization"))
    showcases = list(event.showcases.select_related("organization", "booth_host"))
    role_labels = dict(ParticipationRole.choices)
    by_role = [
        Tally(role, str(role_labels[role]), len({p.organization_id for p in participations if p.role == role}))
        for role in ParticipationRole.values
    ]
    taking_part = {p.organization_id for p in participations} | {s.organization_id for s in showcases}

    agreements = list(
        visible(Agreement.objects.filter(signed_at=event), user)
        .prefetch_related("parties__organization")
        .order_by("signed_on", "title")
    )
    residencies = list(
        visible(
            Residency.objects.filter(signed_at=event).select_related("organization", "campus__organization"), user
        ).order_by("organization__name")
    )
    abroad = [residency.is_from_abroad for residency in residencies]
    leads = list(leads_for(user, event=event))
    status_labels = dict(LeadStatus.choices)
    milestones = list(
        visible(Milestone.objects.filter(event=event).select_related("organization", "campus__organization"), user)
    )
    return EventOutcomes(
        event=event,
        participants_by_role=by_role,
        organizations_taking_part=len(taking_part),
        showcases=showcases,
        agreements=agreements,
        residencies=residencies,
        residents_home=abroad.count(False),
        residents_abroad=abroad.count(True),
        residents_unknown=abroad.count(None),
        leads=leads,
        leads_by_status=[
            Tally(status, str(status_labels[status]), sum(1 for lead in leads if lead.status == status))
            for status in LeadStatus.values
        ],
        milestones=milestones,
    )


def showcases_for(user, *, q: str = "") -> QuerySet[Showcase]:
    """What was shown at the events the user may read, with the event and the organisations it names."""
    showcases = Showcase.objects.filter(event__in=events_for(user).values("pk")).select_related(
        "event__campus__organization", "organization", "booth_host"
    )
    return search_records(showcases, q, ("offering", "description", "outcome", "organization__name"))
