from django.contrib import admin

from biocampus.core.admin import RecordAdmin, RecordInline

from .models import (
    ExchangeRate,
    FundingInvestment,
    FundingRound,
    Milestone,
    MilestoneEvidence,
    Observation,
    Programme,
    Target,
)


class EvidenceInline(RecordInline):
    model = MilestoneEvidence


@admin.register(Milestone)
class MilestoneAdmin(RecordAdmin):
    list_display = ("title", "organization", "kind", "occurred_on", "value", "unit")
    list_filter = ("kind", "campus")
    search_fields = ("title", "organization__name")
    autocomplete_fields = ("organization", "campus", "event")
    inlines = [EvidenceInline]


@admin.register(Programme)
class ProgrammeAdmin(RecordAdmin):
    list_display = ("name", "campus", "starts_on", "ends_on")
    search_fields = ("name", "name_zh")
    autocomplete_fields = ("organizations", "campus", "agreement")


class ObservationInline(RecordInline):
    model = Observation


@admin.register(Target)
class TargetAdmin(RecordAdmin):
    list_display = ("metric", "goal", "unit", "due_on", "programme", "organization")
    search_fields = ("metric", "programme__name", "organization__name")
    autocomplete_fields = ("organization", "campus", "programme")
    inlines = [ObservationInline]


class InvestmentInline(RecordInline):
    model = FundingInvestment
    autocomplete_fields = ("investor",)


@admin.register(FundingRound)
class FundingRoundAdmin(RecordAdmin):
    list_display = ("recipient", "round_type", "amount", "currency", "announced_on")
    list_filter = ("round_type", "currency")
    search_fields = ("recipient__name",)
    autocomplete_fields = ("recipient", "campus")
    inlines = [InvestmentInline]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(RecordAdmin):
    list_display = ("currency", "rate", "valid_from", "source")
    list_filter = ("currency",)
    search_fields = ("currency", "source")
    date_hierarchy = "valid_from"
