"""A double click on "Add evidence" in a real browser adds one evidence record."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from reviews import services
from reviews.models import Evidence
from tests.e2e.test_desk_lists import log_in

pytestmark = pytest.mark.e2e


def test_a_double_click_on_add_evidence_adds_one_record(
    transactional_db, live_server, page: Page, reviewer, claim, monkeypatch
):
    # Archiving would fetch the source from the internet, which this machine cannot reach.
    monkeypatch.setattr("reviews.tasks.fetch", lambda url: (200, b"<p>ok</p>", "text/html"))
    services.take(claim_id=claim.pk, actor=reviewer)
    log_in(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    page.get_by_label("Source URL", exact=True).fill("https://records.example/un/a-res-es-11-1")
    page.get_by_label("Title", exact=True).fill("Resolution ES-11/1")
    page.get_by_role("button", name="Add evidence").dblclick()
    expect(page.get_by_role("link", name="Resolution ES-11/1")).to_have_count(1)
    assert Evidence.objects.filter(claim=claim).count() == 1

    # A click that Chromium does not turn into two requests proves little: send one drawn
    # form twice at once from the page, as a flaky network's resend or a second tab would.
    page.locator("details.add > summary").click()
    page.get_by_label("Source URL", exact=True).fill("https://records.example/second")
    page.get_by_label("Title", exact=True).fill("Sent twice at once")
    statuses = page.locator("form[action$='/evidence/']").evaluate(
        """f => Promise.all([1, 2].map(() =>
             fetch(f.action, {method: "POST", body: new FormData(f), redirect: "manual"})
               .then(r => r.status)))"""
    )
    assert len(statuses) == 2
    page.reload()
    expect(page.get_by_role("link", name="Sent twice at once")).to_have_count(1)
    assert Evidence.objects.filter(claim=claim, title="Sent twice at once").count() == 1
