"""Fixing from the desk in a real browser: a reviewer corrects a claim's words and sees the
history row, changes and removes evidence, withdraws a proposal; a form sent without its
one-time token is refused; the claim page with its correction forms open passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim
from reviews import services
from reviews.models import Evidence
from tests.e2e.test_desk_lists import log_in
from tests.e2e.test_layout_access import AXE, _axe_serious

pytestmark = pytest.mark.e2e

SECOND = "Officials met on February 24 in Moscow."


def test_a_reviewer_corrects_a_claim_and_its_evidence_and_sees_the_history(
    transactional_db, live_server, page: Page, reviewer, claim, rating, screenshots
):
    services.take(claim_id=claim.pk, actor=reviewer)
    services.add_evidence(
        claim_id=claim.pk,
        actor=reviewer,
        url="https://records.example/un",
        title="UN record",
        archive=False,
    )
    log_in(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")

    # The words: another sentence of the article; the span follows them.
    page.get_by_text("Correct this claim").click()
    page.get_by_label("Claim text").fill(SECOND)
    page.get_by_label("Claimant").fill("Sergei Lavrov")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("status")).to_contain_text("Claim corrected.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"“{SECOND}”")
    history = page.locator("ol.history")
    row = history.locator("li.h-edit").last
    expect(row).to_contain_text("rita corrected the claim")
    expect(row.locator("del").first).to_have_text(
        "The minister said 35 countries abstained on the vote."
    )
    expect(row).to_contain_text("Sergei Lavrov")
    edited = Claim.objects.get(pk=claim.pk)
    assert edited.article.body[edited.span_start : edited.span_end] == SECOND

    # Words the article does not say: refused on the page, nothing changed.
    page.get_by_text("Correct this claim").click()
    page.get_by_label("Claim text").fill("The minister said 40 countries abstained.")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("alert")).to_contain_text("the article's own words")
    assert Claim.objects.get(pk=claim.pk).text == SECOND

    # Evidence: changed, then removed; both in the history.
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    evidence = page.locator("li.ev").first
    evidence.get_by_text("Change or remove").click()
    evidence.get_by_label("Corrected title").fill("UN record GA/12407")
    evidence.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("link", name="UN record GA/12407")).to_be_visible()
    expect(history.locator("li.h-evidence_changed")).to_contain_text("changed evidence")

    # The correction forms open: the page still passes axe (the audit needs no CSP).
    page.get_by_text("Correct this claim").click()
    page.locator("li.ev").first.get_by_text("Change or remove").click()
    assert AXE.exists()
    page.screenshot(path=screenshots / "claim-corrections-1280.png", full_page=True)
    assert _axe_serious(page) == []

    page.locator("li.ev").first.get_by_role("button", name="Remove this evidence").click()
    expect(page.get_by_role("status")).to_contain_text("removed")
    expect(history.locator("li.h-evidence_removed")).to_contain_text("removed evidence")
    assert not Evidence.objects.filter(claim=claim).exists()


def test_a_form_sent_without_its_token_is_refused_and_adds_nothing(
    transactional_db, live_server, page: Page, reviewer, claim
):
    services.take(claim_id=claim.pk, actor=reviewer)
    log_in(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    page.get_by_label("Source URL", exact=True).fill("https://records.example/un")
    page.get_by_label("Title", exact=True).fill("Sent without a token")
    # The page's own form, its one-time token taken out, as a script or an old page sends it.
    answer = page.locator("form[action$='/evidence/']").evaluate(
        """async f => { const data = new FormData(f); data.delete("once");
             const r = await fetch(f.action, {method: "POST", body: data});
             return {status: r.status, text: await r.text()}; }"""
    )
    assert answer["status"] == 400
    assert "came without its one-time token, so nothing was changed" in answer["text"]
    assert not Evidence.objects.filter(claim=claim).exists()


def test_the_proposer_withdraws_a_proposal_and_edits_again(
    transactional_db, live_server, page: Page, reviewer, claim, rating
):
    services.take(claim_id=claim.pk, actor=reviewer)
    services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://r.example/", title="R", archive=False
    )
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary="S.", rationale="R."
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    log_in(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    expect(page.get_by_text("Correct this claim")).to_have_count(0)  # frozen while proposed
    page.get_by_label("Why (optional)").fill("The summary needs a figure.")
    page.get_by_role("button", name="Withdraw proposal").click()
    expect(page.locator(".claim-status .badge")).to_have_text("In review")
    expect(page.locator("ol.history li").last).to_contain_text(
        re.compile(r"rita withdraw proposal\s+proposed → in review")
    )
    expect(page.get_by_text("Correct this claim")).to_be_visible()
    expect(page.get_by_role("button", name="Save draft")).to_be_visible()
