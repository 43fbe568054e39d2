"""Feedback that is seen, in a real browser: an editor sends a proposal back from the desk;
its reviewer sees the unread count in the header, "Sent back" with the editor's comment on
the dashboard row and the claim page, reads the notification in the inbox and marks it
read; chooses which notifications come by mail. The inbox passes axe at both widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from reviews import services
from reviews.inbox.models import MailPreference, Notification
from tests.e2e.test_desk_lists import log_in
from tests.e2e.test_layout_access import AXE, WIDTHS, _assert_fits, _axe_serious

pytestmark = pytest.mark.e2e

COMMENT = "Cite the roll call: the record says 35 abstentions, not 40."


def test_a_reviewer_sees_the_send_back_with_its_comment_and_reads_the_notification(
    transactional_db, live_server, browser, page: Page, reviewer, editor, claim, rating, screenshots
):
    services.take(claim_id=claim.pk, actor=reviewer)
    services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://r.example/", title="R", archive=False
    )
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary="S.", rationale="R."
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    base = live_server.url

    # The editor sends it back from the claim page.
    log_in(page, base, editor.username)
    page.goto(f"{base}/desk/claims/{claim.pk}/")
    page.get_by_label("What needs more work").fill(COMMENT)
    page.get_by_role("button", name="Send back").click()
    expect(page.locator(".claim-status .badge")).to_have_text("In review")

    # The reviewer, in a browser of their own.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    mine = context.new_page()
    log_in(mine, base, reviewer.username)
    nav = mine.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=re.compile(r"Inbox 1 unread"))).to_be_visible()
    row = mine.locator(".rows > .row", has_text=claim.text)
    expect(row.locator(".badge-sent-back")).to_have_text("Sent back")
    expect(row.locator(".row-sent-back")).to_have_text(f"Sent back by eddie: “{COMMENT}”")
    row.get_by_role("link", name=claim.text).click()
    expect(mine.locator(".alert-sent-back")).to_contain_text("Sent back by eddie")
    expect(mine.locator(".sent-back-comment")).to_have_text(COMMENT)

    # The inbox: the notification, then marked read.
    nav.get_by_role("link", name=re.compile("Inbox")).click()
    note = mine.locator("li.note").first
    expect(note).to_contain_text("Sent back to you")
    expect(note).to_contain_text(COMMENT)
    expect(note.get_by_text("Unread")).to_be_visible()
    for width in WIDTHS:
        mine.set_viewport_size({"width": width, "height": 900})
        _assert_fits(mine, f"inbox at {width}px")
        mine.screenshot(path=screenshots / f"inbox-{width}.png", full_page=True)
        assert AXE.exists()
        assert _axe_serious(mine) == [], f"inbox at {width}px"
    mine.set_viewport_size({"width": 1280, "height": 900})
    note.get_by_role("button", name=re.compile("Mark read")).click()
    expect(mine.get_by_role("status")).to_contain_text("Marked read: 1.")
    expect(mine.locator("li.note.is-unread")).to_have_count(0)
    expect(nav.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    assert Notification.objects.get(user=reviewer, kind="sent_back").read_at is not None

    # Mail: chosen on its own page.
    mine.get_by_role("link", name="Which of these come by mail").click()
    assert _axe_serious(mine) == [], "mail settings"
    mine.get_by_label("Published").check()
    mine.get_by_label("Sent back to you").uncheck()
    mine.get_by_role("button", name="Save").click()
    expect(mine.get_by_role("status")).to_contain_text("Your mail settings are saved.")
    preference = MailPreference.objects.get(user=reviewer)
    assert preference.published and not preference.sent_back and preference.assigned
    context.close()
