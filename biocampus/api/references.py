"""Turn the public ids a request body names into records the user may see, or say which are unknown.

    values = resolve_links(request.auth, payload.model_dump(), {
        "campus": "campus",
        "parties": {"organization": "organization"},   # a list of rows, each naming an organisation
    })
    # one 422 listing every unknown id, keyed by where it was sent (parties.1.organization)

Lookups go through the selectors, so an id of a record the user may not see is as unknown as a made-up
one (no leaks). Each id is looked up once per request.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import campuses_editable_by, visible
from biocampus.directory.models import Field


class References:
    def __init__(self, user):
        self.user = user
        self.errors: dict[str, list[str]] = {}
        self._cache: dict[tuple[str, UUID], Model | None] = {}

    def _find(self, queryset: QuerySet, public_id: UUID | None, where: str) -> Model | None:
        if public_id is None:
            return None
        key = (queryset.model._meta.label, public_id)
        if key not in self._cache:
            self._cache[key] = queryset.filter(public_id=public_id).first()
        record = self._cache[key]
        if record is None:
            self.errors.setdefault(where, []).append(
                _("No %(kind)s with id %(id)s, or you may not see it.")
                % {"kind": queryset.model._meta.verbose_name, "id": public_id}
            )
        return record

    def organization(self, public_id: UUID | None, where: str):
        from biocampus.directory.models import Organization

        return self._find(visible(Organization.objects.all(), self.user), public_id, where)

    def organizations(self, public_ids: list[UUID], where: str) -> list:
        found = [self.organization(public_id, f"{where}.{index}") for index, public_id in enumerate(public_ids)]
        return [organization for organization in found if organization is not None]

    def campus(self, public_id: UUID | None, where: str):
        from biocampus.campuses.selectors import campuses_for

        return self._find(campuses_for(self.user), public_id, where)

    def editable_campus(self, public_id: UUID | None, where: str):
        """A campus whose records the user edits (the forms offer only those where a campus is chosen)."""
        return self._find(campuses_editable_by(self.user), public_id, where)

    def campuses(self, public_ids: list[UUID], where: str) -> list:
        found = [self.campus(public_id, f"{where}.{index}") for index, public_id in enumerate(public_ids)]
        return [campus for campus in found if campus is not None]

    def event(self, public_id: UUID | None, where: str):
        from biocampus.events.selectors import events_for

        return self._find(events_for(self.user), public_id, where)

    def agreement(self, public_id: UUID | None, where: str):
        from biocampus.agreements.selectors import agreements_for

        return self._find(agreements_for(self.user), public_id, where)

    def programme(self, public_id: UUID | None, where: str):
        from biocampus.progress.selectors import programmes_for

        return self._find(programmes_for(self.user), public_id, where)

    def fields(self, slugs: list[str], where: str) -> list[Field]:
        """Taxonomy entries by code (they are reference data, named by slug rather than by id)."""
        found = {field.slug: field for field in Field.objects.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            self.errors.setdefault(where, []).append(
                _("Unknown field code(s): %(codes)s. GET /api/v1/fields lists them.") % {"codes": ", ".join(unknown)}
            )
        return [found[slug] for slug in dict.fromkeys(slugs) if slug in found]

    def check(self) -> None:
        """Raise one ValidationError (422) naming every unknown reference, if any."""
        if self.errors:
            raise ValidationError(self.errors)

    def resolve(self, values: dict, lookups: dict, where: str = "") -> dict:
        """`values` with the ids named in `lookups` replaced by records.

        `lookups` maps a field to the method that finds it ("organization", "campus", "organizations",
        "fields"...), or, for a list of child rows such as parties, to the lookups of each row. Fields not
        sent stay unsent; a null stays null (it clears the link).
        """
        resolved = dict(values)
        for name, kind in lookups.items():
            value = resolved.get(name)
            if value is None:
                continue
            if isinstance(kind, dict):
                resolved[name] = [self.resolve(row, kind, f"{where}{name}.{index}.") for index, row in enumerate(value)]
            else:
                resolved[name] = getattr(self, kind)(value, f"{where}{name}")
        return resolved


def resolve_links(user, values: dict, lookups: dict) -> dict:
    """`values` with every id in `lookups` replaced by the record; one 422 naming all unknown ids."""
    references = References(user)
    resolved = references.resolve(values, lookups)
    references.check()
    return resolved
