"""The base class of every refusal the domain raises (a leaf module: it imports nothing of
ours, so both apps and the API's plumbing can import it).

A refusal carries its own HTTP status, machine-readable code, message and (optionally)
the field it is about. The API's exception handler, the desk's pages and the admin read
them from here, so one refusal answers the same way everywhere.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses, with a message a person can act on."""

    code = "invalid"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def fields(self) -> dict[str, list[str]]:
        """Per-field problems, in the API's error format."""
        return {self.field: [self.message]} if self.field else {}

    def extra(self) -> dict[str, Any]:
        """Further members of the API's error body (e.g. a claim's current version)."""
        return {}
