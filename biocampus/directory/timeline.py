"""An organisation's life on one timeline: residencies, agreements, events, milestones, funding, changes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biocampus.accounts.permissions import visible
from biocampus.core.history import history_for

KIND_LABELS = {
    "residency": gettext_lazy("residency"),
    "agreement": gettext_lazy("agreement"),
    "event": gettext_lazy("event"),
    "milestone": gettext_lazy("milestone"),
    "funding": gettext_lazy("funding"),
    "change": gettext_lazy("change"),
}


@dataclass
class TimelineItem:
    date: datetime.date | None
    kind: str  # residency, agreement, event, milestone, funding, change
    title: str
    detail: str = ""
    url: str = ""
    precision: str = "day"
    # Further links shown with the item: a milestone's evidence, a round's investors. (label, url, note)
    links: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


# Each kind that can grow without bound (a hub organisation has thousands of agreements) shows only its
# newest SHOWN_PER_KIND records; the page says how many more there are and links to where they are listed.
# This also keeps every prefetch small: an IN (...) over thousands of ids fails on SQLite
# ("Expression tree is too large") and is slow everywhere.
SHOWN_PER_KIND = 50


@dataclass
class MoreOfKind:
    kind: str
    count: int
    url: str = ""

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


class Timeline(list):
    """The timeline's items, newest first, and `more`: per kind, how many older records were left out."""

    def __init__(self, items=(), more=()):
        super().__init__(items)
        self.more: list[MoreOfKind] = list(more)


def _newest(queryset, *ordering):
    """The first SHOWN_PER_KIND records of `queryset` in `ordering`, and how many were left out."""
    shown = list(queryset.order_by(*ordering)[:SHOWN_PER_KIND])
    left_out = queryset.count() - len(shown) if len(shown) == SHOWN_PER_KIND else 0
    return shown, left_out


def organization_timeline(user, organization) -> Timeline:
    from biocampus.agreements.models import Agreement, AgreementParty
    from biocampus.campuses.models import Residency
    from biocampus.events.models import Event, Participation, Showcase
    from biocampus.progress.currency import conversions_of
    from biocampus.progress.models import FundingRound, Milestone

    items: list[TimelineItem] = []
    more: list[MoreOfKind] = []
    residencies, left_out = _newest(
        visible(Residency.objects.filter(organization=organization), user).select_related(
            "campus__organization", "signed_at"
        ),
        F("applied_on").desc(nulls_last=True),
        "-pk",
    )
    if left_out:
        more.append(MoreOfKind("residency", left_out))
    for residency in residencies:
        for date_field, label in (
            ("applied_on", _("Applied to %(campus)s")),
            ("signed_on", _("Signed with %(campus)s")),
            ("moved_in_on", _("Moved into %(campus)s")),
            ("ended_on", _("Left %(campus)s")),
        ):
            date = getattr(residency, date_field)
            if date:
                detail = str(residency.signed_at) if date_field == "signed_on" and residency.signed_at else ""
                items.append(
                    TimelineItem(
                        date, "residency", label % {"campus": residency.campus}, detail, residency.get_absolute_url()
                    )
                )
    # pk__in a subquery rather than a join: no duplicate rows, so no DISTINCT over the whole set.
    agreements, left_out = _newest(
        visible(
            Agreement.objects.filter(
                pk__in=AgreementParty.objects.filter(organization=organization).values("agreement")
            ),
            user,
        )
        .select_related("signed_at")
        .prefetch_related(Prefetch("parties", queryset=AgreementParty.objects.select_related("organization"))),
        F("signed_on").desc(nulls_last=True),
        "-pk",
    )
    if left_out:
        url = reverse("agreements:agreement_list") + f"?organization={organization.public_id}"
        more.append(MoreOfKind("agreement", left_out, url))
    for agreement in agreements:
        others = ", ".join(p.organization.name for p in agreement.parties.all() if p.organization_id != organization.pk)
        items.append(
            TimelineItem(
                agreement.signed_on,
                "agreement",
                agreement.title,
                _("%(type)s with %(others)s") % {"type": agreement.get_type_display(), "others": others},
                agreement.get_absolute_url(),
            )
        )
    events, left_out = _newest(
        visible(Event.objects.all(), user)
        .filter(
            Q(pk__in=Participation.objects.filter(organization=organization).values("event"))
            | Q(pk__in=Showcase.objects.filter(organization=organization).values("event"))
        )
        .prefetch_related(
            Prefetch("showcases", queryset=Showcase.objects.filter(organization=organization)),
            Prefetch("participations", queryset=Participation.objects.filter(organization=organization)),
        ),
        F("starts_on").desc(nulls_last=True),
        "-pk",
    )
    if left_out:
        more.append(MoreOfKind("event", left_out))
    for event in events:
        shown = [s.offering for s in event.showcases.all() if s.organization_id == organization.pk]
        roles = sorted(
            {p.get_role_display() for p in event.participations.all() if p.organization_id == organization.pk}
        )
        detail = "; ".join(filter(None, [", ".join(roles), _("showed: %s") % ", ".join(shown) if shown else ""]))
        items.append(TimelineItem(event.starts_on, "event", str(event.name), detail, event.get_absolute_url()))
    milestones, left_out = _newest(
        visible(Milestone.objects.filter(organization=organization), user).prefetch_related("evidence"),
        F("occurred_on").desc(nulls_last=True),
        "-pk",
    )
    if left_out:
        more.append(MoreOfKind("milestone", left_out))
    for milestone in milestones:
        value = f"{milestone.value:,.0f} {milestone.unit}" if milestone.value is not None else ""
        items.append(
            TimelineItem(
                milestone.occurred_on,
                "milestone",
                milestone.title,
                " · ".join(filter(None, [milestone.get_kind_display(), value])),
                milestone.get_absolute_url(),
                milestone.date_precision,
                links=[_evidence_link(milestone, evidence) for evidence in milestone.evidence.all()],
            )
        )
    rounds = visible(FundingRound.objects.filter(recipient=organization), user) | visible(
        FundingRound.objects.filter(investments__investor=organization), user
    )
    rounds, left_out = _newest(
        rounds.distinct().select_related("recipient").prefetch_related("investments__investor"),
        F("announced_on").desc(nulls_last=True),
        "-pk",
    )
    if left_out:
        more.append(MoreOfKind("funding", left_out))
    conversions = conversions_of(rounds)
    for funding_round in rounds:
        investors = [
            (
                str(investment.investor),
                investment.investor.get_absolute_url(),
                str(_("lead investor")) if investment.is_lead else "",
            )
            for investment in funding_round.investments.all()
        ]
        items.append(
            TimelineItem(
                funding_round.announced_on,
                "funding",
                str(funding_round),
                _funding_amount(funding_round, conversions[funding_round.pk]),
                funding_round.get_absolute_url(),
                funding_round.date_precision,
                links=investors,
            )
        )
    for entry in organization_history(organization):
        changes = "; ".join(f"{c.field}: {c.before} → {c.after}" for c in entry.changes)
        items.append(
            TimelineItem(
                timezone.localtime(entry.when).date(),
                "change",
                f"{entry.subject} {entry.action_label} · {entry.who}",
                changes or entry.reason,
            )
        )
    # Dated items newest first, then those whose date the sources do not give.
    items.sort(key=lambda item: (item.date is not None, item.date or datetime.date.min), reverse=True)
    return Timeline(items, more)


def _evidence_link(milestone, evidence) -> tuple[str, str, str]:
    if evidence.file:
        url = reverse(
            "progress:evidence_download", kwargs={"public_id": milestone.public_id, "evidence_id": evidence.public_id}
        )
        return (evidence.title, url, str(_("evidence file")))
    return (evidence.title, evidence.url, str(_("evidence link")))


def _funding_amount(funding_round, conversion) -> str:
    """ "1,000,000 CNY ≈ 140,000 USD", "amount not disclosed", or the amount alone when it cannot convert."""
    if funding_round.amount is None:
        return _("amount not disclosed")
    amount = f"{funding_round.amount:,.0f} {funding_round.currency}"
    if conversion is None or conversion.rate_valid_from is None:
        return amount
    return f"{amount} ≈ {conversion.amount:,.0f} {conversion.currency}"


def organization_history(organization):
    from .models import OrganizationIdentifier

    return history_for(organization, children=((OrganizationIdentifier, "organization"),))
