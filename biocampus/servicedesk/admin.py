from django.contrib import admin

from biocampus.core.admin import RecordAdmin, RecordInline

from .models import Service, ServiceCentre, ServiceRequest, ServiceRequestComment


class ServiceInline(RecordInline):
    model = Service


class CommentInline(RecordInline):
    model = ServiceRequestComment


@admin.register(ServiceCentre)
class ServiceCentreAdmin(RecordAdmin):
    list_display = ("name", "campus", "operator", "target_response_hours")
    list_filter = ("campus",)
    search_fields = ("name", "name_zh")
    autocomplete_fields = ("campus", "operator")
    inlines = [ServiceInline]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(RecordAdmin):
    list_display = ("reference", "subject", "organization", "centre", "status", "opened_at", "due_at")
    list_filter = ("status", "priority", "campus")
    search_fields = ("reference", "subject")
    autocomplete_fields = ("campus", "organization")
    raw_id_fields = ("centre", "service", "requested_by", "assignee")
    inlines = [CommentInline]
