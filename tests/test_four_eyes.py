"""Four eyes by content, not by name: whoever wrote part of a verdict (its rating, summary
or rationale) is one of its contributors, shown in the desk's history and the API, and
may not publish it, exactly as its proposer may not; the database refuses it too.

The walk-around from issue 12: a reviewer drafts, an editor overwrites the draft's text
and rating, the reviewer proposes, and the same editor publishes."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from reviews import services
from reviews.models import Rating, Verdict, VerdictContribution
from tests.conftest import client_for, desk_client
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory

pytestmark = pytest.mark.django_db

REFUSAL = "You wrote part of this verdict"


@pytest.fixture
def drafted(reviewer):
    """A claim the reviewer took, evidenced and drafted a verdict for."""
    RatingFactory(slug="false", label="False")
    RatingFactory(slug="true", label="True")
    claim = ClaimFactory()
    services.take(claim_id=claim.pk, actor=reviewer)
    EvidenceFactory(claim=claim, added_by=reviewer)
    response = client_for(reviewer).post(
        f"/api/v1/claims/{claim.pk}/verdicts/",
        {"rating": "false", "summary": "Wrong.", "rationale": "Count the votes."},
        format="json",
    )
    assert response.status_code == 201
    return claim


def propose(claim, reviewer):
    response = client_for(reviewer).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"action": "propose"}, format="json"
    )
    assert response.status_code == 200, response.content


def publish_through_api(claim, editor):
    return client_for(editor).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"action": "publish"}, format="json"
    )


def assert_published_by(claim, editor):
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED
    assert Verdict.objects.get(claim=claim, state=Verdict.State.APPROVED).approver == editor


def test_an_editor_who_overwrote_the_draft_through_the_api_cannot_publish_it(
    drafted, reviewer, editor, other_editor
):
    claim = drafted
    overwrite = client_for(editor).post(
        f"/api/v1/claims/{claim.pk}/verdicts/",
        {"rating": "true", "summary": "Right after all.", "rationale": "Recounted."},
        format="json",
    )
    assert overwrite.status_code == 200
    propose(claim, reviewer)
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.author, verdict.proposed_by) == (reviewer, reviewer)  # by name: clean

    refused = publish_through_api(claim, editor)
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "permission_denied"
    assert error["message"].startswith(REFUSAL)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PROPOSED
    # The editor is not offered the step either.
    offered = client_for(editor).get(f"/api/v1/claims/{claim.pk}/").json()["actions"]
    assert "publish" not in offered and "send_back" in offered

    assert publish_through_api(claim, other_editor).status_code == 200
    assert_published_by(claim, other_editor)


def test_an_editor_who_overwrote_the_draft_on_the_desk_cannot_publish_it(
    drafted, reviewer, editor, other_editor
):
    claim = drafted
    desk = desk_client(editor)
    saved = desk.post(
        reverse("desk-claim-verdict", args=[claim.pk]),
        {
            "rating": Rating.objects.get(slug="true").pk,
            "summary": "Right after all.",
            "rationale": "Recounted.",
        },
    )
    assert saved.status_code == 302
    assert Verdict.objects.get(claim=claim).summary == "Right after all."
    propose(claim, reviewer)

    page = desk.get(reverse("desk-claim", args=[claim.pk])).content.decode()
    assert 'data-action="publish"' not in page
    assert REFUSAL in page  # the note says why there is no publish button
    # A stale page's button, posted anyway: refused with the message on the page.
    claim.refresh_from_db()
    refused = desk.post(
        reverse("desk-claim-action", args=[claim.pk]),
        {"action": "publish", "version": claim.version},
    )
    assert refused.status_code == 403
    assert REFUSAL in refused.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PROPOSED

    published = desk_client(other_editor).post(
        reverse("desk-claim-action", args=[claim.pk]),
        {"action": "publish", "version": claim.version},
    )
    assert published.status_code == 302
    assert_published_by(claim, other_editor)


def test_a_contribution_shows_in_the_desk_history_and_to_desk_members_in_the_api(
    drafted, reviewer, editor
):
    claim = drafted
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=editor,
        rating=Verdict.objects.get(claim=claim).rating,
        summary="Wrong, and by far.",
        rationale="Count the votes.",
    )
    contributions = VerdictContribution.objects.filter(verdict__claim=claim)
    assert {(c.user, tuple(c.fields)) for c in contributions} == {
        (reviewer, ("rating", "summary", "rationale")),
        (editor, ("summary",)),  # only what the editor changed
    }

    page = desk_client(reviewer).get(reverse("desk-claim", args=[claim.pk])).content.decode()
    history = page[page.index('id="history-h"') :]
    assert "changed the verdict draft" in history
    assert "Wrong, and by far." in history
    assert history.index("eddie") < history.index("changed the verdict draft")

    verdicts = client_for(reviewer).get(f"/api/v1/claims/{claim.pk}/verdicts/").json()
    contributors = verdicts["results"][0]["contributors"]
    assert [(c["user"]["username"], c["fields"]) for c in contributors] == [
        ("rita", ["rating", "summary", "rationale"]),
        ("eddie", ["summary"]),
    ]


def test_saving_the_same_text_again_makes_nobody_a_contributor(drafted, reviewer, editor):
    claim = drafted
    verdict = Verdict.objects.get(claim=claim)
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=editor,
        rating=verdict.rating,
        summary=verdict.summary,
        rationale=verdict.rationale,
        correction_note="",
    )
    assert list(verdict.contributions.values_list("user__username", flat=True)) == ["rita"]
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=editor)
    assert_published_by(claim, editor)


def test_the_admin_records_a_contribution_too(drafted, reviewer, client, db):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True, role="Editor")
    client.force_login(admin)
    verdict = Verdict.objects.get(claim=drafted)
    url = reverse("admin:reviews_verdict_change", args=[verdict.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "claim": drafted.pk,
            "rating": verdict.rating_id,
            "summary": "Changed in the admin.",
            "rationale": verdict.rationale,
            "correction_note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert verdict.contributions.filter(user=admin, fields=["summary"]).exists()
    services.propose(claim_id=drafted.pk, actor=reviewer)
    with pytest.raises(services.NotPermitted, match=REFUSAL):
        services.publish(claim_id=drafted.pk, actor=admin)


# -- the database holds the rule ----------------------------------------------------------


def test_the_database_refuses_a_contributor_as_approver_written_directly(drafted, reviewer, editor):
    claim = drafted
    verdict = Verdict.objects.get(claim=claim)
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=editor,
        rating=verdict.rating,
        summary="Overwritten.",
        rationale=verdict.rationale,
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(pk=verdict.pk).update(
            state=Verdict.State.APPROVED, approver=editor, approved_at=timezone.now()
        )
    verdict.refresh_from_db()
    assert verdict.approver is None and verdict.state == Verdict.State.PROPOSED


def test_the_database_refuses_an_approver_becoming_a_contributor_afterwards(
    drafted, reviewer, editor
):
    claim = drafted
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=editor)
    verdict = Verdict.objects.get(claim=claim)
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        VerdictContribution.objects.create(
            verdict=verdict, user=editor, fields=["summary"], first_at=now, at=now
        )
    mine = verdict.contributions.get(user=reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        VerdictContribution.objects.filter(pk=mine.pk).update(user=editor)
    assert list(verdict.contributions.values_list("user__username", flat=True)) == ["rita"]
