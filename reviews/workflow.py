"""The review workflow as one table: for each action its from-states, to-state, permission,
inputs, labels and the rules that go with it.

Everything that asks "may this person take this step now, and what does it need?" reads
this table: the guards of reviews.services (and its `available_actions`), the desk's
buttons and their forms, the admin's workflow page and list actions, and the API's
validation of a transition. Adding an action is one row here plus its effect function in
reviews.services (which refuses to import without one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from claims.models import Claim
from reviews.models import Transition

Status = Claim.Status
Action = Transition.Action

# The inputs a step can take, by the name the API, the desk and the admin send them under.
INPUTS = ("comment", "assignee", "duplicate_of", "correction_note")


@dataclass(frozen=True)
class Step:
    action: str
    sources: tuple[str, ...]
    target: str
    # A codename of the reviews app: the actor needs `reviews.<permission>`.
    permission: str
    # What the actor is told when they lack the permission.
    permission_message: str
    # "Cannot <doing>: the claim is ..." when the claim is in another state.
    doing: str
    # The button's label on the desk, and its style (primary, secondary or danger).
    label: str
    style: str
    # Inputs the step takes, each mapped to its service function's keyword argument.
    inputs: dict[str, str] = field(default_factory=dict)
    # The comment is required: what it is, for the refusal ("<what> is required.").
    comment_required: str = ""
    # The label of the comment box on the desk ("" when the step takes no comment).
    comment_label: str = ""
    # Only for a claim nobody has taken yet (a reviewer takes it for themself).
    unassigned_only: bool = False
    # Only the claim's assignee may take the step.
    assignee_only: str = ""
    # Four eyes: the proposer of the verdict may not take the step (the refusal's words).
    four_eyes: str = ""
    # Four eyes by content: nor may anyone who wrote part of it, its rating, summary or
    # rationale (reviews.contributions; the refusal's words, "" when they may).
    four_eyes_contributors: str = ""
    # Only the proposer of the verdict may take the step (the refusal's words otherwise).
    proposer_only: str = ""
    # Only while a published verdict stands (the refusal's words otherwise)...
    needs_published_verdict: str = ""
    # ...or never while one stands (the refusal's words): dismissing a reopened claim
    # would take its public verdict away without the public note a withdrawal needs.
    refused_with_published_verdict: str = ""
    # The admin's list action for the step, for steps that need no input: its name and
    # description ("" for none).
    bulk_name: str = ""
    bulk_label: str = ""

    @property
    def required_inputs(self) -> tuple[str, ...]:
        required = ["comment"] if self.comment_required else []
        if "assignee" in self.inputs:
            required.append("assignee")
        return tuple(required)


OPEN = (Status.NEW, Status.IN_REVIEW)

STEPS: tuple[Step, ...] = (
    Step(
        Action.TAKE,
        sources=OPEN,
        target=Status.IN_REVIEW,
        permission="take_claim",
        permission_message="You do not have the right to take claims.",
        doing="take this claim",
        label="Take this claim",
        style="primary",
        unassigned_only=True,
        bulk_name="take_claims",
        bulk_label="Take the selected claims for review",
    ),
    Step(
        Action.ASSIGN,
        sources=OPEN,
        target=Status.IN_REVIEW,
        permission="assign_claim",
        permission_message="Only an editor can assign claims.",
        doing="assign this claim",
        label="Assign",
        style="secondary",
        inputs={"assignee": "assignee", "comment": "comment"},
        comment_label="Note (optional)",
    ),
    Step(
        Action.DISMISS,
        sources=OPEN,
        target=Status.DISMISSED,
        permission="dismiss_claim",
        permission_message="Only an editor can dismiss claims.",
        doing="dismiss this claim",
        label="Dismiss",
        style="danger",
        inputs={"comment": "reason", "duplicate_of": "duplicate_of"},
        comment_required="A reason for dismissing",
        comment_label="Reason for dismissing",
        refused_with_published_verdict=(
            "This claim has a published verdict: withdraw it, with a public note, "
            "instead of dismissing the claim."
        ),
    ),
    Step(
        Action.RESTORE,
        sources=(Status.DISMISSED,),
        target=Status.NEW,
        permission="dismiss_claim",
        permission_message="Only an editor can restore claims.",
        doing="restore this claim",
        label="Restore",
        style="secondary",
        inputs={"comment": "comment"},
        comment_label="Note (optional)",
        bulk_name="restore_claims",
        bulk_label="Restore the selected dismissed claims",
    ),
    Step(
        Action.PROPOSE,
        sources=(Status.IN_REVIEW,),
        target=Status.PROPOSED,
        permission="propose_verdict",
        permission_message="You do not have the right to propose verdicts.",
        doing="propose a verdict",
        label="Propose verdict",
        style="primary",
        inputs={"comment": "comment"},
        comment_label="Note for the editor",
        assignee_only="Only the reviewer this claim is assigned to can propose its verdict.",
        bulk_name="propose_verdicts",
        bulk_label="Propose the drafted verdicts",
    ),
    Step(
        Action.SEND_BACK,
        sources=(Status.PROPOSED,),
        target=Status.IN_REVIEW,
        permission="review_verdict",
        permission_message="Only an editor can send a verdict back.",
        doing="send this claim back",
        label="Send back",
        style="secondary",
        inputs={"comment": "comment"},
        comment_required="A comment for the reviewer",
        comment_label="What needs more work",
        four_eyes="A verdict cannot be sent back by the person who proposed it.",
    ),
    Step(
        Action.WITHDRAW_PROPOSAL,
        sources=(Status.PROPOSED,),
        target=Status.IN_REVIEW,
        permission="propose_verdict",
        permission_message="You do not have the right to propose verdicts.",
        doing="withdraw this proposal",
        label="Withdraw proposal",
        style="secondary",
        inputs={"comment": "comment"},
        comment_label="Why (optional)",
        proposer_only="Only the person who proposed this verdict can withdraw the proposal.",
    ),
    Step(
        Action.PUBLISH,
        sources=(Status.PROPOSED,),
        target=Status.PUBLISHED,
        permission="review_verdict",
        permission_message="Only an editor can publish a verdict.",
        doing="publish this claim",
        label="Publish verdict",
        style="primary",
        inputs={"comment": "comment", "correction_note": "correction_note"},
        comment_label="Note (optional)",
        four_eyes="A verdict cannot be published by the person who proposed it.",
        four_eyes_contributors=(
            "You wrote part of this verdict (its rating, summary or rationale), so another "
            "editor must publish it."
        ),
        bulk_name="publish_verdicts",
        bulk_label="Publish the proposed verdict",
    ),
    Step(
        Action.REOPEN,
        sources=(Status.PUBLISHED,),
        target=Status.IN_REVIEW,
        permission="reopen_claim",
        permission_message="Only an editor can reopen a published claim.",
        doing="reopen this claim",
        label="Reopen for correction",
        style="secondary",
        inputs={"comment": "reason"},
        comment_required="A reason for reopening",
        comment_label="Reason for reopening",
    ),
    Step(
        Action.WITHDRAW,
        # Published, or reopened for a correction while the published verdict stands.
        sources=(Status.PUBLISHED, Status.IN_REVIEW, Status.PROPOSED),
        target=Status.DISMISSED,
        permission="reopen_claim",
        permission_message="Only an editor can withdraw a published verdict.",
        doing="withdraw this verdict",
        label="Withdraw verdict",
        style="danger",
        inputs={"comment": "note"},
        comment_required="A public note on why the verdict is withdrawn",
        comment_label="Public note (shown on the page where the verdict was)",
        needs_published_verdict="This claim has no published verdict to withdraw.",
    ),
)

WORKFLOW: dict[str, Step] = {str(step.action): step for step in STEPS}
