"""The events part of the demo campus (issue 4, campus operations): who else took part in the 3rd CIIE and
in which role, what came of the showcases where the story says so, and three illustrative leads.

The story (the I·Campus press release) supports two more roles for AstraZeneca: its booth hosted the
residents' showcase (host), and Leon Wang, its executive vice president, addressed I·Campus's presence at
the expo (speaker). It states what came of five of the ten showcases: Teddy Lab Services signed its
companion-diagnostics agreement with AstraZeneca during the expo, and MiDIVI, LinkDoc, Liangzhun and UST
were among the twelve newcomers signed there.

The story names no leads. The three leads below are fictional prospects, said so in their text, so that
the leads pages and "what came of it" have something to show. None is "won": the story gives no agreement
that a fictional prospect could plausibly have become.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models

from biocampus.events.choices import LeadStatus, ParticipationRole
from biocampus.events.models import Lead
from biocampus.events.services import event_set_showcases, lead_create, participation_add

CIIE = "third China International Import Expo"
ASTRAZENECA = "AstraZeneca"

# Models whose rows a demo load writes here, for the load's report and its idempotency test.
COUNTED_MODELS: list[type[models.Model]] = [Lead]

PARTICIPATIONS = [
    (ASTRAZENECA, ParticipationRole.HOST),  # "AstraZeneca's booth showcased ... resident companies"
    (ASTRAZENECA, ParticipationRole.SPEAKER),  # Leon Wang addressed I·Campus's presence at the CIIE
]

_NEWCOMER = "Signed to join I·Campus at the 3rd CIIE: one of the twelve newcomers."
SHOWCASE_OUTCOMES = {
    "Teddy Lab Services": (
        "Signed the cooperation agreement with AstraZeneca on the joint development and commercialisation of "
        "companion diagnostics during the 3rd CIIE."
    ),
    "MiDIVI": _NEWCOMER,
    "LinkDoc": _NEWCOMER,
    "Liangzhun Industrial Co.": _NEWCOMER,
    "UST": _NEWCOMER,
}

_ILLUSTRATION = "Demo illustration: a fictional prospect, not in the press release."


@dataclass(frozen=True)
class LeadSpec:
    prospect_name: str
    taken_by: str
    contact_name: str
    interest: str
    status: str
    outcome: str = ""
    follow_up_on: datetime.date | None = None


LEADS = [
    LeadSpec(
        "Alpine Companion Dx GmbH",
        "Teddy Lab Services",
        "Dr. Anna Keller",
        f"{_ILLUSTRATION} Wants a Chinese laboratory partner for companion diagnostics testing.",
        LeadStatus.IN_TALKS,
        outcome=f"{_ILLUSTRATION} Second call held; a lab visit is being planned.",
        follow_up_on=datetime.date(2020, 12, 15),
    ),
    LeadSpec(
        "Nordic Breath Analytics AB",
        "CHIC Health",
        "Erik Lund",
        f"{_ILLUSTRATION} Interested in distributing respiratory risk screening devices in the Nordics.",
        LeadStatus.CONTACTED,
        follow_up_on=datetime.date(2020, 11, 30),
    ),
    LeadSpec(
        "Pacific Cardio Monitoring Ltd",
        "Wuxi International Life Science Innovation Campus",
        "Grace Lin",
        f"{_ILLUSTRATION} Asked about incubation space at I·Campus for a wearable ECG start-up.",
        LeadStatus.LOST,
        outcome=f"{_ILLUSTRATION} Chose to stay in its home market for now.",
    ),
]


def load(ctx) -> None:
    """Create whatever of this part is missing. `ctx` is demo.seed._Context (actor, provenance, fields,
    orgs by the names in demo/seed.py, campuses by slug, events by name, agreements by title); the demo users exist."""
    event = ctx.events[CIIE]
    for name, role in PARTICIPATIONS:
        participation_add(
            actor=ctx.actor, provenance=ctx.provenance, event=event, organization=ctx.orgs[name], role=role
        )
    _showcase_outcomes(ctx, event)
    for spec in LEADS:
        _lead(ctx, event, spec)


def _showcase_outcomes(ctx, event) -> None:
    """Fill in what came of a showcase where the story says, leaving any outcome already written alone."""
    current = list(event.showcases.select_related("organization", "booth_host"))
    rows = []
    changed = False
    for showcase in current:
        outcome = showcase.outcome
        if not outcome and showcase.organization.name in SHOWCASE_OUTCOMES:
            outcome = SHOWCASE_OUTCOMES[showcase.organization.name]
            changed = True
        rows.append(
            {
                "organization": showcase.organization,
                "offering": showcase.offering,
                "description": showcase.description,
                "booth_host": showcase.booth_host,
                "outcome": outcome,
            }
        )
    if changed:
        event_set_showcases(actor=ctx.actor, provenance=ctx.provenance, event=event, showcases=rows)


def _lead(ctx, event, spec: LeadSpec) -> Lead:
    lead = Lead.objects.filter(event=event, prospect_name=spec.prospect_name).order_by("id").first()
    if lead is None:
        lead = lead_create(
            actor=ctx.actor,
            provenance=ctx.provenance,
            event=event,
            prospect_name=spec.prospect_name,
            taken_by=ctx.orgs[spec.taken_by],
            contact_name=spec.contact_name,
            interest=spec.interest,
            status=spec.status,
            outcome=spec.outcome,
            follow_up_on=spec.follow_up_on,
        )
    return lead
