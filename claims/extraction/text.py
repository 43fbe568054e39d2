"""Sentences with exact spans, and what is not an article's prose.

Segmentation (pysbd, then the repairs that matter for claims) and the page furniture
(menus, polls, ad labels, captions, author bios) that extraction drops; with the
records extraction hands back (FoundClaim, ClaimantRef) and the gated patterns the
other stages share.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

import pysbd
from pysbd.lang.english import English


class _Gated:
    """A regex run only when the text holds one of the literal words any match needs.

    Python's re tries an alternation of words at every position of the text, which made
    these patterns the slowest part of scoring; a substring test rules most sentences
    out first. `needles` must cover every alternative, so results are unchanged.
    """

    def __init__(self, pattern: re.Pattern, needles, *, fold: bool):
        self.pattern = pattern
        self.needles = tuple(needles)
        self.fold = fold

    def _may_match(self, text: str) -> bool:
        haystack = text.lower() if self.fold else text
        return any(map(haystack.__contains__, self.needles))

    def search(self, text: str):
        return self.pattern.search(text) if self._may_match(text) else None

    def finditer(self, text: str):
        return self.pattern.finditer(text) if self._may_match(text) else iter(())


@dataclass(frozen=True)
class ClaimantRef:
    name: str
    kind: str  # "person" | "organization"
    role: str = ""


@dataclass(frozen=True)
class FoundClaim:
    text: str
    start: int
    end: int  # text == article_text[start:end], always
    score: float  # check-worthiness, 0..1
    reasons: tuple[str, ...]
    claimant: ClaimantRef | None


# ---------------------------------------------------------------------------
# Segmentation
# ---------------------------------------------------------------------------

OPEN_QUOTES = '“"‘'
CLOSE_QUOTES = '”"’'
SPEECH_VERBS = (
    "said|says|told|tells|stated|states|stressed|noted|added|asked|continued|asserted|"
    "assured|claimed|argued|insisted|warned|announced|explained|wrote|replied|"
    "went on to say"
)

# A quote that ends in ? or ! is often followed by its speech tag in the same
# sentence ("“Did you write such a letter?” Khan continued, ..."). Segmenters
# split there, which would separate a quote from its speaker.
_SPEECH_TAG_START = re.compile(rf"^(?:[a-z]|(?:[A-Z][\w’'-]*\s+){{1,3}}(?:{SPEECH_VERBS})\b)")


# A line whose only sentence-ending punctuation is at its end is one sentence:
# most lines of an article are, and they need no segmenter. A full stop between
# digits ("$3.5 billion", "2.4%") is a decimal point, never a sentence end.
_ONE_SENTENCE_LINE = re.compile(r"(?:[^.!?。．！？…)\r]|(?<=\d)\.(?=\d))*[.!?。．！？…”\"’')\]\s]*")


# A full stop after an ordinary lower-case word or a number of three digits or more
# ("in 2019."), then a capital: a sentence break pysbd makes too, found here without
# running it. Abbreviations ("approx.", "gen.", "U.S.") and short numbers (list items
# such as "1." and "12.", which pysbd may join across a line) are left to pysbd.
_CLEAR_BREAK = re.compile(
    r"(?:(?<![\w.])([\w.]*[a-z][a-z])|(?<!\S)\d{3,})\.(?=[”\"’']?\s+[A-Z“\"])"
)
_ABBREVIATIONS = frozenset(English.Abbreviation.ABBREVIATIONS)

# Full stops pysbd never ends a sentence at: after one of its titles ("Dr.", "Gen.")
# that follows a space or starts the text, and after a capital initialism ("U.N.")
# before a lower-case word. A line whose other full stops are these is one sentence as
# much as one with none. ("v." is left out: pysbd reads lone letters as list items.)
_PREPOSITIVE = "|".join(a for a in English.Abbreviation.PREPOSITIVE_ABBREVIATIONS if len(a) > 1)
_NEVER_A_BREAK = re.compile(
    rf"(?<!\S)(?i:{_PREPOSITIVE})\.(?=\s)|(?<![\w.])[A-Z](?:\.[A-Z])+\.(?=\s+[a-z])"
)


def _pieces(line: str) -> list[tuple[int, int]]:
    """`line` cut at its clear sentence breaks (the cut just after each full stop)."""
    pieces, start = [], 0
    for match in _CLEAR_BREAK.finditer(line):
        word = match.group(1)
        if word is not None and ("." in word or word.lower() in _ABBREVIATIONS):
            continue
        end = match.end() + 1
        while end < len(line) and line[end] in CLOSE_QUOTES + "'":
            end += 1
        pieces.append((start, end))
        start = end
    pieces.append((start, len(line)))
    return pieces


def _without_titles(piece: str) -> str:
    """`piece` with the full stops of _NEVER_A_BREAK taken out."""
    if "." not in piece:
        return piece
    return _NEVER_A_BREAK.sub(lambda match: match.group().replace(".", ""), piece)


def _line_sentences(line: str) -> list[tuple[int, int]]:
    """Sentence spans inside one line of text (no newline in it)."""
    spans: list[tuple[int, int]] = []
    for piece_start, piece_end in _pieces(line):
        piece = line[piece_start:piece_end]
        if not piece.strip():
            continue
        if "  " not in piece and _ONE_SENTENCE_LINE.fullmatch(_without_titles(piece).strip()):
            spans.append((piece_start, piece_end))
            continue
        # The processor alone gives the sentences; pysbd's own char_span mode
        # finds each one again with a fresh regex over the whole text, which is
        # quadratic. clean=False keeps every sentence a verbatim substring.
        sentences = pysbd.Segmenter(language="en", clean=False).processor(piece).process()
        cursor = 0
        for sentence in sentences:
            start = piece.find(sentence, cursor)
            if start < 0:
                continue
            cursor = start + len(sentence)
            spans.append((piece_start + start, piece_start + cursor))
    return spans


def _segments(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over `text`, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    offset = 0
    # Scraped pages put menus, captions and headlines on their own lines;
    # a hard line break never falls inside a body sentence here.
    for line in text.split("\n"):
        if line.strip():
            for line_start, line_end in _line_sentences(line):
                start, end = offset + line_start, offset + line_end
                while start < end and text[start].isspace():
                    start += 1
                while end > start and text[end - 1].isspace():
                    end -= 1
                if start < end:
                    spans.append((start, end))
        offset += len(line) + 1

    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged:
            prev_start, prev_end = merged[-1]
            prev = text[prev_start:prev_end]
            gap = text[prev_end:start]
            if (
                "\n" not in gap
                and len(prev) >= 2
                and prev[-1] in CLOSE_QUOTES
                and prev[-2] in "?!,"
                and _SPEECH_TAG_START.match(text[start:end])
            ):
                merged[-1] = (prev_start, end)
                continue
        merged.append((start, end))
    return merged


def _paragraph_ids(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Index of the blank-line separated paragraph each span falls in."""
    breaks = [m.start() for m in re.finditer(r"\n[ \t\xa0]*\n", text)]
    # The number of breaks before each span's start.
    return [bisect_left(breaks, start) for start, _ in spans]


# ---------------------------------------------------------------------------
# Page furniture
# ---------------------------------------------------------------------------

# Whole-line widgets; matched in full so "More than 300 ..." is not furniture.
_FURNITURE = re.compile(
    r"(?:remove ads|advertisement|view results|loading|share( to)?|video|"
    r"play-rounded-fill|more|polls?|read more|related( articles)?|sign up|subscribe|"
    r"don'?t get censored)[.…!\s]*",
    re.IGNORECASE,
)
_CALL_TO_ACTION = _Gated(
    re.compile(
        r"\b(sign up|subscribe|newsletter|stay in touch|follow us|censoring us)\b",
        re.IGNORECASE,
    ),
    ("sign up", "subscribe", "newsletter", "stay in touch", "follow us", "censoring us"),
    fold=True,
)
_CAPTION = _Gated(
    re.compile(r"\b(Photo|Getty Images|AP|Reuters|AFP)\s*$|/Pool\b"),
    ("Photo", "Getty Images", "AP", "Reuters", "AFP", "/Pool"),
    fold=False,
)
_BULLET = re.compile(r"^[•·▪●*–-]\s")
# Author bios are boilerplate about the writer, not about the news.
_BIO = re.compile(
    r"\bis our\b.*\b(editor|writer|reporter|correspondent|contributor)\b|"
    r"^(Lead|Senior|Staff|Contributing)\s+(Editor|Writer|Reporter)\b|"
    r"\b(His|Her|Their) motto\b",
)
_BIO = _Gated(_BIO, ("is our", "Lead", "Senior", "Staff", "Contributing", " motto"), fold=False)
# Body sentences end in terminal punctuation (maybe inside a closing quote or
# bracket). Headlines, captions and menu entries usually do not; a ":" ends a
# lead-in to a quote, which is attribution rather than a claim of its own.
_TERMINAL = re.compile(r"[.!?][”\"’')\]]*$")

# A wire story's dateline or a transcript's speaker tag before the sentence proper:
# "KARACHI: ...", "NEW DELHI, Feb 26 (Reuters) - ...", "ISLAMABAD — ...", "ANCHOR: ...".
# A place or a tag in capitals (three letters at least), an optional date or country after
# a comma, an optional agency in brackets, then a colon or a dash and a capital. Not part
# of the claim: it is where the story was filed, or who reads it out.
_DATELINE = re.compile(
    r"[A-Z]{2}[A-Z'.-]+(?: [A-Z][A-Z'.-]+){0,3}"
    r"(?:, [A-Z][A-Za-z0-9 .]{0,30}?)?"
    r"(?: \([A-Z][A-Za-z&. ]{0,20}\))?"
    r"(?::| ?[—–]| -{1,2}) +(?=[A-Z“\"‘])"
)


def without_dateline(text: str, start: int, end: int) -> int:
    """Where the sentence text[start:end] begins once a leading dateline or speaker tag
    is set aside (start itself when it has none)."""
    found = _DATELINE.match(text, start, end)
    return found.end() if found else start


_WORD = re.compile(r"[A-Za-z0-9][\w’'$.,-]*")


def _word_count(sentence: str) -> int:
    return len(_WORD.findall(sentence))


def _is_furniture(sentence: str) -> bool:
    stripped = sentence.strip()
    return bool(
        _word_count(stripped) <= 3
        or _BULLET.match(stripped)
        or _FURNITURE.fullmatch(stripped)
        or _CALL_TO_ACTION.search(stripped)
        or _CAPTION.search(stripped)
    )
