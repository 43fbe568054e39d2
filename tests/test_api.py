"""The REST API: who may read and write what, the one error format, filters, search,
pagination, conditional requests, authentication, and query counts that do not grow
with the page."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle

from claims import services as services_claims
from claims.models import Claim, Claimant, SimilarClaim
from reviews import services
from reviews.api.serializers import ClaimSerializer
from reviews.api.views import claim_list_queryset
from reviews.models import ExternalFactCheck, ExternalMatch, Transition, Verdict
from tests.conftest import client_for
from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    RatingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECOND = "Officials met on February 24 in Moscow."


def publish(claim: Claim, *, reviewer, editor, rating) -> Claim:
    """Take a claim through the workflow services to published."""
    services.take(claim_id=claim.pk, actor=reviewer)
    EvidenceFactory(claim=claim, added_by=reviewer)
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary="Wrong.", rationale="Count."
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    return services.publish(claim_id=claim.pk, actor=editor)


@pytest.fixture
def world(reviewer, editor, outsider):
    """A published claim, a new one, one in review with the reviewer, and a similarity link."""
    rating = RatingFactory()
    article = ArticleFactory()
    published = ClaimFactory(article=article)
    fresh = ClaimFactory(article=article, text=SECOND)
    working = ClaimFactory()
    services.take(claim_id=working.pk, actor=reviewer)
    evidence = EvidenceFactory(claim=working, added_by=reviewer)
    publish(published, reviewer=reviewer, editor=editor, rating=rating)
    other = ClaimFactory()
    link = SimilarClaim.objects.create(from_claim=published, to_claim=other, score=0.9)
    return {
        "article": article.pk,
        "published": published.pk,
        "new": fresh.pk,
        "working": working.pk,
        "evidence": evidence.pk,
        "link": link.pk,
        "other": other.pk,
        "rating": rating,
    }


# -- every endpoint x anonymous / outsider / reviewer / editor ---------------------------

ROLES = ["anonymous", "outsider", "reviewer", "editor"]
ARTICLE = {"url": "https://news.example/posted", "title": "Posted", "text": "A posted text."}
EVIDENCE = {"url": "https://records.example/x", "title": "A record"}
VERDICT = {"rating": "false", "summary": "Wrong.", "rationale": "Count them."}

# name: (method, path, body, expected status for anonymous, outsider, reviewer, editor)
MATRIX = {
    "list articles": ("get", "/api/v1/articles/", None, (401, 403, 200, 200)),
    "read article": ("get", "/api/v1/articles/{article}/", None, (401, 403, 200, 200)),
    "post article": ("post", "/api/v1/articles/", ARTICLE, (401, 403, 403, 201)),
    "list claims": ("get", "/api/v1/claims/", None, (200, 200, 200, 200)),
    "read published claim": ("get", "/api/v1/claims/{published}/", None, (200, 200, 200, 200)),
    "read new claim": ("get", "/api/v1/claims/{new}/", None, (404, 404, 200, 200)),
    "submit claim": (
        "post",
        "/api/v1/claims/",
        {"text": "Crime doubled.", "source_url": "https://social.example/p/1"},
        # Reviewers add claims too (reviews 0010): passages the extractor missed.
        (401, 403, 201, 201),
    ),
    "edit new claim": (
        "patch",
        "/api/v1/claims/{new}/",
        {"claim_date": "2026-02-24"},
        (401, 403, 403, 200),
    ),
    "edit claim in review": (
        "patch",
        "/api/v1/claims/{working}/",
        {"claimant": {"name": "The minister"}},
        (401, 403, 200, 200),
    ),
    "list evidence": ("get", "/api/v1/claims/{working}/evidence/", None, (401, 403, 200, 200)),
    "list evidence of published": (
        "get",
        "/api/v1/claims/{published}/evidence/",
        None,
        (401, 403, 200, 200),
    ),
    "add evidence to new claim": (
        "post",
        "/api/v1/claims/{new}/evidence/",
        EVIDENCE,
        (401, 403, 403, 201),
    ),
    "add evidence to claim in review": (
        "post",
        "/api/v1/claims/{working}/evidence/",
        EVIDENCE,
        (401, 403, 201, 201),
    ),
    "read evidence": (
        "get",
        "/api/v1/claims/{working}/evidence/{evidence}/",
        None,
        (401, 403, 200, 200),
    ),
    "edit evidence": (
        "patch",
        "/api/v1/claims/{working}/evidence/{evidence}/",
        {"stance": "refutes"},
        (401, 403, 200, 200),
    ),
    "remove evidence": (
        "delete",
        "/api/v1/claims/{working}/evidence/{evidence}/",
        None,
        (401, 403, 204, 204),
    ),
    "list verdicts of published": (
        "get",
        "/api/v1/claims/{published}/verdicts/",
        None,
        (200, 200, 200, 200),
    ),
    "list verdicts of new": ("get", "/api/v1/claims/{new}/verdicts/", None, (404, 404, 200, 200)),
    "draft verdict": (
        "post",
        "/api/v1/claims/{working}/verdicts/",
        VERDICT,
        (401, 403, 201, 201),
    ),
    "history": ("get", "/api/v1/claims/{published}/transitions/", None, (401, 403, 200, 200)),
    "take": (
        "post",
        "/api/v1/claims/{new}/transitions/",
        {"action": "take"},
        (401, 403, 200, 200),
    ),
    "reopen": (
        "post",
        "/api/v1/claims/{published}/transitions/",
        {"action": "reopen", "comment": "New figures."},
        (401, 403, 403, 200),
    ),
    "similar": ("get", "/api/v1/claims/{published}/similar/", None, (401, 403, 200, 200)),
    "decide similar": (
        "post",
        "/api/v1/claims/{published}/similar/",
        {"link": "{link}", "decision": "confirmed"},
        (401, 403, 403, 200),
    ),
    "claimreview of published": (
        "get",
        "/api/v1/claims/{published}/claimreview/",
        None,
        (200, 200, 200, 200),
    ),
    "claimreview of new": (
        "get",
        "/api/v1/claims/{new}/claimreview/",
        None,
        (404, 404, 404, 404),
    ),
    "claimreview feed": ("get", "/api/v1/claimreview/", None, (200, 200, 200, 200)),
    "queue": ("get", "/api/v1/queue/", None, (401, 403, 200, 200)),
    "ratings": ("get", "/api/v1/ratings/", None, (401, 403, 200, 200)),
    "schema": ("get", "/api/v1/schema/", None, (200, 200, 200, 200)),
    "docs": ("get", "/api/v1/docs/", None, (200, 200, 200, 200)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(MATRIX))
def test_each_endpoint_answers_each_kind_of_user_as_documented(case, role, world, request):
    method, path, body, expected = MATRIX[case]
    user = None if role == "anonymous" else request.getfixturevalue(role)
    if isinstance(body, dict):
        body = {k: v.format(**world) if isinstance(v, str) else v for k, v in body.items()}
        if "link" in body:
            body["link"] = int(body["link"])
    response = getattr(client_for(user), method)(path.format(**world), body, format="json")
    want = expected[ROLES.index(role)]
    assert response.status_code == want, (response.status_code, getattr(response, "data", ""))
    if want >= 400:
        error = response.json()["error"]
        assert error["code"] and error["message"]
        assert isinstance(error["fields"], dict)


def test_anonymous_and_outsiders_list_and_search_only_published_claims(world, outsider, reviewer):
    for client in (client_for(), client_for(outsider)):
        ids = [c["id"] for c in client.get("/api/v1/claims/").json()["results"]]
        assert ids == [world["published"]]
        found = client.get("/api/v1/claims/", {"search": "Moscow"}).json()["results"]
        # The article mentions Moscow; only its published claim is shown, not the new one.
        assert [c["id"] for c in found] == [world["published"]]
        assert client.get("/api/v1/claims/", {"status": "new"}).json()["results"] == []
        assert client.get("/api/v1/claims/{working}/verdicts/".format(**world)).status_code == 404
        published = client.get("/api/v1/claims/{published}/".format(**world)).json()
        assert published["assignee"] is None  # who reviewed is the desk's business
        assert published["actions"] == []
    desk = client_for(reviewer).get("/api/v1/claims/", {"search": "Moscow"}).json()["results"]
    assert world["new"] in {c["id"] for c in desk}


def test_public_verdict_list_hides_drafts_the_desk_sees_them(world, reviewer, editor):
    services.reopen(claim_id=world["published"], actor=editor, reason="Recount.")
    services.save_verdict_draft(
        claim_id=world["published"],
        actor=reviewer,
        rating=world["rating"],
        summary="Draft.",
        rationale="Draft.",
    )
    path = "/api/v1/claims/{published}/verdicts/".format(**world)
    # Reopened, the published verdict stays public (marked under review); the draft of
    # its correction is the desk's.
    public = client_for().get(path)
    assert public.status_code == 200
    assert [v["state"] for v in public.json()["results"]] == ["approved"]
    desk = client_for(editor).get(path).json()["results"]
    assert [v["state"] for v in desk] == ["approved", "draft"]


# -- filters, search, ordering, pagination ------------------------------------------------


def test_claim_filters_narrow_the_list(world, editor, reviewer):
    client = client_for(editor)
    published = Claim.objects.get(pk=world["published"])

    def ids(**params):
        response = client.get("/api/v1/claims/", params)
        assert response.status_code == 200, response.json()
        return {c["id"] for c in response.json()["results"]}

    assert ids(status="published") == {world["published"]}
    assert ids(status=["new", "in_review"]) == {world["new"], world["working"], world["other"]}
    assert ids(article=world["article"]) == {world["published"], world["new"]}
    assert ids(outlet=published.article.outlet_id) == {world["published"], world["new"]}
    assert ids(claimant=published.claimant_id) == {world["published"]}
    assert ids(assignee=reviewer.pk) == {world["published"], world["working"]}
    assert ids(rating="false") == {world["published"]}
    today = timezone.localdate().isoformat()
    assert world["new"] in ids(created_after=today, created_before=today)
    assert ids(created_before="2000-01-01") == set()
    Claim.objects.filter(pk=world["new"]).update(claim_date="2026-02-24")
    assert ids(claim_date_after="2026-02-01", claim_date_before="2026-02-28") == {world["new"]}


def test_created_filters_take_whole_days_in_the_current_time_zone(editor, settings):
    settings.TIME_ZONE = "Asia/Karachi"  # UTC+5: a day here starts at 19:00 UTC the day before
    timezone.deactivate()
    late, early = ClaimFactory(), ClaimFactory()
    tz = timezone.get_current_timezone()
    Claim.objects.filter(pk=late.pk).update(
        created_at=timezone.make_aware(datetime(2026, 2, 24, 23, 59, 59, 999999), tz)
    )
    Claim.objects.filter(pk=early.pk).update(
        created_at=timezone.make_aware(datetime(2026, 2, 25, 0, 0), tz)
    )
    client = client_for(editor)

    def ids(**params):
        response = client.get("/api/v1/claims/", params)
        assert response.status_code == 200, response.json()
        return {c["id"] for c in response.json()["results"]}

    assert ids(created_before="2026-02-24") == {late.pk}
    assert ids(created_after="2026-02-25") == {early.pk}
    assert ids(created_after="2026-02-24", created_before="2026-02-24") == {late.pk}
    # The last day there is: no day after it to stop before, and no 500.
    assert ids(created_before="9999-12-31") == {late.pk, early.pk}


def test_created_before_finds_every_match_whatever_the_order_of_their_ids(editor):
    # On PostgreSQL the default order walks down from the newest id created in the range
    # (claims.api.filters); ids need not go with creation time: the newest claim here was
    # created first.
    claims = ClaimFactory.create_batch(40)
    start = timezone.make_aware(datetime(2025, 1, 1))
    old = [*claims[:8], claims[-1]]
    for day, claim in enumerate(claims):
        when = start + timedelta(days=10 + day if claim not in old else old.index(claim))
        Claim.objects.filter(pk=claim.pk).update(created_at=when)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")  # the planner's estimate picks the shape
    client = client_for(editor)
    for params, expected in (
        ({"created_before": "2025-01-09"}, old),
        ({"created_after": "2025-01-03", "created_before": "2025-01-09"}, old[2:]),
    ):
        found, url = [], "/api/v1/claims/"
        query = {**params, "page_size": 4}
        while url:
            page = client.get(url, query).json()
            found += [row["id"] for row in page["results"]]
            url, query = page["next"], None
        assert found == sorted((c.pk for c in expected), reverse=True), params


def test_claim_date_before_finds_every_match_whatever_the_order_of_their_ids(editor):
    # As created_before: the default order walks down from the newest id dated in the
    # range, and a claim's date need not follow its id.
    claims = ClaimFactory.create_batch(40)
    old = [*claims[:8], claims[-1]]
    for day, claim in enumerate(claims):
        offset = 10 + day if claim not in old else old.index(claim)
        Claim.objects.filter(pk=claim.pk).update(claim_date=date(2025, 1, 1) + timedelta(offset))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")  # the planner's estimate picks the shape
    client = client_for(editor)
    for params, expected in (
        ({"claim_date_before": "2025-01-09"}, old),
        ({"claim_date_after": "2025-01-03", "claim_date_before": "2025-01-09"}, old[2:]),
        ({"claim_date_before": "2024-12-31"}, []),
        ({"claim_date_before": "2025-01-09", "ordering": "-created_at"}, old),
    ):
        found, url = [], "/api/v1/claims/"
        query = {**params, "page_size": 4}
        while url:
            page = client.get(url, query).json()
            found += [row["id"] for row in page["results"]]
            url, query = page["next"], None
        assert sorted(found, reverse=True) == sorted((c.pk for c in expected), reverse=True)
        assert len(found) == len(expected), params


def test_the_status_filter_reads_a_page_without_distinct(world, editor):
    # DISTINCT makes PostgreSQL read and sort every claim of the status before it can
    # return a page (660 ms at 1,000,000 claims); one status per claim needs none.
    with CaptureQueriesContext(connection) as queries:
        response = client_for(editor).get("/api/v1/claims/", {"status": ["new", "in_review"]})
    assert response.status_code == 200
    claim_queries = [q["sql"] for q in queries if 'FROM "claims_claim"' in q["sql"]]
    assert claim_queries
    assert not any("DISTINCT" in sql for sql in claim_queries)


def test_bad_filter_values_are_refused_in_the_error_format(world, editor):
    response = client_for(editor).get("/api/v1/claims/", {"status": "nonsense", "article": "x"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"status", "article"}


def test_search_finds_claims_by_their_words_and_by_their_articles_title(editor):
    article = ArticleFactory(title="Budget hearing in parliament")
    budget = ClaimFactory(article=article)
    other = ClaimFactory(
        article=ArticleFactory(body="Opening. Unemployment fell to 4 percent last year."),
        text="Unemployment fell to 4 percent last year.",
    )
    client = client_for(editor)

    def search(words):
        return [c["id"] for c in client.get("/api/v1/claims/", {"search": words}).json()["results"]]

    assert search("unemployment") == [other.pk]
    assert search("parliament") == [budget.pk]  # only the article's title says it
    assert search("abstained") == [budget.pk]  # the claim's own words
    assert search("zeppelin") == []
    articles = client.get("/api/v1/articles/", {"search": "parliament"}).json()["results"]
    assert [a["id"] for a in articles] == [article.pk]


def test_search_matches_word_forms_on_postgresql_and_substrings_on_sqlite(editor):
    """Each backend's search, as the API docs describe it: PostgreSQL's stored, stemmed
    vectors ("abstaining" finds "abstained"); SQLite's case-insensitive substring."""
    ArticleFactory(title="Budget hearing")
    claim = ClaimFactory()
    client = client_for(editor)

    def claims(words):
        found = client.get("/api/v1/claims/", {"search": words}).json()["results"]
        return [c["id"] for c in found]

    def article_titles(words):
        found = client.get("/api/v1/articles/", {"search": words}).json()["results"]
        return [a["title"] for a in found]

    if settings.USING_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector::text FROM claims_claim WHERE id = %s", [claim.pk])
            assert "'abstain'" in cursor.fetchone()[0]
        assert claim.pk in claims("abstaining countries")
        assert article_titles("hearings") == ["Budget hearing"]
    else:
        assert claim.pk in claims("ABSTAIN")
        assert claim.pk not in claims("abstaining countries")
        assert article_titles("hearing") == ["Budget hearing"]
        assert article_titles("hearings") == []


def test_cursor_pages_walk_every_claim_once_in_order(editor):
    article = ArticleFactory(body="x" * 200)
    made = [
        Claim.objects.create(article=article, text="x", span_start=i, span_end=i + 1)
        for i in range(7)
    ]
    client = client_for(editor)
    seen, url = [], "/api/v1/claims/?page_size=3"
    while url:
        page = client.get(url).json()
        seen += [c["id"] for c in page["results"]]
        url = page["next"]
    assert seen == sorted((c.pk for c in made), reverse=True)
    oldest_first = client.get("/api/v1/claims/", {"ordering": "created_at", "page_size": 2}).json()
    assert [c["id"] for c in oldest_first["results"]] == [made[0].pk, made[1].pk]


def test_page_size_is_capped_at_100_and_a_forged_cursor_is_a_404(editor):
    article = ArticleFactory(body="y" * 300)
    Claim.objects.bulk_create(
        Claim(article=article, text="y", span_start=i, span_end=i + 1) for i in range(105)
    )
    client = client_for(editor)
    assert len(client.get("/api/v1/claims/?page_size=500").json()["results"]) == 100
    assert len(client.get("/api/v1/claims/").json()["results"]) == 25
    for cursor in ("nonsense", "cD1hYmM="):  # the second decodes to a position "abc"
        response = client.get("/api/v1/claims/", {"cursor": cursor})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


# -- query counts do not grow with the page -----------------------------------------------


def _bulk_world(reviewer, editor):
    """At least 100 rows behind every list endpoint."""
    rating = RatingFactory()
    for n in range(101):
        RatingFactory(
            label=f"Rating {n}", slug=f"rating-{n}", value=None, best_value=None, worst_value=None
        )
    outlet = OutletFactory()
    body = "z" * 400
    article = ArticleFactory(body=body, outlet=outlet)
    claims = Claim.objects.bulk_create(
        Claim(
            article=article,
            text="z",
            span_start=i,
            span_end=i + 1,
            claimant=ClaimantFactory(),
            status=Claim.Status.PUBLISHED,
            is_public=True,
            assignee=reviewer,
        )
        for i in range(101)
    )
    now = timezone.now()
    Verdict.objects.bulk_create(
        Verdict(
            claim=claim,
            rating=rating,
            summary="s",
            rationale="r",
            author=reviewer,
            proposed_by=reviewer,
            approver=editor,
            approved_at=now,
            state=Verdict.State.APPROVED,
        )
        for claim in claims
    )
    # A queue's worth: proposed by the reviewer, awaiting an editor.
    queue_article = ArticleFactory(body="q" * 400)
    queued = Claim.objects.bulk_create(
        Claim(
            article=queue_article,
            text="q",
            span_start=i,
            span_end=i + 1,
            status=Claim.Status.PROPOSED,
            assignee=reviewer,
        )
        for i in range(101)
    )
    Verdict.objects.bulk_create(
        Verdict(
            claim=claim,
            rating=rating,
            summary="s",
            rationale="r",
            author=reviewer,
            proposed_by=reviewer,
            state=Verdict.State.PROPOSED,
        )
        for claim in queued
    )
    first = claims[0]
    # A claim with a long past: superseded verdicts, evidence, transitions and links.
    Verdict.objects.bulk_create(
        Verdict(
            claim=first,
            rating=rating,
            summary="old",
            rationale="r",
            author=reviewer,
            proposed_by=reviewer,
            approver=editor,
            approved_at=now,
            state=Verdict.State.SUPERSEDED,
        )
        for _ in range(100)
    )
    for _ in range(101):
        EvidenceFactory(claim=first, added_by=reviewer)
    Transition.objects.bulk_create(
        Transition(
            claim=first,
            action="take",
            from_status="new",
            to_status="in_review",
            actor=reviewer,
            assignee=reviewer,
        )
        for _ in range(101)
    )
    SimilarClaim.objects.bulk_create(
        SimilarClaim(from_claim=first, to_claim=other, score=0.5, decided_by=editor)
        for other in claims[1:]
    )
    for _ in range(101):
        ArticleFactory(outlet=outlet)
    return first


LISTS = [
    "/api/v1/claims/",
    "/api/v1/articles/",
    "/api/v1/claims/{first}/evidence/",
    "/api/v1/claims/{first}/verdicts/",
    "/api/v1/claims/{first}/transitions/",
    "/api/v1/claims/{first}/similar/",
    "/api/v1/claimreview/",
    "/api/v1/queue/",
    "/api/v1/ratings/",
]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("role", ["anonymous", "reviewer", "editor"])
def test_list_query_count_does_not_grow_with_page_size(path, role, reviewer, editor, request):
    first = _bulk_world(reviewer, editor)
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = client_for(user)
    url = path.format(first=first.pk)
    client.get(url, {"page_size": 1})  # warm the permission cache of the signed-in user
    counts = {}
    for size in (1, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page_size": size})
        if response.status_code != 200:
            assert role == "anonymous"  # desk-only lists refuse the public
            return
        body = response.json()
        rows = len(body["results"] if "results" in body else body["dataFeedElement"])
        assert rows == size or (size == 100 and rows >= 99), (url, rows)
        counts[size] = len(queries)
    assert counts[1] == counts[100], (url, counts)


# -- conditional requests -----------------------------------------------------------------


def test_claim_reads_carry_an_etag_and_stale_if_match_gets_412(world, editor):
    client = client_for(editor)
    path = "/api/v1/claims/{new}/".format(**world)
    first = client.get(path)
    etag = first["ETag"]
    assert etag == f'"claim-{world["new"]}-v{first.json()["version"]}"'

    edited = client.patch(path, {"claim_date": "2026-02-24"}, format="json", HTTP_IF_MATCH=etag)
    assert edited.status_code == 200
    assert edited["ETag"] != etag
    version = edited.json()["version"]

    stale = client.patch(path, {"claim_date": "2026-02-25"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "stale_version"
    assert stale.json()["error"]["current_version"] == version

    step = client.post(
        f"{path}transitions/",
        {"action": "take"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert step.status_code == 412
    assert step.json()["error"]["current_version"] == version
    assert Claim.objects.get(pk=world["new"]).status == "new"

    garbage = client.patch(path, {}, format="json", HTTP_IF_MATCH='"something-else"')
    assert garbage.status_code == 412
    assert garbage.json()["error"]["current_version"] == version

    not_modified = client.get(path, HTTP_IF_NONE_MATCH=edited["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 200

    fresh = client.post(
        f"{path}transitions/", {"action": "take"}, format="json", HTTP_IF_MATCH=edited["ETag"]
    )
    assert fresh.status_code == 200
    assert fresh["ETag"] == f'"claim-{world["new"]}-v{fresh.json()["version"]}"'


# -- the error format for every status ----------------------------------------------------


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def test_every_error_status_uses_the_one_format(world, editor, reviewer, monkeypatch):
    anon, desk = client_for(), client_for(editor)
    # 400: a field problem names the field
    error = assert_error(
        desk.post("/api/v1/claims/{new}/transitions/".format(**world), {}, format="json"),
        400,
        "invalid",
    )
    assert "action" in error["fields"]
    assert_error(
        desk.post(
            "/api/v1/claims/",
            data=b"{not json",
            content_type="application/json",
        ),
        400,
        "parse_error",
    )
    # 401 and 403
    response = anon.post("/api/v1/articles/", ARTICLE, format="json")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    assert_error(
        client_for(reviewer).post("/api/v1/articles/", ARTICLE, format="json"),
        403,
        "permission_denied",
    )
    # 404: a missing object and an unknown path
    assert_error(desk.get("/api/v1/claims/999999/"), 404, "not_found")
    assert_error(desk.get("/api/v1/nothing-here/"), 404, "not_found")
    error = assert_error(desk.get("/api/v1/claims"), 404, "not_found")
    assert "/api/v1/claims/ (with the trailing slash)" in error["message"]
    # 405, 406, 415
    assert_error(
        desk.put("/api/v1/claims/{new}/".format(**world), {}, format="json"),
        405,
        "method_not_allowed",
    )
    assert_error(desk.get("/api/v1/claims/", HTTP_ACCEPT="text/html"), 406, "not_acceptable")
    assert_error(desk.post("/api/v1/articles/", ARTICLE), 415, "unsupported_media_type")
    # 409: the workflow refuses (the claim is already in review with someone else)
    error = assert_error(
        client_for(reviewer).post(
            "/api/v1/claims/{published}/transitions/".format(**world),
            {"action": "take"},
            format="json",
        ),
        409,
        "conflict",
    )
    assert "published" in error["message"]
    # 409 too when the claim's own state is what is missing: no evidence before propose
    services.take(claim_id=world["new"], actor=reviewer)
    error = assert_error(
        client_for(reviewer).post(
            "/api/v1/claims/{new}/transitions/".format(**world),
            {"action": "propose"},
            format="json",
        ),
        409,
        "invalid",
    )
    assert "verdict" in error["fields"]
    # 412 is covered above; 429 with Retry-After:
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "2/min"})
    cache.clear()
    for _ in range(2):
        assert anon.get("/api/v1/claims/").status_code == 200
    throttled = anon.get("/api/v1/claims/")
    assert_error(throttled, 429, "throttled")
    assert int(throttled["Retry-After"]) > 0


def test_claims_errors_from_the_claim_services_are_400(world, editor):
    response = client_for(editor).post(
        "/api/v1/claims/", {"text": "Crime doubled.", "source_url": "not a url"}, format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert "url" in error["fields"]
    span = client_for(editor).post(
        "/api/v1/claims/",
        {"article": world["article"], "span_start": 0, "span_end": 100000},
        format="json",
    )
    assert "span" in assert_error(span, 400, "invalid")["fields"]


# -- authentication -----------------------------------------------------------------------


def test_session_writes_need_the_csrf_token(world, editor):
    client = APIClient(enforce_csrf_checks=True)
    # django-axes counts log ins by address, so it needs the request Django's test login
    # does not pass by itself.
    assert client.login(
        request=HttpRequest(), username=editor.username, password="correct horse battery staple"
    )
    path = "/api/v1/claims/{new}/transitions/".format(**world)
    refused = client.post(path, {"action": "take"}, format="json")
    error = assert_error(refused, 403, "permission_denied")
    assert "CSRF" in error["message"]
    assert client.get("/api/v1/claims/{new}/".format(**world)).status_code == 200  # reads pass
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    accepted = client.post(path, {"action": "take"}, format="json", HTTP_X_CSRFTOKEN=secret)
    assert accepted.status_code == 200, accepted.json()


def test_api_token_command_issues_rotates_and_revokes(world, reviewer, capsys):
    call_command("api_token", reviewer.username)
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=reviewer).key == key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/queue/").status_code == 200

    call_command("api_token", reviewer.username)
    assert capsys.readouterr().out.strip() == key  # asking again prints the same token

    call_command("api_token", reviewer.username, "--rotate")
    rotated = capsys.readouterr().out.strip()
    assert rotated != key
    assert_error(client.get("/api/v1/queue/"), 401, "authentication_failed")

    call_command("api_token", reviewer.username, "--revoke")
    assert "Revoked" in capsys.readouterr().out
    client.credentials(HTTP_AUTHORIZATION=f"Token {rotated}")
    assert client.get("/api/v1/queue/").status_code == 401
    assert not Token.objects.filter(user=reviewer).exists()

    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("api_token", "nobody")


def test_a_token_reads_its_users_permissions_in_the_same_query(world, reviewer, outsider):
    from django.contrib.auth.models import Permission

    from factcheck.auth_backend import ModelBackend, TokenAuthentication

    # Permissions of the group and the user's own, and one held both ways.
    own = Permission.objects.get(codename="add_outlet")
    both = Permission.objects.get(codename="take_claim")
    reviewer.user_permissions.add(own, both)
    key = Token.objects.create(user=reviewer).key
    with CaptureQueriesContext(connection) as queries:
        user, _ = TokenAuthentication().authenticate_credentials(key)
        perms = user.get_all_permissions()
        assert user.has_perm("claims.view_claim") and user.has_perm("claims.add_outlet")
        assert not user.has_perm("claims.delete_claim")
    assert len(queries) == 1
    fresh = get_user_model().objects.get(pk=reviewer.pk)
    assert perms == ModelBackend().get_all_permissions(fresh)
    assert {"claims.add_outlet", "reviews.take_claim", "claims.view_claim"} <= perms

    # What the user may do is read again on every request, not kept from the last.
    reviewer.user_permissions.remove(own)
    user, _ = TokenAuthentication().authenticate_credentials(key)
    assert not user.has_perm("claims.add_outlet") and user.has_perm("reviews.take_claim")

    # None at all; and a superuser, whose permissions the backend reads (all of them).
    user, _ = TokenAuthentication().authenticate_credentials(Token.objects.create(user=outsider))
    assert user.get_all_permissions() == set()
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw-Admin-123")
    user, _ = TokenAuthentication().authenticate_credentials(Token.objects.create(user=root).key)
    assert user.has_perm("claims.delete_claim")

    # Over HTTP: the claim list asks nothing of the permissions beside the token's query.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/claims/").status_code == 200
    assert [q["sql"] for q in queries if "auth_permission" in q["sql"]] == [queries[0]["sql"]]
    assert "authtoken_token" in queries[0]["sql"]

    reviewer.is_active = False
    reviewer.save()
    assert_error(client.get("/api/v1/claims/"), 401, "authentication_failed")


def test_admin_issues_and_revokes_tokens(client, reviewer):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-Admin-123")
    client.force_login(admin)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 200
    added = client.post("/admin/authtoken/tokenproxy/add/", {"user": reviewer.pk})
    assert added.status_code == 302
    token = Token.objects.get(user=reviewer)
    deleted = client.post(f"/admin/authtoken/tokenproxy/{reviewer.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not Token.objects.filter(key=token.key).exists()


# -- articles -----------------------------------------------------------------------------


def test_posting_an_article_is_new_then_unchanged_then_a_conflict(editor):
    client = client_for(editor)
    body = {
        "url": "https://News.example/story/",
        "title": "Story",
        "outlet": "The Example",
        "published": "2026-02-24",
        "text": "Opening line. The minister said 35 countries abstained on the vote.",
    }
    first = client.post("/api/v1/articles/", body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["outcome"] == "new"
    article = first.json()["article"]
    assert article["url"] == "https://news.example/story"
    assert article["outlet"]["name"] == "The Example"
    assert first.json()["claims_created"] == len(article["claims"])

    again = client.post("/api/v1/articles/", body, format="json")
    assert again.status_code == 200
    assert again.json()["outcome"] == "unchanged"
    assert again.json()["article"]["id"] == article["id"]

    changed = client.post("/api/v1/articles/", {**body, "text": "Another text."}, format="json")
    assert_error(changed, 409, "conflict")

    detail = client.get(f"/api/v1/articles/{article['id']}/").json()
    assert detail["body"] == body["text"]
    assert [c["id"] for c in detail["claims"]] == [c["id"] for c in article["claims"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "No text"}, "text"),
        ({"text": "Fine.", "published": "24 Feb"}, "published"),
        ({"text": "Fine.", "outlet": "x" * 201}, "outlet"),
        ({"text": "Fine.", "url": "ftp://example.org/x"}, None),
        ({"text": "   "}, "text"),
    ],
)
def test_bad_articles_are_refused_with_a_message(editor, body, field):
    error = assert_error(
        client_for(editor).post("/api/v1/articles/", body, format="json"), 400, "invalid"
    )
    if field:
        assert field in error["fields"]
    else:
        assert "url" in error["message"]


# -- claims, queue, similar ---------------------------------------------------------------


def test_editor_adds_a_claim_by_its_span(world, editor):
    article = ArticleFactory(body="One. Two million jobs were created. Three.")
    response = client_for(editor).post(
        "/api/v1/claims/",
        {"article": article.pk, "span_start": 5, "span_end": 35, "claimant": {"name": "Mayor"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    claim = response.json()
    assert claim["text"] == "Two million jobs were created."
    assert claim["claimant"]["name"] == "Mayor"
    assert claim["origin"] == "manual"
    assert response["ETag"]


def test_queue_lists_my_claims_and_the_proposals_awaiting_me(world, reviewer, editor, other_editor):
    rating = world["rating"]
    proposed = ClaimFactory()
    services.take(claim_id=proposed.pk, actor=reviewer)
    EvidenceFactory(claim=proposed, added_by=reviewer)
    services.save_verdict_draft(
        claim_id=proposed.pk, actor=reviewer, rating=rating, summary="s", rationale="r"
    )
    services.propose(claim_id=proposed.pk, actor=reviewer)
    own = ClaimFactory()
    services.take(claim_id=own.pk, actor=editor)
    EvidenceFactory(claim=own, added_by=editor)
    services.save_verdict_draft(
        claim_id=own.pk, actor=editor, rating=rating, summary="s", rationale="r"
    )
    services.propose(claim_id=own.pk, actor=editor)

    def queue(user):
        return {c["id"] for c in client_for(user).get("/api/v1/queue/").json()["results"]}

    assert queue(reviewer) == {world["working"], proposed.pk}
    assert queue(editor) == {proposed.pk, own.pk}  # own: assigned to the editor
    assert queue(other_editor) == {proposed.pk, own.pk}
    UserFactory(username="idle", role="Reviewer")
    assert queue(get_user_model().objects.get(username="idle")) == set()


def test_similar_links_read_both_ways_without_rejected_ones(world, editor):
    client = client_for(editor)
    rejected_other = ClaimFactory()
    low, high = sorted([world["published"], rejected_other.pk])
    rejected = SimilarClaim.objects.create(
        from_claim_id=low, to_claim_id=high, score=0.7, decision="rejected"
    )
    from_published = client.get("/api/v1/claims/{published}/similar/".format(**world)).json()
    assert [(s["id"], s["claim"]["id"]) for s in from_published["results"]] == [
        (world["link"], world["other"])
    ]
    from_other = client.get("/api/v1/claims/{other}/similar/".format(**world)).json()["results"]
    assert from_other[0]["claim"]["id"] == world["published"]
    assert from_other[0]["score"] == 0.9
    assert from_other[0]["conflicting"] is False

    decided = client.post(
        "/api/v1/claims/{other}/similar/".format(**world),
        {"link": world["link"], "decision": "rejected"},
        format="json",
    )
    assert decided.status_code == 200
    assert decided.json()["decision"] == "rejected"
    assert client.get("/api/v1/claims/{other}/similar/".format(**world)).json()["results"] == []
    not_mine = client.post(
        "/api/v1/claims/{other}/similar/".format(**world),
        {"link": rejected.pk, "decision": "confirmed"},
        format="json",
    )
    assert_error(not_mine, 404, "not_found")


def test_claimreview_is_json_and_json_ld_on_request(world):
    client = client_for()
    path = "/api/v1/claims/{published}/claimreview/".format(**world)
    plain = client.get(path)
    assert plain["Content-Type"] == "application/json"
    assert plain.json()["reviewRating"]["ratingValue"] == 1
    ld = client.get(path, HTTP_ACCEPT="application/ld+json")
    assert ld["Content-Type"] == "application/ld+json"
    assert ld.json()["claimReviewed"] == plain.json()["claimReviewed"]


def test_schema_documents_every_endpoint_and_docs_are_served_locally():
    client = client_for()
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in [
        "/api/v1/articles/",
        "/api/v1/articles/{id}/",
        "/api/v1/claims/",
        "/api/v1/claims/{id}/",
        "/api/v1/claims/{claim_id}/evidence/",
        "/api/v1/claims/{claim_id}/evidence/{id}/",
        "/api/v1/claims/{claim_id}/verdicts/",
        "/api/v1/claims/{claim_id}/transitions/",
        "/api/v1/claims/{claim_id}/similar/",
        "/api/v1/claims/{claim_id}/claimreview/",
        "/api/v1/claimreview/",
        "/api/v1/queue/",
        "/api/v1/ratings/",
    ]:
        assert path in paths
    transition = schema["paths"]["/api/v1/claims/{claim_id}/transitions/"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "412", "415", "429"} <= set(
        transition["responses"]
    )
    assert transition["responses"]["412"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    docs = client.get("/api/v1/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs
    assert "cdn" not in docs.lower()


def test_evidence_of_another_claim_is_not_found_under_this_one(world, editor):
    path = "/api/v1/claims/{published}/evidence/{evidence}/".format(**world)
    assert_error(client_for(editor).get(path), 404, "not_found")


@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_fast_claim_representation_equals_the_declared_fields(world, role, request):
    user = request.getfixturevalue("editor") if role == "editor" else None
    http = APIRequestFactory().get("/api/v1/claims/")
    http.user = user or AnonymousUser()
    submitted = services_claims.create_submitted_claim(
        text="Crime doubled.", source_url="https://social.example/p/1"
    )
    Claim.objects.filter(pk=world["published"]).update(duplicate_of=submitted)
    for claim in claim_list_queryset(http.user).filter(
        pk__in=[world["published"], world["working"], submitted.pk]
    ):
        serializer = ClaimSerializer(context={"request": http})
        generic = serializers.ModelSerializer.to_representation(serializer, claim)
        assert serializer.to_representation(claim) == json.loads(json.dumps(generic))


@pytest.fixture
def every_kind_of_claim(world, reviewer, editor, other_editor):
    """Beside the world's claims: a proposal the editor wrote part of, a reopened claim
    whose verdict stands, a withdrawn one, and one matched to another publisher's check."""
    rating = world["rating"]
    proposed = ClaimFactory()
    services.take(claim_id=proposed.pk, actor=reviewer)
    EvidenceFactory(claim=proposed, added_by=reviewer)
    services.save_verdict_draft(
        claim_id=proposed.pk, actor=reviewer, rating=rating, summary="W.", rationale="C."
    )
    services.save_verdict_draft(
        claim_id=proposed.pk, actor=editor, rating=rating, summary="Wrong.", rationale="C."
    )
    services.propose(claim_id=proposed.pk, actor=reviewer)
    reopened = publish(ClaimFactory(), reviewer=reviewer, editor=other_editor, rating=rating)
    services.reopen(claim_id=reopened.pk, actor=editor, reason="A new figure.")
    withdrawn = publish(ClaimFactory(), reviewer=reviewer, editor=other_editor, rating=rating)
    services.withdraw(claim_id=withdrawn.pk, actor=editor, note="The source was forged.")
    external = ExternalFactCheck.objects.create(
        url="https://checks.example/1",
        publisher="Other Checks",
        claim_text="The same claim.",
        rating_value=1,
        best_rating=5,
        rating=rating,
        source=ExternalFactCheck.Source.FEED,
    )
    ExternalMatch.objects.create(claim_id=world["published"], external=external, score=0.75)
    return [proposed.pk, reopened.pk, withdrawn.pk]


@pytest.mark.parametrize("role", ["anonymous", "reviewer", "editor", "other_editor"])
def test_the_list_writes_each_claim_as_its_own_page_does(every_kind_of_claim, role, request):
    # The list builds its page from rows (reviews.api.rows), a claim's page from the
    # instance: the same bytes for each claim, verdict, withdrawal, matches and actions.
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = client_for(user)
    listed = client.get("/api/v1/claims/", {"page_size": 100}).json()["results"]
    assert len(listed) == (3 if role == "anonymous" else Claim.objects.count())
    for row in listed:
        assert client.get(f"/api/v1/claims/{row['id']}/").json() == row
    kinds = {row["id"]: row for row in listed}
    if role == "editor":
        proposed, reopened, withdrawn = every_kind_of_claim
        assert "publish" not in kinds[proposed]["actions"]  # they wrote part of it
        assert "send_back" in kinds[proposed]["actions"]
        assert "withdraw" in kinds[reopened]["actions"]
        assert "dismiss" not in kinds[reopened]["actions"]
        assert kinds[withdrawn]["withdrawn"]["note"] == "The source was forged."
        assert kinds[reopened]["verdict"]["under_review_since"] is not None
    if role in ("editor", "other_editor"):
        (match,) = [row for row in listed if row["checked_by"]]
        assert match["checked_by"][0]["rating"] == "1/5"


def test_a_refused_edit_leaves_no_new_claimant_behind(world, reviewer):
    before = Claimant.objects.count()
    response = client_for(reviewer).patch(
        "/api/v1/claims/{new}/".format(**world), {"claimant": {"name": "Newcomer"}}, format="json"
    )
    assert_error(response, 403, "permission_denied")
    assert Claimant.objects.count() == before
