"""Admin for superusers: read webhooks (never their secret) and the delivery log. Writes go through the pages,
whose services generate secrets and keep history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Webhook, WebhookAttempt, WebhookDelivery


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("url", "campus", "is_active", "created_at")
    list_filter = ("is_active", "campus")
    search_fields = ("url", "description")
    exclude = ("secret",)
    readonly_fields = ("public_id", "secret_rotated_at", "created_by", "created_at", "updated_at")


class AttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "event", "webhook", "status", "attempts", "last_status_code", "next_attempt_at")
    list_filter = ("status", "event")
    search_fields = ("public_id", "webhook__url")
    inlines = [AttemptInline]
