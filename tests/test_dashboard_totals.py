"""The dashboard's sections show their first rows and their totals, and each links to the
paged claim list holding every row of it: no list stops at the dashboard's 25."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from reviews import services
from tests.factories import ClaimFactory
from tests.test_desk_lists import many_claims
from tests.test_pages import proposed, taken

pytestmark = pytest.mark.django_db

Status = Claim.Status


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def section(page: str, name: str) -> str:
    return page.split(f'id="{name}-h"')[1].split("</section>")[0]


def all_link(part: str) -> str:
    found = re.search(r'<p class="all-link">.*?<a href="([^"]+)">', part)
    assert found, part
    return html.unescape(found.group(1))


def total_of(page: str) -> int:
    return int(re.search(r'class="list-total" role="status"><strong>(\d+)</strong>', page)[1])


def test_the_queue_shows_its_first_rows_and_total_and_links_to_all_of_them(desk):
    many_claims(40, prefix="Queued")
    page = desk.get("/").text
    queue = section(page, "queue")
    assert queue.count('class="row-text"') == 10
    assert '<span class="h-count">40</span>' in queue
    assert "Showing 10 of 40" in queue
    link = all_link(queue)
    assert link.startswith("/desk/claims/?")
    listed = desk.get(link).text
    assert total_of(listed) == 40
    # The list keeps the queue's order: most check-worthy first.
    assert "sort=-worth" in link


def test_each_section_s_link_lists_exactly_its_claims(desk, editor, reviewer, other_editor, rating):
    claims = many_claims(12, prefix="Mixed")
    for claim in claims[:3]:
        taken(claim, editor)
    for claim in claims[3:5]:
        proposed(claim, reviewer, rating)  # awaiting the editor
    proposed(claims[5], editor, rating)  # the editor's own: not awaiting them
    for claim in claims[6:8]:
        proposed(claim, reviewer, rating)
        services.publish(claim_id=claim.pk, actor=other_editor)
    page = desk.get("/").text
    expected = {
        "mine": {c.pk for c in claims[:3]} | {claims[5].pk},
        "awaiting": {c.pk for c in claims[3:5]},
        "queue": {c.pk for c in claims[8:]},
        "published": {c.pk for c in claims[6:8]},
    }
    for name, ids in expected.items():
        part = section(page, name)
        assert f'<span class="h-count">{len(ids)}</span>' in part, name
        listed = desk.get(all_link(part)).text
        assert total_of(listed) == len(ids), name
        found = {int(n) for n in re.findall(r'class="row-text" href="/desk/claims/(\d+)/"', listed)}
        assert found == ids, name


def test_the_state_counts_link_to_the_list_by_state(desk, reviewer):
    claims = many_claims(5, prefix="Counted")
    taken(claims[0], reviewer)
    page = desk.get("/").text
    link = re.search(r'<a class="count status-in_review" href="([^"]+)"', page)[1]
    assert total_of(desk.get(html.unescape(link)).text) == 1


def test_search_results_show_their_total_and_link_to_the_list(desk):
    many_claims(30, prefix="Findable")
    page = desk.get("/", {"q": "Findable"}).text
    results = section(page, "results")
    assert results.count('class="row-text"') == 25 and "Showing 25 of 30" in results
    assert total_of(desk.get(all_link(results)).text) == 30


def test_the_awaiting_filter_is_the_dashboard_s_four_eyes_rule(desk, editor, reviewer, rating):
    mine, theirs = ClaimFactory(), ClaimFactory()
    proposed(mine, editor, rating)
    proposed(theirs, reviewer, rating)
    listed = desk.get("/desk/claims/?awaiting=on").text
    assert total_of(listed) == 1 and f"/desk/claims/{theirs.pk}/" in listed


def _count(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


# Session and user (2), permissions (1); the claims by state with the totals of my
# claims, the queue and what awaits me (1, a UNION ALL); the rows of my claims in review
# and proposed, the queue, awaiting me, recently published (5); the rows' published
# ratings (1); which rows in review were sent back (1); the header's unread
# notifications (1).
DASHBOARD_QUERIES = 12


def test_the_dashboard_query_count_is_pinned_with_few_and_many_claims(
    desk, editor, reviewer, other_editor, rating
):
    def grow(n: int) -> None:
        claims = many_claims(n, prefix=f"Grow{n}")
        for claim in claims[: n // 4]:
            taken(claim, editor)
        for claim in claims[n // 4 : n // 2]:
            proposed(claim, reviewer, rating)
        for claim in claims[n // 2 : n // 2 + n // 8]:
            proposed(claim, reviewer, rating)
            services.publish(claim_id=claim.pk, actor=other_editor)

    grow(8)
    assert _count(desk) == DASHBOARD_QUERIES
    grow(80)
    assert _count(desk) == DASHBOARD_QUERIES
