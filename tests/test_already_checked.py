"""The same claim across outlets, seen from one of them: "seen in N other articles" with
each variant's outlet, date and figures; "already checked" when a variant has a published
verdict; and the editor's one step that dismisses the new claim as its duplicate."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Claim, SimilarClaim
from reviews import services
from reviews.models import Transition
from tests.conftest import client_for
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    RatingFactory,
)

pytestmark = pytest.mark.django_db

CHECKED = "The prime minister's visit to Moscow was the first in 23 years."
NEW = "It was the first trip by a Pakistani premier to Russia in two decades, he said."


def publish(claim: Claim, *, reviewer, editor, rating) -> None:
    services.take(claim_id=claim.pk, actor=reviewer)
    EvidenceFactory(claim=claim, added_by=reviewer)
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary="Wrong.", rationale="Count."
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=editor)


def claim_in(outlet: str, text: str, published: datetime.date) -> Claim:
    article = ArticleFactory(
        outlet=OutletFactory(name=outlet), published=published, body=f"Intro. {text} End."
    )
    start = article.body.index(text)
    return ClaimFactory(article=article, text=text, span_start=start, span_end=start + len(text))


@pytest.fixture
def pair(reviewer, editor):
    """A claim published by the desk, and the same claim reported by another outlet."""
    rating = RatingFactory(label="Mostly false")
    checked = claim_in("Dawn", CHECKED, datetime.date(2022, 2, 24))
    publish(checked, reviewer=reviewer, editor=editor, rating=rating)
    new = claim_in("Arab News", NEW, datetime.date(2022, 2, 25))
    low, high = sorted([checked, new], key=lambda c: c.pk)
    link = SimilarClaim.objects.create(
        from_claim=low, to_claim=high, score=0.82, conflicting=True, conflict_detail="23 vs 20"
    )
    return {"checked": checked, "new": new, "link": link, "rating": rating}


def test_the_api_says_a_new_claim_was_already_checked(pair, reviewer):
    checked, new = pair["checked"], pair["new"]
    response = client_for(reviewer).get(f"/api/v1/claims/{new.pk}/already-checked/")
    assert response.status_code == 200
    [hit] = response.json()
    assert hit["claim"] == checked.pk
    assert hit["rating"]["label"] == "Mostly false"
    assert hit["url"].endswith(f"/claims/{checked.pk}/")
    assert hit["published"].startswith(str(checked.verdicts.get(state="approved").approved_at)[:10])
    assert hit["score"] == pytest.approx(0.82)
    # The published claim itself matches nothing that was checked.
    assert client_for(reviewer).get(f"/api/v1/claims/{checked.pk}/already-checked/").json() == []


def test_already_checked_is_for_the_desk(pair, outsider):
    url = f"/api/v1/claims/{pair['new'].pk}/already-checked/"
    assert client_for().get(url).status_code in (401, 403)
    assert client_for(outsider).get(url).status_code == 403


def test_a_rejected_link_is_no_hint(pair, reviewer, editor):
    from claims import services as claim_services

    claim_services.decide_similarity(link_id=pair["link"].pk, actor=editor, decision="rejected")
    response = client_for(reviewer).get(f"/api/v1/claims/{pair['new'].pk}/already-checked/")
    assert response.json() == []


def test_already_checked_takes_the_same_queries_for_one_match_or_three(
    pair, reviewer, editor, django_assert_num_queries
):
    client = client_for(reviewer)
    url = f"/api/v1/claims/{pair['new'].pk}/already-checked/"
    client.get(url)  # warm the permission caches of this user
    # The claim, its links with both ends, the published verdicts with their ratings.
    with django_assert_num_queries(3):
        assert len(client.get(url).json()) == 1
    for n in range(2):
        other = claim_in(f"Outlet {n}", f"The visit was the first in {30 + n} years.", None)
        publish(other, reviewer=reviewer, editor=editor, rating=pair["rating"])
        low, high = sorted([other, pair["new"]], key=lambda c: c.pk)
        SimilarClaim.objects.create(from_claim=low, to_claim=high, score=0.7)
    with django_assert_num_queries(3):
        assert len(client.get(url).json()) == 3


def test_each_variant_in_the_api_carries_its_outlet_date_and_figures(pair, reviewer):
    response = client_for(reviewer).get(f"/api/v1/claims/{pair['new'].pk}/similar/")
    assert response.status_code == 200
    [link] = response.json()["results"]
    assert link["conflicting"] is True
    other = link["claim"]
    assert other["id"] == pair["checked"].pk
    assert other["outlet"] == "Dawn"
    assert other["published"] == "2022-02-24"
    assert other["figures"] == ["23 years"]


def test_the_desk_shows_the_group_and_the_hint(pair, editor):
    client = Client()
    client.force_login(editor)
    page = client.get(reverse("desk-claim", args=[pair["new"].pk])).text
    assert "Seen in 1 other article " in page
    assert "Dawn" in page and "24 Feb 2022" in page
    assert "Figures: 23 years" in page
    assert "This claim's figures: 2 decades" in page
    assert "Already checked" in page and "Mostly false" in page
    assert f"Mark as duplicate of #{pair['checked'].pk}" in page


def test_a_reviewer_sees_the_hint_but_not_the_editors_step(pair, reviewer):
    client = Client()
    client.force_login(reviewer)
    page = client.get(reverse("desk-claim", args=[pair["new"].pk])).text
    assert "Already checked" in page
    assert "Mark as duplicate" not in page


def test_an_editor_marks_the_new_claim_a_duplicate_in_one_step(pair, editor):
    new, checked = pair["new"], pair["checked"]
    client = Client()
    client.force_login(editor)
    page = client.get(reverse("desk-claim", args=[new.pk])).text
    form = re.search(r'<form[^>]*>(?:(?!</form>).)*data-action="duplicate".*?</form>', page, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))
    fields["comment"] = fields["comment"].replace("&#x27;", "'")
    response = client.post(reverse("desk-claim-action", args=[new.pk]), fields)
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == Claim.Status.DISMISSED
    assert new.duplicate_of_id == checked.pk
    step = Transition.objects.filter(claim=new).latest("id")
    assert step.action == "dismiss" and step.actor == editor
    assert f"duplicate of claim #{checked.pk}" in step.comment
