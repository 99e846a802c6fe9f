"""Writes to agreements, their parties, obligations and documents."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import ADD, CHANGE, DELETE, require
from biocampus.core.children import sync_children
from biocampus.core.events import publish
from biocampus.core.services import apply_changes, record_delete, record_save
from biocampus.insight import rollups

from .choices import SIGNED_AGREEMENT_STATUSES, PartyRole
from .models import Agreement, AgreementDocument, AgreementParty, Obligation


def _normalise_parties(parties) -> list[dict]:
    """Accept organisations, (organisation, role) pairs or dicts; refuse duplicates and fewer than two."""
    normalised = []
    for item in parties:
        if isinstance(item, dict):
            values = dict(item)
        elif isinstance(item, tuple):
            values = {"organization": item[0], "role": item[1]}
        else:
            values = {"organization": item}
        values.setdefault("role", PartyRole.PARTY)
        values.setdefault("signatory", "")
        normalised.append(values)
    organizations = [values["organization"].pk for values in normalised]
    if len(set(organizations)) != len(organizations):
        raise ValidationError({"parties": _("Each organisation can be a party only once.")})
    if len(normalised) < 2:
        raise ValidationError({"parties": _("An agreement needs at least two parties.")})
    return normalised


@transaction.atomic
def agreement_create(*, actor, campus, title: str, type: str, parties, provenance=None, **attributes) -> Agreement:
    require(actor, ADD, Agreement, campus=campus)
    wanted = _normalise_parties(parties)
    agreement = Agreement(campus=campus, title=title, type=type, **attributes)
    record_save(agreement, actor=actor, provenance=provenance)
    _sync_parties(actor=actor, agreement=agreement, wanted=wanted, provenance=agreement.provenance)
    rollups.refresh_buckets(rollups.buckets_of(agreement), metrics=rollups.AGREEMENT_METRICS)
    publish("agreement.created", agreement, actor=actor)
    if agreement.status in SIGNED_AGREEMENT_STATUSES:
        publish("agreement.signed", agreement, actor=actor)
    return agreement


@transaction.atomic
def agreement_update(*, actor, agreement: Agreement, parties=None, reason: str = "", **changes) -> Agreement:
    require(actor, CHANGE, agreement)
    new_campus = changes.get("campus")
    if new_campus is not None and new_campus != agreement.campus:
        require(actor, ADD, Agreement, campus=new_campus)
    was_signed = agreement.status in SIGNED_AGREEMENT_STATUSES
    before = rollups.buckets_of(agreement)
    if apply_changes(agreement, changes):
        record_save(agreement, actor=actor, reason=reason)
        if not was_signed and agreement.status in SIGNED_AGREEMENT_STATUSES:
            publish("agreement.signed", agreement, actor=actor)
    if parties is not None:
        _sync_parties(actor=actor, agreement=agreement, wanted=_normalise_parties(parties))
    rollups.refresh_buckets(before | rollups.buckets_of(agreement), metrics=rollups.AGREEMENT_METRICS)
    return agreement


def _sync_parties(*, actor, agreement: Agreement, wanted: list[dict], provenance=None) -> None:
    sync_children(
        actor=actor,
        existing=agreement.parties.all(),
        wanted=wanted,
        key=lambda values: values["organization"].pk,
        key_of=lambda party: party.organization_id,
        build=lambda values: AgreementParty(agreement=agreement, **values),
        provenance=provenance,
    )


@transaction.atomic
def agreement_delete(*, actor, agreement: Agreement) -> None:
    require(actor, DELETE, agreement)
    before = rollups.buckets_of(agreement)
    record_delete(agreement, actor=actor)
    rollups.refresh_buckets(before, metrics=rollups.AGREEMENT_METRICS)


@transaction.atomic
def obligation_add(*, actor, agreement: Agreement, description: str, provenance=None, **attributes) -> Obligation:
    require(actor, CHANGE, agreement)
    party = attributes.get("party")
    if party is not None and not agreement.parties.filter(organization=party).exists():
        raise ValidationError({"party": _("The obligation must be owed by a party to the agreement.")})
    obligation = Obligation(agreement=agreement, description=description, **attributes)
    return record_save(obligation, actor=actor, provenance=provenance)


@transaction.atomic
def document_add(*, actor, agreement: Agreement, title: str, file=None, url: str = "", provenance=None):
    require(actor, CHANGE, agreement)
    document = AgreementDocument(agreement=agreement, title=title, url=url)
    if file is not None:
        document.file = file
    return record_save(document, actor=actor, provenance=provenance)
