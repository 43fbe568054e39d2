"""Check-worthiness: the features a fact-checker would name (numbers, dates, firsts,
comparisons, attributions, named entities), damped for analysis, opinion, prediction and
questions in the article's own voice."""

from __future__ import annotations

import re
from functools import lru_cache

from claims.extraction.text import OPEN_QUOTES, SPEECH_VERBS, _Gated, _word_count

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|"
    "twenty|thirty|forty|fifty|hundred|thousand|million|billion|trillion|half"
)
# A number is a digit or a number word; the digit is looked for on its own, the words
# (an alternation tried at every position) only in a text that holds one of them.
_DIGIT = re.compile(r"\d")
_NUMBER_WORD = _Gated(
    re.compile(rf"\b(?:{_NUMBER_WORDS})(?:-\w+)?\b", re.IGNORECASE),
    _NUMBER_WORDS.split("|"),
    fold=True,
)
_FULL_MONTHS = "January|February|March|April|June|July|August|September|October|November|December"
_DATE = re.compile(
    # A bare month name is a date, except "May", which needs a preposition.
    rf"\b(?:{_FULL_MONTHS})\b|\b(?:in|on|since|by|until|from|early|late|mid-?)\s+May\b|"
    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\s+(?:1[89]|20)\d\d\b|"
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
    r"\b(?:days?|weeks?|months?|years?) (?:after|before|ago|later)\b|"
    r"\b(?:yesterday|last (?:week|month|year))\b|\b(?:1[89]|20)\d\d\b"
)
# Every alternative holds a month's first three letters, "day" (weekdays, "yesterday"),
# week, month, year or the first two digits of a year.
_DATE = _Gated(
    _DATE,
    [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
        "day",
        "week",
        "month",
        "year",
        "18",
        "19",
        "20",
    ],
    fold=False,
)
# Money, percentages and counted nouns: things with a figure you can look up.
# Two patterns: with a figure in digits, and with a number word (that alternation,
# tried at every position, only where one of the words is).
_COUNTED = (
    r"[- ](?:[a-z]+[- ]){0,2}"
    r"(?:countries|nations|states|people|troops|soldiers|deaths|days?|years?|months?|"
    r"weeks?|km|miles|tonnes|barrels|votes|members|heads|cases|dollars|rupees|percent)\b"
)
_QUANTITY_IN_DIGITS = _Gated(
    re.compile(
        r"[$£€¥₹]\s?\d|\d\s?%|\b\d[\d,.]*\s*(?:per ?cent|percent|million|billion|trillion)\b|"
        rf"\b\d[\d,.]*{_COUNTED}",
        re.IGNORECASE,
    ),
    (*"0123456789$£€¥₹", *_NUMBER_WORDS.split("|")),
    fold=True,
)
_QUANTITY_IN_WORDS = _Gated(
    re.compile(rf"\b(?:{_NUMBER_WORDS}){_COUNTED}", re.IGNORECASE),
    _NUMBER_WORDS.split("|"),
    fold=True,
)
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
_OPINION = _Gated(
    _OPINION,
    [
        "indicate",
        "suggests",
        "no surprise",
        "could be interpreted",
        "would be a win",
        "appear",
        "looks to be",
        "seem",
        "arguably",
        "perhaps",
        "probably",
        "inflexion point",
        "inflection point",
        "turning point",
        "watershed",
    ],
    fold=True,
)
# Forecasts, promises and plans cannot be verified yet, whoever makes them.
# ("may" stays lowercase so the month May is not taken for a forecast.)
_PREDICTION = re.compile(
    r"\b(?:[Ww]ill|[Ww]ould|[Cc]ould|[Mm]ight|may|[Ss]hall)\b|\b(?:[Hh]opes?|[Hh]oped|"
    r"plans? to|intends? to|aims? to|is looking to|are looking to|expects? to|expected to)\b"
)
_PREDICTION = _Gated(
    _PREDICTION,
    [
        "will",
        "would",
        "could",
        "might",
        "may",
        "shall",
        "hope",
        "plan",
        "intend",
        "aim",
        "looking to",
        "expect",
    ],
    fold=True,
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
    lowered = sentence.lower()
    if "est" not in lowered:
        return False
    words = _EST_WORD.findall(lowered)
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
    if _DIGIT.search(sentence) or _NUMBER_WORD.search(sentence):
        reasons.append("number")
    if _QUANTITY_IN_DIGITS.search(sentence) or _QUANTITY_IN_WORDS.search(sentence):
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
