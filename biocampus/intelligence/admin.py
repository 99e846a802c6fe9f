from django.contrib import admin

from .models import SourceDocument


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "url", "published_on", "created_at")
    search_fields = ("title", "url", "text")
    readonly_fields = ("sha256", "created_at")
