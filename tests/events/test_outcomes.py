"""What came of an event: the numbers and lists, and who sees what of them."""

from __future__ import annotations

import pytest

from biocampus.events.choices import LeadStatus, ParticipationRole
from biocampus.events.models import Lead
from biocampus.events.selectors import event_outcomes, events_for, leads_for, participants_by_role
from tests.factories import (
    AgreementFactory,
    EventFactory,
    MilestoneFactory,
    OrganizationFactory,
    ParticipationFactory,
    ResidencyFactory,
    ShowcaseFactory,
)


@pytest.fixture
def world(campus_a, resident_org, neighbour_org, partner_org):
    """The 3rd CIIE at campus A: the resident member's organisation (Teddy Lab) exhibits and signs one of two
    agreements; one leads is taken at its booth, one at the campus's."""
    event = EventFactory(campus=campus_a, name="3rd CIIE")
    ParticipationFactory(event=event, organization=partner_org, role=ParticipationRole.ORGANISER)
    ParticipationFactory(event=event, organization=resident_org, role=ParticipationRole.EXHIBITOR)
    ParticipationFactory(event=event, organization=neighbour_org, role=ParticipationRole.EXHIBITOR)
    ParticipationFactory(event=event, organization=resident_org, role=ParticipationRole.SIGNER)
    ShowcaseFactory(event=event, organization=resident_org, booth_host=partner_org, outcome="Agreement signed")
    ShowcaseFactory(event=event, organization=OrganizationFactory(name="Booth Only Bio"))
    own = AgreementFactory(campus=campus_a, signed_at=event, parties=[resident_org, partner_org], title="Teddy–Pharma")
    AgreementFactory(campus=campus_a, signed_at=event, parties=[neighbour_org, partner_org], title="Neighbour–Pharma")
    home = ResidencyFactory(campus=campus_a, signed_at=event, organization=OrganizationFactory(country="CN"))
    ResidencyFactory(campus=campus_a, signed_at=event, organization=OrganizationFactory(country="US"))
    ResidencyFactory(campus=campus_a, signed_at=event, organization=OrganizationFactory(country=""))
    won = Lead.objects.create(
        event=event,
        prospect_name="Alpine Dx",
        taken_by=resident_org,
        status=LeadStatus.WON,
        agreement=AgreementFactory(campus=campus_a, parties=[neighbour_org], title="Hidden from Teddy"),
        residency=home,
        provenance=event.provenance,
    )
    Lead.objects.create(event=event, prospect_name="Nordic Breath", provenance=event.provenance)
    MilestoneFactory(campus=campus_a, organization=resident_org, event=event, title="Lab opened")
    MilestoneFactory(campus=campus_a, organization=neighbour_org, event=event, title="Neighbour milestone")
    return {"event": event, "own_agreement": own, "won": won}


def _outcomes(user, event):
    return event_outcomes(user, events_for(user).get(pk=event.pk))


def test_a_campus_reader_sees_every_number(users, world):
    outcomes = _outcomes(users.government, world["event"])
    by_role = {tally.code: tally.count for tally in outcomes.participants_by_role}
    assert by_role == {"organiser": 1, "host": 0, "exhibitor": 2, "speaker": 0, "signer": 1, "visitor": 0}
    assert outcomes.organizations_taking_part == 4  # 3 with roles, 1 more with only a showcase
    assert outcomes.showcase_count == 2
    assert outcomes.agreement_count == 2
    assert outcomes.residency_count == 3
    assert (outcomes.residents_home, outcomes.residents_abroad, outcomes.residents_unknown) == (1, 1, 1)
    assert outcomes.lead_count == 2
    assert {tally.code: tally.count for tally in outcomes.leads_by_status} == {
        "new": 1,
        "contacted": 0,
        "in_talks": 0,
        "won": 1,
        "lost": 0,
    }
    assert outcomes.milestone_count == 2


def test_a_resident_member_sees_only_what_involves_its_organisation(users, world):
    outcomes = _outcomes(users.resident_member, world["event"])
    assert [a.title for a in outcomes.agreements] == ["Teddy–Pharma"]
    assert outcomes.residency_count == 0  # the residencies signed there are other organisations'
    assert [str(lead) for lead in outcomes.leads] == ["Alpine Dx"]  # taken at its own booth
    (won,) = outcomes.leads
    assert not won.agreement_visible  # it became an agreement Teddy Lab is no party to
    assert [m.title for m in outcomes.milestones] == ["Lab opened"]
    # The event's own make-up (roles, booth) is part of the event, which it may read.
    assert outcomes.showcase_count == 2


def test_the_campus_team_sees_what_a_lead_became(users, world):
    (lead,) = [lead for lead in leads_for(users.campus_staff) if lead.status == LeadStatus.WON]
    assert lead.agreement_visible and lead.residency_visible


def test_another_campus_sees_nothing_of_the_event(users, world):
    assert not events_for(users.resident_b).filter(pk=world["event"].pk).exists()
    assert not leads_for(users.resident_b).exists()


def test_participants_are_grouped_by_role_with_organisers_first(users, world):
    event = events_for(users.campus_staff).get(pk=world["event"].pk)
    groups = participants_by_role(event)
    assert [label for label, _rows in groups] == ["Organiser", "Exhibitor", "Signer"]
    assert sorted(p.organization.name for p in groups[1][1]) == ["Neighbour Bio", "Teddy Lab"]


def test_follow_up_due_lists_open_leads_whose_date_has_come(users, world):
    import datetime

    event = world["event"]
    due = Lead.objects.create(
        event=event, prospect_name="Due Bio", follow_up_on=datetime.date(2020, 12, 1), provenance=event.provenance
    )
    Lead.objects.create(
        event=event,
        prospect_name="Later Bio",
        follow_up_on=datetime.date(2021, 3, 1),
        provenance=event.provenance,
    )
    Lead.objects.create(
        event=event,
        prospect_name="Closed Bio",
        status=LeadStatus.LOST,
        follow_up_on=datetime.date(2020, 11, 20),
        provenance=event.provenance,
    )
    found = leads_for(users.campus_staff, follow_up_due=True, today=datetime.date(2020, 12, 2))
    assert list(found) == [due]
