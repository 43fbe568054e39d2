"""Other publishers' ClaimReview by url: a fact-check page or a feed fetched through the
guarded fetcher (factcheck.fetch: public addresses only, unless FACTCHECK_FETCH_ALLOW
names the host), for import_claimreview and the API's import by url."""

from __future__ import annotations

from django.conf import settings

from factcheck import fetch
from reviews.claimreview_import import UnreadableInput

_HTML = ("text/html", "application/xhtml+xml")
_JSON = ("application/json", "application/ld+json")


def fetch_reviews_input(url: str) -> tuple[bytes, bool | None]:
    """The body at `url` and whether it is HTML (None: read it to tell), or
    UnreadableInput with the reason in one line."""
    try:
        answer = fetch.fetch(
            url,
            headers={"Accept": "application/ld+json, application/json, text/html;q=0.9"},
            max_bytes=settings.FACTCHECK_MAX_IMPORT_BYTES,
        )
    except fetch.FetchRefused as refused:
        raise UnreadableInput(f"not fetched: {refused.reason}") from None
    except fetch.FetchFailed as failed:
        raise UnreadableInput(f"could not be fetched: {failed.reason}") from None
    if not 200 <= answer.status < 300:
        raise UnreadableInput(f"the server answered HTTP {answer.status}")
    media = answer.content_type.split(";")[0].strip().lower()
    html = True if media in _HTML else False if media in _JSON else None
    return answer.body, html
