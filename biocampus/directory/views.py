"""Pages of the registry: the directory with its facets, organisation pages, people."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from biocampus.accounts import permissions
from biocampus.core.views_generic import Column, RecordDetailView, RecordFormView, RecordListView

from . import services
from .forms import DirectoryFilterForm, OrganizationForm, PersonForm
from .models import Organization, Person
from .selectors import (
    directory_facets,
    directory_facets_as_of,
    mark_still_existing,
    organization_detail_for,
    organization_suggestions,
    organizations_as_of,
    organizations_for,
    people_for,
)
from .timeline import organization_timeline

PAGE_SIZE = 50


@require_GET
def organization_list(request):
    """The directory: search, facets, one page of results. htmx swaps only the results and facets.
    With `as_of`, the directory as it stood at the end of that day, from the change history."""
    form = DirectoryFilterForm(request.GET or None, user=request.user)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value not in (None, "", [])}
    as_of = filters.pop("as_of", None)
    if as_of is None:
        organizations = organizations_for(request.user, **filters)
        facets = directory_facets(request.user, **filters)
    else:
        # The history of an organisation holds its own values only: filter by those.
        then = {key: filters[key] for key in ("q", "kind", "country") if key in filters}
        organizations = organizations_as_of(request.user, as_of=as_of, **then)
        facets = directory_facets_as_of(request.user, as_of=as_of, **then)
    page = Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page"))
    if as_of is not None:
        page.object_list = mark_still_existing(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    today = query.copy()
    today.pop("as_of", None)
    if as_of is not None:  # the facets this mode leaves out do not follow to the next page
        for key in ("campus", "status", "field"):
            query.pop(key, None)
    context = {
        "form": form,
        "page": page,
        "facets": facets,
        "query_string": query.urlencode(),
        "today_query_string": today.urlencode(),
        "can_add": permissions.can_add(request.user, Organization),
        "q": filters.get("q", ""),
        "as_of": as_of,
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
