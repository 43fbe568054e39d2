"""The claims by state (ClaimStatusCount): its rows folded into one a state.

The triggers of claims 0013 add rows (+n, -n) as claims are written; the count of a state
is the sum of its rows, so folding changes no count. Rows locked by another fold are
skipped, and rows of transactions still open are not seen yet: each row is folded once.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from claims.models import ClaimStatusCount

FOLD_BATCH = 5000  # rows a transaction: under SQLite's bound parameters a statement


def fold_status_counts() -> int:
    """Fold ClaimStatusCount's rows into one a state; how many rows were folded."""
    folded = 0
    while True:
        batch = _fold_batch()
        folded += batch
        if batch < FOLD_BATCH:
            return folded


@transaction.atomic
def _fold_batch() -> int:
    rows = list(
        ClaimStatusCount.objects.select_for_update(skip_locked=True)
        .order_by("pk")
        .values_list("pk", "status", "n")[:FOLD_BATCH]
    )
    sums: dict[str, int] = defaultdict(int)
    for _, status, n in rows:
        sums[status] += n
    if len(rows) == len(sums):
        return 0  # one row a state already
    ClaimStatusCount.objects.filter(pk__in=[pk for pk, _, _ in rows]).delete()
    ClaimStatusCount.objects.bulk_create(
        ClaimStatusCount(status=status, n=n) for status, n in sums.items() if n
    )
    return len(rows)
