"""The peer P1 measures directory search against: a Django admin changelist with the same search fields
and the same two filters, on its own AdminSite so that the product's admin is untouched."""

from django.contrib import admin

from biocampus.directory.models import Organization


class BenchAdminSite(admin.AdminSite):
    site_header = "BioCampus bench peer"

    def has_permission(self, request):
        # Any signed-in user: the bench campus admin is not a Django staff user, and the peer measures
        # the changelist, not the admin's permission model.
        return request.user.is_active and request.user.is_authenticated


class OrganizationPeerAdmin(admin.ModelAdmin):
    # What the directory searches and filters on (the issue's peer: "configured with the same search
    # fields and filters"): names, Chinese names, the folded search text; kind and country.
    list_display = ("name", "name_zh", "kind", "country", "city")
    list_filter = ("kind", "country")
    search_fields = ("name", "name_zh", "search_text")
    list_per_page = 50
    ordering = ("name", "id")

    def has_view_permission(self, request, obj=None):
        return True

    def has_module_permission(self, request):
        return True


site = BenchAdminSite(name="benchadmin")
site.register(Organization, OrganizationPeerAdmin)
