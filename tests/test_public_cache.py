"""A published verdict's page for readers without a session: rendered once per version
and served from the cache, with an ETag that If-None-Match turns into a 304; what a
workflow step or a source changes shows on the next request, and the desk's own people
always get their own page, never the cached one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import services
from tests.factories import RatingFactory
from tests.test_pages import desk_url, published

pytestmark = pytest.mark.django_db


def page(claim) -> str:
    return reverse("public-claim", args=[claim.pk])


def get(url: str, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url, headers=headers)
    return response, len(queries)


def test_a_reader_gets_an_etag_then_a_304_and_the_cached_page_in_one_query(
    claim, reviewer, editor, rating
):
    published(claim, reviewer, editor, rating)
    first, rendering = get(page(claim))
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in first["Vary"]
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')

    again, cached = get(page(claim))
    assert again.status_code == 200 and again["ETag"] == etag
    assert again.content == first.content
    assert cached == 1 < rendering  # the key; the page itself comes from the cache

    unchanged, asked = get(page(claim), if_none_match=etag)
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged["ETag"] == etag and asked == 1
    # A weak copy of the tag (a proxy that compressed the page) is the same page.
    assert get(page(claim), if_none_match=f'"other", W/{etag}')[0].status_code == 304


def test_a_correction_and_a_withdrawal_show_on_the_next_request(
    claim, reviewer, editor, other_editor, rating
):
    published(claim, reviewer, editor, rating)
    before, _ = get(page(claim))
    etag = before["ETag"]

    services.reopen(claim_id=claim.pk, actor=editor, reason="New UN figures.")
    # Under review again: the published verdict stays up, and a source the reviewer adds
    # is on the page at once (no step bumps the version for it).
    services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://un.example/record", title="UN record 2"
    )
    sourced, _ = get(page(claim), if_none_match=etag)
    assert sourced.status_code == 200 and "UN record 2" in sourced.content.decode()
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=reviewer,
        rating=RatingFactory(label="Mostly false", slug="mostly-false", value=2),
        summary="Thirty-eight states abstained.",
        rationale="The corrected record lists 38.",
        correction_note="The count was 38, not 35.",
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=other_editor)
    corrected, _ = get(page(claim), if_none_match=sourced["ETag"])
    assert corrected.status_code == 200
    assert "The count was 38, not 35." in corrected.content.decode()

    services.withdraw(claim_id=claim.pk, actor=editor, note="The record was forged.")
    withdrawn, _ = get(page(claim), if_none_match=corrected["ETag"])
    assert withdrawn.status_code == 200
    assert "The record was forged." in withdrawn.content.decode()
    assert len({etag, sourced["ETag"], corrected["ETag"], withdrawn["ETag"]}) == 4


def test_the_desk_gets_its_own_page_and_no_shared_cache(claim, reviewer, editor, rating):
    published(claim, reviewer, editor, rating)
    reader, _ = get(page(claim))  # the reader's page is in the cache now
    assert desk_url(claim) not in reader.content.decode()
    desk = Client()
    desk.force_login(editor)
    mine = desk.get(page(claim), headers={"if-none-match": reader["ETag"]})
    assert mine.status_code == 200
    assert mine["Cache-Control"] == "private, no-cache" and not mine.has_header("ETag")
    assert desk_url(claim) in mine.content.decode()  # "Open on the desk": the desk's alone


def test_a_claim_without_a_public_page_is_404_from_the_cached_path_too(claim):
    missing, queries = get(page(claim))
    assert missing.status_code == 404 and queries == 1
    assert get(reverse("public-claim", args=[claim.pk + 999]))[0].status_code == 404


def test_zero_seconds_turns_the_cache_and_the_etag_off(claim, reviewer, editor, rating, settings):
    settings.FACTCHECK_PUBLIC_CACHE_SECONDS = 0
    published(claim, reviewer, editor, rating)
    first, rendering = get(page(claim))
    assert first.status_code == 200 and not first.has_header("ETag")
    assert get(page(claim))[1] == rendering
