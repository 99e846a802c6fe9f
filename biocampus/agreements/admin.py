from django.contrib import admin

from biocampus.core.admin import RecordAdmin, RecordInline

from .models import Agreement, AgreementDocument, AgreementParty, Obligation


class PartyInline(RecordInline):
    model = AgreementParty
    autocomplete_fields = ("organization",)


class ObligationInline(RecordInline):
    model = Obligation
    autocomplete_fields = ("party",)


class DocumentInline(RecordInline):
    model = AgreementDocument


@admin.register(Agreement)
class AgreementAdmin(RecordAdmin):
    list_display = ("title", "type", "status", "signed_on", "signed_at", "campus")
    list_filter = ("type", "status", "campus")
    search_fields = ("title", "title_zh", "parties__organization__name")
    autocomplete_fields = ("campus", "signed_at")
    inlines = [PartyInline, ObligationInline, DocumentInline]
    date_hierarchy = "signed_on"
