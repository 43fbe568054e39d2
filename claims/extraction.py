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

Nothing here imports Django so it can be unit-tested and benchmarked alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd
from pysbd.lang.english import English

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


# A full stop after an ordinary lower-case word, then a capital: a sentence break
# pysbd makes too, found here without running it. Abbreviations ("approx.",
# "gen.", "U.S.") and numbers (list items, "No. 5") are left to pysbd.
_CLEAR_BREAK = re.compile(r"(?<![\w.])([\w.]*[a-z][a-z])\.(?=[”\"’']?\s+[A-Z“\"])")
_ABBREVIATIONS = frozenset(English.Abbreviation.ABBREVIATIONS)


def _pieces(line: str) -> list[tuple[int, int]]:
    """`line` cut at its clear sentence breaks (the cut just after each full stop)."""
    pieces, start = [], 0
    for match in _CLEAR_BREAK.finditer(line):
        word = match.group(1)
        if "." in word or word.lower() in _ABBREVIATIONS:
            continue
        end = match.end() + 1
        while end < len(line) and line[end] in CLOSE_QUOTES + "'":
            end += 1
        pieces.append((start, end))
        start = end
    pieces.append((start, len(line)))
    return pieces


def _line_sentences(line: str) -> list[tuple[int, int]]:
    """Sentence spans inside one line of text (no newline in it)."""
    spans: list[tuple[int, int]] = []
    for piece_start, piece_end in _pieces(line):
        piece = line[piece_start:piece_end]
        if not piece.strip():
            continue
        if "  " not in piece and _ONE_SENTENCE_LINE.fullmatch(piece.strip()):
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
    ids = []
    for start, _ in spans:
        ids.append(sum(1 for b in breaks if b < start))
    return ids


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
_CALL_TO_ACTION = re.compile(
    r"\b(sign up|subscribe|newsletter|stay in touch|follow us|censoring us)\b",
    re.IGNORECASE,
)
_CAPTION = re.compile(r"\b(Photo|Getty Images|AP|Reuters|AFP)\s*$|/Pool\b")
_BULLET = re.compile(r"^[•·▪●*–-]\s")
# Author bios are boilerplate about the writer, not about the news.
_BIO = re.compile(
    r"\bis our\b.*\b(editor|writer|reporter|correspondent|contributor)\b|"
    r"^(Lead|Senior|Staff|Contributing)\s+(Editor|Writer|Reporter)\b|"
    r"\b(His|Her|Their) motto\b",
)
# Body sentences end in terminal punctuation (maybe inside a closing quote or
# bracket). Headlines, captions and menu entries usually do not; a ":" ends a
# lead-in to a quote, which is attribution rather than a claim of its own.
_TERMINAL = re.compile(r"[.!?][”\"’')\]]*$")


def _word_count(sentence: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][\w’'$.,-]*", sentence))


def _is_furniture(sentence: str) -> bool:
    stripped = sentence.strip()
    return bool(
        _word_count(stripped) <= 3
        or _BULLET.match(stripped)
        or _FURNITURE.fullmatch(stripped)
        or _CALL_TO_ACTION.search(stripped)
        or _CAPTION.search(stripped)
    )


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|"
    "twenty|thirty|forty|fifty|hundred|thousand|million|billion|trillion|half"
)
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})(?:-\w+)?\b", re.IGNORECASE)
_FULL_MONTHS = "January|February|March|April|June|July|August|September|October|November|December"
_DATE = re.compile(
    # A bare month name is a date, except "May", which needs a preposition.
    rf"\b(?:{_FULL_MONTHS})\b|\b(?:in|on|since|by|until|from|early|late|mid-?)\s+May\b|"
    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\s+(?:1[89]|20)\d\d\b|"
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
    r"\b(?:days?|weeks?|months?|years?) (?:after|before|ago|later)\b|"
    r"\b(?:yesterday|last (?:week|month|year))\b|\b(?:1[89]|20)\d\d\b"
)
# Money, percentages and counted nouns: things with a figure you can look up.
_QUANTITY = re.compile(
    r"[$£€¥₹]\s?\d|\d\s?%|\b\d[\d,.]*\s*(?:per ?cent|percent|million|billion|trillion)\b|"
    rf"\b(?:\d[\d,.]*|{_NUMBER_WORDS})[- ](?:[a-z]+[- ]){{0,2}}"
    r"(?:countries|nations|states|people|troops|soldiers|deaths|days?|years?|months?|"
    r"weeks?|km|miles|tonnes|barrels|votes|members|heads|cases|dollars|rupees|percent)\b",
    re.IGNORECASE,
)
_QUANTITY = _Gated(_QUANTITY, (*"0123456789$£€¥₹", *_NUMBER_WORDS.split("|")), fold=True)
# Firsts, records and rankings ("main partner", "top exporter") are classic
# checkable claims.
_SUPERLATIVE = re.compile(
    r"\b(?:first|last|only|most|least|main|top|leading|record|unprecedented|"
    r"never before|ever)\b",
    re.IGNORECASE,
)
_SUPERLATIVE = _Gated(
    _SUPERLATIVE,
    (
        "first",
        "last",
        "only",
        "most",
        "least",
        "main",
        "top",
        "leading",
        "record",
        "unprecedented",
        "ever",
    ),
    fold=True,
)
# Words ending in -est that are not superlatives.
# fmt: off
_NOT_SUPERLATIVE = frozenset({
    "interest", "west", "rest", "test", "protest", "suggest", "request", "just", "forest",
    "honest", "modest", "harvest", "arrest", "contest", "manifest", "invest", "digest", "guest",
    "quest", "nest", "chest", "crest", "earnest", "inquest", "conquest", "attest", "detest",
    "divest", "infest", "molest", "pest", "vest", "zest", "behest", "unrest",
})
# fmt: on
_COMPARISON = re.compile(
    r"\b(?:more|less|fewer|greater|higher|lower|larger|smaller|bigger)\s+than\b|"
    r"\b(?:compared (?:to|with)|increase[ds]?|decrease[ds]?|doubled|tripled|"
    r"halved|rose|fell|grew|declined|overtook|surpassed|even before|up from|down from)\b",
    re.IGNORECASE,
)
_COMPARISON = _Gated(
    _COMPARISON,
    (
        "than",
        "compared",
        "increase",
        "decrease",
        "doubled",
        "tripled",
        "halved",
        "rose",
        "fell",
        "grew",
        "declined",
        "overtook",
        "surpassed",
        "even before",
        "up from",
        "down from",
    ),
    fold=True,
)
_ATTRIBUTION = re.compile(
    rf"\b(?:{SPEECH_VERBS}|according to|as detailed by|as reported by|per [A-Z]\w+|"
    r"reported|confirmed|denied|saying|stating|noting|asserting|claiming|adding|"
    r"insisting|arguing|warning)\b"
)
# Things that happened: the backbone of a checkable news claim.
_EVENT = re.compile(
    r"\b(?:met|visited|discussed|signed|sent|voted|abstain(?:ed)?|refused|joined|"
    r"launched|killed|invaded|withdr[ae]w|announced|agreed|approved|rejected|"
    r"imposed|condemned|entered|attacked|elected|resigned|arrested|passed|banned)\b",
    re.IGNORECASE,
)
_EVENT = _Gated(
    _EVENT,
    (
        "met",
        "visited",
        "discussed",
        "signed",
        "sent",
        "voted",
        "abstain",
        "refused",
        "joined",
        "launched",
        "killed",
        "invaded",
        "withdr",
        "announced",
        "agreed",
        "approved",
        "rejected",
        "imposed",
        "condemned",
        "entered",
        "attacked",
        "elected",
        "resigned",
        "arrested",
        "passed",
        "banned",
    ),
    fold=True,
)
# Analysis and opinion in the article's own voice. A fact-checker does not
# check an interpretation; quotes are exempt because there the checkable fact
# is that the speaker said it.
_OPINION = re.compile(
    r"\b(?:indicates?|suggests|it is no surprise|no surprise|could be interpreted|"
    r"would be a win|appears? (?:to|ready)|looks to be|seems?|arguably|perhaps|"
    r"probably|inflexion point|inflection point|turning point|watershed)\b",
    re.IGNORECASE,
)
# Forecasts, promises and plans cannot be verified yet, whoever makes them.
# ("may" stays lowercase so the month May is not taken for a forecast.)
_PREDICTION = re.compile(
    r"\b(?:[Ww]ill|[Ww]ould|[Cc]ould|[Mm]ight|may|[Ss]hall)\b|\b(?:[Hh]opes?|[Hh]oped|"
    r"plans? to|intends? to|aims? to|is looking to|are looking to|expects? to|expected to)\b"
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")

_WEIGHTS = {
    "number": 0.35,
    "quantity": 0.25,
    "date": 0.35,
    "superlative": 0.35,
    "comparison": 0.15,
    "attribution": 0.3,
    "event": 0.2,
    "named_entity": 0.15,  # raised to 0.3 when three or more entities appear
}
_DAMPING = {"opinion": 0.4, "prediction": 0.7, "question": 0.3}


_POSSESSIVE = re.compile(r"[’']s?$")
_EST_WORD = re.compile(r"\b[a-z]{2,}est\b")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w’'&.-]*(?:\s+(?:of\s+)?[A-Z][\w’'&.-]*)*")
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z,;] )[A-Z][\w’'-]*")


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern:
    return re.compile(rf"\b{re.escape(word)}\b")


def _bare(word: str) -> str:
    """`word` without a possessive ending: "Pakistan’s" -> "Pakistan"."""
    return _POSSESSIVE.sub("", word) if "'" in word or "’" in word else word


def _has_superlative(sentence: str) -> bool:
    if _SUPERLATIVE.search(sentence):
        return True
    words = _EST_WORD.findall(sentence.lower())
    return any(word not in _NOT_SUPERLATIVE for word in words)


def _named_entities(sentence: str, known: frozenset[str]) -> list[str]:
    """Capitalised word runs that look like names of people, places, bodies.

    Capitalisation at the start of a sentence or quote says nothing, so a word
    there only counts when the article capitalises it elsewhere too (`known`).
    """
    entities: list[str] = []
    for match in _CAPITALISED_RUN.finditer(sentence):
        before = sentence[: match.start()].rstrip()
        word = _bare(match.group().split()[0])
        at_start = not before or before[-1] in ".!?:" + OPEN_QUOTES
        if match.group() in {"I", "He", "She", "It", "They", "We", "The", "A", "An"}:
            continue
        if at_start and word not in known and len(match.group().split()) == 1:
            continue
        entities.append(match.group())
    return entities


def _score(
    sentence: str, known: frozenset[str] = frozenset(), attributed: bool = False
) -> tuple[float, tuple[str, ...]]:
    reasons: list[str] = []
    if _NUMBER.search(sentence):
        reasons.append("number")
    if _QUANTITY.search(sentence):
        reasons.append("quantity")
    if _DATE.search(sentence):
        reasons.append("date")
    if _has_superlative(sentence):
        reasons.append("superlative")
    if _COMPARISON.search(sentence):
        reasons.append("comparison")
    if attributed or _ATTRIBUTION.search(sentence):
        reasons.append("attribution")
    if _EVENT.search(sentence):
        reasons.append("event")
    entities = _named_entities(sentence, known)
    if entities:
        reasons.append("named_entity")

    keep = 1.0
    for reason in reasons:
        weight = _WEIGHTS[reason]
        if reason == "named_entity" and len(entities) >= 3:
            weight = 0.3
        keep *= 1.0 - weight
    # Noisy-OR: each independent signal raises check-worthiness, none alone
    # reaches certainty.
    score = 1.0 - keep

    own_voice = _QUOTED.sub(" ", sentence)
    if _OPINION.search(own_voice):
        reasons.append("opinion")
        score *= _DAMPING["opinion"]
    if _PREDICTION.search(sentence):
        reasons.append("prediction")
        score *= _DAMPING["prediction"]
    if _is_question(sentence, own_voice):
        reasons.append("question")
        score *= _DAMPING["question"]
    return round(score, 3), tuple(reasons)


def _is_question(sentence: str, own_voice: str) -> bool:
    """A question asserts nothing: either the sentence is one, or it is a
    quoted question followed only by its speech tag ("... do?” he asked)."""
    if sentence.rstrip("”\"’' ").endswith("?"):
        return True
    quotes = _QUOTED.findall(sentence)
    return bool(quotes) and quotes[-1][:-1].rstrip().endswith("?") and _word_count(own_voice) <= 6


def score_sentence(sentence: str) -> tuple[float, tuple[str, ...]]:
    """Check-worthiness of one sentence (0..1) and the features that fired.

    Scored on its own, without the article around it: a sentence-initial name
    is not recognised and a quote has no speaker. `extract_claims` adds both.
    """
    return _score(sentence)


# ---------------------------------------------------------------------------
# Claimants
# ---------------------------------------------------------------------------

_TITLES = {
    "prime minister": "Prime Minister",
    "pm": "Prime Minister",
    "foreign minister": "Foreign Minister",
    "fm": "Foreign Minister",
    "information minister": "Information Minister",
    "minister": "Minister",
    "president": "President",
    "chancellor": "Chancellor",
    "senator": "Senator",
    "secretary": "Secretary",
    "spokesperson": "spokesperson",
    "spokesman": "spokesman",
    "spokeswoman": "spokeswoman",
    "counterpart": "",
    "mr": "",
    "mrs": "",
    "ms": "",
    "dr": "",
}
_TITLE_ALT = "|".join(sorted((re.escape(t) for t in _TITLES), key=len, reverse=True))
_NAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?){0,2}"
# Only the title is case-insensitive ("his counterpart"); names must be capitalised.
_TITLED_NAME = re.compile(rf"\b(?P<title>(?i:{_TITLE_ALT}))\.?\s+(?P<name>{_NAME})")
_APPOSITIVE = re.compile(
    rf"(?P<name>{_NAME}),\s+(?:the\s+)?(?P<role>[^,]{{2,60}}?(?:spokesperson|spokesman|"
    r"spokeswoman|minister|secretary|president|ambassador|director|chief|head|leader|"
    r"official|adviser|advisor|envoy))\s*,"
)
_TITLED_NAME = _Gated(_TITLED_NAME, tuple(_TITLES), fold=True)
_ORG_NAME = r"[A-Z][\w&’'-]*(?:\s+(?:of|for|and)\s+[A-Z][\w&’'-]*)+"  # "Ministry of Health"
_SPEAKER = re.compile(
    rf"(?:^|(?<=[\s“\"(]))(?P<who>{_ORG_NAME}|(?:(?i:{_TITLE_ALT})\.?\s+)?{_NAME}|[Hh]e|[Ss]he|"
    rf"[Tt]he (?:PM|Prime Minister|President|Foreign Minister|FM)|"
    r"[Tt]he (?:[A-Z][\w-]+ )?(?:leader|premier))"
    rf"(?:,\s+the\s+[^,]{{2,60}},)?\s+(?:\w+ly\s+)?(?:{SPEECH_VERBS})\b"
)
_SPEAKER = _Gated(_SPEAKER, SPEECH_VERBS.split("|"), fold=False)
# "Khan expressed his fury ..., asserting that ...": the sentence subject speaks.
_SUBJECT_PARTICIPLE = re.compile(
    rf"^(?P<who>{_NAME})\s+[a-z][^.]*?,\s+(?:saying|stating|noting|asserting|claiming|"
    r"adding|insisting|arguing|warning)\b"
)
# "The Pakistani leader says ...": a descriptive back-reference, like a pronoun.
_DESCRIPTION = re.compile(r"^[Tt]he (?:[A-Z][\w-]+ )?(?:leader|premier)$")
_INVERTED = re.compile(rf"[”\"],?\s+(?:{SPEECH_VERBS})\s+(?P<who>[^.]+?)\.?$")
_SOURCE = re.compile(
    r"\b(?:[Aa]ccording to|[Aa]s (?:detailed|reported) by|per)\s+(?:the\s+)?"
    r"(?P<who>[A-Z][\w&’'-]*(?:\s+(?:(?:of|for|and)\s+)?[A-Z][\w&’'-]*)*)"
)
_ORG_WORDS = re.compile(
    r"\b(?:Ministry|Department|Office|Union|Times|Reuters|Agency|Council|Government|"
    r"Commission|Party|Bank|Court|News|Post|Press|Institute|Organi[sz]ation|Nations|"
    r"Assembly|Committee|Journal|BBC|AP|AFP|CNN)\b"
)
_PRONOUNS = {"he", "she"}


class _People:
    """The people named so far in one article, for pronoun and surname lookup."""

    def __init__(self) -> None:
        self.roles: dict[str, str] = {}  # full name -> role, in order first seen
        self.focus: str | None = None  # the person the article is currently about

    def register(self, name: str, role: str = "") -> str:
        name = self._strip_title(name)
        full = self.resolve_name(name) or name
        if full not in self.roles or (role and not self.roles[full]):
            self.roles[full] = role
        return full

    @staticmethod
    def _strip_title(name: str) -> str:
        words = name.split()
        while len(words) > 1 and " ".join(words[:2]).lower() in _TITLES:
            words = words[2:]
        while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
            words = words[1:]
        return " ".join(words)

    def resolve_name(self, name: str) -> str | None:
        name = self._strip_title(name)
        if name in self.roles:
            return name
        # A bare surname ("Khan", "FM Qureshi") means the person introduced
        # earlier with their full name; the latest one wins.
        for full in reversed(list(self.roles)):
            if full.split()[-1] == name.split()[-1]:
                return full
        return None

    def by_title(self, title: str) -> str | None:
        role = _TITLES.get(title.lower(), title)
        for full in reversed(list(self.roles)):
            if self.roles[full] == role:
                return full
        return None

    def ref(self, full: str) -> ClaimantRef:
        return ClaimantRef(full, "person", self.roles.get(full, ""))

    def mentioned(self, sentence: str) -> list[str]:
        """Known people mentioned in `sentence`, in order of appearance."""
        hits = []
        for full in self.roles:
            for form in {full, full.split()[-1]}:
                match = _word_pattern(form).search(sentence)
                if match:
                    hits.append((match.start(), full))
                    break
        return [full for _, full in sorted(hits)]

    def learn(self, sentence: str) -> None:
        for match in _APPOSITIVE.finditer(sentence):
            self.register(match.group("name"), match.group("role").strip())
        for match in _TITLED_NAME.finditer(sentence):
            title = match.group("title")
            # Lowercase title words ("his counterpart") are cues, but a lowercase
            # "president" in running text is not a title before a name.
            if title[0].islower() and title.lower() not in {"counterpart", "spokesperson"}:
                continue
            self.register(match.group("name"), _TITLES[title.lower()])

    def resolve(self, who: str) -> ClaimantRef | None:
        who = who.strip()
        lowered = who.lower()
        if lowered in _PRONOUNS or _DESCRIPTION.match(who):
            return self.ref(self.focus) if self.focus else None
        if lowered.startswith("the "):
            title = who[4:]
            full = self.by_title(title)
            if full:
                return self.ref(full)
            return ClaimantRef(re.sub(r"^the\s+", "", who), "organization")
        full = self.resolve_name(who)
        if full:
            return self.ref(full)
        kind = "organization" if _ORG_WORDS.search(who) or who[0].islower() else "person"
        if kind == "person":
            return self.ref(self.register(who))
        return ClaimantRef(who, kind)


def _claimant_for(sentence: str, people: _People) -> ClaimantRef | None:
    # Speech tags sit outside the quotation marks; a name inside a quote
    # ("... as Biden said ...") is the quoted speaker's words, not a tag.
    own_voice = _QUOTED.sub(" … ", sentence)
    speaker = _SPEAKER.search(own_voice)
    if speaker:
        ref = people.resolve(speaker.group("who"))
        if ref:
            return ref
    inverted = _INVERTED.search(sentence)
    if inverted:
        ref = people.resolve(inverted.group("who"))
        if ref:
            return ref
    subject = _SUBJECT_PARTICIPLE.search(own_voice)
    if subject:
        full = people.resolve_name(subject.group("who"))
        if full:
            return people.ref(full)
    source = _SOURCE.search(own_voice)
    if source:
        return people.resolve(source.group("who").rstrip(".,"))
    return None


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
