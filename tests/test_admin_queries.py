"""Admin lists and the claim page do not grow their query count with their length."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import services
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, editor):
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    client.force_login(editor)
    return client


def worked_claim(reviewer, editor, rating, evidence: int = 1):
    """A claim taken, with evidence, proposed and published: rows in every related list."""
    claim = ClaimFactory()
    services.take(claim_id=claim.pk, actor=reviewer)
    for _ in range(evidence):
        EvidenceFactory(claim=claim, added_by=reviewer)
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary="S.", rationale="R."
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    services.publish(claim_id=claim.pk, actor=editor)
    return claim


def queries_for(client, url) -> int:
    client.get(url)  # warm the per-process caches (content types) so both sizes compare
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name",
    [
        "admin:claims_claim_changelist",
        "admin:reviews_evidence_changelist",
        "admin:reviews_verdict_changelist",
        "admin:reviews_transition_changelist",
    ],
)
def test_admin_lists_cost_the_same_for_two_rows_and_eight(name, staff_client, reviewer, editor):
    rating = RatingFactory()
    for _ in range(2):
        worked_claim(reviewer, editor, rating)
    small = queries_for(staff_client, reverse(name))
    for _ in range(6):
        worked_claim(reviewer, editor, rating)
    assert queries_for(staff_client, reverse(name)) == small


def corrected(claim, reviewer, editor, rating, send_backs: int) -> None:
    services.reopen(claim_id=claim.pk, actor=editor, reason="Reader mail.")
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary="S2.", rationale="R2."
    )
    for _ in range(send_backs + 1):
        services.propose(claim_id=claim.pk, actor=reviewer)
        if _ < send_backs:
            services.send_back(claim_id=claim.pk, actor=editor, comment="Again.")
    services.publish(claim_id=claim.pk, actor=editor, correction_note="Fixed.")


def test_the_claim_page_costs_the_same_short_or_long(staff_client, reviewer, editor):
    rating = RatingFactory()
    short = worked_claim(reviewer, editor, rating, evidence=1)
    corrected(short, reviewer, editor, rating, send_backs=0)
    long = worked_claim(reviewer, editor, rating, evidence=6)
    corrected(long, reviewer, editor, rating, send_backs=4)
    assert long.transitions.count() > short.transitions.count() + 6
    page = "admin:claims_claim_change"
    assert queries_for(staff_client, reverse(page, args=[long.pk])) == queries_for(
        staff_client, reverse(page, args=[short.pk])
    )
