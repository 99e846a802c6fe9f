"""Organisations: the kind with a dedupe step, since a new row may be an existing organisation by another name.

A row stands for an existing organisation when
- its public_id is that organisation's (and then its name may rename it);
- its name is exactly the organisation's name or one of its aliases (the natural key);
- its `match` column (or the decision taken on the import page) names the organisation.
Matched by an alias or by a decision, the row adds its names as aliases and fills in what it has; it never
renames. Otherwise the directory is searched for probable matches (dedupe.DirectoryIndex); a row with one
is not created but reported as a probable duplicate, unless `match` says "new" or the import creates new
organisations anyway (--create-new).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from biocampus.core.text import fold
from biocampus.directory import services
from biocampus.directory.choices import IdentifierScheme
from biocampus.directory.choices import OrganizationKind as KindChoices
from biocampus.directory.models import Organization

from ..columns import (
    PROVENANCE,
    PUBLIC_ID,
    Attribute,
    CellError,
    Choice,
    Column,
    Country,
    Integer,
    ListOf,
    Records,
    Reference,
    Text,
    is_blank,
)
from ..formats import Row
from ..report import Candidate, Duplicate, Outcome
from .base import ImportContext, Kind, RowProblems, RowResult

NEW = "new"


def _identifiers(organization: Organization) -> list[dict]:
    return [
        {"value": identifier.value, "scheme": identifier.scheme}
        for identifier in sorted(organization.identifiers.all(), key=lambda i: i.pk)
    ]


class OrganizationsKind(Kind):
    name = "organizations"
    model = Organization
    title = "Organisations"
    key = ("name",)
    create_service = staticmethod(services.organization_create)
    update_service = staticmethod(services.organization_update)
    record_argument = "organization"
    extras = frozenset({"identifiers"})
    select_related = ("parent", "steward")
    prefetch_related = ("fields", "identifiers")
    columns = (
        PUBLIC_ID,
        Column("name", Text(255), required=True, help="The name in English (or as the organisation writes it)."),
        Column("name_zh", Text(255), help="The Chinese name."),
        Column(
            "aliases",
            ListOf(Text(255)),
            help="Other names: short forms, former names, other spellings.",
            read=lambda o: list(o.aliases),
        ),
        Column("kind", Choice(KindChoices, "kind of organisation"), required=True),
        Column("country", Country()),
        Column("city", Text(120)),
        Column(
            "fields",
            ListOf(Reference("directory.field", "field code from the taxonomy, e.g. drug-rd")),
            help="Fields from the taxonomy, by code (drug-rd, diagnostics...).",
            read=lambda o: sorted(o.fields.all(), key=lambda f: f.slug),
        ),
        Column("website", Text(200)),
        Column("founded_year", Integer()),
        Column(
            "parent",
            Reference("directory.organization", "organisation name or public id"),
            help="The parent organisation; it may be a row of the same file.",
        ),
        Column("steward", Reference("campuses.campus", "campus short name"), help="The campus that keeps the record."),
        Column(
            "identifiers",
            Records(
                Attribute("value", Text(64)),
                Attribute("scheme", Choice(IdentifierScheme, "identifier scheme")),
            ),
            help="Official identifiers, e.g. `91320214MA1X7K9Q2W; scheme=uscc`. Added, never removed.",
            additive=True,
            read=_identifiers,
        ),
        Column("description", Text()),
        Column(
            "match",
            Text(),
            help="For a row that is probably an existing organisation: its public id (or exact name) to update "
            "it, or `new` to create the row anyway.",
            directive=True,
            exported=False,
        ),
        PROVENANCE,
    )

    def sort_key(self, record):
        return (fold(record.name), record.name, str(record.public_id))

    def order_rows(self, rows: list[Row]) -> list[Row]:
        """Parents before their units, so that `parent` may name a row further down the file."""
        if not any("parent" in row.cells for row in rows):
            return rows
        position = {}
        for index, row in enumerate(rows):
            for key in (row.cells.get("name"), row.cells.get("public_id")):
                if isinstance(key, str) and key.strip():
                    position.setdefault(fold(key), index)
        ordered, placed, visiting = [], set(), set()

        def place(index: int) -> None:
            if index in placed or index in visiting:
                return  # a cycle stays in file order; the rows will report their own problem
            visiting.add(index)
            parent = rows[index].cells.get("parent")
            if isinstance(parent, str) and parent.strip():
                name = parent.rsplit("[", 1)
                for key in (fold(parent), fold(name[0]), fold(name[-1].rstrip("] "))):
                    if key in position and position[key] != index:
                        place(position[key])
                        break
            visiting.discard(index)
            placed.add(index)
            ordered.append(rows[index])

        for index in range(len(rows)):
            place(index)
        return ordered

    def write(self, values: dict, line: int, ctx: ImportContext) -> RowResult:
        lookup = ctx.resolver.organizations
        public_id = values.get("public_id")
        if public_id:
            organization = lookup.by_public(public_id)
            if organization is None:
                return RowResult(Outcome.CREATED, self.create(values, ctx))
            return self._update(organization, values, ctx)
        decision = (values.get("match") or ctx.decisions.get(line) or "").strip()
        if fold(decision) == NEW:
            return RowResult(Outcome.CREATED, self.create(values, ctx))
        if decision:
            try:
                organization = lookup.reference(decision)
            except CellError as error:
                raise RowProblems([("match", error.message)]) from error
            return self._update(organization, self._merged(organization, values), ctx)
        by_name, by_alias = lookup.exact(values["name"])
        found = by_name or by_alias
        if len(found) > 1:
            message = _("Several organisations are called “%(name)s”: add a public_id column to say which.")
            raise RowProblems([("name", message % {"name": values["name"]})])
        if found:
            organization = lookup.get(next(iter(found)))
            if by_name:
                return self._update(organization, values, ctx)
            result = self._update(organization, self._merged(organization, values), ctx)
            result.note = _("“%(row)s” is an alias of “%(name)s”: the row was taken as that organisation.") % {
                "row": values["name"],
                "name": organization.name,
            }
            return result
        if ctx.create_new:
            return RowResult(Outcome.CREATED, self.create(values, ctx))
        parent = values.get("parent")  # a unit is not a duplicate of the organisation it belongs to
        matches = lookup.index.matches(
            name=values["name"],
            name_zh=values.get("name_zh", ""),
            aliases=values.get("aliases", ()),
            exclude=[parent.pk] if parent is not None else [],
        )
        if matches:
            candidates = [Candidate(m.public_id, m.name, m.score, m.reason) for m in matches]
            return RowResult(Outcome.DUPLICATE, duplicate=Duplicate(line, values["name"], candidates))
        return RowResult(Outcome.CREATED, self.create(values, ctx))

    def _update(self, organization: Organization, values: dict, ctx: ImportContext) -> RowResult:
        changes = self.changes(organization, values)
        if not values.get("public_id"):
            changes.pop("name", None)  # only a public id renames; a name identifies
        if not changes:
            return RowResult(Outcome.UNCHANGED, organization)
        return RowResult(Outcome.UPDATED, self.update(organization, changes, ctx))

    def _merged(self, organization: Organization, values: dict) -> dict:
        """The row's values as additions to an organisation it names differently: names become aliases,
        blank cells change nothing, lists are joined."""
        merged = {key: value for key, value in values.items() if not is_blank(value) and value is not None}
        merged.pop("match", None)
        known = {fold(name) for name in organization.all_names}
        new_names = [merged.pop("name", "")]
        if "name_zh" in merged and organization.name_zh:
            new_names.append(merged.pop("name_zh"))
        new_names += merged.pop("aliases", [])
        aliases = list(organization.aliases)
        for name in new_names:
            if name and fold(name) not in known:
                known.add(fold(name))
                aliases.append(name)
        if aliases != list(organization.aliases):
            merged["aliases"] = aliases
        if "fields" in merged:
            merged["fields"] = list({f.pk: f for f in [*organization.fields.all(), *merged["fields"]]}.values())
        return merged

    def save_extras(self, record, values: dict, ctx: ImportContext, *, created: bool) -> None:
        if not values.get("identifiers"):
            return
        have = {(i.scheme, i.value) for i in record.identifiers.all()}
        for item in values.get("identifiers", []):
            if (item["scheme"], item["value"]) not in have:
                services.identifier_add(
                    actor=ctx.actor, organization=record, scheme=item["scheme"], value=item["value"]
                )
                have.add((item["scheme"], item["value"]))
