"""The desk's lists in a real browser, as an editor works them: page through 300 claims,
search with several words and by number, narrow by a filter that stays in the url, and
dismiss ten claims at once with one of them refused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim
from tests.factories import ArticleFactory, ClaimFactory
from tests.test_desk_lists import many_claims

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_an_editor_pages_searches_filters_and_triages_in_bulk(
    transactional_db, live_server, page: Page, editor, screenshots
):
    many_claims(300)
    moscow = ClaimFactory(
        article=ArticleFactory(
            title="Khan in Moscow",
            body="Intro. The first visit by a prime minister to Moscow in 20 years. End.",
        ),
        text="The first visit by a prime minister to Moscow in 20 years.",
        checkworthiness=0.05,
    )
    batch = many_claims(10, prefix="Batch")
    Claim.objects.filter(pk=batch[4].pk).update(status=Claim.Status.PUBLISHED)
    base = live_server.url
    log_in(page, base, editor.username)

    # Page through: the total, the next page, a page by its number.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims").click()
    expect(page.locator(".list-total")).to_have_text(re.compile(r"311 claims · showing 1–25"))
    pager = page.get_by_role("navigation", name="Pages")
    pager.get_by_role("link", name="Next ›").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2\b"))
    expect(pager.locator('[aria-current="page"]')).to_have_text("2")
    pager.get_by_role("link", name="Page 13").click()
    expect(page.locator(".list-total")).to_have_text(re.compile(r"showing 301–311"))
    expect(page.locator(".rows > .row")).to_have_count(11)

    # Search: several words, in any order, from the claim and its article's title.
    search = page.get_by_role("searchbox", name="Search")
    search.fill("Khan Moscow")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".list-total")).to_have_text(re.compile(r"^1 claim\b"))
    expect(page.locator(".row-text")).to_have_text(moscow.text)
    page.get_by_role("searchbox", name="Search").fill(f"#{batch[0].pk}")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".row-text")).to_have_text(batch[0].text)

    # A filter and a sort live in the url: a shared link shows the same list.
    page.get_by_role("searchbox", name="Search").fill("Batch")
    page.get_by_label("Published", exact=True).check()
    page.get_by_label("Sort").select_option(label="Check-worthiness, highest first")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"status=published"))
    expect(page).to_have_url(re.compile(r"sort=-worth"))
    expect(page.locator(".rows > .row")).to_have_count(1)
    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    expect(other.locator(".row-text")).to_have_text(batch[4].text)
    other.close()

    # Bulk: the ten Batch claims, one of them published, dismissed with one reason.
    page.goto(base + "/desk/claims/?q=Batch&sort=-worth")
    expect(page.locator(".rows > .row")).to_have_count(10)
    page.get_by_label("Select all on this page").check()
    expect(page.locator("input.row-select:checked")).to_have_count(10)
    page.get_by_label("With the selected claims").select_option(label="Dismiss")
    page.get_by_label(re.compile("^Reason or note")).fill("Not checkable: a forecast.")
    page.screenshot(path=screenshots / "claim-list-bulk-1280.png", full_page=True)
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator(".msg-success")).to_have_text(re.compile(r"^Dismiss: 9 claims done \("))
    refused = page.locator(".msg-warning")
    expect(refused).to_have_count(1)
    expect(refused).to_have_text(re.compile(rf"^#{batch[4].pk} not done \(dismiss\): .*published"))
    # Back on the same list, which now shows what happened.
    expect(page).to_have_url(re.compile(r"q=Batch"))
    expect(page.locator(".badge.status-dismissed")).to_have_count(9)
    assert Claim.objects.filter(status=Claim.Status.DISMISSED).count() == 9
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshots / "claim-list-390.png", full_page=True)
