"""Admin for webhooks and their delivery log. Each editor sees the hooks they registered
(a superuser all); writes go through reviews.webhooks.services, and the secret is shown
once, in the message after the hook is added."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from reviews.webhooks import services
from reviews.webhooks.models import EVENTS, Attempt, Delivery, Webhook


class WebhookForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=list(EVENTS.items()), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Webhook
        fields = ["url", "events", "description"]

    def clean_url(self):
        try:
            return services.clean_url(self.cleaned_data["url"])
        except services.WebhookError as error:
            raise ValidationError(error.message) from None

    def clean_events(self):
        try:
            return services.clean_events(self.cleaned_data["events"])
        except services.WebhookError as error:
            raise ValidationError(error.message) from None


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["url", "owner", "event_list", "state", "failing_since", "last_success_at"]
    list_select_related = ["owner"]
    search_fields = ["url", "description"]
    readonly_fields = [
        "owner",
        "created_at",
        "paused_at",
        "paused_reason",
        "failing_since",
        "last_success_at",
    ]
    actions = ["pause", "resume"]

    def get_queryset(self, request):
        return services.hooks_of(request.user).select_related("owner")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        fields = ["url", "events", "description"]
        return fields + self.readonly_fields if obj else fields

    @admin.display(description="events")
    def event_list(self, obj: Webhook) -> str:
        return ", ".join(obj.events)

    @admin.display(description="state")
    def state(self, obj: Webhook) -> str:
        if obj.is_paused:
            return f"paused: {obj.paused_reason}"
        return "failing" if obj.failing_since else "active"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.update_webhook(
                hook_id=obj.pk,
                actor=request.user,
                url=data["url"],
                events=data["events"],
                description=data.get("description", ""),
            )
            return
        hook, secret = services.create_webhook(
            actor=request.user,
            url=data["url"],
            events=data["events"],
            description=data.get("description", ""),
        )
        obj.pk, obj.owner, obj.created_at = hook.pk, hook.owner, hook.created_at
        messages.warning(
            request,
            f"The secret of this webhook, shown this once (keep it in the receiver): {secret}",
        )

    def delete_model(self, request, obj):
        services.delete_webhook(hook_id=obj.pk, actor=request.user)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.delete_webhook(hook_id=pk, actor=request.user)

    @admin.action(description="Pause the selected webhooks", permissions=["change"])
    def pause(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.pause_webhook(hook_id=pk, actor=request.user)

    @admin.action(
        description="Resume the selected webhooks (held deliveries are sent)",
        permissions=["change"],
    )
    def resume(self, request, queryset):
        queued = sum(
            services.resume_webhook(hook_id=pk, actor=request.user)
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(request, f"{queued} held deliveries queued.")


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ["number", "started_at", "duration_ms", "status_code", "outcome", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "delivery_id",
        "hook",
        "event",
        "claim_id",
        "state",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["state", "event"]
    list_select_related = ["hook"]
    search_fields = ["delivery_id", "hook__url"]
    inlines = [AttemptInline]
    readonly_fields = [
        "delivery_id",
        "hook",
        "event",
        "event_key",
        "claim_id",
        "payload",
        "state",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return Delivery.objects.filter(hook__in=services.hooks_of(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
