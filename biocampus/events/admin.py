from django.contrib import admin

from biocampus.core.admin import RecordAdmin, RecordInline

from .models import Event, Participation, Showcase


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
