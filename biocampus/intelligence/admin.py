from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import IngestRun, ProposedFact, SourceDocument


@admin.register(SourceDocument)
class SourceDocumentAdmin(SimpleHistoryAdmin):
    list_display = ("title", "campus", "status", "url", "published_on", "created_at")
    list_filter = ("status", "campus")
    search_fields = ("title", "url", "file_name")
    readonly_fields = ("public_id", "sha256", "created_at", "extraction", "extractor", "extractor_version")


@admin.register(ProposedFact)
class ProposedFactAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "document", "kind", "status", "decided_by", "decided_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("document", "organization", "agreement", "residency", "milestone", "funding_round", "event",
                     "decided_by")  # fmt: skip


@admin.register(IngestRun)
class IngestRunAdmin(SimpleHistoryAdmin):
    list_display = ("public_id", "campus", "status", "progress_done", "progress_total", "created_at")
    list_filter = ("status",)
