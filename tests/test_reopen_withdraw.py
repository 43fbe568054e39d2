"""A reopened claim keeps its published verdict public, marked under review, on the page,
in the API and in ClaimReview; withdrawing a verdict is its own editor step with a public
note shown where the verdict was; a reopened claim cannot be dismissed silently."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from reviews import services
from reviews.errors import InvalidInput, WorkflowError
from reviews.models import Verdict
from tests.conftest import client_for as api_client
from tests.test_pages import action_url, buttons, client_for, desk_url, fresh, published, text_of

pytestmark = pytest.mark.django_db


def public_page(claim):
    return Client().get(reverse("public-claim", args=[claim.pk]))


def reopened(claim, reviewer, editor, rating):
    published(claim, reviewer, editor, rating)
    return services.reopen(claim_id=claim.pk, actor=editor, reason="New UN figures.")


def test_a_reopened_verdict_stays_public_marked_under_review(claim, reviewer, editor, rating):
    reopened(claim, reviewer, editor, rating)
    claim = fresh(claim)
    today = timezone.now()
    assert claim.status == Claim.Status.IN_REVIEW and claim.under_review_since is not None

    response = public_page(claim)
    assert response.status_code == 200
    page = text_of(response)
    assert "Thirty-five states abstained." in page
    words = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert f"Under review since {today:%-d %B %Y}: we are looking at this verdict again" in words

    anonymous = api_client()
    api = anonymous.get(f"/api/v1/claims/{claim.pk}/")
    assert api.status_code == 200
    verdict = api.json()["verdict"]
    assert verdict["summary"] == "Thirty-five states abstained."
    assert verdict["under_review_since"].startswith(today.date().isoformat())

    review = anonymous.get(f"/api/v1/claims/{claim.pk}/claimreview/").json()
    assert review["reviewBody"] == "Thirty-five states abstained."
    assert review["dateModified"].startswith(today.date().isoformat())
    assert review["creativeWorkStatus"] == f"under review since {today.date().isoformat()}"
    feed = anonymous.get("/api/v1/claimreview/").json()["dataFeedElement"]
    assert [item["claimReviewed"] for item in feed] == [claim.text]


def test_the_correction_published_ends_the_mark(claim, reviewer, editor, other_editor, rating):
    reopened(claim, reviewer, editor, rating)
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=reviewer,
        rating=rating,
        summary="Thirty-eight states abstained.",
        rationale="The corrected UN record lists 38.",
        correction_note="The count was 38, not 35.",
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=other_editor)

    page = text_of(public_page(claim))
    assert "Under review" not in page and "Thirty-eight states abstained." in page
    review = api_client().get(f"/api/v1/claims/{claim.pk}/claimreview/").json()
    assert "creativeWorkStatus" not in review
    assert (
        api_client().get(f"/api/v1/claims/{claim.pk}/").json()["verdict"]["under_review_since"]
        is None
    )


def test_a_reopened_claim_cannot_be_dismissed_only_withdrawn(claim, reviewer, editor, rating):
    reopened(claim, reviewer, editor, rating)
    editor_page = client_for(editor).get(desk_url(claim))
    assert "dismiss" not in buttons(editor_page) and "withdraw" in buttons(editor_page)
    with pytest.raises(WorkflowError, match="withdraw it, with a public note"):
        services.dismiss(claim_id=claim.pk, actor=editor, reason="Not checkable")
    assert fresh(claim).status == Claim.Status.IN_REVIEW
    assert Verdict.objects.get(claim=claim, state=Verdict.State.APPROVED)
    assert public_page(claim).status_code == 200


def test_withdrawing_needs_a_public_note_and_an_editor(claim, reviewer, editor, rating):
    published(claim, reviewer, editor, rating)
    assert "withdraw" not in buttons(client_for(reviewer).get(desk_url(claim)))
    with pytest.raises(InvalidInput, match="public note"):
        services.withdraw(claim_id=claim.pk, actor=editor, note="  ")
    api = api_client(editor).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"action": "withdraw"}, format="json"
    )
    assert api.status_code == 400
    assert "public note" in api.json()["error"]["message"]
    response = client_for(reviewer).post(
        action_url(claim), {"action": "withdraw", "comment": "x", "version": fresh(claim).version}
    )
    assert response.status_code == 403
    assert fresh(claim).status == Claim.Status.PUBLISHED


def test_a_withdrawn_verdict_leaves_its_note_where_it_stood(claim, reviewer, editor, rating):
    published(claim, reviewer, editor, rating)
    note = "The UN record we relied on was a draft; the final record is not public yet."
    response = client_for(editor).post(
        action_url(claim), {"action": "withdraw", "comment": note, "version": fresh(claim).version}
    )
    assert response.status_code == 302, text_of(response)
    claim = fresh(claim)
    assert claim.status == Claim.Status.DISMISSED
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.state == Verdict.State.WITHDRAWN and verdict.withdrawal_note == note

    response = public_page(claim)
    assert response.status_code == 200
    page = text_of(response)
    hero = page.split('class="verdict-hero withdrawn"')[1].split("</section>")[0]
    assert "Verdict withdrawn" in hero and note in hero
    assert "Thirty-five states abstained." not in hero
    assert "application/ld+json" not in page  # no ClaimReview for a withdrawn verdict

    anonymous = api_client()
    api = anonymous.get(f"/api/v1/claims/{claim.pk}/").json()
    assert api["verdict"] is None and api["withdrawn"]["note"] == note
    assert anonymous.get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code == 404
    # The feed keeps it, marked withdrawn and without its rating, for readers to take down.
    (item,) = anonymous.get("/api/v1/claimreview/").json()["dataFeedElement"]
    assert item["creativeWorkStatus"] == "withdrawn" and "reviewRating" not in item
    assert item["correction"][-1]["text"] == f"Verdict withdrawn: {note}"


def test_a_verdict_published_after_a_withdrawal_needs_a_correction_note(
    claim, reviewer, editor, other_editor, rating
):
    published(claim, reviewer, editor, rating)
    services.withdraw(claim_id=claim.pk, actor=editor, note="The record was a draft.")
    services.restore(claim_id=claim.pk, actor=editor)
    services.take(claim_id=claim.pk, actor=reviewer)
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=reviewer,
        rating=rating,
        summary="Thirty-eight states abstained.",
        rationale="The final UN record lists 38.",
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    with pytest.raises(InvalidInput, match="correction note"):
        services.publish(claim_id=claim.pk, actor=other_editor)
    services.publish(claim_id=claim.pk, actor=other_editor, correction_note="Final record: 38.")
    page = text_of(public_page(claim))
    assert "Thirty-eight states abstained." in page and "Final record: 38." in page
    earlier = page.split('id="earlier-h"')[1]
    assert "withdrawn" in earlier and "The record was a draft." in earlier
