"""The claims by state are kept, not counted: triggers (claims 0013) add a row in the
transaction of every insert, delete and change of status, whatever wrote it, so the
dashboard reads a few rows at any size. These check the kept counts against a real
count after each path that writes a claim, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re

import pytest
from django.db.models import Count
from django.urls import reverse

from claims.loading import Source, article_from_mapping, load_article
from claims.models import Claim, ClaimStatusCount
from claims.selectors import claims_by_status_rows
from claims.services import fold_status_counts
from reviews import services
from tests.conftest import desk_client
from tests.factories import ClaimFactory
from tests.test_desk_lists import many_claims
from tests.test_pages import proposed, taken

pytestmark = pytest.mark.django_db

Status = Claim.Status


def kept() -> dict[str, int]:
    return {status: int(n) for status, n, _ in claims_by_status_rows() if n}


def counted() -> dict[str, int]:
    rows = Claim.objects.order_by().values_list("status").annotate(n=Count("id"))
    return dict(rows.values_list("status", "n"))


def test_every_path_that_writes_a_claim_keeps_the_counts_exact(
    editor, reviewer, other_editor, rating
):
    assert kept() == counted() == {}
    claims = many_claims(8, prefix="Kept")  # one multi-row INSERT
    ClaimFactory(status=Status.DISMISSED)
    # The loader (its multi-row insert with history rows).
    text = "The minister said 35 countries abstained in the vote on Wednesday."
    load_article(Source(where="request", data=article_from_mapping({"text": text}, "r")))
    assert kept() == counted() == {"new": 9, "dismissed": 1}

    # The workflow, each step its own change of status.
    taken(claims[0], reviewer)
    proposed(claims[1], reviewer, rating)
    proposed(claims[2], reviewer, rating)
    services.publish(claim_id=claims[2].pk, actor=editor)
    services.dismiss(claim_id=claims[3].pk, actor=editor, reason="Opinion, not checkable.")
    services.send_back(claim_id=claims[1].pk, actor=other_editor, comment="Cite the record.")
    assert kept() == counted()
    assert counted() == {"new": 5, "in_review": 2, "published": 1, "dismissed": 2}

    # A save that leaves the status alone adds nothing; one behind the workflow's back
    # is still counted, and so are deletes, of one claim or of several.
    rows = ClaimStatusCount.objects.count()
    Claim.objects.filter(pk=claims[4].pk).update(text="Kept, reworded.")
    claims[5].save()
    assert ClaimStatusCount.objects.count() == rows
    Claim.objects.filter(pk__in=[claims[4].pk, claims[5].pk]).update(status=Status.PROPOSED)
    claims[6].delete()
    assert (
        kept()
        == counted()
        == {"new": 2, "in_review": 2, "proposed": 2, "published": 1, "dismissed": 2}
    )
    # One DELETE of several claims, of two states.
    Claim.objects.filter(pk__in=[claims[4].pk, claims[5].pk, claims[7].pk]).delete()
    assert kept() == counted() == {"new": 1, "in_review": 2, "published": 1, "dismissed": 2}


def test_folding_leaves_one_row_a_state_and_every_count_as_it_was(reviewer):
    claims = many_claims(6, prefix="Folded")
    for claim in claims[:3]:
        taken(claim, reviewer)
    ClaimFactory(status=Status.PUBLISHED)
    before = counted()
    assert ClaimStatusCount.objects.count() > len(before)

    assert fold_status_counts() > 0
    assert kept() == counted() == before == {"new": 3, "in_review": 3, "published": 1}
    assert ClaimStatusCount.objects.count() == 3
    assert fold_status_counts() == 0  # nothing left to fold
    # The rows written after a fold add to its sums.
    taken(claims[3], reviewer)
    assert kept() == counted() == {"new": 2, "in_review": 4, "published": 1}


def _state_counts(page: str) -> dict[str, int]:
    found = re.findall(r'count-n">(\d+)</span><span class="count-label">([^<]+)', page)
    return {label: int(n) for n, label in found}


def test_the_dashboard_shows_my_own_step_at_once(reviewer):
    claims = many_claims(3, prefix="Mine")
    desk = desk_client(reviewer)
    assert _state_counts(desk.get("/").text)["New"] == 3
    claim = claims[0]
    response = desk.post(
        reverse("desk-claim-action", args=[claim.pk]), {"action": "take", "version": claim.version}
    )
    assert response.status_code == 302
    counts = _state_counts(desk.get("/").text)
    assert counts["New"] == 2 and counts["In review"] == 1


def test_the_dashboard_folds_the_rows_when_no_sweep_has(editor, monkeypatch):
    from reviews.desk import dashboard

    many_claims(3, prefix="Few")
    ClaimFactory(status=Status.DISMISSED)
    ClaimFactory(status=Status.DISMISSED)
    rows = ClaimStatusCount.objects.count()  # 3 on PostgreSQL (a row a statement), 5 on SQLite
    assert rows >= 3
    desk = desk_client(editor)
    desk.get("/")
    assert ClaimStatusCount.objects.count() == rows  # under FOLD_AT: read, not folded

    monkeypatch.setattr(dashboard, "FOLD_AT", 2)
    page = desk.get("/").text
    assert _state_counts(page) == {
        "New": 3,
        "In review": 0,
        "Proposed": 0,
        "Published": 0,
        "Dismissed": 2,
    }
    assert ClaimStatusCount.objects.count() == 2
    assert kept() == counted()
