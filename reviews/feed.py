"""The ClaimReview feed: every published verdict as a schema.org DataFeed whose
`dataFeedElement` items are the ClaimReviews (the shape the public fact-check data feeds
use), a page at a time. Pages link to each other with Hydra's `next`/`previous`, written
as node references, so a JSON-LD reader (not only a client that knows our API) can walk
the whole feed; the same links go in the HTTP `Link` header. A withdrawn verdict stays in
the feed as a review marked withdrawn (claimreview.withdrawn_review), so a reader that
took it in learns to take it down."""

from __future__ import annotations

from django.conf import settings

from reviews.claimreview import claim_review, organization, withdrawn_review

HYDRA = "http://www.w3.org/ns/hydra/core#"


def feed_page(
    claims, *, request, page_url: str, next_url: str | None, previous_url: str | None
) -> dict:
    """One page of the feed, from claims loaded by selectors.claims_for_claimreview."""
    items = [
        claim_review(claim, request=request, context=False)
        or withdrawn_review(claim, request=request)
        for claim in claims
    ]
    items = [item for item in items if item is not None]
    view = {"@id": page_url, "@type": "hydra:PartialCollectionView"}
    if next_url:
        view["hydra:next"] = {"@id": next_url}
    if previous_url:
        view["hydra:previous"] = {"@id": previous_url}
    page = {
        "@context": ["https://schema.org", {"hydra": HYDRA}],
        "@type": "DataFeed",
        "@id": page_url,
        "name": f"{settings.FACTCHECK_ORG_NAME}: fact checks",
        "author": organization(request),
        "dataFeedElement": items,
        "hydra:view": view,
    }
    return page
