"""The whole life of a claim through the REST API only: found in a posted article, taken,
evidenced, drafted, proposed, sent back, proposed again, published by an editor, reopened,
corrected and republished; the public sees each published state and its ClaimReview."""

from __future__ import annotations

import pytest
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.factories import RatingFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Vote report. The minister said 35 countries abstained on the vote. "
    "Officials met on February 24 in Moscow."
)
SENTENCE = "The minister said 35 countries abstained on the vote."


def step(client: APIClient, claim_id: int, action: str, **fields):
    return client.post(
        f"/api/v1/claims/{claim_id}/transitions/", {"action": action, **fields}, format="json"
    )


def test_a_claim_lives_its_whole_life_through_the_api(reviewer, editor, other_editor):
    RatingFactory(label="False", slug="false", value=1, best_value=5, worst_value=1)
    RatingFactory(label="Mostly false", slug="mostly-false", value=2, best_value=5, worst_value=1)
    rita, eddie, edna, public = (
        client_for(reviewer),
        client_for(editor),
        client_for(other_editor),
        client_for(),
    )

    # A newsroom posts an article; an editor marks the sentence the extractor may miss.
    posted = eddie.post(
        "/api/v1/articles/",
        {"url": "https://news.example/vote", "title": "Vote report", "text": BODY},
        format="json",
    )
    assert posted.status_code == 201, posted.json()
    article_id = posted.json()["article"]["id"]
    start = BODY.index(SENTENCE)
    existing = [c for c in posted.json()["article"]["claims"] if c["span_start"] == start]
    if existing:
        claim_id = existing[0]["id"]
    else:
        made = eddie.post(
            "/api/v1/claims/",
            {"article": article_id, "span_start": start, "span_end": start + len(SENTENCE)},
            format="json",
        )
        assert made.status_code == 201, made.json()
        claim_id = made.json()["id"]
    assert public.get(f"/api/v1/claims/{claim_id}/").status_code == 404

    # The reviewer takes it, adds evidence and a draft verdict, and proposes.
    taken = step(rita, claim_id, "take")
    assert taken.status_code == 200, taken.json()
    assert taken.json()["status"] == "in_review"
    assert "propose" in taken.json()["actions"]
    evidence = rita.post(
        f"/api/v1/claims/{claim_id}/evidence/",
        {
            "url": "https://records.example/un/a-res-es-11-1",
            "title": "Resolution A/RES/ES-11/1",
            "kind": "official_record",
            "stance": "supports",
        },
        format="json",
    )
    assert evidence.status_code == 201, evidence.json()
    draft = rita.post(
        f"/api/v1/claims/{claim_id}/verdicts/",
        {"rating": "false", "summary": "Wrong count.", "rationale": "Read the UN record."},
        format="json",
    )
    assert draft.status_code == 201, draft.json()
    assert draft.json()["state"] == "draft"
    assert step(rita, claim_id, "propose").json()["status"] == "proposed"

    # The editor sends it back with a comment; the reviewer revises and proposes again.
    assert step(eddie, claim_id, "send_back").status_code == 400  # a comment is required
    sent_back = step(eddie, claim_id, "send_back", comment="Cite the vote record itself.")
    assert sent_back.json()["status"] == "in_review"
    revised = rita.post(
        f"/api/v1/claims/{claim_id}/verdicts/",
        {"rating": "false", "summary": "141 for, 5 against, 35 abstained.", "rationale": "UN."},
        format="json",
    )
    assert revised.status_code == 200
    assert revised.json()["id"] == draft.json()["id"]
    assert step(rita, claim_id, "propose").json()["status"] == "proposed"

    # The reviewer cannot publish; the editor can.
    assert step(rita, claim_id, "publish").status_code == 403
    published = step(eddie, claim_id, "publish")
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"
    assert published.json()["actions"] == ["reopen", "withdraw"]

    # The public now sees the claim, its verdict and its ClaimReview.
    seen = public.get(f"/api/v1/claims/{claim_id}/")
    assert seen.status_code == 200
    assert seen.json()["verdict"]["rating"]["slug"] == "false"
    review = public.get(f"/api/v1/claims/{claim_id}/claimreview/").json()
    assert review["@type"] == "ClaimReview"
    first_approval = public.get(f"/api/v1/claims/{claim_id}/verdicts/").json()["results"][0]
    assert review["datePublished"] == first_approval["approved_at"][:10]
    # Every review says when it last changed: at first, its publication.
    assert parse_datetime(review["dateModified"]) == parse_datetime(first_approval["approved_at"])

    # A correction: reopen with a reason, redraft, propose, publish with a note.
    assert step(edna, claim_id, "reopen").status_code == 400  # a reason is required
    assert step(edna, claim_id, "reopen", comment="New tally published.").status_code == 200
    # Reopening started the correction's draft from the published verdict: the reviewer
    # changes it (200), not a new one from nothing (201).
    drafts = rita.get(f"/api/v1/claims/{claim_id}/verdicts/").json()["results"]
    assert [v["summary"] for v in drafts if v["state"] == "draft"] == [first_approval["summary"]]
    corrected = rita.post(
        f"/api/v1/claims/{claim_id}/verdicts/",
        {"rating": "mostly-false", "summary": "Mostly wrong.", "rationale": "Updated tally."},
        format="json",
    )
    assert corrected.status_code == 200
    assert step(rita, claim_id, "propose").status_code == 200
    refused = step(eddie, claim_id, "publish")
    assert refused.status_code == 400
    assert "correction_note" in refused.json()["error"]["fields"]
    republished = step(eddie, claim_id, "publish", correction_note="The tally was revised.")
    assert republished.status_code == 200
    assert republished.json()["status"] == "published"

    review = public.get(f"/api/v1/claims/{claim_id}/claimreview/").json()
    verdicts = public.get(f"/api/v1/claims/{claim_id}/verdicts/").json()["results"]
    assert [v["state"] for v in verdicts] == ["superseded", "approved"]
    assert verdicts[1]["correction_note"] == "The tally was revised."
    assert review["datePublished"] == first_approval["approved_at"][:10]
    assert parse_datetime(review["dateModified"]) == parse_datetime(verdicts[1]["approved_at"])
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert [c["text"] for c in review["correction"]] == ["The tally was revised."]

    history = eddie.get(f"/api/v1/claims/{claim_id}/transitions/").json()["results"]
    assert [t["action"] for t in history] == [
        "take",
        "propose",
        "send_back",
        "propose",
        "publish",
        "reopen",
        "propose",
        "publish",
    ]
    feed = public.get("/api/v1/claimreview/").json()["dataFeedElement"]
    assert [item["claimReviewed"] for item in feed] == [SENTENCE]
