"""The review workflow's writes: every status change, evidence and verdict write goes
through here (the admin, the API, the desk, commands and tasks all call these).

- `steps`: the workflow's steps and `perform`, driven by the table in reviews.workflow;
- `guards`: the table's guards around every step, and `available_actions`;
- `work`: evidence, the verdict draft and claim edits while a claim is open to the actor;
- `common`: the row lock, the move with its transition row, rights, history, side effects.

Refusals are reviews.errors (re-exported here), each with its own HTTP status and code.
"""

from __future__ import annotations

from reviews.errors import (
    Incomplete,
    InvalidInput,
    NotPermitted,
    StaleVersion,
    WorkflowError,
)
from reviews.services.common import can_work_on
from reviews.services.guards import actions_checker, available_actions, contributed
from reviews.services.steps import (
    EFFECTS,
    assign,
    dismiss,
    perform,
    propose,
    publish,
    reopen,
    restore,
    send_back,
    take,
    withdraw,
    withdraw_proposal,
)
from reviews.services.work import (
    CLAIM_FIELDS,
    EVIDENCE_FIELDS,
    add_evidence,
    check_can_draft_verdict,
    check_can_work_on,
    draft_verdict,
    queue_archive,
    remove_evidence,
    retry_archive,
    save_verdict_draft,
    update_claim,
    update_evidence,
)

__all__ = [
    "CLAIM_FIELDS",
    "EFFECTS",
    "EVIDENCE_FIELDS",
    "Incomplete",
    "InvalidInput",
    "NotPermitted",
    "StaleVersion",
    "WorkflowError",
    "actions_checker",
    "add_evidence",
    "assign",
    "available_actions",
    "can_work_on",
    "check_can_draft_verdict",
    "check_can_work_on",
    "contributed",
    "dismiss",
    "draft_verdict",
    "perform",
    "propose",
    "publish",
    "queue_archive",
    "remove_evidence",
    "reopen",
    "restore",
    "retry_archive",
    "save_verdict_draft",
    "send_back",
    "take",
    "update_claim",
    "update_evidence",
    "withdraw",
    "withdraw_proposal",
]
