"""The desk in a real browser: a reviewer checks a seed claim, an editor publishes it, and
a reader's page carries ClaimReview that a JSON-LD extractor reads."""

from __future__ import annotations

import re
from pathlib import Path

import extruct
import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from claims.loading import load_article, read_path
from claims.models import Claim

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
VISIT_CLAIM = (
    "Imran Khan’s visit to Moscow was the first by a Pakistani Prime Minister in 20 years."
)


def load_seeds() -> Claim:
    for source in read_path(ROOT / "fixtures" / "articles"):
        load_article(source)
    call_command("loaddata", str(ROOT / "fixtures" / "ratings.json"), verbosity=0)
    return Claim.objects.get(text=VISIT_CLAIM)


def offline_web(url: str) -> tuple[int, bytes, str]:
    """The internet, which this machine cannot reach: the archiver gets a small page."""
    return 200, b"<html><body><p>Imran Khan arrives in Moscow.</p></body></html>", "text/html"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to the desk")).to_be_visible()


def test_reviewer_proposes_editor_publishes_and_the_public_page_carries_claimreview(
    transactional_db,
    live_server,
    page: Page,
    reviewer,
    editor,
    screenshots,
    monkeypatch,
):
    # Evidence archiving runs in process on the embedded default and would fetch the
    # source page from the internet: stand in for it.
    monkeypatch.setattr("reviews.tasks.fetch", offline_web)
    claim = load_seeds()
    base = live_server.url
    claim_link = f'a[href="/desk/claims/{claim.pk}/"]'

    # The reviewer finds the claim in the queue of unassigned new claims and takes it.
    log_in(page, base, reviewer.username)
    queue = page.locator("section", has=page.get_by_role("heading", name="Unassigned new claims"))
    expect(queue.locator(claim_link)).to_be_visible()
    page.screenshot(path=screenshots / "dashboard-reviewer.png", full_page=True)
    queue.locator(claim_link).click()
    heading = page.get_by_role("heading", name=re.compile("first by a Pakistani Prime Minister"))
    expect(heading).to_be_visible()
    page.get_by_role("button", name="Take this claim").click()
    expect(page.locator(".claim-status .badge")).to_have_text("In review")

    # Evidence, then a verdict draft, then the proposal.
    page.get_by_label("Source URL", exact=True).fill("https://www.dawn.com/news/1676946")
    page.get_by_label("Title", exact=True).fill("PM Imran Khan arrives in Moscow on two-day visit")
    page.get_by_label("Publisher").fill("Dawn")
    page.get_by_label("Kind of source").select_option(label="News report")
    page.get_by_label("Stance").select_option(label="Supports the claim")
    page.get_by_label("Quoted passage").fill(
        "the first visit by a Pakistani prime minister to Moscow in 23 years"
    )
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_role("link", name="PM Imran Khan arrives in Moscow")).to_be_visible()

    page.get_by_label("Rating").select_option(label="Mostly true")
    page.get_by_label("Summary").fill(
        "The last visit by a Pakistani prime minister was Nawaz Sharif's in 1999: 23 years."
    )
    page.get_by_label("Rationale").fill(
        "Dawn's report of the visit and the Russian foreign ministry's record both date the "
        "previous visit to 1999. “20 years” rounds down, but the point stands."
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Verdict draft saved.")).to_be_visible()
    page.screenshot(path=screenshots / "claim-page-drafting.png", full_page=True)

    page.get_by_label("Note for the editor").fill("Two sources agree on 1999.")
    page.get_by_role("button", name="Propose verdict").click()
    expect(page.locator(".claim-status .badge")).to_have_text("Proposed")
    # Four eyes: the proposer is offered no way to publish their own verdict.
    expect(page.get_by_role("button", name=re.compile("Publish"))).to_have_count(0)
    expect(page.get_by_role("button", name="Send back")).to_have_count(0)
    log_out(page)

    # The editor sees it waiting, reads it, publishes.
    log_in(page, base, editor.username)
    awaiting = page.locator("section", has=page.get_by_role("heading", name="Awaiting my approval"))
    expect(awaiting.locator(claim_link)).to_be_visible()
    page.screenshot(path=screenshots / "dashboard.png", full_page=True)
    awaiting.locator(claim_link).click()
    expect(page.get_by_role("button", name="Publish verdict")).to_be_visible()
    expect(page.get_by_role("button", name="Send back")).to_be_visible()
    page.screenshot(path=screenshots / "claim-page.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshots / "claim-page-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Publish verdict").click()
    expect(page.locator(".claim-status .badge")).to_have_text("Published")
    history = page.locator(".history")
    for step in ("take", "propose", "publish"):
        expect(history).to_contain_text(step)
    page.get_by_role("link", name="read it all").click()
    expect(page.locator(f"#claim-{claim.pk}.status-published")).to_be_visible()
    page.screenshot(path=screenshots / "article-page.png", full_page=True)

    # A reader, not logged in, sees the verdict and its ClaimReview.
    reader = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    public = reader.new_page()
    public_url = f"{base}/claims/{claim.pk}/"
    public.goto(public_url)
    expect(public.locator(".rating-big")).to_have_text("Mostly true")
    expect(public.get_by_text("Nawaz Sharif's in 1999")).to_be_visible()
    expect(public.get_by_role("link", name="PM Imran Khan arrives in Moscow")).to_be_visible()
    public.screenshot(path=screenshots / "public-page.png", full_page=True)
    public.set_viewport_size({"width": 390, "height": 844})
    public.screenshot(path=screenshots / "public-page-phone.png", full_page=True)

    data = extruct.extract(public.content(), base_url=public_url, syntaxes=["json-ld"])
    reviews = [item for item in data["json-ld"] if item.get("@type") == "ClaimReview"]
    assert len(reviews) == 1
    review = reviews[0]
    assert review["claimReviewed"] == VISIT_CLAIM
    assert review["url"] == public_url
    assert review["reviewRating"]["alternateName"] == "Mostly true"
    assert review["reviewRating"]["ratingValue"] == 4
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["datePublished"])
    assert review["itemReviewed"]["@type"] == "Claim"
    # The seed article has no url or date, so the claim itself is all there is to name.
    assert review["itemReviewed"] == {"@type": "Claim"}
    reader.close()
