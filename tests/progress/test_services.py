"""Progress services: milestones, programmes, targets and their observations, funding rounds."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from biocampus.directory.choices import OrganizationKind
from biocampus.progress.choices import FundingRoundType, MilestoneKind
from biocampus.progress.models import FundingInvestment, FundingRound, Milestone, Observation
from biocampus.progress.services import (
    funding_round_create,
    funding_round_delete,
    funding_round_update,
    milestone_create,
    milestone_delete,
    milestone_update,
    observation_record,
    programme_create,
    programme_update,
    target_create,
    target_update,
)
from tests.factories import (
    FundingRoundFactory,
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    ProgrammeFactory,
    TargetFactory,
)

JUNE_30 = datetime.date(2021, 6, 30)
DEC_31 = datetime.date(2021, 12, 31)


# --- milestones ------------------------------------------------------------------------------------


def test_creating_a_milestone_records_provenance_and_history_by_the_actor(staff, campus_a, resident_org):
    milestone = milestone_create(
        actor=staff,
        campus=campus_a,
        organization=resident_org,
        kind=MilestoneKind.MARKET_REACH,
        title="Devices in 470 hospitals",
        value=Decimal("470"),
        unit="hospitals",
    )
    assert milestone.provenance.entered_by == staff
    entry = milestone.history.get()
    assert (entry.history_type, entry.history_user) == ("+", staff)


def test_a_milestone_value_without_a_unit_is_refused_and_nothing_written(staff, campus_a, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        milestone_create(
            actor=staff,
            campus=campus_a,
            organization=resident_org,
            kind=MilestoneKind.MARKET_REACH,
            title="Devices in hospitals",
            value=Decimal("470"),
        )
    assert "A value needs a unit (hospitals, people, USD...)." in refused.value.messages
    assert db_rows() == before


def test_a_milestone_without_a_value_needs_no_unit(staff, campus_a, resident_org):
    milestone = milestone_create(
        actor=staff, campus=campus_a, organization=resident_org, kind=MilestoneKind.LAB_OPENED, title="Lab opened"
    )
    assert Milestone.objects.get(pk=milestone.pk).unit == ""


def test_a_milestone_title_with_control_characters_is_refused(staff, campus_a, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        milestone_create(
            actor=staff, campus=campus_a, organization=resident_org, kind=MilestoneKind.OTHER, title="GMP\x08 passed"
        )
    assert "Text may not contain control characters." in refused.value.message_dict["title"]
    assert db_rows() == before


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "no_membership"])
def test_non_editors_may_not_create_a_milestone(users, campus_a, resident_org, db_rows, role):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        milestone_create(
            actor=getattr(users, role),
            campus=campus_a,
            organization=resident_org,
            kind=MilestoneKind.OTHER,
            title="Self-reported",
        )
    assert db_rows() == before


def test_removing_a_milestones_unit_while_it_has_a_value_is_refused(staff, campus_a, resident_org, db_rows):
    milestone = MilestoneFactory(campus=campus_a, organization=resident_org, value=Decimal("470"), unit="hospitals")
    before = db_rows()
    with pytest.raises(ValidationError):
        milestone_update(actor=staff, milestone=milestone, unit="")
    assert db_rows() == before


def test_a_milestone_update_records_before_and_after(staff, campus_a, resident_org):
    milestone = MilestoneFactory(campus=campus_a, organization=resident_org, value=Decimal("470"), unit="hospitals")
    milestone_update(actor=staff, milestone=milestone, value=Decimal("520"))
    entry = milestone.history.first()
    assert [(c.field, c.old, c.new) for c in entry.diff_against(entry.prev_record).changes] == [
        ("value", Decimal("470.00"), Decimal("520"))
    ]
    assert entry.history_user == staff


def test_a_milestone_update_without_change_adds_no_history(staff, campus_a, resident_org):
    milestone = MilestoneFactory(campus=campus_a, organization=resident_org, value=Decimal("470"), unit="hospitals")
    milestone_update(actor=staff, milestone=milestone, value=Decimal("470"), unit="hospitals")
    assert milestone.history.count() == 1


def test_staff_may_not_move_a_milestone_to_another_campus(staff, campus_a, campus_b, resident_org, db_rows):
    milestone = MilestoneFactory(campus=campus_a, organization=resident_org)
    before = db_rows()
    with pytest.raises(PermissionDenied):
        milestone_update(actor=staff, milestone=milestone, campus=campus_b)
    assert db_rows() == before


def test_staff_may_not_delete_a_milestone_of_another_campus(staff, campus_b, resident_org_b):
    milestone = MilestoneFactory(campus=campus_b, organization=resident_org_b)
    with pytest.raises(PermissionDenied):
        milestone_delete(actor=staff, milestone=milestone)
    assert Milestone.objects.filter(pk=milestone.pk).exists()


# --- programmes ------------------------------------------------------------------------------------


def test_creating_a_programme_records_who_runs_it(staff, campus_a, resident_org, partner_org):
    programme = programme_create(
        actor=staff, campus=campus_a, name="One million screenings", organizations=[resident_org, partner_org]
    )
    assert set(programme.organizations.all()) == {resident_org, partner_org}
    assert programme.history.first().history_user == staff


def test_changing_who_runs_a_programme_is_in_its_history(staff, campus_a, resident_org, neighbour_org):
    programme = ProgrammeFactory(campus=campus_a, organizations=[resident_org])
    programme_update(actor=staff, programme=programme, organizations=[resident_org, neighbour_org])
    assert set(programme.organizations.all()) == {resident_org, neighbour_org}
    entry = programme.history.first()
    assert entry.history_user == staff
    assert {row.organization_id for row in entry.organizations.all()} == {resident_org.pk, neighbour_org.pk}


def test_a_resident_member_may_not_change_a_programme_its_organisation_runs(users, campus_a, resident_org):
    programme = ProgrammeFactory(campus=campus_a, organizations=[resident_org])
    with pytest.raises(PermissionDenied):
        programme_update(actor=users.resident_member, programme=programme, name="Renamed")


# --- targets ---------------------------------------------------------------------------------------


def test_creating_a_target_records_provenance_and_history(staff, campus_a, resident_org):
    target = target_create(
        actor=staff,
        campus=campus_a,
        organization=resident_org,
        metric="people screened",
        unit="people",
        goal=Decimal("1000000"),
        due_on=DEC_31,
    )
    assert target.provenance.entered_by == staff
    assert target.history.get().history_user == staff


def test_a_target_of_a_programme_at_another_campus_is_refused(staff, campus_a, campus_b, db_rows):
    programme = ProgrammeFactory(campus=campus_b)
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        target_create(actor=staff, campus=campus_a, programme=programme, metric="m", unit="u", goal=10, due_on=DEC_31)
    assert refused.value.message_dict["programme"] == ["The programme belongs to another campus."]
    assert db_rows() == before


def test_moving_a_target_to_a_programme_at_another_campus_is_refused(staff, campus_a, campus_b, resident_org):
    target = TargetFactory(campus=campus_a, organization=resident_org)
    programme_b = ProgrammeFactory(campus=campus_b)
    with pytest.raises(ValidationError):
        target_update(actor=staff, target=target, programme=programme_b)


def test_a_target_belonging_to_nothing_is_refused(staff, campus_a, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        target_create(actor=staff, campus=campus_a, metric="m", unit="u", goal=10, due_on=DEC_31)
    assert "A target belongs to a programme or an organisation." in refused.value.messages
    assert db_rows() == before


def test_a_goal_equal_to_the_baseline_is_refused(staff, campus_a, resident_org):
    with pytest.raises(ValidationError) as refused:
        target_create(
            actor=staff, campus=campus_a, organization=resident_org, metric="m", unit="u", goal=0, due_on=DEC_31
        )
    assert "The goal must differ from the baseline." in refused.value.messages


def test_a_target_due_before_it_starts_is_refused(staff, campus_a, resident_org):
    with pytest.raises(ValidationError) as refused:
        target_create(
            actor=staff,
            campus=campus_a,
            organization=resident_org,
            metric="m",
            unit="u",
            goal=10,
            starts_on=DEC_31,
            due_on=JUNE_30,
        )
    assert "A target cannot be due before it starts." in refused.value.messages


# --- observations ----------------------------------------------------------------------------------


@pytest.fixture
def target(campus_a, resident_org):
    return TargetFactory(campus=campus_a, organization=resident_org)


def test_recording_an_observation_stores_it_with_history_by_the_actor(staff, target):
    observation = observation_record(actor=staff, target=target, observed_on=JUNE_30, value=Decimal("250000"))
    assert Observation.objects.get(pk=observation.pk).value == Decimal("250000")
    assert observation.history.get().history_user == staff


def test_recording_the_same_date_again_corrects_rather_than_duplicates(staff, target):
    # Given 250,000 people screened by June 30
    first = observation_record(actor=staff, target=target, observed_on=JUNE_30, value=Decimal("250000"))
    # When the figure for June 30 is recorded again as 260,000
    second = observation_record(
        actor=staff, target=target, observed_on=JUNE_30, value=Decimal("260000"), note="audited"
    )
    # Then there is still one observation for that date, now 260,000
    assert second.pk == first.pk
    assert list(target.observations.values_list("value", "note")) == [(Decimal("260000"), "audited")]
    # And the correction is in its history, with the old value
    entry = second.history.first()
    changes = {c.field: (c.old, c.new) for c in entry.diff_against(entry.prev_record).changes}
    assert changes == {"value": (Decimal("250000.00"), Decimal("260000")), "note": ("", "audited")}
    assert (entry.history_user, entry.history_change_reason) == (staff, "corrected")


def test_recording_the_same_value_again_adds_no_history(staff, target):
    ObservationFactory(target=target, observed_on=JUNE_30, value=Decimal("250000"))
    observation = observation_record(actor=staff, target=target, observed_on=JUNE_30, value=Decimal("250000"))
    assert observation.history.count() == 1


def test_another_date_adds_another_observation(staff, target):
    observation_record(actor=staff, target=target, observed_on=JUNE_30, value=Decimal("250000"))
    observation_record(actor=staff, target=target, observed_on=DEC_31, value=Decimal("900000"))
    assert list(target.observations.values_list("observed_on", flat=True)) == [JUNE_30, DEC_31]


def test_a_resident_member_may_not_record_observations_for_its_own_target(users, target, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        observation_record(actor=users.resident_member, target=target, observed_on=JUNE_30, value=1)
    assert db_rows() == before


def test_an_observation_note_with_a_nul_byte_is_refused(staff, target, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        observation_record(actor=staff, target=target, observed_on=JUNE_30, value=1, note="a\x00b")
    assert "note" in refused.value.message_dict
    assert db_rows() == before


# --- funding rounds --------------------------------------------------------------------------------


@pytest.fixture
def investors(db):
    return [OrganizationFactory(name=f"Capital {n}", kind=OrganizationKind.INVESTOR) for n in range(3)]


def _round(actor, campus, recipient, investors, **overrides):
    values = {"round_type": FundingRoundType.SERIES_A, "amount": Decimal("50000000"), "currency": "CNY"}
    values.update(overrides)
    return funding_round_create(actor=actor, campus=campus, recipient=recipient, investors=investors, **values)


def _investments(funding_round) -> set[tuple]:
    return {(i.investor, i.is_lead, i.amount) for i in funding_round.investments.all()}


def test_creating_a_round_records_its_investors_and_lead(staff, campus_a, resident_org, investors):
    lead, other, _ = investors
    funding_round = _round(
        staff, campus_a, resident_org, [{"investor": lead, "is_lead": True, "amount": Decimal("30000000")}, other]
    )
    assert _investments(funding_round) == {(lead, True, Decimal("30000000")), (other, False, None)}
    assert funding_round.history.get().history_user == staff
    for investment in funding_round.investments.all():
        assert investment.provenance_id == funding_round.provenance_id
        assert investment.history.get().history_user == staff


def test_two_lead_investors_are_refused_and_nothing_written(staff, campus_a, resident_org, investors, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        _round(
            staff,
            campus_a,
            resident_org,
            [{"investor": investors[0], "is_lead": True}, {"investor": investors[1], "is_lead": True}],
        )
    assert refused.value.message_dict["investors"] == ["A funding round has at most one lead investor."]
    assert db_rows() == before


def test_an_organisation_investing_in_itself_is_refused_and_nothing_written(
    staff, campus_a, resident_org, investors, db_rows
):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        _round(staff, campus_a, resident_org, [investors[0], resident_org])
    assert refused.value.message_dict["investors"] == ["An organisation cannot invest in itself."]
    assert db_rows() == before


def test_the_same_investor_twice_is_refused(staff, campus_a, resident_org, investors, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        _round(staff, campus_a, resident_org, [investors[0], {"investor": investors[0], "is_lead": True}])
    assert refused.value.message_dict["investors"] == ["Each investor can appear only once in a round."]
    assert db_rows() == before


def test_an_amount_without_currency_is_refused(staff, campus_a, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        _round(staff, campus_a, resident_org, [], currency="")
    assert "An amount needs its currency." in refused.value.messages
    assert db_rows() == before


def test_a_lower_case_currency_code_is_refused(staff, campus_a, resident_org):
    with pytest.raises(ValidationError) as refused:
        _round(staff, campus_a, resident_org, [], currency="usd")
    assert "currency" in refused.value.message_dict


def test_a_negative_amount_is_refused(staff, campus_a, resident_org):
    with pytest.raises(ValidationError) as refused:
        _round(staff, campus_a, resident_org, [], amount=Decimal("-1"))
    assert "amount" in refused.value.message_dict


def test_staff_may_not_record_a_round_at_another_campus(staff, campus_b, resident_org_b, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        _round(staff, campus_b, resident_org_b, [])
    assert db_rows() == before


def test_moving_the_lead_to_another_investor(staff, campus_a, resident_org, investors):
    # Given a round led by the first investor
    first, second, _ = investors
    funding_round = FundingRoundFactory(
        campus=campus_a, recipient=resident_org, investors=[{"investor": first, "is_lead": True}, second]
    )
    # When the second investor is recorded as the lead instead
    funding_round_update(
        actor=staff, funding_round=funding_round, investors=[first, {"investor": second, "is_lead": True}]
    )
    # Then the second leads and the first stays in the round
    assert _investments(funding_round) == {(first, False, None), (second, True, None)}


def test_updating_investors_adds_and_removes_with_history(staff, campus_a, resident_org, investors):
    first, second, third = investors
    funding_round = FundingRoundFactory(campus=campus_a, recipient=resident_org, investors=[first, second])
    removed = funding_round.investments.get(investor=second)
    funding_round_update(actor=staff, funding_round=funding_round, investors=[first, third])
    assert {i.investor for i in funding_round.investments.all()} == {first, third}
    removal = FundingInvestment.history.filter(id=removed.pk).first()
    assert (removal.history_type, removal.history_user) == ("-", staff)
    added = funding_round.investments.get(investor=third)
    assert added.history.get().history_user == staff


def test_updating_to_two_leads_is_refused_and_nothing_written(staff, campus_a, resident_org, investors, db_rows):
    first, second, _ = investors
    funding_round = FundingRoundFactory(
        campus=campus_a, recipient=resident_org, investors=[{"investor": first, "is_lead": True}, second]
    )
    before = db_rows()
    with pytest.raises(ValidationError):
        funding_round_update(
            actor=staff,
            funding_round=funding_round,
            investors=[{"investor": first, "is_lead": True}, {"investor": second, "is_lead": True}],
        )
    assert db_rows() == before


def test_changing_the_recipient_to_one_of_its_investors_is_refused(staff, campus_a, resident_org, investors, db_rows):
    funding_round = FundingRoundFactory(campus=campus_a, recipient=resident_org, investors=[investors[0]])
    before = db_rows()
    with pytest.raises(ValidationError):
        funding_round_update(actor=staff, funding_round=funding_round, recipient=investors[0])
    assert db_rows() == before


def test_a_round_update_records_before_and_after(staff, campus_a, resident_org):
    funding_round = FundingRoundFactory(campus=campus_a, recipient=resident_org, round_type=FundingRoundType.SEED)
    funding_round_update(actor=staff, funding_round=funding_round, round_type=FundingRoundType.ANGEL)
    entry = funding_round.history.first()
    assert [(c.field, c.old, c.new) for c in entry.diff_against(entry.prev_record).changes] == [
        ("round_type", "seed", "angel")
    ]
    assert entry.history_user == staff


def test_a_round_update_without_change_adds_no_history(staff, campus_a, resident_org, investors):
    funding_round = FundingRoundFactory(campus=campus_a, recipient=resident_org, investors=[investors[0]])
    before = (FundingRound.history.count(), FundingInvestment.history.count())
    funding_round_update(
        actor=staff, funding_round=funding_round, currency="CNY", investors=[{"investor": investors[0]}]
    )
    assert (FundingRound.history.count(), FundingInvestment.history.count()) == before


def test_a_partner_investor_may_not_delete_the_round(users, campus_a, resident_org, partner_org):
    funding_round = FundingRoundFactory(campus=campus_a, recipient=resident_org, investors=[partner_org])
    with pytest.raises(PermissionDenied):
        funding_round_delete(actor=users.partner, funding_round=funding_round)
    assert FundingRound.objects.filter(pk=funding_round.pk).exists()


def test_deleting_a_round_leaves_a_history_entry_by_the_actor(staff, campus_a, resident_org):
    funding_round = FundingRoundFactory(campus=campus_a, recipient=resident_org)
    pk = funding_round.pk
    funding_round_delete(actor=staff, funding_round=funding_round)
    entry = FundingRound.history.filter(id=pk).first()
    assert (entry.history_type, entry.history_user) == ("-", staff)


def test_a_programme_ending_before_it_starts_is_refused(users, campus_a):
    import datetime

    from biocampus.progress.models import Programme
    from biocampus.progress.services import programme_create

    with pytest.raises(ValidationError, match="cannot end before it starts"):
        programme_create(
            actor=users.campus_staff,
            campus=campus_a,
            name="Screening",
            starts_on=datetime.date(2021, 1, 1),
            ends_on=datetime.date(2020, 1, 1),
        )
    assert not Programme.objects.filter(name="Screening").exists()
