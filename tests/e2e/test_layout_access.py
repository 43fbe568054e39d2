"""Layout and access in a real browser: text with no place to break wraps instead of
widening the page, and axe-core (from the npm registry, `make node`) finds no serious or
critical violation on the main pages.

One test drives one browser context through every page at both widths, so the module
costs one login, not one per page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from claims.models import Claim
from reviews import services
from reviews.models import Evidence, Rating
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery staple"
WIDTHS = (1280, 390)
# A "word" of hundreds of characters: a pasted hash, a url without breaks, a run of digits.
LONG = "Moscow" + "x" * 400 + "1999"


def _published(*, editor, reviewer, text: str, rating: str, article=None) -> Claim:
    article = article or ArticleFactory(
        body=f"Lead paragraph of the report. {text} The report goes on."
    )
    claim = ClaimFactory(article=article, text=text, claimant=ClaimantFactory(name="Imran Khan"))
    services.take(claim_id=claim.pk, actor=reviewer)
    services.add_evidence(
        claim_id=claim.pk,
        actor=reviewer,
        url="https://records.example/" + "a" * 300,
        title="A record whose title is one long word: " + LONG,
        quote="A quoted passage with " + LONG,
        kind=Evidence.Kind.OFFICIAL_RECORD,
        stance=Evidence.Stance.REFUTES,
        archive=False,
    )
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=reviewer,
        rating=Rating.objects.get(label=rating),
        summary="Summary " + LONG[:250],
        rationale="Rationale " + LONG + " and then " + LONG,
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    if editor is not None:
        services.publish(claim_id=claim.pk, actor=editor)
    return claim


def _axe_serious(page: Page) -> list[str]:
    # Evaluated by the driver, not added as an inline <script>: the page's
    # Content-Security-Policy refuses inline scripts, and the audit is not the page's.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def _assert_fits(page: Page, where: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.evaluate("() => document.documentElement.clientWidth")
    assert width <= viewport, f"{where}: the page is {width}px wide in a {viewport}px window"


def _assert_reachable(page: Page, button, where: str) -> None:
    """The button is inside the window and nothing is drawn over its middle."""
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    viewport = page.viewport_size
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], where
    on_top = button.evaluate(
        """b => { const r = b.getBoundingClientRect();
                  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                  return hit === b || b.contains(hit); }"""
    )
    assert on_top, f"{where}: something covers the button"


def test_long_words_wrap_and_the_main_pages_pass_axe(
    transactional_db, live_server, browser, reviewer, editor, other_editor, screenshots
):
    assert AXE.exists(), f"{AXE} is missing: run `make node` (make test does)"
    call_command("loaddata", str(ROOT / "fixtures" / "ratings.json"), verbosity=0)
    published = _published(
        editor=editor,
        reviewer=reviewer,
        text=f"The visit to {LONG} was the first in 20 years.",
        rating="Mostly true",
    )
    for rating in ("Half true", "Mostly false"):
        _published(editor=editor, reviewer=reviewer, text=f"A claim rated {rating}.", rating=rating)
    proposed = _published(
        editor=None, reviewer=reviewer, text=f"A proposed claim about {LONG}.", rating="False"
    )
    ClaimFactory(
        article=ArticleFactory(body=f"New. An unassigned claim {LONG} here. End."),
        text=f"An unassigned claim {LONG} here.",
    )
    base = live_server.url

    # The audit is injected as a script tag: let it in whatever the pages' CSP says.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    assert _axe_serious(page) == [], "login page"
    page.get_by_label("Username").fill(other_editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    pages = {
        "dashboard": "/",
        "claims": "/desk/claims/",
        "articles": "/desk/articles/",
        "article": f"/desk/articles/{proposed.article_id}/",
        "claim": f"/desk/claims/{proposed.pk}/",
        "published-claim": f"/desk/claims/{published.pk}/",
        "public": f"/claims/{published.pk}/",
    }
    failures = {}
    for name, path in pages.items():
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(base + path)
            _assert_fits(page, f"{name} at {width}px")
            if name == "claim":
                # An editor who did not propose it may send it back or publish it.
                _assert_reachable(page, page.get_by_role("button", name="Send back"), name)
                _assert_reachable(page, page.get_by_role("button", name="Publish verdict"), name)
                expect(page.locator(".ev .stance")).to_have_text("Refutes the claim")
            if name == "public":
                # Stance in words, not by the colour of the edge alone.
                expect(page.locator(".ev .stance")).to_have_text("Refutes the claim")
            if name in ("dashboard", "claim", "public"):
                page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
            if width == WIDTHS[0]:
                serious = _axe_serious(page)
                if serious:
                    failures[name] = serious
    assert failures == {}, "axe-core found serious violations:\n" + "\n".join(
        f"{name}: {v}" for name, vs in failures.items() for v in vs
    )

    # The rating chips on the dashboard's published list: each in its own colour, its text
    # readable (the contrast itself is computed in tests/test_contrast.py and by axe above).
    page.goto(base + "/")
    for label in ("Mostly true", "Half true", "Mostly false"):
        chip = page.locator(".rating-chip", has_text=re.compile(f"^{label}$")).first
        expect(chip).to_be_visible()
        assert chip.evaluate("c => getComputedStyle(c).color") == "rgb(255, 255, 255)"
    context.close()
