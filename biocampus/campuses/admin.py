from django.contrib import admin

from biocampus.core.admin import RecordAdmin, RecordInline

from .models import Campus, CampusOperator, Residency


class OperatorInline(RecordInline):
    model = CampusOperator
    autocomplete_fields = ("organization",)


@admin.register(Campus)
class CampusAdmin(RecordAdmin):
    list_display = ("__str__", "slug", "opened_on", "operational_on")
    search_fields = ("slug", "organization__name", "organization__name_zh")
    autocomplete_fields = ("organization",)
    filter_horizontal = ("sister_campuses",)
    inlines = [OperatorInline]


@admin.register(Residency)
class ResidencyAdmin(RecordAdmin):
    list_display = ("organization", "campus", "status", "signed_on", "moved_in_on")
    list_filter = ("campus", "status")
    search_fields = ("organization__name", "organization__name_zh")
    autocomplete_fields = ("organization", "campus", "signed_at")
    list_select_related = ("organization", "campus__organization")
