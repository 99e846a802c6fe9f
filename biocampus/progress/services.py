"""Writes to milestones, programmes, targets, observations and funding rounds."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import ADD, CHANGE, DELETE, require
from biocampus.core.children import sync_children
from biocampus.core.events import publish
from biocampus.core.services import apply_changes, record_delete, record_save

from .models import FundingInvestment, FundingRound, Milestone, Observation, Programme, Target


def _update(instance, *, actor, reason: str, model, changes: dict):
    require(actor, CHANGE, instance)
    new_campus = changes.get("campus")
    if new_campus is not None and new_campus != instance.campus:
        require(actor, ADD, model, campus=new_campus)
    if apply_changes(instance, changes):
        record_save(instance, actor=actor, reason=reason)
    return instance


@transaction.atomic
def milestone_create(*, actor, campus, organization, kind: str, title: str, provenance=None, **attributes):
    require(actor, ADD, Milestone, campus=campus)
    milestone = Milestone(campus=campus, organization=organization, kind=kind, title=title, **attributes)
    record_save(milestone, actor=actor, provenance=provenance)
    publish("milestone.reached", milestone, actor=actor)
    return milestone


@transaction.atomic
def milestone_update(*, actor, milestone: Milestone, reason: str = "", **changes) -> Milestone:
    return _update(milestone, actor=actor, reason=reason, model=Milestone, changes=changes)


@transaction.atomic
def milestone_delete(*, actor, milestone: Milestone) -> None:
    require(actor, DELETE, milestone)
    record_delete(milestone, actor=actor)


@transaction.atomic
def programme_create(*, actor, campus, name: str, organizations=(), provenance=None, **attributes) -> Programme:
    require(actor, ADD, Programme, campus=campus)
    programme = Programme(campus=campus, name=name, **attributes)
    record_save(programme, actor=actor, provenance=provenance)
    if organizations:
        programme.organizations.set(organizations)
    return programme


@transaction.atomic
def programme_update(*, actor, programme: Programme, organizations=None, reason: str = "", **changes):
    _update(programme, actor=actor, reason=reason, model=Programme, changes=changes)
    if organizations is not None and set(programme.organizations.all()) != set(organizations):
        programme._history_user = actor if getattr(actor, "is_authenticated", False) else None
        programme.organizations.set(organizations)
    return programme


@transaction.atomic
def target_create(
    *, actor, campus, metric: str, unit: str, goal, due_on, observations=(), provenance=None, **attributes
) -> Target:
    require(actor, ADD, Target, campus=campus)
    programme = attributes.get("programme")
    if programme is not None and programme.campus_id != campus.pk:
        raise ValidationError({"programme": _("The programme belongs to another campus.")})
    target = Target(campus=campus, metric=metric, unit=unit, goal=goal, due_on=due_on, **attributes)
    record_save(target, actor=actor, provenance=provenance)
    for row in observations:
        observation_record(actor=actor, target=target, provenance=target.provenance, **row)
    return target


@transaction.atomic
def target_update(*, actor, target: Target, observations=(), reason: str = "", **changes) -> Target:
    """Change the target; `observations` add or correct (by date) values of its metric."""
    programme = changes.get("programme", target.programme)
    campus = changes.get("campus", target.campus)
    if programme is not None and programme.campus_id != campus.pk:
        raise ValidationError({"programme": _("The programme belongs to another campus.")})
    _update(target, actor=actor, reason=reason, model=Target, changes=changes)
    for row in observations:
        observation_record(actor=actor, target=target, **row)
    return target


@transaction.atomic
def observation_record(*, actor, target: Target, observed_on, value, note: str = "", provenance=None):
    """Record the metric's value on a date; recording the same date again corrects that observation."""
    require(actor, CHANGE, target)
    observation = Observation.objects.filter(target=target, observed_on=observed_on).first()
    if observation is None:
        observation = Observation(target=target, observed_on=observed_on, value=value, note=note)
        record_save(observation, actor=actor, provenance=provenance)
        publish("observation.recorded", observation, actor=actor)
        return observation
    if apply_changes(observation, {"value": value, "note": note}):
        record_save(observation, actor=actor, reason="corrected")
    return observation


def _normalise_investors(investors) -> list[dict]:
    wanted = []
    for item in investors:
        values = dict(item) if isinstance(item, dict) else {"investor": item}
        values.setdefault("is_lead", False)
        values.setdefault("amount", None)
        wanted.append(values)
    ids = [values["investor"].pk for values in wanted]
    if len(set(ids)) != len(ids):
        raise ValidationError({"investors": _("Each investor can appear only once in a round.")})
    if sum(1 for values in wanted if values["is_lead"]) > 1:
        raise ValidationError({"investors": _("A funding round has at most one lead investor.")})
    return wanted


def _sync_investors(*, actor, funding_round: FundingRound, wanted: list[dict], provenance=None) -> None:
    if any(values["investor"].pk == funding_round.recipient_id for values in wanted):
        raise ValidationError({"investors": _("An organisation cannot invest in itself.")})
    # Clear a lead flag first so that moving the lead never trips the one-lead constraint mid-way.
    new_lead = next((v["investor"].pk for v in wanted if v["is_lead"]), None)
    for investment in funding_round.investments.filter(is_lead=True).exclude(investor_id=new_lead):
        investment.is_lead = False
        record_save(investment, actor=actor)
    sync_children(
        actor=actor,
        existing=funding_round.investments.all(),
        wanted=wanted,
        key=lambda values: values["investor"].pk,
        key_of=lambda investment: investment.investor_id,
        build=lambda values: FundingInvestment(funding_round=funding_round, **values),
        provenance=provenance,
    )


@transaction.atomic
def funding_round_create(
    *, actor, campus, recipient, round_type: str, investors=(), provenance=None, **attributes
) -> FundingRound:
    require(actor, ADD, FundingRound, campus=campus)
    wanted = _normalise_investors(investors)
    funding_round = FundingRound(campus=campus, recipient=recipient, round_type=round_type, **attributes)
    record_save(funding_round, actor=actor, provenance=provenance)
    _sync_investors(actor=actor, funding_round=funding_round, wanted=wanted, provenance=funding_round.provenance)
    publish("funding_round.created", funding_round, actor=actor)
    return funding_round


@transaction.atomic
def funding_round_update(*, actor, funding_round: FundingRound, investors=None, reason: str = "", **changes):
    _update(funding_round, actor=actor, reason=reason, model=FundingRound, changes=changes)
    if investors is not None:
        _sync_investors(actor=actor, funding_round=funding_round, wanted=_normalise_investors(investors))
    elif funding_round.investments.filter(investor_id=funding_round.recipient_id).exists():
        raise ValidationError({"recipient": _("An organisation cannot invest in itself.")})
    return funding_round


@transaction.atomic
def funding_round_delete(*, actor, funding_round: FundingRound) -> None:
    require(actor, DELETE, funding_round)
    record_delete(funding_round, actor=actor)
