"""The public index in a real browser, as a reader uses it: newest first, a search, a rating
filter, the next page, into a verdict and back; screenshots at both widths and axe-core
with no serious violation. And the desk's dashboard opening a section's full paged list."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from claims.models import Claim
from reviews.models import Rating
from tests.e2e.test_desk_lists import log_in
from tests.e2e.test_layout_access import _assert_fits, _axe_serious
from tests.factories import ArticleFactory, ClaimFactory
from tests.test_desk_lists import many_claims
from tests.test_public_index import publish_all

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_a_reader_searches_filters_and_pages_the_public_index(
    transactional_db, live_server, browser, editor, screenshots
):
    call_command("loaddata", str(ROOT / "fixtures" / "ratings.json"), verbosity=0)
    false, true = Rating.objects.get(slug="false"), Rating.objects.get(slug="true")
    checks = many_claims(40, prefix="Figure")
    day = timezone.now() - dt.timedelta(days=1)
    publish_all(checks[:25], false, editor=editor, start=day)
    publish_all(checks[25:], true, editor=editor, start=day + dt.timedelta(hours=1))
    moscow = ClaimFactory(
        article=ArticleFactory(
            title="Khan in Moscow", body="Intro. The visit to Moscow was the first in 20 years."
        ),
        text="The visit to Moscow was the first in 20 years.",
    )
    publish_all(
        [moscow],
        Rating.objects.get(slug="mostly-true"),
        editor=editor,
        start=day + dt.timedelta(hours=2),
    )
    many_claims(5, prefix="Unpublished")
    base = live_server.url

    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/checks/")
    expect(page.get_by_role("heading", name="Fact checks", level=1)).to_be_visible()
    total = page.locator(".list-total")
    expect(total).to_have_text(re.compile(r"^41 fact checks · showing 1–25"))
    # Newest first: the last one published heads the list, its rating in words.
    first = page.locator(".check-item").first
    expect(first.locator(".check-claim")).to_contain_text(moscow.text)
    expect(first.locator(".rating-chip")).to_have_text("Mostly true")
    page.screenshot(path=screenshots / "public-index-1280.png", full_page=True)
    assert _axe_serious(page) == [], "public index"
    page.set_viewport_size({"width": 390, "height": 844})
    _assert_fits(page, "public index at 390px")
    page.screenshot(path=screenshots / "public-index-390.png", full_page=True)
    assert _axe_serious(page) == [], "public index at 390px"
    page.set_viewport_size({"width": 1280, "height": 900})

    # Paging: the second page holds the rest, none of the first.
    page.get_by_role("navigation", name="Pages of fact checks").get_by_role(
        "link", name="Next ›"
    ).click()
    expect(page).to_have_url(re.compile(r"[?&]page=2\b"))
    expect(total).to_have_text(re.compile(r"showing 26–41"))
    expect(page.locator(".check-item")).to_have_count(16)

    # A search of several words, in any order, over the claim and its article.
    page.get_by_role("searchbox", name="Search fact checks").fill("Moscow Khan")
    page.get_by_role("button", name="Search").click()
    expect(total).to_have_text(re.compile(r"^1 fact check\b"))
    expect(page.locator(".check-claim")).to_contain_text(moscow.text)

    # A rating, with a search that matches many: both stay in the url and the pager.
    page.get_by_role("searchbox", name="Search fact checks").fill("Figure")
    page.get_by_label("Rating").select_option(label="True")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"rating=true"))
    expect(total).to_have_text(re.compile(r"^15 fact checks"))
    expect(page.locator(".rating-chip", has_text=re.compile("^False$"))).to_have_count(0)
    assert _axe_serious(page) == [], "public index, filtered"

    # Into a verdict, and back to the index from its page.
    page.locator(".check-claim a").first.click()
    expect(page).to_have_url(re.compile(r"/claims/\d+/$"))
    page.get_by_role("link", name="All fact checks").click()
    expect(page).to_have_url(re.compile(r"/checks/$"))
    context.close()


def test_a_dashboard_section_opens_its_full_list_and_pages_through_300(
    transactional_db, live_server, page: Page, editor
):
    many_claims(300, prefix="Queued")
    base = live_server.url
    log_in(page, base, editor.username)
    queue = page.locator("section", has=page.get_by_role("heading", name="Unassigned new claims"))
    expect(queue.locator(".h-count")).to_have_text("300")
    expect(queue.locator(".row")).to_have_count(10)
    queue.get_by_role("link", name="All 300 unassigned new claims in the claim list").click()
    total = page.locator(".list-total")
    expect(total).to_have_text(re.compile(r"^300 claims · showing 1–25"))
    pager = page.get_by_role("navigation", name="Pages")
    seen: set[str] = set()
    for number in range(1, 13):
        if number > 1:
            pager.get_by_role("link", name="Next ›").click()
            expect(pager.locator('[aria-current="page"]')).to_have_text(str(number))
        ids = page.locator(".row-text").evaluate_all("links => links.map(a => a.href)")
        assert len(ids) == 25
        seen.update(ids)
    assert len(seen) == 300 == Claim.objects.count()
    expect(total).to_have_text(re.compile(r"showing 276–300"))
