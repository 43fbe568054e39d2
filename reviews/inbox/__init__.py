"""Notifications: what the workflow tells people (assigned to you, sent back to you,
awaiting your approval, published, a correction needed), kept as an inbox on the desk
and, for the events each person chooses, sent by mail.

`services.notify_step` is called by the workflow's one path of a status change
(reviews.services.common.move), in the step's transaction: a step that rolls back tells
nobody, and the mail is an outbox message committed with it.
"""
