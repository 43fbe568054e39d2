"""Corrections: reopening a published verdict starts a draft filled with its rating,
summary and rationale; the claim page shows the published text beside the draft and the
words that changed (escaped); one correction note, asked in the draft and at publication
only when the draft did not give it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from claims.models import Claim
from reviews import services
from reviews.desk.diffing import word_diff
from reviews.models import Verdict
from tests.conftest import desk_client
from tests.factories import RatingFactory

pytestmark = pytest.mark.django_db

SUMMARY = "Thirty-five states abstained."
RATIONALE = "Count the abstentions in the recorded vote (GA/12407)."


@pytest.fixture
def published(claim, reviewer, editor, rating):
    services.take(claim_id=claim.pk, actor=reviewer)
    services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://r.example/", title="R", archive=False
    )
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary=SUMMARY, rationale=RATIONALE
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=editor)
    return claim


def page(client, claim) -> str:
    return client.get(reverse("desk-claim", args=[claim.pk])).content.decode()


def test_reopening_starts_a_draft_from_the_published_verdict(published, reviewer, editor, rating):
    services.reopen(claim_id=published.pk, actor=editor, reason="A new tally.")
    draft = Verdict.objects.get(claim=published, state=Verdict.State.DRAFT)
    assert (draft.rating, draft.summary, draft.rationale) == (rating, SUMMARY, RATIONALE)
    assert draft.author == reviewer  # the claim's reviewer, who makes the correction
    assert draft.correction_note == ""
    assert draft.history.latest("history_id").history_change_reason == (
        "correction drafted from the published verdict"
    )
    # The published verdict stands until the correction is out.
    assert Verdict.objects.get(claim=published, state=Verdict.State.APPROVED).summary == SUMMARY


def test_the_desk_shows_the_draft_filled_in_and_the_published_text_beside_it(
    published, reviewer, editor
):
    services.reopen(claim_id=published.pk, actor=editor, reason="A new tally.")
    shown = page(desk_client(reviewer), published)
    form = re.search(r'action="[^"]*/verdict/".*?</form>', shown, re.S)
    assert form and SUMMARY in form.group(0) and RATIONALE in form.group(0)
    assert "The correction: published and draft" in shown
    assert "Nothing yet: the draft is the published verdict as it stands." in shown


def test_the_difference_is_shown_word_by_word_and_escaped(published, reviewer, editor):
    services.reopen(claim_id=published.pk, actor=editor, reason="A new tally.")
    other = RatingFactory(slug="mostly-false", label="Mostly false", value=2)
    services.save_verdict_draft(
        claim_id=published.pk,
        actor=reviewer,
        rating=other,
        summary="Thirty-eight states abstained.",
        rationale=RATIONALE + " <script>alert(1)</script>",
        correction_note="The count was 38.",
    )
    shown = page(desk_client(editor), published)
    diff = shown[shown.index("What changed") :]
    assert "<del>False</del> → <ins>Mostly false</ins>" in diff
    assert "<del>Thirty-five</del><ins>Thirty-eight</ins> states abstained." in diff
    assert "<ins> &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in diff
    assert "<script>alert(1)</script>" not in shown


def test_word_diff_marks_what_changed_and_escapes_everything():
    assert word_diff("a b c", "a x c") == "a <del>b</del><ins>x</ins> c"
    assert word_diff("", "<b>new</b>") == "<ins>&lt;b&gt;new&lt;/b&gt;</ins>"
    assert word_diff("same & text", "same & text") == "same &amp; text"


def publish_form(shown: str) -> str:
    return re.search(
        r'<form class="action"[^>]*>(?:(?!</form>).)*data-action="publish".*?</form>', shown, re.S
    ).group(0)


def test_the_note_given_in_the_draft_is_not_asked_again_at_publication(
    published, reviewer, editor, other_editor
):
    services.reopen(claim_id=published.pk, actor=editor, reason="A new tally.")
    services.save_verdict_draft(
        claim_id=published.pk,
        actor=reviewer,
        rating=Verdict.objects.get(claim=published, state="draft").rating,
        summary="Thirty-eight states abstained.",
        rationale=RATIONALE,
        correction_note="The count was 38, not 35.",
    )
    services.propose(claim_id=published.pk, actor=reviewer)
    client = desk_client(other_editor)
    form = publish_form(page(client, published))
    assert 'name="correction_note"' not in form
    assert "(from the draft, shown to readers): The count was 38, not 35." in form
    response = client.post(
        reverse("desk-claim-action", args=[published.pk]),
        {"action": "publish", "version": Claim.objects.get(pk=published.pk).version},
    )
    assert response.status_code == 302
    current = Verdict.objects.get(claim=published, state=Verdict.State.APPROVED)
    assert current.correction_note == "The count was 38, not 35."
    assert current.summary == "Thirty-eight states abstained."


def test_without_a_note_in_the_draft_the_publish_step_asks_for_it(
    published, reviewer, editor, other_editor
):
    services.reopen(claim_id=published.pk, actor=editor, reason="A new tally.")
    services.propose(claim_id=published.pk, actor=reviewer)
    client = desk_client(other_editor)
    assert 'name="correction_note"' in publish_form(page(client, published))
    url = reverse("desk-claim-action", args=[published.pk])
    version = Claim.objects.get(pk=published.pk).version
    refused = client.post(url, {"action": "publish", "version": version})
    assert refused.status_code == 400
    assert "say what changed in a correction note" in refused.content.decode()
    done = client.post(
        url, {"action": "publish", "version": version, "correction_note": "Wording only."}
    )
    assert done.status_code == 302
    assert Verdict.objects.get(claim=published, state="approved").correction_note == "Wording only."


def test_a_first_publication_asks_for_no_correction_note(claim, reviewer, editor, rating):
    services.take(claim_id=claim.pk, actor=reviewer)
    services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://r.example/", title="R", archive=False
    )
    draft_page = page(desk_client(reviewer), claim)
    assert 'name="correction_note"' not in draft_page
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary=SUMMARY, rationale=RATIONALE
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    assert 'name="correction_note"' not in page(desk_client(editor), claim)
