"""Fixing from the desk: a claim's text, span, claimant and date corrected (the span stays
a real span of the article, or the edit is refused), evidence changed or removed before
the verdict is proposed, a proposal withdrawn by its proposer; each in the claim's history
on the page. And every desk form refuses a post without its one-time token."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim
from reviews import services
from reviews.models import Evidence, Transition, Verdict
from reviews.selectors import claim_record
from tests.conftest import desk_client
from tests.factories import ClaimantFactory, ClaimFactory

pytestmark = pytest.mark.django_db

Status = Claim.Status
SECOND = "Officials met on February 24 in Moscow."


def edit_url(claim) -> str:
    return reverse("desk-claim-edit", args=[claim.pk])


def page(client, claim) -> str:
    return client.get(reverse("desk-claim", args=[claim.pk])).content.decode()


def fresh(claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


def form_of(claim, **changes) -> dict:
    """The correction form as the page draws it for `claim`, with `changes` typed in."""
    claim = fresh(claim)
    return {
        "version": claim.version,
        "text": claim.text,
        "span_start": claim.span_start if claim.span_start is not None else "",
        "span_end": claim.span_end if claim.span_end is not None else "",
        "claimant": claim.claimant.name if claim.claimant else "",
        "claim_date": claim.claim_date.isoformat() if claim.claim_date else "",
        **changes,
    }


def in_review(claim, reviewer):
    services.take(claim_id=claim.pk, actor=reviewer)
    return fresh(claim)


def with_proposal(claim, actor, rating):
    services.take(claim_id=claim.pk, actor=actor)
    evidence = services.add_evidence(
        claim_id=claim.pk, actor=actor, url="https://records.example/un", title="UN record"
    )
    services.save_verdict_draft(
        claim_id=claim.pk, actor=actor, rating=rating, summary="S.", rationale="R."
    )
    services.propose(claim_id=claim.pk, actor=actor)
    return evidence


# -- the claim's text, span, claimant and date -----------------------------------------


def test_new_text_from_the_article_moves_the_span_and_is_in_the_history_on_the_page(
    claim, reviewer
):
    in_review(claim, reviewer)
    client = desk_client(reviewer)
    response = client.post(edit_url(claim), form_of(claim, text=SECOND))
    assert response.status_code == 302
    edited = fresh(claim)
    body = edited.article.body
    assert edited.text == SECOND
    assert body[edited.span_start : edited.span_end] == SECOND
    assert edited.version == claim.version + 2  # taken, then edited
    row = Claim.history.filter(id=claim.pk).latest("history_id")
    assert row.history_user == reviewer
    assert row.history_change_reason == "edited: text, span"
    shown = page(client, claim)
    assert "corrected the claim" in shown
    assert "The minister said 35 countries abstained on the vote." in shown  # the old words


def test_text_that_is_not_in_the_article_is_refused_with_a_message_and_changes_nothing(
    claim, reviewer
):
    in_review(claim, reviewer)
    before = fresh(claim)
    response = desk_client(reviewer).post(
        edit_url(claim), form_of(claim, text="The minister said 40 countries abstained.")
    )
    assert response.status_code == 400
    assert "the article&#x27;s own words" in response.content.decode()
    assert "40 countries" in response.content.decode()  # what was typed is kept
    after = fresh(claim)
    assert (after.text, after.span_start, after.version) == (
        before.text,
        before.span_start,
        before.version,
    )


def test_a_new_span_takes_the_articles_words_there(claim, reviewer):
    in_review(claim, reviewer)
    body = claim.article.body
    start = body.index(SECOND)
    end = start + len("Officials met on February 24")
    response = desk_client(reviewer).post(
        edit_url(claim), form_of(claim, span_start=start, span_end=end)
    )
    assert response.status_code == 302
    assert fresh(claim).text == "Officials met on February 24"


@pytest.mark.parametrize(
    "span, message",
    [
        ((5, 100_000), "not a span of the article"),
        ((10, 10), "not a span of the article"),
        ("other claim", "is already that span"),
    ],
)
def test_a_span_outside_the_article_or_of_another_claim_is_refused(claim, reviewer, span, message):
    if span == "other claim":
        other = ClaimFactory(article=claim.article, text=SECOND)
        span = (other.span_start, other.span_end)
    in_review(claim, reviewer)
    before = fresh(claim)
    response = desk_client(reviewer).post(
        edit_url(claim), form_of(claim, span_start=span[0], span_end=span[1])
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (fresh(claim).span_start, fresh(claim).span_end) == (
        before.span_start,
        before.span_end,
    )


def test_both_text_and_span_must_agree(claim, reviewer):
    in_review(claim, reviewer)
    start = claim.article.body.index(SECOND)
    refused = desk_client(reviewer).post(
        edit_url(claim),
        form_of(claim, text="Something else.", span_start=start, span_end=start + len(SECOND)),
    )
    assert refused.status_code == 400
    assert fresh(claim).text == claim.text


def test_claimant_and_date_corrected_and_shown_in_the_history(claim, reviewer):
    in_review(claim, reviewer)
    ClaimantFactory(name="Sergei Lavrov")
    client = desk_client(reviewer)
    response = client.post(
        edit_url(claim), form_of(claim, claimant="Sergei Lavrov", claim_date="2022-02-24")
    )
    assert response.status_code == 302
    edited = fresh(claim)
    assert edited.claimant.name == "Sergei Lavrov"
    assert edited.claim_date == date(2022, 2, 24)
    shown = page(client, claim)
    assert "Sergei Lavrov" in shown and "claimant" in shown


def test_a_refused_edit_keeps_no_claimant_it_named(claim, reviewer):
    in_review(claim, reviewer)
    desk_client(reviewer).post(
        edit_url(claim), form_of(claim, text="Not in the article.", claimant="Nobody Known")
    )
    assert not Claim.objects.filter(claimant__name="Nobody Known").exists()
    from claims.models import Claimant

    assert not Claimant.objects.filter(name="Nobody Known").exists()


def test_a_claim_without_an_article_takes_new_words_but_no_span(editor):
    submitted = Claim.objects.create(
        text="Crime doubled.", source_url="https://social.example/p/1", origin="submitted"
    )
    client = desk_client(editor)
    assert client.post(edit_url(submitted), form_of(submitted, text="Crime tripled.")).status_code
    assert fresh(submitted).text == "Crime tripled."
    refused = client.post(edit_url(submitted), form_of(submitted, span_start=0, span_end=5))
    assert refused.status_code == 400
    assert "no span" in refused.content.decode()


def test_only_the_assignee_or_an_editor_corrects_a_claim(claim, reviewer, other_reviewer, editor):
    in_review(claim, reviewer)
    refused = desk_client(other_reviewer).post(edit_url(claim), form_of(claim, text=SECOND))
    assert refused.status_code == 403
    assert fresh(claim).text == claim.text
    assert desk_client(editor).post(edit_url(claim), form_of(claim, text=SECOND)).status_code == 302


def test_a_correction_from_a_stale_copy_is_refused(claim, reviewer, editor):
    in_review(claim, reviewer)
    stale = form_of(claim, text=SECOND)
    services.update_claim(claim_id=claim.pk, actor=editor, claim_date=date(2022, 3, 1))
    response = desk_client(reviewer).post(edit_url(claim), stale)
    assert response.status_code == 412
    assert fresh(claim).text == claim.text


def test_a_proposed_claim_is_not_corrected(claim, reviewer, rating):
    with_proposal(claim, reviewer, rating)
    response = desk_client(reviewer).post(edit_url(claim), form_of(claim, text=SECOND))
    assert response.status_code == 409
    assert fresh(claim).text == claim.text


# -- evidence changed or removed before proposing --------------------------------------


def evidence_form(evidence, **changes) -> dict:
    fields = {n: getattr(evidence, n) for n in services.EVIDENCE_FIELDS} | changes
    return {f"ev{evidence.pk}-{name}": value for name, value in fields.items()}


def test_evidence_is_changed_and_removed_before_proposing_each_in_the_history(
    claim, reviewer, monkeypatch
):
    in_review(claim, reviewer)
    evidence = services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://records.example/un", title="UN record"
    )
    client = desk_client(reviewer)
    url = reverse("desk-evidence-edit", args=[claim.pk, evidence.pk])
    response = client.post(url, evidence_form(evidence, title="UN record GA/12407"))
    assert response.status_code == 302
    assert Evidence.objects.get(pk=evidence.pk).title == "UN record GA/12407"
    shown = page(client, claim)
    assert "changed evidence" in shown and "UN record GA/12407" in shown

    remove = reverse("desk-evidence-remove", args=[claim.pk, evidence.pk])
    assert client.post(remove).status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert "removed evidence" in page(client, claim)


def test_evidence_is_not_changed_or_removed_once_proposed(claim, reviewer, rating):
    evidence = with_proposal(claim, reviewer, rating)
    client = desk_client(reviewer)
    changed = client.post(
        reverse("desk-evidence-edit", args=[claim.pk, evidence.pk]),
        evidence_form(evidence, title="Changed under the editor's eyes"),
    )
    removed = client.post(reverse("desk-evidence-remove", args=[claim.pk, evidence.pk]))
    assert (changed.status_code, removed.status_code) == (409, 409)
    assert "awaiting review" in removed.content.decode()
    assert Evidence.objects.get(pk=evidence.pk).title == "UN record"


def test_evidence_of_another_claim_is_not_found_through_this_one(claim, reviewer):
    in_review(claim, reviewer)
    other = ClaimFactory()
    in_review(other, reviewer)
    evidence = services.add_evidence(
        claim_id=other.pk, actor=reviewer, url="https://records.example/x", title="X"
    )
    response = desk_client(reviewer).post(
        reverse("desk-evidence-remove", args=[claim.pk, evidence.pk])
    )
    assert response.status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()


# -- withdrawing a proposal ------------------------------------------------------------


def test_the_proposer_withdraws_a_proposal_back_to_review(claim, reviewer, rating):
    with_proposal(claim, reviewer, rating)
    client = desk_client(reviewer)
    response = client.post(
        reverse("desk-claim-action", args=[claim.pk]),
        {"action": "withdraw_proposal", "version": fresh(claim).version, "comment": "Typo."},
    )
    assert response.status_code == 302
    assert fresh(claim).status == Status.IN_REVIEW
    assert claim.verdicts.get().state == Verdict.State.DRAFT
    step = Transition.objects.filter(claim=claim).latest("id")
    assert (step.action, step.actor, step.comment) == ("withdraw_proposal", reviewer, "Typo.")
    assert "withdraw proposal" in page(client, claim)


def test_nobody_but_the_proposer_withdraws_a_proposal(claim, reviewer, editor, rating):
    with_proposal(claim, reviewer, rating)
    with pytest.raises(services.NotPermitted, match="Only the person who proposed"):
        services.withdraw_proposal(claim_id=claim.pk, actor=editor)
    assert "withdraw_proposal" not in services.available_actions(editor, fresh(claim))
    assert "withdraw_proposal" in services.available_actions(reviewer, fresh(claim))
    assert fresh(claim).status == Status.PROPOSED


def test_a_claim_in_review_has_no_proposal_to_withdraw(claim, reviewer):
    in_review(claim, reviewer)
    with pytest.raises(services.WorkflowError, match="Cannot withdraw this proposal"):
        services.withdraw_proposal(claim_id=claim.pk, actor=reviewer)


# -- the history, in a fixed number of queries -----------------------------------------


def test_the_claims_history_on_the_desk_is_five_queries_however_long(claim, reviewer, editor):
    in_review(claim, reviewer)
    for n in range(1, 4):
        services.update_claim(claim_id=claim.pk, actor=reviewer, claim_date=date(2022, 3, n))
        evidence = services.add_evidence(
            claim_id=claim.pk, actor=reviewer, url=f"https://r.example/{n}", title=f"R{n}"
        )
        services.update_evidence(evidence_id=evidence.pk, actor=reviewer, title=f"R{n}!")
        services.update_claim(
            claim_id=claim.pk, actor=editor, claimant=ClaimantFactory(name=f"C{n}")
        )
    current = fresh(claim)
    with CaptureQueriesContext(connection) as queries:
        entries = claim_record(current)
    # steps, claim history, evidence history, verdict history (who wrote the verdict:
    # four eyes by content), claimant names
    assert len(queries) == 5
    assert [e.action for e in entries].count("edit") == 6
    assert [e.action for e in entries].count("evidence_changed") == 3
    claimant_changes = [c for e in entries for c in e.changes if c[0] == "claimant"]
    assert claimant_changes[-1][1:] == ("C2", "C3")


# -- one-time tokens: a post without one changes nothing --------------------------------


def _forms(claim, reviewer, rating):
    """Each desk form a reviewer can send on a claim in review: (url, data, unchanged)."""
    evidence = services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://records.example/un", title="UN record"
    )
    count = Transition.objects.count
    return {
        "action": (
            reverse("desk-claim-action", args=[claim.pk]),
            {"action": "propose", "version": fresh(claim).version},
            lambda: fresh(claim).status == Status.IN_REVIEW,
        ),
        "evidence": (
            reverse("desk-claim-evidence", args=[claim.pk]),
            {"url": "https://x.example/", "title": "X", "kind": "other", "stance": "context"},
            lambda: Evidence.objects.count() == 1,
        ),
        "verdict": (
            reverse("desk-claim-verdict", args=[claim.pk]),
            {"rating": rating.pk, "summary": "S.", "rationale": "R."},
            lambda: not Verdict.objects.exists(),
        ),
        "edit": (edit_url(claim), form_of(claim, text=SECOND), lambda: fresh(claim).text != SECOND),
        "evidence-edit": (
            reverse("desk-evidence-edit", args=[claim.pk, evidence.pk]),
            evidence_form(evidence, title="Changed"),
            lambda: Evidence.objects.get().title == "UN record",
        ),
        "evidence-remove": (
            reverse("desk-evidence-remove", args=[claim.pk, evidence.pk]),
            {},
            lambda: Evidence.objects.count() == 1,
        ),
        "bulk": (
            reverse("desk-claims-bulk"),
            {"action": "dismiss", "claim": [claim.pk], "comment": "No."},
            lambda: count() == 1,
        ),
    }


@pytest.mark.parametrize(
    "form", ["action", "evidence", "verdict", "edit", "evidence-edit", "evidence-remove", "bulk"]
)
def test_every_desk_form_posted_without_its_token_is_refused_and_changes_nothing(
    claim, reviewer, editor, rating, form
):
    in_review(claim, reviewer)
    url, data, unchanged = _forms(claim, reviewer, rating)[form]
    client = Client()
    client.force_login(editor if form == "bulk" else reviewer)
    response = client.post(url, data, follow=True)
    assert response.status_code == 400
    assert "came without its one-time token, so nothing was changed" in response.content.decode()
    assert unchanged()
