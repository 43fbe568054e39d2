"""Intake in a real browser: an editor pastes an article and sees its claims on its page;
uploads a file the loader refuses and reads why; a long article goes by the progress page
to its claims; a reviewer selects a passage the extractor missed and adds it as a claim.
axe-core on the new pages, screenshots at both widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from claims.models import Article, Claim
from tests.e2e.test_desk_lists import log_in
from tests.e2e.test_layout_access import _assert_fits, _axe_serious
from tests.factories import ArticleFactory
from tests.test_desk_intake import TEXT

pytestmark = pytest.mark.e2e


def test_an_editor_pastes_an_article_and_sees_its_claims(
    transactional_db, live_server, page: Page, editor, screenshots, tmp_path, settings, worker
):
    base = live_server.url
    log_in(page, base, editor.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Articles").click()
    page.get_by_role("link", name="Add an article").click()
    expect(page.get_by_role("heading", name="Add an article")).to_be_visible()
    assert _axe_serious(page) == [], "add an article"
    page.set_viewport_size({"width": 390, "height": 844})
    _assert_fits(page, "add an article at 390px")
    page.screenshot(path=screenshots / "article-new-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # A file the loader refuses: the page says which and why, and keeps the details.
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4 binary")
    page.get_by_label("Or upload a file").set_input_files(str(bad))
    page.get_by_label("Outlet").fill("Dawn")
    page.get_by_role("button", name="Load the article").click()
    expect(page.get_by_role("alert")).to_contain_text("scan.pdf: unsupported file type '.pdf'")
    expect(page.get_by_label("Outlet")).to_have_value("Dawn")
    assert not Article.objects.exists()

    page.get_by_label("Article text").fill(TEXT)
    page.get_by_label("Url").fill("https://news.example/pakistan-russia")
    page.get_by_label("Date").fill("2022-02-24")
    page.get_by_label("Byline").fill("Staff reporter")
    page.screenshot(path=screenshots / "article-new-1280.png", full_page=True)
    page.get_by_role("button", name="Load the article").click()

    article = Article.objects.get()
    expect(page).to_have_url(re.compile(rf"/desk/articles/{article.pk}/$"))
    claims = list(Claim.objects.filter(article=article))
    assert claims
    expect(page.locator(".msg-success")).to_have_text(
        re.compile(rf"^Article #{article.pk} stored: {len(claims)} claims? found\.$")
    )
    expect(
        page.get_by_role("heading", name="Pakistan and Russia sign a trade deal")
    ).to_be_visible()
    listed = page.locator("aside .rows .row")
    expect(listed).to_have_count(len(claims))
    for claim in claims:
        expect(page.locator(f"#claim-{claim.pk}")).to_have_text(claim.text)

    # A long one: the worker (a real Celery process, through the outbox and the broker)
    # loads it while the progress page follows, then opens its claims.
    settings.FACTCHECK_INTAKE_BACKGROUND_CHARS = 100
    page.goto(base + "/desk/articles/new/")
    page.get_by_label("Article text").fill(
        "Budget day\nThe finance minister said the deficit fell to 6.8 percent of GDP, "
        "down from 7.9 percent a year earlier."
    )
    page.get_by_role("button", name="Load the article").click()
    expect(page).to_have_url(re.compile(r"/desk/articles/intake/\d+/$"))
    expect(page.locator(".intake-state")).to_contain_text(re.compile(r"Waiting|Finding|Done"))
    page.screenshot(path=screenshots / "article-intake-1280.png", full_page=True)
    expect(page).to_have_url(re.compile(r"/desk/articles/\d+/$"), timeout=60_000)
    long_one = Article.objects.get(title="Budget day")
    expect(page).to_have_url(re.compile(rf"/desk/articles/{long_one.pk}/$"))
    expect(page.locator("aside .rows .row")).to_have_count(long_one.claims.count())


def test_a_reviewer_adds_a_selected_passage_as_a_claim(
    transactional_db, live_server, page: Page, reviewer, screenshots
):
    body = (
        "Budget day in Islamabad.\n"
        "The finance minister said the deficit fell to 6.8 percent of GDP. "
        "Analysts noted that exports rose by 12 percent in the same year."
    )
    article = ArticleFactory(title="Budget day", body=body)
    passage = "exports rose by 12 percent in the same year"
    start = body.index(passage)
    base = live_server.url
    log_in(page, base, reviewer.username)
    page.goto(f"{base}/desk/articles/{article.pk}/")
    assert _axe_serious(page) == [], "article page with the selection form"

    # Select the passage in the article's text, as a drag of the mouse would.
    page.evaluate(
        """([needle]) => {
            const node = [...document.getElementById("article-text").childNodes]
                .find(n => n.nodeType === Node.TEXT_NODE && n.data.includes(needle));
            const at = node.data.indexOf(needle);
            const range = document.createRange();
            range.setStart(node, at - 1);  // with the space before it
            range.setEnd(node, at + needle.length);
            const selection = document.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [passage],
    )
    form = page.locator("#add-claim")
    expect(form.get_by_label("Passage")).to_have_value(passage)
    expect(form.locator("[data-selection-where]")).to_have_text(
        f"Selected: characters {start}–{start + len(passage)} of the article."
    )
    form.get_by_label("Claimant (optional)").fill("Analysts")
    page.screenshot(path=screenshots / "article-selection-1280.png", full_page=True)
    form.get_by_role("button", name="Add as a claim").click()

    claim = Claim.objects.get()
    assert (claim.span_start, claim.span_end, claim.text) == (start, start + len(passage), passage)
    assert claim.origin == Claim.Origin.MANUAL and claim.claimant.name == "Analysts"
    expect(page).to_have_url(re.compile(rf"#claim-{claim.pk}$"))
    expect(page.locator(f"#claim-{claim.pk}")).to_have_text(passage)
    expect(page.locator(".msg-success")).to_contain_text(f"Claim #{claim.pk} added")
    page.set_viewport_size({"width": 390, "height": 844})
    _assert_fits(page, "article page at 390px")
    page.screenshot(path=screenshots / "article-selection-390.png", full_page=True)
