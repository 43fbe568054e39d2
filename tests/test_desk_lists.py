"""The desk's paged lists: totals, page numbers, filters and sort in the url, bad urls
answered with a message, and query counts that do not grow with the page size."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Article, Claim, SimilarClaim, content_hash
from reviews import services
from tests.conftest import search_queries
from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    OutletFactory,
    RatingFactory,
    VerdictFactory,
)

Status = Claim.Status


def many_claims(n: int, *, outlet=None, published=None, prefix="Figure") -> list[Claim]:
    """`n` claims, one sentence each of one article, scored 0.00 to 0.99 in turn."""
    sentences = [f"{prefix} {i} said {i} countries abstained." for i in range(n)]
    body = " ".join(sentences)
    article = Article.objects.create(
        title=f"{prefix} report",
        url=f"https://news.example/{prefix.lower()}-{n}",
        outlet=outlet or OutletFactory(),
        published=published,
        body=body,
        content_hash=content_hash(body),
    )
    claims, pos = [], 0
    for i, sentence in enumerate(sentences):
        start = body.index(sentence, pos)
        pos = start + len(sentence)
        claims.append(
            Claim(
                article=article,
                text=sentence,
                span_start=start,
                span_end=pos,
                checkworthiness=(i % 100) / 100,
                origin=Claim.Origin.EXTRACTED,
            )
        )
    return Claim.objects.bulk_create(claims)


def approve(claim: Claim, rating, approver) -> None:
    """A published verdict on `claim`, as the data after publish holds it."""
    VerdictFactory(
        claim=claim, rating=rating, state="approved", approver=approver, approved_at=timezone.now()
    )


def claim_ids(response) -> list[int]:
    return [
        int(n) for n in re.findall(r'class="row-text" href="/desk/claims/(\d+)/"', response.text)
    ]


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def test_a_list_of_300_claims_is_paged_with_its_total_and_page_numbers(desk):
    ids = {c.pk for c in many_claims(300)}
    first = desk.get("/desk/claims/")
    assert first.status_code == 200
    assert "<strong>300</strong> claims" in first.text
    assert "showing 1–25" in first.text
    assert 'aria-label="Page 12"' in first.text and 'rel="next"' in first.text
    seen = []
    for page in range(1, 13):
        seen += claim_ids(desk.get(f"/desk/claims/?page={page}"))
    # Every claim once, none twice, across the twelve pages.
    assert len(seen) == 300 and set(seen) == ids
    last = desk.get("/desk/claims/?page=12")
    assert "showing 276–300" in last.text and 'rel="next"' not in last.text
    # A bookmark past the end shows the last page.
    assert claim_ids(desk.get("/desk/claims/?page=99")) == claim_ids(last)
    bigger = desk.get("/desk/claims/?size=100&page=3")
    assert len(claim_ids(bigger)) == 100 and "showing 201–300" in bigger.text


def test_past_the_count_limit_the_total_says_more_than_and_the_pages_stop_there(desk, settings):
    # At a million claims an exact total reads every row; the list counts up to the
    # limit (10,000 by default) and says so.
    settings.FACTCHECK_LIST_COUNT_LIMIT = 60
    many_claims(80)
    first = desk.get("/desk/claims/")
    assert "<strong>more than 60</strong> claims" in first.text
    assert "showing 1–25" in first.text and "page 1 of 3" in first.text
    assert "filter or sort to reach the rest" not in first.text
    last = desk.get("/desk/claims/?page=3")
    assert "showing 51–60" in last.text and len(claim_ids(last)) == 10
    assert 'rel="next"' not in last.text
    assert "The pages stop at the first 60 rows: filter or sort to reach the rest." in last.text
    # The same count with the filters: under the limit it is exact again.
    narrowed = desk.get("/desk/claims/?worth=70")
    assert "<strong>10</strong> claims" in narrowed.text
    with CaptureQueriesContext(connection) as queries:
        desk.get("/desk/claims/?page=2")
    counts = [q["sql"].upper() for q in queries if "COUNT(" in q["sql"].upper()]
    (total,) = [sql for sql in counts if "LIMIT 61" in sql]
    assert "ORDER BY" not in total
    settings.FACTCHECK_LIST_COUNT_LIMIT = 100
    assert "<strong>80</strong> claims" in desk.get("/desk/claims/").text


def test_a_date_range_under_the_sort_by_last_change_keeps_that_order(desk):
    # On PostgreSQL a narrow range is sorted in full rather than found by walking the
    # updated_at index (lists._narrow_date_range): the same order either way.
    claims = many_claims(30, published=dt.date(2022, 3, 1))
    many_claims(5, published=dt.date(2024, 3, 1), prefix="Later")
    start = timezone.now() - dt.timedelta(days=30)
    for n, claim in enumerate(claims):
        # Last changes out of id order, two of them equal (the tie goes by id).
        when = start + dt.timedelta(hours=(n * 7) % 30)
        Claim.objects.filter(pk=claim.pk).update(updated_at=when)
    expected = sorted(
        Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("updated_at", "pk"),
        reverse=True,
    )
    url = "/desk/claims/?date_from=2022-01-01&date_to=2022-12-31&size=50"
    assert claim_ids(desk.get(url)) == [pk for _, pk in expected]
    oldest_first = claim_ids(desk.get(url + "&sort=changed"))
    assert oldest_first == [pk for _, pk in reversed(expected)]


def test_each_filter_narrows_the_list_and_stays_in_the_links(desk, editor, reviewer):
    khan = ClaimantFactory(name="Imran Khan")
    dawn = OutletFactory(name="Dawn")
    old = ArticleFactory(outlet=dawn, published=dt.date(2022, 2, 24))
    mine = ClaimFactory(article=old, claimant=khan, checkworthiness=0.9)
    services.assign(claim_id=mine.pk, actor=editor, assignee=editor)
    theirs = ClaimFactory(
        checkworthiness=0.2, article=ArticleFactory(published=dt.date(2023, 5, 1))
    )
    services.assign(claim_id=theirs.pk, actor=editor, assignee=reviewer)
    loose = ClaimFactory(checkworthiness=0.5)
    rated = ClaimFactory(status=Status.PUBLISHED)
    approve(rated, RatingFactory(label="Half true", slug="half-true", value=3), editor)
    conflicted = ClaimFactory()
    other = ClaimFactory()
    low, high = sorted([conflicted.pk, other.pk])
    SimilarClaim.objects.create(from_claim_id=low, to_claim_id=high, score=0.9, conflicting=True)

    def ids(query):
        response = desk.get("/desk/claims/?" + query)
        assert response.status_code == 200, query
        return set(claim_ids(response))

    assert ids("assignee=me") == {mine.pk}
    assert ids("assignee=rita") == {theirs.pk}
    assert ids("assignee=RITA") == {theirs.pk}
    assert ids("assignee=nobody") == {loose.pk, rated.pk, conflicted.pk, other.pk}
    assert ids("status=in_review") == {mine.pk, theirs.pk}
    assert ids("status=in_review&status=published") == {mine.pk, theirs.pk, rated.pk}
    assert ids(f"outlet={dawn.pk}") == {mine.pk}
    assert ids("claimant=imran") == {mine.pk}
    assert ids("date_from=2022-01-01&date_to=2022-12-31") == {mine.pk}
    assert ids("date_from=2023-01-01") == {theirs.pk}
    assert ids("rating=half-true") == {rated.pk}
    assert ids("worth=85") == {mine.pk}
    assert ids("conflicting=on") == {conflicted.pk, other.pk}
    assert ids("status=in_review&assignee=me&worth=50") == {mine.pk}

    by_worth = claim_ids(desk.get("/desk/claims/?sort=-worth&worth=10"))
    assert by_worth[:3] == [mine.pk, loose.pk, theirs.pk] or by_worth.index(
        mine.pk
    ) < by_worth.index(theirs.pk)
    by_date = claim_ids(desk.get("/desk/claims/?sort=-date&date_from=2000-01-01"))
    assert by_date == [theirs.pk, mine.pk]
    assert claim_ids(desk.get("/desk/claims/?sort=date&date_from=2000-01-01")) == [
        mine.pk,
        theirs.pk,
    ]

    # The pager's links keep the filters: page 2 of a filtered list is still filtered.
    many_claims(30, prefix="Paged")
    page = desk.get("/desk/claims/?q=Paged&status=new&sort=-worth")
    assert "<strong>30</strong> claims" in page.text
    assert 'href="?q=Paged&amp;status=new&amp;sort=-worth&amp;page=2"' in page.text


def test_search_takes_several_words_and_a_claim_number(desk):
    wanted = ClaimFactory(
        article=ArticleFactory(
            title="Khan in Moscow",
            body="Intro. The first visit by a prime minister to Moscow in 20 years. End.",
        ),
        text="The first visit by a prime minister to Moscow in 20 years.",
    )
    other = ClaimFactory()
    assert claim_ids(desk.get("/desk/claims/?q=Moscow 20 years")) == [wanted.pk]
    assert claim_ids(desk.get("/desk/claims/?q=Khan Moscow")) == [wanted.pk]
    assert claim_ids(desk.get(f"/desk/claims/?q=%23{other.pk}")) == [other.pk]


def test_a_bad_url_is_answered_with_the_rest_of_the_filters_and_a_message(desk):
    many_claims(5)
    response = desk.get(
        "/desk/claims/?page=abc&size=7&date_from=yesterday&worth=500&assignee=ghost"
        "&status=bogus&sort=sideways&rating=nope&outlet=999999"
    )
    assert response.status_code == 200
    assert len(claim_ids(response)) == 5
    text = response.text
    for label in (
        "Article date from",
        "Check-worthiness",
        "Assignee",
        "Status",
        "Sort",
        "Per page",
    ):
        assert label in text
    assert "nobody on the desk is called “ghost”" in text
    assert "(ignored)" in text


def test_lists_are_for_the_desk_only(client, outsider):
    assert client.get("/desk/claims/").status_code == 302
    assert client.get("/desk/articles/").status_code == 302
    client.force_login(outsider)
    assert client.get("/desk/claims/").status_code == 403
    assert client.get("/desk/articles/").status_code == 403


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _varied_claims(n: int, editor, reviewer) -> None:
    """Rows with everything a row shows: claimants, assignees, outlets, ratings."""
    rating = RatingFactory()
    for i, claim in enumerate(many_claims(n, prefix="Varied")):
        claim.claimant = ClaimantFactory(name=f"Speaker {i % 7}")
        claim.assignee = (editor, reviewer, None)[i % 3]
        claim.save(update_fields=["claimant", "assignee"])
        if i % 4 == 0:
            Claim.objects.filter(pk=claim.pk).update(status=Status.PUBLISHED)
            approve(claim, rating, editor)


# Session and user (2), the user's permissions (1), the count and the page (2), the page's
# approved verdicts (1), the assignee names and the bulk form's assignees (2), the outlet
# and rating choices (2), the header's unread notifications (1); a rating in the url is
# looked up once more when the form reads it. (None of these claims is in review, so the
# "sent back" of in-review rows costs nothing here.)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 11),
        ("?status=published&status=new&sort=-worth&claimant=Speaker", 11),
        ("?q=Varied&assignee=nobody&rating=false&worth=10", 12),
    ],
)
def test_the_claim_list_query_count_is_the_same_at_25_and_100_a_page(
    desk, editor, reviewer, query, expected
):
    _varied_claims(120, editor, reviewer)
    # On PostgreSQL a search asks the planner how many articles its words match (kept, and
    # read here first), and for rare words reads the matching claims' ids.
    searched = search_queries("Varied") if "q=" in query else 0
    join = "&" if query else "?"
    small = _count(desk, f"/desk/claims/{query}{join}size=25")
    large = _count(desk, f"/desk/claims/{query}{join}size=100")
    assert small == large == expected + searched
    # The rows are there to cost something: the filtered pages are not empty.
    assert len(claim_ids(desk.get(f"/desk/claims/{query}{join}size=100"))) >= 5


# Session and user (2), the user's permissions (1), the count and the page (2), the
# outlet choices (1), the header's unread notifications (1).
ARTICLE_LIST_QUERIES = 7


def test_the_article_list_is_paged_searchable_and_its_query_count_pinned(desk):
    dawn = OutletFactory(name="Dawn")
    for i in range(130):
        ArticleFactory(
            title=f"Story {i} {'Lahore' if i % 2 else 'Karachi'}",
            outlet=dawn if i % 5 == 0 else None,
            published=dt.date(2022, 1, 1) + dt.timedelta(days=i),
        )
    first = desk.get("/desk/articles/")
    assert "<strong>130</strong> articles" in first.text and "showing 1–25" in first.text
    # Newest first.
    assert first.text.index("Story 129 ") < first.text.index("Story 128 ")
    assert "<strong>65</strong> articles" in desk.get("/desk/articles/?q=Lahore").text
    assert "<strong>26</strong> articles" in desk.get(f"/desk/articles/?outlet={dawn.pk}").text
    assert (
        "<strong>10</strong> articles"
        in desk.get("/desk/articles/?date_from=2022-01-01&date_to=2022-01-10").text
    )
    assert _count(desk, "/desk/articles/?size=25") == ARTICLE_LIST_QUERIES
    assert _count(desk, "/desk/articles/?size=100&q=Story") == ARTICLE_LIST_QUERIES
