"""A reader asks the desk to check a claim, in a real browser: the claim reaches the
editors' triage list; a bot that fills the hidden field, and one that sends the form at
once, are refused with a message. axe-core and screenshots of the form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from tests.e2e.test_desk_lists import PASSWORD
from tests.e2e.test_layout_access import _assert_fits, _axe_serious

pytestmark = pytest.mark.e2e


def test_a_reader_s_claim_reaches_the_triage_list_and_bots_are_refused(
    transactional_db, live_server, browser, editor, screenshots, settings
):
    base = live_server.url
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/checks/")
    page.get_by_role("link", name="Ask us to check a claim").click()
    expect(page.get_by_role("heading", name="Ask us to check a claim")).to_be_visible()
    assert _axe_serious(page) == [], "submission form"
    page.screenshot(path=screenshots / "submit-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    _assert_fits(page, "submission form at 390px")
    page.screenshot(path=screenshots / "submit-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    # The honeypot is out of people's sight.
    expect(page.locator("input[name=website]")).not_to_be_in_viewport()

    def fill(text: str) -> None:
        page.get_by_label("The claim").fill(text)
        page.get_by_label("Where you saw it").fill("https://social.example/post/77")

    # A script that sends the form the moment it has it.
    settings.FACTCHECK_SUBMIT_MIN_SECONDS = 30
    fill("The new bridge cost 40 billion rupees.")
    page.get_by_role("button", name="Send the claim").click()
    expect(page.get_by_role("alert")).to_contain_text("faster than a person types")
    # A bot that fills every field, the hidden one too.
    settings.FACTCHECK_SUBMIT_MIN_SECONDS = 0
    fill("The new bridge cost 40 billion rupees.")
    page.locator("input[name=website]").fill("https://spam.example", force=True)
    page.get_by_role("button", name="Send the claim").click()
    expect(page.get_by_role("alert")).to_contain_text("a hidden field has a value")
    assert not Claim.objects.exists()

    # A person (the wait a person takes is set to nothing here, not waited for).
    page.locator("input[name=website]").fill("", force=True)
    fill("The new bridge cost 40 billion rupees.")
    page.get_by_label("Your email (optional)").fill("reader@example.org")
    page.get_by_role("button", name="Send the claim").click()
    expect(page.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    claim = Claim.objects.get()
    assert claim.status == Claim.Status.NEW and claim.source_url == "https://social.example/post/77"

    # The editor finds it in the queue of unassigned new claims.
    desk = context.new_page()
    desk.goto(base + "/accounts/login/")
    desk.get_by_label("Username").fill(editor.username)
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    queue = desk.locator("section", has=desk.get_by_role("heading", name="Unassigned new claims"))
    expect(queue.locator(f'a[href="/desk/claims/{claim.pk}/"]')).to_have_text(claim.text)
    context.close()
