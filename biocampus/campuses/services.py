"""Writes to campuses and residencies."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import ADD, CHANGE, DELETE, require
from biocampus.core.events import publish
from biocampus.core.services import apply_changes, record_delete, record_save
from biocampus.directory.choices import OrganizationKind
from biocampus.directory.models import Organization
from biocampus.insight import rollups

from .choices import RESIDENCY_TRANSITIONS, OperatorRole, ResidencyStatus
from .models import Campus, CampusOperator, Residency

# Which date a status change stamps on the residency.
_STATUS_DATE_FIELD = {
    ResidencyStatus.APPLIED: "applied_on",
    ResidencyStatus.SIGNED: "signed_on",
    ResidencyStatus.RESIDENT: "moved_in_on",
    ResidencyStatus.GRADUATED: "ended_on",
    ResidencyStatus.EXITED: "ended_on",
    ResidencyStatus.DECLINED: "ended_on",
}


_STEP = {
    ResidencyStatus.PROSPECT: 0,
    ResidencyStatus.APPLIED: 1,
    ResidencyStatus.IN_REVIEW: 2,
    ResidencyStatus.SIGNED: 3,
    ResidencyStatus.RESIDENT: 4,
    ResidencyStatus.GRADUATED: 5,
    ResidencyStatus.EXITED: 5,
    ResidencyStatus.DECLINED: 5,
}


@transaction.atomic
def campus_create(
    *, actor, organization: Organization, slug: str, operators=(), provenance=None, **attributes
) -> Campus:
    require(actor, ADD, Campus)
    if organization.kind != OrganizationKind.CAMPUS:
        raise ValidationError({"organization": _("A campus must be an organisation of kind campus.")})
    campus = Campus(organization=organization, slug=slug, **attributes)
    record_save(campus, actor=actor, provenance=provenance)
    campus_set_operators(actor=actor, campus=campus, operators=operators, provenance=campus.provenance)
    rollups.rebuild(campus)  # a new campus has no records: its (empty) KPI rollups are complete
    return campus


@transaction.atomic
def campus_update(*, actor, campus: Campus, sister_campuses=None, reason: str = "", **changes) -> Campus:
    require(actor, CHANGE, campus)
    if apply_changes(campus, changes):
        record_save(campus, actor=actor, reason=reason)
        if "organization" in changes:  # home and abroad are judged against the campus's organisation
            rollups.refresh(campus=campus, metrics=rollups.ORGANIZATION_METRICS)
    if sister_campuses is not None:
        sisters = {c for c in sister_campuses if c.pk != campus.pk}
        if set(campus.sister_campuses.all()) != sisters:
            campus._history_user = actor if getattr(actor, "is_authenticated", False) else None
            campus.sister_campuses.set(sisters)
    return campus


@transaction.atomic
def campus_save(*, actor, campus: Campus | None, sister_campuses, operators, **fields) -> Campus:
    """The campus form's one write: create or update the campus, its sister links and its operators."""
    if campus is None:
        campus = campus_create(actor=actor, operators=operators, **fields)
        return campus_update(actor=actor, campus=campus, sister_campuses=sister_campuses)
    campus = campus_update(actor=actor, campus=campus, sister_campuses=sister_campuses, **fields)
    campus_set_operators(actor=actor, campus=campus, operators=operators)
    return campus


@transaction.atomic
def campus_set_operators(*, actor, campus: Campus, operators, provenance=None) -> None:
    """Make the operators exactly `operators`: a list of organisations or (organisation, role) pairs."""
    require(actor, CHANGE, campus)
    wanted = {}
    for item in operators:
        organization, role = item if isinstance(item, tuple) else (item, OperatorRole.CO_BUILDER)
        wanted[organization.pk] = (organization, role)
    for link in list(campus.operator_links.all()):
        if link.organization_id not in wanted:
            record_delete(link, actor=actor)
        else:
            _organization, role = wanted.pop(link.organization_id)
            if link.role != role:
                link.role = role
                record_save(link, actor=actor)
    for organization, role in wanted.values():
        link = CampusOperator(campus=campus, organization=organization, role=role)
        record_save(link, actor=actor, provenance=provenance)


@transaction.atomic
def residency_create(
    *,
    actor,
    organization: Organization,
    campus: Campus,
    status: str = ResidencyStatus.PROSPECT,
    provenance=None,
    **attributes,
) -> Residency:
    require(actor, ADD, Residency, campus=campus)
    if organization.kind == OrganizationKind.CAMPUS:
        raise ValidationError({"organization": _("A campus cannot be a resident of another campus.")})
    residency = Residency(organization=organization, campus=campus, status=status, **attributes)
    record_save(residency, actor=actor, provenance=provenance)
    rollups.refresh_buckets(rollups.buckets_of(residency), metrics=rollups.RESIDENCY_METRICS)
    publish("residency.created", residency, actor=actor)
    return residency


@transaction.atomic
def residency_update(*, actor, residency: Residency, reason: str = "", **changes) -> Residency:
    require(actor, CHANGE, residency)
    new_campus = changes.get("campus")
    if new_campus is not None and new_campus != residency.campus:
        require(actor, ADD, Residency, campus=new_campus)
    new_organization = changes.get("organization")
    if new_organization is not None and new_organization.kind == OrganizationKind.CAMPUS:
        raise ValidationError({"organization": _("A campus cannot be a resident of another campus.")})
    status_changes = "status" in changes and changes["status"] != residency.status
    if status_changes:
        _check_transition(residency.status, changes["status"])
    before = rollups.buckets_of(residency)
    if apply_changes(residency, changes):
        record_save(residency, actor=actor, reason=reason)
        rollups.refresh_buckets(before | rollups.buckets_of(residency), metrics=rollups.RESIDENCY_METRICS)
    if status_changes:
        publish("residency.status_changed", residency, actor=actor)
    return residency


@transaction.atomic
def residency_change_status(
    *, actor, residency: Residency, status: str, on: datetime.date | None = None, reason: str = ""
) -> Residency:
    """Move a residency along its lifecycle, stamping the date of the step (today unless given)."""
    require(actor, CHANGE, residency)
    _check_transition(residency.status, status)
    before = rollups.buckets_of(residency)
    if _STEP[status] < _STEP[residency.status]:
        # Going back (declined -> prospect, signed -> in review): the later steps did not happen.
        for later_status, later_field in _STATUS_DATE_FIELD.items():
            if _STEP[later_status] > _STEP[status]:
                setattr(residency, later_field, None)
    residency.status = status
    date_field = _STATUS_DATE_FIELD.get(status)
    if date_field:
        setattr(residency, date_field, on or datetime.date.today())
    record_save(residency, actor=actor, reason=reason)
    rollups.refresh_buckets(before | rollups.buckets_of(residency), metrics=rollups.RESIDENCY_METRICS)
    publish("residency.status_changed", residency, actor=actor)
    return residency


def _check_transition(current: str, new: str) -> None:
    if new not in RESIDENCY_TRANSITIONS.get(current, frozenset()):
        raise ValidationError(
            {
                "status": _("A residency cannot go from %(current)s to %(new)s.")
                % {"current": ResidencyStatus(current).label, "new": ResidencyStatus(new).label}
            }
        )


@transaction.atomic
def residency_delete(*, actor, residency: Residency) -> None:
    require(actor, DELETE, residency)
    before = rollups.buckets_of(residency)
    record_delete(residency, actor=actor)
    rollups.refresh_buckets(before, metrics=rollups.RESIDENCY_METRICS)
