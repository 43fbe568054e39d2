"""The ratings' colours as a stylesheet: one class a rating (`rating-<id>`), so the pages
carry no style attribute and the Content-Security-Policy forbids inline styles."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET

from reviews.desk.templatetags.desk import rating_vars
from reviews.models import Rating


@require_GET
def rating_styles(request: HttpRequest) -> HttpResponse:
    """`.rating-<id> { --rating: ...; }` for every rating (anyone: the public pages use it)."""
    rules = [
        f".rating-{pk} {{ {rating_vars(colour)}; }}"
        for pk, colour in Rating.objects.order_by("pk").values_list("pk", "colour")
    ]
    css = "\n".join(rules) + "\n"
    etag = '"' + hashlib.sha256(css.encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    # An editor's new colour shows within a minute; revalidating costs one small query.
    response["Cache-Control"] = "public, max-age=60"
    return response
