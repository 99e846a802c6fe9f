"""Pages of the registry: the directory with its facets, organisation pages, people."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core import signing
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from biocampus.accounts import permissions
from biocampus.core.keyset import rows_after
from biocampus.core.views_generic import Column, RecordDetailView, RecordFormView, RecordListView

from . import services
from .forms import DirectoryFilterForm, OrganizationForm, PersonForm
from .models import Organization, Person
from .selectors import (
    FACET_SAMPLE,
    directory_facets,
    directory_facets_as_of,
    many_matches_reader,
    mark_still_existing,
    names_like,
    organization_detail_for,
    organization_suggestions,
    organizations_as_of,
    organizations_for,
    people_for,
)
from .timeline import organization_timeline

PAGE_SIZE = 50
COUNT_CAP = FACET_SAMPLE  # the same bound for the count shown and for the facets
CURSOR_SALT = "directory.page"


@dataclass
class KeysetPage:
    """One page of the directory, found from a cursor rather than an offset: the rows after (or before)
    the (sort key, id) of the row a link was made from. No COUNT(*) over the whole result: `count` is
    exact below COUNT_CAP and `count_is_capped` above it (SELECT COUNT(*) FROM (... LIMIT 1001))."""

    object_list: list
    start: int  # the position of the first row, from 1
    has_next: bool
    has_previous: bool
    count: int
    count_is_capped: bool
    next_cursor: str = ""
    previous_cursor: str = ""
    cap: int = COUNT_CAP
    keys: tuple = field(default=(), repr=False)

    @property
    def end(self) -> int:
        return self.start + len(self.object_list) - 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _sort_keys(rows) -> tuple[str, ...]:
    """What the rows are ordered by (search.search_organizations ranks; lists read by name), id last."""
    ordering = tuple(rows.query.order_by) or ("name", "id")
    return tuple(key.lstrip("-") for key in ordering)


def _cursor(keys, row, start: int) -> str:
    return signing.dumps({"k": [getattr(row, key) for key in keys], "s": start}, salt=CURSOR_SALT, compress=True)


def _read_cursor(token: str | None, keys) -> tuple[list, int] | None:
    """A cursor made for these sort keys, or None (a stale or tampered link shows the first page)."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=CURSOR_SALT)
        values, start = data["k"], int(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if not isinstance(values, list) or len(values) != len(keys) or start < 1:
        return None
    return values, start


def keyset_page(
    rows,
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
    count: int | None = None,
    read_forward: Callable[[list | None, int], list | None] | None = None,
) -> KeysetPage:
    """The page of `rows` after or before a cursor (the first page without one). `count`, if the caller
    has it already, is the number of rows counted up to COUNT_CAP + 1. `read_forward(values, n)`, if given,
    is a faster way to read the first n rows after the cursor's values (None: from the start) in the same
    order; it may decline by returning None (search.many_matches_page)."""
    keys = _sort_keys(rows)
    cursor = _read_cursor(after, keys)
    forward = True
    start = 1
    page_rows = rows
    values = None
    if cursor is not None:
        values, cursor_start = cursor
        page_rows = rows.filter(rows_after(keys, values))
        start = cursor_start
    else:
        cursor = _read_cursor(before, keys)
        if cursor is not None:
            values, cursor_start = cursor
            forward = False
            reversed_order = [f"-{key}" for key in keys]
            page_rows = rows.filter(rows_after(keys, values, forward=False)).order_by(*reversed_order)
            start = max(cursor_start - size, 1)
    found = read_forward(values, size + 1) if read_forward is not None and forward else None
    if found is None:
        found = list(page_rows[: size + 1])
    more = len(found) > size
    found = found[:size]
    if not forward:
        found.reverse()
    first_page = (forward and start == 1 and cursor is None) or (not forward and not more)
    if not forward and not more:
        start = 1
    has_next = more if forward else True
    has_previous = not first_page
    # Always one capped count, even when the page holds everything: the page then runs the same queries
    # whatever the number of rows (tests/web/test_list_query_counts.py).
    if count is None:
        count = rows.order_by()[: COUNT_CAP + 1].count()
    count, capped = min(count, COUNT_CAP), count > COUNT_CAP
    page = KeysetPage(
        object_list=found,
        start=start,
        has_next=has_next and bool(found),
        has_previous=has_previous,
        count=count,
        count_is_capped=capped,
        cap=COUNT_CAP,
        keys=keys,
    )
    if found:
        page.next_cursor = _cursor(keys, found[-1], start + len(found))
        page.previous_cursor = _cursor(keys, found[0], start)
    return page


@require_GET
def organization_list(request):
    """The directory: search, facets, one page of results. htmx swaps only the results and facets.
    With `as_of`, the directory as it stood at the end of that day, from the change history."""
    form = DirectoryFilterForm(request.GET or None, user=request.user)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value not in (None, "", [])}
    as_of = filters.pop("as_of", None)
    read_forward = None
    if as_of is None:
        organizations = organizations_for(request.user, with_fields=False, **filters)
        facets = directory_facets(request.user, **filters)
        if filters.get("q") and facets.total > FACET_SAMPLE:
            # Many matches: read them in name order rather than sort them all (when the database can).
            read_forward = many_matches_reader(request.user, **filters)
    else:
        # The history of an organisation holds its own values only: filter by those.
        then = {key: filters[key] for key in ("q", "kind", "country") if key in filters}
        organizations = organizations_as_of(request.user, as_of=as_of, **then)
        facets = directory_facets_as_of(request.user, as_of=as_of, **then)
    # Today's directory: the facets have counted the results already (up to the cap); as of a date, count.
    count = facets.total if as_of is None else None
    page = keyset_page(
        organizations,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        count=count,
        read_forward=read_forward,
    )
    if as_of is not None:
        page.object_list = mark_still_existing(page.object_list)
    query = request.GET.copy()
    for key in ("after", "before", "page"):
        query.pop(key, None)
    today = query.copy()
    today.pop("as_of", None)
    if as_of is not None:  # the facets this mode leaves out do not follow to the next page
        for key in ("campus", "status", "field"):
            query.pop(key, None)
    context = {
        "form": form,
        "page": page,
        "facets": facets,
        "facets_sampled": any(value.count is None for values in facets.values() for value in values),
        "query_string": query.urlencode(),
        "today_query_string": today.urlencode(),
        "can_add": permissions.can_add(request.user, Organization),
        "q": filters.get("q", ""),
        "as_of": as_of,
        "did_you_mean": names_like(request.user, q=filters.get("q", ""))
        if not page.object_list and as_of is None
        else [],
    }
    template = "directory/organization_list.html"
    if request.htmx and not request.htmx.boosted:
        template = "directory/partials/directory_results.html"
    return render(request, template, context)


@require_GET
def organization_suggest(request):
    """<option>s for the organisation picker's datalist."""
    query = next((value for value in request.GET.values() if value.strip()), "")
    options = organization_suggestions(request.user, q=query)
    return render(request, "directory/partials/organization_options.html", {"options": options})


@require_GET
def organization_detail(request, public_id):
    organization = get_object_or_404(organization_detail_for(request.user), public_id=public_id)
    context = {
        "organization": organization,
        "timeline": organization_timeline(request.user, organization),
        "residencies": permissions.visible(
            organization.residencies.select_related("campus__organization"), request.user
        ),
        "can_edit": permissions.can(request.user, permissions.CHANGE, organization),
    }
    return render(request, "directory/organization_detail.html", context)


class OrganizationFormView(RecordFormView):
    model = Organization
    form_class = OrganizationForm

    def selector(self, user):
        return organization_detail_for(user)

    def perform(self, form, formsets):
        data = dict(form.cleaned_data)
        fields = data.pop("fields", [])
        if self.object is None:
            return services.organization_create(actor=self.request.user, fields=fields, **data)
        return services.organization_update(
            actor=self.request.user, organization=self.object, fields=list(fields), **data
        )


class PersonListView(RecordListView):
    model = Person
    title = _("People")
    create_url_name = "directory:person_create"
    columns = [
        Column(_("Name"), "name", link=True),
        Column(_("Chinese name"), "name_zh"),
        Column(_("Title"), "title"),
        Column(_("Organisation"), "organization"),
    ]

    def selector(self, user):
        return people_for(user, q=self.request.GET.get("q", "").replace("\x00", ""))


class PersonDetailView(RecordDetailView):
    model = Person
    template_name = "directory/person_detail.html"

    def selector(self, user):
        return people_for(user)


class PersonFormView(RecordFormView):
    model = Person
    form_class = PersonForm

    def selector(self, user):
        return people_for(user)

    def perform(self, form, formsets):
        if self.object is None:
            return services.person_create(actor=self.request.user, **form.cleaned_data)
        return services.person_update(actor=self.request.user, person=self.object, **form.cleaned_data)
