"""Webhooks: an editor registers a url and the claim events it wants; each event becomes
one signed delivery per hook, recorded in the transaction of the event and sent from the
outbox with retries, every attempt logged (an app labelled `webhooks`).

- `models`: Webhook, Delivery (one per event and hook), Attempt (one per try);
- `events`: the events, and the one place each is recorded (the workflow's move, the
  claims_created signal);
- `signing`: the signature header and how a receiver checks it;
- `services`: registering, changing, resuming hooks; sending one delivery;
- `tasks`: the outbox's task for a delivery and the owner's mail when a hook is paused.
"""
