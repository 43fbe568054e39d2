"""The public pages (anyone): a published verdict with its ClaimReview JSON-LD, the index
of published fact checks, and the rating colours as a stylesheet (no inline styles)."""

from __future__ import annotations

import json
import re

from django import forms
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from claims.selectors import search_claims
from reviews.claimreview import claim_review, public_verdicts, site_base
from reviews.desk.lists import ListForm, paginate
from reviews.desk.templatetags.desk import rating_vars
from reviews.models import Evidence, Rating, Verdict
from reviews.selectors import claims_for_claimreview, published_fact_checks, with_published_rating


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


class PublicIndexForm(ListForm):
    q = forms.CharField(
        label="Search fact checks",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "words or \u201ca phrase\u201d"}
        ),
    )
    rating = forms.ModelChoiceField(
        label="Rating",
        queryset=Rating.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Any rating",
    )

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["rating"].queryset = Rating.objects.order_by("position", "id")


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    """Every published fact check, newest first, searchable (the desk's and the API's one
    search) and filtered by rating, a page at a time."""
    form = PublicIndexForm(request.GET)
    form.is_valid()
    checks = published_fact_checks(request.user)
    if form.value("q"):
        checks = search_claims(checks, form.value("q"))
    if form.value("rating"):
        checks = with_published_rating(checks, form.value("rating"))
    paged = paginate(checks, form)
    return render(
        request,
        "reviews/public_index.html",
        {
            "form": form,
            "paged": paged,
            "checks": paged.rows,
            "filtered": bool(form.value("q") or form.value("rating")),
            "problems": form.problems(),
        },
    )


# A rating's slug becomes a class name: only the characters a SlugField allows.
_CLASS_SAFE = re.compile(r"[A-Za-z0-9_-]+")


@require_GET
def rating_styles(request: HttpRequest) -> HttpResponse:
    """`.rating-<slug>` for each rating, with the colours it is drawn in (computed to meet
    WCAG AA from the colour an editor chose): the pages set a class, never a style."""
    lines = [
        f".rating-{slug} {{ {rating_vars(colour)}; }}"
        for slug, colour in Rating.objects.order_by("position", "id").values_list("slug", "colour")
        if _CLASS_SAFE.fullmatch(slug)
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
