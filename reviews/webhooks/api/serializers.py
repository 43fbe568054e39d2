"""The webhooks' API shapes: a hook (its secret only in the answer that creates or
rotates it), its deliveries with their attempt log."""

from __future__ import annotations

from rest_framework import serializers

from factcheck.api_input import StrictSerializer, read_only
from reviews.webhooks.models import EVENTS, Attempt, Delivery, Webhook


class WebhookSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    is_paused = serializers.BooleanField(read_only=True)

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "events",
            "description",
            "owner",
            "created_at",
            "is_paused",
            "paused_at",
            "paused_reason",
            "failing_since",
            "last_success_at",
        ]
        read_only_fields = fields


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="Signs every delivery; shown in this answer only."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookInputSerializer(StrictSerializer):
    read_only_fields = read_only(
        [*WebhookCreatedSerializer.Meta.fields],
        **{"secret": "The secret is the server's: rotate it with POST .../secret/."},
    )

    url = serializers.URLField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EVENTS)), allow_empty=False
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(read_only=True)


class ResumedSerializer(serializers.Serializer):
    queued = serializers.IntegerField(read_only=True, help_text="Held deliveries sent again")


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["number", "started_at", "duration_ms", "status_code", "outcome", "error"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    attempts_log = AttemptSerializer(source="log", many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "delivery_id",
            "event",
            "claim_id",
            "state",
            "attempts",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
            "attempts_log",
        ]
        read_only_fields = fields
