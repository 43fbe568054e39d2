"""schema.org ClaimReview for a published claim: one builder for the API, the feed and the
pages, following what Google's fact-check markup documents (required: claimReviewed,
reviewRating, url; recommended: author, datePublished, itemReviewed)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from claims.models import Claim, Claimant
from reviews.models import Verdict


def site_base(request=None) -> str:
    """The absolute root links are built on: FACTCHECK_SITE_URL, else the request's host."""
    if settings.FACTCHECK_SITE_URL:
        return settings.FACTCHECK_SITE_URL.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return "http://127.0.0.1:8000"


def organization(request=None) -> dict:
    """The desk as ClaimReview author: FACTCHECK_ORG_NAME at FACTCHECK_ORG_URL (the site's
    root when that is empty, so one setting is enough in production)."""
    return {
        "@type": "Organization",
        "name": settings.FACTCHECK_ORG_NAME,
        "url": settings.FACTCHECK_ORG_URL or site_base(request) + "/",
    }


def _iso(value) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def public_verdicts(claim: Claim) -> list[Verdict]:
    """Approved and superseded verdicts, oldest first (uses the selector's prefetch)."""
    if hasattr(claim, "public_verdicts"):
        return claim.public_verdicts
    return list(
        claim.verdicts.filter(state__in=[Verdict.State.APPROVED, Verdict.State.SUPERSEDED])
        .select_related("rating")
        .order_by("approved_at", "id")
    )


def _claimant(claimant: Claimant | None) -> dict | None:
    if claimant is None:
        return None
    kind = "Organization" if claimant.kind == Claimant.Kind.ORGANIZATION else "Person"
    data = {"@type": kind, "name": claimant.name}
    if claimant.role and kind == "Person":
        data["jobTitle"] = claimant.role
    return data


def _appearance(claim: Claim) -> dict | None:
    article = claim.article
    if article is None:
        return {"@type": "CreativeWork", "url": claim.source_url}
    if not article.url:
        return None
    work = {"@type": "CreativeWork", "url": article.url}
    if article.title:
        work["headline"] = article.title
    if article.published:
        work["datePublished"] = article.published.isoformat()
    if article.outlet_id:
        work["publisher"] = {"@type": "Organization", "name": article.outlet.name}
    return work


def withdrawn_review(claim: Claim, *, request=None) -> dict | None:
    """What the feed says of a claim whose verdict was withdrawn (and not published
    again): the review, marked withdrawn, with no rating, its `dateModified` the
    withdrawal and the public note as its last correction, so a reader that took the
    verdict in knows to take it down. None for any other claim. (The public page carries
    no ClaimReview for it: the markup is for verdicts that stand.)"""
    verdicts = public_verdicts(claim)
    if not verdicts or any(v.state == Verdict.State.APPROVED for v in verdicts):
        return None
    withdrawn = [v for v in verdicts if v.state == Verdict.State.WITHDRAWN]
    if not withdrawn:
        return None
    last = max(withdrawn, key=lambda v: (v.withdrawn_at or v.approved_at, v.pk))
    when = last.withdrawn_at or last.approved_at
    url = site_base(request) + reverse("public-claim", args=[claim.pk])
    item = _item_reviewed(claim)
    corrections = _corrections(verdicts)
    corrections.append(
        {
            "@type": "CorrectionComment",
            "text": f"Verdict withdrawn: {last.withdrawal_note}",
            "datePublished": _iso(when),
        }
    )
    return {
        "@type": "ClaimReview",
        "@id": url + "#claimreview",
        "url": url,
        "claimReviewed": claim.text,
        "author": organization(request),
        "datePublished": verdicts[0].approved_at.date().isoformat(),
        "dateModified": _iso(when),
        "creativeWorkStatus": "withdrawn",
        "itemReviewed": item,
        "correction": corrections,
    }


def _item_reviewed(claim: Claim) -> dict:
    item = {"@type": "Claim"}
    author = _claimant(claim.claimant)
    if author:
        item["author"] = author
    claim_date = claim.claim_date or (claim.article.published if claim.article_id else None)
    if claim_date:
        item["datePublished"] = claim_date.isoformat()
    appearance = _appearance(claim)
    if appearance:
        item["appearance"] = [appearance]
        item["firstAppearance"] = appearance
    return item


def _corrections(verdicts: list[Verdict]) -> list[dict]:
    return [
        {
            "@type": "CorrectionComment",
            "text": later.correction_note,
            "datePublished": _iso(later.approved_at),
        }
        for later in verdicts[1:]
        if later.correction_note and later.approved_at
    ]


def claim_review(claim: Claim, *, request=None, context: bool = True) -> dict | None:
    """The ClaimReview of a published claim, or None when it has no approved verdict.

    `context=False` leaves out "@context", for items inside a feed that carries it."""
    verdicts = public_verdicts(claim)
    current = next((v for v in reversed(verdicts) if v.state == Verdict.State.APPROVED), None)
    if current is None:
        return None
    first = verdicts[0]
    rating = current.rating
    review_rating = {"@type": "Rating", "alternateName": rating.label}
    if rating.is_ordinal:
        review_rating.update(
            ratingValue=rating.value, bestRating=rating.best_value, worstRating=rating.worst_value
        )
    item = _item_reviewed(claim)
    url = site_base(request) + reverse("public-claim", args=[claim.pk])
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        # A node id, so a JSON-LD reader keeps each review one node across pages and feeds.
        "@id": url + "#claimreview",
        "url": url,
        "claimReviewed": claim.text,
        "reviewRating": review_rating,
        "author": organization(request),
        "datePublished": first.approved_at.date().isoformat(),
        # Feed readers poll by it: the last publication, which a correction moves on.
        "dateModified": _iso(current.approved_at),
        "itemReviewed": item,
        "reviewBody": current.summary,
    }
    if not context:
        del data["@context"]
    corrections = _corrections(verdicts)
    if corrections:
        data["correction"] = corrections
    if claim.under_review_since:
        # Reopened for a correction: the verdict stands, and says it is looked at again.
        data["dateModified"] = _iso(claim.under_review_since)
        data["creativeWorkStatus"] = (
            f"under review since {claim.under_review_since.date().isoformat()}"
        )
    return data
