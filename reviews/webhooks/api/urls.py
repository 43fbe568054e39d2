"""Webhook routes, included under /api/v1/webhooks/ by reviews.api.urls."""

from __future__ import annotations

from django.urls import path

from reviews.webhooks.api import views

urlpatterns = [
    path("", views.WebhookListView.as_view(), name="api-webhook-list"),
    path("<int:pk>/", views.WebhookDetailView.as_view(), name="api-webhook-detail"),
    path("<int:pk>/pause/", views.WebhookPauseView.as_view(), name="api-webhook-pause"),
    path("<int:pk>/resume/", views.WebhookResumeView.as_view(), name="api-webhook-resume"),
    path("<int:pk>/rotate-secret/", views.WebhookSecretView.as_view(), name="api-webhook-secret"),
    path("<int:pk>/deliveries/", views.DeliveryListView.as_view(), name="api-webhook-deliveries"),
]
