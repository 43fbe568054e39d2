"""The whole life of one seed claim, "35 countries abstained", through the services: the
story a desk lives, and the record it leaves."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from claims.models import Claim
from reviews import services
from reviews.models import Rating, Verdict
from reviews.selectors import claim_history

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
CLAIM_START = "They were among 35 countries that refused to vote"


@pytest.fixture
def seed_claim():
    call_command("load_articles", str(ROOT / "fixtures" / "articles"), verbosity=0)
    return Claim.objects.get(text__startswith=CLAIM_START)


@pytest.fixture
def ratings():
    call_command("loaddata", str(ROOT / "fixtures" / "ratings.json"), verbosity=0)
    return {r.slug: r for r in Rating.objects.all()}


def test_the_35_countries_claim_from_new_to_corrected(seed_claim, ratings, reviewer, editor):
    claim_id = seed_claim.pk
    assert seed_claim.status == Claim.Status.NEW

    services.take(claim_id=claim_id, actor=reviewer)
    services.add_evidence(
        claim_id=claim_id,
        actor=reviewer,
        url="https://press.un.org/en/2022/ga12407.doc.htm",
        title="General Assembly adopts resolution ES-11/1 (GA/12407)",
        publisher="United Nations",
        quote="141 in favour to 5 against ..., with 35 abstentions",
        kind="official_record",
        stance="supports",
    )
    services.add_evidence(
        claim_id=claim_id,
        actor=reviewer,
        url="https://digitallibrary.un.org/record/3965290?ln=en",
        title="A/RES/ES-11/1",
        publisher="United Nations Digital Library",
        kind="primary_document",
        stance="context",
    )
    services.save_verdict_draft(
        claim_id=claim_id,
        actor=reviewer,
        rating=ratings["true"],
        summary="Pakistan, India and China were among 35 abstentions.",
        rationale="Read the recorded vote in GA/12407: 141-5-35, abstentions listed.",
    )
    services.propose(claim_id=claim_id, actor=reviewer)
    services.send_back(
        claim_id=claim_id, actor=editor, comment="Say that abstaining is not refusing to vote."
    )
    services.save_verdict_draft(
        claim_id=claim_id,
        actor=reviewer,
        rating=ratings["true"],
        summary="Pakistan, India and China were among the 35 countries that abstained.",
        rationale="Read the recorded vote in GA/12407: 141-5-35, abstentions listed by name.",
    )
    services.propose(claim_id=claim_id, actor=reviewer, comment="Wording fixed.")
    services.publish(claim_id=claim_id, actor=editor)
    first = Verdict.objects.get(claim_id=claim_id)
    assert (first.state, first.approver) == (Verdict.State.APPROVED, editor)

    services.reopen(
        claim_id=claim_id, actor=editor, reason="A reader: abstaining is a recorded vote."
    )
    # The published verdict stays as it was while the correction is drafted.
    first.refresh_from_db()
    assert first.state == Verdict.State.APPROVED
    services.save_verdict_draft(
        claim_id=claim_id,
        actor=reviewer,
        rating=ratings["mostly-true"],
        summary="35 countries abstained; abstaining is a vote, not a refusal to vote.",
        rationale="GA/12407: 141 + 5 + 35 = 181 of 193 members; 12 did not vote.",
    )
    services.propose(claim_id=claim_id, actor=reviewer)

    with pytest.raises(services.InvalidInput) as refused:
        services.publish(claim_id=claim_id, actor=editor)
    assert refused.value.field == "correction_note"
    assert Claim.objects.get(pk=claim_id).status == Claim.Status.PROPOSED
    first.refresh_from_db()
    assert first.state == Verdict.State.APPROVED

    note = "We first rated this True; the 35 abstained rather than refused to vote."
    services.publish(claim_id=claim_id, actor=editor, correction_note=note)

    claim = Claim.objects.get(pk=claim_id)
    assert claim.status == Claim.Status.PUBLISHED

    # Both verdicts stay readable, with their dates.
    first, second = Verdict.objects.filter(claim_id=claim_id).order_by("id")
    assert first.state == Verdict.State.SUPERSEDED
    assert first.rating.slug == "true"
    assert first.approved_at is not None
    assert second.state == Verdict.State.APPROVED
    assert second.rating.slug == "mostly-true"
    assert second.supersedes == first
    assert second.correction_note == note
    assert (second.proposed_by, second.approver) == (reviewer, editor)
    assert second.approved_at >= first.approved_at

    # The history: every step, who took it and when.
    steps = list(claim_history(claim))
    assert [(t.action, t.actor.username) for t in steps] == [
        ("take", "rita"),
        ("propose", "rita"),
        ("send_back", "eddie"),
        ("propose", "rita"),
        ("publish", "eddie"),
        ("reopen", "eddie"),
        ("propose", "rita"),
        ("publish", "eddie"),
    ]
    assert [(t.from_status, t.to_status) for t in steps][-2:] == [
        ("in_review", "proposed"),
        ("proposed", "published"),
    ]
    assert all(t.created_at is not None for t in steps)
    assert [t.created_at for t in steps] == sorted(t.created_at for t in steps)
    assert steps[2].comment == "Say that abstaining is not refusing to vote."
    assert steps[5].comment.startswith("A reader")
    assert steps[5].verdict == first  # the reopen names the verdict it reconsiders
    assert steps[-1].verdict == second
    assert steps[-1].comment == note
    assert claim.version == 1 + len(steps)

    # Field history names the actor of each change too.
    claim_versions = claim.history.order_by("history_date", "history_id")
    assert [h.status for h in claim_versions][-2:] == ["proposed", "published"]
    assert claim_versions.last().history_user == editor
    assert claim_versions.last().history_change_reason == "publish"
