"""The review workflow's refusals. Each says its HTTP status and code (factcheck.errors),
which the API, the desk and the admin all read."""

from __future__ import annotations

from claims.models import Claim
from factcheck.errors import DomainError


class WorkflowError(DomainError):
    """A refused workflow step or edit: the claim's state does not allow it (409)."""

    code = "conflict"
    http_status = 409

    def __init__(self, message: str, *, claim: Claim | None = None, field: str | None = None):
        super().__init__(message, field=field)
        self.status = claim.status if claim is not None else None
        self.current_version = claim.version if claim is not None else None

    @property
    def fields(self) -> dict[str, list[str]]:
        # A state conflict is about the claim, not about a field the client sent.
        return {}


class NotPermitted(WorkflowError):
    """The actor has no right to do this (to this claim)."""

    code = "permission_denied"
    http_status = 403


class StaleVersion(WorkflowError):
    """The actor acted on an older copy of the claim than the one stored."""

    code = "stale_version"
    http_status = 412

    def extra(self) -> dict[str, object]:
        return {"current_version": self.current_version}


class InvalidInput(WorkflowError):
    """A required reason, comment or field the client sends is missing or wrong (400)."""

    code = "invalid"
    http_status = 400

    @property
    def fields(self) -> dict[str, list[str]]:
        return {self.field: [self.message]} if self.field else {}


class Incomplete(InvalidInput):
    """The claim itself lacks what the step needs (no evidence yet, no complete verdict).

    Not the request's fault: the same request succeeds once the claim is completed, so it
    is a conflict with the claim's state (409), on every interface.
    """

    http_status = 409
