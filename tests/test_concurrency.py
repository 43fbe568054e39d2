"""Two people act on the same claim at the same moment, through two real database
connections: exactly one wins, the other is refused with the state it found, and the
database stays consistent. On PostgreSQL the claim row lock decides; on SQLite the
IMMEDIATE write lock taken at BEGIN does."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from claims.models import Claim
from reviews import services
from reviews.models import Transition, Verdict
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory

ROUNDS = 25


def race(*calls):
    """Run each call in its own thread and connection, released together; return results.

    Each result is ("ok", claim) or ("refused", WorkflowError).
    """
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, object] | None] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except services.WorkflowError as error:
            results[index] = ("refused", error)
        except Exception as error:  # anything else is a failure of the test
            results[index] = ("crashed", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def proposed_claim(reviewer, rating):
    claim = ClaimFactory()
    services.take(claim_id=claim.pk, actor=reviewer)
    EvidenceFactory(claim=claim, added_by=reviewer)
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=reviewer,
        rating=rating,
        summary="Thirty-five states abstained.",
        rationale="Read the recorded vote in the UN's meeting coverage GA/12407.",
    )
    services.propose(claim_id=claim.pk, actor=reviewer)
    return claim


@pytest.mark.django_db(transaction=True)
def test_publish_and_send_back_at_once_one_wins_and_the_other_sees_the_new_state(
    transactional_db, reviewer, editor, other_editor
):
    rating = RatingFactory()
    outcomes = set()
    for _ in range(ROUNDS):
        claim = proposed_claim(reviewer, rating)
        before = Transition.objects.filter(claim=claim).count()
        results = race(
            lambda c=claim: services.publish(claim_id=c.pk, actor=editor),
            lambda c=claim: services.send_back(
                claim_id=c.pk, actor=other_editor, comment="Cite the roll call."
            ),
        )
        kinds = sorted(kind for kind, _ in results)
        assert kinds == ["ok", "refused"], results

        claim.refresh_from_db()
        won = "publish" if results[0][0] == "ok" else "send_back"
        outcomes.add(won)
        loser_error = results[1][1] if won == "publish" else results[0][1]
        assert type(loser_error) is services.WorkflowError
        # The loser is told what it found, in words.
        found = "published" if won == "publish" else "in review"
        assert f"the claim is {found}" in loser_error.message
        assert loser_error.status == claim.status

        new_rows = Transition.objects.filter(claim=claim).order_by("id")[before:]
        assert [t.action for t in new_rows] == [won]
        verdict = Verdict.objects.get(claim=claim)
        if won == "publish":
            assert claim.status == Claim.Status.PUBLISHED
            assert (verdict.state, verdict.approver_id) == (Verdict.State.APPROVED, editor.pk)
        else:
            assert claim.status == Claim.Status.IN_REVIEW
            assert (verdict.state, verdict.approver_id) == (Verdict.State.DRAFT, None)
        # take, propose and the winner: nothing applied twice, nothing lost.
        assert claim.version == 1 + 3
    # Not asserted (it depends on the scheduler), but recorded for whoever reads a failure.
    print(f"winners over {ROUNDS} rounds: {sorted(outcomes)}")


@pytest.mark.django_db(transaction=True)
def test_two_takes_at_once_one_reviewer_gets_the_claim(transactional_db, reviewer, other_reviewer):
    for _ in range(ROUNDS):
        claim = ClaimFactory()
        results = race(
            lambda c=claim: services.take(claim_id=c.pk, actor=reviewer),
            lambda c=claim: services.take(claim_id=c.pk, actor=other_reviewer),
        )
        assert sorted(kind for kind, _ in results) == ["ok", "refused"], results
        winner = reviewer if results[0][0] == "ok" else other_reviewer
        loser_error = results[1][1] if winner == reviewer else results[0][1]

        claim.refresh_from_db()
        assert claim.status == Claim.Status.IN_REVIEW
        assert claim.assignee_id == winner.pk
        assert claim.version == 2
        assert "in review and already assigned to" in loser_error.message
        assert winner.username in loser_error.message
        takes = Transition.objects.filter(claim=claim)
        assert [(t.action, t.actor_id) for t in takes] == [("take", winner.pk)]


def test_the_race_runs_on_separate_connections():
    """Guard for the tests above: threads get their own connection, not the test's."""
    seen = []

    def remember():
        seen.append(id(connections["default"]))
        connections.close_all()

    thread = threading.Thread(target=remember)
    thread.start()
    thread.join()
    assert seen and seen[0] != id(connection)
