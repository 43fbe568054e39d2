"""Field-level history (django-simple-history) of evidence and verdicts, with the actor;
an approved verdict is never edited in place, through the services or the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import Verdict
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(reviewer):
    claim = ClaimFactory()
    services.take(claim_id=claim.pk, actor=reviewer)
    return claim


@pytest.fixture
def scale():
    return {
        "false": RatingFactory(),
        "mostly-false": RatingFactory(slug="mostly-false", label="Mostly false", value=2),
    }


def draft(claim, actor, rating, summary="Thirty-five states abstained."):
    return services.save_verdict_draft(
        claim_id=claim.pk,
        actor=actor,
        rating=rating,
        summary=summary,
        rationale="Count the abstentions in the recorded vote (GA/12407).",
    )


def test_a_rating_change_is_recorded_in_the_verdict_history(in_review, reviewer, scale):
    verdict = draft(in_review, reviewer, scale["false"])
    draft(in_review, reviewer, scale["mostly-false"])

    newest, oldest = verdict.history.order_by("-history_id")[:2]
    delta = newest.diff_against(oldest)
    assert delta.changed_fields == ["rating"]
    change = delta.changes[0]
    assert (change.old, change.new) == (scale["false"].pk, scale["mostly-false"].pk)
    assert newest.history_user == reviewer
    assert newest.history_change_reason == "draft changed"


def test_an_evidence_change_is_recorded_with_its_actor(in_review, reviewer, editor):
    evidence = services.add_evidence(
        claim_id=in_review.pk,
        actor=reviewer,
        url="https://press.un.org/en/2022/ga12407.doc.htm",
        title="GA/12407",
        stance="context",
    )
    services.update_evidence(evidence_id=evidence.pk, actor=editor, stance="supports")

    records = list(evidence.history.order_by("history_id"))
    assert [(r.history_type, r.history_user, r.stance) for r in records] == [
        ("+", reviewer, "context"),
        ("~", editor, "supports"),
    ]
    assert records[1].diff_against(records[0]).changed_fields == ["stance"]


def test_removed_evidence_keeps_its_history(in_review, reviewer):
    evidence = EvidenceFactory(claim=in_review, added_by=reviewer)
    services.remove_evidence(evidence_id=evidence.pk, actor=reviewer)
    last = evidence.history.latest("history_id")
    assert (last.history_type, last.history_user, last.title) == ("-", reviewer, evidence.title)


def publish_one(claim, reviewer, editor, rating):
    EvidenceFactory(claim=claim, added_by=reviewer)
    draft(claim, reviewer, rating)
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=editor)
    return Verdict.objects.get(claim=claim, state=Verdict.State.APPROVED)


def test_an_approved_verdict_is_not_edited_through_the_services(in_review, reviewer, editor, scale):
    approved = publish_one(in_review, reviewer, editor, scale["false"])
    history = approved.history.count()

    with pytest.raises(services.WorkflowError):
        draft(in_review, editor, scale["mostly-false"], summary="Edited after approval.")

    # Reopened, a new draft is written beside it; the approved one stays as it was.
    services.reopen(claim_id=in_review.pk, actor=editor, reason="A reader wrote in.")
    correction = draft(in_review, reviewer, scale["mostly-false"], summary="Corrected.")
    assert correction.pk != approved.pk
    approved.refresh_from_db()
    assert (approved.state, approved.rating, approved.summary) == (
        Verdict.State.APPROVED,
        scale["false"],
        "Thirty-five states abstained.",
    )
    assert approved.history.count() == history


def test_an_approved_verdict_is_read_only_in_the_admin(in_review, reviewer, editor, scale, client):
    approved = publish_one(in_review, reviewer, editor, scale["false"])
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    url = reverse("admin:reviews_verdict_change", args=[approved.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert b'name="summary"' not in page.content  # shown, not editable
    assert b"Thirty-five states abstained." in page.content

    response = client.post(
        url, {"rating": scale["mostly-false"].pk, "summary": "Edited.", "rationale": "X"}
    )
    assert response.status_code == 403
    approved.refresh_from_db()
    assert approved.summary == "Thirty-five states abstained."


def test_the_history_pages_show_rating_changes_and_cannot_revert(
    in_review, reviewer, editor, scale, client
):
    verdict = draft(in_review, reviewer, scale["false"])
    draft(in_review, reviewer, scale["mostly-false"])
    editor.is_staff = True
    editor.save()
    client.force_login(editor)

    page = client.get(reverse("admin:reviews_verdict_history", args=[verdict.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mostly false" in text and "False" in text
    assert "rita" in text  # who changed it
    assert "draft changed" in text  # and the step

    oldest = verdict.history.earliest("history_id")
    revert = reverse("admin:reviews_verdict_simple_history", args=[verdict.pk, oldest.pk])
    response = client.post(revert, {"rating": scale["false"].pk, "summary": "x", "rationale": "x"})
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.rating == scale["mostly-false"]
