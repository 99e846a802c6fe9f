"""Writes to the registry: one function per action, keyword-only, atomic, permission-checked."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import ADD, CHANGE, DELETE, campuses_editable_by, require
from biocampus.core.events import publish
from biocampus.core.services import apply_changes, record_delete, record_save, unique_in_order
from biocampus.core.text import clean_text, fold
from biocampus.insight import rollups

from .choices import IdentifierScheme
from .models import Field, Organization, OrganizationIdentifier, Person


def organization_search_text(organization: Organization, identifiers: list[str] | None = None) -> str:
    """The text directory search matches: every name, alias, the city and the identifiers, folded."""
    if identifiers is None:
        identifiers = list(organization.identifiers.values_list("value", flat=True)) if organization.pk else []
    parts = [organization.name, organization.name_zh, *organization.aliases, organization.city, *identifiers]
    return "\n".join(fold(part) for part in parts if part)


def clean_aliases(aliases, *, name: str = "", name_zh: str = "") -> list[str]:
    if isinstance(aliases, str):
        aliases = aliases.splitlines()
    if not aliases:
        return []
    try:
        cleaned = [clean_text(str(alias)) for alias in aliases or []]
    except ValidationError as error:
        raise ValidationError({"aliases": error.messages}) from error
    own_names = {fold(name), fold(name_zh)}
    return unique_in_order((a for a in cleaned if a and fold(a) not in own_names), key=fold)


@transaction.atomic
def organization_create(
    *, actor, name: str, kind: str, fields: list[Field] | tuple = (), provenance=None, **attributes
) -> Organization:
    require(actor, ADD, Organization)
    if attributes.get("steward") is None:
        attributes["steward"] = default_steward(actor)
    attributes["aliases"] = clean_aliases(
        attributes.get("aliases", []), name=name, name_zh=attributes.get("name_zh", "")
    )
    organization = Organization(name=name, kind=kind, **attributes)
    organization.search_text = organization_search_text(organization, identifiers=[])
    record_save(organization, actor=actor, provenance=provenance)
    if fields:
        organization.fields.set(fields)
    publish("organization.created", organization, actor=actor)
    return organization


def default_steward(actor):
    """A record typed in by campus staff is looked after by their campus, so they can keep editing it."""
    from biocampus.accounts.permissions import access_for
    from biocampus.campuses.models import Campus

    editor_campuses = sorted(access_for(actor).editor_campuses)
    return Campus.objects.filter(pk=editor_campuses[0]).first() if editor_campuses else None


@transaction.atomic
def organization_update(*, actor, organization: Organization, fields=None, reason: str = "", **changes):
    require(actor, CHANGE, organization)
    if "aliases" in changes:
        changes["aliases"] = clean_aliases(
            changes["aliases"],
            name=changes.get("name", organization.name),
            name_zh=changes.get("name_zh", organization.name_zh),
        )
    if actor is not None and "steward" in changes and changes["steward"] != organization.steward:
        # Handing the record to a campus is that campus's team's act (an editor there and of the old
        # steward); `actor=None` is the system itself (import-all, the demo loader).
        editable_campuses = set(campuses_editable_by(actor))
        for campus in (organization.steward, changes["steward"]):
            if campus is not None and campus not in editable_campuses:
                raise PermissionDenied(_("Only the team of a campus can make it look after an organisation."))
    if changes.get("parent") is not None:
        _check_no_parent_cycle(organization, changes["parent"])
    country_before = organization.country
    changed = apply_changes(organization, changes)
    if changed:
        organization.search_text = organization_search_text(organization)
        record_save(organization, actor=actor, reason=reason)
        publish("organization.updated", organization, actor=actor)
    fields_change = fields is not None and set(organization.fields.all()) != set(fields)
    if fields_change:
        organization._history_user = actor if getattr(actor, "is_authenticated", False) else None
        organization.fields.set(fields)
    if fields_change or organization.country != country_before:  # KPIs break down by country and field
        rollups.refresh_organizations([organization.pk])
    return organization


def _check_no_parent_cycle(organization: Organization, parent: Organization) -> None:
    """A parent chain must end: A cannot be part of B if B is (through any number of steps) part of A."""
    seen = set()
    while parent is not None and parent.pk not in seen:
        if parent.pk == organization.pk:
            raise ValidationError({"parent": _("This would make the organisation part of itself.")})
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def organization_delete(*, actor, organization: Organization) -> None:
    require(actor, DELETE, organization)
    involved = rollups.campuses_of_organizations([organization.pk])
    try:
        record_delete(organization, actor=actor)
        rollups.refresh_campuses(involved)
    except ProtectedError as error:
        raise ValidationError(
            _("%(name)s is a party to agreements, events or investments; remove it from those first.")
            % {"name": organization.name}
        ) from error


@transaction.atomic
def identifier_add(*, actor, organization: Organization, scheme: str, value: str, provenance=None):
    require(actor, CHANGE, organization)
    if scheme not in IdentifierScheme.values:
        raise ValidationError({"scheme": _("Unknown identifier scheme %(scheme)s.") % {"scheme": scheme}})
    identifier = OrganizationIdentifier(organization=organization, scheme=scheme, value=value)
    record_save(identifier, actor=actor, provenance=provenance or organization.provenance)
    organization.search_text = organization_search_text(organization)
    Organization.objects.filter(pk=organization.pk).update(search_text=organization.search_text)
    return identifier


@transaction.atomic
def person_create(*, actor, name: str, organization: Organization | None = None, provenance=None, **attributes):
    if organization is not None:
        require(actor, CHANGE, organization)
    else:
        require(actor, ADD, Organization)  # a free-floating contact is a registry record
    person = Person(name=name, organization=organization, **attributes)
    return record_save(person, actor=actor, provenance=provenance)


@transaction.atomic
def person_update(*, actor, person: Person, reason: str = "", **changes) -> Person:
    require(actor, CHANGE, person)
    new_organization = changes.get("organization")
    if new_organization is not None and new_organization != person.organization:
        require(actor, CHANGE, new_organization)
    if apply_changes(person, changes):
        record_save(person, actor=actor, reason=reason)
    return person


@transaction.atomic
def person_delete(*, actor, person: Person) -> None:
    require(actor, DELETE, person)
    record_delete(person, actor=actor)


def field_get_or_create(*, slug: str, name: str, name_zh: str = "", parent: Field | None = None) -> Field:
    """Taxonomy entries are reference data kept by admins and migrations; no per-user permission."""
    field, _created = Field.objects.get_or_create(
        slug=slug, defaults={"name": name, "name_zh": name_zh, "parent": parent}
    )
    return field


# --- Merging two organisations that are one --------------------------------------------------------------

# Fields of a combined row (two residencies at one campus) that a merge never fills from the other row.
_BOOKKEEPING_FIELDS = {"id", "public_id", "created_at", "updated_at", "provenance"}


def links_to_organizations() -> list:
    """Every foreign key that points at an organisation, history tables and m2m join tables aside."""
    from simple_history.models import HistoricalChanges

    links = []
    for relation in Organization._meta._get_fields(forward=False, reverse=True, include_hidden=True):
        model = relation.related_model
        if relation.many_to_many or issubclass(model, HistoricalChanges) or model._meta.auto_created:
            continue
        links.append(relation.field)
    return links


def rows_linked(field, organization: Organization) -> list:
    return list(field.model._default_manager.filter(**{field.name: organization}).order_by("pk"))


def unique_partner(row, field, keep: Organization):
    """The row of `keep` that `row` would collide with under a unique constraint, if any."""
    from django.db.models import UniqueConstraint

    for constraint in row._meta.constraints:
        unconditional = isinstance(constraint, UniqueConstraint) and constraint.condition is None
        if unconditional and field.name in constraint.fields:
            lookup = {name: getattr(row, name) for name in constraint.fields if name != field.name}
            partner = field.model._default_manager.filter(**{field.name: keep}, **lookup).first()
            if partner is not None:
                return partner
    return None


def link_label(field) -> str:
    label = str(field.model._meta.verbose_name_plural)
    return label if field.name == "organization" else f"{label} ({field.verbose_name})"


def _campus_of(row) -> int | None:
    from biocampus.campuses.models import Campus

    if isinstance(row, Campus):
        return row.pk
    if getattr(row, "campus_id", None):
        return row.campus_id
    for parent in ("agreement", "event", "funding_round"):
        if getattr(row, f"{parent}_id", None):
            return _campus_of(getattr(row, parent))
    return None


def _campuses_involved(organizations: list[Organization]) -> set[int]:
    campuses = {o.steward_id for o in organizations if o.steward_id}
    for organization in organizations:
        for field in links_to_organizations():
            campuses.update(filter(None, (_campus_of(row) for row in rows_linked(field, organization))))
        campuses.update(organization.programmes.values_list("campus_id", flat=True))
    return campuses


def _require_merge_permission(actor, keep: Organization, merge: Organization) -> None:
    """Superusers, or campus admins of every campus either organisation is involved with."""
    from django.core.exceptions import PermissionDenied

    from biocampus.accounts.permissions import access_for

    if actor is None:
        return
    access = access_for(actor)
    if access.is_superuser:
        return
    involved = _campuses_involved([keep, merge])
    if not involved or not involved <= access.admin_campuses:
        raise PermissionDenied(
            _(
                "Only a superuser, or an admin of every campus that either organisation is involved with, may merge them."
            )
        )


def _check_mergeable(keep: Organization, merge: Organization) -> None:
    from django.db.models import Q

    from biocampus.agreements.models import AgreementParty
    from biocampus.campuses.models import Campus
    from biocampus.progress.models import FundingInvestment

    from .choices import OrganizationKind

    if keep.pk == merge.pk:
        raise ValidationError(_("Pick two different organisations."))
    keep_campus = Campus.objects.filter(organization=keep).exists()
    merge_campus = Campus.objects.filter(organization=merge).exists()
    if merge_campus and (keep_campus or keep.kind != OrganizationKind.CAMPUS):
        raise ValidationError(
            _("%(merge)s is a campus: it can only be merged into an organisation of kind campus that is not one yet.")
            % {"merge": merge.name}
        )
    if keep.kind == OrganizationKind.CAMPUS and merge.residencies.exists():
        raise ValidationError(_("A campus cannot be a resident: %(merge)s has residencies.") % {"merge": merge.name})
    self_investment = FundingInvestment.objects.filter(
        Q(investor=merge, funding_round__recipient=keep) | Q(investor=keep, funding_round__recipient=merge)
    ).first()
    if self_investment is not None:
        raise ValidationError(
            _("One invests in the other (%(round)s): after a merge it would invest in itself. Change that round first.")
            % {"round": self_investment.funding_round}
        )
    shared = AgreementParty.objects.filter(organization=merge, agreement__parties__organization=keep)
    for party in shared.select_related("agreement"):
        if party.agreement.parties.count() <= 2:
            raise ValidationError(
                _("Both are the only parties to “%(agreement)s”: merged, it would have one party. Change it first.")
                % {"agreement": party.agreement}
            )


def _save_moved(row, *, actor, reason: str) -> None:
    if hasattr(row, "history"):
        record_save(row, actor=actor, reason=reason)
    else:  # memberships keep no history
        row.full_clean()
        row.save()


def _delete_moved(row, *, actor, reason: str) -> None:
    if hasattr(row, "history"):
        record_delete(row, actor=actor, reason=reason)
    else:
        row.delete()


def _combine(kept, merged, *, actor, reason: str) -> None:
    """Keep `kept`, filling its blank fields from `merged`, and delete `merged` (both keep their history)."""
    filled = False
    for model_field in kept._meta.concrete_fields:
        if model_field.name in _BOOKKEEPING_FIELDS or model_field.primary_key:
            continue
        mine, theirs = getattr(kept, model_field.attname), getattr(merged, model_field.attname)
        if mine in (None, "", False) and theirs not in (None, "", False):
            setattr(kept, model_field.attname, theirs)
            filled = True
    _delete_moved(merged, actor=actor, reason=reason)
    if filled:
        _save_moved(kept, actor=actor, reason=reason)


@transaction.atomic
def organization_merge(*, actor, keep: Organization, merge: Organization) -> Organization:
    """Merge `merge` into `keep`: every link moves over (rows that would collide, such as two residencies at
    one campus, are combined), `merge`'s names become aliases, blank fields of `keep` are filled from it, and
    `merge` is deleted. Every moved, combined or deleted row keeps its history, with the merge as reason."""
    locked = {o.pk: o for o in Organization.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk])}
    if len(locked) != 2:
        raise ValidationError(_("Pick two different organisations that still exist."))
    keep, merge = locked[keep.pk], locked[merge.pk]
    _require_merge_permission(actor, keep, merge)
    _check_mergeable(keep, merge)
    involved = rollups.campuses_of_organizations([keep.pk, merge.pk])
    reason = f"merged {merge.name} ({merge.public_id}) into {keep.name} ({keep.public_id})"

    for field in links_to_organizations():
        for row in rows_linked(field, merge):
            if row == keep:  # `keep` is a unit of `merge`: it takes merge's parent instead (below)
                continue
            partner = unique_partner(row, field, keep)
            if partner is not None:
                _combine(partner, row, actor=actor, reason=reason)
                continue
            setattr(row, field.name, keep)
            _save_moved(row, actor=actor, reason=reason)
    history_user = actor if getattr(actor, "is_authenticated", False) else None
    for programme in merge.programmes.all():
        programme._history_user = history_user
        programme.organizations.remove(merge)
        programme.organizations.add(keep)

    keep.refresh_from_db()
    changes = {}
    for name in ("name_zh", "country", "city", "website", "description", "founded_year", "steward_id"):
        if getattr(keep, name) in (None, "") and getattr(merge, name) not in (None, ""):
            changes[name] = getattr(merge, name)
    parent_id = merge.parent_id if keep.parent_id in (None, merge.pk) else keep.parent_id
    if parent_id != keep.parent_id and parent_id != keep.pk:
        changes["parent_id"] = parent_id
    elif keep.parent_id == merge.pk:
        changes["parent_id"] = None
    merged_names = [merge.name, merge.name_zh if "name_zh" not in changes else "", *merge.aliases]
    aliases = clean_aliases(
        [*keep.aliases, *merged_names], name=keep.name, name_zh=changes.get("name_zh", keep.name_zh)
    )
    if aliases != keep.aliases:
        changes["aliases"] = aliases
    apply_changes(keep, changes)
    keep.search_text = organization_search_text(keep)
    record_save(keep, actor=actor, reason=reason)
    missing_fields = list(merge.fields.exclude(pk__in=keep.fields.values("pk")))
    if missing_fields:
        keep._history_user = history_user
        keep.fields.add(*missing_fields)

    leftovers = [
        link_label(field)
        for field in links_to_organizations()
        if field.model._default_manager.filter(**{field.name: merge}).exists()
    ]
    if leftovers:  # a relation this function does not know yet: refuse rather than let a cascade delete it
        raise ValidationError(_("Could not move: %(links)s.") % {"links": ", ".join(leftovers)})
    record_delete(merge, actor=actor, reason=reason)
    rollups.refresh_campuses(involved)  # combined residencies, parties and showcases count once now
    publish("organization.merged", keep, actor=actor)
    return keep
