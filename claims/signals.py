"""What claims tells the apps built on it, without knowing them.

`claims_created` is sent inside the transaction that stores new claims (every path that
stores them queues their linking through claims.tasks.queue_linking, which sends it), with
`claim_ids`. A receiver that writes (webhook deliveries, say) writes in that transaction,
so its rows commit or roll back with the claims.
"""

from __future__ import annotations

from django.dispatch import Signal

claims_created = Signal()
