"""Writes to milestones (and their evidence), programmes, targets, observations, funding rounds and the
exchange rates their amounts are converted with."""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import ADD, CHANGE, DELETE, require
from biocampus.core.children import sync_children
from biocampus.core.events import publish
from biocampus.core.files import validate_attachment
from biocampus.core.services import apply_changes, record_delete, record_save
from biocampus.insight import rollups

from .currency import reporting_currency
from .models import (
    OBSERVATION_SUMMARY,
    ExchangeRate,
    FundingInvestment,
    FundingRound,
    Milestone,
    MilestoneEvidence,
    Observation,
    Programme,
    Target,
)


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
    rollups.refresh_buckets(rollups.buckets_of(milestone), metrics=rollups.MILESTONE_METRICS)
    publish("milestone.reached", milestone, actor=actor)
    return milestone


@transaction.atomic
def milestone_update(*, actor, milestone: Milestone, reason: str = "", **changes) -> Milestone:
    before = rollups.buckets_of(milestone)
    _update(milestone, actor=actor, reason=reason, model=Milestone, changes=changes)
    rollups.refresh_buckets(before | rollups.buckets_of(milestone), metrics=rollups.MILESTONE_METRICS)
    return milestone


@transaction.atomic
def milestone_delete(*, actor, milestone: Milestone) -> None:
    require(actor, DELETE, milestone)
    before = rollups.buckets_of(milestone)
    for evidence in milestone.evidence.all():
        _evidence_delete(evidence, actor=actor)
    record_delete(milestone, actor=actor)
    rollups.refresh_buckets(before, metrics=rollups.MILESTONE_METRICS)


def _evidence_delete(evidence: MilestoneEvidence, *, actor) -> None:
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage
    record_delete(evidence, actor=actor)
    if stored:
        # The file goes once the row is surely gone: a rolled-back delete keeps both.
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def evidence_add(
    *, actor, milestone: Milestone, title: str = "", file=None, url: str = "", note: str = "", provenance=None
) -> MilestoneEvidence:
    """Attach a document (an uploaded file) or a link to a milestone; a missing title is the file's name
    or the link."""
    require(actor, CHANGE, milestone)
    if file is not None and url:
        raise ValidationError({"url": _("Give either a file or a link, not both.")})
    if file is None and not url:
        raise ValidationError({"file": _("Choose a file or give a link.")})
    if file is not None:
        validate_attachment(file, field="file")
    if not (title or "").strip():
        title = PurePath(file.name).name if file is not None else url
    evidence = MilestoneEvidence(milestone=milestone, title=title[:300], url=url, note=note)
    if file is not None:
        evidence.file = file
    record_save(evidence, actor=actor, provenance=provenance)
    return evidence


@transaction.atomic
def evidence_remove(*, actor, evidence: MilestoneEvidence) -> None:
    require(actor, CHANGE, evidence.milestone)
    _evidence_delete(evidence, actor=actor)


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
def programme_delete(*, actor, programme: Programme) -> None:
    """Delete a programme with its targets and their observations (each deletion kept in history)."""
    require(actor, DELETE, programme)
    for target in programme.targets.all():
        _target_delete(target, actor=actor)
    record_delete(programme, actor=actor)


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
        _record_observation(actor=actor, target=target, provenance=target.provenance, **row)
    if observations:
        _summarise_observations(target)
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
        _record_observation(actor=actor, target=target, **row)
    # Summarised once, after the observations, and even without any: the save wrote the summary this
    # instance was read with, and an observation recorded since (another request) would be forgotten.
    _summarise_observations(target)
    return target


@transaction.atomic
def target_delete(*, actor, target: Target) -> None:
    """Delete a target with its observations."""
    require(actor, DELETE, target)
    _target_delete(target, actor=actor)


def _target_delete(target: Target, *, actor) -> None:
    for observation in target.observations.all():
        record_delete(observation, actor=actor)
    record_delete(target, actor=actor)


@transaction.atomic
def observation_record(*, actor, target: Target, observed_on, value, note: str = "", provenance=None):
    """Record the metric's value on a date; recording the same date again corrects that observation."""
    observation, changed = _record_observation(
        actor=actor, target=target, observed_on=observed_on, value=value, note=note, provenance=provenance
    )
    if changed:
        _summarise_observations(target)
    return observation


def _record_observation(*, actor, target: Target, observed_on, value, note: str = "", provenance=None):
    """Record or correct one observation, leaving the target's summary to the caller (which summarises once
    after a batch). Returns the observation and whether anything was written."""
    require(actor, CHANGE, target)
    observation = Observation.objects.filter(target=target, observed_on=observed_on).first()
    if observation is None:
        observation = Observation(target=target, observed_on=observed_on, value=value, note=note)
        record_save(observation, actor=actor, provenance=provenance)
        publish("observation.recorded", observation, actor=actor)
        return observation, True
    if apply_changes(observation, {"value": value, "note": note}):
        record_save(observation, actor=actor, reason="corrected")
        return observation, True
    return observation, False


def _summarise_observations(target: Target) -> None:
    """Keep the target's first and last observations (read by the KPI dashboard) in step, on the row and on
    the instance, so that a later save of this instance does not write the old ones back."""
    Target.objects.filter(pk=target.pk).refresh_observation_summary()
    target.refresh_from_db(fields=OBSERVATION_SUMMARY)


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
    rollups.refresh_buckets(rollups.buckets_of(funding_round), metrics=rollups.FUNDING_METRICS)
    publish("funding_round.created", funding_round, actor=actor)
    return funding_round


@transaction.atomic
def funding_round_update(*, actor, funding_round: FundingRound, investors=None, reason: str = "", **changes):
    before = rollups.buckets_of(funding_round)
    _update(funding_round, actor=actor, reason=reason, model=FundingRound, changes=changes)
    rollups.refresh_buckets(before | rollups.buckets_of(funding_round), metrics=rollups.FUNDING_METRICS)
    if investors is not None:
        _sync_investors(actor=actor, funding_round=funding_round, wanted=_normalise_investors(investors))
    elif funding_round.investments.filter(investor_id=funding_round.recipient_id).exists():
        raise ValidationError({"recipient": _("An organisation cannot invest in itself.")})
    return funding_round


@transaction.atomic
def funding_round_delete(*, actor, funding_round: FundingRound) -> None:
    require(actor, DELETE, funding_round)
    before = rollups.buckets_of(funding_round)
    record_delete(funding_round, actor=actor)
    rollups.refresh_buckets(before, metrics=rollups.FUNDING_METRICS)


# --- exchange rates (the network's table, kept by superusers) ------------------------------------------


def _check_rate_currency(currency: str) -> None:
    if currency == reporting_currency():
        raise ValidationError(
            {"currency": _("%(code)s is the reporting currency: it always converts at 1.") % {"code": currency}}
        )


@transaction.atomic
def exchange_rate_set(
    *, actor, currency: str, valid_from, rate, source: str = "", exchange_rate: ExchangeRate | None = None,
    provenance=None,
) -> ExchangeRate:  # fmt: skip
    """Record the rate of `currency` from `valid_from` on. Without `exchange_rate`, a rate of the same
    currency and date is corrected rather than repeated; with it, that rate is changed."""
    currency = (currency or "").strip().upper()
    _check_rate_currency(currency)
    if exchange_rate is None:
        exchange_rate = ExchangeRate.objects.filter(currency=currency, valid_from=valid_from).first()
    if exchange_rate is None:
        require(actor, ADD, ExchangeRate)
        exchange_rate = ExchangeRate(currency=currency, valid_from=valid_from, rate=rate, source=source)
        record_save(exchange_rate, actor=actor, provenance=provenance)
        rollups.refresh_currencies([currency])
        return exchange_rate
    require(actor, CHANGE, exchange_rate)
    currency_before = exchange_rate.currency
    if apply_changes(exchange_rate, {"currency": currency, "valid_from": valid_from, "rate": rate, "source": source}):
        record_save(exchange_rate, actor=actor)
        rollups.refresh_currencies([currency_before, currency])
    return exchange_rate


@transaction.atomic
def exchange_rate_update(*, actor, exchange_rate: ExchangeRate, reason: str = "", **changes) -> ExchangeRate:
    """Change some fields of a rate (the API's PATCH)."""
    require(actor, CHANGE, exchange_rate)
    if "currency" in changes:
        changes["currency"] = (changes["currency"] or "").strip().upper()
        _check_rate_currency(changes["currency"])
    currency_before = exchange_rate.currency
    if apply_changes(exchange_rate, changes):
        record_save(exchange_rate, actor=actor, reason=reason)
        rollups.refresh_currencies([currency_before, exchange_rate.currency])
    return exchange_rate


@transaction.atomic
def exchange_rate_delete(*, actor, exchange_rate: ExchangeRate) -> None:
    require(actor, DELETE, exchange_rate)
    record_delete(exchange_rate, actor=actor)
    rollups.refresh_currencies([exchange_rate.currency])
