"""The claims app's REST API: articles, claims and their similarity links.

`serializers`, `filters`, `permissions` and `views` are the usual split; `urls` holds the
routes this app serves. The Claim endpoints here know nothing of reviews: reviews.api
extends them (the published verdict, the actions open to the reader, edits under the
workflow's rules) and routes the extended viewset at /api/v1/claims/.
"""
