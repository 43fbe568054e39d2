"""The reviews app's REST API: claims as the workflow extends them, evidence, verdicts,
workflow steps, ClaimReview, the queue and the rating scale."""
