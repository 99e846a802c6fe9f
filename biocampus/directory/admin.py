from django.contrib import admin

from biocampus.core.admin import RecordAdmin, RecordInline

from .models import Field, Organization, OrganizationIdentifier, Person
from .services import organization_search_text


class IdentifierInline(RecordInline):
    model = OrganizationIdentifier


@admin.register(Organization)
class OrganizationAdmin(RecordAdmin):
    list_display = ("name", "name_zh", "kind", "country", "city")
    list_filter = ("kind", "country")
    search_fields = ("name", "name_zh", "search_text")
    autocomplete_fields = ("parent", "fields")
    inlines = [IdentifierInline]

    def save_model(self, request, obj, form, change):
        obj.search_text = organization_search_text(obj)
        super().save_model(request, obj, form, change)


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    list_display = ("name", "name_zh", "organization", "title")
    search_fields = ("name", "name_zh", "organization__name")
    autocomplete_fields = ("organization",)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("name", "name_zh", "slug", "parent")
    search_fields = ("name", "name_zh", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(OrganizationIdentifier)
class IdentifierAdmin(RecordAdmin):
    list_display = ("organization", "scheme", "value")
    list_filter = ("scheme",)
    search_fields = ("value", "organization__name")
    autocomplete_fields = ("organization",)
