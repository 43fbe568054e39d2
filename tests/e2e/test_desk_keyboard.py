"""The common steps from the keyboard, in a real browser: take a claim (T), add evidence
(E: the form opens with the cursor in its first field) and go to the next claim (N), by
the claim page's access keys; the dashboard and the claim page at both widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim
from reviews.models import Evidence
from tests.e2e.test_desk_lists import log_in
from tests.e2e.test_layout_access import WIDTHS, _assert_fits
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.e2e


def test_take_add_evidence_and_next_claim_from_the_keyboard(
    transactional_db, live_server, page: Page, reviewer, claim, screenshots
):
    following = ClaimFactory(
        article=ArticleFactory(body="Intro. Prices rose by 12 percent in March. End."),
        text="Prices rose by 12 percent in March.",
        checkworthiness=0.5,
    )
    base = live_server.url
    log_in(page, base, reviewer.username)
    page.goto(f"{base}/desk/claims/{claim.pk}/")
    expect(page.locator("#keys")).to_contain_text("T take this claim")

    page.keyboard.press("Alt+Shift+KeyT")
    expect(page.locator(".claim-status .badge")).to_have_text("In review")
    assert Claim.objects.get(pk=claim.pk).assignee == reviewer

    page.keyboard.press("Alt+Shift+KeyE")
    url_field = page.get_by_label("Source URL", exact=True)
    expect(url_field).to_be_focused()
    page.keyboard.type("https://records.example/un")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Title", exact=True)).to_be_focused()
    page.keyboard.type("UN record")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="UN record")).to_be_visible()
    assert Evidence.objects.filter(claim=claim).count() == 1

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/desk/claims/{claim.pk}/")
        _assert_fits(page, f"claim page at {width}px")
        page.screenshot(path=screenshots / f"desk-claim-{width}.png", full_page=True)
        page.goto(base + "/")
        _assert_fits(page, f"dashboard at {width}px")
        page.screenshot(path=screenshots / f"desk-dashboard-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{base}/desk/claims/{claim.pk}/")
    page.keyboard.press("Alt+Shift+KeyN")
    expect(page).to_have_url(re.compile(rf"/desk/claims/{following.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prices rose by 12 percent")
