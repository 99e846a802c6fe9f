"""References between records in import files, both ways.

Reading (`Resolver`): a cell naming an organisation, a campus, an event... becomes the record, among those
the importing user may see. An organisation is named by its public id, its exact name, or, when that is
unique, its name, Chinese name or an alias with case and width folded; "Name [public id]" settles a name
that several organisations share. An unknown name is an error on that row, with the names it probably
meant. Lookups are answered from memory: the directory's names are read once per import.

Writing (`ExportLabels`): a record is written as the name that reads back to it: the plain name when it is
unique, else "Name [public id]".
"""

from __future__ import annotations

import re
import uuid
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import visible
from biocampus.agreements.models import Agreement
from biocampus.campuses.models import Campus
from biocampus.core.text import fold
from biocampus.directory.dedupe import DirectoryIndex, Entry
from biocampus.directory.models import Field, Organization
from biocampus.events.models import Event
from biocampus.progress.models import Programme

from .columns import CellError, ParseContext

_WITH_PUBLIC_ID = re.compile(r"^(?P<name>.*?)\s*\[(?P<id>[0-9a-fA-F-]{32,36})\]\s*$")


def readable(queryset: QuerySet, actor) -> QuerySet:
    """What `actor` may read; `None` is the system (commands, import-all) and reads everything."""
    return queryset if actor is None else visible(queryset, actor)


def split_public_id(text: str) -> tuple[str, uuid.UUID | None]:
    """ "Teddy Lab [3f2a…]" -> ("Teddy Lab", UUID); a bare UUID -> ("", UUID); a name -> (name, None)."""
    match = _WITH_PUBLIC_ID.match(text)
    candidate = match.group("id") if match else text
    try:
        public_id = uuid.UUID(candidate.strip())
    except ValueError:
        return text, None
    return (match.group("name") if match else ""), public_id


def _or_names(names: list[str]) -> str:
    quoted = [f"“{name}”" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " " + _("or") + " " + quoted[-1]


class OrganizationLookup:
    """Every organisation the actor may see, by public id, exact name and folded name, plus a dedupe index."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset
        self.by_public_id: dict[str, int] = {}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        self.by_alias: dict[str, set[int]] = defaultdict(set)
        self.by_folded: dict[str, set[int]] = defaultdict(set)
        self.index = DirectoryIndex()
        self._keys: dict[int, list[tuple[dict, str]]] = {}
        self._instances: dict[int, Organization] = {}
        rows = queryset.order_by().values_list("pk", "public_id", "name", "name_zh", "aliases", "parent_id")
        for pk, public_id, name, name_zh, aliases, parent_id in rows.iterator(chunk_size=2000):
            self._add(Entry(pk, str(public_id), name, name_zh or "", tuple(aliases or ()), parent_id))

    def _add(self, entry: Entry) -> None:
        self._forget(entry.pk)
        keys = [(self.by_public_id, entry.public_id), (self.by_name, entry.name)]
        keys += [(self.by_alias, alias) for alias in entry.aliases]
        keys += [(self.by_folded, fold(text)) for text in (entry.name, entry.name_zh, *entry.aliases) if text]
        for mapping, key in keys:
            if mapping is self.by_public_id:
                mapping[key] = entry.pk
            else:
                mapping[key].add(entry.pk)
        self._keys[entry.pk] = keys
        self.index.add(entry)

    def _forget(self, pk: int) -> None:
        for mapping, key in self._keys.pop(pk, []):
            if mapping is self.by_public_id:
                mapping.pop(key, None)
            else:
                mapping[key].discard(pk)
        self.index.remove(pk)

    def remember(self, organization: Organization) -> None:
        """Take in an organisation the import created or renamed, so that later rows find it."""
        self._instances[organization.pk] = organization
        self._add(
            Entry(
                organization.pk,
                str(organization.public_id),
                organization.name,
                organization.name_zh,
                tuple(organization.aliases),
                organization.parent_id,
            )
        )

    def forget_instances(self) -> None:
        self._instances.clear()

    def get(self, pk: int) -> Organization:
        if pk not in self._instances:
            self._instances[pk] = Organization.objects.get(pk=pk)
        return self._instances[pk]

    def by_public(self, public_id) -> Organization | None:
        pk = self.by_public_id.get(str(public_id))
        return self.get(pk) if pk else None

    def exact(self, name: str) -> tuple[set[int], set[int]]:
        """The organisations whose name is exactly `name`, and those that have it as an alias."""
        return set(self.by_name.get(name, ())), set(self.by_alias.get(name, ())) - set(self.by_name.get(name, ()))

    def reference(self, text: str) -> Organization:
        name, public_id = split_public_id(text)
        if public_id is not None:
            found = self.by_public(public_id)
            if found is None:
                raise CellError(_("No organisation has the public id %(id)s.") % {"id": public_id})
            return found
        for candidates in (self.by_name.get(name, set()), self.by_folded.get(fold(name), set())):
            if len(candidates) == 1:
                return self.get(next(iter(candidates)))
            if len(candidates) > 1:
                raise CellError(
                    _("Several organisations are called “%(name)s”: write “%(name)s [public id]” to say which.")
                    % {"name": name}
                )
        message = _("No organisation called “%(name)s”.") % {"name": name}
        suggestions = self.index.matches(name=name, threshold=0.6, limit=3)
        if suggestions:
            names = list(dict.fromkeys(match.name for match in suggestions))
            message += " " + _("Did you mean %(names)s?") % {"names": _or_names(names)}
        raise CellError(message + " " + _("Add it to the directory first, or correct the name."))


class Resolver:
    """Turns references in cells into records, for one import (or one import-all)."""

    def __init__(self, actor):
        self.actor = actor
        self._organizations: OrganizationLookup | None = None
        self._campuses: dict[str, Campus] | None = None
        self._fields: dict[str, Field] | None = None
        self._named: dict[str, dict[str, list[Model]]] = {}

    @property
    def organizations(self) -> OrganizationLookup:
        if self._organizations is None:
            self._organizations = OrganizationLookup(readable(Organization.objects.all(), self.actor))
        return self._organizations

    def resolve(self, model_label: str, text: str, ctx: ParseContext) -> Any:
        if model_label == "directory.organization":
            return self.organizations.reference(text)
        if model_label == "campuses.campus":
            return self.campus(text)
        if model_label == "directory.field":
            return self.field(text)
        return self.named(model_label, text, ctx.row.get("campus") or ctx.default_campus)

    def load(self, *model_labels: str) -> None:
        """Read the campuses or fields now (they are read at their first reference otherwise)."""
        loaders = {"campuses.campus": self._load_campuses, "directory.field": self._load_fields}
        for label in model_labels:
            loaders[label]()

    def _load_campuses(self) -> None:
        if self._campuses is None:
            campuses = readable(Campus.objects.select_related("organization"), self.actor)
            self._campuses = {}
            for campus in campuses:
                self._campuses.setdefault(fold(campus.organization.name), campus)
                self._campuses[campus.slug] = campus

    def _load_fields(self) -> None:
        if self._fields is None:
            self._fields = {}
            for field in Field.objects.all():
                self._fields[field.slug] = field
                self._fields.setdefault(fold(field.name), field)

    def campus(self, text: str) -> Campus:
        self._load_campuses()
        found = self._campuses.get(text) or self._campuses.get(fold(text))
        if found is None:
            raise CellError(
                _("No campus “%(text)s”; use a campus short name: %(slugs)s.")
                % {"text": text, "slugs": ", ".join(sorted(c.slug for c in set(self._campuses.values()))) or "—"}
            )
        return found

    def field(self, text: str) -> Field:
        self._load_fields()
        found = self._fields.get(text) or self._fields.get(fold(text))
        if found is None:
            raise CellError(_("No field “%(text)s” in the taxonomy; use its code, such as drug-rd.") % {"text": text})
        return found

    _NAMED = {
        "events.event": (Event, ("name", "short_name"), _("event")),
        "agreements.agreement": (Agreement, ("title",), _("agreement")),
        "progress.programme": (Programme, ("name",), _("programme")),
    }

    def named(self, model_label: str, text: str, campus: Campus | None) -> Model:
        """An event, agreement or programme by public id or name; a name several share is taken at the row's
        campus (a milestone of one campus may name an event another campus recorded)."""
        model, name_fields, noun = self._NAMED[model_label]
        if model_label not in self._named:
            records: dict[str, list[Model]] = defaultdict(list)
            for record in readable(model._default_manager.all(), self.actor):
                records[str(record.public_id)].append(record)
                for name in dict.fromkeys(fold(getattr(record, f)) for f in name_fields if getattr(record, f)):
                    records[name].append(record)
            self._named[model_label] = records
        name, public_id = split_public_id(text)
        found = self._named[model_label].get(str(public_id) if public_id else fold(name), [])
        if len(found) > 1 and campus is not None:
            found = [record for record in found if record.campus_id == campus.pk] or found
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(
                _("Several %(noun)ss are called “%(text)s”: write “%(text)s [public id]” to say which.")
                % {"noun": noun, "text": name}
            )
        raise CellError(_("No %(noun)s “%(text)s”.") % {"noun": noun, "text": text})

    def forget_loaded_records(self) -> None:
        """Drop the record instances held, so that they are read again (names stay indexed)."""
        if self._organizations is not None:
            self._organizations.forget_instances()
        self._campuses = self._fields = None
        self._named.clear()

    def remember(self, record: Model) -> None:
        """A record was created or changed by the import: later rows must find it under its new names."""
        if isinstance(record, Organization):
            if self._organizations is not None:
                self._organizations.remember(record)
        elif isinstance(record, Campus):
            self._campuses = None
        elif isinstance(record, Field):
            self._fields = None
        else:
            self._named.pop(record._meta.label_lower, None)


class ExportLabels:
    """How an export names referenced records so that an import finds them again."""

    def __init__(self):
        self._counts: dict[str, Counter] = {}

    def _count(self, key: str, pairs) -> Counter:
        if key not in self._counts:
            self._counts[key] = Counter(pairs)
        return self._counts[key]

    def label(self, record: Model) -> str:
        if isinstance(record, Campus):
            return record.slug
        if isinstance(record, Field):
            return record.slug
        if isinstance(record, Organization):
            names = self._count("organizations", Organization.objects.values_list("name", flat=True).iterator())
            return record.name if names[record.name] == 1 else f"{record.name} [{record.public_id}]"
        name_field = {"events.event": "name", "agreements.agreement": "title", "progress.programme": "name"}[
            record._meta.label_lower
        ]
        names = self._count(
            record._meta.label_lower,
            (fold(name) for name in type(record)._default_manager.values_list(name_field, flat=True).iterator()),
        )
        name = getattr(record, name_field)
        return name if names[fold(name)] == 1 else f"{name} [{record.public_id}]"
