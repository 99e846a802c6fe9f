from django.contrib import admin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Runs of the import page, to look into: they are written by the import, never edited here."""

    list_display = ("file_name", "kind", "created_by", "stage", "status", "created_at", "finished_at")
    list_filter = ("kind", "stage", "status")
    search_fields = ("file_name", "created_by__username")
    exclude = ("content",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
