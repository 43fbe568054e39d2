"""Who may call which claim endpoint. What a user may do to a particular object is the
services' business; which objects exist for them is the selectors'."""

from __future__ import annotations

from claims.selectors import is_staff_member
from factcheck.api import ApiPermission, DeskPermission


class ReadPublicWriteDesk(DeskPermission):
    """Anyone reads (the queryset limits what); writes need the role's permission."""

    def allows(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allows(request, view)


class DeskMember(ApiPermission):
    """Reviewers and editors; the workflow services decide the rest."""

    def allows(self, request, view) -> bool:
        return is_staff_member(request.user)
