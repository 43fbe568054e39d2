"""Corrections from the desk: a claim's text, span, claimant and date; an evidence
record changed or removed before the verdict is proposed. Each goes through its service
(reviews.services.update_claim, update_evidence, remove_evidence), which records it in the
claim's history; a refusal is shown on the claim page with the form as it was typed."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims.models import Claim
from claims.selectors import visible_claims
from claims.services import ClaimsError, get_or_create_claimant
from claims.services.corrections import UNCHANGED
from reviews import services
from reviews.desk import once
from reviews.desk.claim_views import evidence_prefix, render_claim, spend_once
from reviews.desk.forms import ClaimEditForm, EvidenceEditForm
from reviews.desk.views import desk_required
from reviews.models import Evidence


def _edits(claim: Claim, data: dict) -> dict:
    """What the form changes, as update_claim takes it: only the fields that differ."""
    edits: dict = {}
    if data["text"].strip() != claim.text:
        edits["text"] = data["text"]
    span = (data["span_start"], data["span_end"])
    if claim.article_id is not None and None not in span:
        if span != (claim.span_start, claim.span_end):
            edits["span"] = span
    elif claim.article_id is None and any(v is not None for v in span):
        edits["span"] = span  # refused by the service, in its words
    name = data["claimant"].strip()
    current = claim.claimant.name if claim.claimant else ""
    if name != current:
        edits["claimant"] = get_or_create_claimant(name=name) if name else None
    if data["claim_date"] != claim.claim_date:
        edits["claim_date"] = data["claim_date"]
    return edits


@require_POST
@desk_required
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the claim's text, span, claimant or date."""
    claim = get_object_or_404(visible_claims(request.user).select_related("claimant"), pk=pk)
    form = ClaimEditForm(request.POST)
    if not form.is_valid():
        return render_claim(request, pk, status=400, claim_form=form)
    spent = spend_once(request, pk, f"edit:{pk}")
    if isinstance(spent, once.TokenRefused):
        return render_claim(request, pk, status=400, error=spent, claim_form=form)
    if spent is not None:
        return spent
    try:
        # One transaction: a claimant named in a refused edit is not kept.
        with transaction.atomic():
            edits = _edits(claim, form.cleaned_data)
            if edits:
                services.update_claim(
                    claim_id=pk,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                    **{k: edits.get(k, UNCHANGED) for k in ("claimant", "claim_date")},
                    **{k: edits[k] for k in ("text", "span") if k in edits},
                )
    except (services.WorkflowError, ClaimsError) as error:
        field = {"span": "span_start"}.get(error.field, error.field)
        if field in form.fields:
            form.add_error(field, error.message)
        stale = bool(getattr(error, "code", "") == services.StaleVersion.code)
        return render_claim(
            request, pk, status=error.http_status, error=error, stale=stale, claim_form=form
        )
    messages.success(request, "Claim corrected." if edits else "Nothing was changed.")
    return redirect(reverse("desk-claim", args=[pk]) + "#fix")


def _evidence_of(request: HttpRequest, pk: int, evidence_id: int) -> Evidence:
    get_object_or_404(visible_claims(request.user), pk=pk)
    return get_object_or_404(Evidence, pk=evidence_id, claim_id=pk)


@require_POST
@desk_required
def evidence_edit(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """Change an evidence record while the claim is open to the user."""
    _evidence_of(request, pk, evidence_id)
    form = EvidenceEditForm(request.POST, prefix=evidence_prefix(evidence_id))
    edited = {"evidence_edit": (evidence_id, form)}
    if not form.is_valid():
        return render_claim(request, pk, status=400, **edited)
    spent = spend_once(request, pk, f"evidence-edit:{pk}:{evidence_id}")
    if isinstance(spent, once.TokenRefused):
        return render_claim(request, pk, status=400, error=spent, **edited)
    if spent is not None:
        return spent
    fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        services.update_evidence(evidence_id=evidence_id, actor=request.user, **fields)
    except services.WorkflowError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        return render_claim(request, pk, status=error.http_status, error=error, **edited)
    messages.success(request, "Evidence changed.")
    return redirect(reverse("desk-claim", args=[pk]) + f"#evidence-{evidence_id}")


@require_POST
@desk_required
def evidence_remove(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """Remove an evidence record while the claim is open to the user."""
    evidence = _evidence_of(request, pk, evidence_id)
    spent = spend_once(request, pk, f"evidence-remove:{pk}:{evidence_id}")
    if isinstance(spent, once.TokenRefused):
        return render_claim(request, pk, status=400, error=spent)
    if spent is not None:
        return spent
    try:
        services.remove_evidence(evidence_id=evidence_id, actor=request.user)
    except services.WorkflowError as error:
        return render_claim(request, pk, status=error.http_status, error=error)
    messages.success(request, f"Evidence “{evidence.title}” removed.")
    return redirect(reverse("desk-claim", args=[pk]) + "#evidence")
