"""Writes with rules on outlets, articles, claimants and claims.

Status changes are not here: they belong to the review workflow (reviews.services).
inputs.py checks what comes in, articles.py stores articles with their claims, edits.py
holds the claims made or decided by hand, counts.py folds the rows of the claims by
state; their public names are importable from here.
"""

from claims.services.articles import (
    Replacement,
    add_claims,
    add_claims_to_articles,
    create_article,
    create_articles,
    editor_touched_claims,
    find_article,
    get_or_create_claimant,
    get_or_create_claimants,
    get_or_create_outlet,
    get_or_create_outlets,
    replace_article_text,
    stored_keys,
)
from claims.services.counts import fold_status_counts
from claims.services.edits import add_manual_claim, create_submitted_claim, decide_similarity
from claims.services.inputs import (
    ArticleInput,
    ClaimInput,
    ClaimsError,
    check_line,
    check_span,
    find_span,
    normalise_url,
    validate_article_input,
)

__all__ = [
    "ArticleInput",
    "ClaimInput",
    "ClaimsError",
    "Replacement",
    "add_claims",
    "add_claims_to_articles",
    "add_manual_claim",
    "check_line",
    "check_span",
    "create_article",
    "create_articles",
    "create_submitted_claim",
    "decide_similarity",
    "editor_touched_claims",
    "find_article",
    "find_span",
    "fold_status_counts",
    "get_or_create_claimant",
    "get_or_create_claimants",
    "get_or_create_outlet",
    "get_or_create_outlets",
    "normalise_url",
    "replace_article_text",
    "stored_keys",
    "validate_article_input",
]
