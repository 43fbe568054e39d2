"""Find check-worthy claims in a news article, without Django.

The pipeline is deliberately plain so an editor can read why a sentence was
picked:

1. segment the raw scraped text into sentences with exact character spans
   (pysbd), then repair the few splits that matter for claims;
2. drop page furniture (menus, polls, ad labels, captions, author bios);
3. score each remaining sentence with features a fact-checker would name
   (numbers, dates, firsts, attributions, named entities) and damp analysis
   and opinion written in the article's own voice;
4. attach a claimant from attribution ("X said", "according to X", a quote
   paragraph after "X said:"), resolving pronouns and bare surnames to the
   people named earlier in the article.

Stages 1 and 2 live in text.py, 3 in scoring.py, 4 in claimants.py; this module runs
them in order. Nothing here imports Django so it can be unit-tested and benchmarked
alone.
"""

from __future__ import annotations

from claims.extraction.claimants import _claimant_for, _People
from claims.extraction.scoring import _MID_SENTENCE_CAPITAL, _bare, _score, score_sentence
from claims.extraction.text import (
    _BIO,
    _TERMINAL,
    OPEN_QUOTES,
    ClaimantRef,
    FoundClaim,
    _is_furniture,
    _paragraph_ids,
    _segments,
    without_dateline,
)

DEFAULT_THRESHOLD = 0.4

__all__ = [
    "DEFAULT_THRESHOLD",
    "ClaimantRef",
    "FoundClaim",
    "evaluate",
    "extract_all",
    "extract_claims",
    "find_occurrence",
    "score_sentence",
]


# ---------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------


def extract_claims(text: str, *, threshold: float = DEFAULT_THRESHOLD) -> list[FoundClaim]:
    """Check-worthy sentences of `text`, in reading order, with exact spans."""
    spans = _segments(text)
    paragraphs = _paragraph_ids(text, spans)
    bio_paragraphs = {
        p for (s, e), p in zip(spans, paragraphs, strict=True) if _BIO.search(text[s:e])
    }
    # Words the article capitalises mid-sentence are names even at a
    # sentence start ("Pakistan believes ...").
    known = frozenset(_bare(word) for word in _MID_SENTENCE_CAPITAL.findall(text))

    people = _People()
    pending: ClaimantRef | None = None  # speaker announced by a "X said:" lead-in
    found: list[FoundClaim] = []
    for (start, end), paragraph in zip(spans, paragraphs, strict=True):
        start = without_dateline(text, start, end)
        sentence = text[start:end]
        if paragraph in bio_paragraphs or _is_furniture(sentence):
            pending = None
            continue
        people.learn(sentence)

        is_quote = sentence[0] in OPEN_QUOTES
        claimant = _claimant_for(sentence, people)
        if claimant is None and is_quote and pending is not None:
            claimant = pending
        if not is_quote:
            pending = None

        if claimant is not None and claimant.kind == "person":
            people.focus = claimant.name
        else:
            named = people.mentioned(sentence)
            if named:
                people.focus = named[0]

        if sentence.endswith(":"):
            # "He told Putin during their meeting:" introduces the next quote
            # paragraph(s); it is attribution, not a claim itself.
            pending = claimant
            continue
        if not _TERMINAL.search(sentence):
            continue  # headline, caption or menu entry

        score, reasons = _score(sentence, known, attributed=claimant is not None)
        if score >= threshold:
            found.append(FoundClaim(sentence, start, end, score, reasons, claimant))
    return found


def extract_all(texts: list[str]) -> list[tuple[FoundClaim, ...]]:
    """extract_claims over many texts: the unit of work a bulk load hands to a worker
    process (a module-level function of a Django-free module, so it pickles by name)."""
    return [tuple(extract_claims(text)) for text in texts]


# ---------------------------------------------------------------------------
# Evaluation against a curated (gold) set
# ---------------------------------------------------------------------------


def find_occurrence(text: str, snippet: str, occurrence: int = 1) -> tuple[int, int]:
    """Span of the `occurrence`-th (1-based) appearance of `snippet` in `text`."""
    start = -1
    for _ in range(occurrence):
        start = text.find(snippet, start + 1)
        if start < 0:
            raise ValueError(f"occurrence {occurrence} of {snippet!r} not found")
    return start, start + len(snippet)


def _overlaps_enough(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Overlap length if it covers at least half of the shorter span, else 0."""
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return overlap if overlap > 0 and 2 * overlap >= shorter else 0


def evaluate(
    gold_spans: list[tuple[int, int]], found_spans: list[tuple[int, int]]
) -> dict[str, float | int]:
    """Recall and precision of `found_spans` against `gold_spans`.

    A found span matches a gold span when they overlap by at least 50% of the
    shorter one; matching is one-to-one, each gold taking its best free match.
    """
    used: set[int] = set()
    matched = 0
    for gold in gold_spans:
        best, best_overlap = None, 0
        for i, span in enumerate(found_spans):
            overlap = _overlaps_enough(gold, span)
            if i not in used and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is not None:
            used.add(best)
            matched += 1
    return {
        "gold": len(gold_spans),
        "found": len(found_spans),
        "matched": matched,
        "recall": matched / len(gold_spans) if gold_spans else 1.0,
        "precision": matched / len(found_spans) if found_spans else 1.0,
    }
