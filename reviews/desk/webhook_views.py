"""Webhooks on the desk: the hooks a person manages (their own; a superuser's, all) with
their state and latest deliveries, and a button to pause or resume each. Registering and
changing hooks stay in the API and the admin; the writes here are the services'
(reviews.webhooks.services), which check that the hook is the person's."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from factcheck.errors import DomainError
from reviews.desk import once
from reviews.desk.views import desk_required
from reviews.webhooks import services
from reviews.webhooks.models import Delivery

RECENT = 5  # deliveries shown per hook
SHOWN = 100  # hooks on the page


def _webhooks_required(view):
    """Desk members who may see webhooks (the Editor group's permission)."""

    @desk_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not services.can_manage(request.user, "view_webhook"):
            raise PermissionDenied("Only editors manage webhooks.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _recent_deliveries(hook_ids: list[int]) -> dict[int, list[Delivery]]:
    """The latest RECENT deliveries of each hook, in one query (a window per hook)."""
    ranked = (
        Delivery.objects.filter(hook_id__in=hook_ids)
        .annotate(rank=Window(RowNumber(), partition_by=F("hook_id"), order_by=F("id").desc()))
        .filter(rank__lte=RECENT)
        .only(
            "id",
            "hook_id",
            "event",
            "claim_id",
            "state",
            "attempts",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
        )
        .order_by("hook_id", "-id")
    )
    by_hook: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in ranked:
        by_hook[delivery.hook_id].append(delivery)
    return by_hook


def _waiting(hook_ids: list[int]) -> dict[int, dict[str, int]]:
    """Each hook's deliveries still to go, by state (pending, held), in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Delivery.objects.filter(
            hook_id__in=hook_ids, state__in=[Delivery.State.PENDING, Delivery.State.HELD]
        )
        .values("hook_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["hook_id"]][row["state"]] = row["n"]
    return counts


@require_GET
@_webhooks_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    hooks = list(services.hooks_of(request.user).select_related("owner")[:SHOWN])
    ids = [hook.pk for hook in hooks]
    recent, waiting = _recent_deliveries(ids), _waiting(ids)
    for hook in hooks:
        hook.recent = recent.get(hook.pk, [])
        hook.pending = waiting.get(hook.pk, {}).get(Delivery.State.PENDING, 0)
        hook.held = waiting.get(hook.pk, {}).get(Delivery.State.HELD, 0)
    return render(request, "reviews/webhooks.html", {"hooks": hooks})


@require_POST
@_webhooks_required
def webhook_toggle(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Pause or resume hook `pk` (action "pause" or "resume")."""
    try:
        once.spend(request.POST.get(once.FIELD), user=request.user, purpose=f"webhook:{pk}")
        if action == "pause":
            hook = services.pause_webhook(hook_id=pk, actor=request.user)
            messages.success(request, f"Webhook #{hook.pk} paused: its deliveries wait.")
        else:
            sent = services.resume_webhook(hook_id=pk, actor=request.user)
            messages.success(request, f"Webhook #{pk} resumed: {sent} held deliveries queued.")
    except once.AlreadySent as sent_before:
        messages.info(request, sent_before.message)
    except DomainError as refused:
        messages.error(request, refused.message)
    return redirect("desk-webhooks")
