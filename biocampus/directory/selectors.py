"""Reads of the registry, scoped to what the user may see. Pages and the API read only through here."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django_countries import countries

from biocampus.accounts.permissions import access_for, reads_every, visible
from biocampus.campuses.choices import ResidencyStatus
from biocampus.campuses.models import Campus, Residency
from biocampus.core.prepared import PreparedValues, stand_in_uuid
from biocampus.core.sql import JSONRows, id_list

from .choices import OrganizationKind
from .models import Field, Organization, OrganizationIdentifier, Person
from .search import (
    many_matches_page,
    matching_organizations_and_sample,
    search_organizations,
    search_records,
    similar_names,
)


def field_and_descendants(field: Field) -> frozenset[int]:
    """The field's id and those of every field below it in the taxonomy (one query for the whole tree):
    filtering by a field includes its sub-fields everywhere (KPIs, the graph, the residency list)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Field.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    todo = [field.pk]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, ()))
    return frozenset(found)


def organizations_for(
    user,
    *,
    q: str = "",
    kind: list[str] | None = None,
    country: list[str] | None = None,
    field: list[Field] | None = None,
    campus: list[Campus] | None = None,
    status: list[str] | None = None,
    with_fields: bool = True,
) -> QuerySet[Organization]:
    """The organisations the user may read, filtered and searched, each with its visible residencies and
    (unless `with_fields` is False: the directory page shows none) its fields."""
    organizations = visible(Organization.objects.all(), user)
    organizations = _filtered(
        organizations, user=user, kind=kind, country=country, field=field, campus=campus, status=status
    )
    organizations = search_organizations(organizations, q) if q else organizations
    residencies = Prefetch(
        "residencies",
        queryset=visible(Residency.objects.all(), user).select_related("campus__organization").order_by("campus__slug"),
        to_attr="visible_residencies",
    )
    return organizations.prefetch_related(residencies, *(["fields"] if with_fields else []))


def many_matches_reader(user, *, q: str, **filters) -> Callable[[list | None, int], list | None]:
    """For a directory search with many matches: reads the page after a cursor's values in the order of
    organizations_for(), without sorting every match (search.many_matches_page; None where it declines)."""
    unsearched = organizations_for(user, with_fields=False, **filters)
    kind, country = filters.get("kind"), filters.get("country")
    return lambda after, size: many_matches_page(
        unsearched, q, after=after, size=size, kind=kind, country=[str(code) for code in country or ()]
    )


def _filtered(organizations, *, user, kind=None, country=None, field=None, campus=None, status=None, skip=None):
    """Apply the facet filters; `skip` (a facet's name, or several) leaves some out, which is how a facet
    counts its own values."""
    skipped = {skip} if isinstance(skip, str) else set(skip or ())
    if kind and "kind" not in skipped:
        organizations = organizations.filter(kind__in=kind)
    if country and "country" not in skipped:
        organizations = organizations.filter(country__in=country)
    if field and "field" not in skipped:
        organizations = organizations.filter(fields__in=field).distinct()
    residencies = visible(Residency.objects.all(), user)
    if campus and "campus" not in skipped:
        residencies = residencies.filter(campus__in=campus)
    if status and "status" not in skipped:
        residencies = residencies.filter(status__in=status)
    if (campus and "campus" not in skipped) or (status and "status" not in skipped):
        organizations = organizations.filter(pk__in=residencies.values("organization_id"))
    return organizations


@dataclass
class FacetValue:
    value: str
    label: str
    count: int | None  # None: more results than FACET_SAMPLE, where no exact count is made
    selected: bool


# Facets count exactly up to this many organisations in a facet's scope. Past it, each facet reads only
# FACET_SAMPLE + 1 of them (whichever the database finds first): it offers the values found there,
# most frequent first, and shows no count, so one page never groups a million rows five times.
FACET_SAMPLE = 1000


class Facets(dict):
    """The facets by name, and `total`: how many organisations match, counted up to FACET_SAMPLE + 1."""

    total: int = 0


def _first_pks(organizations, *, user, skip, filters) -> list[int]:
    rows = _filtered(organizations, user=user, skip=skip, **filters).order_by().values_list("pk", flat=True)
    return list(rows[: FACET_SAMPLE + 1])


# The facets on a column of the organisation's own row. With a search, the scopes that differ only in these
# (every filter; every filter but the kind; every filter but the country) are read in one pass over the
# matches, which also brings each row's kind and country to count (_row_scopes): one read where there were
# three, and no grouping query for those two facets ("lumilia", company, China at 1,000,000: the three reads
# went through the same 2,503 matches, 6 ms each).
ROW_FACETS = ("kind", "country")
ROW_COLUMNS = ("pk", *ROW_FACETS)
# The most rows that pass reads on SQLite (_row_pass); a scope it has not settled by then is read on its own.
ROW_PASS_LIMIT = 20_000


def _row_scopes(organizations, *, user, filters, wanted: set) -> dict:
    """{scope: rows} for the scopes of `wanted` (None for every filter, or the name of the one row facet left
    out) that one pass over `organizations` settles: each gets its first FACET_SAMPLE + 1 rows (pk, kind,
    country), or all of them when the pass read every row any of the scopes can hold. The pass reads the
    rows that satisfy at least one scope's conditions, in whatever order the database finds them (the
    search index's, for a search), and stops once every scope is full."""
    chosen = {name: {str(value) for value in filters[name]} for name in ROW_FACETS if filters.get(name)}
    names = {scope: {name for name in chosen if name != scope} for scope in wanted}
    tests = {scope: [(ROW_COLUMNS.index(name), chosen[name]) for name in names[scope]] for scope in wanted}
    rows = _filtered(organizations, user=user, skip=ROW_FACETS, **filters).order_by()
    if all(names.values()):  # else some scope takes every row: no condition narrows the pass
        # The rows any scope holds; a scope whose conditions include another's adds none.
        widest = [scope for scope in wanted if not any(names[other] < names[scope] for other in wanted)]
        either = Q()
        for scope in widest:
            either |= Q(**{f"{name}__in": chosen[name] for name in names[scope]})
        rows = rows.filter(either)
    found: dict = {scope: [] for scope in wanted}
    read = 0
    passed, limit = _row_pass(rows.values_list(*ROW_COLUMNS), scopes=len(wanted))
    for row in passed:
        read += 1
        for scope, kept in found.items():
            if len(kept) <= FACET_SAMPLE and all(row[index] in values for index, values in tests[scope]):
                kept.append(row)
        if all(len(kept) > FACET_SAMPLE for kept in found.values()):
            return found
    if read < limit:  # the pass reached the end: every scope holds all its rows
        return found
    return {scope: kept for scope, kept in found.items() if len(kept) > FACET_SAMPLE}


def _row_pass(rows, *, scopes: int) -> tuple[Iterator, int]:
    """The rows of _row_scopes' pass as they come, and the most it reads. SQLite makes each row as it is
    taken, so the pass stops as soon as its scopes are full (within ROW_PASS_LIMIT). PostgreSQL makes every
    row of the LIMIT before the first is read (a server-side cursor outside a transaction is held, so it is
    filled at once): there the pass asks for no more rows than the scopes' own reads would have together."""
    if connections[rows.db].vendor == "sqlite":
        return rows[:ROW_PASS_LIMIT].iterator(chunk_size=2000), ROW_PASS_LIMIT
    limit = scopes * (FACET_SAMPLE + 1)
    return iter(list(rows[:limit])), limit


def _counted_rows(rows, column: str) -> list[dict]:
    """[{column: value, "n": count}] over rows of _row_scopes, most frequent first, as the grouping query
    would give them."""
    counts = Counter(row[ROW_COLUMNS.index(column)] for row in rows)
    return [{column: value, "n": n} for value, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def directory_facets(user, *, q: str = "", **filters) -> dict[str, list[FacetValue]]:
    """For each facet, how many results each value would give with the other filters applied."""
    base = visible(Organization.objects.all(), user)
    sample_base = None
    if q:
        base, sample_base = matching_organizations_and_sample(base, q)
    scopes: dict = {}
    rows_by_scope: dict = {}
    if q:
        wanted = {None, *(name for name in ROW_FACETS if filters.get(name))}
        if sample_base is not None:
            settled = _row_scopes(sample_base, user=user, filters=filters, wanted=wanted)
            # A scope the quicker read found too few for is no sample: it is read whole below.
            rows_by_scope = {scope: rows for scope, rows in settled.items() if len(rows) > FACET_SAMPLE}
        if wanted - rows_by_scope.keys():
            rows_by_scope |= _row_scopes(base, user=user, filters=filters, wanted=wanted - rows_by_scope.keys())
        for scope, rows in rows_by_scope.items():
            scopes[scope] = id_list([row[0] for row in rows]), len(rows) <= FACET_SAMPLE, len(rows)

    def scoped(skip):
        """The pks of (at most FACET_SAMPLE + 1 of) the results with every filter but `skip`, and
        whether that is all of them. Facets whose own filter is not set share one scope (one query)."""
        skip = skip if filters.get(skip) else None
        if skip not in scopes:
            # Read once per scope (the search runs once, not once per facet), handed to each facet's
            # query as one parameter (1,001 parameters would cost more in Python than in SQL).
            pks = _first_pks(sample_base, user=user, skip=skip, filters=filters) if sample_base is not None else []
            if len(pks) <= FACET_SAMPLE:  # the quicker read found too few to be a sample: read them all
                pks = _first_pks(base, user=user, skip=skip, filters=filters)
            scopes[skip] = id_list(pks), len(pks) <= FACET_SAMPLE, len(pks)
        return scopes[skip][:2]

    def value_counts(facet: str, pks) -> list[dict]:
        """The facet's values among its scope's results, with their counts, most frequent first."""
        rows = rows_by_scope.get(facet if filters.get(facet) else None)
        if rows is not None:
            return _counted_rows(rows, facet)
        grouped = Organization.objects.filter(pk__in=pks).values(facet).annotate(n=Count("id"))
        return list(grouped.order_by("-n", facet))

    def counted(n, exact):
        return n if exact else None

    selected = {
        "kind": set(filters.get("kind") or []),
        "country": {str(c) for c in filters.get("country") or []},
        "field": {f.slug for f in filters.get("field") or []},
        "campus": {c.slug for c in filters.get("campus") or []},
        "status": set(filters.get("status") or []),
    }
    kind_labels = dict(OrganizationKind.choices)
    pks, exact = scoped("kind")
    facets = {
        "kind": [
            FacetValue(
                row["kind"],
                str(kind_labels.get(row["kind"], row["kind"])),
                counted(row["n"], exact),
                row["kind"] in selected["kind"],
            )
            for row in value_counts("kind", pks)
        ]
    }
    pks, exact = scoped("country")
    facets["country"] = [
        FacetValue(
            row["country"],
            countries.name(row["country"]) or row["country"],
            counted(row["n"], exact),
            row["country"] in selected["country"],
        )
        for row in [row for row in value_counts("country", pks) if row["country"] != ""][:30]
    ]
    pks, exact = scoped("field")
    field_counts = (
        Field.objects.filter(organizations__in=pks).annotate(n=Count("organizations")).order_by("-n", "name")[:30]
    )
    facets["field"] = [
        FacetValue(f.slug, str(f), counted(f.n, exact), f.slug in selected["field"]) for f in field_counts
    ]
    pks, exact = scoped("campus")
    residencies = visible(Residency.objects.all(), user).filter(organization__in=pks)
    if filters.get("status"):
        residencies = residencies.filter(status__in=filters["status"])
    facets["campus"] = [
        FacetValue(
            row["campus__slug"],
            row["campus__organization__name"],
            counted(row["n"], exact),
            row["campus__slug"] in selected["campus"],
        )
        for row in residencies.values("campus__slug", "campus__organization__name")
        .annotate(n=Count("organization", distinct=True))
        .order_by("-n", "campus__slug")
    ]
    pks, exact = scoped("status")
    residencies = visible(Residency.objects.all(), user).filter(organization__in=pks)
    if filters.get("campus"):
        residencies = residencies.filter(campus__in=filters["campus"])
    status_labels = dict(ResidencyStatus.choices)
    facets["status"] = [
        FacetValue(
            row["status"],
            str(status_labels[row["status"]]),
            counted(row["n"], exact),
            row["status"] in selected["status"],
        )
        for row in residencies.values("status").annotate(n=Count("organization", distinct=True)).order_by("-n")
    ]
    scoped(None)  # the whole result, which every facet with nothing ticked shares
    facets = Facets(facets)
    facets.total = scopes[None][2]  # the results (FACET_SAMPLE + 1 means "more than FACET_SAMPLE")
    # A ticked value stays on offer even when none of the results has it (or the sample missed it):
    # its box must be there to untick.
    labels = {
        "kind": kind_labels,
        "country": {code: countries.name(code) or code for code in selected["country"]},
        "field": {f.slug: str(f) for f in filters.get("field") or []},
        "campus": {c.slug: str(c) for c in filters.get("campus") or []},
        "status": status_labels,
    }
    for name, values in facets.items():
        offered = {value.value for value in values}
        values += [
            FacetValue(value, str(labels[name].get(value, value)), None, True)
            for value in sorted(selected[name] - offered)
        ]
    return facets


def organization_suggestions(user, *, q: str, limit: int = 20) -> list[Organization]:
    """A few organisations for an autocomplete box."""
    if not q.strip():
        return []
    return list(search_organizations(visible(Organization.objects.all(), user), q).only("name", "public_id")[:limit])


def names_like(user, *, q: str) -> list[str]:
    """Names close to `q`, for "did you mean" when a search found nothing (PostgreSQL; none on SQLite)."""
    return similar_names(visible(Organization.objects.all(), user), q) if q.strip() else []


# The units and people of an organisation, in their usual order (name, id). Ordered by an expression that
# no index gives, so that the planner looks them up by parent_id / organization_id and sorts the few found:
# ORDER BY name, id alone makes SQLite walk the whole (name, id) index instead (45 ms at 10,000
# organisations, seconds at 1,000,000).
_BY_NAME = (Coalesce("name", Value("")), "id")


def organization_detail_for(user) -> QuerySet[Organization]:
    """Organisations with what their page shows: parent, steward, fields, identifiers, people and units."""
    return visible(Organization.objects.select_related("parent", "steward__organization"), user).prefetch_related(
        "fields",
        "identifiers",
        Prefetch("people", queryset=Person.objects.order_by(*_BY_NAME)),
        Prefetch("units", queryset=Organization.objects.order_by(*_BY_NAME)),
    )


def organization_api_detail_for(user) -> QuerySet[Organization]:
    """Organisations with exactly what the API's OrganizationOut shows (no people, no units)."""
    # search_text is the search index's copy of the names: never shown, and the longest column of the three rows.
    organizations = Organization.objects.select_related("parent", "steward__organization").defer(
        "search_text", "parent__search_text", "steward__organization__search_text"
    )
    return visible(organizations, user).prefetch_related("fields", "identifiers")


# The columns of an organisation as the API shows it, read as values (see organization_api_detail).
_API_COLUMNS = (
    "pk",
    "public_id",
    "created_at",
    "updated_at",
    "name",
    "name_zh",
    "aliases",
    "kind",
    "country",
    "city",
    "website",
    "description",
    "founded_year",
    "parent__public_id",
    "parent__name",
    "steward__public_id",
    "steward__slug",
    "steward__organization__name",
)


def _api_children():
    """An organisation's fields (slugs) and identifiers as JSON columns of its own row (core.sql.JSONRows), in
    the order of the models' default orderings, as the prefetches read them."""
    fields = (
        Organization.fields.through.objects.filter(organization_id=OuterRef("pk"))
        .order_by("field__name")
        .values(slug=F("field__slug"))
    )
    identifiers = (
        OrganizationIdentifier.objects.filter(organization_id=OuterRef("pk")).order_by("scheme", "value")
    ).values("scheme", "value")
    return {
        "field_slugs": JSONRows(fields, columns=("slug",)),
        "identifier_rows": JSONRows(identifiers, columns=("scheme", "value")),
    }


# The API's organisation detail, the busiest read of the API: one query, compiled once per process
# (core.prepared). Each query of a request costs a round trip and a parse on PostgreSQL: three of them
# (the row, its fields, its identifiers) took the detail to 51 % of a bare view's requests per second there.
_API_ORGANIZATION = PreparedValues(
    lambda public_id: (
        Organization.objects.filter(public_id=public_id)
        .order_by()
        .annotate(**_api_children())
        .values(*_API_COLUMNS, "field_slugs", "identifier_rows")[:1]
    ),
    public_id=stand_in_uuid(),
)


def organization_api_detail(user, *, public_id) -> dict | None:
    """One organisation the user may read, as the API's OrganizationOut shows it, or None.

    The same content as organization_api_detail_for() reads, in one value query instead of model instances
    and their prefetches, prepared once per process: Django spent most of an API detail request building and compiling
    queries (4.7 of 7.5 ms at 10,000 organisations with instances; 2 ms of the 4 ms left with value queries).
    Every member reads every organisation; a user for whom visible() would narrow the rows takes the
    queryset path. Writes keep the queryset, which gives them instances to change."""
    if reads_every(Organization, user):
        row = _API_ORGANIZATION.first(public_id=public_id)
    else:
        found = visible(Organization.objects.all(), user).filter(public_id=public_id).order_by()
        found = found.annotate(**_api_children()).values(*_API_COLUMNS, "field_slugs", "identifier_rows")
        row = next(iter(found[:1]), None)
    if row is None:
        return None
    del row["pk"]
    parent_id, parent_name = row.pop("parent__public_id"), row.pop("parent__name")
    steward_id, steward_slug = row.pop("steward__public_id"), row.pop("steward__slug")
    steward_name = row.pop("steward__organization__name")
    row["parent"] = {"public_id": parent_id, "name": parent_name} if parent_id else None
    row["steward"] = {"public_id": steward_id, "slug": steward_slug, "name": steward_name} if steward_id else None
    row["fields"], row["identifiers"] = row.pop("field_slugs"), row.pop("identifier_rows")
    return row


def people_for(user, *, q: str = "", organization: Organization | None = None) -> QuerySet[Person]:
    people = visible(Person.objects.select_related("organization"), user)
    if organization is not None:
        people = people.filter(organization=organization)
    return search_records(people, q, ("name", "name_zh", "title"))


# The directory as of a date: the organisations as they stood then, read from their change history.
# Only what the history of Organization holds is filtered on (search, kind, country); residencies and
# fields are left out of this mode (the page says so) rather than mixing today's links with past rows.


def as_of_moment(as_of: datetime.date) -> datetime.datetime:
    """The end of `as_of` in the project's time zone: changes made that day count."""
    return timezone.make_aware(datetime.datetime.combine(as_of, datetime.time.max))


def _organizations_then(user, as_of: datetime.date):
    """Organisation rows as they stood at the end of `as_of`, those the user may read. Ones deleted since
    are kept (they were readable to every member, as every organisation is); a user who may read no
    organisation today reads none then either."""
    access = access_for(user)
    # Organization.history.as_of() would turn each row into an Organization, fetching the fields left out
    # of the history (search_text) one query per row: read the history rows themselves instead.
    rows = Organization.history.filter(history_date__lte=as_of_moment(as_of)).latest_of_each().exclude(history_type="-")
    if access.is_superuser:
        return rows
    if not access.has_membership:
        return rows.none()
    readable_now = visible(Organization.objects.all(), user).values("pk")
    deleted_since = ~Q(id__in=Organization.objects.values("pk"))
    return rows.filter(Q(id__in=readable_now) | deleted_since)


def _filtered_then(rows, *, kind=None, country=None, skip=None):
    if kind and skip != "kind":
        rows = rows.filter(kind__in=kind)
    if country and skip != "country":
        rows = rows.filter(country__in=country)
    return rows


def organizations_as_of(
    user, *, as_of: datetime.date, q: str = "", kind: list[str] | None = None, country: list[str] | None = None
):
    """The directory's rows as they stood at the end of `as_of`: history rows, whose `id` is the
    organisation's. Pair with mark_still_existing() for the page shown."""
    rows = _filtered_then(_organizations_then(user, as_of), kind=kind, country=country)
    return _searched_then(rows, q).order_by("name", "id")


def _searched_then(rows, q: str):
    """History rows keep no `search_text` (it is derived, and left out of the history): match each term
    in the names and city of then instead."""
    return search_records(rows, q, HISTORICAL_SEARCH_FIELDS) if q else rows


HISTORICAL_SEARCH_FIELDS = ("name", "name_zh", "city")


def mark_still_existing(organizations) -> list:
    """A page of organizations_as_of() as a list, each row with `still_exists` and, if it does, the `url`
    of its page today (one query)."""
    organizations = list(organizations)
    existing = set(Organization.objects.filter(pk__in=[o.id for o in organizations]).values_list("pk", flat=True))
    for organization in organizations:
        organization.still_exists = organization.id in existing
        organization.url = (
            reverse("directory:organization_detail", kwargs={"public_id": organization.public_id})
            if organization.still_exists
            else ""
        )
    return organizations


def directory_facets_as_of(
    user, *, as_of: datetime.date, q: str = "", kind=None, country=None
) -> dict[str, list[FacetValue]]:
    """The kind and country facets, counted on the values of the organisations at the end of `as_of`."""
    base = _searched_then(_organizations_then(user, as_of), q)

    def scoped(skip):
        return _filtered_then(base, kind=kind, country=country, skip=skip).order_by()

    selected_kind = set(kind or [])
    selected_country = {str(c) for c in country or []}
    kind_labels = dict(OrganizationKind.choices)
    return {
        "kind": [
            FacetValue(
                row["kind"], str(kind_labels.get(row["kind"], row["kind"])), row["n"], row["kind"] in selected_kind
            )
            for row in scoped("kind").values("kind").annotate(n=Count("id")).order_by("-n", "kind")
        ],
        "country": [
            FacetValue(
                row["country"],
                countries.name(row["country"]) or row["country"],
                row["n"],
                row["country"] in selected_country,
            )
            for row in scoped("country")
            .exclude(country="")
            .values("country")
            .annotate(n=Count("id"))
            .order_by("-n", "country")[:30]
        ],
    }


def organization_sources_for(user, organization: Organization) -> QuerySet:
    """What documents say about `organization` that a reviewer accepted ("according to <source>"): the
    accepted facts that made or linked it, or the agreements, residencies, milestones and funding rounds
    it takes part in, newest document first. Only those the user may review (the campus teams')."""
    from biocampus.intelligence.models import FactStatus, ProposedFact

    involving = (
        Q(organization=organization)
        | Q(agreement__parties__organization=organization)
        | Q(residency__organization=organization)
        | Q(milestone__organization=organization)
        | Q(funding_round__recipient=organization)
        | Q(funding_round__investments__investor=organization)
    )
    ids = ProposedFact.objects.filter(involving, status=FactStatus.ACCEPTED).values("pk")
    return (
        visible(ProposedFact.objects.filter(pk__in=ids), user)
        .select_related("document")
        .order_by("-document__published_on", "-document__created_at", "position")
    )
