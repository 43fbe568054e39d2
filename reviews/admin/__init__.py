"""The reviews app's admin: `claim` extends the Claim admin of the claims app, `records`
holds ratings, evidence, verdicts and transitions, `common` what they share."""

from reviews.admin import claim, exchange, records  # noqa: F401 - importing registers the admins
