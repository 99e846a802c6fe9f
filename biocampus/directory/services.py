"""Writes to the registry: one function per action, keyword-only, atomic, permission-checked."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import ADD, CHANGE, DELETE, require
from biocampus.core.events import publish
from biocampus.core.services import apply_changes, record_delete, record_save, unique_in_order
from biocampus.core.text import clean_text, fold

from .choices import IdentifierScheme
from .models import Field, Organization, OrganizationIdentifier, Person


def organization_search_text(organization: Organization, identifiers: list[str] | None = None) -> str:
    """The text directory search matches: every name, alias, the city and the identifiers, folded."""
    if identifiers is None:
        identifiers = list(organization.identifiers.values_list("value", flat=True)) if organization.pk else []
    parts = [organization.name, organization.name_zh, *organization.aliases, organization.city, *identifiers]
    return "\n".join(fold(part) for part in parts if part)


def _clean_aliases(aliases, *, name: str = "", name_zh: str = "") -> list[str]:
    if isinstance(aliases, str):
        aliases = aliases.splitlines()
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
        attributes["steward"] = _default_steward(actor)
    attributes["aliases"] = _clean_aliases(
        attributes.get("aliases", []), name=name, name_zh=attributes.get("name_zh", "")
    )
    organization = Organization(name=name, kind=kind, **attributes)
    organization.search_text = organization_search_text(organization, identifiers=[])
    record_save(organization, actor=actor, provenance=provenance)
    if fields:
        organization.fields.set(fields)
    publish("organization.created", organization, actor=actor)
    return organization


def _default_steward(actor):
    """A record typed in by campus staff is looked after by their campus, so they can keep editing it."""
    from biocampus.accounts.permissions import access_for
    from biocampus.campuses.models import Campus

    editor_campuses = sorted(access_for(actor).editor_campuses)
    return Campus.objects.filter(pk=editor_campuses[0]).first() if editor_campuses else None


@transaction.atomic
def organization_update(*, actor, organization: Organization, fields=None, reason: str = "", **changes):
    require(actor, CHANGE, organization)
    if "aliases" in changes:
        changes["aliases"] = _clean_aliases(
            changes["aliases"],
            name=changes.get("name", organization.name),
            name_zh=changes.get("name_zh", organization.name_zh),
        )
    changed = apply_changes(organization, changes)
    if changed:
        organization.search_text = organization_search_text(organization)
        record_save(organization, actor=actor, reason=reason)
        publish("organization.updated", organization, actor=actor)
    if fields is not None and set(organization.fields.all()) != set(fields):
        organization._history_user = actor if getattr(actor, "is_authenticated", False) else None
        organization.fields.set(fields)
    return organization


@transaction.atomic
def organization_delete(*, actor, organization: Organization) -> None:
    require(actor, DELETE, organization)
    try:
        record_delete(organization, actor=actor)
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
