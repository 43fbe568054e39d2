"""The public pages (anyone): a published verdict with its ClaimReview JSON-LD, the index
of published fact checks, and the rating colours as a stylesheet (no inline styles).

A verdict's page is what readers arrive at in numbers (a shared link): for a reader
without a session it carries an ETag and Cache-Control, answers If-None-Match with 304,
and is rendered once per version into the cache (public_page_key)."""

from __future__ import annotations

import hashlib
import json
import re

from django import forms
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Prefetch, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from claims.models import Claim
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


def _cacheable(request: HttpRequest) -> bool:
    """A reader without a session or a pending message sees the page everyone sees."""
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or request.COOKIES.get(CookieStorage.cookie_name)
    )


def _latest(model, field: str, how) -> Subquery:
    rows = model.objects.filter(claim=OuterRef("pk")).order_by().values("claim")
    return Subquery(rows.annotate(it=how(field)).values("it")[:1])


def public_page_key(request: HttpRequest, pk: int) -> str | None:
    """What a public page is made of, read in one query: None when there is no public
    page. Every step of the workflow (publication, withdrawal, a correction) bumps the
    claim's version; the sources, which a correction under review may add to, edit or
    remove without a step, count by their number and last change. A rating renamed or
    recoloured reaches the cached pages within FACTCHECK_PUBLIC_CACHE_SECONDS."""
    row = (
        Claim.objects.filter(pk=pk, is_public=True)
        .annotate(
            verdict_at=_latest(Verdict, "updated_at", Max),
            evidence_at=_latest(Evidence, "updated_at", Max),
            evidence_n=_latest(Evidence, "id", Count),
        )
        .values_list("version", "verdict_at", "evidence_at", "evidence_n")
        .first()
    )
    if row is None:
        return None
    made_of = ":".join(map(str, (pk, *row, request.scheme, request.get_host())))
    return "public-claim:" + hashlib.sha256(made_of.encode()).hexdigest()[:32]


@require_GET
def public_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """A published claim with its verdict, method, sources and corrections (anyone)."""
    seconds = settings.FACTCHECK_PUBLIC_CACHE_SECONDS
    if seconds <= 0 or not _cacheable(request):
        response = _public_claim(request, pk)
        response["Cache-Control"] = "private, no-cache"
        return response
    key = public_page_key(request, pk)
    if key is None:
        raise Http404("No published fact check has this number.")
    etag = f'"{key.removeprefix("public-claim:")}"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={seconds}"}
    asked = {
        tag.strip().removeprefix("W/")
        for tag in request.headers.get("If-None-Match", "").split(",")
    }
    if etag in asked:
        response = HttpResponseNotModified()
    elif (body := cache.get(key)) is not None:
        response = HttpResponse(body)
    else:
        response = _public_claim(request, pk)
        cache.set(key, response.content, seconds)
    for name, value in headers.items():
        response[name] = value
    # A shared cache keeps this answer for readers without cookies only: a signed-in
    # editor's page is their own.
    patch_vary_headers(response, ["Cookie"])
    return response


def _public_claim(request: HttpRequest, pk: int) -> HttpResponse:
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
