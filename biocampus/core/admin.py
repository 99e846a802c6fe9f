from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .choices import ProvenanceMethod
from .models import Provenance
from .services import provenance_create


class RecordAdmin(SimpleHistoryAdmin):
    """Admin for domain records: history on every change, provenance "entered by" the admin user."""

    readonly_fields = ("public_id", "provenance", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if obj.provenance_id is None:
            obj.provenance = provenance_create(actor=request.user, method=ProvenanceMethod.MANUAL, note="admin")
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            instance = inline_form.instance
            if hasattr(instance, "provenance_id") and instance.provenance_id is None:
                instance.provenance = form.instance.provenance
        super().save_formset(request, form, formset, change)


class RecordInline(admin.TabularInline):
    extra = 0
    exclude = ("provenance",)


@admin.register(Provenance)
class ProvenanceAdmin(admin.ModelAdmin):
    list_display = ("created_at", "method", "entered_by", "file_name", "document", "note")
    list_filter = ("method",)
    search_fields = ("file_name", "excerpt", "note")
    readonly_fields = ("created_at",)
