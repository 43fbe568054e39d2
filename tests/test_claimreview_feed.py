"""The ClaimReview feed as a JSON-LD reader sees it: a DataFeed walked page by page through
its hydra:next links, every published review with the properties search engines require,
corrections visible; and the public page carries exactly the same single ClaimReview."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import extruct
import pytest
from pyld import jsonld

from claims.models import Claimant
from reviews import services
from reviews.models import Verdict
from tests.conftest import client_for
from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    RatingFactory,
)

pytestmark = pytest.mark.django_db

S = "http://schema.org/"
HYDRA = "http://www.w3.org/ns/hydra/core#"
# The one outside document a schema.org JSON-LD file names: its context. Readers fetch it
# from schema.org; the test may not reach the network, so it stands in with the part that
# matters for these properties (every term in the schema.org vocabulary).
SCHEMA_CONTEXT = {"@context": {"@vocab": S}}


def _loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}
    raise AssertionError(f"the feed made the reader fetch {url}")


def _read(doc: dict) -> list[dict]:
    """The flattened node list a JSON-LD processor makes of a document."""
    return jsonld.flatten(doc, None, {"documentLoader": _loader})


def _values(node: dict, prop: str) -> list:
    return [v.get("@value", v.get("@id")) for v in node.get(S + prop, [])]


def publish(claim, *, reviewer, editor, rating, summary="Wrong."):
    services.take(claim_id=claim.pk, actor=reviewer)
    EvidenceFactory(claim=claim, added_by=reviewer)
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary=summary, rationale="Count."
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    return services.publish(claim_id=claim.pk, actor=editor)


@pytest.fixture
def desk(reviewer, editor, other_editor):
    return build_desk(reviewer, editor, other_editor)


def build_desk(reviewer, editor, other_editor) -> dict:
    """Three published claims (a person's, a statistics office's, one corrected) and one
    in review."""
    false = RatingFactory(label="False", slug="false", value=1, best_value=5, worst_value=1)
    half = RatingFactory(label="Half true", slug="half-true", value=3, best_value=5, worst_value=1)
    misleading = RatingFactory(
        label="Misleading", slug="misleading", value=None, best_value=None, worst_value=None
    )
    person = ClaimantFactory(name="Amina Yusuf", kind=Claimant.Kind.PERSON)
    office = ClaimantFactory(name="Office for National Statistics", kind="organization")
    body = (
        "Budget day. Unemployment fell to 3.1% in March, Amina Yusuf said. "
        "The Office for National Statistics said wages rose 6% in a year. "
        "Rents doubled since 2019, the minister added. Turnout was 40%, a poll found."
    )
    article = ArticleFactory(body=body, published=dt.date(2026, 3, 2))

    def claim(text, claimant, date=None):
        start = body.index(text)
        return ClaimFactory(
            article=article,
            text=text,
            span_start=start,
            span_end=start + len(text),
            claimant=claimant,
            claim_date=date,
        )

    by_person = claim("Unemployment fell to 3.1% in March", person, dt.date(2026, 3, 1))
    by_office = claim("wages rose 6% in a year", office)
    corrected = claim("Rents doubled since 2019", None)
    unpublished = claim("Turnout was 40%", None)
    publish(by_person, reviewer=reviewer, editor=editor, rating=false)
    publish(by_office, reviewer=reviewer, editor=editor, rating=half)
    publish(corrected, reviewer=reviewer, editor=editor, rating=false)
    services.reopen(claim_id=corrected.pk, actor=other_editor, reason="New rent index.")
    services.save_verdict_draft(
        claim_id=corrected.pk,
        actor=reviewer,
        rating=misleading,
        summary="Doubled only in two cities.",
        rationale="The new index.",
    )
    services.propose(claim_id=corrected.pk, actor=reviewer)
    services.publish(claim_id=corrected.pk, actor=editor, correction_note="Index revised.")
    services.take(claim_id=unpublished.pk, actor=reviewer)
    return {
        "person": by_person,
        "office": by_office,
        "corrected": corrected,
        "unpublished": unpublished,
    }


def walk_feed(client, start: str) -> list[list[dict]]:
    """The nodes of each page, following hydra:next until there is none. (Blank node ids
    are the processor's, per document: a page's nodes are resolved within the page.)"""
    pages, url = [], start
    while url:
        response = client.get(url, HTTP_ACCEPT="application/ld+json")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/ld+json"
        page = _read(response.json())
        pages.append(page)
        feeds = [n for n in page if S + "DataFeed" in n.get("@type", [])]
        assert len(feeds) == 1
        views = [n for n in page if HYDRA + "PartialCollectionView" in n.get("@type", [])]
        nexts = [v["@id"] for view in views for v in view.get(HYDRA + "next", [])]
        assert len(nexts) <= 1
        if nexts:
            parts = urlsplit(nexts[0])
            url = f"{parts.path}?{parts.query}"
            # The header says the same for readers that look there.
            assert response["Link"].startswith(f'<{nexts[0]}>; rel="next"')
        else:
            url = None
    return pages


def _reviews_on(page: list[dict]) -> dict[str, dict]:
    by_id = {n["@id"]: n for n in page}
    found = {}
    for review in (n for n in page if S + "ClaimReview" in n.get("@type", [])):
        for prop in ("claimReviewed", "reviewRating", "url", "author", "itemReviewed"):
            assert review.get(S + prop), (review["@id"], prop)
        assert _values(review, "dateModified")
        rating = by_id[review[S + "reviewRating"][0]["@id"]]
        author = by_id[review[S + "author"][0]["@id"]]
        assert _values(author, "url") == ["http://testserver/"]
        item = by_id[review[S + "itemReviewed"][0]["@id"]]
        claimant = [by_id[a["@id"]] for a in item.get(S + "author", [])]
        found[_values(review, "claimReviewed")[0]] = {
            "rating": _values(rating, "alternateName"),
            "value": _values(rating, "ratingValue"),
            "claimant": [(c["@type"], _values(c, "name")) for c in claimant],
            "claim date": _values(item, "datePublished"),
            "url": _values(review, "url"),
        }
    return found


def test_a_json_ld_reader_walks_the_feed_and_finds_every_published_review(desk):
    pages = walk_feed(client_for(), "/api/v1/claimreview/?page_size=2")
    assert len(pages) == 2
    nodes = [node for page in pages for node in page]
    reviews = [n for n in nodes if S + "ClaimReview" in n.get("@type", [])]
    assert sorted(r["@id"] for r in reviews) == sorted(
        f"http://testserver/claims/{desk[k].pk}/#claimreview"
        for k in ("person", "office", "corrected")
    )
    # The feed's elements are the reviews themselves.
    elements = {v["@id"] for n in nodes for v in n.get(S + "dataFeedElement", [])}
    assert elements == {r["@id"] for r in reviews}

    found = {}
    for page in pages:
        found.update(_reviews_on(page))
    assert len(found) == 3
    assert found["Unemployment fell to 3.1% in March"] == {
        "rating": ["False"],
        "value": [1],
        "claimant": [([S + "Person"], ["Amina Yusuf"])],
        "claim date": ["2026-03-01"],
        "url": [f"http://testserver/claims/{desk['person'].pk}/"],
    }
    # A statistics office is an Organization; a claim with no date of its own was said
    # by the article's publication at the latest.
    office = found["wages rose 6% in a year"]
    assert office["claimant"] == [([S + "Organization"], ["Office for National Statistics"])]
    assert office["claim date"] == ["2026-03-02"]
    assert (office["rating"], office["value"]) == (["Half true"], [3])
    assert found["Rents doubled since 2019"]["rating"] == ["Misleading"]
    assert found["Rents doubled since 2019"]["value"] == []


def test_a_correction_moves_date_modified_and_is_listed(desk):
    feed = client_for().get("/api/v1/claimreview/").json()
    items = {item["claimReviewed"]: item for item in feed["dataFeedElement"]}
    corrected = items["Rents doubled since 2019"]
    verdicts = Verdict.objects.filter(claim=desk["corrected"]).order_by("approved_at")
    first, current = list(verdicts)
    assert corrected["datePublished"] == first.approved_at.date().isoformat()
    assert dt.datetime.fromisoformat(corrected["dateModified"]) == current.approved_at
    assert corrected["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "Index revised.",
            "datePublished": corrected["dateModified"],
        }
    ]
    plain = items["Unemployment fell to 3.1% in March"]
    approved = Verdict.objects.get(claim=desk["person"])
    assert dt.datetime.fromisoformat(plain["dateModified"]) == approved.approved_at
    assert "correction" not in plain


def test_the_public_page_carries_exactly_the_feeds_review(desk):
    client = client_for()
    feed = client.get("/api/v1/claimreview/").json()["dataFeedElement"]
    for key in ("person", "office", "corrected"):
        url = f"/claims/{desk[key].pk}/"
        page = client.get(url)
        data = extruct.extract(
            page.content.decode(), base_url="http://testserver" + url, syntaxes=["json-ld"]
        )
        found = [item for item in data["json-ld"] if item.get("@type") == "ClaimReview"]
        assert len(found) == 1
        in_feed = [item for item in feed if item["url"] == "http://testserver" + url]
        assert [{k: v for k, v in found[0].items() if k != "@context"}] == in_feed


def test_unpublished_claims_are_not_in_the_feed_even_for_the_desk(desk, editor):
    feed = client_for(editor).get("/api/v1/claimreview/").json()["dataFeedElement"]
    assert "Turnout was 40%" not in {item["claimReviewed"] for item in feed}
    assert len(feed) == 3


def test_a_withdrawal_stays_in_the_feed_marked_withdrawn_with_its_date(desk, editor):
    claim = desk["office"]
    before = client_for().get("/api/v1/claimreview/").json()["dataFeedElement"]
    services.withdraw(claim_id=claim.pk, actor=editor, note="The release was revised.")
    verdict = Verdict.objects.get(claim=claim)
    pages = walk_feed(client_for(), "/api/v1/claimreview/?page_size=2")
    wanted = f"http://testserver/claims/{claim.pk}/#claimreview"
    # Blank nodes (the corrections) are resolved within their page.
    (nodes,) = [
        {n["@id"]: n for n in page} for page in pages if any(n["@id"] == wanted for n in page)
    ]
    node = nodes[wanted]
    assert S + "ClaimReview" in node["@type"]
    assert _values(node, "creativeWorkStatus") == ["withdrawn"]
    assert S + "reviewRating" not in node  # the rating no longer stands
    modified = _values(node, "dateModified")[0]
    assert dt.datetime.fromisoformat(modified) == verdict.withdrawn_at
    assert modified > next(i for i in before if i["url"].endswith(f"/{claim.pk}/"))["dateModified"]
    notes = [nodes[c["@id"]] for c in node[S + "correction"]]
    assert [_values(n, "text") for n in notes] == [["Verdict withdrawn: The release was revised."]]
    # The others are untouched, and the page itself carries no ClaimReview any more.
    reviews = [n for page in pages for n in page if S + "ClaimReview" in n.get("@type", [])]
    assert len(reviews) == 3
    assert "application/ld+json" not in client_for().get(f"/claims/{claim.pk}/").content.decode()
