"""Webhook endpoints: an editor's hooks (register, change, pause, resume, rotate the
secret, remove) and each hook's deliveries with their attempts. Which hooks exist for a
user is services.hooks_of (their own; a superuser's, all); writes go through services."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.api import DeskPermission
from reviews.webhooks import services
from reviews.webhooks.api.serializers import (
    DeliverySerializer,
    ResumedSerializer,
    SecretSerializer,
    WebhookCreatedSerializer,
    WebhookInputSerializer,
    WebhookSerializer,
)
from reviews.webhooks.models import Attempt, Delivery, Webhook


def _hooks(request):
    return services.hooks_of(request.user).select_related("owner")


@extend_schema_view(
    get=extend_schema(summary="Your webhooks", tags=["webhooks"]),
    post=extend_schema(
        summary="Register a webhook: its secret is in this answer only",
        tags=["webhooks"],
        request=WebhookInputSerializer,
        responses={201: WebhookCreatedSerializer},
    ),
)
class WebhookListView(generics.ListCreateAPIView):
    serializer_class = WebhookSerializer
    permission_classes = [DeskPermission]
    permission_model = "webhooks.webhook"
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Webhook.objects.none()
        return _hooks(self.request)

    def create(self, request, *args, **kwargs):
        payload = WebhookInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        hook, secret = services.create_webhook(actor=request.user, **payload.validated_data)
        hook.secret = secret
        return Response(WebhookCreatedSerializer(hook).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="One of your webhooks", tags=["webhooks"]),
    patch=extend_schema(
        summary="Change a webhook's url, events or description",
        tags=["webhooks"],
        request=WebhookInputSerializer,
    ),
    delete=extend_schema(summary="Remove a webhook and its log", tags=["webhooks"]),
)
class WebhookDetailView(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = WebhookSerializer
    permission_classes = [DeskPermission]
    permission_model = "webhooks.webhook"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Webhook.objects.none()
        return _hooks(self.request)

    def partial_update(self, request, *args, **kwargs):
        hook = self.get_object()
        payload = WebhookInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        hook = services.update_webhook(
            hook_id=hook.pk, actor=request.user, **payload.validated_data
        )
        return Response(WebhookSerializer(hook).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_webhook(hook_id=self.get_object().pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _HookAction(APIView):
    """POST on one of the user's hooks (a change: the change_webhook permission)."""

    permission_classes = [DeskPermission]
    permission_model = "webhooks.webhook"
    write_permission = "webhooks.change_webhook"

    def hook(self, request, pk: int) -> Webhook:
        return get_object_or_404(services.hooks_of(request.user), pk=pk)


@extend_schema(
    summary="Pause a webhook (deliveries are held until it is resumed)",
    tags=["webhooks"],
    request=None,
    responses={200: WebhookSerializer},
)
class WebhookPauseView(_HookAction):
    def post(self, request, pk: int):
        hook = services.pause_webhook(hook_id=self.hook(request, pk).pk, actor=request.user)
        return Response(WebhookSerializer(hook).data)


@extend_schema(
    summary="Resume a paused webhook: its held deliveries are sent",
    tags=["webhooks"],
    request=None,
    responses={200: ResumedSerializer},
)
class WebhookResumeView(_HookAction):
    def post(self, request, pk: int):
        queued = services.resume_webhook(hook_id=self.hook(request, pk).pk, actor=request.user)
        return Response({"queued": queued})


@extend_schema(
    summary="A new secret for a webhook, in this answer only",
    tags=["webhooks"],
    request=None,
    responses={200: SecretSerializer},
)
class WebhookSecretView(_HookAction):
    def post(self, request, pk: int):
        secret = services.rotate_secret(hook_id=self.hook(request, pk).pk, actor=request.user)
        return Response({"secret": secret})


@extend_schema(
    summary="A webhook's deliveries, newest first, each with its attempts",
    tags=["webhooks"],
)
class DeliveryListView(generics.ListAPIView):
    serializer_class = DeliverySerializer
    permission_classes = [DeskPermission]
    permission_model = "webhooks.webhook"
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Delivery.objects.none()
        hook = get_object_or_404(services.hooks_of(self.request.user), pk=self.kwargs["pk"])
        return Delivery.objects.filter(hook=hook).prefetch_related(
            Prefetch("log", queryset=Attempt.objects.order_by("number", "id"))
        )
