"""The workflow table, every cell: each action in each state by each kind of actor.

Allowed steps change the state and write exactly one transition row; refused ones raise
WorkflowError and write nothing. The expected table below is the specification in
docs/design.md ("The workflow"), written out by hand.
"""

from __future__ import annotations

from datetime import date

import pytest

from claims.models import Claim
from reviews import services
from reviews.models import Transition, Verdict
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Claim.Status
STATES = [S.NEW, S.IN_REVIEW, S.PROPOSED, S.PUBLISHED, S.DISMISSED]
ACTIONS = ["take", "assign", "dismiss", "restore", "propose", "send_back", "publish", "reopen"]
ACTORS = ["assignee", "other_reviewer", "editor", "outsider"]

TARGET = {
    "take": S.IN_REVIEW,
    "assign": S.IN_REVIEW,
    "dismiss": S.DISMISSED,
    "restore": S.NEW,
    "propose": S.PROPOSED,
    "send_back": S.IN_REVIEW,
    "publish": S.PUBLISHED,
    "reopen": S.IN_REVIEW,
}

# (state, actor) -> the actions allowed. "assignee" is the reviewer who took the claim (in
# `new` nobody has yet: she is just a reviewer); she also proposed it where it is proposed.
# "proposer" is an editor who took and proposed the claim herself.
ALLOWED = {
    (S.NEW, "assignee"): {"take"},
    (S.NEW, "other_reviewer"): {"take"},
    (S.NEW, "editor"): {"take", "assign", "dismiss"},
    (S.IN_REVIEW, "assignee"): {"propose"},
    (S.IN_REVIEW, "editor"): {"assign", "dismiss"},
    (S.PROPOSED, "editor"): {"send_back", "publish"},
    (S.PROPOSED, "proposer"): set(),
    (S.PUBLISHED, "editor"): {"reopen"},
    (S.DISMISSED, "editor"): {"restore"},
}

CASES = [
    (state, actor, action)
    for state in STATES
    for actor in [*ACTORS, *(["proposer"] if state == S.PROPOSED else [])]
    for action in ACTIONS
]


@pytest.fixture
def people(reviewer, other_reviewer, editor, other_editor, outsider):
    return {
        "assignee": reviewer,
        "other_reviewer": other_reviewer,
        "editor": editor,
        "outsider": outsider,
        "proposer": UserFactory(username="petra", role="Editor"),
        # Publishes and dismisses while the claim is prepared; never an actor under test.
        "desk": other_editor,
    }


def claim_in(state: str, people: dict, *, worker: str = "assignee") -> Claim:
    """A claim brought to `state` through the services, worked on by people[worker]."""
    claim = ClaimFactory()
    worker_user, desk = people[worker], people["desk"]
    if state == S.NEW:
        return claim
    if state == S.DISMISSED:
        services.dismiss(claim_id=claim.pk, actor=desk, reason="Opinion, not checkable.")
        return Claim.objects.get(pk=claim.pk)
    services.take(claim_id=claim.pk, actor=worker_user)
    EvidenceFactory(claim=claim, added_by=worker_user)
    services.save_verdict_draft(
        claim_id=claim.pk,
        actor=worker_user,
        rating=RatingFactory(),
        summary="Thirty-five states abstained.",
        rationale="Count the abstentions in the UN's record of the vote (GA/12407).",
    )
    if state in (S.PROPOSED, S.PUBLISHED):
        services.propose(claim_id=claim.pk, actor=worker_user)
    if state == S.PUBLISHED:
        services.publish(claim_id=claim.pk, actor=desk)
    return Claim.objects.get(pk=claim.pk)


def snapshot(claim: Claim) -> dict:
    fresh = Claim.objects.get(pk=claim.pk)
    return {
        "status": fresh.status,
        "version": fresh.version,
        "assignee": fresh.assignee_id,
        "transitions": Transition.objects.filter(claim=claim).count(),
        "verdicts": list(
            Verdict.objects.filter(claim=claim).order_by("id").values_list("state", "approver")
        ),
    }


def act(action: str, claim: Claim, actor, people: dict) -> Claim:
    """Every input an action may need, valid: only state and right decide."""
    return services.perform(
        action,
        claim_id=claim.pk,
        actor=actor,
        comment="Reason given: see the UN record.",
        assignee=people["other_reviewer"],
        expected_version=claim.version,
    )


@pytest.mark.parametrize(("state", "actor_name", "action"), CASES)
def test_workflow_table(state, actor_name, action, people):
    claim = claim_in(state, people, worker="proposer" if actor_name == "proposer" else "assignee")
    actor = people[actor_name]
    allowed = action in ALLOWED.get((state, actor_name), set())
    before = snapshot(claim)

    # The buttons the pages and the admin show agree with what the service does.
    assert (action in services.available_actions(actor, claim)) == allowed

    if allowed:
        act(action, claim, actor, people)
        after = snapshot(claim)
        assert after["status"] == TARGET[action]
        assert after["version"] == before["version"] + 1
        assert after["transitions"] == before["transitions"] + 1
        row = Transition.objects.filter(claim=claim).latest("id")
        assert (row.action, row.from_status, row.to_status, row.actor_id) == (
            action,
            state,
            TARGET[action],
            actor.pk,
        )
    else:
        with pytest.raises(services.WorkflowError) as refused:
            act(action, claim, actor, people)
        assert refused.value.message
        assert snapshot(claim) == before


def test_every_cell_of_the_table_is_covered():
    assert len(CASES) == len(STATES) * len(ACTORS) * len(ACTIONS) + len(ACTIONS)
    assert {(s, a) for s, a in ALLOWED} <= {(s, a) for s, a, _ in CASES}


# -- four eyes ---------------------------------------------------------------------------


def test_an_editor_cannot_publish_her_own_proposal(people):
    claim = claim_in(S.PROPOSED, people, worker="proposer")
    before = snapshot(claim)
    with pytest.raises(services.NotPermitted) as refused:
        services.publish(claim_id=claim.pk, actor=people["proposer"])
    assert refused.value.message == "A verdict cannot be published by the person who proposed it."
    assert snapshot(claim) == before


def test_an_editor_cannot_send_back_her_own_proposal(people):
    claim = claim_in(S.PROPOSED, people, worker="proposer")
    before = snapshot(claim)
    with pytest.raises(services.NotPermitted, match="sent back by the person who proposed it"):
        services.send_back(claim_id=claim.pk, actor=people["proposer"], comment="Redo it.")
    assert snapshot(claim) == before


def test_another_editor_publishes_an_editors_proposal(people):
    claim = claim_in(S.PROPOSED, people, worker="proposer")
    services.publish(claim_id=claim.pk, actor=people["editor"])
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.state, verdict.proposed_by, verdict.approver) == (
        Verdict.State.APPROVED,
        people["proposer"],
        people["editor"],
    )


def test_a_reviewer_who_proposed_is_refused_publishing_with_a_reason(people):
    claim = claim_in(S.PROPOSED, people)
    with pytest.raises(services.NotPermitted, match="Only an editor can publish"):
        services.publish(claim_id=claim.pk, actor=people["assignee"])


# -- the rules that need input -----------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "action", "kwargs", "field"),
    [
        (S.NEW, "dismiss", {"reason": "  "}, "comment"),
        (S.PROPOSED, "send_back", {"comment": ""}, "comment"),
        (S.PUBLISHED, "reopen", {"reason": ""}, "comment"),
        (S.NEW, "assign", {"assignee": None}, "assignee"),
    ],
)
def test_a_step_without_its_reason_is_refused_and_writes_nothing(
    state, action, kwargs, field, people
):
    claim = claim_in(state, people)
    before = snapshot(claim)
    with pytest.raises(services.InvalidInput) as refused:
        getattr(services, action)(claim_id=claim.pk, actor=people["editor"], **kwargs)
    assert refused.value.field == field
    assert snapshot(claim) == before


def test_assigning_to_someone_who_cannot_review_is_refused(people):
    claim = claim_in(S.NEW, people)
    with pytest.raises(services.InvalidInput, match="cannot review claims"):
        services.assign(claim_id=claim.pk, actor=people["editor"], assignee=people["outsider"])


def test_proposing_needs_evidence(people):
    claim = ClaimFactory()
    reviewer = people["assignee"]
    services.take(claim_id=claim.pk, actor=reviewer)
    services.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=RatingFactory(), summary="S.", rationale="R."
    )
    before = snapshot(claim)
    with pytest.raises(services.InvalidInput) as refused:
        services.propose(claim_id=claim.pk, actor=reviewer)
    assert refused.value.field == "evidence"
    assert snapshot(claim) == before


def test_proposing_needs_a_verdict(people):
    claim = ClaimFactory()
    reviewer = people["assignee"]
    services.take(claim_id=claim.pk, actor=reviewer)
    EvidenceFactory(claim=claim, added_by=reviewer)
    with pytest.raises(services.InvalidInput, match="Write a verdict"):
        services.propose(claim_id=claim.pk, actor=reviewer)


def test_dismissing_as_a_duplicate_of_itself_is_refused(people):
    claim = claim_in(S.NEW, people)
    with pytest.raises(services.InvalidInput) as refused:
        services.dismiss(
            claim_id=claim.pk, actor=people["editor"], reason="Duplicate.", duplicate_of=claim.pk
        )
    assert refused.value.field == "duplicate_of"


def test_an_unknown_action_is_refused_by_name(people):
    claim = claim_in(S.NEW, people)
    with pytest.raises(services.InvalidInput, match="Unknown action 'approve'"):
        services.perform("approve", claim_id=claim.pk, actor=people["editor"])


def test_the_losing_take_names_the_state_it_found(people):
    claim = claim_in(S.IN_REVIEW, people)
    with pytest.raises(services.WorkflowError) as refused:
        services.take(claim_id=claim.pk, actor=people["other_reviewer"])
    assert "in review and already assigned to rita" in refused.value.message
    assert refused.value.status == S.IN_REVIEW


# -- stale copies ------------------------------------------------------------------------


def test_an_edit_from_a_stale_copy_is_refused_and_writes_nothing(people):
    claim = claim_in(S.IN_REVIEW, people)
    stale = claim.version
    # Someone else moves the claim on after our copy was loaded.
    services.assign(claim_id=claim.pk, actor=people["editor"], assignee=people["other_reviewer"])
    before = snapshot(claim)
    history = Claim.history.filter(id=claim.pk).count()

    with pytest.raises(services.StaleVersion) as refused:
        services.update_claim(
            claim_id=claim.pk,
            actor=people["editor"],
            expected_version=stale,
            claim_date=date(2022, 3, 2),
        )
    assert refused.value.current_version == stale + 1
    assert f"your copy is version {stale}" in refused.value.message
    assert snapshot(claim) == before
    assert Claim.objects.get(pk=claim.pk).claim_date is None
    assert Claim.history.filter(id=claim.pk).count() == history


def test_an_action_from_a_stale_copy_is_refused_and_writes_nothing(people):
    claim = claim_in(S.PROPOSED, people)
    stale = claim.version
    services.send_back(claim_id=claim.pk, actor=people["editor"], comment="Cite the roll call.")
    services.propose(claim_id=claim.pk, actor=people["assignee"])
    before = snapshot(claim)
    with pytest.raises(services.StaleVersion):
        services.perform(
            "publish", claim_id=claim.pk, actor=people["editor"], expected_version=stale
        )
    assert snapshot(claim) == before


def test_an_edit_with_the_current_version_is_applied_and_bumps_it(people):
    claim = claim_in(S.IN_REVIEW, people)
    updated = services.update_claim(
        claim_id=claim.pk,
        actor=people["assignee"],
        expected_version=claim.version,
        claim_date=date(2022, 3, 6),
    )
    assert updated.version == claim.version + 1
    assert Claim.objects.get(pk=claim.pk).claim_date.isoformat() == "2022-03-06"


# -- evidence and verdict rights ---------------------------------------------------------


def test_only_the_assignee_or_an_editor_adds_evidence(people):
    claim = claim_in(S.IN_REVIEW, people)
    fields = {"url": "https://press.un.org/en/2022/ga12407.doc.htm", "title": "GA/12407"}
    with pytest.raises(services.NotPermitted):
        services.add_evidence(claim_id=claim.pk, actor=people["other_reviewer"], **fields)
    with pytest.raises(services.NotPermitted):
        services.add_evidence(claim_id=claim.pk, actor=people["outsider"], **fields)
    services.add_evidence(claim_id=claim.pk, actor=people["assignee"], **fields)
    services.add_evidence(claim_id=claim.pk, actor=people["editor"], **fields)
    assert claim.evidence.count() == 1 + 2


@pytest.mark.parametrize("state", [S.PROPOSED, S.PUBLISHED, S.DISMISSED])
def test_nobody_changes_evidence_of_a_proposed_or_closed_claim(state, people):
    claim = claim_in(state, people)
    count = claim.evidence.count()
    with pytest.raises(services.WorkflowError, match="cannot be changed unless an editor"):
        services.add_evidence(
            claim_id=claim.pk, actor=people["editor"], url="https://un.org/x", title="X"
        )
    assert claim.evidence.count() == count


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"url": "javascript:alert(1)", "title": "x"}, "url"),
        ({"url": "ftp://files.example/record", "title": "x"}, "url"),
        ({"url": "https://un.org/x", "title": "   "}, "title"),
        ({"url": "https://un.org/x", "title": "x" * 501}, "title"),
        ({"url": "https://un.org/x", "title": "x", "kind": "rumour"}, "kind"),
        ({"url": "https://un.org/x", "title": "x", "stance": "maybe"}, "stance"),
    ],
)
def test_bad_evidence_is_refused_with_the_field_named(fields, field, people):
    claim = claim_in(S.IN_REVIEW, people)
    with pytest.raises(services.InvalidInput) as refused:
        services.add_evidence(claim_id=claim.pk, actor=people["assignee"], **fields)
    assert refused.value.field == field
    assert claim.evidence.count() == 1  # the one claim_in added


def test_changing_missing_evidence_is_a_clean_refusal(people):
    with pytest.raises(services.InvalidInput, match="no evidence record #999999"):
        services.update_evidence(evidence_id=999999, actor=people["editor"], title="x")
    with pytest.raises(services.InvalidInput):
        services.remove_evidence(evidence_id=999999, actor=people["editor"])


def test_a_verdict_is_drafted_only_while_in_review(people):
    claim = claim_in(S.PROPOSED, people)
    proposed = Verdict.objects.get(claim=claim)
    with pytest.raises(services.WorkflowError, match="proposed and awaiting review"):
        services.save_verdict_draft(
            claim_id=claim.pk,
            actor=people["editor"],
            rating=RatingFactory(slug="true", label="True", value=5),
            summary="Changed.",
            rationale="Changed.",
        )
    proposed.refresh_from_db()
    assert proposed.summary == "Thirty-five states abstained."


def test_a_verdict_without_rating_is_refused(people):
    claim = claim_in(S.IN_REVIEW, people)
    with pytest.raises(services.InvalidInput) as refused:
        services.save_verdict_draft(
            claim_id=claim.pk, actor=people["assignee"], rating=None, summary="S", rationale="R"
        )
    assert refused.value.field == "rating"
