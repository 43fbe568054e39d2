"""The public index of published fact checks: newest first, paged with its total, the one
search of the desk and the API, a rating filter, linked from each verdict page, rating
colours from a stylesheet (no inline style), and a query count that does not grow with the
page size."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from reviews import services
from reviews.models import Rating, Verdict
from tests.conftest import search_queries
from tests.factories import ArticleFactory, ClaimFactory, RatingFactory, VerdictFactory
from tests.test_desk_lists import many_claims

pytestmark = pytest.mark.django_db

INDEX = "/checks/"


def publish_all(claims, rating, *, editor, start=None) -> None:
    """Published verdicts on `claims`, one minute apart (the last the newest), as the data
    after publish holds them."""
    start = start or timezone.now() - dt.timedelta(days=1)
    for i, claim in enumerate(claims):
        VerdictFactory(
            claim=claim,
            rating=rating,
            state=Verdict.State.APPROVED,
            approver=editor,
            approved_at=start + dt.timedelta(minutes=i),
            summary=f"Summary of check {claim.pk}.",
        )
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
        status=Claim.Status.PUBLISHED, is_public=True
    )


def listed(response) -> list[int]:
    return [
        int(n) for n in re.findall(r'class="check-claim"><a href="/claims/(\d+)/"', response.text)
    ]


def test_the_index_lists_published_checks_newest_first_for_anyone(client, editor):
    claims = many_claims(5, prefix="Public")
    publish_all(claims[:4], RatingFactory(), editor=editor)
    response = client.get(INDEX)
    assert response.status_code == 200
    # The fifth is not published: only the four, the last published first.
    assert listed(response) == [c.pk for c in reversed(claims[:4])]
    assert "<strong>4</strong> fact checks" in response.text
    assert f"Summary of check {claims[3].pk}." in response.text


def test_withdrawn_and_unpublished_claims_stay_off_the_index(client, editor, reviewer, rating):
    article = ArticleFactory(body="Intro. One claim here. Another claim here. End.")
    kept = ClaimFactory(article=article, text="One claim here.")
    gone = ClaimFactory(article=article, text="Another claim here.")
    for claim in (kept, gone):
        services.take(claim_id=claim.pk, actor=reviewer)
        services.add_evidence(
            claim_id=claim.pk, actor=reviewer, url="https://records.example/x", title="Record"
        )
        services.save_verdict_draft(
            claim_id=claim.pk, actor=reviewer, rating=rating, summary="S.", rationale="R."
        )
        services.propose(claim_id=claim.pk, actor=reviewer)
        services.publish(claim_id=claim.pk, actor=editor)
    services.withdraw(claim_id=gone.pk, actor=editor, note="The source was forged.")
    in_review = ClaimFactory()
    services.take(claim_id=in_review.pk, actor=reviewer)
    assert listed(client.get(INDEX)) == [kept.pk]
    # Staff see the same public index, not the desk's claims.
    signed_in = Client()
    signed_in.force_login(editor)
    assert listed(signed_in.get(INDEX)) == [kept.pk]


def test_a_reopened_check_stays_listed_marked_under_review(client, editor, reviewer, rating):
    claim = ClaimFactory()
    services.take(claim_id=claim.pk, actor=reviewer)
    services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://records.example/x", title="Record"
    )
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary="S.", rationale="R."
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=editor)
    services.reopen(claim_id=claim.pk, actor=editor, reason="A new figure came out.")
    response = client.get(INDEX)
    assert listed(response) == [claim.pk]
    assert "under review" in response.text


def test_search_and_rating_filter_narrow_the_index_and_stay_in_the_pager(client, editor):
    false, true = RatingFactory(), RatingFactory(label="True", slug="true", value=5)
    moscow = ClaimFactory(
        article=ArticleFactory(
            title="Khan in Moscow", body="Intro. The visit to Moscow was the first in 20 years."
        ),
        text="The visit to Moscow was the first in 20 years.",
    )
    figures = many_claims(60, prefix="Figure")
    publish_all([moscow], true, editor=editor)
    publish_all(figures[:30], false, editor=editor)
    publish_all(figures[30:], true, editor=editor)

    # Several words, from the claim and its article's title: the desk's search.
    assert listed(client.get(INDEX, {"q": "Khan Moscow"})) == [moscow.pk]
    # Its number too, as on the desk: that claim alone, though every Figure claim's
    # article has the number as a word.
    assert listed(client.get(INDEX, {"q": f"#{figures[5].pk}", "size": 100})) == [figures[5].pk]
    by_rating = client.get(INDEX, {"rating": "true"})
    assert "<strong>31</strong> fact checks" in by_rating.text
    both = client.get(INDEX, {"rating": "false", "q": "Figure", "page": 2})
    assert "<strong>30</strong> fact checks" in both.text and "showing 26–30" in both.text
    assert set(listed(both)) <= {c.pk for c in figures[:30]} and len(listed(both)) == 5
    # The pager's links keep the filters.
    first = client.get(INDEX, {"rating": "false", "q": "Figure"})
    assert 'href="?rating=false&amp;q=Figure&amp;page=2"' in first.text
    assert false.pk != true.pk


def test_the_index_pages_through_every_check_once(client, editor):
    claims = many_claims(60, prefix="Paged")
    publish_all(claims, RatingFactory(), editor=editor)
    seen = []
    for page in (1, 2, 3):
        seen += listed(client.get(INDEX, {"page": page}))
    assert sorted(seen) == sorted(c.pk for c in claims) and len(seen) == 60
    assert listed(client.get(INDEX, {"page": 99})) == listed(client.get(INDEX, {"page": 3}))


def test_a_bad_filter_is_named_and_the_rest_still_answers(client, editor):
    claims = many_claims(3, prefix="Bad")
    publish_all(claims, RatingFactory(), editor=editor)
    response = client.get(INDEX, {"rating": "no-such-rating", "page": "x"})
    assert response.status_code == 200
    assert "Rating:" in response.text and "(ignored)" in response.text
    assert len(listed(response)) == 3


def test_each_verdict_page_links_to_the_index(client, editor):
    claim = many_claims(1, prefix="Linked")[0]
    publish_all([claim], RatingFactory(), editor=editor)
    page = client.get(reverse("public-claim", args=[claim.pk]))
    assert f'href="{INDEX}"' in page.text and "All fact checks" in page.text


def test_ratings_come_as_classes_from_a_stylesheet_not_inline_styles(client, editor):
    rating = RatingFactory(colour="#ffdd00")
    Rating.objects.create(label="Odd", slug="odd", colour="#123456")
    claim = many_claims(1, prefix="Styled")[0]
    publish_all([claim], rating, editor=editor)
    page = client.get(INDEX).text
    assert 'class="rating-chip rating-false"' in page
    assert "style=" not in page and "<script>" not in page
    css = client.get("/ratings.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    # A yellow chip gets dark text: the ink is computed to meet AA.
    assert ".rating-false { --rating: #ffdd00; --rating-ink: #000000;" in css.text
    assert ".rating-odd {" in css.text


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# The count and the page (2), the page's approved verdicts with ratings (1), the rating
# choices (1); a rating in the url is looked up once more when the form reads it. Signed
# in: the session and the user (2) besides.
@pytest.mark.parametrize(
    ("query", "expected"),
    [("", 4), ("?q=Counted", 4), ("?rating=false&q=Counted", 5)],
)
def test_the_index_query_count_is_the_same_at_25_and_100_a_page(client, editor, query, expected):
    publish_all(many_claims(120, prefix="Counted"), RatingFactory(), editor=editor)
    # On PostgreSQL a search asks the planner how many articles its words match (kept, and
    # read here first), and for rare words reads the matching claims' ids.
    searched = search_queries("Counted") if "q=" in query else 0
    join = "&" if query else "?"
    small = _count(client, f"{INDEX}{query}{join}size=25")
    large = _count(client, f"{INDEX}{query}{join}size=100")
    assert small == large == expected + searched
    assert len(listed(client.get(f"{INDEX}{query}{join}size=100"))) == 100
