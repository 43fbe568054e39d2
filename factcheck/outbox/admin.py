from __future__ import annotations

from django.contrib import admin, messages

from factcheck.outbox import services
from factcheck.outbox.models import Heartbeat, Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "state", "attempts", "created_at", "next_attempt_at", "key"]
    list_filter = ["state", "task"]
    search_fields = ["task", "key", "last_error"]
    readonly_fields = [f.name for f in Message._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False  # messages come from writes, never by hand

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry the selected failed messages", permissions=["view"])
    def retry(self, request, queryset):
        if not request.user.is_superuser:
            self.message_user(request, "Only an administrator can retry.", messages.ERROR)
            return
        count = services.retry_failed(ids=queryset.values_list("pk", flat=True))
        services.relay(ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} failed message(s) queued again.")


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
    readonly_fields = ["name", "seen_at"]

    def has_add_permission(self, request):
        return False
