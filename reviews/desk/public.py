"""The public page of a published verdict, with its ClaimReview JSON-LD (anyone)."""

from __future__ import annotations

import json

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from reviews.claimreview import claim_review, public_verdicts, site_base
from reviews.models import Evidence, Verdict
from reviews.selectors import claims_for_claimreview


def json_ld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> block that no string in `data` can close:
    <, > and & are written as JSON escapes, which parse back to the same characters."""
    text = (
        json.dumps(data, ensure_ascii=False, indent=2)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    # Safe to mark: every character that could end the element or start markup is escaped.
    return format_html('<script type="application/ld+json">\n{}\n</script>', mark_safe(text))  # noqa: S308


@require_GET
def public_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """A published claim with its verdict, method, sources and corrections (anyone)."""
    claim = get_object_or_404(
        claims_for_claimreview(request.user).prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("created_at", "id"))
        ),
        pk=pk,
    )
    data = claim_review(claim, request=request)
    verdicts = public_verdicts(claim)
    current = next((v for v in reversed(verdicts) if v.state == Verdict.State.APPROVED), None)
    withdrawn = None
    if current is None:
        # Withdrawn: the page stays, with the public note where the verdict was.
        withdrawn = next(
            (v for v in reversed(verdicts) if v.state == Verdict.State.WITHDRAWN), None
        )
        if withdrawn is None:  # public without any verdict: only if data was hand-edited
            raise Http404("This claim has no published verdict.")
    shown = current or withdrawn
    return render(
        request,
        "reviews/public_claim.html",
        {
            "claim": claim,
            "verdict": current,
            "withdrawn": withdrawn,
            "under_review_since": claim.under_review_since if current else None,
            "earlier": [v for v in reversed(verdicts) if v is not shown],
            "first_published": verdicts[0].approved_at,
            "corrections": [v for v in reversed(verdicts) if v.correction_note],
            "evidence": list(claim.evidence.all()),
            "json_ld": json_ld_script(data) if data else "",
            "canonical": site_base(request) + reverse("public-claim", args=[claim.pk]),
        },
    )
