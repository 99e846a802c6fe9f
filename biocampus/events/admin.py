from django.contrib import admin

from biocampus.core.admin import RecordAdmin, RecordInline

from .models import Event, Lead, Participation, Showcase


class ParticipationInline(RecordInline):
    model = Participation
    autocomplete_fields = ("organization",)


class ShowcaseInline(RecordInline):
    model = Showcase
    autocomplete_fields = ("organization", "booth_host")


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ("name", "kind", "starts_on", "city", "campus")
    list_filter = ("kind", "campus")
    search_fields = ("name", "name_zh", "short_name")
    autocomplete_fields = ("campus",)
    inlines = [ParticipationInline, ShowcaseInline]


@admin.register(Lead)
class LeadAdmin(RecordAdmin):
    list_display = ("__str__", "event", "taken_by", "status", "follow_up_on")
    list_filter = ("status", "event__campus")
    search_fields = ("prospect_name", "organization__name", "contact_name")
    autocomplete_fields = ("event", "organization", "taken_by", "agreement", "residency")
