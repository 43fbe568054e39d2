"""A correction in a real browser: an editor reopens a published verdict from the desk; the
reviewer finds the draft filled with the published rating, summary and rationale, changes
it, and sees the published text beside the draft with the words that changed; the note is
written once, in the draft, and the publishing editor is not asked again."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from reviews import services
from reviews.models import Verdict
from tests.e2e.test_desk_lists import log_in
from tests.e2e.test_layout_access import AXE, WIDTHS, _assert_fits, _axe_serious

pytestmark = pytest.mark.e2e

SUMMARY = "Thirty-five states abstained."
RATIONALE = "Count the abstentions in the recorded vote (GA/12407)."


def test_a_correction_is_drafted_from_the_published_verdict_with_the_difference_shown(
    transactional_db,
    live_server,
    browser,
    page: Page,
    reviewer,
    editor,
    other_editor,
    claim,
    rating,
    screenshots,
):
    services.take(claim_id=claim.pk, actor=reviewer)
    services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://r.example/", title="R", archive=False
    )
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary=SUMMARY, rationale=RATIONALE
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=editor)
    base = live_server.url
    url = f"{base}/desk/claims/{claim.pk}/"

    # The editor reopens it for a correction.
    log_in(page, base, editor.username)
    page.goto(url)
    page.get_by_label("Reason for reopening").fill("The UN revised the tally.")
    page.get_by_role("button", name="Reopen for correction").click()
    expect(page.locator(".claim-status .badge")).to_have_text("In review")

    # The reviewer finds the draft filled in from the published verdict.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    mine = context.new_page()
    log_in(mine, base, reviewer.username)
    mine.goto(url)
    expect(mine.get_by_label("Summary")).to_have_value(SUMMARY)
    expect(mine.get_by_label("Rationale")).to_have_value(RATIONALE)
    expect(mine.get_by_label("Rating")).to_have_value(str(rating.pk))
    compare = mine.locator(".correction-compare")
    expect(compare).to_contain_text("Nothing yet")

    mine.get_by_label("Summary").fill("Thirty-eight states abstained.")
    mine.get_by_label("Correction note").fill("The count was 38, not 35.")
    mine.get_by_role("button", name="Save draft").click()
    expect(compare.locator(".compare-col").first).to_contain_text(SUMMARY)
    expect(compare.locator(".compare-col").last).to_contain_text("Thirty-eight states abstained.")
    expect(compare.locator(".diff del")).to_have_text("Thirty-five")
    expect(compare.locator(".diff ins")).to_have_text("Thirty-eight")
    for width in WIDTHS:
        mine.set_viewport_size({"width": width, "height": 900})
        mine.goto(url)
        _assert_fits(mine, f"claim page with a correction at {width}px")
        mine.screenshot(path=screenshots / f"claim-correction-{width}.png", full_page=True)
        assert AXE.exists()
        assert _axe_serious(mine) == [], f"claim page with a correction at {width}px"
    mine.set_viewport_size({"width": 1280, "height": 900})
    mine.get_by_role("button", name="Propose verdict").click()
    context.close()

    # Another editor publishes it: the note is shown, not asked for again.
    second = browser.new_context(viewport={"width": 1280, "height": 900})
    theirs = second.new_page()
    log_in(theirs, base, other_editor.username)
    theirs.goto(url)
    publish = theirs.locator(
        "form.action", has=theirs.get_by_role("button", name="Publish verdict")
    )
    expect(publish).to_contain_text("The count was 38, not 35.")
    expect(publish.locator("textarea[name=correction_note]")).to_have_count(0)
    publish.get_by_role("button", name="Publish verdict").click()
    expect(theirs.locator(".claim-status .badge")).to_have_text("Published")
    current = Verdict.objects.get(claim=claim, state=Verdict.State.APPROVED)
    assert (current.summary, current.correction_note) == (
        "Thirty-eight states abstained.",
        "The count was 38, not 35.",
    )
    second.close()
